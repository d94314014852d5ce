//! The one pass over pulldown-cmark's events that renders a page.
//!
//! [`render`] feeds every event to a [`Pass`], which keeps the state a page
//! needs between events (the heading or code block being read, the previous
//! Don't/Do block, the search section being filled) and hands each kind of
//! event to a method of its own.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use super::blocks::{self, TOC_MARK, hide_rust_lines, inline_toc, is_comment_only, labelled};
use super::links::{html_links, rewrite_link};
use super::{CodeBlock, Context, Heading, Rendered, RuleLevel, TextPart};
use crate::config::MarkdownConfig;
use crate::diag::{Diagnostic, LineIndex};
use crate::highlight::{self, FenceInfo, PairSide};
use crate::slug::slug;

/// Render the Markdown `body` of the content-relative file `rel`.
/// `body_line` is the 0-based file line the body starts on; `display` names
/// the file in messages; `line_map` maps preprocessed lines (MkDocs) back to
/// the author's.
pub fn render(
    ctx: &Context<'_>,
    hl: &mut highlight::Session<'_>,
    rel: &str,
    display: &Path,
    body: &str,
    body_line: usize,
    line_map: Option<&[(u32, u32)]>,
) -> Rendered {
    let mut pass = Pass {
        ctx,
        rel,
        display,
        body,
        locator: Locator {
            index: LineIndex::new(body),
            body,
            body_line,
            line_map,
        },
        out: Rendered::default(),
        events: Vec::new(),
        used_ids: HashMap::new(),
        heading: None,
        code: None,
        last_pair: None,
        seen_block: false,
        in_rule_autolink: None,
        part: TextPart::default(),
        html_block: None,
        paragraph_start: 0,
    };
    for (event, range) in Parser::new_ext(body, options(ctx.options)).into_offset_iter() {
        pass.event(hl, event, range);
    }
    pass.finish()
}

fn options(cfg: &MarkdownConfig) -> Options {
    let mut o = Options::ENABLE_HEADING_ATTRIBUTES;
    for (on, flag) in [
        (cfg.tables, Options::ENABLE_TABLES),
        (cfg.footnotes, Options::ENABLE_FOOTNOTES),
        (cfg.strikethrough, Options::ENABLE_STRIKETHROUGH),
        (cfg.tasklists, Options::ENABLE_TASKLISTS),
        (cfg.alerts, Options::ENABLE_GFM),
        (cfg.smart_punctuation, Options::ENABLE_SMART_PUNCTUATION),
        (cfg.definition_lists, Options::ENABLE_DEFINITION_LIST),
    ] {
        if on {
            o |= flag;
        }
    }
    o
}

/// Byte offsets in the body -> the author's 1-based (line, column).
struct Locator<'a> {
    index: LineIndex,
    body: &'a str,
    body_line: usize,
    line_map: Option<&'a [(u32, u32)]>,
}

impl Locator<'_> {
    fn at(&self, offset: usize) -> (usize, usize) {
        let (l, c) = self.index.locate(self.body, offset);
        match self.line_map.and_then(|m| m.get(l + self.body_line - 1)) {
            Some(&(src, shift)) => (src as usize, c + shift as usize),
            None => (l + self.body_line, c),
        }
    }
}

/// A heading whose inline events are being collected.
struct PendingHeading {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    line: usize,
    events: Vec<Event<'static>>,
    text: String,
}

/// A code block whose text is being collected.
struct PendingCode {
    info: FenceInfo,
    text: String,
    first_line: usize,
    indent: usize,
}

/// The state of one page's pass.
struct Pass<'a> {
    ctx: &'a Context<'a>,
    rel: &'a str,
    display: &'a Path,
    body: &'a str,
    locator: Locator<'a>,
    out: Rendered,
    /// The page's events after rewriting, rendered to HTML at the end.
    events: Vec<Event<'a>>,
    /// Heading ids given so far -> how many repeats (`id-1`, `id-2`).
    used_ids: HashMap<String, usize>,
    heading: Option<PendingHeading>,
    code: Option<PendingCode>,
    /// Index in `events` of the last code block emitted and its pair side,
    /// so a following opposite block can join it in a Don't/Do pair.
    last_pair: Option<(usize, PairSide, String)>,
    /// A block came before: a later `#` heading is not the title.
    seen_block: bool,
    /// Destination of the `<rule:ID>` autolink being read.
    in_rule_autolink: Option<String>,
    /// Search text of the part of the page being read.
    part: TextPart,
    /// Text of the HTML block being read, to tell comments from content.
    html_block: Option<String>,
    /// Index in `events` of the paragraph being read.
    paragraph_start: usize,
}

