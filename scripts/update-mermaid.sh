#!/usr/bin/env bash
# Refresh the vendored mermaid library (diagrams) from the npm registry:
#   scripts/update-mermaid.sh 12.3.0
# The minified bundle and its licence are committed under
# themes/default/static/vendor/ and embedded in the handbook binary, so a
# build never needs the network or npm.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/update-mermaid.sh VERSION}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "mermaid@$version" --silent >/dev/null && tar xzf "mermaid-$version.tgz" package/dist/mermaid.min.js package/LICENSE)
cp "$tmp/package/dist/mermaid.min.js" themes/default/static/vendor/mermaid.min.js
cp "$tmp/package/LICENSE" themes/default/static/vendor/mermaid.LICENSE
sed -i "s/^pub const MERMAID_VERSION: &str = \".*\";/pub const MERMAID_VERSION: \&str = \"$version\";/" src/render.rs
echo "mermaid $version vendored"
