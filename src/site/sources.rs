//! Stage 2: read the sources. Walk the content folder, read every Markdown
//! file, expand preprocessor directives (mdBook includes), split and type
//! front matter, drop drafts and pick one index page per folder.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::MarkdownCache;
use crate::content::{self, SourceFile};
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::paths::{INDEX_NAMES, is_index_name, parent_dir};
use crate::project::Project;
use crate::summary::Item;

/// What the read stage hands on.
pub struct Sources {
    /// Markdown sources that become pages, drafts removed.
    pub files: Vec<Arc<SourceFile>>,
    /// Other files to copy, content-relative.
    pub assets: Vec<String>,
    /// SUMMARY.md's navigation, when the site has one.
    pub summary: Option<Vec<Item>>,
    /// Findings so far.
    pub diags: Vec<Diagnostic>,
}

/// Read every source of `project`; `cache` skips files whose size and
/// modification time did not change (`serve`).
pub fn read(
    project: &Project,
    drafts: bool,
    cache: Option<&MarkdownCache>,
) -> Result<Sources, Diagnostics> {
    let root = &project.root;
    let content_dir = &project.content_dir;
    let config = &project.config;
    let (mut md, mut assets) = content::scan(content_dir).map_err(|d| Diagnostics(vec![d]))?;
    let mut diags = project.warnings.clone();
    // An mdBook: SUMMARY.md is the navigation, not a page.
    let mut summary = None;
    if config.mdbook.is_some() {
        let path = content_dir.join("SUMMARY.md");
        if let Ok(text) = std::fs::read_to_string(&path) {
            match crate::summary::parse(&text, &display_path(root, &path)) {
                Ok(items) => summary = Some(items),
                Err(d) => diags.push(d),
            }
        }
        md.retain(|m| m != "SUMMARY.md");
    }
    if content_dir == root {
        // Plain-folder mode: do not copy the output or the cache into itself.
        let out = config.build.output_dir.to_string_lossy().to_string();
        let cache = config.build.cache_dir.to_string_lossy().to_string();
        assets.retain(|a| {
            !a.starts_with(&format!("{out}/"))
                && !a.starts_with(&format!("{cache}/"))
                && a != "book.toml"
        });
    }

    let loaded: Vec<Result<Arc<SourceFile>, Diagnostic>> = md
        .par_iter()
        .map(|rel| read_one(project, rel, cache))
        .collect();
    let mut files = Vec::new();
    for r in loaded {
        match r {
            Ok(f) if f.front.draft && !drafts => {}
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    if files.is_empty() && !diags.is_empty() && md.len() == diags.len() {
        // Nothing loadable: report what is wrong rather than an empty site.
        return Err(Diagnostics(diags));
    }
    keep_one_index_per_folder(&mut files);
    Ok(Sources {
        files,
        assets,
        summary,
        diags,
    })
}

/// Read, preprocess and split one Markdown file.
fn read_one(
    project: &Project,
    rel: &str,
    cache: Option<&MarkdownCache>,
) -> Result<Arc<SourceFile>, Diagnostic> {
    let path = project.content_dir.join(rel);
    let stamp = std::fs::metadata(&path)
        .ok()
        .and_then(|m| Some((m.modified().ok()?, m.len())));
    if let Some(f) = cache.zip(stamp).and_then(|(c, s)| c.source(rel, s)) {
        return Ok(f);
    }
    let display = display_path(&project.root, &path);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Diagnostic::error("io", format!("cannot read: {e}")).in_file(&display))?;
    // mdBook directives ({{#include}}, {{#title}}); other {{ }} text is left alone.
    let (text, title) = if text.contains("{{#") {
        let x = crate::include::expand(&text, &path, &project.root)?;
        (x.text, x.title)
    } else {
        (text, None)
    };
    let mut f = content::parse_source(rel, &display, &text)?;
    if f.front.title.is_none() {
        f.front.title = title;
    }
    let f = Arc::new(f);
    if let Some((c, s)) = cache.zip(stamp) {
        c.put_source(rel, s, &f);
    }
    Ok(f)
}

/// Where a folder has several index candidates, the first of
/// [`INDEX_NAMES`] wins (`_index.md`, then `index.md`, then `README.md`).
fn keep_one_index_per_folder(files: &mut Vec<Arc<SourceFile>>) {
    let rank = |rel: &str| {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        INDEX_NAMES.iter().position(|x| *x == name)
    };
    let mut index_of_dir: HashMap<String, String> = HashMap::new();
    for f in files.iter() {
        if rank(&f.rel).is_none() {
            continue;
        }
        let dir = parent_dir(&f.rel).to_string();
        match index_of_dir.get(&dir) {
            Some(existing) if rank(existing) <= rank(&f.rel) => {}
            _ => {
                index_of_dir.insert(dir, f.rel.clone());
            }
        }
    }
    files.retain(|f| {
        let file = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        !is_index_name(file) || index_of_dir.get(parent_dir(&f.rel)) == Some(&f.rel)
    });
}
