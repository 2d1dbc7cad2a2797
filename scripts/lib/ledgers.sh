# The ids of the ledgers whose metadata names any of the given bookies (space-separated), read
# with "$DLCTL" from the cluster the environment points at.
ledgers_naming() {
  python3 - "$DLCTL" "$@" <<'EOF'
import json, subprocess, sys
dlctl, bookies = sys.argv[1], set(sys.argv[2:])
ledgers = json.loads(subprocess.run([dlctl, "ledger", "list", "-o", "json"], capture_output=True, text=True, check=True).stdout)
named = []
for ledger in ledgers:
    shown = subprocess.run([dlctl, "ledger", "show", str(ledger["id"]), "-o", "json"], capture_output=True, text=True)
    if shown.returncode != 0: continue  # deleted meanwhile
    if any(bookies & set(e["bookies"]) for e in json.loads(shown.stdout)["ensembles"]): named.append(str(ledger["id"]))
print(" ".join(named))
EOF
}
