#!/usr/bin/env bash
# A cluster of separate hosts on this one machine: each host is a Linux network namespace with
# its own address on a private bridge, and every server in it binds to that address. Nothing
# outside this machine is addressed, and the root namespace's network is not touched: the bridge
# lives in a namespace of its own.
#
#   dlctl-net       the bridge dlbr0 (veth peers of every host attached)
#   dlctl-zk1..3    10.77.0.11-13   a ZooKeeper ensemble (Debian's package, a real quorum), :2181
#   dlctl-bookie1..4 10.77.0.21-24  dlctl bookie start --host ADDR --port 3181 --http-port 8000
#   dlctl-proxy1..2 10.77.0.31-32   dlctl proxy start --host ADDR --port 4181 --http-port 8080
#   dlctl-client1..3 10.77.0.41-43  for clients (nothing runs there)
#
# The servers run what README.md's "Several machines, on ZooKeeper" section says, with these
# addresses. State (data, logs, pids, ZooKeeper configuration) lives under $DLCTL_NETNS_DIR
# (default /tmp/dlctl-netns). A second cluster can run beside it with its own
# DLCTL_NETNS_PREFIX (namespace names, default dlctl), DLCTL_NETNS_SUBNET (default 10.77.0)
# and DLCTL_NETNS_DIR.
#
# Usage: scripts/netns-cluster.sh up [--dlctl PATH] | down | status | exec HOST COMMAND... |
#        start|stop HOST | addr HOST | uri
#   up      creates the namespaces, starts everything, waits until ZooKeeper has a quorum and
#           every bookie and proxy is registered; exits 0 when it is all up.
#   down    kills every process and removes the namespaces and the state directory.
#   status  one line per host: address, process, up or down; exits 0 only when all are up.
#   exec    runs a command inside a host's namespace (e.g. `exec client1 dlctl bookie list`;
#           DLCTL_METADATA_URI is set to the ensemble).
#   start|stop HOST  (re)starts or kill -9s one host's server (the nemesis uses these).
#   power-cut BOOKIE  a power loss of a bookie started with DLCTL_BOOKIE_ARGS=--power-loss-recorder
#           (its data directory keeps only what a power loss would; `start` brings it back).
#   Faults (each undone by `heal`, which also resumes paused servers): isolate HOST (no traffic in or
#   out), drop-out HOST (nothing goes out: one-way loss), lossy HOST PERCENT (random loss both
#   ways), slow HOST [MS] (netem delay; where the kernel lacks netem, a 1 Mbit/s token bucket),
#   split "HOSTS" "HOSTS" (the two sides cannot reach each other), pause|resume HOST
#   (SIGSTOP/SIGCONT), fill BOOKIE (its disk, a loop-mounted ext4 image of
#   $DLCTL_NETNS_DISK_MB MiB, filled but for 1 MiB). `servers` lists the server hosts.
# Needs root (ip netns) and the Debian packages iproute2 and zookeeper.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${DLCTL_NETNS_DIR:-/tmp/dlctl-netns}
# A second cluster beside the first: another prefix for its namespaces, another /24, another DIR.
PREFIX=${DLCTL_NETNS_PREFIX:-dlctl}
SUBNET=${DLCTL_NETNS_SUBNET:-10.77.0}
ZK_HOSTS=(zk1 zk2 zk3)
BOOKIE_HOSTS=(bookie1 bookie2 bookie3 bookie4)
PROXY_HOSTS=(proxy1 proxy2)
CLIENT_HOSTS=(client1 client2 client3)
ALL_HOSTS=("${ZK_HOSTS[@]}" "${BOOKIE_HOSTS[@]}" "${PROXY_HOSTS[@]}" "${CLIENT_HOSTS[@]}")
BRIDGE_NS=$PREFIX-net

