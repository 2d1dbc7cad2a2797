#!/usr/bin/env bash
# Issue 15's must-holds at full scale, through real processes of a release build, on the
# embedded store and on ZooKeeper (--backend sqlite|zookeeper|both). Each stage writes a log of
# --records records (about 100 bytes each, 3/3/2) in --segments writer sessions, then:
#  lost:         4 bookies, --lost-bookie-delay 5; one bookie stopped for good (killed, its
#                directory formatted). Within 60 s: nothing under-replicated, no ledger names
#                it, `dlctl ledger check` clean for every ledger (each entry on 3 live
#                bookies), the log reads back exactly; then another bookie is killed and the
#                log still reads back exactly.
#  kills:        6 bookies, delay 5, workers capped at --replication-rate MiB/s (so a copy is
#                slow enough to be caught). Autorecovery disabled, a bookie lost: nothing is
#                marked past the delay; enabled: the work starts. The worker holding a
#                ledger's lock is killed mid-copy (its metadata must be as it was or wholly
#                replaced, never half), then the auditor is killed (when it was not that
#                worker): a new auditor is elected, nothing stays under-replicated, no ledger
#                names any of the three, every ledger checks clean, the log reads back.
#  decommission: 4 bookies (restarted by the sandbox when they exit), delay 5. While a writer
#                streams the records (after as many in closed segments of another log),
#                `dlctl bookie decommission` of the bookie its open ledger
#                writes to ends 0 with no ledger naming it; the writer ends 0; the log reads
#                back exactly. Then a bookie stopped and restarted within the delay causes no
#                mark over the next 8 s.
# Prints "ok:" or "FAIL:" per check and the times measured; exits 1 when any check failed.
# KEEP=1 keeps the work directory.
# Usage: scripts/autorecovery-full-scale.sh [--backend both] [--records 500000] [--segments 5]
#        [--replication-rate 4] [--stage lost|kills|decommission|all]
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=both
RECORDS=500000
SEGMENTS=5
RATE=4
STAGE=all
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) BACKEND=$2; shift 2 ;;
    --records) RECORDS=$2; shift 2 ;;
    --segments) SEGMENTS=$2; shift 2 ;;
    --replication-rate) RATE=$2; shift 2 ;;
    --stage) STAGE=$2; shift 2 ;;
    *) echo "usage: $0 [--backend sqlite|zookeeper|both] [--records N] [--segments N] [--replication-rate MiB/s] [--stage lost|kills|decommission|all]" >&2; exit 64 ;;
  esac
done
source scripts/lib/release.sh
source scripts/lib/ledgers.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
WORK=$(mktemp -d /tmp/dlctl-autorecovery.XXXXXX)
export DLCTL_METADATA_URI=
stop_sandbox() { [ -n "${DLCTL_HOME:-}" ] && "$DLCTL" sandbox stop >/dev/null 2>&1 || true; }
trap 'stop_sandbox; [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"' EXIT
FAILED=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; FAILED=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
now() { date +%s.%N; }
quiet() { "$@" >/dev/null; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

python3 - "$RECORDS" > "$WORK/expected" <<'EOF'
import hashlib, sys
for i in range(1, int(sys.argv[1]) + 1):
    print(f"{i:08d} " + hashlib.sha256(str(i).encode()).hexdigest() + "-" * 27)
EOF

# Sandbox helpers ($DLCTL_HOME set by `sandbox`).
sandbox() {
  stop_sandbox
  export DLCTL_HOME="$WORK/$CURRENT_BACKEND-$1"; shift
  local zk=(); [ "$CURRENT_BACKEND" = zookeeper ] && zk=(--zookeeper)
  "$DLCTL" sandbox --detach --proxies 0 "${zk[@]}" "$@" >/dev/null
}
write_segments() {
  local log=$1 per=$(( (RECORDS + SEGMENTS - 1) / SEGMENTS )) first=1
  while [ $first -le "$RECORDS" ]; do
    sed -n "${first},$((first + per - 1))p" "$WORK/expected" | "$DLCTL" write "$log" >/dev/null
    first=$((first + per))
  done
}
ledgers() { "$DLCTL" ledger list -o json | python3 -c 'import json,sys; print(" ".join(str(l["id"]) for l in json.load(sys.stdin)))'; }
bookie_field() {  # id field
  "$DLCTL" bookie list -o json | python3 -c '
import json, sys
for b in json.load(sys.stdin):
    if b["id"] == sys.argv[1]: print(b[sys.argv[2]])' "$1" "$2"
}
status_field() { "$DLCTL" autorecovery status -o json | python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list)) else (v or ""))' "$1"; }
underreplicated_empty() { [ "$("$DLCTL" ledger underreplicated -o json | tr -d '[:space:]')" = "[]" ]; }
# A bookie the ledgers name, not among the excluded.
bookie_in_use() {
  local b
  for b in $("$DLCTL" bookie list -o json | python3 -c 'import json,sys; print(" ".join(b["id"] for b in json.load(sys.stdin)))'); do
    case " $* " in *" $b "*) continue ;; esac
    [ -n "$(ledgers_naming "$b")" ] && { echo "$b"; return; }
  done
}
lose() {  # kill -9 and wait for the process to go; with "format": wipe its directory too
  local pid dir
  pid=$(bookie_field "$1" pid); dir=$(bookie_field "$1" dataDirectory)
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  [ "${2:-}" = format ] && "$DLCTL" bookie format --force --data-dir "$dir" >/dev/null
  return 0
}
# wait_until SECONDS command...: polls every 0.2 s; 0 when it held in time.
wait_until() {
  local deadline; deadline=$(python3 -c "import time,sys; print(time.time() + float(sys.argv[1]))" "$1"); shift
  until "$@"; do
    python3 -c "import time,sys; sys.exit(time.time() > float(sys.argv[1]))" "$deadline" || return 1
    sleep 0.2
  done
}
settled() { underreplicated_empty && [ -z "$(ledgers_naming "$@")" ]; }
all_ledgers_check() {
  local id bad=0
  for id in $(ledgers); do
    "$DLCTL" ledger check "$id" > "$WORK/check.out" 2>&1 || { echo "  ledger $id: $(tail -3 "$WORK/check.out")"; bad=1; }
  done
  return $bad
}
reads_back() { "$DLCTL" tail "$1" --from start > "$WORK/read.out" 2> "$WORK/read.err" && cmp -s "$WORK/read.out" "$WORK/expected" \
  || { echo "  $(wc -l < "$WORK/read.out") lines read; $(head -c 300 "$WORK/read.err")"; return 1; }; }

