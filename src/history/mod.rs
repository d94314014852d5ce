//! History from git: when each page last changed and who changed it, when
//! each rule was added, changed or retired, and what changed in the
//! standards, runbooks and tracks, newest first.
//!
//! Read with libgit2 (the `git2` crate) in one pass over the commits,
//! oldest first, comparing each commit's content tree with its parent's
//! (only subtrees whose ids differ are opened), and cached under the cache
//! folder by HEAD id: a build of an unchanged checkout reads one small file.
//! A site outside a git work tree, a repository without commits and a
//! shallow clone build as before, without git dates (a shallow clone says
//! so once: its oldest commit would look like the author of everything).

mod apply;
mod status;
mod text;
mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;

pub use text::RuleText;

/// One commit, as shown to readers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Commit {
    /// Full hex id.
    pub id: String,
    /// Author time, seconds since the epoch.
    pub time: i64,
    /// Author name.
    pub author: String,
    /// First line of the message.
    pub summary: String,
}

impl Commit {
    /// The author date (UTC).
    pub fn date(&self) -> crate::date::Date {
        crate::date::Date::from_days(self.time.div_euclid(86_400))
    }
}

/// A rule's life: commit indexes into [`History::commits`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RuleLife {
    /// Title when last seen.
    pub title: String,
    /// The commit that added it.
    pub added: usize,
    /// The last commit that changed its text, if any did after it was added.
    pub changed: Option<usize>,
    /// The commit that removed it from every page, if it is gone.
    pub retired: Option<usize>,
}

/// What one commit changed that readers care about.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// A rule appeared.
    RuleAdded {
        /// Rule id.
        id: String,
        /// Heading text.
        title: String,
    },
    /// A rule's text changed; both versions, for a word diff.
    RuleChanged {
        /// Rule id.
        id: String,
        /// Heading text after the change.
        title: String,
        /// Text before.
        before: String,
        /// Text after.
        after: String,
    },
    /// A rule disappeared from every page.
    RuleRetired {
        /// Rule id.
        id: String,
        /// Heading text when it was removed.
        title: String,
    },
    /// A runbook appeared.
    RunbookAdded {
        /// Content-relative path.
        path: String,
        /// Title.
        title: String,
    },
    /// A runbook's `last-reviewed` date moved.
    RunbookReviewed {
        /// Content-relative path.
        path: String,
        /// Title.
        title: String,
        /// Date before (empty when there was none).
        from: String,
        /// Date after.
        to: String,
    },
    /// A runbook was deleted.
    RunbookRemoved {
        /// Content-relative path it had.
        path: String,
        /// Title it had.
        title: String,
    },
    /// Pages of a track changed.
    TrackChanged {
        /// The track's content-relative folder.
        dir: String,
    },
}

/// A change and the commit that made it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Event {
    /// Index into [`History::commits`].
    pub commit: usize,
    /// What changed.
    pub change: Change,
}

/// Everything the site shows about its history.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct History {
    /// HEAD when read.
    pub head: String,
    /// Commits referred to below (not every commit of the repository).
    pub commits: Vec<Commit>,
    /// Content-relative path -> the last commit that changed the file.
    pub files: BTreeMap<String, usize>,
    /// Files outside the content folder that pages include (canonical
    /// path) -> the last commit that changed them.
    pub extra: BTreeMap<PathBuf, usize>,
    /// Rule id -> its life.
    pub rules: BTreeMap<String, RuleLife>,
    /// The newest changes, newest first (at most [`MAX_EVENTS`]).
    pub events: Vec<Event>,
    /// Content-relative paths with changes not committed yet, and their
    /// modification times (seconds since the epoch). Not cached.
    #[serde(skip)]
    pub uncommitted: BTreeMap<String, i64>,
    /// The same for the included files outside the content folder
    /// (canonical paths). Not cached.
    #[serde(skip)]
    pub uncommitted_extra: BTreeMap<PathBuf, i64>,
    /// The content folder (canonical), which `files` is relative to. Not cached.
    #[serde(skip)]
    pub content_dir: PathBuf,
    /// The cache key it was read for (HEAD, content folder, rule pattern,
    /// tracks). Not cached.
    #[serde(skip)]
    pub key: String,
}

/// Changes kept for the changes page and feed.
pub const MAX_EVENTS: usize = 400;

/// What `read` needs to know about the site.
pub struct Inputs<'a> {
    /// Site root (the repository is found from here, upwards).
    pub root: &'a Path,
    /// Content folder.
    pub content_dir: &'a Path,
    /// Cache folder.
    pub cache_dir: &'a Path,
    /// Rule ids.
    pub rule_pattern: &'a Regex,
    /// Content-relative folders of tracks.
    pub track_dirs: &'a BTreeSet<String>,
    /// Canonical paths of the files pages include (mdBook `{{#include}}`,
    /// MkDocs snippets): a page was last updated when it or one of them was.
    pub includes: &'a BTreeSet<PathBuf>,
    /// The history read by the previous build of this process (`serve`),
    /// with the cache key it was read for.
    pub previous: Option<(&'a str, &'a History)>,
}

/// Why there is no history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// Not inside a git work tree.
    NoRepository,
    /// A repository without commits, or the content folder outside it.
    Nothing,
    /// A shallow clone: the dates would be wrong.
    Shallow,
}