addr() {
  case "$1" in
    zk[1-3]) echo "$SUBNET.$((10 + ${1#zk}))" ;;
    bookie[1-9]) echo "$SUBNET.$((20 + ${1#bookie}))" ;;
    proxy[1-9]) echo "$SUBNET.$((30 + ${1#proxy}))" ;;
    client[1-9]) echo "$SUBNET.$((40 + ${1#client}))" ;;
    *) echo "netns-cluster: no host $1" >&2; return 64 ;;
  esac
}
ns() { echo "$PREFIX-$1"; }
uri() {
  local servers=() h
  for h in "${ZK_HOSTS[@]}"; do servers+=("$(addr "$h"):2181"); done
  echo "zk://$(IFS=,; echo "${servers[*]}")/dlctl"
}
in_ns() { local host=$1; shift; ip netns exec "$(ns "$host")" "$@"; }
dlctl_binary() { cat "$DIR/dlctl-path"; }
pid_of() { [ -f "$DIR/$1/pid" ] && cat "$DIR/$1/pid"; }
alive() { local pid; pid=$(pid_of "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# A TCP request from inside a host's namespace (bash's /dev/tcp: no netcat needed).
tcp_ask() {  # from_host addr port text
  in_ns "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/$3 && printf '%s' '$4' >&3 && cat <&3" 2>/dev/null || true
}

network_up() {
  ip netns add "$BRIDGE_NS"
  ip -n "$BRIDGE_NS" link set lo up
  ip -n "$BRIDGE_NS" link add dlbr0 type bridge
  ip -n "$BRIDGE_NS" link set dlbr0 up
  local host
  for host in "${ALL_HOSTS[@]}"; do
    ip netns add "$(ns "$host")"
    ip -n "$(ns "$host")" link set lo up
    # The pair is made inside the host's namespace; its peer moves to the bridge's.
    ip -n "$(ns "$host")" link add eth0 type veth peer name "v-$host"
    ip -n "$(ns "$host")" link set "v-$host" netns "$BRIDGE_NS"
    ip -n "$BRIDGE_NS" link set "v-$host" master dlbr0 up
    ip -n "$(ns "$host")" addr add "$(addr "$host")/24" dev eth0
    ip -n "$(ns "$host")" link set eth0 up
  done
}

network_down() {
  local name
  for name in $(ip netns list | awk '{print $1}'); do
    case "$name" in "$PREFIX"-*) ip netns del "$name" 2>/dev/null || true ;; esac
  done
}

# Each bookie's data on a disk of its own: an ext4 image of DISK_MB MiB, loop-mounted at
# $DIR/bookieN/disk, so that filling it (the fill fault) touches no other host.
DISK_MB=${DLCTL_NETNS_DISK_MB:-1024}
disk_up() {
  local dir=$DIR/$1
  mkdir -p "$dir/disk"
  truncate -s "${DISK_MB}M" "$dir/disk.img"
  mkfs.ext4 -q -F "$dir/disk.img"
  mount -o loop "$dir/disk.img" "$dir/disk"
}
disks_down() {
  local mounted
  for mounted in $(awk -v dir="$DIR/" 'index($2, dir) == 1 { print $2 }' /proc/mounts); do umount "$mounted" 2>/dev/null || umount -l "$mounted" || true; done
}
# Fills a bookie's disk but for 1 MiB (undone by heal).
fill() {
  local disk=$DIR/$1/disk free
  free=$(df --output=avail -B1 "$disk" | tail -1)
  [ "$free" -gt $((1 << 20)) ] && fallocate -l $((free - (1 << 20))) "$disk/filler"
  return 0
}

zk_config() {
  local host=$1 dir=$DIR/$1 h
  mkdir -p "$dir/data" "$dir/conf"
  echo "${host#zk}" > "$dir/data/myid"
  {
    echo "tickTime=500"
    echo "initLimit=20"
    echo "syncLimit=10"
    echo "dataDir=$dir/data"
    echo "clientPort=2181"
    echo "clientPortAddress=$(addr "$host")"
    echo "maxClientCnxns=0"
    echo "admin.enableServer=false"
    echo "4lw.commands.whitelist=ruok,srvr,stat,mntr"
    echo "autopurge.purgeInterval=0"
    # Session timeouts from 1 s to 10 s: the clients ask for what they need.
    echo "minSessionTimeout=1000"
    echo "maxSessionTimeout=10000"
    for h in "${ZK_HOSTS[@]}"; do echo "server.${h#zk}=$(addr "$h"):2888:3888"; done
  } > "$dir/conf/zoo.cfg"
}

start_host() {
  local host=$1 dir=$DIR/$1 a; a=$(addr "$host")
  mkdir -p "$dir"
  alive "$host" && return 0
  # `ip netns exec` straight from this shell (not through the in_ns function, which a background
  # job would run in a subshell): ip execs nohup, which execs the server, so $! is the server's
  # pid, the one stop, pause and power-cut signal.
  local netns; netns=$(ns "$host")
  case "$host" in
    zk*)
      ip netns exec "$netns" nohup java -Xms32m -Xmx128m -XX:+UseSerialGC -Dzookeeper.jmx.log4j.disable=true \
        -cp "$dir/conf:/usr/share/java/zookeeper.jar" org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/conf/zoo.cfg" \
        >> "$dir/out.log" 2>&1 < /dev/null &
      ;;
    bookie*)
      ip netns exec "$netns" nohup "$(dlctl_binary)" bookie start --uri "$(uri)" --data-dir "$dir/disk/data" --host "$a" --port 3181 \
        --http-port 8000 ${DLCTL_BOOKIE_ARGS:-} >> "$dir/out.log" 2>&1 < /dev/null &
      ;;
    proxy*)
      ip netns exec "$netns" nohup "$(dlctl_binary)" proxy start --uri "$(uri)" --host "$a" --port 4181 --http-port 8080 \
        ${DLCTL_PROXY_ARGS:-} >> "$dir/out.log" 2>&1 < /dev/null &
      ;;
    *) return 0 ;;
  esac
  echo $! > "$dir/pid"
  # The pid must be the server's: a wrong one made kill, pause and power-cut faults miss it.
  local deadline=$((SECONDS + 5))
  until tr '\0' ' ' < "/proc/$!/cmdline" 2>/dev/null | grep -q -e "--data-dir $dir/\|--host $a \|$dir/conf/zoo.cfg"; do
    kill -0 $! 2>/dev/null || { echo "netns-cluster: $host exited at once; its log: $dir/out.log" >&2; return 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "netns-cluster: pid $! of $host is not its server" >&2; return 1; }
    sleep 0.01
  done
}

