#!/usr/bin/env bash
# Installs Recall as a user would, from its built wheel: a fresh virtual environment, no editable
# install, no Makefile. Then indexes examples/ with the bundled model and searches it.
# Usage: scripts/test_wheel.sh [WHEEL]   (default: builds one into dist/ first)
# The last line says "N passed, M failed"; the exit code is the verdict.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAILED: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

wheel="${1:-}"
if [ -z "$wheel" ]; then
  echo "== building the wheel"
  "$repo/.venv/bin/python" -m pip install --quiet build || fail "pip install build"
  "$repo/.venv/bin/python" -m build --wheel --outdir "$work/dist" "$repo" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; fail "python -m build"; }
  # A deprecation (the licence table was one) turns into a broken build later: fail on it now.
  if grep -i "deprecat" "$work/build.log"; then fail "the build printed deprecation warnings (above)"; fi
  wheel="$(ls "$work"/dist/recall_ls-*.whl)"
fi

echo "== a fresh virtual environment, then $(basename "$wheel")"
"$python" -m venv "$work/venv" || fail "venv"
"$work/venv/bin/python" "$repo/scripts/install_torch.py" || fail "install_torch.py"
"$work/venv/bin/python" -m pip install --quiet "$wheel" || fail "pip install $wheel"

echo "== recall-ls index examples/ and search it"
cd "$work" || fail "cd"
"$work/venv/bin/recall-ls" index "$repo/examples" --index-dir "$work/index" || fail "recall-ls index"
"$work/venv/bin/recall-ls" search "rereading my old journals I keep finding ideas I had forgotten" \
  --index-dir "$work/index" -k 3 --json >"$work/hits.json" || fail "recall-ls search"
"$work/venv/bin/python" - "$work/hits.json" <<'PY' || fail "search results"
import json, sys
hits = json.load(open(sys.argv[1]))
assert hits and all(hit["text"] for hit in hits), f"no results: {hits!r}"
print(f"{len(hits)} results; the first: {hits[0]['text'][:80]!r}")
PY
echo "1 passed, 0 failed"
