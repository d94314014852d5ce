//! `serve`'s quick path: an edit to a page's body that nothing else on the
//! site can see. The edited files are read and rendered exactly as a full
//! load reads and renders them, and replace their pages in the loaded site
//! only when every fact other pages read from a page is unchanged: front
//! matter, title, headings and anchors, links, rule definitions, task and
//! diagram counts, included files, git status. Anything else is
//! [`NotLocal`], and `serve` rebuilds the whole site as before.
//!
//! What a page contributes to the rest of the site is the same set of facts
//! the full load derives the site from: navigation and indexes (front matter
//! and titles), the site signature (front matter, titles, tasks), link
//! validation (headings, `id` attributes in the HTML, links), rules
//! (headings), patches (links and headings). Lines and columns are left out:
//! they move with every added line and only place findings. The page's own
//! findings (reading, rendering, Go syntax, its links) are made again as the
//! whole load makes them; one that is an error leaves the page to the whole
//! rebuild, which shows it over the site.

use std::collections::BTreeSet;

use super::{MarkdownCache, Site};
use crate::content::SourceFile;
use crate::diag::{Diagnostic, Severity};
use crate::highlight::Highlighter;
use crate::markdown::Rendered;
use crate::project::Project;

/// Why an edit needs the whole site rebuilt (for the `serve` log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotLocal(pub String);

/// What a quick reload did: the pages it replaced and their findings (the
/// same a whole load gives those pages; none is an error).
#[derive(Debug)]
pub struct Reloaded {
    /// Indexes of the replaced pages.
    pub pages: Vec<usize>,
    /// Their findings, levels applied.
    pub findings: Vec<Diagnostic>,
}

/// Replace the pages whose sources are `rels` (content-relative) with their
/// current text when the edit is local to them. On `Err` the site is left as
/// it was: also when a page now has an error, which only a whole rebuild
/// reports (with its overlay).
pub fn reload_pages(
    site: &mut Site,
    rels: &[String],
    hl: &Highlighter,
    cache: &MarkdownCache,
) -> Result<Reloaded, NotLocal> {
    let no = |why: String| Err(NotLocal(why));
    let Some(setting) = cache.setting() else {
        return no("no earlier load".into());
    };
    let project = Project {
        root: site.root.clone(),
        config: site.config.clone(),
        content_dir: site.content_dir.clone(),
        dialect: site.dialect,
        warnings: Vec::new(),
    };
    let bound = crate::include::bound_for(&site.root);
    let ctx = setting.context(&site.config.markdown);
    let mut session = hl.session();
    let mut parser = crate::gocheck::go_parser();
    let mut findings = Vec::new();
    let mut new = Vec::new();
    for rel in rels {
        let Some(i) = site.pages.iter().position(|p| p.src.rel == *rel) else {
            return no(format!("{rel} is not a page"));
        };
        let old = &site.pages[i];
        let (Some(src), found) = super::sources::read_one(&project, &bound, rel, Some(cache))
        else {
            return no(format!("{rel} cannot be read"));
        };
        if let Some(why) = source_differs(&old.src, &src) {
            return no(format!("{rel}: {why}"));
        }
        // With git dates, the page shows "uncommitted" and its file's day
        // while it differs from HEAD: the first edit of a clean file, or one
        // that undoes every change, changes that.
        if let Some(h) = site.history.as_deref() {
            let day = |t: Option<i64>| t.map(|t| t.div_euclid(86_400));
            let now = crate::history::uncommitted_now(h, rel);
            if now.map(day) != Some(day(h.uncommitted.get(rel).copied())) {
                return no(format!("{rel}: its git status changed"));
            }
        }
        let key = setting.file_key(&src);
        let rendered = match cache.get(&key) {
            Some(r) => r,
            None => super::assemble::render_fresh(&ctx, &mut session, &src, &key, None),
        };
        if let Some(why) = outline_differs(&old.rendered, &rendered) {
            return no(format!("{rel}: {why}"));
        }
        findings.extend(found);
        findings.extend(rendered.warnings.iter().cloned());
        findings.extend(crate::gocheck::page_syntax(
            &mut parser,
            &src.display,
            &rendered.text,
            true,
        ));
        new.push((i, src, key, rendered));
    }
    // Swapped in, so that the links are checked as the new pages have them.
    let mut old = Vec::new();
    for (i, src, _, rendered) in &new {
        let page = &mut site.pages[*i];
        let was_src = std::mem::replace(&mut page.src, src.clone());
        old.push((
            *i,
            was_src,
            std::mem::replace(&mut page.rendered, rendered.clone()),
        ));
    }
    let lookup = super::links::Lookup {
        page: &|rel: &str| site.pages.iter().position(|p| p.src.rel == rel),
        asset: &|f: &str| site.assets.iter().any(|a| a == f),
    };
    for (i, ..) in &new {
        super::links::page_links(site, *i, &lookup, &mut findings, &mut Vec::new());
    }
    let levels = &site.config.check.levels;
    let findings = crate::diag::apply_levels(findings, levels, site.dialect.is_foreign());
    if let Some(e) = findings.iter().find(|d| d.severity == Severity::Error) {
        for (i, src, rendered) in old {
            site.pages[i].src = src;
            site.pages[i].rendered = rendered;
        }
        return no(format!("{}: {}", e.code, e.message));
    }
    for (_, _, key, rendered) in &new {
        cache.insert(*key, rendered.clone());
    }
    Ok(Reloaded {
        pages: new.iter().map(|(i, ..)| *i).collect(),
        findings,
    })
}

