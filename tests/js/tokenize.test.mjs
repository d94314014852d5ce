// The JavaScript tokenizer against the vectors the Rust tokenizer is tested with.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repo } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const { tokenize } = require(join(repo, "themes/default/static/search.js"));
const vectors = JSON.parse(readFileSync(join(repo, "tests/search/vectors.json"), "utf8"));

test("shared vectors", () => {
  assert.ok(vectors.length >= 10);
  for (const v of vectors) {
    assert.deepEqual(tokenize(v.input), v.tokens, `input: ${v.input}`);
  }
});
