// Diagrams in a real headless Chromium: ```mermaid fences become <svg>,
// served and from file://, in both themes; pages without one never load
// Mermaid; a broken diagram shows Mermaid's message in place.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildFixture, serve, launch } from "./helpers.mjs";

let root, site, browser;
before(async () => {
  root = buildFixture("diagrams");
  site = await serve(join(root, "public"), "/docs/");
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.server.close();
});

async function drawn(page) {
  await page.locator("figure.diagram .diagram-svg svg").first().waitFor({ timeout: 15000 });
  return page.locator("figure.diagram .diagram-svg svg").count();
}

test("a mermaid fence is drawn as an <svg>, served and from file://", async () => {
  for (const url of [site.base + "flow.html", pathToFileURL(join(root, "public/flow.html")).href]) {
    const page = await browser.newPage();
    const t = Date.now();
    await page.goto(url);
    assert.equal(await drawn(page), 1, url);
    const ms = Date.now() - t;
    assert.ok(await page.locator(".diagram-svg svg").evaluate((s) => s.textContent.includes("Declare SEV1")));
    assert.equal(await page.locator(".diagram-source").isVisible(), false, "the source hides once drawn");
    console.log(`# first render ${ms} ms (${url.startsWith("file:") ? "file://" : "http"})`);
    await page.close();
  }
});

test("the diagram follows the theme and redraws on toggle", async () => {
  const page = await browser.newPage();
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(site.base + "flow.html");
  await drawn(page);
  const fill = () => page.locator(".diagram-svg svg .node rect, .diagram-svg svg .node polygon").first().evaluate((n) => getComputedStyle(n).fill);
  const darkFill = await fill();
  await page.click(".theme-toggle");
  await page.waitForFunction((before) => {
    const n = document.querySelector(".diagram-svg svg .node rect, .diagram-svg svg .node polygon");
    return n && getComputedStyle(n).fill !== before;
  }, darkFill, { timeout: 15000 });
  assert.notEqual(await fill(), darkFill, "redrawn in the light theme");
  await page.close();
});

test("pages without a diagram load no diagram code; a broken one says why", async () => {
  const page = await browser.newPage();
  const fetched = [];
  page.on("request", (r) => fetched.push(r.url()));
  await page.goto(site.base + "plain.html", { waitUntil: "networkidle" });
  assert.ok(!fetched.some((u) => /mermaid|diagrams\.js/.test(u)), fetched.join("\n"));
  await page.goto(site.base + "broken.html");
  const err = page.locator("figure.diagram .diagram-error");
  await err.waitFor({ timeout: 15000 });
  assert.match(await err.textContent(), /could not be drawn: .+/);
  assert.ok(await page.locator(".diagram-source").isVisible(), "the source stays visible");
  await page.close();
});

test("a terminal session's copy button copies only the commands", async () => {
  const page = await browser.newPage();
  await browser.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(site.base).origin });
  await page.goto(site.base + "shell.html");
  await page.click("pre.console + button.copy, .code-wrap button.copy");
  await page.locator("button.copy.copied").waitFor({ timeout: 5000 });
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, "kubectl -n <namespace> get pods\necho done");
  const select = await page.locator("pre.console .prompt").first().evaluate((el) => getComputedStyle(el).userSelect);
  assert.equal(select, "none", "prompts cannot be selected");
  await page.close();
});

test("alert pages redirect to their runbook from file://", async () => {
  const oncall = buildFixture("oncall");
  const page = await browser.newPage();
  await page.goto(pathToFileURL(join(oncall, "public/alerts/KafkaLagHigh.html")).href);
  await page.waitForURL(/runbooks\/kafka\.html#consumer-lag$/, { timeout: 10000 });
  await page.goto(pathToFileURL(join(oncall, "public/alerts/index.html")).href);
  await page.fill("input.table-filter", "DBPool");
  assert.equal(await page.locator("#alerts-table tbody tr:not([hidden])").count(), 1);
  await page.close();
});
