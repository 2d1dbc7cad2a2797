# Peer measurements taken in the same run as dlctl's, sourced by the bench scripts.
# Needs $WORK (a scratch directory on the disk under test); fio, redis-server, redis-tools.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

fio_json() { fio --name=peer --directory="$WORK" --ioengine=sync --rw=write --output-format=json "$@" 2>/dev/null; }

# p50 microseconds of a 4 KiB write + fdatasync.
fio_4k_fdatasync_p50() {
  fio_json --bs=4k --fdatasync=1 --size=32m | python3 -c '
import json,sys; print("%.0f" % (json.load(sys.stdin)["jobs"][0]["sync"]["lat_ns"]["percentile"]["50.000000"]/1000))'
  rm -f "$WORK"/peer*
}

# MiB/s of 1 MiB writes + fdatasync.
fio_1m_fdatasync_mibs() {
  fio_json --bs=1m --fdatasync=1 --size=512m | python3 -c '
import json,sys; print("%.0f" % (json.load(sys.stdin)["jobs"][0]["write"]["bw"]/1024))'
  rm -f "$WORK"/peer*
}

# Requests/s of XADD with a 100-byte field, -c 50 -P 16, Redis with appendfsync always.
redis_xadd_rps() {
  local port pid payload rps
  port=$(free_port)
  mkdir -p "$WORK/redis"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$WORK/redis" --appendonly yes --appendfsync always --save '' \
    --daemonize no --logfile "$WORK/redis/log" &
  pid=$!
  until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
  payload=$(printf 'v%.0s' $(seq 1 100))
  rps=$(redis-benchmark -h 127.0.0.1 -p "$port" -n "${1:-300000}" -c 50 -P 16 -q XADD s '*' f "$payload" 2>/dev/null \
    | tr '\r' '\n' | grep "requests per second" | tail -1 | sed -E 's/.*: ([0-9.]+) requests.*/\1/')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$WORK/redis"
  echo "$rps"
}
