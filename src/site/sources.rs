//! Stage 2: read the sources. Walk the content folder, read every Markdown
//! file, expand preprocessor directives (mdBook includes), split and type
//! front matter, drop drafts and pick one index page per folder.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::MarkdownCache;
use crate::content::{self, SourceFile};
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::paths::{INDEX_NAMES, is_index_name, parent_dir};
use crate::project::{Dialect, Project};
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
    let content::Scanned {
        mut md,
        mut assets,
        warnings: links,
    } = content::scan(content_dir).map_err(|d| Diagnostics(vec![d]))?;
    let mut diags = project.warnings.clone();
    diags.extend(links.into_iter().map(|d| match &d.file {
        Some(f) => {
            let shown = display_path(root, f);
            d.in_file(shown)
        }
        None => d,
    }));
    // An mdBook or a GitBook: SUMMARY.md is the navigation, not a page.
    // Lines it cannot read are findings; the rest of it still applies.
    let mut summary = None;
    if matches!(project.dialect, Dialect::MdBook | Dialect::GitBook) {
        let path = content_dir.join("SUMMARY.md");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let (items, problems) =
                crate::summary::parse_lenient(&text, &display_path(root, &path));
            diags.extend(problems);
            summary = Some(if project.dialect == Dialect::GitBook {
                crate::summary::without_numbers(items)
            } else {
                items
            });
        }
        md.retain(|m| m != "SUMMARY.md");
    }
    // MkDocs: `nav` from mkdocs.yml, when it has one.
    if let Some(nav) = config.imported.as_ref().and_then(|x| x.nav.clone()) {
        summary = Some(nav);
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

    // A file name no site can hold (`a:b.md`, Windows' reserved `\\`) is a
    // finding, not a page: its URL would read as a scheme.
    md.retain(|rel| {
        let bad = rel.contains(':') || rel.contains('\\');
        if bad {
            diags.push(
                Diagnostic::error(
                    "output",
                    format!("`{rel}` cannot be a page: `:` and `\\` are not allowed in file names; rename it"),
                )
                .in_file(display_path(root, &content_dir.join(rel))),
            );
        }
        !bad
    });
    let bound = crate::include::bound_for(root);
    let loaded: Vec<(Option<Arc<SourceFile>>, Vec<Diagnostic>)> = md
        .par_iter()
        .map(|rel| read_one(project, &bound, rel, cache))
        .collect();
    let mut files = Vec::new();
    let mut unreadable = 0;
    for (f, found) in loaded {
        diags.extend(found);
        match f {
            Some(f) if f.front.draft && !drafts => {}
            Some(f) => files.push(f),
            None => unreadable += 1,
        }
    }
    if files.is_empty() && unreadable > 0 && unreadable == md.len() {
        // Nothing readable: report what is wrong rather than an empty site.
        return Err(Diagnostics(diags));
    }
    diags.extend(keep_one_index_per_folder(&mut files));
    Ok(Sources {
        files,
        assets,
        summary,
        diags,
    })
}

/// A line map of a rewrite applied after `first`: through both, to the
/// author's file.
fn compose(first: Option<Vec<(u32, u32)>>, then: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    match first {
        Some(first) => then
            .iter()
            .map(|&(l, c)| {
                first
                    .get((l as usize).saturating_sub(1))
                    .map_or((l, c), |&(src, shift)| (src, c + shift))
            })
            .collect(),
        None => then,
    }
}

/// Folders a page may be nested in, below the content folder.
const MAX_FOLDER_DEPTH: usize = 32;
/// Markdown one page may hold (rendering costs a few hundred times that in
/// memory at worst: a page of table rows or list items).
const MAX_PAGE_BYTES: usize = 2 << 20;

