#!/usr/bin/env bash
# Tests the VS Code client: installs what it needs (idempotently), builds and packages the extension,
# runs the unit tests (node --test) and the end-to-end test in real VS Code (code-server + chromium).
# The exit code is the verdict; the last line says "N passed, M failed".
#
# Works on a fresh Debian machine as root without a TTY (CI). Needs the npm registry, Debian packages
# and PyPI (for the Python server, via `make setup`, when .venv/bin/recall-ls is missing).
#
# Environment: SKIP_E2E=1 runs only the unit tests; SKIP_INSTALL=1 skips apt and code-server installs.
set -uo pipefail

CLIENT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$CLIENT/../.." && pwd)"
E2E_DIR="$CLIENT/.e2e"
CODE_SERVER_VERSION=4.100.3 # the last code-server for Node 20
# code-server 4.100.3 pins @vscode/ripgrep 1.15.11, whose postinstall downloads this ripgrep build.
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_BUILD=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
RESULTS="$E2E_DIR/results"

passed=0
failed=0

log() { printf '\n== %s\n' "$*"; }

finish() {
  echo
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# A setup step that fails counts as one failure and ends the run.
step() {
  local name="$1"
  shift
  log "$name"
  if ! "$@"; then
    echo "FAILED: $name" >&2
    failed=$((failed + 1))
    finish
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_system_packages() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v rg >/dev/null || missing+=(ripgrep)
  [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev) # for code-server's kerberos module
  command -v node >/dev/null || missing+=(nodejs npm)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "chromium, ripgrep, libkrb5-dev and node are installed"
    return 0
  fi
  echo "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

check_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" != 20 ]; then
    echo "code-server $CODE_SERVER_VERSION needs Node 20; this is Node $(node --version)" >&2
    return 1
  fi
}

install_server() {
  if [ -x "$REPO/.venv/bin/recall-ls" ]; then
    echo "recall-ls is installed at $REPO/.venv/bin/recall-ls"
    return 0
  fi
  make -C "$REPO" setup
}

install_code_server() {
  local dir="$E2E_DIR/code-server"
  local stamp="$dir/.installed-$CODE_SERVER_VERSION"
  if [ -f "$stamp" ] && [ -x "$dir/node_modules/.bin/code-server" ]; then
    echo "code-server $CODE_SERVER_VERSION is installed in $dir"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  local tmp
  tmp="$(mktemp -d)"
  # @vscode/ripgrep's postinstall downloads ripgrep from GitHub (no internet here); it first looks in
  # $TMPDIR/vscode-ripgrep-cache-<version>/, so give it a tarball of Debian's rg there.
  mkdir -p "$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION" "$tmp/rg"
  cp "$(command -v rg)" "$tmp/rg/rg"
  tar -czf "$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION/$RIPGREP_BUILD" -C "$tmp/rg" rg
  echo '{"private": true}' >"$dir/package.json"
  # Root needs unsafe-perm (code-server's postinstall refuses otherwise); node-pty's postinstall runs
  # `npx node-gyp` (yes); node-gyp finds Node's headers in /usr/include/node (nodedir). npm 11 runs
  # dependency install scripts only when allowed: code-server's postinstall runs `npm install` for
  # VS Code's native modules, which inherits this setting.
  (
    cd "$dir" &&
      TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr \
        npm_config_dangerously_allow_all_scripts=true npm_config_audit=false npm_config_fund=false \
        npm install --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION"
  )
  local status=$?
  rm -rf "$tmp"
  [ $status -eq 0 ] && "$dir/node_modules/.bin/code-server" --version >/dev/null && touch "$stamp"
}

# Runs `node --test` with a spec report on stdout and a TAP copy to count the results.
run_tests() {
  local name="$1"
  shift
  local tap="$RESULTS/$name.tap"
  log "$name tests"
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" "$@"
  local status=$?
  local pass fail
  pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -1)"
  fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -1)"
  pass="${pass:-0}"
  fail="${fail:-0}"
  if [ $status -ne 0 ] && [ "$fail" -eq 0 ]; then
    fail=1 # it failed before reporting (a crash, a syntax error)
  fi
  passed=$((passed + pass))
  failed=$((failed + fail))
}

cd "$CLIENT" || exit 1
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.tap

if [ "${SKIP_INSTALL:-}" != 1 ]; then
  step "system packages" install_system_packages
fi
step "Node 20" check_node
step "npm ci" npm ci --no-audit --no-fund --loglevel=error
step "build (tsc, esbuild)" npm run --silent build
run_tests unit out/test/unit/

if [ "${SKIP_E2E:-}" != 1 ]; then
  if [ "${SKIP_INSTALL:-}" != 1 ]; then
    step "Python server (recall-ls)" install_server
    step "code-server $CODE_SERVER_VERSION" install_code_server
  fi
  step "package (vsce)" npm run --silent package
  start=$(date +%s)
  run_tests e2e "$REPO/tests/editors/vscode/e2e.test.mjs"
  echo "end-to-end: $(($(date +%s) - start)) s; screenshots in $REPO/test-artifacts/vscode/"
fi

finish
