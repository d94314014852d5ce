//! The navigation: the whole tree, rendered once per site into
//! `static/nav.js`, and the top level that each page carries for readers
//! without JavaScript.

use std::fmt::Write as _;

use crate::markdown::inline_html;
use crate::paths::{root_prefix, url_for_source};
use crate::site::Site;
use crate::summary::Item;

/// The whole navigation tree with links relative to the site root.
///
/// It is rendered once per site into `static/nav.js`, which every page
/// loads (cached) and which places the tree in the page, relative to it,
/// with the current page marked and its sections open. Putting the tree
/// in each page instead would make the output grow with the square of
/// the page count for large sections or SUMMARY.md files.
pub fn tree(site: &Site) -> String {
    match &site.summary {
        Some(items) => summary(items, "", "", usize::MAX),
        None => sections(site, "", "", &vec![true; site.sections.len()]),
    }
}

/// What a page shows before (or without) JavaScript: the top level of
/// the tree, relative to the page.
pub fn top_level(site: &Site, url: &str) -> String {
    let root = root_prefix(url);
    match &site.summary {
        Some(items) => summary(items, &root, url, 1),
        None => {
            let mut open = vec![false; site.sections.len()];
            open[0] = true;
            sections(site, &root, url, &open)
        }
    }
}

/// Sections (and the pages of `open` ones) as nested lists.
fn sections(site: &Site, root: &str, url: &str, open: &[bool]) -> String {
    let mut out = String::with_capacity(4096);
    fn item(out: &mut String, root: &str, href: &str, title: &str, here: bool, class: &str) {
        let _ = write!(
            out,
            "<li class=\"{class}\"><a href=\"{root}{}\"{}>{}</a>",
            crate::html::escape(&crate::paths::encode_href(href)),
            if here { " aria-current=\"page\"" } else { "" },
            crate::html::escape(title)
        );
    }
    fn walk(site: &Site, s: usize, out: &mut String, root: &str, url: &str, open: &[bool]) {
        let sec = &site.sections[s];
        out.push_str("<ul>");
        if open[s] {
            for &p in &sec.pages {
                let page = &site.pages[p];
                item(out, root, &page.url, &page.title, page.url == url, "page");
                out.push_str("</li>");
            }
        }
        for &c in &sec.children {
            let child = &site.sections[c];
            item(
                out,
                root,
                &child.url,
                &child.title,
                child.url == url,
                "section",
            );
            if open[c] && (!child.pages.is_empty() || !child.children.is_empty()) {
                walk(site, c, out, root, url, open);
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    walk(site, 0, &mut out, root, url, open);
    out
}

/// mdBook navigation: the whole SUMMARY.md tree, numbered, with parts,
/// separators and drafts, as mdBook shows it.
fn summary(items: &[Item], root: &str, url: &str, depth: usize) -> String {
    fn walk(items: &[Item], root: &str, url: &str, depth: usize, out: &mut String) {
        out.push_str("<ul>");
        for it in items {
            match it {
                Item::Part(t) => {
                    let _ = write!(out, "<li class=\"part-title\">{}</li>", inline_html(t));
                }
                Item::Separator => out.push_str("<li class=\"separator\" role=\"separator\"></li>"),
                Item::Chapter {
                    title,
                    path,
                    number,
                    children,
                    ..
                } => {
                    let num = number
                        .as_ref()
                        .map(|n| format!("<strong class=\"num\">{n}</strong> "))
                        .unwrap_or_default();
                    match path {
                        Some(p) if crate::imported::is_url(p) => {
                            let _ = write!(
                                out,
                                "<li class=\"page external\"><a href=\"{}\">{num}{}</a>",
                                crate::html::escape(p),
                                inline_html(title)
                            );
                        }
                        Some(p) => {
                            let target = url_for_source(p.split('#').next().unwrap_or(p));
                            let here = if target == url {
                                " aria-current=\"page\""
                            } else {
                                ""
                            };
                            let _ = write!(
                                out,
                                "<li class=\"page\"><a href=\"{root}{}\"{here}>{num}{}</a>",
                                crate::html::escape(&crate::paths::encode_href(&target)),
                                inline_html(title)
                            );
                        }
                        // A group of chapters (MkDocs sections, GitBook
                        // headings without a page), or an mdBook draft.
                        None => {
                            let class = if children.is_empty() {
                                "draft"
                            } else {
                                "group"
                            };
                            let _ = write!(
                                out,
                                "<li class=\"{class}\"><span>{num}{}</span>",
                                inline_html(title)
                            );
                        }
                    }
                    if !children.is_empty() && depth > 1 {
                        walk(children, root, url, depth - 1, out);
                    }
                    out.push_str("</li>");
                }
            }
        }
        out.push_str("</ul>");
    }
    let mut out = String::with_capacity(4096);
    walk(items, root, url, depth, &mut out);
    out
}