/// Read, preprocess and split one Markdown file. The page is there unless
/// the file cannot be read at all; what went wrong comes beside it.
pub(super) fn read_one(
    project: &Project,
    bound: &Path,
    rel: &str,
    cache: Option<&MarkdownCache>,
) -> (Option<Arc<SourceFile>>, Vec<Diagnostic>) {
    let path = project.content_dir.join(rel);
    // What one page may cost is bounded: every page links to its ancestors
    // with relative paths as long as its depth, so a page's size grows with
    // the square of the nesting.
    let depth = rel.matches('/').count();
    if depth > MAX_FOLDER_DEPTH {
        let display = display_path(&project.root, &path);
        let d = Diagnostic::error(
            "output",
            format!(
                "this page is {depth} folders deep, more than the {MAX_FOLDER_DEPTH} a page may be: move it up"
            ),
        )
        .in_file(&display);
        return (None, vec![d]);
    }
    let stamp = super::stamp(&path);
    if let Some(f) = cache.zip(stamp).and_then(|(c, s)| c.source(rel, s)) {
        let found = f.findings.clone();
        return (Some(f), found);
    }
    let display = display_path(&project.root, &path);
    let mut findings = Vec::new();
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_else(|e| {
            let bytes = e.into_bytes();
            findings.push(not_utf8(&bytes, &display));
            String::from_utf8_lossy(&bytes).into_owned()
        }),
        Err(e) => {
            let d = Diagnostic::error("io", format!("cannot read: {e}")).in_file(&display);
            return (None, vec![d]);
        }
    };
    // Classic Mac line endings (a lone CR): lines as the author sees them,
    // so front matter and line numbers work (CR LF is read as it is).
    let text = if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n")
    } else {
        text
    };
    // mdBook directives ({{#include}}, {{#title}}); other {{ }} text is left alone.
    let mut includes = Vec::new();
    let mut line_map: Option<Vec<(u32, u32)>> = None;
    let (mut text, title) = if text.contains("{{#") {
        let x = crate::include::expand(&text, &path, &project.root, bound);
        findings.extend(x.errors);
        includes.extend(x.files);
        line_map = x.line_map;
        (x.text, x.title)
    } else {
        (text, None)
    };
    if text.len() > MAX_PAGE_BYTES {
        let d = Diagnostic::error(
            "output",
            format!(
                "this page is {} MiB of Markdown (its includes counted), more than the {} MiB a page may be: split it into several pages",
                text.len() >> 20,
                MAX_PAGE_BYTES >> 20
            ),
        )
        .in_file(&display);
        return (None, vec![d]);
    }
    if project.dialect.is_foreign() && crate::gitbook::has_tags(&text) {
        text = strip_liquid_raw(&text);
        let (t, map, found) = crate::gitbook::rewrite(&text, &display);
        findings.extend(found);
        text = t;
        line_map = Some(compose(line_map, map));
    }
    if project.dialect == Dialect::MkDocs && crate::mkdocs::markdown::needs_preprocessing(&text) {
        let cx = snippets_cx(project, bound);
        let p = crate::mkdocs::markdown::preprocess(&text, &path, &display, &cx);
        findings.extend(p.errors);
        includes.extend(p.files);
        text = p.text;
        line_map = Some(compose(line_map, p.line_map));
    }
    let line_map = line_map.map(Arc::new);
    let (mut f, bad_front) = content::parse_source_lenient(rel, &display, &text);
    f.line_map = line_map;
    includes.sort();
    includes.dedup();
    f.includes = includes;
    findings.extend(bad_front);
    if f.front.title.is_none() {
        f.front.title = title;
    }
    f.findings = findings.clone();
    let f = Arc::new(f);
    if let Some((c, s)) = cache.zip(stamp) {
        c.put_source(rel, s, &f);
    }
    (Some(f), findings)
}

/// Where a project's snippets resolve: its root, its docs folder, the
/// configured `base_path`s, and no further than `bound`.
fn snippets_cx<'a>(
    project: &'a Project,
    bound: &'a Path,
) -> crate::mkdocs::snippets::SnippetCx<'a> {
    let imported = project.config.imported.as_ref();
    crate::mkdocs::snippets::SnippetCx {
        root: &project.root,
        docs: &project.content_dir,
        bound,
        bases: imported
            .map(|x| {
                x.snippet_bases
                    .iter()
                    .map(|b| project.root.join(b))
                    .collect()
            })
            .unwrap_or_default(),
        auto_append: imported
            .map(|x| x.snippet_auto_append.clone())
            .unwrap_or_default(),
    }
}

/// Jekyll/Liquid `{% raw %}` and `{% endraw %}` markers protect `{{ }}` from
/// Liquid; they mean nothing here and would print as text.
fn strip_liquid_raw(text: &str) -> String {
    static RAW: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\{%-?\s*(?:end)?raw\s*-?%\}").expect("valid pattern")
    });
    RAW.replace_all(text, "").into_owned()
}

/// A file that is not UTF-8: name the first bad byte's line and column.
fn not_utf8(bytes: &[u8], display: &Path) -> Diagnostic {
    let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| bytes.len());
    let before = &bytes[..valid];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = valid
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    Diagnostic::error(
        "encoding",
        format!(
            "byte 0x{:02x} is not UTF-8: the file is read with it replaced; save the file as UTF-8",
            bytes[valid]
        ),
    )
    .in_file(display)
    .at(line, column)
}

/// Where a folder has several index candidates, the first of
/// [`INDEX_NAMES`] wins (`_index.md`, then `index.md`, then `README.md`);
/// each one left out is a warning at its file, naming the winner.
fn keep_one_index_per_folder(files: &mut Vec<Arc<SourceFile>>) -> Vec<Diagnostic> {
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
    let mut found = Vec::new();
    files.retain(|f| {
        let file = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        let winner = index_of_dir.get(parent_dir(&f.rel));
        let keep = !is_index_name(file) || winner == Some(&f.rel);
        if !keep {
            let winner = winner.map_or("", String::as_str);
            found.push(
                Diagnostic::warning(
                    "index-shadowed",
                    format!(
                        "this page is not built: `{winner}` is its folder's index page (the first of _index.md, index.md and README.md wins); merge the two, or rename this file"
                    ),
                )
                .in_file(&f.display)
                .at(1, 1),
            );
        }
        keep
    });
    found
}
