// Accessibility (WCAG 2.2 AA) with axe-core in Chromium, on every page type
// of the bundled handbook, light and dark (the system's dark with the toggle
// untouched, and the toggle's), desktop and phone: no serious or critical
// violation. Also the open search dropdown, and the reading layout checks
// axe cannot make (Don't/Do code shown whole, phone controls, no sideways
// scrolling of the page).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repo, serve, launch, buildBundled } from "./helpers.mjs";

const axeSource = readFileSync(join(repo, "node_modules/axe-core/axe.min.js"), "utf8");
const PAGES = [
  "index.html", // home
  "standards/errors.html", // standard with Don't/Do pairs
  "rules.html", // rules index
  "runbooks/high-latency.html", // runbook
  "runbooks/index.html", // runbooks index
  "tracks/go-foundations/errors.html", // track module
  "onboarding/first-week.html", // checklist
  "search.html?q=context", // search results
  "404.html",
  "tags/index.html",
  "alerts/index.html",
  "changes.html", // from the git history (buildBundled makes one)
];
const MODES = [
  { name: "light desktop", scheme: "light", width: 1366, height: 900 },
  { name: "light phone", scheme: "light", width: 390, height: 844 },
  { name: "system-dark desktop", scheme: "dark", width: 1366, height: 900 },
  { name: "system-dark phone", scheme: "dark", width: 390, height: 844 },
  { name: "toggled-dark desktop", scheme: "light", toggle: "dark", width: 1366, height: 900 },
];

let site, browser;
before(async () => {
  const dir = join(buildBundled({ history: true }), "public");
  site = { ...(await serve(dir)), dir };
  browser = await launch();
});
after(async () => { await browser?.close(); site?.server.close(); });

async function open(mode) {
  const page = await browser.newPage();
  await page.setViewportSize({ width: mode.width, height: mode.height });
  await page.emulateMedia({ colorScheme: mode.scheme });
  await page.addInitScript((t) => { if (t) localStorage.setItem("handbook-theme", t); else localStorage.removeItem("handbook-theme"); }, mode.toggle || null);
  return page;
}

async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }));
  return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0].target.join(" ")} ${v.nodes[0].failureSummary.split("\n")[1] || ""}`.slice(0, 300));
}

for (const mode of MODES) {
  test(`axe: no serious or critical violations, ${mode.name}`, async () => {
    const page = await open(mode);
    const found = [];
    for (const p of PAGES) {
      await page.goto(site.base + p);
      if (p.startsWith("search.html")) await page.locator("#search-page-results li").first().waitFor();
      if (p === "changes.html") assert.ok(await page.locator(".word-diff ins").count() > 0, "the changes page shows a word diff");
      // Folded parts are checked unfolded too.
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
      for (const v of await violations(page)) found.push(`${p}: ${v}`);
    }
    // The header search dropdown, open with results and filters.
    await page.goto(site.base + "standards/errors.html");
    await page.fill("#search-input", "errors.Is");
    await page.locator("#search-results .result").first().waitFor();
    for (const v of await violations(page)) found.push(`search dropdown: ${v}`);
    await page.close();
    assert.deepEqual(found, []);
  });
}

test("Don't/Do code up to 80 columns is shown whole on a laptop; pages never scroll sideways", async () => {
  const pages = readdirSync(join(site.dir, "standards")).filter((f) => f.endsWith(".html")).map((f) => "standards/" + f);
  for (const width of [1366, 1920]) {
    const page = await open({ scheme: "light", width, height: 900 });
    let blocks = 0;
    for (const p of pages) {
      await page.goto(site.base + p);
      const r = await page.evaluate(() => {
        const cols = (pre) => Math.max(...pre.querySelector("code").innerText.split("\n").map((l) => l.replace(/\t/g, "    ").length));
        const pres = [...document.querySelectorAll(".pair pre.code")];
        return {
          blocks: pres.length,
          cut: pres.filter((p) => cols(p) <= 80 && p.scrollWidth > p.clientWidth + 1).map((p) => p.innerText.slice(0, 60)),
          pageWidth: document.documentElement.scrollWidth,
        };
      });
      blocks += r.blocks;
      assert.deepEqual(r.cut, [], `${p} at ${width}px`);
      assert.equal(r.pageWidth, width, p);
    }
    assert.ok(blocks >= 50, `only ${blocks} Don't/Do blocks found`);
    await page.close();
  }
});

test("on a phone: 'On this page' and folded facts in the first screen, runbooks index and dropdown fit", async () => {
  const page = await open({ scheme: "light", width: 390, height: 844 });
  await page.goto(site.base + "runbooks/high-latency.html");
  const toc = page.locator("details.toc-mobile > summary");
  assert.ok(await toc.isVisible());
  assert.ok((await toc.boundingBox()).y < 844);
  assert.equal(await page.locator("details.runbook-card").getAttribute("open"), null, "facts start folded on a phone");
  await toc.click();
  await page.locator("details.toc-mobile a", { hasText: "Mitigation" }).click();
  assert.match(page.url(), /#mitigation$/);
  await page.fill("#search-input", "latency");
  await page.locator("#search-results .result").first().waitFor();
  const box = await page.locator("#search-results").boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
  await page.goto(site.base + "runbooks/index.html");
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, table: document.querySelector(".runbook-table").scrollWidth }));
  assert.ok(widths.page <= 390 && widths.table <= 390, JSON.stringify(widths));
  assert.ok(await page.locator(".runbook-table td[data-label=Alerts]").first().isVisible());
  await page.close();
});
