//! Which pages a batch of changes edited: the quick path's test
//! ([`edited_pages`]) and the set of pages whose Go examples get a full
//! parse while serving ([`Shared::note_edits`]).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::Shared;
use crate::site;

impl Shared {
    /// Remember which content files `paths` are, so that later rebuilds
    /// judge their Go examples with a full parse.
    pub fn note_edits(&self, paths: &[PathBuf]) {
        let Some(content) = self
            .current
            .read()
            .ok()
            .and_then(|v| v.site.as_ref().map(|s| s.content_dir.clone()))
        else {
            return;
        };
        let Ok(mut edited) = self.edited.lock() else {
            return;
        };
        for path in paths {
            if let Some(rel) = path
                .strip_prefix(&content)
                .ok()
                .and_then(|r| r.to_str())
                .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"))
                && !edited.contains(&rel)
            {
                Arc::make_mut(&mut edited).insert(rel);
            }
        }
    }
}

/// The pages (content-relative sources) that `paths` edited, when that is
/// all they did: each is an existing page's source that is still a file and
/// not included by another page, or a file the site never knew that is gone
/// again (an editor's temporary file). `None` for anything else: a new,
/// deleted or renamed page, an asset, a folder, the configuration, a theme.
pub(super) fn edited_pages(
    site: &site::Site,
    paths: &[PathBuf],
    included: &HashSet<PathBuf>,
) -> Option<Vec<String>> {
    let mut rels: Vec<String> = Vec::new();
    for path in paths {
        if included.contains(path) {
            return None;
        }
        let rel = path
            .strip_prefix(&site.content_dir)
            .ok()?
            .to_str()?
            .replace(std::path::MAIN_SEPARATOR, "/");
        let is_page = site.pages.iter().any(|p| p.src.rel == rel);
        if is_page && path.is_file() {
            if !rels.contains(&rel) {
                rels.push(rel);
            }
            continue;
        }
        let folder = format!("{rel}/");
        let known = is_page
            || rel.is_empty()
            || site
                .assets
                .iter()
                .any(|a| *a == rel || a.starts_with(&folder))
            || site.pages.iter().any(|p| p.src.rel.starts_with(&folder));
        if known || path.exists() {
            return None;
        }
    }
    Some(rels)
}
