//! The build pipeline as named stages:
//!
//! 1. [`crate::project::open`]: read the configuration once, decide the dialect;
//! 2. [`crate::site::sources::read`]: walk, read, preprocess, front matter;
//! 3. Markdown rendering and 4. assembly of the model ([`crate::site`]);
//! 5. validation (links, rules, runbooks, tracks, aliases);
//! 6. [`render::render_site`]: pages and site-wide files;
//! 7. [`crate::search::write_index`]: the search index;
//! 8. [`crate::output::Staging`]: atomic write.
//!
//! `check` runs stages 1-5; `serve` runs 1-6 (and 7 on demand) through its caches.

mod per_site;
pub mod render;
mod signature;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::render::Output;
use crate::site::Site;
use crate::store::Store;
use crate::{output, search, site};

pub use render::{PageCache, Sink, render_site};

/// One finding as the diagnostics of a failed stage.
fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

/// Options for `handbook build`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Folder holding book.toml.
    pub root: PathBuf,
    /// Output folder (default: `[build] output-dir` under the root).
    pub out: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Absolute path the site is served under; overrides `[site] base-path`.
    pub base_path: Option<String>,
    /// Where the build announces its staging folder while it exists, so a
    /// signal handler (the binary's) can remove it before the process exits.
    pub staging_slot: Option<StagingSlot>,
}

/// A running build's link to a signal handler: whether the build has a
/// staging folder right now, and whether it was asked to stop. Stopping
/// makes the build fail at its next write, which removes the staging folder.
#[derive(Debug, Default)]
pub struct Interrupt {
    /// True while a staging folder exists (or is about to). A mutex, not an
    /// atomic: the handler holds it while it decides, and while it exits at
    /// once, so the build cannot create a staging folder in between.
    pub staging: std::sync::Mutex<bool>,
    /// Set by the handler.
    pub stop: std::sync::atomic::AtomicBool,
}

impl Interrupt {
    /// For the signal handler: with a staging folder, ask the build to stop
    /// (it removes the folder at its next write) and return; without one,
    /// run `exit` while no staging folder can appear.
    pub fn on_signal(&self, exit: impl FnOnce()) {
        let staging = self.staging.lock().unwrap_or_else(|p| p.into_inner());
        if *staging {
            self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        } else {
            exit();
        }
    }

    fn set_staging(&self, on: bool) {
        *self.staging.lock().unwrap_or_else(|p| p.into_inner()) = on;
    }
}

/// Shared [`Interrupt`].
pub type StagingSlot = Arc<Interrupt>;

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Pages rendered from Markdown.
    pub pages: usize,
    /// Files written.
    pub files: usize,
    /// Where the site went.
    pub out_dir: PathBuf,
    /// Warnings.
    pub diagnostics: Diagnostics,
    /// Wall time.
    pub elapsed: Duration,
    /// Bytes of search index written.
    pub search_bytes: u64,
}

/// What `build` keeps in `[build] cache-dir` for the next build besides the
/// highlight cache ([`crate::store`]): with them, a rebuild where a few
/// pages changed renders, indexes and writes only those pages.
struct Stores {
    /// Rendered Markdown, by [`crate::markdown::Rendered::source_key`].
    markdown: Store,
    /// Search term counts of each page's text, by the same key.
    terms: Store,
    /// The hash of each page's output, by a hash of everything it was
    /// rendered from: an unchanged page is linked from the previous output.
    outputs: Store,
    /// Which previous output files an earlier build read and found to hold
    /// their recorded hash, by size and modification time
    /// ([`output::stamp_key`]): those are linked without being read again.
    stamps: Store,
}

/// The store of rendered Markdown under the cache folder `dir` (`serve`
/// reads it too).
pub fn markdown_store(dir: &std::path::Path) -> Store {
    Store::open(&dir.join("markdown.bin"), "markdown-3")
}

impl Stores {
    fn open(dir: &std::path::Path) -> Stores {
        Stores {
            markdown: markdown_store(dir),
            terms: Store::open(&dir.join("terms.bin"), search::TERMS_VERSION),
            outputs: Store::open(&dir.join("outputs.bin"), "outputs-1"),
            stamps: Store::open(&dir.join("stamps.bin"), "stamps-1"),
        }
    }
}

/// The stores the stages after loading use.
#[derive(Clone, Copy)]
struct Later<'a> {
    terms: &'a Store,
    outputs: &'a Store,
    stamps: &'a Store,
}

