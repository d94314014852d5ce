// Search highlighting and snippets, in Node (no browser needed): whole words
// and identifiers only, stems and the word being typed, snippets cut at words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repo } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const { highlight, snippet } = require(join(repo, "themes/default/static/search.js"));
const marked = (html) => [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]);

test("identifiers are marked whole, never inside other words", () => {
  const text = "If the cache misses, compare with errors.Is(err, ErrNotFound); Exercises follow.";
  assert.deepEqual(marked(highlight(text, "errors.Is ")), ["errors.Is"]);
  const wg = "Use a sync.WaitGroup, or errgroup.Group when a WaitGroup is not enough.";
  assert.deepEqual(marked(highlight(wg, "sync.WaitGroup ")), ["sync.WaitGroup", "WaitGroup"]);
});

test("stems and the word being typed match; finished words do not match as prefixes", () => {
  const text = "Cancel the context; a cancelled goroutine returns. Contexts carry deadlines.";
  assert.deepEqual(marked(highlight(text, "contexts ")), ["context", "Contexts"]);
  assert.deepEqual(marked(highlight(text, "cont")), ["context", "Contexts"]);
  assert.deepEqual(marked(highlight(text, "cont ")), []);
  // The word being typed marks the matching part of an identifier, not all of it.
  assert.deepEqual(marked(highlight("use context.Background() here", "conte")), ["context"]);
  // A dotted part of a query identifier marks that part elsewhere.
  assert.deepEqual(marked(highlight("Wrap it with fmt.Errorf; errors are values.", "errors.Join ")), ["errors"]);
});

test("markup in the text is escaped", () => {
  assert.equal(highlight("<b>timeout</b> & more", "timeout "), "&lt;b&gt;<mark>timeout</mark>&lt;/b&gt; &amp; more");
});

test("snippets start and end at word boundaries around the first hit", () => {
  const words = Array.from({ length: 60 }, (_, i) => "word" + i);
  words[30] = "disconnects";
  const text = words.join(" ");
  const s = snippet(text, "disconnects ");
  assert.match(s, /^…word\d+ /, s);
  assert.match(s, / word\d+…$/, s);
  assert.ok(s.includes("<mark>disconnects</mark>"), s);
  assert.equal(snippet("short text here", "text "), "short <mark>text</mark> here");
});