stage_lost() {
  echo "== [$CURRENT_BACKEND] lost: 4 bookies, delay 5 s, $RECORDS records in $SEGMENTS segments"
  sandbox lost --bookies 4 --no-restart --lost-bookie-delay 5
  local t; t=$(now); write_segments t/lost; echo "   written in $(since "$t") s; ledgers: $(ledgers)"
  local victim; victim=$(bookie_in_use)
  local killed; killed=$(now)
  lose "$victim" format
  echo "   $victim killed and formatted"
  check "within 60 s nothing under-replicated and no ledger names $victim" wait_until 60 settled "$victim"
  echo "   settled $(since "$killed") s after the kill"
  check "every entry of every ledger on each replica (ledger check)" all_ledgers_check
  check "the log reads back exactly" reads_back t/lost
  local second; second=$(bookie_in_use "$victim")
  lose "$second"
  echo "   $second killed too"
  check "after losing a second bookie the log reads back exactly" reads_back t/lost
}

# The lock holder's ledger before and after its kill: unchanged, or no longer naming the lost bookie.
whole_or_untouched() {
  python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
before, after = (json.load(open(p))["ensembles"] for p in sys.argv[1:3])
lost = sys.argv[3]
sys.exit(0 if after == before or not any(lost in e["bookies"] for e in after) else 1)
EOF
}
in_progress() { [ "$(status_field inProgress)" != "{}" ] && [ -n "$(status_field inProgress)" ]; }
new_auditor_other_than() { local a; a=$(status_field auditor); [ -n "$a" ] && case " $* " in *" $a "*) false ;; *) true ;; esac; }

