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
  await page.waitForTimeout(300);
  const open = await sidebar.boundingBox();
  assert.ok(open.x >= -1, "sidebar slides in");
  await page.close();
});
