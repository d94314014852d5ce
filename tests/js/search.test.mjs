// Search in a real headless Chromium: typing, ranking, keyboard, deep links, file://.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildFixture, serve, launch, watchErrors } from "./helpers.mjs";

let root, site, browser;
before(async () => {
  root = buildFixture("basic");
  site = await serve(join(root, "public"), "/teams/go/handbook/");
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.server.close();
});

async function firstResult(page, query) {
  await page.fill("#search-input", query);
  const first = page.locator("#search-results .result").first();
  await first.waitFor({ timeout: 5000 });
  return first;
}

test("the index loads lazily, on first focus", async () => {
  const page = await browser.newPage();
  const fetched = [];
  page.on("request", (r) => { if (r.url().includes("/search/")) fetched.push(r.url()); });
  await page.goto(site.base + "guide/second.html", { waitUntil: "networkidle" });
  assert.deepEqual(fetched, [], "nothing fetched on page view");
  const meta = page.waitForRequest((r) => r.url().endsWith("search/meta.js"), { timeout: 5000 });
  await page.focus("#search-input");
  await meta;
  await page.close();
});

test("a rule id ranks its rule first; Enter lands on the anchor", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(site.base + "index.html");
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
  const first = await firstResult(page, "GO-ERR-002");
  assert.match(await first.locator(".result-title").textContent(), / › Log once$/, "a section reads as Page › Section");
  await page.keyboard.press("Enter");
  await page.waitForURL(/std\/errors\.html\?highlight=GO-ERR-002#GO-ERR-002$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an alert name finds its runbook first; filters narrow by kind", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "index.html");
  const first = await firstResult(page, "StaleAlert");
  assert.match(await first.getAttribute("href"), /runbooks\/stale\.html/);
  await firstResult(page, "symptoms");
  await page.click("#search-results .chip[data-kind=runbook]");
  await page.locator("#search-results .chip[data-kind=runbook][aria-pressed=true]").waitFor({ timeout: 5000 });
  const crumbs = await page.locator("#search-results .result-crumb").allTextContents();
  assert.ok(crumbs.length >= 2 && crumbs.every((c) => c.startsWith("Runbooks")), crumbs.join("|"));
  await page.close();
});

test("code identifiers, prefixes and typos match; snippets highlight and escape", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "index.html");
  let first = await firstResult(page, "comparable");
  assert.match(await first.getAttribute("href"), /guide\/intro\.html/);
  first = await firstResult(page, "gap mi");
  assert.match(await first.getAttribute("href"), /guide\/intro\.html/, "prefix match on the last word");
  first = await firstResult(page, "symptoms runbok ");
  assert.match(await first.getAttribute("href"), /runbooks\//, "one typo tolerated");
  await firstResult(page, "template");
  const snippet = await page.locator("#search-results .result-snippet").first().innerHTML();
  assert.ok(snippet.includes("<mark>"), snippet);
  assert.ok(!snippet.includes("<em>"), "content text is escaped");
  await page.close();
});

test("search.html?q= shows results without typing", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "search.html?q=module");
  const top = page.locator("#search-page-results .result").first();
  await top.waitFor();
  assert.match(await page.locator("#search-page-status").textContent(), /results? for/);
  assert.match(await top.getAttribute("href"), /track\//, "a track module ranks first for 'module'");
  await page.close();
});

test("the type filter is kept in the URL of the results page", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "search.html?q=runbook&type=runbook");
  await page.locator("#search-page-results .result").first().waitFor();
  assert.equal(await page.locator(".search-page .chip[data-kind=runbook]").getAttribute("aria-pressed"), "true");
  const crumbs = await page.locator("#search-page-results .result-crumb").allTextContents();
  assert.ok(crumbs.length > 0 && crumbs.every((c) => /^Runbooks/.test(c)), crumbs.join(" | "));
  await page.click(".search-page .chip[data-kind=all]");
  await page.waitForURL(/search\.html\?q=runbook$/);
  await page.click(".search-page .chip[data-kind=standard]");
  await page.waitForURL(/search\.html\?q=runbook&type=standard$/);
  await page.close();
});

test("search works from file://", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(pathToFileURL(join(root, "public/index.html")).href);
  const first = await firstResult(page, "GO-ERR-001");
  assert.equal(await first.locator(".result-title").textContent(), "Errors › Wrap errors");
  assert.deepEqual(errors, []);
  await page.close();
});