stage_kills() {
  echo "== [$CURRENT_BACKEND] kills: 6 bookies, delay 5 s, workers at $RATE MiB/s, $RECORDS records"
  sandbox kills --bookies 6 --no-restart --lost-bookie-delay 5 --replication-rate "$RATE"
  write_segments t/kills
  check "disable" quiet "$DLCTL" autorecovery disable
  local victim; victim=$(bookie_in_use)
  lose "$victim" format
  wait_until 30 bash -c "! \"$DLCTL\" bookie list | grep -q '$victim'"
  # Past the delay (5 s) with a margin, while disabled: no mark.
  if wait_until 8 bash -c "[ \"\$(\"$DLCTL\" ledger underreplicated -o json | tr -d '[:space:]')\" != '[]' ]"; then
    fail "disabled, yet marked"
  else ok "disabled: nothing marked 8 s after $victim deregistered"; fi
  check "disabled: the ledgers still name $victim" test -n "$(ledgers_naming "$victim")"
  check "enable" quiet "$DLCTL" autorecovery enable
  check "enabled: a worker takes a ledger within 30 s" wait_until 30 in_progress
  local progress ledger worker
  progress=$(status_field inProgress)
  read -r ledger worker < <(python3 -c 'import json,sys; k,v=next(iter(json.loads(sys.argv[1]).items())); print(k, v)' "$progress")
  "$DLCTL" ledger show "$ledger" -o json > "$WORK/before.json"
  local auditor; auditor=$(status_field auditor)
  lose "$worker"
  echo "   worker $worker killed while copying ledger $ledger (auditor: $auditor)"
  "$DLCTL" ledger show "$ledger" -o json > "$WORK/after.json"
  cmp -s "$WORK/before.json" "$WORK/after.json" && echo "   ledger $ledger's metadata as it was" || echo "   ledger $ledger's metadata changed"
  check "ledger $ledger's metadata unchanged or wholly replaced after the worker's kill" whole_or_untouched "$WORK/before.json" "$WORK/after.json" "$victim"
  local gone=("$victim" "$worker")
  if [ "$auditor" != "$worker" ]; then
    lose "$auditor"
    gone+=("$auditor")
    echo "   auditor $auditor killed"
  fi
  local killed; killed=$(now)
  check "a new auditor other than ${gone[*]} within 60 s" wait_until 60 new_auditor_other_than "${gone[@]}"
  check "within 120 s nothing under-replicated and no ledger names ${gone[*]}" wait_until 120 settled "${gone[@]}"
  echo "   settled $(since "$killed") s after the kills; workers left: $(status_field workers)"
  check "every ledger checks clean" all_ledgers_check
  check "the log reads back exactly" reads_back t/kills
}

marked() { ! underreplicated_empty; }
stage_decommission() {
  echo "== [$CURRENT_BACKEND] decommission: 4 bookies, a writer streaming $RECORDS records"
  sandbox decommission --bookies 4 --lost-bookie-delay 5
  write_segments t/before
  # About 20 s of writing: the records paced in 100 chunks.
  python3 - "$WORK/expected" <<'EOF' | "$DLCTL" write t/dc > "$WORK/writer.out" 2> "$WORK/writer.err" &
import sys, time
lines = open(sys.argv[1]).readlines()
chunk = max(1, len(lines) // 100)
for start in range(0, len(lines), chunk):
    sys.stdout.writelines(lines[start:start + chunk]); sys.stdout.flush(); time.sleep(0.2)
EOF
  local writer=$!
  open_target() {
    "$DLCTL" segments t/dc -o json 2>/dev/null | python3 -c '
import json, subprocess, sys
segments = json.load(sys.stdin)
if not segments or segments[-1]["state"] != "in-progress": sys.exit(1)
shown = json.loads(subprocess.run([sys.argv[1], "ledger", "show", str(segments[-1]["ledgerId"]), "-o", "json"], capture_output=True, text=True, check=True).stdout)
print(shown["ensembles"][-1]["bookies"][0])' "$DLCTL" > "$WORK/target"
  }
  check "the writer's ledger is open within 30 s" wait_until 30 open_target
  local target; target=$(cat "$WORK/target")
  local t; t=$(now)
  check "decommission $target ends 0 during the writes" "$DLCTL" bookie decommission "$target"
  echo "   decommission took $(since "$t") s"
  check "no ledger names $target" test -z "$(ledgers_naming "$target")"
  check "the writer ends 0" wait "$writer"
  check "the log reads back exactly" reads_back t/dc
  check "every ledger checks clean" all_ledgers_check
  check "the log written before reads back exactly" reads_back t/before
  check "no ledger names $target after the writer's close" test -z "$(ledgers_naming "$target")"
  # Back within the delay: stopped, restarted by the sandbox under the same identity.
  local away pid; away=$(bookie_in_use "$target"); pid=$(bookie_field "$away" pid)
  kill -TERM "$pid"
  check "$away restarted by the sandbox" wait_until 30 bash -c "p=\$(\"$DLCTL\" bookie list -o json | python3 -c 'import json,sys; print(next((b[\"pid\"] for b in json.load(sys.stdin) if b[\"id\"] == \"$away\"), \"\"))'); [ -n \"\$p\" ] && [ \"\$p\" != $pid ]"
  if wait_until 8 marked; then fail "a bookie back within the delay was marked"; else ok "$away back within the delay: nothing marked over 8 s"; fi
  check "its ledgers still name $away" test -n "$(ledgers_naming "$away")"
}

backends=("$BACKEND"); [ "$BACKEND" = both ] && backends=(sqlite zookeeper)
for CURRENT_BACKEND in "${backends[@]}"; do
  for s in lost kills decommission; do
    [ "$STAGE" = all ] || [ "$STAGE" = "$s" ] || continue
    "stage_$s"
  done
done
stop_sandbox
[ $FAILED = 0 ] && echo "all checks held" || echo "SOME CHECKS FAILED"
exit $FAILED
