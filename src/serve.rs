//! `handbook serve`: the site built in memory, served on loopback, rebuilt on
//! every save and reloaded in the browser.
//!
//! One pipeline: a rebuild runs the same load and render as `build`, with the
//! Markdown and page caches, so an edit re-parses only the edited file and
//! re-renders only what depends on it. A new version replaces the old one
//! only when it is completely built; a failed rebuild keeps serving the last
//! good site with an error overlay. The browser learns of new versions by
//! long-polling `__handbook/poll` on the same port.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::content::is_ignored_name;
use crate::diag::Diagnostics;
use crate::highlight::Highlighter;
use crate::site::{self, MarkdownCache};
use crate::{PageCache, render_site, search};

/// Options for `handbook serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Folder holding book.toml.
    pub root: PathBuf,
    /// Address to bind (127.0.0.1 by default).
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
}

/// One complete version of the site.
#[derive(Default)]
struct Version {
    number: u64,
    files: HashMap<String, Arc<Vec<u8>>>,
    /// Content folder and its copied files, served from disk.
    content_dir: PathBuf,
    assets: std::collections::HashSet<String>,
    /// Set while the latest rebuild failed: shown as an overlay.
    error: Option<String>,
    /// Only stylesheets changed since the previous version.
    css_only: bool,
    /// Search index, built on first request after a change.
    search: Option<Arc<HashMap<String, Arc<Vec<u8>>>>>,
    /// The last good site: its search index is built from it on demand,
    /// also while a failed rebuild shows the overlay.
    site: Option<Arc<site::Site>>,
    /// Paths, sizes and modification times of the copied files.
    assets_sig: [u8; 32],
}

/// The state shared by the HTTP workers and the rebuilder.
pub struct Shared {
    current: RwLock<Version>,
    changed: (Mutex<u64>, Condvar),
    hl: Highlighter,
    markdown: MarkdownCache,
    pages: PageCache,
    opts: ServeOptions,
    /// Time of the last rebuild, for the `serve` log and benchmarks.
    pub last_rebuild: Mutex<Duration>,
    /// Long polls being held.
    polls: std::sync::atomic::AtomicUsize,
    /// Rebuilds run, including those that changed nothing (for tests: an
    /// event to wait on instead of a sleep).
    rebuilds: std::sync::atomic::AtomicU64,
    /// Set when the server can no longer serve (the listener died).
    fatal: (Mutex<Option<String>>, Condvar),
}

/// A running dev server.
pub struct Handle {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Shared state (for tests and benchmarks).
    pub shared: Arc<Shared>,
    server: Arc<Server>,
    _watcher: Option<Box<dyn std::any::Any + Send>>,
}

impl Handle {
    /// Stop accepting requests.
    pub fn stop(&self) {
        self.server.unblock();
    }

