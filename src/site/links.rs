//! The link graph: every recorded link must reach a page, anchor, rule or
//! file; aliases must not shadow pages.

use std::collections::{HashMap, HashSet};

use super::{Page, Site, resolve_rule};
use crate::config::BrokenLinks;
use crate::diag::{Diagnostic, Severity};
use crate::markdown::LinkTarget;
use crate::paths::root_prefix;

/// Files in dot-folders (`.gitbook/assets/x.png`) are not copied unless a
/// page links to them; adopt the ones that are linked (never `.git`'s) so
/// their links work and the file is copied.
pub(super) fn adopt_linked_hidden_files(site: &mut Site) {
    let known: HashSet<&str> = site.assets.iter().map(String::as_str).collect();
    let content = std::fs::canonicalize(&site.content_dir).unwrap_or_default();
    let mut adopt: Vec<String> = Vec::new();
    for p in &site.pages {
        for l in &p.rendered.links {
            let LinkTarget::File(f) = &l.target else {
                continue;
            };
            let hidden = f
                .split('/')
                .any(|seg| seg.starts_with('.') && seg != "." && seg != "..");
            if !hidden || known.contains(f.as_str()) || f.split('/').any(|seg| seg == ".git") {
                continue;
            }
            let inside = std::fs::canonicalize(site.content_dir.join(f))
                .is_ok_and(|c| c.starts_with(&content) && c.is_file());
            if inside {
                adopt.push(f.clone());
            }
        }
    }
    adopt.sort();
    adopt.dedup();
    site.assets.extend(adopt);
}

/// How link targets are looked up: a page by its source path, a file by
/// its content-relative path.
pub(super) struct Lookup<'a> {
    /// The page with this source, if any.
    pub page: &'a dyn Fn(&str) -> Option<usize>,
    /// Whether this file is copied.
    pub asset: &'a dyn Fn(&str) -> bool,
}

/// The findings of page `pi`'s links, and the hrefs its `rule:` links
/// resolve to.
pub(super) fn page_links(
    site: &Site,
    pi: usize,
    lookup: &Lookup<'_>,
    diags: &mut Vec<Diagnostic>,
    rule_hrefs: &mut Vec<(usize, String, String)>,
) {
    let Lookup {
        page: find,
        asset: is_asset,
    } = lookup;
    let severity = match site.config.build.broken_links {
        BrokenLinks::Error => Severity::Error,
        BrokenLinks::Warn => Severity::Warning,
    };
    let has_anchor = |p: &Page, a: &str| {
        p.rendered.headings.iter().any(|h| h.id == a)
            || p.rendered.html.as_str().contains(&format!("id=\"{a}\""))
    };
    let p = &site.pages[pi];
    for l in &p.rendered.links {
        let problem = match &l.target {
            LinkTarget::Page { src, anchor } => match find(src.as_str()) {
                None => Some((
                    "broken-link",
                    format!("link to {src}, which is not built (a draft?)"),
                )),
                Some(t) => match anchor {
                    Some(a) if !a.is_empty() && !has_anchor(&site.pages[t], a) => Some((
                        "broken-anchor",
                        format!("link to {src}#{a}, but that page has no heading with id `{a}`"),
                    )),
                    _ => None,
                },
            },
            LinkTarget::Anchor(a) => (!a.is_empty() && !has_anchor(p, a)).then(|| {
                (
                    "broken-anchor",
                    format!("link to #{a}, but this page has no heading with id `{a}`"),
                )
            }),
            LinkTarget::Rule(id) => match resolve_rule(site, id) {
                Some(rule) => {
                    let target = &site.pages[rule.page];
                    let href = format!("{}{}#{}", root_prefix(&p.url), target.url, rule.id);
                    rule_hrefs.push((pi, id.clone(), href));
                    None
                }
                None => Some((
                    "unknown-rule",
                    format!("unknown rule id {id}: check the id on the rules index page"),
                )),
            },
            LinkTarget::File(f) => (!is_asset(f.as_str())).then(|| {
                (
                    "broken-link",
                    format!("link to {f}, which does not exist in the content folder"),
                )
            }),
            LinkTarget::Generated(_) => None,
            LinkTarget::Missing(dest) => Some((
                "broken-link",
                format!(
                    "link to `{dest}`, which matches no page; link to an existing .md file, relative to this one"
                ),
            )),
        };
        if let Some((code, message)) = problem {
            let severity = if code == "unknown-rule" {
                Severity::Error
            } else {
                severity
            };
            diags.push(Diagnostic {
                severity,
                code,
                file: Some(p.src.display.clone()),
                line: l.line,
                column: l.column,
                message,
            });
        }
    }
}

/// Check every link and resolve `rule:` links to hrefs (as page patches).
pub(super) fn check_links(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let by_src: HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.src.rel.as_str(), i))
        .collect();
    let assets: HashSet<&str> = site.assets.iter().map(String::as_str).collect();
    let lookup = Lookup {
        page: &|src: &str| by_src.get(src).copied(),
        asset: &|f: &str| assets.contains(f),
    };
    let mut rule_hrefs: Vec<(usize, String, String)> = Vec::new();
    for pi in 0..site.pages.len() {
        page_links(site, pi, &lookup, diags, &mut rule_hrefs);
    }
    for (pi, id, href) in rule_hrefs {
        let patch = (format!("href=\"rule:{id}\""), format!("href=\"{href}\""));
        if !site.pages[pi].patches.contains(&patch) {
            site.pages[pi].patches.push(patch);
        }
    }
}
