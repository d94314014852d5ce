// Search relevance on the bundled handbook, in Chromium with the real
// index: every query of tests/search/relevance.json must put a page it
// names first. Reports precision at 1 and mean reciprocal rank.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo, serve, launch, buildBundled } from "./helpers.mjs";

const { queries } = JSON.parse(readFileSync(join(repo, "tests/search/relevance.json"), "utf8"));
let site, browser, page;
before(async () => {
  site = await serve(join(buildBundled(), "public"));
  browser = await launch();
  page = await browser.newPage();
  await page.goto(site.base + "index.html");
});
after(async () => { await browser?.close(); site?.server.close(); });

/** 1-based rank of the first result matching one of `want` (0: not in the top 10). */
function rankOf(urls, want) {
  const hit = urls.slice(0, 10).findIndex((u) => want.some((w) => u === w || (!w.includes("#") && u.split("#")[0] === w)));
  return hit + 1;
}

test(`relevance: ${queries.length} queries over the bundled handbook`, async () => {
  assert.ok(queries.length >= 25);
  const rows = [];
  for (const { q, want } of queries) {
    const urls = await page.evaluate((q) => window.handbookSearch.search(q + " ", "all").then((r) => r.results.map((x) => x.url)), q);
    rows.push({ q, want, rank: rankOf(urls, want), got: urls.slice(0, 3) });
  }
  const p1 = rows.filter((r) => r.rank === 1).length / rows.length;
  const mrr = rows.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / rows.length;
  console.log(`relevance: P@1 ${p1.toFixed(3)}, MRR ${mrr.toFixed(3)} over ${rows.length} queries`);
  const misses = rows.filter((r) => r.rank !== 1);
  for (const m of misses) console.log(`  rank ${m.rank || ">10"} for "${m.q}": want ${m.want.join(" or ")}, got ${m.got.join(", ")}`);
  assert.deepEqual(misses.map((m) => m.q), [], "every query puts a page it names first");
});
