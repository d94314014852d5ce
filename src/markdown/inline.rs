//! Inline Markdown outside a page: SUMMARY.md and nav titles.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

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