/// Render `site`, build its search index and write both atomically; returns
/// the number of files, the output folder and the search index bytes.
fn write_site(
    opts: &BuildOptions,
    site: &mut Site,
    stores: Later<'_>,
    phase: &dyn Fn(&str, Instant),
) -> Result<(usize, PathBuf, u64), Diagnostics> {
    let t = Instant::now();
    if let Some(b) = &opts.base_path {
        site.config.site.base_path = Some(b.clone());
    }
    let out_dir = opts
        .out
        .clone()
        .unwrap_or_else(|| opts.root.join(&site.config.build.output_dir));
    use std::sync::atomic::Ordering;
    let announce = |on: bool| {
        if let Some(slot) = &opts.staging_slot {
            slot.set_staging(on);
        }
    };
    // Announced before the folder exists: a signal between the two must not
    // take the exit-at-once path and leave the new folder behind.
    announce(true);
    let book = opts.root.join("book.toml");
    let staging = output::Staging::new(
        &out_dir,
        &[&site.content_dir, &book, &opts.root.join("themes")],
    )
    .map_err(one)?;
    let stopped = || {
        opts.staging_slot
            .as_ref()
            .is_some_and(|s| s.stop.load(Ordering::SeqCst))
    };
    let interrupted = || {
        Diagnostic::error(
            "interrupted",
            "the build was interrupted; the previous output was left as it was",
        )
    };
    let written = std::sync::atomic::AtomicUsize::new(0);
    let sink = |o: &Output| {
        if stopped() {
            return Err(interrupted());
        }
        written.fetch_add(1, Ordering::Relaxed);
        staging.write(&o.path, &o.bytes)
    };
    let prepared = render::Prepared::new(site, None)?;
    let keep = |rel: &str, hash: &[u8; 32]| {
        if stopped() {
            return Err(interrupted());
        }
        let stamps = stores.stamps;
        let kept = staging.keep(rel, hash, &|k| stamps.keep(k))?;
        if let Some(stamp) = kept {
            stamps.put(&stamp, &[]);
            written.fetch_add(1, Ordering::Relaxed);
        }
        Ok(kept.is_some())
    };
    let earlier = render::Earlier {
        record: stores.outputs,
        keep: &keep,
    };
    let pages = prepared.pages(site, None, Some(&sink), Some(&earlier));
    // The pages are on disk: free their HTML before the site-wide pages and
    // the index (neither reads it), which keeps peak memory down on large
    // sites.
    for p in &mut site.pages {
        if let Some(r) = Arc::get_mut(&mut p.rendered) {
            r.html = Default::default();
        }
    }
    let outputs = prepared.finish(site, (None, Some(&earlier)), pages)?;
    phase("render", t);
    let t = Instant::now();
    let (index_error, search_bytes) = write_search(site, stores.terms, &sink);
    phase("search", t);
    let t = Instant::now();
    let write_errors: Vec<Diagnostic> = outputs
        .par_iter()
        .filter_map(|o| {
            if stopped() {
                return Some(interrupted());
            }
            staging.write(&o.path, &o.bytes).err()
        })
        .chain(
            site.assets
                .par_iter()
                .filter(|a| !site.skips.assets.contains(*a))
                .filter_map(|a| staging.copy(&site.content_dir.join(a), a).err()),
        )
        .chain(index_error)
        .collect();
    if !write_errors.is_empty() || stopped() {
        // The staging folder goes first, then the announcement: a signal in
        // between must not exit with the folder still there.
        drop(staging);
        announce(false);
        let mut d = Diagnostics(write_errors);
        if stopped() {
            d.0 = vec![interrupted()];
        }
        return Err(d);
    }
    let files = outputs.len() + site.assets.len() + written.into_inner();
    let committed = staging.commit();
    announce(false);
    let out_dir = committed.map_err(one)?;
    phase("write", t);
    Ok((files, out_dir, search_bytes))
}