/// What a whole read would record in [`History::uncommitted`] for the
/// content file `rel` now: `Some(Some(mtime))` when it has uncommitted
/// changes, `Some(None)` when it has none, `None` when git cannot say.
/// (`serve`'s quick path asks this of the one page it updates.)
pub fn uncommitted_now(h: &History, rel: &str) -> Option<Option<i64>> {
    let repo = git2::Repository::discover(&h.content_dir).ok()?;
    let workdir = repo.workdir().and_then(|w| w.canonicalize().ok())?;
    let abs = h.content_dir.join(rel);
    let in_repo = slashed(abs.strip_prefix(&workdir).ok()?);
    let changed = status::uncommitted_files(&repo, &[(in_repo, abs)]);
    Some(changed.into_values().next())
}

/// Read the history of the content folder, from the cache when HEAD has not
/// moved. `Err(Missing)` when there is none to show; a warning is returned
/// with it when the reader should know why (a shallow clone).
pub fn read(inputs: &Inputs<'_>) -> Result<History, (Missing, Option<Diagnostic>)> {
    // The objects come from the user's own repository: verifying each
    // one's hash (SHA-1 with collision detection) on every read was the
    // largest cost of reading a long history. (A libgit2 process setting;
    // handbook reads, never writes, repositories.)
    git2::opts::strict_hash_verification(false);
    let repo =
        git2::Repository::discover(inputs.root).map_err(|_| (Missing::NoRepository, None))?;
    if repo.is_shallow() {
        return Err((
            Missing::Shallow,
            Some(Diagnostic::warning(
                "shallow-history",
                "this is a shallow clone, so pages show no git dates and there is no changes page; \
                 fetch the whole history (GitHub Actions: `fetch-depth: 0` on actions/checkout; \
                 GitLab: `GIT_DEPTH: 0`)",
            )),
        ));
    }
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return Err((Missing::Nothing, None));
    };
    let content_abs = inputs
        .content_dir
        .canonicalize()
        .map_err(|_| (Missing::Nothing, None))?;
    let content = content_abs
        .strip_prefix(&workdir)
        .map_err(|_| (Missing::Nothing, None))?;
    let content_rel = slashed(content);
    // Included files outside the content folder, but in the repository.
    let extra: Vec<(String, PathBuf)> = inputs
        .includes
        .iter()
        .filter(|p| !p.starts_with(&content_abs))
        .filter_map(|p| Some((slashed(p.strip_prefix(&workdir).ok()?), p.clone())))
        .collect();
    let head = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .ok_or((Missing::Nothing, None))?;
    let key = cache_key(&head.id().to_string(), &content_rel, &extra, inputs);
    let cache_file = inputs.cache_dir.join("history.json");
    // `serve` hands back the history it read last: at the same key it is
    // reused as it is, without reading the cache file again.
    let previous = inputs
        .previous
        .filter(|(k, _)| *k == key)
        .map(|(_, h)| h.clone());
    let mut history = match previous.or_else(|| load_cache(&cache_file, &key)) {
        Some(h) => h,
        None => {
            let h = walk::walk(&repo, &content_rel, &extra, inputs).map_err(|e| {
                (
                    Missing::Nothing,
                    Some(Diagnostic::warning(
                        "history",
                        format!("cannot read the git history: {e}; pages show no git dates"),
                    )),
                )
            })?;
            save_cache(&cache_file, &key, &h);
            h
        }
    };
    history.uncommitted = status::uncommitted(&repo, &content_rel, inputs.content_dir);
    history.uncommitted_extra = status::uncommitted_files(&repo, &extra);
    history.content_dir = content_abs;
    history.key = key;
    Ok(history)
}

/// The cache is valid for one HEAD, content folder, rule pattern, set of
/// track folders and set of included files outside the content folder, and
/// this version of the format.
fn cache_key(
    head: &str,
    content_rel: &str,
    extra: &[(String, PathBuf)],
    inputs: &Inputs<'_>,
) -> String {
    let tracks: Vec<&str> = inputs.track_dirs.iter().map(String::as_str).collect();
    let extra: Vec<&str> = extra.iter().map(|(r, _)| r.as_str()).collect();
    format!(
        "v2 {head} {content_rel} {} {} {}",
        inputs.rule_pattern.as_str(),
        tracks.join(","),
        extra.join(",")
    )
}

/// A relative path with `/` separators, as git writes them.
fn slashed(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

#[derive(Serialize, Deserialize)]
struct Cached {
    key: String,
    history: History,
}

fn load_cache(file: &Path, key: &str) -> Option<History> {
    let bytes = std::fs::read(file).ok()?;
    let cached: Cached = serde_json::from_slice(&bytes).ok()?;
    (cached.key == key).then_some(cached.history)
}

/// A cache that cannot be written only costs time on the next build.
fn save_cache(file: &Path, key: &str, history: &History) {
    let cached = Cached {
        key: key.to_string(),
        history: history.clone(),
    };
    if let Ok(json) = serde_json::to_vec(&cached) {
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let tmp = file.with_extension(format!("json.tmp-{}", std::process::id()));
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(&tmp, file);
        }
    }
}
