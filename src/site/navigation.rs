//! Reading order: the folder tree depth-first, or SUMMARY.md when there is one.

use std::collections::HashMap;

use super::Site;
use crate::diag::{Diagnostic, display_path};

/// Entries without a title (MkDocs' `- page.md`) take their page's title.
fn name_untitled(items: &mut [crate::summary::Item], by_src: &HashMap<String, usize>, site: &Site) {
    for it in items {
        if let crate::summary::Item::Chapter {
            title,
            path,
            children,
            ..
        } = it
        {
            if title.is_empty() {
                let rel = path
                    .as_deref()
                    .unwrap_or("")
                    .split('#')
                    .next()
                    .unwrap_or("");
                *title = by_src
                    .get(rel.trim_start_matches("./"))
                    .map(|&i| site.pages[i].title.clone())
                    .unwrap_or_else(|| rel.to_string());
            }
            name_untitled(children, by_src, site);
        }
    }
}

/// Use SUMMARY.md (or MkDocs' nav) for navigation and reading order; its
/// links must exist.
pub(super) fn apply_summary(
    site: &mut Site,
    items: Vec<crate::summary::Item>,
    diags: &mut Vec<Diagnostic>,
) {
    let by_src: HashMap<String, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.src.rel.clone(), i))
        .collect();
    // MkDocs' navigation lives in mkdocs.yml, everyone else's in SUMMARY.md.
    let (file, name) = match crate::mkdocs::config_file(&site.root) {
        Some(f) if site.dialect == crate::project::Dialect::MkDocs => (f, "mkdocs.yml's nav"),
        _ => (site.content_dir.join("SUMMARY.md"), "SUMMARY.md"),
    };
    let source = std::fs::read_to_string(&file).unwrap_or_default();
    let file = display_path(&site.root, &file);
    let mut order = Vec::new();
    let mut items = items;
    name_untitled(&mut items, &by_src, site);
    for (path, line) in crate::summary::links(&items) {
        if crate::imported::is_url(path) {
            continue;
        }
        let rel = path
            .split('#')
            .next()
            .unwrap_or(path)
            .trim_start_matches("./");
        match by_src.get(rel) {
            Some(&i) => order.push(i),
            None => {
                // mkdocs.yml entries carry no line: find the path in the file.
                let line = if line > 0 {
                    line
                } else {
                    source
                        .lines()
                        .position(|l| l.contains(rel))
                        .map_or(0, |i| i + 1)
                };
                diags.push(
                    Diagnostic::error(
                        "summary",
                        format!("{name} links to {rel}, which does not exist in the source folder: create it or fix the link"),
                    )
                    .in_file(&file)
                    .at(line, usize::from(line > 0)),
                )
            }
        }
    }
    // Chapter titles come from SUMMARY.md unless the page sets its own.
    fn titles(items: &[crate::summary::Item], out: &mut Vec<(String, String)>) {
        for it in items {
            if let crate::summary::Item::Chapter {
                title,
                path: Some(p),
                children,
                ..
            } = it
            {
                out.push((p.clone(), title.clone()));
                titles(children, out);
            } else if let crate::summary::Item::Chapter { children, .. } = it {
                titles(children, out);
            }
        }
    }
    let mut named = Vec::new();
    titles(&items, &mut named);
    for (path, title) in named {
        if let Some(&i) = by_src.get(path.as_str()) {
            let p = &mut site.pages[i];
            if p.src.front.title.is_none() && p.rendered.h1.is_none() {
                p.title = crate::markdown::inline_text(&title);
            }
        }
    }
    order.dedup();
    site.order = order;
    site.summary = Some(items);
}

/// Depth-first order: a section's own page, its pages, then its subsections.
pub(super) fn reading_order(site: &Site) -> Vec<usize> {
    fn walk(site: &Site, s: usize, out: &mut Vec<usize>) {
        let sec = &site.sections[s];
        if let Some(i) = sec.index {
            out.push(i);
        }
        out.extend(&sec.pages);
        for &c in &sec.children {
            walk(site, c, out);
        }
    }
    let mut out = Vec::with_capacity(site.pages.len());
    walk(site, 0, &mut out);
    out
}
