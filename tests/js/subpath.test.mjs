// End to end: the bundled handbook built once, served by a real nginx under a
// sub-path on loopback, checked in headless Chromium: navigation, assets,
// search and the 404 page all work there.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync, mkdirSync, existsSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { repo, bin, launch, watchErrors, tempFolder } from "./helpers.mjs";

const PREFIX = "/teams/go/handbook/";
let work, nginx, base, browser;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

before(async () => {
  work = tempFolder("handbook-nginx-");
  // nginx workers run as an unprivileged user: let them read the site.
  chmodSync(work, 0o755);
  const out = join(work, "site");
  execFileSync(bin, ["build", "--root", repo, "--out", out, "--base-path", PREFIX], {
    env: { ...process.env, SOURCE_DATE_EPOCH: "1772323200" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const port = await freePort();
  mkdirSync(join(work, "logs"));
  const conf = `
daemon off;
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/logs/error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  gzip on;
  gzip_types application/json text/css application/javascript;
  server {
    listen 127.0.0.1:${port};
    location ${PREFIX} {
      alias ${out}/;
      index index.html;
      error_page 404 ${PREFIX}404.html;
    }
  }
}`;
  writeFileSync(join(work, "nginx.conf"), conf);
  const exe = existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
  nginx = spawn(exe, ["-c", join(work, "nginx.conf"), "-p", work], { stdio: "ignore" });
  base = `http://127.0.0.1:${port}${PREFIX}`;
  // Wait (bounded) until nginx answers; a server that never does fails the
  // suite here rather than letting every test below time out obscurely.
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    try { up = (await fetch(base)).ok; } catch { /* not up yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(up, `nginx never answered on ${base} (is nginx installed? see scripts/test.sh)`);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  nginx?.kill();
});

test("navigation and assets work under the sub-path", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const failed = [];
  page.on("response", (r) => { if (r.status() >= 400) failed.push(r.url()); });
  await page.goto(base);
  assert.equal(await page.locator("h1").first().textContent(), "Go Team Handbook");
  await page.click(".sidebar a:has-text('Coding standards')");
  await page.waitForURL(/teams\/go\/handbook\/standards\/index\.html$/);
  await page.click(".card-list a:has-text('Context')");
  await page.waitForURL(/standards\/context\.html$/);
  const bg = await page.locator("pre.code").first().evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(bg, "rgba(0, 0, 0, 0)", "stylesheet loaded");
  assert.deepEqual(failed, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("search works under the sub-path", async () => {
  const page = await browser.newPage();
  await page.goto(base + "runbooks/index.html");
  await page.fill("#search-input", "KafkaConsumerLagHigh");
  const first = page.locator("#search-results .result").first();
  await first.waitFor({ timeout: 5000 });
  assert.match(await first.getAttribute("href"), /runbooks\/kafka-consumer-lag\.html/, "the alert's runbook ranks first");
  await first.click();
  await page.waitForURL(/teams\/go\/handbook\/runbooks\/kafka-consumer-lag\.html/);
  await page.goto(base + "search.html?q=context.WithTimeout");
  const top = page.locator("#search-page-results .result").first();
  await top.waitFor({ timeout: 5000 });
  assert.match(await top.getAttribute("href"), /standards\/context\.html/, "the page about the identifier ranks first");
  await page.close();
});

test("a missing page gets the styled 404 with a working home link", async () => {
  const page = await browser.newPage();
  const resp = await page.goto(base + "no/such/deep/page.html");
  assert.equal(resp.status(), 404);
  assert.match(await page.locator("h1").textContent(), /not in the handbook/);
  await page.click("a.button-primary");
  await page.waitForURL(base);
  await page.close();
});

test("an alert's stable page leads to its runbook section under the sub-path", async () => {
  const page = await browser.newPage();
  await page.goto(base + "alerts/KafkaConsumerLagHigh.html");
  await page.waitForURL(/teams\/go\/handbook\/runbooks\/kafka-consumer-lag\.html#diagnosis$/, { timeout: 10000 });
  await page.goto(base + "alerts/index.html");
  assert.ok((await page.locator("#alerts-table tbody tr").count()) >= 18);
  await page.close();
});
