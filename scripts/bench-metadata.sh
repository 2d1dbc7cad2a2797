#!/usr/bin/env bash
# Metadata store benchmark, both backends in one run, with the disk's fdatasync floor beside it.
# Usage: scripts/bench-metadata.sh [OPS_PER_CLIENT]
# Starts a private ZooKeeper (Debian's package) on a free loopback port and fio on /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
OPS=${1:-2000}
source scripts/lib/release.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
WORK=$(mktemp -d /tmp/dlctl-bench-meta.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { [ -f "$WORK/zk/zk.pid" ] && kill "$(cat "$WORK/zk/zk.pid")" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/zk"
cat > "$WORK/zk/zoo.cfg" <<CFG
tickTime=2000
dataDir=$WORK/zk/data
clientPort=$PORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok
CFG
java -Xms64m -Xmx256m -XX:+UseSerialGC -cp "$WORK/zk:/usr/share/java/zookeeper.jar" \
  org.apache.zookeeper.server.quorum.QuorumPeerMain "$WORK/zk/zoo.cfg" >"$WORK/zk/out" 2>&1 &
echo $! > "$WORK/zk/zk.pid"

echo "== fio: 4 KiB append + fdatasync (the floor of one durable commit)"
if command -v fio >/dev/null; then
  fio --name=fsync4k --directory="$WORK" --ioengine=sync --rw=write --bs=4k --fdatasync=1 --size=32m \
      --output-format=json 2>/dev/null | python3 -c '
import json,sys; j=json.load(sys.stdin)["jobs"][0]["sync"]["lat_ns"]["percentile"]
print("fdatasync p50 %.0f us  p99 %.0f us" % (j["50.000000"]/1000, j["99.000000"]/1000))'
else
  echo "fio not installed (apt-get install fio)"
fi

echo "== embedded SQLite store"
"$DLCTL" init --uri "$WORK/meta.db" >/dev/null
"$DLCTL" bench meta --uri "$WORK/meta.db" --ops "$OPS"

echo "== ZooKeeper backend against Debian's ZooKeeper 3.8 (standalone, forceSync=yes)"
"$DLCTL" init --uri "zk://127.0.0.1:$PORT/bench" --timeout 60 >/dev/null
"$DLCTL" bench meta --uri "zk://127.0.0.1:$PORT/bench" --ops "$OPS"
