// Measures search in a real headless Chromium against a built site: the time
// from typing a query to results on screen (first query includes loading the
// index), and the bytes fetched. Not a test: a benchmark for the README.
//
//   node scripts/search-latency.mjs target/bench/site-1000/public
import { join, resolve } from "node:path";
import { serve, launch } from "../tests/js/helpers.mjs";

const dir = resolve(process.argv[2] || "public");
const queries = ["context", "goroutine leak", "errgroup.Group", "WithTimeout", "deadline budget", "Alert12High", "retri"];
const site = await serve(dir);
const browser = await launch();
const page = await browser.newPage();
let bytes = 0;
page.on("response", async (r) => {
  if (r.url().includes("/search/")) {
    try { bytes += (await r.body()).length; } catch { /* ignore */ }
  }
});
await page.goto(site.base + "index.html");
const times = [];
for (const q of queries) {
  await page.fill("#search-input", "");
  const t = await page.evaluate(async (q) => {
    const input = document.getElementById("search-input");
    const box = document.getElementById("search-results");
    box.innerHTML = "";
    const start = performance.now();
    input.value = q;
    input.dispatchEvent(new Event("input"));
    for (let i = 0; i < 500; i++) {
      if (box.querySelector(".result, .result-empty")) return performance.now() - start;
      await new Promise((r) => setTimeout(r, 2));
    }
    return -1;
  }, q);
  times.push(t);
  console.log(`${q.padEnd(18)} ${t.toFixed(1)} ms${times.length === 1 ? " (includes loading the index)" : ""}`);
}
const rest = times.slice(1).sort((a, b) => a - b);
console.log(`median of later queries: ${rest[Math.floor(rest.length / 2)].toFixed(1)} ms; search bytes fetched (uncompressed): ${(bytes / 1024).toFixed(0)} KiB`);
await browser.close();
site.server.close();
