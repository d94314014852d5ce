// A word in most of a large site: the header's list ranks its best postings
// (kept in its shard) and loads the rest (t-*.js) only when those cannot fill
// the list, as with a filter; the full results page always loads them.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildGenerated, serve, launch, watchErrors } from "./helpers.mjs";

let root, site, browser;
before(async () => {
  // "goroutine" in the heading of 4,400 sections, and once in the long
  // symptoms of one runbook (the same site as tests/search_index.rs).
  const files = {
    "book.toml": '[book]\ntitle = "Common"\n',
    "content/runbooks/_index.md": '+++\ntitle = "Runbooks"\nkind = "runbook"\n+++\n',
    "content/runbooks/slow.md": `+++\ntitle = "Slow consumer"\nowner = "team-a"\nseverity = "SEV2"\nlast-reviewed = 2026-11-01\n+++\n## Symptoms\n\n${"queue latency budget retries backlog ".repeat(60)} one goroutine stuck.\n`,
  };
  for (let i = 0; i < 1100; i++) {
    let body = `# Page ${i}\n\n`;
    for (const part of "abcd") body += `## Goroutine ${i}${part}\n\nEvery goroutine counts.\n\n`;
    files[`content/std/p${i}.md`] = body;
  }
  root = buildGenerated(files);
  site = await serve(join(root, "public"));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.server.close();
});

function watchTails(page) {
  const tails = [];
  page.on("request", (r) => { if (/search\/t-[0-9a-f]+\.js$/.test(r.url())) tails.push(r.url()); });
  return tails;
}

test("the header's list answers from the best postings, and loads the rest for a filter", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const tails = watchTails(page);
  await page.goto(site.base + "index.html");
  await page.fill("#search-input", "goroutine");
  await page.locator("#search-results .result").first().waitFor({ timeout: 10000 });
  assert.equal(await page.locator("#search-results .result").count(), 10);
  await page.waitForLoadState("networkidle");
  assert.deepEqual(tails, [], "ten results from the best postings alone");
  // Runbooks only: the runbook's one mention is not among the best 4,096.
  await page.click("#search-results .chip[data-kind=runbook]");
  await page.locator("#search-results .result[href*='runbooks/slow.html']").waitFor({ timeout: 10000 });
  assert.equal(tails.length, 1, tails.join("\n"));
  assert.deepEqual(errors, []);
  await page.close();
});

test("the full results page ranks with every posting", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const tails = watchTails(page);
  await page.goto(site.base + "search.html?q=goroutine+stuck");
  const first = page.locator("#search-page-results .result").first();
  await first.waitFor({ timeout: 10000 });
  assert.match(await first.getAttribute("href"), /runbooks\/slow\.html/, "the only section with both words");
  assert.equal(tails.length, 1, tails.join("\n"));
  assert.deepEqual(errors, []);
  await page.close();
});