stop_host() {
  local pid
  pid=$(pid_of "$1") || return 0
  [ -n "$pid" ] || return 0
  kill -9 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$DIR/$1/pid"
}

# A power loss of a bookie started with --power-loss-recorder (DLCTL_BOOKIE_ARGS): SIGUSR2 makes
# it rewrite its data directory as a power loss leaves a disk (only what it synced, some unsynced
# writes in order, the last torn) and exit 137. `start` brings it back.
power_cut() {
  local pid deadline=$((SECONDS + 60))
  pid=$(pid_of "$1") || return 0
  [ -n "$pid" ] || return 0
  kill -USR2 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || kill -9 "$pid" 2>/dev/null || true
    sleep 0.05
  done
  rm -f "$DIR/$1/pid"
}

zk_mode() { tcp_ask client1 "$(addr "$1")" 2181 srvr | sed -n 's/^Mode: //p'; }
host_up() {
  alive "$1" || return 1
  case "$1" in
    zk*) [ -n "$(zk_mode "$1")" ] ;;
    bookie*) in_ns client1 env DLCTL_METADATA_URI="$(uri)" "$(dlctl_binary)" bookie list -o json 2>/dev/null | grep -q "\"$(addr "$1"):3181\"" ;;
    proxy*) in_ns client1 env DLCTL_METADATA_URI="$(uri)" "$(dlctl_binary)" proxy list -o json 2>/dev/null | grep -q "\"$(addr "$1"):4181\"" ;;
  esac
}

