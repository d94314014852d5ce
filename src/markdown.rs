//! Markdown to HTML: headings with stable ids, links, callouts, code.
//!
//! One pass over pulldown-cmark's events produces the page's HTML plus
//! everything later stages need: the heading outline (table of contents and
//! rule anchors), the links to validate, the code blocks to check and the
//! text to index for search.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};
use regex::Regex;

use crate::config::MarkdownConfig;
use crate::diag::{Diagnostic, LineIndex};
use crate::highlight::{self, FenceInfo, PairSide};
use crate::paths::{encode_href, percent_decode, resolve_relative, root_prefix, url_for_source};
use crate::slug::{SlugStyle, slug};

/// A rule's level, from the heading class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// `.must`
    Must,
    /// `.should` (the default)
    Should,
    /// `.may`
    May,
}

impl RuleLevel {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleLevel::Must => "must",
            RuleLevel::Should => "should",
            RuleLevel::May => "may",
        }
    }
}

/// A heading on a page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    /// 1-6.
    pub level: u8,
    /// Anchor id (explicit or slug).
    pub id: String,
    /// Plain text.
    pub text: String,
    /// 1-based line in the source file.
    pub line: usize,
    /// Set when the id is a rule id.
    pub rule: Option<RuleLevel>,
}

/// What a link points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Another page (content-relative `.md` path), maybe with an anchor.
    Page {
        /// Content-relative path of the target's source.
        src: String,
        /// The `#fragment`, if any.
        anchor: Option<String>,
    },
    /// An anchor on the same page.
    Anchor(String),
    /// A rule id (`rule:GO-ERR-003`).
    Rule(String),
    /// A local non-Markdown file (content-relative).
    File(String),
    /// A page handbook generates (`rules.html`, `search.html`, tag pages).
    Generated(String),
    /// A path we could not resolve (leaves the content folder, missing page).
    Missing(String),
}

/// A link found in the source, with its location.
#[derive(Debug, Clone)]
pub struct Link {
    /// Where it points.
    pub target: LinkTarget,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A fenced or indented code block.
#[derive(Debug, Clone)]
pub struct CodeBlock {
    /// Parsed fence options.
    pub info: FenceInfo,
    /// The code.
    pub code: String,
    /// 1-based file line of the first code line.
    pub first_line: usize,
    /// Columns of indentation pulldown-cmark removed (fences inside lists).
    pub indent: usize,
    /// Go: the highlighter's parse already proved it valid, so `check` need not parse it again.
    pub proven_valid: bool,
    /// Index into `Rendered::sections` of the part of the page it is in.
    pub section: usize,
}

/// Text of one heading-delimited part of a page, for the search index.
#[derive(Debug, Clone, Default)]
pub struct TextSection {
    /// Index into `headings` of the heading that opens it (None: before the first).
    pub heading: Option<usize>,
    /// Prose (code is in `Rendered::code_blocks`, tagged with its section).
    pub text: String,
}

/// The result of rendering one Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Body HTML (with `href="rule:ID"` placeholders for rule links).
    pub html: String,
    /// Text of a leading `#` heading, which the template shows as the title.
    pub h1: Option<String>,
    /// Headings in order (the leading `#` excluded).
    pub headings: Vec<Heading>,
    /// Links to validate.
    pub links: Vec<Link>,
    /// Code blocks to check.
    pub code_blocks: Vec<CodeBlock>,
    /// Search text.
    pub sections: Vec<TextSection>,
    /// Warnings (unknown code languages, fence options).
    pub warnings: Vec<Diagnostic>,
    /// Number of task-list checkboxes.
    pub tasks: usize,
    /// `http(s)` links, for `check --external`: (url, line, column).
    pub external: Vec<(String, usize, usize)>,
}

