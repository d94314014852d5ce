//! Content files changed in the work tree but not committed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::{Repository, Status, StatusOptions};

/// Changed in the work tree or the index, or new.
const CHANGED: Status = Status::WT_NEW
    .union(Status::WT_MODIFIED)
    .union(Status::WT_RENAMED)
    .union(Status::INDEX_NEW)
    .union(Status::INDEX_MODIFIED)
    .union(Status::INDEX_RENAMED);

/// Content files with uncommitted changes (modified, added or untracked),
/// content-relative, with their modification times.
pub(super) fn uncommitted(
    repo: &Repository,
    content_rel: &str,
    content_dir: &Path,
) -> BTreeMap<String, i64> {
    let mut opts = StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    if !content_rel.is_empty() {
        opts.pathspec(content_rel);
    }
    let Ok(statuses) = repo.statuses(Some(&mut opts)) else {
        return BTreeMap::new();
    };
    let prefix = if content_rel.is_empty() {
        String::new()
    } else {
        format!("{content_rel}/")
    };
    statuses
        .iter()
        .filter(|s| s.status().intersects(CHANGED))
        .filter_map(|s| {
            let rel = s.path().ok()?.strip_prefix(prefix.as_str())?.to_string();
            let mtime = mtime(&content_dir.join(&rel))?;
            Some((rel, mtime))
        })
        .collect()
}

/// Which of `files` ((repository-relative path, canonical path) pairs) have
/// uncommitted changes, with their modification times.
pub(super) fn uncommitted_files(
    repo: &Repository,
    files: &[(String, PathBuf)],
) -> BTreeMap<PathBuf, i64> {
    files
        .iter()
        .filter(|(rel, _)| {
            repo.status_file(Path::new(rel))
                .is_ok_and(|s| s.intersects(CHANGED))
        })
        .filter_map(|(_, abs)| Some((abs.clone(), mtime(abs)?)))
        .collect()
}

/// Seconds since the epoch of a file's last modification.
fn mtime(path: &Path) -> Option<i64> {
    let t = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64)
}
