//! Markdown to HTML: headings with stable ids, links, callouts, code.
//!
//! One pass over pulldown-cmark's events produces the page's HTML plus
//! everything later stages need: the heading outline (table of contents and
//! rule anchors), the links to validate, the code blocks to check and the
//! text to index for search.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use regex::Regex;

mod blocks;
mod inline;
mod links;
#[cfg(test)]
mod tests;

use blocks::{TOC_MARK, hide_rust_lines, inline_toc, is_comment_only, labelled};
pub use inline::{inline_html, inline_text};
use links::{html_links, rewrite_link};

use crate::config::MarkdownConfig;
use crate::diag::{Diagnostic, LineIndex};
use crate::highlight::{self, FenceInfo, PairSide};
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
    /// Number of ```` ```mermaid ```` diagrams (the page then loads the
    /// diagram script; pages without one never do).
    pub diagrams: usize,
    /// `http(s)` links, for `check --external`: (url, line, column).
    pub external: Vec<(String, usize, usize)>,
}

impl Rendered {
    /// Ids of the rules this page defines, in page order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.headings
            .iter()
            .filter(|h| h.rule.is_some())
            .map(|h| h.id.as_str())
    }
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
        // Search text: inline pieces join as written ("`ctx.Done()`, then"
        // stays "ctx.Done(), then"); line breaks and block ends separate.
        if matches!(
            event,
            Event::SoftBreak
                | Event::HardBreak
                | Event::Start(Tag::Item | Tag::List(_) | Tag::Paragraph | Tag::TableCell)
                | Event::End(
                    TagEnd::Paragraph
                        | TagEnd::Item
                        | TagEnd::TableCell
                        | TagEnd::BlockQuote(_)
                        | TagEnd::DefinitionListTitle
                        | TagEnd::DefinitionListDefinition
                )
        ) {
            section.text.push(' ');
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
                                "unknown code fence option(s) {}: use bad, good, ignore, linenos, test, no_run, compile_fail, vet_fail or {{hl=[3, \"5-7\"]}}",
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
                if info.lang == "mermaid" {
                    // Rendered in the browser; without JavaScript (and for
                    // search) the source stays, marked as a diagram's.
                    out.diagrams += 1;
                    events.push(Event::Html(CowStr::from(blocks::diagram(&text))));
                    out.code_blocks.push(CodeBlock {
                        info,
                        code: text,
                        first_line,
                        indent,
                        proven_valid: false,
                        section: out.sections.len(),
                    });
                    continue;
                }
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
                    events.push(Event::Text(CowStr::from(id)));
                    continue;
                }
                section.text.push_str(&t);
                events.push(Event::Text(t));
            }
            Event::Code(t) => {
                section.text.push_str(&t);
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
