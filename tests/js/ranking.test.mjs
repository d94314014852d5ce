// The selection of the best results, in Node: it must give exactly what
// sorting every matched document would, best first, ties by document number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repo } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const { topOf } = require(join(repo, "themes/default/static/search.js"));

test("the best results equal the head of a full sort", () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let round = 0; round < 300; round++) {
    const n = next() % 400;
    const docs = [...Array(n).keys()].map((d) => d * 3 + (next() % 3)).sort(() => (next() % 3) - 1);
    const ranks = new Map(docs.map((d) => [d, next() % 9]));
    const rank = (d) => ranks.get(d);
    const keep = round % 2 ? () => true : (d) => d % 4 !== 0;
    const want = 1 + (next() % 25);
    const expected = docs.filter(keep).sort((a, b) => rank(b) - rank(a) || a - b).slice(0, want);
    assert.deepEqual(topOf(docs, rank, keep, want), expected, `round ${round}`);
  }
  assert.deepEqual(topOf([], () => 0, () => true, 10), []);
  assert.deepEqual(topOf([5, 1, 3], () => 1, () => true, 2), [1, 3], "ties: lower document first");
});