impl<'a> Pass<'a> {
    fn event(&mut self, hl: &mut highlight::Session<'_>, event: Event<'a>, range: Range<usize>) {
        // Links and images resolve wherever they are, headings included.
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if !dest_url.starts_with("rule:") && !crate::paths::is_safe_link(&dest_url) => {
                self.unsafe_link(&dest_url, range.start);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from("#"),
                    title,
                    id,
                })
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let at = self.locator.at(range.start);
                Event::Start(rewrite_link(
                    self.ctx,
                    self.rel,
                    tag,
                    at,
                    &mut self.out,
                    &mut self.in_rule_autolink,
                ))
            }
            other => other,
        };
        let Some(event) = self.collect(event) else {
            return;
        };
        if separates_words(&event) {
            self.part.text.push(' ');
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let (line, _) = self.locator.at(range.start);
                self.heading = Some(PendingHeading {
                    level,
                    id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    line,
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::CodeBlock(kind)) => self.start_code(kind, range),
            Event::End(TagEnd::CodeBlock) => self.end_code(hl, range),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.seen_block = true;
                self.events.push(callout_start(kind));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Text(t) => self.text(t),
            Event::Code(t) => {
                self.part.text.push_str(&t);
                self.events.push(Event::Code(t));
            }
            Event::End(TagEnd::Link) => {
                self.in_rule_autolink = None;
                self.events.push(Event::End(TagEnd::Link));
            }
            Event::TaskListMarker(done) => {
                self.out.tasks += 1;
                self.events.push(Event::Html(CowStr::from(format!(
                    "<input type=\"checkbox\" class=\"task\" data-task=\"{}\"{}> ",
                    self.out.tasks,
                    if done { " checked" } else { "" }
                ))));
            }
            Event::Start(Tag::HtmlBlock) => {
                self.html_block = Some(String::new());
                self.events.push(Event::Start(Tag::HtmlBlock));
            }
            Event::End(TagEnd::HtmlBlock) => {
                // A licence header or "original source" comment before the
                // title is not content: the `#` after it is still the title.
                if self.html_block.take().is_some_and(|t| !is_comment_only(&t)) {
                    self.seen_block = true;
                }
                self.events.push(Event::End(TagEnd::HtmlBlock));
            }
            Event::Html(t) => {
                if let Some(b) = self.html_block.as_mut() {
                    b.push_str(&t);
                }
                let at = self.locator.at(range.start);
                let t = html_links(self.ctx, self.rel, t, at, &mut self.out);
                self.events.push(Event::Html(t));
            }
            Event::InlineHtml(t) => {
                let at = self.locator.at(range.start);
                let t = html_links(self.ctx, self.rel, t, at, &mut self.out);
                self.events.push(Event::InlineHtml(t));
            }
            Event::Start(Tag::Paragraph) => {
                self.seen_block = true;
                self.paragraph_start = self.events.len();
                self.events.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => self.end_paragraph(range),
            Event::Start(t) => {
                if matches!(t, Tag::List(_) | Tag::Table(_) | Tag::BlockQuote(_)) {
                    self.seen_block = true;
                }
                self.events.push(Event::Start(t));
            }
            other => self.events.push(other),
        }
    }

    /// Inside a heading or code block, events are collected, not rendered:
    /// returns the event when it is still to be handled.
    fn collect(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        if let Some(h) = self.heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {}
                Event::Text(ref t) | Event::Code(ref t) => {
                    h.text.push_str(t);
                    h.events.push(event.into_static());
                    return None;
                }
                other => {
                    h.events.push(other.into_static());
                    return None;
                }
            }
        }
        if let Some(c) = self.code.as_mut() {
            match event {
                Event::Text(t) => {
                    c.text.push_str(&t);
                    return None;
                }
                Event::End(TagEnd::CodeBlock) => {}
                _ => return None,
            }
        }
        Some(event)
    }

    fn text(&mut self, t: CowStr<'a>) {
        // `<rule:GO-ERR-003>` shows the rule's id, not the scheme.
        if let Some(dest) = &self.in_rule_autolink
            && t.as_ref() == dest.as_str()
        {
            let id = dest.trim_start_matches("rule:").to_string();
            self.part.text.push_str(&id);
            self.events.push(Event::Text(CowStr::from(id)));
            return;
        }
        self.part.text.push_str(&t);
        self.events.push(Event::Text(t));
    }

    fn end_paragraph(&mut self, range: Range<usize>) {
        // GitLab's `[[_TOC_]]` and Python-Markdown's `[TOC]`.
        if matches!(self.body[range].trim(), "[[_TOC_]]" | "[TOC]" | "[[TOC]]") {
            self.events.truncate(self.paragraph_start);
            self.events.push(Event::Html(CowStr::Borrowed(TOC_MARK)));
            return;
        }
        self.events.push(Event::End(TagEnd::Paragraph));
    }

    fn end_heading(&mut self) {
        let h = self.heading.take().expect("heading open");
        let text = h.text.trim().to_string();
        if h.level == HeadingLevel::H1 && !self.seen_block && self.out.h1.is_none() {
            self.out.h1 = Some(text);
            self.seen_block = true;
            return;
        }
        self.seen_block = true;
        self.in_rule_autolink = None;
        let id = self.unique_id(h.id.as_deref(), &text);
        let rule =
            (h.id.is_some() && self.ctx.rule_pattern.is_match(&id)).then(|| rule_level(&h.classes));
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, h.events.into_iter());
        // One <h1> per page (the title): later `#` headings are h2.
        let level = (h.level as u8).max(2);
        self.events.push(Event::Html(CowStr::from(heading_html(
            level, &id, &h.classes, rule, &inner,
        ))));
        self.out.headings.push(Heading {
            level,
            id,
            text,
            line: h.line,
            rule,
        });
        self.out.text.parts.push(std::mem::take(&mut self.part));
        self.part.heading = Some(self.out.headings.len() - 1);
    }

    /// The heading's explicit id, or its slug made unique on the page.
    fn unique_id(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = explicit.map_or_else(|| slug(self.ctx.slug, text), str::to_string);
        match self.used_ids.get_mut(&base) {
            Some(n) if explicit.is_none() => {
                *n += 1;
                format!("{base}-{n}")
            }
            _ => {
                self.used_ids.entry(base.clone()).or_insert(0);
                base
            }
        }
    }

    fn start_code(&mut self, kind: CodeBlockKind<'a>, range: Range<usize>) {
        self.seen_block = true;
        let info = match &kind {
            CodeBlockKind::Fenced(i) => FenceInfo::parse(i),
            CodeBlockKind::Indented => FenceInfo::default(),
        };
        let (line, col) = self.locator.at(range.start);
        let first_line = if matches!(kind, CodeBlockKind::Fenced(_)) {
            line + 1
        } else {
            line
        };
        if !info.unknown.is_empty() {
            self.out.warnings.push(
                Diagnostic::warning(
                    "code-fence",
                    format!(
                        "unknown code fence option(s) {}: use bad, good, ignore, linenos, test, no_run, compile_fail, vet_fail or {{hl=[3, \"5-7\"]}}",
                        info.unknown.join(", ")
                    ),
                )
                .in_file(self.display)
                .at(line, col),
            );
        }
        self.code = Some(PendingCode {
            info,
            text: String::new(),
            first_line,
            indent: col - 1,
        });
    }

    /// `javascript:`, `data:` and other schemes never become live links:
    /// the link points nowhere (`#`) and this is the finding.
    fn unsafe_link(&mut self, dest: &str, at: usize) {
        let (line, col) = self.locator.at(at);
        self.out.warnings.push(
            Diagnostic::error(
                "unsafe-link",
                format!(
                    "link to `{}`: only http(s), mailto and relative links are made; link to a page or a web address",
                    dest.chars().take(60).collect::<String>()
                ),
            )
            .in_file(self.display)
            .at(line, col),
        );
    }

    fn end_code(&mut self, hl: &mut highlight::Session<'_>, range: Range<usize>) {
        let PendingCode {
            info,
            mut text,
            first_line,
            indent,
        } = self.code.take().expect("code open");
        if info.lang == "rust" && text.contains('#') {
            text = hide_rust_lines(&text);
        }
        let mut lexed_clean = false;
        if info.lang == "mermaid" {
            // Rendered in the browser; without JavaScript (and for search)
            // the source stays, marked as a diagram's.
            self.out.diagrams += 1;
            self.events
                .push(Event::Html(CowStr::from(blocks::diagram(&text))));
        } else {
            let rendered = hl.render(&text, &info);
            lexed_clean = rendered.go_lexed_clean;
            if rendered.unknown_language && !self.ctx.quiet_langs.contains(&info.lang) {
                let (line, col) = self.locator.at(range.start);
                self.out.warnings.push(
                    Diagnostic::warning(
                        "code-language",
                        format!(
                            "unknown code language `{}`: it is shown as plain text; use a known name (go, bash, yaml, json, sql, ...) or `text`",
                            info.lang
                        ),
                    )
                    .in_file(self.display)
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
                Some(side) => self.push_labelled(side, &html),
                None => self.events.push(Event::Html(CowStr::from(html))),
            }
        }
        self.out.text.code_blocks.push(CodeBlock {
            info,
            code: text,
            first_line,
            indent,
            lexed_clean,
            part: self.out.text.parts.len(),
        });
    }

    /// A `bad` or `good` block: joins the block just before it when that is
    /// the opposite side, forming a Don't/Do pair.
    fn push_labelled(&mut self, side: PairSide, html: &str) {
        let block = labelled(side, html);
        match self.last_pair.take() {
            Some((at, prev, prev_html)) if at + 1 == self.events.len() && prev != side => {
                let (bad, good) = if prev == PairSide::Bad {
                    (prev_html, block)
                } else {
                    (block, prev_html)
                };
                self.events[at] = Event::Html(CowStr::from(format!(
                    "<div class=\"pair\">{bad}{good}</div>\n"
                )));
            }
            _ => {
                self.events.push(Event::Html(CowStr::from(block.clone())));
                self.last_pair = Some((self.events.len() - 1, side, block));
            }
        }
    }

    fn finish(mut self) -> Rendered {
        self.out.text.parts.push(self.part);
        let mut html = String::with_capacity(self.body.len() * 2);
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        if html.contains(TOC_MARK) {
            html = html.replace(TOC_MARK, &inline_toc(&self.out.headings));
        }
        self.out.html = super::Html::Plain(html);
        self.out
    }
}

