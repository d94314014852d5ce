//! `handbook serve`: the site built in memory, served on loopback, rebuilt on
//! every save and reloaded in the browser.
//!
//! One pipeline: a rebuild runs the same load and render as `build`, with the
//! Markdown and page caches, so an edit re-parses only the edited file and
//! re-renders only what depends on it. A new version replaces the old one
//! only when it is completely built; a failed rebuild keeps serving the last
//! good site with an error overlay. The browser learns of new versions by
//! long-polling `__handbook/poll` on the same port.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::diag::Diagnostics;
use crate::highlight::Highlighter;
use crate::pipeline::render::Prepared;
use crate::site::{self, MarkdownCache};
use crate::{PageCache, search};

mod edits;
mod http;
mod watch;

pub use http::{HEAD_TIMEOUT, MAX_CONNECTIONS, MAX_POLLS, WRITE_TIMEOUT, clean_path};

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
    /// The current version's number, for long polls to wait on.
    versions: tokio::sync::watch::Sender<u64>,
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
    /// Canonical paths of the files the pages include (the last load's):
    /// an edit to one rebuilds the site even outside the content folder.
    included: RwLock<Arc<HashSet<PathBuf>>>,
    /// The renderings an earlier `build` stored, for the first load only.
    stored: Mutex<Option<crate::store::Store>>,
    /// Templates, stylesheet and signature of the current version's site,
    /// for the quick path ([`Shared::update`]).
    prepared: Mutex<Option<Arc<Prepared>>>,
    /// Edits served by the quick path (for tests and benchmarks).
    quick: std::sync::atomic::AtomicU64,
    /// Set by the watcher when changes wait to be handled.
    pending: std::sync::atomic::AtomicBool,
    /// Content-relative paths of the files edited while serving: their Go
    /// examples get a full parse on every rebuild (the rest of the site is
    /// judged by the lexer, as `build` judges it; `check` parses all).
    edited: Mutex<Arc<std::collections::BTreeSet<String>>>,
}

/// A running dev server.
pub struct Handle {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Shared state (for tests and benchmarks).
    pub shared: Arc<Shared>,
    server: http::Server,
    _watcher: Option<Box<dyn std::any::Any + Send>>,
}

impl Handle {
    /// Stop accepting requests and close every connection.
    pub fn stop(&self) {
        self.server.stop();
    }