/// The search index, its files handed to `sink` as they are made (like the
/// pages); returns the error that stopped it, if any, and the bytes written.
fn write_search(site: &mut Site, terms: &Store, sink: &Sink<'_>) -> (Option<Diagnostic>, u64) {
    if !site.config.search.enabled {
        return (None, 0);
    }
    let bytes = std::sync::atomic::AtomicU64::new(0);
    let texts = search::Texts::take(site);
    let error = search::write_index(site, (texts, Some(terms)), &|o: Output| {
        bytes.fetch_add(o.bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
        sink(&o)
    })
    .err();
    (error, bytes.into_inner())
}

/// An output folder inside the content folder would be read back as content
/// on the next build (`public/public/public`). The one exception is a plain
/// folder's own `public/`, which the walk leaves out.
fn refuse_output_inside_content(
    opts: &BuildOptions,
    project: &crate::project::Project,
) -> Result<(), Diagnostic> {
    let default_out = opts.root.join(&project.config.build.output_dir);
    let out = opts.out.clone().unwrap_or_else(|| default_out.clone());
    let abs = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (out_abs, content_abs) = (abs(&out), abs(&project.content_dir));
    let excluded = project.content_dir == project.root && out_abs == abs(&default_out);
    if out_abs.starts_with(&content_abs) && out_abs != content_abs && !excluded {
        return Err(Diagnostic::error(
            "config",
            format!(
                "output folder {} is inside the content folder {}: every build would read the last one back in; choose an output folder outside it",
                out.display(),
                project.content_dir.display()
            ),
        ));
    }
    Ok(())
}

/// A memory figure of this process in KiB from `/proc/self/status`
/// (`VmRSS:` now, `VmHWM:` peak); `None` where there is no such file.
pub fn memory_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `HANDBOOK_STATS`: the bytes the loaded pages hold, by kind, to see where
/// memory goes on large sites.
fn print_model_sizes(site: &Site) {
    let (mut body, mut html, mut text) = (0, 0, 0);
    for p in &site.pages {
        body += p.src.body.len() + p.src.front_text.len();
        html += p.rendered.html.held();
        text += p.rendered.text.held();
    }
    let mib = |n: usize| n / (1024 * 1024);
    eprintln!(
        "handbook-stats model MiB (as held): source {} html {} search-text-and-code {}",
        mib(body),
        mib(html),
        mib(text)
    );
}

/// `handbook build`: load, render and atomically write the site.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let stats = std::env::var_os("HANDBOOK_STATS").is_some();
    let phase = |name: &str, since: Instant| {
        if stats {
            eprintln!(
                "handbook-stats phase {name} {:.1?} (rss {} MiB, peak {} MiB)",
                since.elapsed(),
                memory_kib("VmRSS:").unwrap_or(0) / 1024,
                memory_kib("VmHWM:").unwrap_or(0) / 1024,
            );
        }
    };
    let t = Instant::now();
    let project = crate::project::open(&opts.root)?;
    refuse_output_inside_content(opts, &project).map_err(one)?;
    // The persistent highlight cache lives under [build] cache-dir.
    let cache_dir = project.cache_dir();
    let hl = Highlighter::with_cache(&cache_dir.join("highlight.bin"))
        .with_pkg_url(&project.config.go.pkg_url);
    let stores = Stores::open(&cache_dir);
    let load = site::LoadOptions {
        root: opts.root.clone(),
        drafts: opts.drafts,
        go_syntax: site::GoSyntax::Lexer,
    };
    let mut site = site::load_project(
        project,
        &load,
        site::SourceText::Free,
        &hl,
        (None, Some(&stores.markdown)),
    )?;
    if site.diagnostics.error_count() > 0 {
        return Err(std::mem::take(&mut site.diagnostics));
    }
    phase("load", t);
    if stats {
        print_model_sizes(&site);
    }
    // The highlight cache and the stored renderings are final once the pages
    // are loaded: write them on their own thread while the site renders
    // (megabytes of otherwise serial work).
    let Stores {
        markdown,
        terms,
        outputs,
        stamps,
    } = stores;
    let later = Later {
        terms: &terms,
        outputs: &outputs,
        stamps: &stamps,
    };
    let markdown_counts = markdown.counts();
    let (written, saved) = std::thread::scope(|scope| {
        let saver = scope.spawn(|| {
            hl.save_cache()?;
            markdown.save()
        });
        (write_site(opts, &mut site, later, &phase), saver.join())
    });
    if stats {
        let counts = [
            ("markdown", markdown_counts),
            ("terms", terms.counts()),
            ("outputs", outputs.counts()),
            ("stamps", stamps.counts()),
        ];
        for (name, (read, written)) in counts {
            eprintln!("handbook-stats store {name} read {read} written {written}");
        }
    }
    let saved = saved
        .unwrap_or_else(|_| Err(std::io::Error::other("the saving thread failed")))
        .and_then(|()| terms.save())
        .and_then(|()| outputs.save())
        .and_then(|()| stamps.save());
    // A cache that cannot be written only costs speed next time.
    if let Err(e) = saved {
        eprintln!(
            "warning: cannot write the build cache in {}: {e}",
            cache_dir.display()
        );
    }
    let (files, out_dir, search_bytes) = written?;
    Ok(BuildReport {
        pages: site.pages.len(),
        files,
        out_dir,
        diagnostics: site.diagnostics,
        elapsed: start.elapsed(),
        search_bytes,
    })
}
