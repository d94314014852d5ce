//! Links: every destination, in prose, headings, images or the author's raw
//! HTML, goes through one resolver that knows the site's pages, folders and
//! files, and records it for validation.

use std::fmt::Write as _;

use pulldown_cmark::{CowStr, LinkType, Tag};

use super::{Context, Link, LinkTarget, Rendered};
use crate::paths::{encode_href, percent_decode, resolve_relative, root_prefix, url_for_source};

/// Does `url` have a scheme (`https:`, `mailto:`) or start with `//`?
pub(super) fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !url[..i].contains('/')
        }
        None => false,
    }
}

/// Resolve a relative link written in `from` (content-relative) to a target
/// and the href to emit. Extension-less and folder links resolve when unambiguous.
pub(super) fn resolve_link(
    ctx: &Context<'_>,
    from: &str,
    dest: &str,
) -> (LinkTarget, Option<String>) {
    if let Some(id) = dest.strip_prefix("rule:") {
        return (LinkTarget::Rule(id.to_string()), None);
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return (LinkTarget::Anchor(anchor.to_string()), None);
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let decoded = percent_decode(path);
    let direct = resolve_relative(from, &decoded);
    let escaped = direct.is_none();
    let Some(resolved) =
        direct.or_else(|| resolve_through_parent(ctx.content_path, from, &decoded))
    else {
        return (LinkTarget::Missing(dest.to_string()), None);
    };
    let root = root_prefix(&url_for_source(from));
    // A link that climbed out of the content folder and back in must be
    // rewritten from the site root: the output has no such parent.
    let file = |f: String| {
        let href = escaped.then(|| format!("{root}{}", encode_href(&f)));
        (LinkTarget::File(f), href)
    };
    let page = |src: String| {
        let mut href = format!("{root}{}", encode_href(&url_for_source(&src)));
        if let Some(q) = query {
            let _ = write!(href, "?{q}");
        }
        if let Some(a) = &anchor {
            let _ = write!(href, "#{a}");
        }
        (
            LinkTarget::Page {
                src,
                anchor: anchor.clone(),
            },
            Some(href),
        )
    };
    let candidates: Vec<String> = if resolved.ends_with(".md") {
        vec![resolved.clone()]
    } else if let Some(stem) = resolved.strip_suffix(".html") {
        let index = stem.strip_suffix("index").map(|d| d.trim_end_matches('/'));
        let mut v = vec![format!("{stem}.md")];
        if let Some(d) = index {
            v.extend(index_candidates(d));
        }
        v
    } else if ctx.assets.contains(&resolved) {
        return file(resolved);
    } else if decoded.ends_with('/') || resolved.is_empty() {
        index_candidates(&resolved)
    } else {
        let mut v = vec![format!("{resolved}.md")];
        v.extend(index_candidates(&resolved));
        v
    };
    match candidates.into_iter().find(|c| ctx.sources.contains(c)) {
        Some(src) => page(src),
        // A folder without its own index page: handbook generates one.
        None if ctx.dirs.contains(resolved.trim_end_matches('/')) && !resolved.ends_with(".md") => {
            let dir = resolved.trim_end_matches('/');
            let url = if dir.is_empty() {
                "index.html".to_string()
            } else {
                format!("{dir}/index.html")
            };
            let mut href = format!("{root}{}", encode_href(&url));
            if let Some(a) = &anchor {
                let _ = write!(href, "#{a}");
            }
            (LinkTarget::Generated(url), Some(href))
        }
        None if crate::paths::generated::is_linkable(&resolved) => {
            let mut href = format!("{root}{resolved}");
            if let Some(a) = &anchor {
                let _ = write!(href, "#{a}");
            }
            (LinkTarget::Generated(resolved), Some(href))
        }
        None if resolved.ends_with(".md")
            || decoded.ends_with('/')
            || resolved.ends_with(".html") =>
        {
            (LinkTarget::Missing(dest.to_string()), None)
        }
        // Not a page and not a known file: report it as a missing file.
        None => file(resolved),
    }
}

/// Resolve a link that climbs above the content folder and comes back into
/// it: `../../docs/kube/x.md` written in `kube/y.md` when the content folder
/// is `…/docs`. None when it really leaves the folder.
pub(super) fn resolve_through_parent(
    content: &[String],
    from: &str,
    target: &str,
) -> Option<String> {
    if content.is_empty() || target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = content.iter().map(String::as_str).collect();
    parts.extend(
        from.rsplit_once('/')
            .map_or(Vec::new(), |(d, _)| d.split('/').collect()),
    );
    crate::paths::walk_segments(&mut parts, target)?;
    let inside =
        parts.len() >= content.len() && parts.iter().zip(content).all(|(a, b)| *a == b.as_str());
    inside.then(|| parts[content.len()..].join("/"))
}

pub(super) fn index_candidates(dir: &str) -> Vec<String> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    crate::paths::INDEX_NAMES
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .collect()
}

