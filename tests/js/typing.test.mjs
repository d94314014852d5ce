// Search as a reader types, on a site whose terms are split into many
// shards: a word typed as a prefix loads its own shard and the shards of its
// most frequent completions, not every shard under the prefix.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildGenerated, serve, launch, watchErrors } from "./helpers.mjs";

let root, site, browser;
before(async () => {
  // Every page says "goroutine", every third "gofer", and each has 50 of 676
  // rarer "go??x" words (the same site as tests/search_index.rs).
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const files = { "book.toml": '[book]\ntitle = "Prefixes"\n' };
  for (let i = 0; i < 300; i++) {
    let body = `# Page ${i}\n\nEvery goroutine here.\n\n` + (i % 3 === 0 ? "A gofer too.\n\n" : "");
    for (let k = 0; k < 50; k++) {
      const n = i * 50 + k;
      body += `go${letters[n % 26]}${letters[Math.floor(n / 26) % 26]}x `;
    }
    files[`content/p${i}.md`] = body + "\n";
  }
  root = buildGenerated(files);
  site = await serve(join(root, "public"));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.server.close();
});

test("typing a short prefix loads the shards of its top completions only", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const shards = [];
  page.on("request", (r) => { const m = r.url().match(/search\/(s-[0-9a-f]*)\.js$/); if (m) shards.push(m[1]); });
  const meta = readFileSync(join(root, "public/search/meta.js"), "utf8");
  const all = JSON.parse(meta.slice(meta.indexOf(",") + 1, meta.lastIndexOf(")"))).shards;
  const underGo = all.filter((p) => p.startsWith("go") && p.length > 2);
  assert.ok(underGo.length >= 20, `terms under "go" are split: ${all}`);
  await page.goto(site.base + "index.html");
  await page.type("#search-input", "go", { delay: 150 });
  const first = page.locator("#search-results .result").first();
  await first.waitFor({ timeout: 10000 });
  await page.waitForLoadState("networkidle");
  // "g", "go", and the homes of at most four completions.
  const loaded = [...new Set(shards)];
  assert.ok(loaded.length <= 6, `loaded ${loaded.length} shards: ${loaded}`);
  assert.ok(loaded.includes("s-676f72"), `the shard of "goroutine" (gor): ${loaded}`);
  // The most frequent completion is what the results show.
  assert.match(await first.innerHTML(), /<mark>goroutine<\/mark>/);
  assert.deepEqual(errors, []);
  await page.close();
});
