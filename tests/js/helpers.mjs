// Shared helpers for the browser tests: build a fixture with the real binary,
// serve it on loopback, and launch Debian's chromium headless.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync as makeTemp, readFileSync, rmSync, writeFileSync, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, extname, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

// Every temporary folder the tests make is removed when the test process
// exits, whatever the outcome.
const temporaries = [];
function mkdtempSync(prefix) {
  const dir = makeTemp(prefix);
  temporaries.push(dir);
  return dir;
}
process.on("exit", () => {
  for (const dir of temporaries) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder under the system's, removed when the tests exit. */
export function tempFolder(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = join(repo, "target/debug/handbook");

/** Copy tests/fixtures/<name> to a temp folder and build it. Returns the site root. */
export function buildFixture(name, extraArgs = []) {
  const root = mkdtempSync(join(tmpdir(), "handbook-js-"));
  cpSync(join(repo, "tests/fixtures", name), root, { recursive: true });
  execFileSync(bin, ["build", ...extraArgs], {
    cwd: root,
    env: { ...process.env, SOURCE_DATE_EPOCH: "1772323200", NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return root;
}

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".json": "application/json" };

/** Copy the bundled handbook (book.toml, content/, monitoring/) to a temp
 *  folder and build it. Returns the site root. */
export function buildBundled({ history = false } = {}) {
  const root = mkdtempSync(join(tmpdir(), "handbook-bundled-"));
  for (const part of ["book.toml", "content", "monitoring"]) cpSync(join(repo, part), join(root, part), { recursive: true });
  if (history) {
    // A history of two commits (fixed dates): everything, then a rule edited,
    // so the changes page has additions and a word diff.
    const git = (...args) => execFileSync("git", args, {
      cwd: root,
      stdio: "ignore",
      env: { ...process.env, GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada", GIT_COMMITTER_EMAIL: "ada@example.com", GIT_AUTHOR_DATE: "2026-01-05T10:00:00Z", GIT_COMMITTER_DATE: "2026-01-05T10:00:00Z" },
    });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "Add the handbook");
    const errors = join(root, "content/standards/errors.md");
    writeFileSync(errors, readFileSync(errors, "utf8").replace("say what you were doing", "say what you were doing, in a few words,"));
    git("commit", "-q", "-am", "Sharpen GO-ERR-001 <b>now</b>");
  }
  execFileSync(bin, ["build"], {
    cwd: root,
    env: { ...process.env, SOURCE_DATE_EPOCH: "1772323200", NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return root;
}

/** Write `files` ({relative path: text}) to a temp folder and build it.
 *  Returns the site root. */
export function buildGenerated(files) {
  const root = mkdtempSync(join(tmpdir(), "handbook-generated-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  execFileSync(bin, ["build"], {
    cwd: root,
    env: { ...process.env, SOURCE_DATE_EPOCH: "1772323200", NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return root;
}

/** Serve `dir` on 127.0.0.1 at an ephemeral port, under `prefix` (e.g. "/docs/"). */
export async function serve(dir, prefix = "/") {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404); return res.end("not found"); }
    path = normalize(path.slice(prefix.length));
    if (path.startsWith("..")) { res.writeHead(400); return res.end(); }
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) { res.writeHead(404, { "content-type": types[".html"] }); return res.end(readFileSync(join(dir, "404.html"))); }
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${server.address().port}${prefix}` };
}

/** Launch chromium the way this project's guide prescribes. */
export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), "handbook-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"],
  });
  return context;
}

/** Collect console errors and page errors of a page. */
export function watchErrors(page) {
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}