wait_up() {  # seconds hosts...
  local deadline=$((SECONDS + $1)) host; shift
  for host in "$@"; do
    until host_up "$host"; do
      if [ $SECONDS -ge $deadline ]; then
        echo "netns-cluster: $host is not up after the deadline; its log ($DIR/$host/out.log):" >&2
        tail -5 "$DIR/$host/out.log" >&2 2>/dev/null || true
        return 1
      fi
      sleep 0.2
    done
  done
}

up() {
  local dlctl=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --dlctl) dlctl=$2; shift 2 ;;
      *) echo "usage: $0 up [--dlctl PATH]" >&2; exit 64 ;;
    esac
  done
  if [ -z "$dlctl" ]; then
    source scripts/lib/release.sh
    dlctl_build_release >/dev/null
    dlctl=$(dlctl_release_binary)
  fi
  if ip netns list | grep -q "^$BRIDGE_NS"; then echo "netns-cluster: already up (down first)" >&2; exit 1; fi
  kill_strays
  disks_down
  rm -rf "$DIR"; mkdir -p "$DIR"
  echo "$dlctl" > "$DIR/dlctl-path"
  network_up
  local host
  for host in "${BOOKIE_HOSTS[@]}"; do disk_up "$host"; done
  for host in "${ZK_HOSTS[@]}"; do zk_config "$host"; start_host "$host"; done
  wait_up 90 "${ZK_HOSTS[@]}"
  # Once: the cluster layout under the ZooKeeper root (retried while the ensemble settles).
  local deadline=$((SECONDS + 60))
  until in_ns client1 "$dlctl" init --uri "$(uri)" > "$DIR/init.log" 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "netns-cluster: init failed: $(tail -1 "$DIR/init.log")" >&2; exit 1; }
    sleep 0.5
  done
  for host in "${BOOKIE_HOSTS[@]}" "${PROXY_HOSTS[@]}"; do start_host "$host"; done
  wait_up 60 "${BOOKIE_HOSTS[@]}" "${PROXY_HOSTS[@]}"
  echo "netns cluster up: metadata $(uri)"
  echo "  run commands in a client namespace: $0 exec client1 dlctl bookie list"
}

# Servers of an earlier cluster whose pid files are gone (a run killed half-way): found by the
# state directory or the ensemble's addresses on their command lines.
kill_strays() {
  pkill -9 -f "$DIR/zk[1-3]/conf/zoo.cfg" 2>/dev/null || true
  pkill -9 -f "dlctl (bookie|proxy) start --uri zk://$SUBNET\.11:2181" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while pgrep -f "$DIR/zk[1-3]/conf/zoo.cfg|dlctl (bookie|proxy) start --uri zk://$SUBNET\.11:2181" >/dev/null && [ $SECONDS -lt $deadline ]; do
    sleep 0.1
  done
}

down() {
  local host
  if [ -d "$DIR" ]; then
    for host in "${ALL_HOSTS[@]}"; do stop_host "$host"; done
  fi
  kill_strays
  network_down
  disks_down
  rm -rf "$DIR"
}

status() {
  local host all=0 what state
  for host in "${ALL_HOSTS[@]}"; do
    case "$host" in
      zk*) what="zookeeper :2181" ;;
      bookie*) what="bookie :3181" ;;
      proxy*) what="proxy :4181" ;;
      *) what="client"; printf '%-8s %-12s %-16s %s\n' "$host" "$(addr "$host")" "$what" "-"; continue ;;
    esac
    if host_up "$host"; then
      state=up; [ "${host#zk}" != "$host" ] && state="up ($(zk_mode "$host"))"
    else state=down; all=1; fi
    printf '%-8s %-12s %-16s %s\n' "$host" "$(addr "$host")" "$what" "$state"
  done
  return $all
}

