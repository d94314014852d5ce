// Live reload in a real headless Chromium: edit the Markdown, see the page
// change without reloading by hand; a CSS-only change swaps the stylesheet.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, writeFileSync, readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { repo, bin, launch, watchErrors, tempFolder } from "./helpers.mjs";

let root, proc, base, browser;
before(async () => {
  root = tempFolder("handbook-live-");
  cpSync(join(repo, "tests/fixtures/basic"), root, { recursive: true });
  proc = spawn(bin, ["serve", "--port", "0"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  base = await new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error("serve did not start: " + err)), 20000);
    proc.stderr.on("data", (d) => {
      err += d;
      const m = /serving the handbook at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  proc?.kill();
});

test("saving the Markdown updates the open page", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  // The live script has the current version once its first poll answers.
  const connected = page.waitForResponse((r) => r.url().includes("__handbook/poll"), { timeout: 30000 });
  await page.goto(base + "guide/second.html");
  await connected;
  const file = join(root, "content/guide/second.md");
  writeFileSync(file, "# Second page\n\nEdited while the browser watched.\n");
  await page.locator("text=Edited while the browser watched.").waitFor({ timeout: 10000 });
  assert.deepEqual(errors.filter((e) => !/ERR_NETWORK_CHANGED|net::/.test(e)), []);
  await page.close();
});

test("a stylesheet change is swapped in without a reload", async () => {
  const page = await browser.newPage();
  const connected = page.waitForResponse((r) => r.url().includes("__handbook/poll"), { timeout: 30000 });
  await page.goto(base + "guide/intro.html");
  await connected;
  await page.evaluate(() => { window.__marker = "still here"; });
  mkdirSync(join(root, "themes/default/static"), { recursive: true });
  const css = readFileSync(join(repo, "themes/default/static/style.css"), "utf8");
  writeFileSync(join(root, "themes/default/static/style.css"), css + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n");
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === "rgb(1, 2, 3)", null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.__marker), "still here", "no full reload");
  await page.close();
});