/// What differs between two reads of one source that other pages see. (Where
/// the body starts and how preprocessing mapped its lines only place
/// findings, which are made again for the page.)
fn source_differs(old: &SourceFile, new: &SourceFile) -> Option<&'static str> {
    if old.front_text != new.front_text || old.front.title != new.front.title {
        Some("front matter changed")
    } else if new.front.draft {
        Some("now a draft")
    } else if old.includes != new.includes {
        Some("included files changed")
    } else {
        None
    }
}

/// What differs between two renderings of one page that other pages see.
fn outline_differs(old: &Rendered, new: &Rendered) -> Option<&'static str> {
    let headings = |r: &Rendered| {
        r.headings
            .iter()
            .map(|h| (h.level, h.id.clone(), h.text.clone(), h.rule))
            .collect::<Vec<_>>()
    };
    let links = |r: &Rendered| r.links.iter().map(|l| l.target.clone()).collect::<Vec<_>>();
    if old.h1 != new.h1 {
        Some("title changed")
    } else if headings(old) != headings(new) {
        Some("headings changed")
    } else if links(old) != links(new) {
        Some("links changed")
    } else if old.tasks != new.tasks || old.diagrams != new.diagrams {
        Some("task or diagram count changed")
    } else if html_ids(old) != html_ids(new) {
        Some("anchors changed")
    } else {
        None
    }
}

/// Every `id="…"` in a rendering's HTML: links from other pages may point at
/// them (raw HTML anchors as well as headings).
fn html_ids(r: &Rendered) -> BTreeSet<String> {
    let html = r.html.as_str();
    let mut ids = BTreeSet::new();
    let mut rest: &str = &html;
    while let Some(at) = rest.find("id=\"") {
        rest = &rest[at + 4..];
        let end = rest.find('"').unwrap_or(rest.len());
        ids.insert(rest[..end].to_string());
        rest = &rest[end..];
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Heading, Link, LinkTarget};

    fn rendered(html: &str, headings: &[(&str, usize)], links: &[(&str, usize)]) -> Rendered {
        Rendered {
            html: crate::markdown::Html::Plain(html.to_string()),
            headings: headings
                .iter()
                .map(|&(id, line)| Heading {
                    level: 2,
                    id: id.into(),
                    text: id.into(),
                    line,
                    rule: None,
                })
                .collect(),
            links: links
                .iter()
                .map(|&(a, line)| Link {
                    target: LinkTarget::Anchor(a.into()),
                    line,
                    column: 1,
                })
                .collect(),
            ..Rendered::default()
        }
    }

    #[test]
    fn moved_lines_are_local_new_facts_are_not() {
        let old = rendered("<p>a</p>", &[("setup", 3)], &[("setup", 5)]);
        // The same outline, every line moved down by an added paragraph.
        let moved = rendered("<p>a</p><p>b</p>", &[("setup", 9)], &[("setup", 11)]);
        assert_eq!(outline_differs(&old, &moved), None);
        let renamed = rendered("<p>a</p>", &[("install", 3)], &[("setup", 5)]);
        assert_eq!(outline_differs(&old, &renamed), Some("headings changed"));
        let relinked = rendered("<p>a</p>", &[("setup", 3)], &[("other", 5)]);
        assert_eq!(outline_differs(&old, &relinked), Some("links changed"));
        let anchor = rendered("<p id=\"x\">a</p>", &[("setup", 3)], &[("setup", 5)]);
        assert_eq!(outline_differs(&old, &anchor), Some("anchors changed"));
        let mut tasks = rendered("<p>a</p>", &[("setup", 3)], &[("setup", 5)]);
        tasks.tasks = 1;
        assert_eq!(
            outline_differs(&old, &tasks),
            Some("task or diagram count changed")
        );
        let mut titled = rendered("<p>a</p>", &[("setup", 3)], &[("setup", 5)]);
        titled.h1 = Some("New".into());
        assert_eq!(outline_differs(&old, &titled), Some("title changed"));
    }

    #[test]
    fn html_ids_are_every_id_attribute() {
        let r = rendered(
            "<h2 id=\"a\">A</h2><span id=\"b-1\"></span><p>id= not one</p><div id=\"",
            &[],
            &[],
        );
        let ids: Vec<String> = html_ids(&r).into_iter().collect();
        assert_eq!(ids, ["", "a", "b-1"]);
    }
}