/// Search text: inline pieces join as written ("`ctx.Done()`, then" stays
/// "ctx.Done(), then"); line breaks and block ends separate words.
fn separates_words(event: &Event<'_>) -> bool {
    matches!(
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
    )
}

/// A rule heading's level from its classes (`.must`, `.may`; `.should` by default).
fn rule_level(classes: &[String]) -> RuleLevel {
    if classes.iter().any(|c| c == "must") {
        RuleLevel::Must
    } else if classes.iter().any(|c| c == "may") {
        RuleLevel::May
    } else {
        RuleLevel::Should
    }
}

/// A heading with its anchor link and, for a rule, its id and level badge.
fn heading_html(
    level: u8,
    id: &str,
    classes: &[String],
    rule: Option<RuleLevel>,
    inner: &str,
) -> String {
    let mut class = classes
        .iter()
        .filter(|c| rule.is_none() || !matches!(c.as_str(), "must" | "should" | "may"))
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let mut badge = String::new();
    if let Some(r) = rule {
        if !class.is_empty() {
            class.push(' ');
        }
        let _ = write!(class, "rule rule-{}", r.as_str());
        let _ = write!(
            badge,
            " <span class=\"rule-badge\"><span class=\"rule-id\">{}</span> <span class=\"rule-level level-{1}\">{1}</span></span>",
            crate::html::escape(id),
            r.as_str()
        );
    }
    let class_attr = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{}\"", crate::html::escape(&class))
    };
    let id = crate::html::escape(id);
    format!(
        "<h{level} id=\"{id}\"{class_attr}><a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\"></a>{inner}{badge}</h{level}>\n"
    )
}

/// The opening of a GitHub alert (`> [!NOTE]`) as a callout.
fn callout_start(kind: BlockQuoteKind) -> Event<'static> {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    Event::Html(CowStr::from(format!(
        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>\n"
    )))
}
