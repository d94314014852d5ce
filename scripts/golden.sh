#!/usr/bin/env bash
# Golden-output check for refactors: builds the bundled handbook, the mdBook,
# MkDocs and GitBook fixtures and a 200-page synthetic site with the binary of
# REV (default: HEAD~1) and with the working tree, then compares every output
# file byte for byte (asset version hashes aside, which change with CSS/JS).
#
#   scripts/golden.sh [REV]
#
# GOLDEN_OLD_TARGET=DIR keeps the old side's cargo target folder between runs
# (a full release build otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD~1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git worktree add -q --detach "$work/old" "$rev"
trap 'git worktree remove --force "$work/old"; rm -rf "$work"' EXIT
old_target=${GOLDEN_OLD_TARGET:-$work/old/target}
(cd "$work/old" && CARGO_TARGET_DIR="$old_target" cargo build --release --quiet --bin handbook)
cargo build --release --quiet --bin handbook
cargo run --release --quiet -p handbook-bench -- --pages 200 --runs 1 --edits 0 --dir "$work/bench" >/dev/null 2>&1 || true
export SOURCE_DATE_EPOCH=1790000000
status=0
for site in .:bundled tests/fixtures/mdbook:mdbook tests/fixtures/mkdocs:mkdocs tests/fixtures/gitbook:gitbook "$work/bench/site-200:synth"; do
  src=${site%%:*}; name=${site#*:}
  [ -d "$src" ] || continue
  for side in old new; do
    bin="target/release/handbook"; [ "$side" = old ] && bin="$old_target/release/handbook"
    rm -rf "$work/src"; cp -r "$src" "$work/src"; rm -rf "$work/src/public" "$work/src/book" "$work/src/site"
    "$bin" build --root "$work/src" --out "$work/$side-$name" >/dev/null 2>&1 || echo "$name: $side build failed"
    find "$work/$side-$name" -name '*.html' -exec sed -i 's/?v=[0-9a-f]*//g' {} +
    rm -rf "$work/$side-$name/static" "$work/$side-$name/.handbook-output"
  done
  if diff -rq "$work/old-$name" "$work/new-$name"; then echo "$name: identical"; else status=1; fi
done
exit $status
