#!/usr/bin/env bash
# The README's Emacs (eglot) set-up, checked in a real Emacs against the real server and model.
# Installs Debian's emacs-nox, elpa-eglot and elpa-markdown-mode when missing (Emacs 28 has no
# built-in eglot), then runs tests/editors/emacs with pytest. Arguments go to pytest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

if ! command -v emacs >/dev/null 2>&1 || ! emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; then
  echo "run.sh: installing emacs-nox, elpa-eglot and elpa-markdown-mode"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    emacs-nox elpa-eglot elpa-markdown-mode
fi
emacs --version | head -n 1
cd "$root"
exec "$root/.venv/bin/python" -m pytest -q tests/editors/emacs "$@"
