//! Markdown to HTML: headings with stable ids, links, callouts, code.
//!
//! One pass over pulldown-cmark's events produces the page's HTML plus
//! everything later stages need: the heading outline (table of contents and
//! rule anchors), the links to validate, the code blocks to check and the
//! text to index for search.

use std::collections::HashSet;

use regex::Regex;

mod blocks;
mod inline;
mod links;
mod pass;
#[cfg(test)]
mod tests;
mod text;

pub use inline::{inline_html, inline_text};
pub use pass::render;
pub use text::PageText;

use crate::config::MarkdownConfig;
use crate::diag::Diagnostic;
use crate::highlight::FenceInfo;
use crate::slug::SlugStyle;

/// A rule's level, from the heading class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// Where it points.
    pub target: LinkTarget,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A fenced or indented code block.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CodeBlock {
    /// Parsed fence options.
    pub info: FenceInfo,
    /// The code.
    pub code: String,
    /// 1-based file line of the first code line.
    pub first_line: usize,
    /// Columns of indentation pulldown-cmark removed (fences inside lists).
    pub indent: usize,
    /// Go: the highlighter's lexer found no problem in it, so `build` has
    /// nothing to report (`check` still parses it).
    pub lexed_clean: bool,
    /// Index into the page's text parts of the part it is in.
    pub part: usize,
}

/// Text of one heading-delimited part of a page, for the search index.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct TextPart {
    /// Index into `headings` of the heading that opens it (None: before the first).
    pub heading: Option<usize>,
    /// Prose (code is in the page's code blocks, tagged with its part).
    pub text: String,
}

/// A page's body HTML: as rendered, or compressed (LZ4, about a fifth of
/// the size) while `build` holds every page of a site until the templates
/// run; on large sites the held HTML is most of peak memory.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Html {
    /// As rendered.
    Plain(String),
    /// Compressed, with its length in front (as bytes: serde's default
    /// reads a `Vec<u8>` one element at a time).
    Packed(#[serde(with = "serde_bytes")] Vec<u8>),
}

impl Default for Html {
    fn default() -> Self {
        Html::Plain(String::new())
    }
}

impl Html {
    /// The HTML (decompressed when packed).
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Html::Plain(s) => std::borrow::Cow::Borrowed(s),
            // Packed from a `String` by `pack`: valid LZ4 and UTF-8.
            Html::Packed(b) => std::borrow::Cow::Owned(
                lz4_flex::block::decompress_size_prepended(b)
                    .ok()
                    .and_then(|v| String::from_utf8(v).ok())
                    .unwrap_or_default(),
            ),
        }
    }

    /// Compress it in place.
    pub fn pack(&mut self) {
        if let Html::Plain(s) = self {
            *self = Html::Packed(lz4_flex::block::compress_prepend_size(s.as_bytes()));
        }
    }

    /// Bytes held (compressed when packed).
    pub fn held(&self) -> usize {
        match self {
            Html::Plain(s) => s.len(),
            Html::Packed(b) => b.len(),
        }
    }
}

impl std::fmt::Display for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// The result of rendering one Markdown body. It serialises (for `build`'s
/// cache across processes) without its warnings: a page with warnings is not
/// cached, so they always come from a fresh render.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// Body HTML (with `href="rule:ID"` placeholders for rule links).
    pub html: Html,
    /// Text of a leading `#` heading, which the template shows as the title.
    pub h1: Option<String>,
    /// Headings in order (the leading `#` excluded).
    pub headings: Vec<Heading>,
    /// Links to validate.
    pub links: Vec<Link>,
    /// Search text and code blocks (to index and to check).
    pub text: PageText,
    /// Warnings (unknown code languages, fence options).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
    /// Number of task-list checkboxes.
    pub tasks: usize,
    /// Number of ```` ```mermaid ```` diagrams (the page then loads the
    /// diagram script; pages without one never do).
    pub diagrams: usize,
    /// `http(s)` links, for `check --external`: (url, line, column).
    pub external: Vec<(String, usize, usize)>,
    /// A hash of everything this rendering was made from (set by the loader,
    /// zero elsewhere): what the caches of later stages key on.
    #[serde(skip)]
    pub source_key: [u8; 32],
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
