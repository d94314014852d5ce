// Measures search in a real headless Chromium against a built site: what a
// first query downloads when typed key by key (as a reader types, 150 ms a
// key), then the time from a query to results on screen for later queries,
// and the bytes fetched. Not a test: a benchmark for the README.
//
//   node scripts/search-latency.mjs target/bench/site-1000/public
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { serve, launch } from "../tests/js/helpers.mjs";

const dir = resolve(process.argv[2] || "public");
const first = process.argv[3] || "goroutine leak";
const queries = ["context", "goroutine leak", "errgroup.Group", "WithTimeout", "deadline budget", "Alert12High", "retri"];
const site = await serve(dir);
const browser = await launch();
const page = await browser.newPage();
let raw = 0, gz = 0, files = 0;
page.on("response", async (r) => {
  if (r.url().includes("/search/")) {
    try {
      const body = await r.body();
      raw += body.length; gz += gzipSync(body).length; files++;
    } catch { /* ignore */ }
  }
});
await page.goto(site.base + "index.html");
const typedStart = Date.now();
await page.type("#search-input", first, { delay: 150 });
await page.locator("#search-results .result").first().waitFor({ timeout: 60000 });
await page.waitForLoadState("networkidle");
console.log(`first query "${first}" typed key by key: ${files} files, ${(raw / 1024).toFixed(0)} KiB raw, ${(gz / 1000).toFixed(0)} KB gzip (${Date.now() - typedStart} ms including typing)`);
const times = [];
for (const q of queries) {
  await page.fill("#search-input", "");
  const t = await page.evaluate(async (q) => {
    const input = document.getElementById("search-input");
    const list = document.querySelector("#search-results [role=listbox]");
    const status = document.querySelector("#search-results .result-empty");
    list.innerHTML = "";
    status.hidden = true;
    const start = performance.now();
    input.value = q;
    input.dispatchEvent(new Event("input"));
    for (let i = 0; i < 5000; i++) {
      if (list.querySelector(".result") || !status.hidden) return performance.now() - start;
      await new Promise((r) => setTimeout(r, 2));
    }
    return -1;
  }, q);
  times.push(t);
  console.log(`${q.padEnd(18)} ${t.toFixed(1)} ms`);
}
const sorted = times.slice().sort((a, b) => a - b);
console.log(`median query: ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms; search bytes fetched in all: ${(raw / 1024).toFixed(0)} KiB raw, ${(gz / 1000).toFixed(0)} KB gzip in ${files} files`);
await browser.close();
site.server.close();