/// Everything about the site a page's rendering depends on.
pub struct Context<'a> {
    /// `[markdown]` switches.
    pub options: &'a MarkdownConfig,
    /// Compiled rule-id pattern (anchored).
    pub rule_pattern: &'a Regex,
    /// Content-relative paths of every Markdown file in the site.
    pub sources: &'a HashSet<String>,
    /// Content-relative paths of every other file.
    pub assets: &'a HashSet<String>,
    /// Content-relative folders that hold Markdown (each gets an index page).
    pub dirs: &'a HashSet<String>,
    /// How heading ids are made (the source's dialect).
    pub slug: SlugStyle,
    /// Fence languages shown as source without a finding (MkDocs custom fences).
    pub quiet_langs: &'a [String],
    /// The content folder's absolute path, split into components: a link that
    /// climbs out of it and comes back (`../../docs/x.md` from `docs/a/`) resolves.
    pub content_path: &'a [String],
}

fn options(cfg: &MarkdownConfig) -> Options {
    let mut o = Options::ENABLE_HEADING_ATTRIBUTES;
    if cfg.tables {
        o |= Options::ENABLE_TABLES;
    }
    if cfg.footnotes {
        o |= Options::ENABLE_FOOTNOTES;
    }
    if cfg.strikethrough {
        o |= Options::ENABLE_STRIKETHROUGH;
    }
    if cfg.tasklists {
        o |= Options::ENABLE_TASKLISTS;
    }
    if cfg.alerts {
        o |= Options::ENABLE_GFM;
    }
    if cfg.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    if cfg.definition_lists {
        o |= Options::ENABLE_DEFINITION_LIST;
    }
    o
}

