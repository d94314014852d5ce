// The default theme in a real headless Chromium: no console errors,
// highlighted code visible, theme toggle, copy buttons, track progress.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildFixture, serve, launch, watchErrors } from "./helpers.mjs";

let root, site, browser;
before(async () => {
  root = buildFixture("basic");
  site = await serve(join(root, "public"));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.server.close();
});

test("page renders with highlighted code and no console errors", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(site.base + "guide/intro.html");
  const kw = page.locator("pre.code .k").first();
  await kw.waitFor();
  assert.equal(await kw.textContent(), "func");
  const color = await kw.evaluate((el) => getComputedStyle(el).color);
  const plain = await page.locator("pre.code").first().evaluate((el) => getComputedStyle(el).color);
  assert.notEqual(color, plain, "keywords are coloured differently from plain code");
  assert.equal(await page.locator("pre.code + .copy, .code-wrap .copy").count() > 0, true, "copy buttons");
  assert.deepEqual(errors, []);
  await page.close();
});

test("theme toggle switches to dark and is remembered", async () => {
  const page = await browser.newPage();
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(site.base + "index.html");
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  await page.click(".theme-toggle");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  assert.notEqual(await bg(), light);
  await page.reload();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "choice persists");
  await page.close();
});

test("a module marked complete stays complete after reload", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "track/m2.html");
  const btn = page.locator(".module-complete");
  assert.equal(await btn.getAttribute("aria-pressed"), "false");
  await btn.click();
  assert.equal(await btn.getAttribute("aria-pressed"), "true");
  await page.reload();
  assert.equal(await page.locator(".module-complete").getAttribute("aria-pressed"), "true");
  // Task-list checkboxes persist too.
  const box = page.locator("input.task").first();
  await box.check();
  await page.reload();
  assert.equal(await page.locator("input.task").first().isChecked(), true);
  // The track overview shows the progress.
  await page.goto(site.base + "track/index.html");
  assert.match(await page.locator(".progress-label").first().textContent(), /1 of 3 modules complete/);
  await page.close();
});

test("pages work when opened from disk (file://)", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(pathToFileURL(join(root, "public/std/errors.html")).href);
  assert.match(await page.locator(".pair .example-bad figcaption").first().textContent(), /^Don't/);
  const href = await page.locator(".breadcrumbs a").first().getAttribute("href");
  await page.click(".breadcrumbs a >> nth=0");
  assert.match(page.url(), /\/public\/index\.html$/, `followed ${href}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the phone layout hides the sidebar behind a menu button", async () => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(site.base + "guide/intro.html");
  const sidebar = page.locator("#sidebar");
  const box = await sidebar.boundingBox();
  assert.ok(box.x + box.width <= 1, "sidebar off screen");
  await page.click(".nav-toggle");
  // The drawer slides in (a CSS transition): wait for it to arrive.
  await page.waitForFunction(() => document.querySelector("#sidebar").getBoundingClientRect().x >= -1, null, { timeout: 5000 });
  const open = await sidebar.boundingBox();
  assert.ok(open.x >= -1, "sidebar slides in");
  await page.close();
});

test("the navigation tree marks the current page and opens its sections", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  for (const url of [site.base + "guide/second.html", pathToFileURL(join(root, "public/guide/second.html")).href]) {
    await page.goto(url);
    const current = page.locator("#sidebar a[aria-current=page]");
    assert.equal(await current.count(), 1, url);
    assert.equal(await current.textContent(), "Second page");
    // Its section is open and lists its pages; other sections stay closed.
    assert.ok(await page.locator("#sidebar a", { hasText: "Introduction" }).isVisible());
    assert.equal(await page.locator("#sidebar a", { hasText: "Module 1" }).isVisible(), false);
    // Links are relative to the page, wherever it is.
    await page.click("#sidebar a:has-text('Standards')");
    assert.match(page.url(), /\/std\/index\.html$/);
    assert.equal(await page.locator("#sidebar a[aria-current=page]").textContent(), "Standards");
    assert.ok(await page.locator("#sidebar a", { hasText: "Errors" }).isVisible());
  }
  assert.deepEqual(errors, []);
  await page.close();
  // Without the script (JavaScript off, or the file blocked) the sidebar
  // still links every top-level section.
  const bare = await browser.newPage();
  await bare.route("**/static/nav.js*", (r) => r.abort());
  await bare.goto(site.base + "guide/second.html");
  const top = await bare.locator("#sidebar a").allTextContents();
  for (const s of ["Home", "Guide", "A track", "Runbooks", "Standards"]) assert.ok(top.includes(s), `${s} in ${top}`);
  assert.equal(top.includes("Second page"), false, "the tree comes from the script");
  await bare.close();
});

test("checklists count what is done; arrow keys page; the rules index filters", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "track/m1.html");
  const tally = page.locator(".task-tally");
  if (await page.locator("input.task").count()) {
    const total = await page.locator("input.task").count();
    assert.equal(await tally.textContent(), `0 of ${total} done`);
    await page.locator("input.task").first().check();
    assert.equal(await tally.textContent(), `1 of ${total} done`);
    assert.ok((await page.locator("input.task").first().getAttribute("aria-label")).length > 0, "checkboxes have names");
  }
  const next = await page.locator("a[rel=next]").getAttribute("href");
  await page.keyboard.press("ArrowRight");
  await page.waitForURL((u) => u.href.endsWith(next.replace(/^\.\.\//, "").replace(/^\.\//, "")));
  await page.goto(site.base + "rules.html");
  const rows = page.locator(".rule-table tbody tr");
  const all = await rows.count();
  await page.fill("input.table-filter", "GO-ERR-002");
  const shown = await page.locator(".rule-table tbody tr:not([hidden])").count();
  assert.ok(all > 1 && shown === 1, `${shown} of ${all}`);
  assert.equal(await page.locator("tr#GO-ERR-002").count(), 1, "rule rows are anchors");
  await page.close();
});
