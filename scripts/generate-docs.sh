#!/usr/bin/env bash
# Regenerates man/ and completions/ from the command tree (swift-argument-parser).
# With --check, fails when the committed files differ from what the code generates.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product dlctl >/dev/null
DLCTL="$(swift build --show-bin-path)/dlctl"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
swift package --allow-writing-to-package-directory generate-manual --configuration debug --multi-page >/dev/null
mkdir -p "$OUT/man" "$OUT/completions"
# The generated pages carry the build date; drop it so regenerating is deterministic.
for page in .build/plugins/GenerateManual/outputs/dlctl/*.1; do
  sed 's/^\.Dd .*/.Dd November 2026/' "$page" > "$OUT/man/$(basename "$page")"
done
"$DLCTL" --generate-completion-script bash > "$OUT/completions/dlctl.bash"
"$DLCTL" --generate-completion-script zsh > "$OUT/completions/_dlctl"
"$DLCTL" --generate-completion-script fish > "$OUT/completions/dlctl.fish"
if [ "${1:-}" = "--check" ]; then
  if ! diff -r "$OUT/man" man >/dev/null || ! diff -r "$OUT/completions" completions >/dev/null; then
    echo "man/ or completions/ are stale: run scripts/generate-docs.sh and commit" >&2
    diff -r "$OUT/man" man | head -20 >&2 || true
    exit 1
  fi
  echo "man/ and completions/ are current"
else
  rm -rf man completions
  cp -r "$OUT/man" man
  cp -r "$OUT/completions" completions
  echo "wrote man/ ($(ls man | wc -l) pages) and completions/"
fi