/// Does `url` have a scheme (`https:`, `mailto:`) or start with `//`?
fn is_external(url: &str) -> bool {
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
fn resolve_link(ctx: &Context<'_>, from: &str, dest: &str) -> (LinkTarget, Option<String>) {
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
        None if is_generated(&resolved) => {
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
fn resolve_through_parent(content: &[String], from: &str, target: &str) -> Option<String> {
    if content.is_empty() || target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = content.iter().map(String::as_str).collect();
    parts.extend(
        from.rsplit_once('/')
            .map_or(Vec::new(), |(d, _)| d.split('/').collect()),
    );
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let inside =
        parts.len() >= content.len() && parts.iter().zip(content).all(|(a, b)| *a == b.as_str());
    inside.then(|| parts[content.len()..].join("/"))
}

/// Pages handbook generates itself, which content may link to.
fn is_generated(url: &str) -> bool {
    matches!(url, "rules.html" | "search.html" | "tags/index.html")
        || (url.starts_with("tags/") && url.ends_with(".html"))
}

fn index_candidates(dir: &str) -> Vec<String> {
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

struct PendingHeading {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    line: usize,
    events: Vec<Event<'static>>,
    text: String,
}

/// Render the Markdown `body` of the content-relative file `rel`.
/// `body_line` is the 0-based file line the body starts on; `display` names the file in messages.
pub fn render(
    ctx: &Context<'_>,
    hl: &mut highlight::Session<'_>,
    rel: &str,
    display: &std::path::Path,
    body: &str,
    body_line: usize,
    line_map: Option<&[(u32, u32)]>,
) -> Rendered {
    let index = LineIndex::new(body);
    // Preprocessed sources (MkDocs) map their lines back to the author's.
    let loc = |off: usize| {
        let (l, c) = index.locate(body, off);
        match line_map.and_then(|m| m.get(l + body_line - 1)) {
            Some(&(src, shift)) => (src as usize, c + shift as usize),
            None => (l + body_line, c),
        }
    };
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut heading: Option<PendingHeading> = None;
    let mut code: Option<(FenceInfo, String, usize, usize)> = None;
    // Index in `events` of the last code block emitted and its pair side,
    // so a following opposite block can join it in a Don't/Do pair.
    let mut last_pair: Option<(usize, PairSide, String)> = None;
    let mut seen_block = false;
    let mut in_rule_autolink: Option<String> = None;
    let mut section = TextSection::default();
    // Text of the HTML block being read, to tell comments from content.
    let mut html_block: Option<String> = None;
    let mut paragraph_start = 0;

    for (event, range) in Parser::new_ext(body, options(ctx.options)).into_offset_iter() {
        // Links and images resolve wherever they are, headings included.
        let event = match event {
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let at = loc(range.start);
                Event::Start(rewrite_link(
                    ctx,
                    rel,
                    tag,
                    at,
                    &mut out,
                    &mut in_rule_autolink,
                ))
            }
            other => other,
        };
        if let Some(h) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {}
                Event::Text(ref t) | Event::Code(ref t) => {
                    h.text.push_str(t);
                    h.events.push(event.into_static());
                    continue;
                }
                other => {
                    h.events.push(other.into_static());
                    continue;
                }
            }
        }
        if let Some((_, buf, _, _)) = code.as_mut() {
            match event {
                Event::Text(t) => {
                    buf.push_str(&t);
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {}
                _ => continue,
            }
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let (line, _) = loc(range.start);
                heading = Some(PendingHeading {
                    level,
                    id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    line,
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                let h = heading.take().expect("heading open");
                let text = h.text.trim().to_string();
                if h.level == HeadingLevel::H1 && !seen_block && out.h1.is_none() {
                    out.h1 = Some(text);
                    seen_block = true;
                    continue;
                }
                seen_block = true;
                in_rule_autolink = None;
                let base = h.id.clone().unwrap_or_else(|| slug(ctx.slug, &text));
                let id = match used_ids.get_mut(&base) {
                    Some(n) if h.id.is_none() => {
                        *n += 1;
                        format!("{base}-{n}")
                    }
                    _ => {
                        used_ids.entry(base.clone()).or_insert(0);
                        base
                    }
                };
                let rule = (h.id.is_some() && ctx.rule_pattern.is_match(&id)).then(|| {
                    if h.classes.iter().any(|c| c == "must") {
                        RuleLevel::Must
                    } else if h.classes.iter().any(|c| c == "may") {
                        RuleLevel::May
                    } else {
                        RuleLevel::Should
                    }
                });
                let mut inner = String::new();
                pulldown_cmark::html::push_html(&mut inner, h.events.into_iter());
                // One <h1> per page (the title): later `#` headings are h2.
                let lvl = (h.level as u8).max(2);
                let mut classes = h
                    .classes
                    .iter()
                    .filter(|c| rule.is_none() || !matches!(c.as_str(), "must" | "should" | "may"))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut badge = String::new();
                if let Some(r) = rule {
                    if !classes.is_empty() {
                        classes.push(' ');
                    }
                    let _ = write!(classes, "rule rule-{}", r.as_str());
                    let _ = write!(
                        badge,
                        " <span class=\"rule-badge\"><span class=\"rule-id\">{}</span> <span class=\"rule-level level-{1}\">{1}</span></span>",
                        crate::html::escape(&id),
                        r.as_str()
                    );
                }
                let class_attr = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", crate::html::escape(&classes))
                };
                let ida = crate::html::escape(&id);
                events.push(Event::Html(CowStr::from(format!(
                    "<h{lvl} id=\"{ida}\"{class_attr}><a class=\"anchor\" href=\"#{ida}\" aria-label=\"Link to this section\"></a>{inner}{badge}</h{lvl}>\n"
                ))));
                out.headings.push(Heading {
                    level: lvl,
                    id,
                    text,
                    line: h.line,
                    rule,
                });
                out.sections.push(std::mem::take(&mut section));
                section.heading = Some(out.headings.len() - 1);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                seen_block = true;
                let info = match &kind {
                    CodeBlockKind::Fenced(i) => FenceInfo::parse(i),
                    CodeBlockKind::Indented => FenceInfo::default(),
                };
                let (line, col) = loc(range.start);
                let first = if matches!(kind, CodeBlockKind::Fenced(_)) {
                    line + 1
                } else {
                    line
                };
                if !info.unknown.is_empty() {
                    out.warnings.push(
                        Diagnostic::warning(
                            "code-fence",
                            format!(
                                "unknown code fence option(s) {}: use bad, good, ignore, linenos or {{hl=[3, \"5-7\"]}}",
                                info.unknown.join(", ")
                            ),
                        )
                        .in_file(display)
                        .at(line, col),
                    );
                }
                code = Some((info, String::new(), first, col - 1));
            }
            Event::End(TagEnd::CodeBlock) => {
                let (info, mut text, first_line, indent) = code.take().expect("code open");
                if info.lang == "rust" && text.contains('#') {
                    text = hide_rust_lines(&text);
                }
                let (line, col) = loc(range.start);
                let rendered = hl.render(&text, &info);
                let proven_valid = rendered.go_valid;
                if rendered.unknown_language && !ctx.quiet_langs.contains(&info.lang) {
                    out.warnings.push(
                        Diagnostic::warning(
                            "code-language",
                            format!(
                                "unknown code language `{}`: it is shown as plain text; use a known name (go, bash, yaml, json, sql, ...) or `text`",
                                info.lang
                            ),
                        )
                        .in_file(display)
                        .at(line, col),
                    );
                }
                let html = match &info.title {
                    Some(t) => format!(
                        "<figure class=\"code-titled\"><figcaption class=\"code-title\">{}</figcaption>{}</figure>\n",
                        crate::html::escape(t),
                        rendered.html
                    ),
                    None => rendered.html,
                };
                match info.label {
                    Some(side) => {
                        let block = labelled(side, &html);
                        match last_pair.take() {
                            Some((at, prev, prev_html))
                                if at + 1 == events.len() && prev != side =>
                            {
                                let (bad, good) = if prev == PairSide::Bad {
                                    (prev_html, block)
                                } else {
                                    (block, prev_html)
                                };
                                events[at] = Event::Html(CowStr::from(format!(
                                    "<div class=\"pair\">{bad}{good}</div>\n"
                                )));
                            }
                            _ => {
                                events.push(Event::Html(CowStr::from(block.clone())));
                                last_pair = Some((events.len() - 1, side, block));
                            }
                        }
                    }
                    None => events.push(Event::Html(CowStr::from(html))),
                }
                out.code_blocks.push(CodeBlock {
                    info,
                    code: text,
                    first_line,
                    indent,
                    proven_valid,
                    section: out.sections.len(),
                });
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                seen_block = true;
                let (class, title) = match kind {
                    BlockQuoteKind::Note => ("note", "Note"),
                    BlockQuoteKind::Tip => ("tip", "Tip"),
                    BlockQuoteKind::Important => ("important", "Important"),
                    BlockQuoteKind::Warning => ("warning", "Warning"),
                    BlockQuoteKind::Caution => ("caution", "Caution"),
                };
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>\n"
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Text(t) => {
                if let Some(dest) = &in_rule_autolink
                    && t.as_ref() == dest.as_str()
                {
                    let id = dest.trim_start_matches("rule:").to_string();
                    section.text.push_str(&id);
                    section.text.push(' ');
                    events.push(Event::Text(CowStr::from(id)));
                    continue;
                }
                section.text.push_str(&t);
                section.text.push(' ');
                events.push(Event::Text(t));
            }
            Event::Code(t) => {
                section.text.push_str(&t);
                section.text.push(' ');
                events.push(Event::Code(t));
            }
            Event::End(TagEnd::Link) => {
                in_rule_autolink = None;
                events.push(Event::End(TagEnd::Link));
            }
            Event::TaskListMarker(done) => {
                out.tasks += 1;
                events.push(Event::Html(CowStr::from(format!(
                    "<input type=\"checkbox\" class=\"task\" data-task=\"{}\"{}> ",
                    out.tasks,
                    if done { " checked" } else { "" }
                ))));
            }
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(String::new());
                events.push(Event::Start(Tag::HtmlBlock));
            }
            Event::End(TagEnd::HtmlBlock) => {
                // A licence header or "original source" comment before the
                // title is not content: the `#` after it is still the title.
                if html_block.take().is_some_and(|t| !is_comment_only(&t)) {
                    seen_block = true;
                }
                events.push(Event::End(TagEnd::HtmlBlock));
            }
            Event::Html(t) => {
                if let Some(b) = html_block.as_mut() {
                    b.push_str(&t);
                }
                let t = html_links(ctx, rel, t, loc(range.start), &mut out);
                events.push(Event::Html(t));
            }
            Event::InlineHtml(t) => {
                let t = html_links(ctx, rel, t, loc(range.start), &mut out);
                events.push(Event::InlineHtml(t));
            }
            Event::Start(Tag::Paragraph) => {
                seen_block = true;
                paragraph_start = events.len();
                events.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                // GitLab's `[[_TOC_]]` and Python-Markdown's `[TOC]`.
                if matches!(
                    body[range.clone()].trim(),
                    "[[_TOC_]]" | "[TOC]" | "[[TOC]]"
                ) {
                    events.truncate(paragraph_start);
                    events.push(Event::Html(CowStr::Borrowed(TOC_MARK)));
                    continue;
                }
                events.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(t) => {
                if matches!(t, Tag::List(_) | Tag::Table(_) | Tag::BlockQuote(_)) {
                    seen_block = true;
                }
                events.push(Event::Start(t));
            }
            other => events.push(other),
        }
    }
    out.sections.push(section);
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if html.contains(TOC_MARK) {
        html = html.replace(TOC_MARK, &inline_toc(&out.headings));
    }
    out.html = html;
    out
}

/// Inline Markdown (a SUMMARY.md title such as ``The `time` package``) as
/// HTML for navigation: code, emphasis and strong are kept, links and raw
/// HTML become their escaped text.
pub fn inline_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for event in Parser::new(text) {
        match event {
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                crate::html::escape_into(&mut out, &t)
            }
            Event::Code(t) => {
                out.push_str("<code>");
                crate::html::escape_into(&mut out, &t);
                out.push_str("</code>");
            }
            Event::Start(Tag::Emphasis) => out.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => out.push_str("</em>"),
            Event::Start(Tag::Strong) => out.push_str("<strong>"),
            Event::End(TagEnd::Strong) => out.push_str("</strong>"),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// Inline Markdown as plain text (for `<title>` and search).
pub fn inline_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for event in Parser::new(text) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// Stands for an inline table of contents until the headings are known.
const TOC_MARK: &str = "<!--handbook:toc-->";

/// A nested list of the page's headings (h2-h4), for `[[_TOC_]]`.
fn inline_toc(headings: &[Heading]) -> String {
    let mut s = String::from("<nav class=\"inline-toc\" aria-label=\"Contents\"><ul>\n");
    for h in headings.iter().filter(|h| (2..=4).contains(&h.level)) {
        let _ = writeln!(
            s,
            "<li class=\"toc-{}\"><a href=\"#{}\">{}</a></li>",
            h.level,
            crate::html::escape(&h.id),
            crate::html::escape(&h.text)
        );
    }
    s.push_str("</ul></nav>\n");
    s
}

/// mdBook's hidden lines in Rust examples: `# line` (and a lone `#`) is
/// compiled but not shown; `##` shows as `#`.
fn hide_rust_lines(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        if t.starts_with("##") {
            out.push_str(indent);
            out.push_str(&t[1..]);
        } else if !(t.starts_with("# ") || t.trim_end() == "#") {
            out.push_str(line);
        }
    }
    out
}

/// Links to `.md` files in the author's raw HTML (`<a href="guide.md">`, a
/// table of contents written as HTML) resolve like Markdown links: rewritten
/// to the page's URL and checked.
fn html_links<'a>(
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

/// True when `html` is only comments and white space.
fn is_comment_only(html: &str) -> bool {
    let mut rest = html.trim();
    while let Some(after) = rest.strip_prefix("<!--") {
        match after.find("-->") {
            Some(end) => rest = after[end + 3..].trim_start(),
            None => return false,
        }
    }
    rest.is_empty()
}

/// Resolve a link's or image's destination (recording it for validation)
/// and return the tag with the href the site needs.
fn rewrite_link<'a>(
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

fn labelled(side: PairSide, pre: &str) -> String {
    let (class, label) = match side {
        PairSide::Bad => ("bad", "Don't"),
        PairSide::Good => ("good", "Do"),
    };
    format!(
        "<figure class=\"example example-{class}\"><figcaption>{label}</figcaption>{pre}</figure>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn run(rel: &str, md: &str, sources: &[&str]) -> Rendered {
        run_as(SlugStyle::Handbook, rel, md, sources)
    }

    fn run_as(slug: SlugStyle, rel: &str, md: &str, sources: &[&str]) -> Rendered {
        let cfg = MarkdownConfig::default();
        let re = Regex::new("^(?:[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3})$").unwrap();
        let sources: HashSet<String> = sources.iter().map(|s| s.to_string()).collect();
        let assets = HashSet::from(["img/x.png".to_string()]);
        let mut dirs = HashSet::from([String::new()]);
        for s in &sources {
            let mut d = crate::paths::parent_dir(s);
            while !d.is_empty() {
                dirs.insert(d.to_string());
                d = crate::paths::parent_dir(d);
            }
        }
        let content_path = vec!["srv".to_string(), "docs".to_string()];
        let ctx = Context {
            options: &cfg,
            rule_pattern: &re,
            sources: &sources,
            assets: &assets,
            dirs: &dirs,
            slug,
            content_path: &content_path,
            quiet_langs: &[],
        };
        let hl = highlight::Highlighter::new();
        let mut s = hl.session();
        render(&ctx, &mut s, rel, Path::new(rel), md, 0, None)
    }

    #[test]
    fn inline_titles() {
        assert_eq!(
            inline_html("The `time` <b>package</b>"),
            "The <code>time</code> &lt;b&gt;package&lt;/b&gt;"
        );
        assert_eq!(inline_text("The `time` *package*"), "The time package");
    }

    #[test]
    fn raw_html_links_to_markdown_resolve() {
        let r = run(
            "docs/a.md",
            "<table><tr><td><a href=\"b.md#x\">B</a> <a href='https://e.x/c.md'>C</a></td></tr></table>\n\nText <a href=\"gone.md\">gone</a>.\n",
            &["docs/a.md", "docs/b.md"],
        );
        assert!(
            r.html.contains("<a href=\"../docs/b.html#x\">B</a>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("href='https://e.x/c.md'"), "{}", r.html);
        assert_eq!(r.links.len(), 2);
        assert!(matches!(r.links[1].target, LinkTarget::Missing(_)));
    }

    #[test]
    fn rust_hidden_lines_are_hidden() {
        let r = run(
            "a.md",
            "```rust\n# fn main() {\nlet x = 1;\n#\n## not hidden\n# }\n```\n",
            &[],
        );
        assert!(!r.html.contains("fn main"), "{}", r.html);
        assert!(r.html.contains("not hidden"), "{}", r.html);
        assert!(!r.html.contains("## not"), "{}", r.html);
    }

    #[test]
    fn foreign_documents_render_as_their_authors_meant() {
        // GitHub ids, so links written against GitHub keep working.
        let r = run_as(
            SlugStyle::GitHub,
            "ops/a.md",
            "## Prometheus/Thanos\n\n## one...last...refactor?\n\n[x](#prometheusthanos)\n",
            &["ops/a.md"],
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["prometheusthanos", "onelastrefactor"]);
        // A licence comment before the title does not hide the title.
        let r = run_as(
            SlugStyle::GitHub,
            "a.md",
            "<!--\n  Licensed under MIT.\n-->\n\n# Real title\n\nText\n\n# Second top heading\n",
            &[],
        );
        assert_eq!(r.h1.as_deref(), Some("Real title"));
        assert!(!r.html.contains("<h1"), "one <h1> per page: {}", r.html);
        assert!(
            r.html.contains("<h2 id=\"second-top-heading\""),
            "{}",
            r.html
        );
        // Links inside headings are rewritten and recorded.
        let r = run_as(
            SlugStyle::GitHub,
            "ops/index.md",
            "## [On-call reference](oncall.md)\n",
            &["ops/index.md", "ops/oncall.md"],
        );
        assert!(r.html.contains("href=\"../ops/oncall.html\""), "{}", r.html);
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.headings[0].id, "on-call-reference");
        // Folder links reach generated index pages; `[x]()` is no link error.
        let r = run_as(
            SlugStyle::GitHub,
            "README.md",
            "[a](uncategorized/) [b](./logging_schemas) [c]()\n",
            &[
                "README.md",
                "uncategorized/x.md",
                "logging_schemas/deep/y.md",
            ],
        );
        assert!(
            r.html.contains("href=\"uncategorized/index.html\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"logging_schemas/index.html\""),
            "{}",
            r.html
        );
        assert!(
            r.links
                .iter()
                .all(|l| matches!(l.target, LinkTarget::Generated(_)))
        );
        // Leaving the content folder and coming back (content is /srv/docs).
        let r = run_as(
            SlugStyle::GitHub,
            "kube/y.md",
            "[x](../../docs/kube/x.md) ![i](../../docs/img/x.png)\n",
            &["kube/y.md", "kube/x.md"],
        );
        assert!(r.html.contains("href=\"../kube/x.html\""), "{}", r.html);
        assert!(r.html.contains("src=\"../img/x.png\""), "{}", r.html);
        assert!(
            !r.links
                .iter()
                .any(|l| matches!(l.target, LinkTarget::Missing(_)))
        );
        // GitLab's and Python-Markdown's table-of-contents markers.
        for marker in ["[[_TOC_]]", "[TOC]"] {
            let r = run_as(
                SlugStyle::GitHub,
                "a.md",
                &format!("# T\n\n{marker}\n\n## One\n\n### Two\n"),
                &[],
            );
            assert!(!r.html.contains("TOC"), "{}", r.html);
            assert!(r.html.contains("<a href=\"#one\">One</a>"), "{}", r.html);
            assert!(r.html.contains("<a href=\"#two\">Two</a>"), "{}", r.html);
        }
    }

    #[test]
    fn headings_get_unique_ids_and_first_h1_is_title() {
        let r = run(
            "a.md",
            "# Title\n\n## Setup\n\n## Setup\n\n## Custom {#my-id}\n",
            &[],
        );
        assert_eq!(r.h1.as_deref(), Some("Title"));
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["setup", "setup-1", "my-id"]);
        assert!(r.html.contains("<h2 id=\"setup-1\">"), "{}", r.html);
        assert!(!r.html.contains("<h1"));
    }

    #[test]
    fn rules_are_recognised() {
        let r = run(
            "a.md",
            "## Wrap errors {#GO-ERR-003 .must}\n\n## Other {#GO-ERR-004}\n",
            &[],
        );
        assert_eq!(r.headings[0].rule, Some(RuleLevel::Must));
        assert_eq!(r.headings[1].rule, Some(RuleLevel::Should));
        assert!(r.html.contains("rule rule-must"));
    }

    #[test]
    fn links_are_rewritten_and_recorded() {
        let r = run(
            "std/errors.md",
            "[a](context.md#cancel) [b](../runbooks/) [c](rule:GO-ERR-001) [d](https://go.dev) [e](nope.md) [f](context)",
            &["std/context.md", "runbooks/_index.md"],
        );
        assert!(
            r.html.contains("href=\"../std/context.html#cancel\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"../runbooks/index.html\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"rule:GO-ERR-001\""));
        assert!(r.html.contains("href=\"https://go.dev\""));
        assert_eq!(r.links.len(), 5);
        assert!(matches!(r.links[3].target, LinkTarget::Missing(_)));
        assert!(
            matches!(&r.links[4].target, LinkTarget::Page { src, .. } if src == "std/context.md")
        );
    }

    #[test]
    fn alerts_become_callouts() {
        let r = run("a.md", "> [!WARNING]\n> Careful.\n", &[]);
        assert!(r.html.contains("callout callout-warning"), "{}", r.html);
        assert!(r.html.contains("Careful."));
    }

    #[test]
    fn bad_good_pairs_join() {
        let r = run(
            "a.md",
            "```go bad\nx := 1\n```\n\n```go good\ny := 2\n```\n\n```go bad\nz := 3\n```\n\nText.\n",
            &[],
        );
        assert_eq!(
            r.html.matches("<div class=\"pair\">").count(),
            1,
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("example-bad").count(), 2);
        assert_eq!(r.code_blocks.len(), 3);
        assert_eq!(r.code_blocks[1].first_line, 6);
    }

    #[test]
    fn template_text_is_left_alone() {
        let r = run("a.md", "Use {{ .Title }} in templates.\n", &[]);
        assert!(r.html.contains("{{ .Title }}"));
    }
}