    /// Connections open now (for tests and benchmarks).
    pub fn connections(&self) -> usize {
        self.server.connections()
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

    /// Edits served by the quick path (one page's body, the rest of the
    /// site untouched) rather than a rebuild of the whole site.
    pub fn quick_updates(&self) -> u64 {
        self.shared.quick.load(std::sync::atomic::Ordering::SeqCst)
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

    /// Load the site through the shared caches (the first time, also
    /// through what an earlier `build` stored: then the stores are saved,
    /// which keeps what this load added and frees them for the next build).
    fn load(&self) -> Result<site::Site, Diagnostics> {
        let edited = self.edited.lock().map(|e| e.clone()).unwrap_or_default();
        let opts = site::LoadOptions {
            root: self.opts.root.clone(),
            drafts: self.opts.drafts,
            go_syntax: site::GoSyntax::ParsePages(edited),
        };
        let stored = self.stored.lock().ok().and_then(|mut s| s.take());
        let site = match &stored {
            Some(store) => {
                let site = site::load_stored(&opts, &self.hl, &self.markdown, store);
                // A cache that cannot be written only costs speed.
                let _ = store.save();
                let _ = self.hl.save_cache();
                site?
            }
            None => site::load(&opts, &self.hl, Some(&self.markdown))?,
        };
        let included: HashSet<PathBuf> = site
            .pages
            .iter()
            .flat_map(|p| p.src.includes.iter().cloned())
            .collect();
        if let Ok(mut i) = self.included.write() {
            *i = Arc::new(included);
        }
        Ok(site)
    }

    /// The current version's number.
    fn current_version(&self) -> u64 {
        self.current.read().map(|c| c.number).unwrap_or(0)
    }

    /// How long the last rebuild or update took.
    fn rebuild_time(&self) -> Duration {
        self.last_rebuild.lock().map(|t| *t).unwrap_or_default()
    }

    /// The files the pages include, as of the last load.
    fn included(&self) -> Arc<HashSet<PathBuf>> {
        self.included.read().map(|i| i.clone()).unwrap_or_default()
    }

    /// Rebuild the site; on success swap it in, on failure keep the last good
    /// files and set the error overlay. Returns the new version number.
    pub fn rebuild(&self) -> u64 {
        let n = self.rebuild_inner(&|| false);
        self.rebuilds
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        n.unwrap_or_else(|| self.current_version())
    }

    /// [`Self::rebuild`], given up between stages as soon as `abandon` says
    /// so (the check after quick updates yields to the next edit); `None`
    /// when given up, with nothing served changed.
    fn rebuild_unless(&self, abandon: &dyn Fn() -> bool) -> Option<u64> {
        let n = self.rebuild_inner(abandon)?;
        self.rebuilds
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Some(n)
    }

    fn rebuild_inner(&self, abandon: &dyn Fn() -> bool) -> Option<u64> {
        let start = Instant::now();
        let loaded = self.load().and_then(|s| {
            if s.diagnostics.error_count() > 0 {
                Err(s.diagnostics.clone())
            } else {
                Ok(s)
            }
        });
        if abandon() {
            return None;
        }
        let result = loaded.and_then(|s| {
            let prepared = Prepared::new(&s, Some(&self.pages))?;
            let pages = prepared.pages(&s, Some(&self.pages), None, None);
            let outputs = prepared.finish(&s, (Some(&self.pages), None), pages)?;
            Ok((s, outputs, Arc::new(prepared)))
        });
        if abandon() {
            return None;
        }
        if let Ok(mut p) = self.prepared.lock() {
            *p = result.as_ref().ok().map(|(_, _, p)| p.clone());
        }
        let mut cur = match self.current.write() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        match result {
            Ok((site, outputs, _)) => {
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
                    // touched file): no new version, so no reload. The model
                    // is still the newest (after quick updates, its findings
                    // are placed where the pages now have them).
                    cur.site = Some(Arc::new(site));
                    drop(cur);
                    if let Ok(mut t) = self.last_rebuild.lock() {
                        *t = start.elapsed();
                    }
                    return Some(self.current_version());
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
        self.versions.send_replace(number);
        Some(number)
    }

    /// The quick path for `paths`, the files the watcher saw change: when
    /// they are only edits to pages' bodies that no other page can see
    /// ([`site::reload::reload_pages`]), re-render those pages alone and
    /// serve them as a new version. `None` when the whole site must be
    /// rebuilt instead (anything else changed, the last rebuild failed, or a
    /// page's facts changed). Counts as a rebuild.
    pub fn update(&self, paths: &[PathBuf]) -> Option<u64> {
        let start = Instant::now();
        let prepared = self.prepared.lock().ok()?.clone()?;
        let included = self.included();
        let mut cur = self.current.write().ok()?;
        let v = &mut *cur;
        if v.error.is_some() {
            return None;
        }
        let rels = edits::edited_pages(v.site.as_deref()?, paths, &included)?;
        let site = Arc::make_mut(v.site.as_mut()?);
        let reloaded = match site::reload::reload_pages(site, &rels, &self.hl, &self.markdown) {
            Ok(r) => r,
            Err(site::reload::NotLocal(why)) => {
                eprintln!("rebuilding the whole site: {why}");
                return None;
            }
        };
        let mut changed = false;
        for &i in reloaded
            .pages
            .iter()
            .filter(|i| !site.skips.pages.contains(i))
        {
            // An error here leaves the site with the new page and its files
            // without: the whole rebuild that follows puts both right.
            let out = prepared.page(site, i, &self.pages).ok()?;
            if v.files.get(&out.path) != Some(&out.bytes) {
                v.files.insert(out.path, out.bytes);
                changed = true;
            }
        }
        if changed {
            v.number += 1;
            v.search = None;
            v.css_only = false;
        }
        let number = v.number;
        drop(cur);
        self.quick.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.rebuilds
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Ok(mut t) = self.last_rebuild.lock() {
            *t = start.elapsed();
        }
        if changed {
            self.versions.send_replace(number);
            eprintln!(
                "updated {} (version {number}) in {:.1?}",
                rels.join(", "),
                start.elapsed()
            );
        }
        // The edited pages' own findings (the rest of the site's are shown
        // by the whole rebuild once edits pause).
        eprint!(
            "{}",
            crate::report::compact(&Diagnostics(reloaded.findings), false)
        );
        Some(number)
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
                || k == crate::paths::generated::NOT_FOUND
                || Arc::ptr_eq(o, v)
                || o == v
                || (k.ends_with(".html")
                    && String::from_utf8_lossy(o).replace(&ov, &nv).as_bytes() == v.as_slice())
        })
}

fn describe(d: &Diagnostics) -> String {
    crate::report::compact(d, false)
}

impl Shared {
    /// The state of a server for `opts` (its root made canonical) and the
    /// configuration as it was at start; nothing built yet.
    fn new(opts: ServeOptions) -> Result<(Arc<Shared>, crate::config::Config), String> {
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
        let project = crate::project::open(&root).ok();
        let cache_dir = project.as_ref().map(crate::project::Project::cache_dir);
        let config = project.map(|p| p.config).unwrap_or_default();
        let shared = Arc::new(Shared {
            current: RwLock::new(Version::default()),
            versions: tokio::sync::watch::Sender::new(0),
            hl: match &cache_dir {
                Some(dir) => Highlighter::with_cache(&dir.join("highlight.bin")),
                None => Highlighter::new(),
            }
            .with_pkg_url(&config.go.pkg_url),
            markdown: MarkdownCache::default(),
            pages: PageCache::default(),
            opts: opts.clone(),
            last_rebuild: Mutex::new(Duration::ZERO),
            polls: Default::default(),
            rebuilds: Default::default(),
            fatal: Default::default(),
            included: Default::default(),
            stored: Mutex::new(cache_dir.as_deref().map(crate::pipeline::markdown_store)),
            prepared: Mutex::new(None),
            quick: Default::default(),
            pending: Default::default(),
            edited: Default::default(),
        });
        Ok((shared, config))
    }
}

/// Start the server: initial build, watcher, HTTP workers. Does not block.
pub fn start(opts: ServeOptions) -> Result<Handle, String> {
    let (shared, config) = Shared::new(opts)?;
    let opts = shared.opts.clone();
    shared.rebuild();
    raise_descriptor_limit();
    let (server, addr) = http::start(SocketAddr::new(opts.bind, opts.port), &shared)?;
    let watcher = watch::spawn(&shared, &config)?;
    Ok(Handle {
        addr,
        shared,
        server,
        _watcher: Some(watcher),
    })
}

/// Raise the soft limit on open descriptors to the hard limit (as Go's
/// runtime does): the connection cap, not a default of 1,024 shared with the
/// watcher and the build, is what bounds the server.
fn raise_descriptor_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        limit.current = limit.maximum;
        let _ = setrlimit(Resource::Nofile, limit);
    }
}

#[cfg(test)]
mod tests;
