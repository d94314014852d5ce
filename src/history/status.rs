//! Content files changed in the work tree but not committed.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{Repository, Status, StatusOptions};

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
    let changed = Status::WT_NEW
        | Status::WT_MODIFIED
        | Status::WT_RENAMED
        | Status::INDEX_NEW
        | Status::INDEX_MODIFIED
        | Status::INDEX_RENAMED;
    let prefix = if content_rel.is_empty() {
        String::new()
    } else {
        format!("{content_rel}/")
    };
    statuses
        .iter()
        .filter(|s| s.status().intersects(changed))
        .filter_map(|s| {
            let rel = s.path().ok()?.strip_prefix(prefix.as_str())?.to_string();
            let mtime = std::fs::metadata(content_dir.join(&rel))
                .and_then(|m| m.modified())
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs() as i64;
            Some((rel, mtime))
        })
        .collect()
}