# Faults, for the nemesis (scripts/jepsen/nemesis.py); `heal` undoes every network fault.
server_hosts() { echo "${ZK_HOSTS[@]}" "${BOOKIE_HOSTS[@]}" "${PROXY_HOSTS[@]}"; }
isolate() { in_ns "$1" iptables -A INPUT -i eth0 -j DROP; in_ns "$1" iptables -A OUTPUT -o eth0 -j DROP; }
drop_out() { in_ns "$1" iptables -A OUTPUT -o eth0 -j DROP; }
lossy() { local p; p=$(python3 -c "print(int(${2:-20}) / 100)"); in_ns "$1" iptables -A INPUT -i eth0 -m statistic --mode random --probability "$p" -j DROP
  in_ns "$1" iptables -A OUTPUT -o eth0 -m statistic --mode random --probability "$p" -j DROP; }
# A slow link: netem's delay where the kernel has it; else (no sch_netem, as on this machine) a
# token bucket whose small rate and long queue delay what goes out.
slow() {
  in_ns "$1" tc qdisc replace dev eth0 root netem delay "${2:-100}ms" 2>/dev/null \
    || in_ns "$1" tc qdisc replace dev eth0 root tbf rate 1mbit burst 16kb latency 2000ms
}
split() {  # "HOSTS OF ONE SIDE" "HOSTS OF THE OTHER"
  local a b
  for a in $1; do for b in $2; do
    in_ns "$a" iptables -A INPUT -s "$(addr "$b")" -j DROP; in_ns "$a" iptables -A OUTPUT -d "$(addr "$b")" -j DROP
    in_ns "$b" iptables -A INPUT -s "$(addr "$a")" -j DROP; in_ns "$b" iptables -A OUTPUT -d "$(addr "$a")" -j DROP
  done; done
}
heal() {
  local host
  for host in "${ALL_HOSTS[@]}"; do
    in_ns "$host" iptables -F 2>/dev/null || true
    in_ns "$host" tc qdisc del dev eth0 root 2>/dev/null || true
    signal_host CONT "$host"
  done
  rm -f "$DIR"/bookie*/disk/filler
}
signal_host() { local pid; pid=$(pid_of "$2") && [ -n "$pid" ] && kill "-$1" "$pid" 2>/dev/null || true; }

command=${1:-}
[ $# -gt 0 ] && shift
[ "$(id -u)" -eq 0 ] || { echo "netns-cluster: needs root (ip netns)" >&2; exit 1; }
case "$command" in
  up) up "$@" ;;
  down) down ;;
  status) [ -f "$DIR/dlctl-path" ] || { echo "netns-cluster: not up" >&2; exit 1; }; status ;;
  exec)
    host=${1:?usage: $0 exec HOST COMMAND...}; shift
    addr "$host" >/dev/null
    if [ "${1:-}" = dlctl ]; then shift; set -- "$(dlctl_binary)" "$@"; fi
    in_ns "$host" env DLCTL_METADATA_URI="$(uri)" "$@" ;;
  start) start_host "${1:?usage: $0 start HOST}"; wait_up 60 "$1" ;;
  stop) stop_host "${1:?usage: $0 stop HOST}" ;;
  power-cut) power_cut "${1:?usage: $0 power-cut BOOKIE}" ;;
  addr) addr "${1:?usage: $0 addr HOST}" ;;
  servers) server_hosts ;;
  isolate|drop-out|slow|lossy|fill) fault=${command//-/_}; "$fault" "${1:?usage: $0 $command HOST}" "${@:2}" ;;
  split) split "${1:?usage: $0 split 'HOSTS' 'HOSTS'}" "${2:?usage: $0 split 'HOSTS' 'HOSTS'}" ;;
  heal) heal ;;
  pause) signal_host STOP "${1:?usage: $0 pause HOST}" ;;
  resume) signal_host CONT "${1:?usage: $0 resume HOST}" ;;
  uri) uri ;;
  *) echo "usage: $0 up [--dlctl PATH] | down | status | exec HOST COMMAND... | start|stop|power-cut HOST | addr HOST | uri | servers" >&2
     echo "       $0 isolate|drop-out|lossy|slow|pause|resume HOST | fill BOOKIE | split 'HOSTS' 'HOSTS' | heal" >&2; exit 64 ;;
esac