/// Links to `.md` files in the author's raw HTML (`<a href="guide.md">`, a
/// table of contents written as HTML) resolve like Markdown links: rewritten
/// to the page's URL and checked.
pub(super) fn html_links<'a>(
    ctx: &Context<'_>,
    rel: &str,
    html: CowStr<'a>,
    (line, column): (usize, usize),
    out: &mut Rendered,
) -> CowStr<'a> {
    if !html.contains("href=") || !html.contains(".md") {
        return html;
    }
    let mut result = String::with_capacity(html.len());
    let mut rest: &str = &html;
    while let Some(i) = rest.find("href=") {
        let after = &rest[i + 5..];
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            result.push_str(&rest[..i + 5]);
            rest = after;
            continue;
        };
        let Some(end) = after[1..].find(q) else { break };
        let value = &after[1..1 + end];
        let path = value.split(['#', '?']).next().unwrap_or("");
        let rewritten = (path.ends_with(".md") && !is_external(value) && !value.starts_with('/'))
            .then(|| resolve_link(ctx, rel, value))
            .and_then(|(target, href)| {
                out.links.push(Link {
                    target,
                    line,
                    column,
                });
                href
            });
        result.push_str(&rest[..i + 6]);
        match rewritten {
            Some(h) => result.push_str(&crate::html::escape(&h)),
            None => result.push_str(value),
        }
        result.push(q);
        rest = &after[2 + end..];
    }
    result.push_str(rest);
    CowStr::from(result)
}

/// Resolve a link's or image's destination (recording it for validation)
/// and return the tag with the href the site needs.
pub(super) fn rewrite_link<'a>(
    ctx: &Context<'_>,
    rel: &str,
    tag: Tag<'a>,
    (line, column): (usize, usize),
    out: &mut Rendered,
    in_rule_autolink: &mut Option<String>,
) -> Tag<'a> {
    match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } => {
            let dest = dest_url.to_string();
            if dest.starts_with("http://") || dest.starts_with("https://") {
                out.external.push((dest.clone(), line, column));
            }
            // `[text]()` is an empty link, not a broken one.
            if dest.is_empty()
                || is_external(&dest) && !dest.starts_with("rule:")
                || dest.starts_with('/')
            {
                return Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                };
            }
            let (target, href) = resolve_link(ctx, rel, &dest);
            if matches!(target, LinkTarget::Rule(_)) && link_type == LinkType::Autolink {
                *in_rule_autolink = Some(dest.clone());
            }
            out.links.push(Link {
                target,
                line,
                column,
            });
            Tag::Link {
                link_type,
                dest_url: href.map(CowStr::from).unwrap_or(dest_url),
                title,
                id,
            }
        }
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } => {
            let dest = dest_url.to_string();
            if !dest.is_empty()
                && !is_external(&dest)
                && !dest.starts_with('/')
                && !dest.starts_with("data:")
            {
                let path = dest.split(['#', '?']).next().unwrap_or("");
                let decoded = percent_decode(path);
                let mut dest_url = dest_url;
                let target = match resolve_relative(rel, &decoded) {
                    Some(p) => LinkTarget::File(p),
                    None => match resolve_through_parent(ctx.content_path, rel, &decoded) {
                        Some(p) => {
                            let root = root_prefix(&url_for_source(rel));
                            dest_url = CowStr::from(format!("{root}{}", encode_href(&p)));
                            LinkTarget::File(p)
                        }
                        None => LinkTarget::Missing(dest.clone()),
                    },
                };
                out.links.push(Link {
                    target,
                    line,
                    column,
                });
                return Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                };
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }
        }
        other => other,
    }
}
