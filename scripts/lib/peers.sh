# Peer measurements taken in the same run as dlctl's, sourced by the bench scripts.
# Needs $WORK (a scratch directory on the disk under test); installs fio, redis-server and
# redis-tools when they are missing (a fresh machine has none of them).
source "$(dirname "${BASH_SOURCE[0]}")/../packages.sh"
dlctl_install_missing "${DLCTL_PEER_PACKAGES[@]}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

fio_json() { fio --name=peer --directory="$WORK" --ioengine=sync --rw=write --output-format=json "$@" 2>/dev/null; }

# The median of three fio runs (as ../shared/peers/disk.sh measures): one run on this disk
# sometimes lands far from the others.
fio_median() { # python expression over the job j, fio args...
  local expr=$1; shift
  for _ in 1 2 3; do
    fio_json "$@" | python3 -c "import json,sys; j=json.load(sys.stdin)['jobs'][0]; print($expr)"
    rm -f "$WORK"/peer*
  done | sort -n | sed -n 2p
}

# p50 microseconds of a 4 KiB write + fdatasync.
fio_4k_fdatasync_p50() {
  fio_median '"%.0f" % (j["sync"]["lat_ns"]["percentile"]["50.000000"]/1000)' --bs=4k --fdatasync=1 --size=64m
}

# MiB/s of 1 MiB writes + fdatasync.
fio_1m_fdatasync_mibs() {
  fio_median '"%.0f" % (j["write"]["bw"]/1024)' --bs=1m --fdatasync=1 --size=512m
}

# Requests/s of XADD with a 100-byte field, -c 50 -P 16, Redis with appendfsync always: the
# median of three runs, each on a fresh server, the server pinned to CPU 0 and redis-benchmark
# to CPU 1 (as ../shared/peers/redis-bench.sh measures).
redis_xadd_rps() {
  for _ in 1 2 3; do redis_xadd_rps_once "${1:-200000}"; done | sort -g | sed -n 2p
}

redis_xadd_rps_once() {
  local port pid payload rps
  port=$(free_port)
  mkdir -p "$WORK/redis"
  taskset -c 0 redis-server --bind 127.0.0.1 --port "$port" --dir "$WORK/redis" --appendonly yes --appendfsync always \
    --save '' --daemonize no --logfile "$WORK/redis/log" &
  pid=$!
  until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
  payload=$(printf 'v%.0s' $(seq 1 100))
  rps=$(taskset -c 1 redis-benchmark -h 127.0.0.1 -p "$port" -n "$1" -c 50 -P 16 -q XADD s '*' f "$payload" 2>/dev/null \
    | tr '\r' '\n' | grep "requests per second" | tail -1 | sed -E 's/.*: ([0-9.]+) requests.*/\1/')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$WORK/redis"
  echo "$rps"
}
