//! `serve`'s quick path: an edit to a page's body that nothing else on the
//! site can see. The edited files are read and rendered exactly as a full
//! load reads and renders them, and replace their pages in the loaded site
//! only when every fact other pages read from a page is unchanged: front
//! matter, title, headings and anchors, links, rule definitions, task and
//! diagram counts, included files, and no findings before or after. Anything
//! else is [`NotLocal`], and `serve` rebuilds the whole site as before.
//!
//! What a page contributes to the rest of the site is the same set of facts
//! the full load derives the site from: navigation and indexes (front matter
//! and titles), the site signature (front matter, titles, tasks), link
//! validation (headings, `id` attributes in the HTML, links), rules
//! (headings), patches (links and headings). Lines and columns are left out:
//! they move with every added line and only findings carry them, and a page
//! with findings never takes this path.

use std::collections::BTreeSet;

use super::{MarkdownCache, Site};
use crate::content::SourceFile;
use crate::highlight::Highlighter;
use crate::markdown::Rendered;
use crate::project::Project;

/// Why an edit needs the whole site rebuilt (for the `serve` log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotLocal(pub String);

/// Replace the pages whose sources are `rels` (content-relative) with their
/// current text when the edit is local to them; returns their indexes. On
/// `Err` the site is left as it was.
pub fn reload_pages(
    site: &mut Site,
    rels: &[String],
    hl: &Highlighter,
    cache: &MarkdownCache,
) -> Result<Vec<usize>, NotLocal> {
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
    let mut new = Vec::new();
    for rel in rels {
        let Some(i) = site.pages.iter().position(|p| p.src.rel == *rel) else {
            return no(format!("{rel} is not a page"));
        };
        let old = &site.pages[i];
        if site
            .diagnostics
            .0
            .iter()
            .any(|d| d.file.as_deref() == Some(old.src.display.as_path()))
        {
            return no(format!("{rel} had findings"));
        }
        let (Some(src), found) = super::sources::read_one(&project, &bound, rel, Some(cache))
        else {
            return no(format!("{rel} cannot be read"));
        };
        if !found.is_empty() {
            return no(format!("{rel} has findings"));
        }
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
        if !crate::gocheck::page_syntax(&mut parser, &src.display, &rendered.text).is_empty() {
            return no(format!("{rel} has Go that does not parse"));
        }
        new.push((i, src, key, rendered));
    }
    let mut replaced = Vec::new();
    for (i, src, key, rendered) in new {
        cache.insert(key, rendered.clone());
        let page = &mut site.pages[i];
        page.src = src;
        page.rendered = rendered;
        replaced.push(i);
    }
    Ok(replaced)
}

/// What differs between two reads of one source that other pages see. (Where
/// the body starts and how preprocessing mapped its lines only place
/// findings, and a page with findings does not come here.)
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

/// What differs between two renderings of one page that other pages see
/// (or that makes findings, which only a full load reports).
pub(crate) fn outline_differs(old: &Rendered, new: &Rendered) -> Option<&'static str> {
    let headings = |r: &Rendered| {
        r.headings
            .iter()
            .map(|h| (h.level, h.id.clone(), h.text.clone(), h.rule))
            .collect::<Vec<_>>()
    };
    let links = |r: &Rendered| r.links.iter().map(|l| l.target.clone()).collect::<Vec<_>>();
    if !new.warnings.is_empty() || !old.warnings.is_empty() {
        Some("findings")
    } else if old.h1 != new.h1 {
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