    /// Block until the server can no longer serve; the reason.
    pub fn wait(&self) -> String {
        let (lock, cvar) = &self.shared.fatal;
        let mut g = match lock.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        loop {
            if let Some(reason) = g.clone() {
                return reason;
            }
            g = match cvar.wait(g) {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
        }
    }

    /// Rebuilds run so far, including those that changed nothing.
    pub fn rebuilds(&self) -> u64 {
        self.shared
            .rebuilds
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Long polls held right now.
    pub fn polls(&self) -> usize {
        self.shared.polls.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Current version number (bumps on every rebuild, failed ones included).
    pub fn version(&self) -> u64 {
        self.shared.current.read().map(|v| v.number).unwrap_or(0)
    }
}

impl Shared {
    /// Record that the server cannot go on, and wake [`Handle::wait`].
    fn fail(&self, reason: String) {
        let (lock, cvar) = &self.fatal;
        if let Ok(mut g) = lock.lock()
            && g.is_none()
        {
            *g = Some(reason);
        }
        cvar.notify_all();
    }

    /// Load the site through the shared caches.
    fn load(&self) -> Result<site::Site, Diagnostics> {
        site::load_all(
            &site::LoadOptions {
                root: self.opts.root.clone(),
                drafts: self.opts.drafts,
            },
            &self.hl,
            Some(&self.markdown),
        )
    }

    /// Rebuild the site; on success swap it in, on failure keep the last good
    /// files and set the error overlay. Returns the new version number.
    pub fn rebuild(&self) -> u64 {
        let n = self.rebuild_inner();
        self.rebuilds
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        n
    }

    fn rebuild_inner(&self) -> u64 {
        let start = Instant::now();
        let result = self
            .load()
            .and_then(|s| {
                if s.diagnostics.error_count() > 0 {
                    Err(s.diagnostics.clone())
                } else {
                    Ok(s)
                }
            })
            .and_then(|s| render_site(&s, Some(&self.pages), None).map(|o| (s, o)));
        let mut cur = match self.current.write() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        match result {
            Ok((site, outputs)) => {
                let files: HashMap<String, Arc<Vec<u8>>> =
                    outputs.into_iter().map(|o| (o.path, o.bytes)).collect();
                let assets_sig = assets_signature(&site.content_dir, &site.assets);
                let unchanged = cur.error.is_none()
                    && cur.assets_sig == assets_sig
                    && cur.files.len() == files.len()
                    && files.iter().all(|(k, v)| {
                        cur.files
                            .get(k)
                            .is_some_and(|o| Arc::ptr_eq(o, v) || o == v)
                    });
                if unchanged {
                    // Nothing a reader can see changed (a new empty folder, a
                    // touched file): no new version, so no reload.
                    drop(cur);
                    if let Ok(mut t) = self.last_rebuild.lock() {
                        *t = start.elapsed();
                    }
                    return self.current.read().map(|c| c.number).unwrap_or(0);
                }
                let css_only = cur.error.is_none() && only_css_changed(&cur.files, &files);
                let number = cur.number + 1;
                *cur = Version {
                    number,
                    files,
                    content_dir: site.content_dir.clone(),
                    assets: site
                        .assets
                        .iter()
                        .filter(|a| !site.skips.assets.contains(*a))
                        .cloned()
                        .collect(),
                    error: None,
                    css_only,
                    search: None,
                    assets_sig,
                    site: None,
                };
                eprint!("{}", crate::report::compact(&site.diagnostics, false));
                cur.site = Some(Arc::new(site));
            }
            Err(d) => {
                cur.number += 1;
                cur.error = Some(describe(&d));
                cur.css_only = false;
                eprint!("{}", describe(&d));
            }
        }
        let number = cur.number;
        drop(cur);
        if let Ok(mut t) = self.last_rebuild.lock() {
            *t = start.elapsed();
        }
        let (lock, cvar) = &self.changed;
        if let Ok(mut n) = lock.lock() {
            *n = number;
        }
        cvar.notify_all();
        number
    }

    fn search_files(&self) -> Option<Arc<HashMap<String, Arc<Vec<u8>>>>> {
        if let Some(s) = self.current.read().ok()?.search.clone() {
            return Some(s);
        }
        // Build from the last good site: no re-parsing, and still there
        // while a broken edit shows the overlay.
        let site = self.current.read().ok()?.site.clone()?;
        let files: HashMap<String, Arc<Vec<u8>>> = search::build_index(&site)
            .into_iter()
            .map(|o| (o.path, o.bytes))
            .collect();
        let files = Arc::new(files);
        if let Ok(mut cur) = self.current.write() {
            cur.search = Some(files.clone());
        }
        Some(files)
    }
}

/// A hash of the copied files' paths, sizes and modification times, so that
/// replacing an image counts as a change even though no page differs.
fn assets_signature(dir: &Path, assets: &[String]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    for a in assets {
        h.update(a.as_bytes());
        if let Ok(m) = std::fs::metadata(dir.join(a)) {
            h.update(&m.len().to_le_bytes());
            if let Ok(t) = m.modified() {
                h.update(format!("{t:?}").as_bytes());
            }
        }
    }
    *h.finalize().as_bytes()
}

/// The stylesheet's cache-busting version, as every page links it.
fn asset_version(files: &HashMap<String, Arc<Vec<u8>>>) -> Option<String> {
    let html = String::from_utf8_lossy(files.get("index.html")?);
    let at = html.find("style.css?v=")? + "style.css?v=".len();
    Some(
        html[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect(),
    )
}

/// True when a rebuild changed stylesheets and nothing else (pages differ only
/// in the stylesheet's version), so the browser can swap CSS without a reload.
fn only_css_changed(
    old: &HashMap<String, Arc<Vec<u8>>>,
    new: &HashMap<String, Arc<Vec<u8>>>,
) -> bool {
    if old.is_empty() || old.len() != new.len() {
        return false;
    }
    let css_changed = new
        .iter()
        .any(|(k, v)| k.ends_with(".css") && old.get(k) != Some(v));
    let (Some(ov), Some(nv)) = (asset_version(old), asset_version(new)) else {
        return false;
    };
    css_changed
        && new.iter().all(|(k, v)| {
            let Some(o) = old.get(k) else { return false };
            // 404.html inlines the stylesheet.
            k.ends_with(".css")
                || k == "404.html"
                || Arc::ptr_eq(o, v)
                || o == v
                || (k.ends_with(".html")
                    && String::from_utf8_lossy(o).replace(&ov, &nv).as_bytes() == v.as_slice())
        })
}

fn describe(d: &Diagnostics) -> String {
    crate::report::compact(d, false)
}

/// Is `path` something a rebuild should react to?
fn relevant(root: &Path, out: &Path, cache: &Path, path: &Path) -> bool {
    if path.starts_with(out) || path.starts_with(cache) {
        return false;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    if rel.components().any(|c| {
        let n = c.as_os_str().to_string_lossy();
        is_ignored_name(&n) || n == "target" || n == "node_modules"
    }) {
        return false;
    }
    rel == Path::new("book.toml")
        || rel.starts_with("content")
        || rel.starts_with("themes")
        || rel.starts_with("static")
        || rel.extension().is_some_and(|e| e == "md")
}

/// Start the server: initial build, watcher, HTTP workers. Does not block.
pub fn start(opts: ServeOptions) -> Result<Handle, String> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", opts.root.display()))?;
    let opts = ServeOptions {
        root: root.clone(),
        ..opts
    };
    // A broken book.toml here is reported by the first rebuild; defaults keep
    // the server up until the author fixes it. (Changing `[go] pkg-url` takes
    // a restart: the highlighter lives as long as the server.)
    let config = crate::project::open(&root)
        .map(|p| p.config)
        .unwrap_or_default();
    let shared = Arc::new(Shared {
        current: RwLock::new(Version::default()),
        changed: (Mutex::new(0), Condvar::new()),
        hl: Highlighter::new().with_pkg_url(&config.go.pkg_url),
        markdown: MarkdownCache::default(),
        pages: PageCache::default(),
        opts: opts.clone(),
        last_rebuild: Mutex::new(Duration::ZERO),
        polls: Default::default(),
        rebuilds: Default::default(),
        fatal: Default::default(),
    });
    shared.rebuild();
    let server = Server::http(SocketAddr::new(opts.bind, opts.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    let server = Arc::new(server);

    // Watch the whole root (so atomic replaces of book.toml and editors that
    // save by rename are seen), filter out what does not matter, debounce
    // bursts (a git checkout) into one rebuild.
    let out_dir = root.join(&config.build.output_dir);
    let cache_dir = root.join(&config.build.cache_dir);
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let watch_root = root.clone();
    let mut debouncer = new_debouncer(
        Duration::from_millis(10),
        None,
        move |res: DebounceEventResult| {
            if let Ok(events) = res {
                // Reads (our own rebuild opens every file) are not changes.
                if events
                    .iter()
                    .filter(|e| !e.kind.is_access() && !e.kind.is_other())
                    .flat_map(|e| e.paths.iter())
                    .any(|p| relevant(&watch_root, &out_dir, &cache_dir, p))
                {
                    let _ = tx.send(());
                }
            }
        },
    )
    .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    debouncer
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let rebuilder = shared.clone();
    std::thread::spawn(move || {
        while rx.recv().is_ok() {
            // Coalesce anything that arrived while the last rebuild ran.
            while rx.try_recv().is_ok() {}
            let v = rebuilder.rebuild();
            let t = rebuilder
                .last_rebuild
                .lock()
                .map(|t| *t)
                .unwrap_or_default();
            eprintln!("rebuilt (version {v}) in {t:.1?}");
        }
    });

    for _ in 0..WORKERS {
        let server = server.clone();
        let shared = shared.clone();
        std::thread::spawn(move || {
            loop {
                let req = match server.recv() {
                    Ok(r) => r,
                    Err(e) => {
                        shared.fail(format!("the server stopped accepting connections: {e}"));
                        return;
                    }
                };
                let Some(req) = refuse_body(req) else {
                    continue;
                };
                if req.url().contains("__handbook/poll") {
                    start_poll(&shared, req);
                } else {
                    handle(&shared, req);
                }
            }
        });
    }
    Ok(Handle {
        addr,
        shared,
        server,
        _watcher: Some(Box::new(debouncer)),
    })
}

/// Threads answering page requests.
const WORKERS: usize = 4;
/// Live-reload long polls held at once; more are told to come back later.
const MAX_POLLS: usize = 64;

/// The server needs no request bodies. tiny_http reads a small body (up to
/// 1 KiB) itself; a larger declared one is drained when the request is
/// dropped with one allocation of the declared size, so `Content-Length:
/// 99999999999999` would abort the process. Such a request is answered 413
/// through `upgrade` (which writes the response and hands back the raw
/// connection) and the connection is deliberately leaked rather than
/// dropped: one descriptor and one tiny_http connection thread per hostile
/// request instead of a crashed server.
fn refuse_body(req: Request) -> Option<Request> {
    let declared = req.body_length().unwrap_or(0);
    let chunked = req
        .headers()
        .iter()
        .any(|h| h.field.equiv("Transfer-Encoding"));
    if declared <= 1024 && !chunked {
        if declared > 0 {
            let _ = req.respond(
                Response::from_string("request bodies are not accepted").with_status_code(413),
            );
            return None;
        }
        return Some(req);
    }
    let stream = req.upgrade(
        "close",
        Response::from_string("request bodies are not accepted")
            .with_status_code(413)
            .with_header(header("Connection", "close")),
    );
    std::mem::forget(stream);
    None
}

/// Hold a long poll on its own thread (pages never queue behind polls), at
/// most [`MAX_POLLS`] at once; beyond that, or when no thread can be
/// started, answer 503 at once and the page retries with backoff.
fn start_poll(shared: &Arc<Shared>, req: Request) {
    use std::sync::atomic::Ordering;
    let busy = || Response::from_string("too many live-reload connections").with_status_code(503);
    if shared.polls.fetch_add(1, Ordering::SeqCst) >= MAX_POLLS {
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        let _ = req.respond(busy());
        return;
    }
    let s = shared.clone();
    let req = Arc::new(Mutex::new(Some(req)));
    let handed = req.clone();
    let spawned = std::thread::Builder::new()
        .name("handbook-poll".into())
        .spawn(move || {
            if let Some(r) = handed.lock().ok().and_then(|mut g| g.take()) {
                handle(&s, r);
            }
            s.polls.fetch_sub(1, Ordering::SeqCst);
        });
    if spawned.is_err() {
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        if let Some(r) = req.lock().ok().and_then(|mut g| g.take()) {
            let _ = r.respond(busy());
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    // Every value passed here is ASCII without control characters; fall back
    // to an empty value rather than panicking a worker if that ever changes.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .or_else(|_| Header::from_bytes(name.as_bytes(), &b""[..]))
        .expect("an empty header value is valid")
}

/// Decode and validate a request path. None for anything that could leave
/// the site: `..`, encoded slashes or dots that form `..`, backslashes, NUL.
pub fn clean_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = path.get(i + 1..i + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(decoded).ok()?;
    if !decoded.starts_with('/')
        || decoded.chars().any(char::is_control)
        || decoded.contains('\\')
        || decoded.starts_with("//")
    {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded[1..].split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None,
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if decoded.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

const LIVE_SCRIPT: &str = include_str!("../themes/default/static/live.js");

fn inject(html: &[u8], path: &str, error: Option<&str>) -> Vec<u8> {
    let root = crate::paths::root_prefix(path);
    let mut extra = format!(
        "<script data-handbook-live data-poll=\"{root}__handbook/poll\">{LIVE_SCRIPT}</script>"
    );
    if let Some(e) = error {
        let mut escaped = String::new();
        crate::html::escape_into(&mut escaped, e);
        extra.push_str(&format!(
            "<div id=\"handbook-error\" role=\"alert\" style=\"position:fixed;inset:auto 16px 16px 16px;z-index:1000;max-height:50vh;overflow:auto;padding:16px 20px;border-radius:10px;background:#2b0f0f;color:#ffd7d5;border:2px solid #ff7b72;font:14px/1.5 ui-monospace,monospace;box-shadow:0 10px 30px rgba(0,0,0,.4)\"><strong style=\"color:#ff7b72\">Build failed; showing the last good version.</strong><pre style=\"white-space:pre-wrap;margin:8px 0 0\">{escaped}</pre></div>"
        ));
    }
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

fn handle(shared: &Shared, req: Request) {
    if !matches!(req.method(), Method::Get | Method::Head) {
        let _ =
            req.respond(Response::empty(StatusCode(405)).with_header(header("Allow", "GET, HEAD")));
        return;
    }
    let url = req.url().to_string();
    let Some(path) = clean_path(&url) else {
        let _ = req.respond(Response::from_string("bad request").with_status_code(400));
        return;
    };
    if path.ends_with("__handbook/poll") {
        poll(shared, req, &url);
        return;
    }
    let lookup = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    let (body, status, served_path, error) = {
        let cur = match shared.current.read() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        let error = cur.error.clone();
        if let Some(b) = cur.files.get(&lookup) {
            (Some(b.clone()), 200, lookup.clone(), error)
        } else if lookup.starts_with("search/") {
            drop(cur);
            let found = shared.search_files().and_then(|s| s.get(&lookup).cloned());
            let not_found = found.is_none();
            (
                found,
                if not_found { 404 } else { 200 },
                lookup.clone(),
                error,
            )
        } else if cur.assets.contains(&lookup) {
            // Read through the real path, and only inside the content folder:
            // a file swapped for a link to elsewhere is not served.
            let bytes = std::fs::canonicalize(cur.content_dir.join(&lookup))
                .ok()
                .filter(|p| {
                    std::fs::canonicalize(&cur.content_dir).is_ok_and(|root| p.starts_with(root))
                })
                .and_then(|p| std::fs::read(p).ok())
                .map(Arc::new);
            (bytes, 200, lookup.clone(), error)
        } else if cur.files.contains_key(&format!("{lookup}/index.html")) {
            drop(cur);
            let to = format!("/{}/", crate::paths::encode_href(&lookup));
            let _ =
                req.respond(Response::empty(StatusCode(301)).with_header(header("Location", &to)));
            return;
        } else {
            (
                cur.files.get("404.html").cloned(),
                404,
                "404.html".to_string(),
                error,
            )
        }
    };
    let Some(body) = body else {
        // Nothing to show, e.g. a site broken since startup: a page that
        // carries the error overlay and reloads once the site builds.
        if let Some(e) = &error {
            let page = inject(b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Build failed</title></head><body></body></html>", &served_path, Some(e));
            let _ = req.respond(
                Response::from_data(page)
                    .with_status_code(500)
                    .with_header(header("Content-Type", "text/html; charset=utf-8"))
                    .with_header(header("Cache-Control", "no-store")),
            );
            return;
        }
        let _ = req.respond(Response::from_string("not found").with_status_code(404));
        return;
    };
    let mime = mime_guess::from_path(&served_path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = if mime.type_() == "text"
        || mime.essence_str() == "application/javascript"
        || mime.essence_str() == "image/svg+xml"
    {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let bytes = if is_html {
        inject(&body, &served_path, error.as_deref())
    } else {
        body.to_vec()
    };
    let response = Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", &content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = req.respond(response);
}

/// Long poll: answer when the version differs from the client's, or after 25 s.
fn poll(shared: &Shared, req: Request, url: &str) {
    let since: u64 = url
        .split_once("v=")
        .and_then(|(_, v)| v.split('&').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (lock, cvar) = &shared.changed;
    let deadline = Instant::now() + Duration::from_secs(25);
    let mut n = match lock.lock() {
        Ok(n) => n,
        Err(p) => p.into_inner(),
    };
    while *n == since && since != 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        n = match cvar.wait_timeout(n, left) {
            Ok((g, _)) => g,
            Err(p) => p.into_inner().0,
        };
    }
    drop(n);
    let (number, css_only, error) = shared
        .current
        .read()
        .map(|c| (c.number, c.css_only, c.error.is_some()))
        .unwrap_or((0, false, false));
    let body = format!("{{\"version\":{number},\"cssOnly\":{css_only},\"error\":{error}}}");
    let _ = req.respond(
        Response::from_string(body)
            .with_header(header("Content-Type", "application/json"))
            .with_header(header("Cache-Control", "no-store")),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths() {
        assert_eq!(clean_path("/").as_deref(), Some(""));
        assert_eq!(clean_path("/a/b.html?x=1").as_deref(), Some("a/b.html"));
        assert_eq!(clean_path("/a/").as_deref(), Some("a/"));
        assert_eq!(clean_path("/a%20b.html").as_deref(), Some("a b.html"));
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/..%2fetc%2fpasswd",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/a%0d%0aSet-Cookie:x",
            "//etc/passwd",
            "/C:/Windows",
            "/%zz",
            "etc/passwd",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }
}
