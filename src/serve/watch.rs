//! Watching the sources: which changes rebuild the site.
//!
//! The whole root is watched (so atomic replaces of book.toml and editors
//! that save by rename are seen), plus the git folder when the site shows
//! history and the folders of included files outside the root; what does not
//! matter is filtered out and bursts (a git checkout) are debounced into one
//! rebuild.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use super::Shared;
use crate::config::Config;
use crate::content::is_ignored_name;

/// Start watching; a thread rebuilds the site after each burst of relevant
/// changes. The returned value stops the watching when dropped.
pub(super) fn spawn(
    shared: &Arc<Shared>,
    config: &Config,
) -> Result<Box<dyn std::any::Any + Send>, String> {
    let root = shared.opts.root.clone();
    let out_dir = root.join(&config.build.output_dir);
    let cache_dir = root.join(&config.build.cache_dir);
    // The paths that changed; `None`: the watcher lost track (rescan).
    let (tx, rx) = std::sync::mpsc::channel::<Option<Vec<PathBuf>>>();
    // The repository's git folder, when the site has its history.
    let git_dir = config
        .history
        .enabled
        .then(|| git2::Repository::discover(&root).ok())
        .flatten()
        .and_then(|r| r.path().canonicalize().ok());
    let watch_root = root.clone();
    let watch_git = git_dir.clone();
    let for_filter = Arc::downgrade(shared);
    let debouncer = new_debouncer(
        Duration::from_millis(10),
        None,
        move |res: DebounceEventResult| {
            let shared = for_filter.upgrade();
            let send = |changes: Option<Vec<PathBuf>>| {
                if let Some(s) = &shared {
                    s.pending.store(true, Ordering::SeqCst);
                }
                let _ = tx.send(changes);
            };
            // Errors (a watched folder removed) are not changes; what they
            // hid shows with the next event (as before the quick path).
            let Ok(events) = res else { return };
            if events.iter().any(|e| e.need_rescan()) {
                send(None);
                return;
            }
            let includes = shared.as_ref().map(|s| s.included());
            // Reads (our own rebuild opens every file) are not changes.
            let paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| !e.kind.is_access() && !e.kind.is_other())
                .flat_map(|e| e.paths.iter())
                .filter(|p| {
                    relevant(&watch_root, &out_dir, &cache_dir, watch_git.as_deref(), p)
                        || includes.as_ref().is_some_and(|i| i.contains(*p))
                })
                .cloned()
                .collect();
            if !paths.is_empty() {
                send(Some(paths));
            }
        },
    )
    .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let debouncer = Arc::new(Mutex::new(debouncer));
    {
        let mut d = debouncer.lock().map_err(|_| "watcher lock poisoned")?;
        d.watch(&root, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        // A git folder outside the site root is watched too; failing to
        // watch it only means dates refresh on the next edit instead of the
        // commit.
        if let Some(g) = git_dir.as_ref().filter(|g| !g.starts_with(&root)) {
            let _ = d.watch(g, RecursiveMode::Recursive);
        }
    }
    // The folders the first build's pages include from, watched before
    // `serve` says it is up; later builds add theirs after each rebuild.
    let mut outside: HashSet<PathBuf> = HashSet::new();
    watch_outside_folders(shared, &debouncer, &mut outside);
    let rebuilder = shared.clone();
    let watcher = debouncer.clone();
    std::thread::spawn(move || rebuild_loop(&rebuilder, &rx, &watcher, &mut outside));
    Ok(Box::new(debouncer))
}

/// The rebuilding thread: each batch of changes is served by the quick path
/// when it can be, else by a whole rebuild.
fn rebuild_loop(
    rebuilder: &Shared,
    rx: &std::sync::mpsc::Receiver<Option<Vec<PathBuf>>>,
    watcher: &Mutex<Watcher>,
    outside: &mut HashSet<PathBuf>,
) {
    // Set after a quick update: the whole site is rebuilt once the
    // edits pause, which catches anything the quick path cannot see. The
    // pause asked for is twice the last whole rebuild (at least
    // CHECK_AFTER), and that rebuild gives way to the next edit.
    let mut check_pending = false;
    let mut whole = rebuilder.rebuild_time();
    loop {
        let changes = if check_pending {
            match rx.recv_timeout(CHECK_AFTER.max(whole * 2)) {
                Ok(c) => c,
                Err(RecvTimeoutError::Timeout) => {
                    let before = rebuilder.current_version();
                    let abandon = || rebuilder.pending.load(Ordering::SeqCst);
                    if let Some(v) = rebuilder.rebuild_unless(&abandon) {
                        check_pending = false;
                        whole = rebuilder.rebuild_time();
                        if v != before {
                            eprintln!("rebuilt (version {v}) in {whole:.1?}");
                        }
                        watch_outside_folders(rebuilder, watcher, outside);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(c) => c,
                Err(_) => break,
            }
        };
        // Coalesce anything that arrived while the last rebuild ran.
        rebuilder.pending.store(false, Ordering::SeqCst);
        let mut paths = changes;
        while let Ok(more) = rx.try_recv() {
            paths = paths.zip(more).map(|(mut a, b)| {
                a.extend(b);
                a
            });
        }
        if let Some(p) = paths.as_deref() {
            rebuilder.note_edits(p);
        }
        if paths
            .as_deref()
            .is_some_and(|p| rebuilder.update(p).is_some())
        {
            check_pending = true;
        } else {
            check_pending = false;
            let v = rebuilder.rebuild();
            whole = rebuilder.rebuild_time();
            eprintln!("rebuilt (version {v}) in {whole:.1?}");
        }
        watch_outside_folders(rebuilder, watcher, outside);
    }
}

/// How long edits must pause before the whole site is rebuilt after quick
/// updates: long enough not to hold up the next save of a burst of edits,
/// short enough that what only a whole rebuild finds (a finding elsewhere, a
/// missed event) shows within seconds.
const CHECK_AFTER: Duration = Duration::from_millis(500);

type Watcher = notify_debouncer_full::Debouncer<
    notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// Watch the folders of included files outside the root (mdBook's
/// `{{#include ../../examples/x.go}}`), each once.
fn watch_outside_folders(
    shared: &Shared,
    watcher: &Mutex<Watcher>,
    watched: &mut HashSet<PathBuf>,
) {
    let root = &shared.opts.root;
    let folders: HashSet<PathBuf> = shared
        .included()
        .iter()
        .filter(|p| !p.starts_with(root))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    for f in folders {
        if !watched.contains(&f)
            && let Ok(mut w) = watcher.lock()
        {
            // Failing only means edits there are seen with the next other change.
            let _ = w.watch(&f, RecursiveMode::NonRecursive);
            watched.insert(f);
        }
    }
}

/// Is `path` something a rebuild should react to?
fn relevant(root: &Path, out: &Path, cache: &Path, git: Option<&Path>, path: &Path) -> bool {
    if path.starts_with(out) || path.starts_with(cache) {
        return false;
    }
    // A commit or a checkout moves a ref: the dates from git change.
    if let Some(rel) = git.and_then(|g| path.strip_prefix(g).ok()) {
        return rel == Path::new("HEAD")
            || rel == Path::new("packed-refs")
            || rel.starts_with("refs");
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
