#!/usr/bin/env bash
# Mutation testing of the core modules with cargo-mutants (crates.io). Not part
# of CI (it rebuilds and reruns the tests once per mutant: tens of minutes on
# two cores); run it before a release and keep the caught rate >= 95%.
#
#   scripts/mutants.sh                 # every core module
#   scripts/mutants.sh src/store/mod.rs    # one file
#
# Surviving mutants are either killed by a new test or listed in
# .cargo/mutants.toml with a one-line reason.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null 2>&1 || cargo install --locked cargo-mutants
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(
    src/output/mod.rs src/store/mod.rs src/paths.rs src/diag.rs src/summary.rs src/search/tokenize.rs
    src/slug.rs src/html.rs src/markdown/links.rs src/site/links.rs
    src/site/outputs.rs src/site/rules.rs src/serve/http.rs src/search/mod.rs
    src/include.rs src/mkdocs/snippets.rs src/search/blocks.rs src/site/reload.rs
  )
fi
args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
# The library's own tests and the integration tests that exercise these
# modules; the browser and benchmark suites add time, not kills.
exec cargo mutants --package handbook "${args[@]}" --profile mutants --timeout 120 -- --lib --test build --test check --test mdbook --test foreign --test mkdocs --test agreement --test serve --test search_index --test history --test rebuild
