//! Build-time code highlighting into a small set of token categories.
//!
//! Go goes through a lexer plus context (`go`: fast, and it finds lexical
//! problems; tree-sitter judges full syntax in `check`); every other language
//! goes through syntect. Both map
//! to [`Category`], so one stylesheet colours both and the HTML stays small:
//! one short class per token run, never one span per grammar scope.

mod cache;
mod console;
mod css;
mod fence;
pub mod go;
mod godoc;
mod syntax;

use crate::html::escape_into;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

use console::console;
pub use css::theme_css;
pub use fence::{ExpectFail, FenceInfo, PairSide};

/// A token category; each has a one- or two-letter CSS class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// `func`, `return`, `if`.
    Keyword,
    /// String and rune literals.
    String,
    /// Escapes inside strings.
    Escape,
    /// Comments.
    Comment,
    /// Function and method names.
    Function,
    /// Type names.
    Type,
    /// Numeric literals.
    Number,
    /// Operators.
    Operator,
    /// `true`, `nil`, `iota` and other constants.
    Constant,
    /// Predeclared functions and types (`len`, `any`, `error`).
    Builtin,
    /// Punctuation that grammars mark (syntect only).
    Punctuation,
    /// Markup headings, tags and attribute names (HTML, Markdown, YAML keys).
    Tag,
}

impl Category {
    /// Every category, in stylesheet order.
    pub const ALL: [Category; 12] = [
        Category::Keyword,
        Category::String,
        Category::Escape,
        Category::Comment,
        Category::Function,
        Category::Type,
        Category::Number,
        Category::Operator,
        Category::Constant,
        Category::Builtin,
        Category::Punctuation,
        Category::Tag,
    ];

    /// The CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Category::Keyword => "k",
            Category::String => "s",
            Category::Escape => "e",
            Category::Comment => "c",
            Category::Function => "f",
            Category::Type => "t",
            Category::Number => "n",
            Category::Operator => "o",
            Category::Constant => "m",
            Category::Builtin => "b",
            Category::Punctuation => "p",
            Category::Tag => "g",
        }
    }
}

/// Languages rendered as plain text on purpose, without a warning.
const PLAIN: &[&str] = &[
    "",
    "text",
    "txt",
    "plain",
    "plaintext",
    "console",
    "output",
    "log",
    "promql",
    "logql",
    "none",
    "mermaid",
    "diff-plain",
];

/// Languages the highlighter knows under another name.
fn alias(lang: &str) -> &str {
    match lang {
        "golang" => "go",
        "sh" | "shell" | "zsh" | "bash" => "bash",
        "yml" => "yaml",
        "js" | "javascript" => "js",
        "docker" => "dockerfile",
        "terraform" | "tf" => "hcl",
        "proto" | "protobuf" => "proto",
        "ts" | "typescript" => "ts",
        "jsonc" => "json",
        "gomod" | "go.mod" => "text",
        "py3" | "python3" | "py" => "python",
        "pycon" | "pycon3" | "pytb" | "shell-session" | "shellsession" | "terminal" => "text",
        other => other,
    }
}

/// Where Go identifiers link unless `[go] pkg-url` says otherwise.
pub const DEFAULT_PKG_URL: &str = "https://pkg.go.dev/";

/// The shared, immutable highlighting resources of one build.
pub struct Highlighter {
    syntaxes: OnceLock<syntect::parsing::SyntaxSet>,
    cache: Option<cache::Cache>,
    /// Where qualified Go identifiers link (`[go] pkg-url`; empty: no links).
    pkg_url: String,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

/// What highlighting a block produced.
pub struct Highlighted {
    /// The `<pre>` element.
    pub html: String,
    /// Set when the language is unknown.
    pub unknown_language: bool,
    /// Go only: the lexer found no problem (unterminated literal or comment,
    /// invalid character, unbalanced bracket). Stage 5 says what it is.
    pub go_lexed_clean: bool,
}

impl Highlighter {
    /// A highlighter; syntect's syntaxes load on first use.
    pub fn new() -> Self {
        Self {
            syntaxes: OnceLock::new(),
            cache: None,
            pkg_url: DEFAULT_PKG_URL.to_string(),
        }
    }

    /// A highlighter backed by the persistent cache file at `path`.
    pub fn with_cache(path: &std::path::Path) -> Self {
        Self {
            cache: Some(cache::Cache::load(path)),
            ..Self::new()
        }
    }

    /// Link qualified Go identifiers to `url` + import path (`""`: no links).
    pub fn with_pkg_url(mut self, url: &str) -> Self {
        self.pkg_url = url.to_string();
        self
    }

    /// Write the persistent cache (keeping only what this build used).
    pub fn save_cache(&self) -> std::io::Result<()> {
        self.cache.as_ref().map_or(Ok(()), cache::Cache::save)
    }

    /// The key of a block's highlighting in the persistent cache (`None`
    /// without one).
    pub fn cache_key(&self, code: &str, info: &FenceInfo) -> Option<[u8; 32]> {
        self.cache
            .as_ref()
            .map(|_| cache::key(code, info, &self.pkg_url))
    }

    /// Keep blocks' cached highlighting, by [`Self::cache_key`], for the next
    /// build although this build did not highlight them (their page's
    /// rendering was reused whole).
    pub fn keep_cached(&self, keys: &[[u8; 32]]) {
        if let Some(cache) = &self.cache {
            for key in keys {
                cache.keep(key);
            }
        }
    }

    fn syntaxes(&self) -> &syntect::parsing::SyntaxSet {
        // bat's syntax set (two-face): syntect's defaults plus TOML,
        // Dockerfile, TypeScript, HCL/Terraform, protobuf, nginx, INI, ...
        // Loaded on the first non-Go block, once per build.
        self.syntaxes.get_or_init(two_face::syntax::extra_newlines)
    }

    /// A per-thread session (syntect's scope lookups are cached per thread).
    pub fn session(&self) -> Session<'_> {
        Session {
            hl: self,
            scope_cache: HashMap::new(),
        }
    }
}

/// Per-thread highlighting state.
pub struct Session<'a> {
    hl: &'a Highlighter,
    scope_cache: HashMap<syntect::parsing::Scope, Option<Category>>,
}

impl Session<'_> {
    /// The highlighter this session belongs to.
    pub fn highlighter(&self) -> &Highlighter {
        self.hl
    }

    /// Highlight `code` for a fence with `info` into a `<pre>` block.
    pub fn render(&mut self, code: &str, info: &FenceInfo) -> Highlighted {
        let Some(cache) = &self.hl.cache else {
            return self.render_uncached(code, info);
        };
        let key = cache::key(code, info, &self.hl.pkg_url);
        if let Some(hit) = cache.get(&key) {
            return hit;
        }
        let fresh = self.render_uncached(code, info);
        cache.put(key, &fresh);
        fresh
    }

    fn render_uncached(&mut self, code: &str, info: &FenceInfo) -> Highlighted {
        if matches!(
            info.lang.as_str(),
            "console" | "shell-session" | "shellsession" | "terminal"
        ) && !info.wants_lines()
        {
            return Highlighted {
                html: console(code),
                unknown_language: false,
                go_lexed_clean: false,
            };
        }
        let lang = alias(&info.lang);
        let mut unknown_language = false;
        let mut go_lexed_clean = false;
        let mut links = Vec::new();
        let segments = if lang == "go" {
            let (segs, problem) = go::highlight(code);
            go_lexed_clean = problem.is_none();
            links = godoc::links(code, &segs, &self.hl.pkg_url);
            segs
        } else if PLAIN.contains(&lang) {
            Vec::new()
        } else {
            let ss = self.hl.syntaxes();
            match ss.find_syntax_by_token(lang) {
                Some(syntax) => syntax::highlight(ss, syntax, code, &mut self.scope_cache),
                None => {
                    unknown_language = true;
                    Vec::new()
                }
            }
        };
        let mut html = String::with_capacity(code.len() * 2 + 64);
        let mut classes = String::from("code");
        if info.linenos {
            classes.push_str(" numbered");
        }
        let data_lang = if info.lang.is_empty() {
            "text"
        } else {
            &info.lang
        };
        let _ = write!(
            html,
            "<pre class=\"{classes}\" data-lang=\"{}\"><code>",
            crate::html::escape(data_lang)
        );
        emit(&mut html, code, &segments, &links, info);
        html.push_str("</code></pre>");
        Highlighted {
            html,
            unknown_language,
            go_lexed_clean,
        }
    }
}

/// Link ranges for [`emit`]: (bytes, href, title).
type Links<'a> = [(Range<usize>, String, &'a str)];

/// Write `code[a..b]` (in category `cat`, if any), opening and closing the
/// links it crosses: a link wraps whole spans, so the HTML nests.
fn piece(
    out: &mut String,
    code: &str,
    a: usize,
    b: usize,
    cat: Option<Category>,
    links: &Links,
    li: &mut usize,
) {
    // Fast path: no link in this piece.
    if links
        .get(*li)
        .is_none_or(|(r, ..)| r.start >= b && r.end > a)
    {
        if let Some(c) = cat {
            let _ = write!(out, "<span class=\"{}\">", c.class());
            escape_into(out, &code[a..b]);
            out.push_str("</span>");
        } else {
            escape_into(out, &code[a..b]);
        }
        return;
    }
    let mut x = a;
    while x < b {
        while *li < links.len() && links[*li].0.end <= x {
            *li += 1;
        }
        let (y, inside) = match links.get(*li) {
            Some((r, ..)) if r.start <= x => (r.end.min(b), true),
            Some((r, ..)) if r.start < b => (r.start, false),
            _ => (b, false),
        };
        if inside && x == links[*li].0.start {
            out.push_str("<a class=\"godoc\" href=\"");
            escape_into(out, &links[*li].1);
            out.push_str("\" title=\"");
            escape_into(out, links[*li].2);
            out.push_str("\">");
        }
        match cat {
            Some(c) => {
                let _ = write!(out, "<span class=\"{}\">", c.class());
                escape_into(out, &code[x..y]);
                out.push_str("</span>");
            }
            None => escape_into(out, &code[x..y]),
        }
        if inside && y == links[*li].0.end {
            out.push_str("</a>");
        }
        x = y;
    }
}

/// Write `code` with category spans (and Go identifier links). Without line
/// options, spans run across lines; with them, every line is wrapped so it
/// can be numbered or marked.
fn emit(
    out: &mut String,
    code: &str,
    segments: &[(Category, Range<usize>)],
    links: &Links,
    info: &FenceInfo,
) {
    let code = code.strip_suffix('\n').unwrap_or(code);
    let mut li = 0;
    if !info.wants_lines() {
        let mut pos = 0;
        for (cat, r) in segments {
            if r.start >= code.len() {
                break;
            }
            let end = r.end.min(code.len());
            if r.start > pos {
                piece(out, code, pos, r.start, None, links, &mut li);
            }
            piece(out, code, r.start, end, Some(*cat), links, &mut li);
            pos = end;
        }
        piece(out, code, pos, code.len(), None, links, &mut li);
        return;
    }
    let mut seg = segments.iter().peekable();
    let mut line_start = 0;
    for (n, line) in code.split('\n').enumerate() {
        let line_end = line_start + line.len();
        out.push_str(if info.is_hl(n + 1) {
            "<span class=\"line hl\">"
        } else {
            "<span class=\"line\">"
        });
        let mut pos = line_start;
        while let Some((cat, r)) = seg.peek() {
            if r.start >= line_end {
                break;
            }
            let s = r.start.max(pos);
            let e = r.end.min(line_end);
            if s > pos {
                piece(out, code, pos, s, None, links, &mut li);
            }
            if e > s {
                piece(out, code, s, e, Some(*cat), links, &mut li);
            }
            pos = e.max(pos);
            if r.end <= line_end {
                seg.next();
            } else {
                break;
            }
        }
        if pos < line_end {
            piece(out, code, pos, line_end, None, links, &mut li);
        }
        out.push_str("</span>\n");
        line_start = line_end + 1;
    }
}

/// Push adjacent runs of one category as one segment.
pub(crate) fn push_segment(
    segs: &mut Vec<(Category, Range<usize>)>,
    cat: Category,
    r: Range<usize>,
) {
    if r.is_empty() {
        return;
    }
    if let Some((last, lr)) = segs.last_mut()
        && *last == cat
        && lr.end == r.start
    {
        lr.end = r.end;
        return;
    }
    segs.push((cat, r));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_languages_runbooks_use_are_highlighted() {
        let hl = Highlighter::new();
        let mut s = hl.session();
        for (lang, code) in [
            ("bash", "echo \"$HOME\" # home\n"),
            ("sh", "ls -la\n"),
            ("yaml", "key: value # note\n"),
            ("json", "{\"a\": 1}\n"),
            ("toml", "[server]\nport = 8080\n"),
            ("dockerfile", "FROM golang:1.23\nRUN go build ./...\n"),
            (
                "hcl",
                "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
            ),
            ("terraform", "variable \"name\" {}\n"),
            (
                "proto",
                "syntax = \"proto3\";\nmessage User { string id = 1; }\n",
            ),
            ("sql", "SELECT id FROM users WHERE id = 1;\n"),
            ("makefile", "build:\n\tgo build ./...\n"),
            ("diff", "- old\n+ new\n"),
            ("python", "def f():\n    return 1\n"),
            ("js", "const a = 1; // note\n"),
            ("ts", "const a: number = 1;\n"),
            ("typescript", "let s: string = \"x\";\n"),
            ("rust", "fn main() { let x = 1; }\n"),
            ("nginx", "server { listen 80; }\n"),
            ("ini", "[section]\nkey = value\n"),
        ] {
            let r = s.render(code, &FenceInfo::parse(lang));
            assert!(!r.unknown_language, "{lang} is not highlighted");
            assert!(r.html.contains("<span class="), "{lang}: {}", r.html);
        }
    }

    #[test]
    fn console_sessions_separate_prompts_commands_and_output() {
        let html = console(
            "$ kubectl get pods -n <namespace> \\\n    -o wide\nNAME  READY\napi   1/1\n# id -u\n0\n",
        );
        assert!(html.contains("<span class=\"prompt\" aria-hidden=\"true\">$ </span><span class=\"cmd\">kubectl get pods -n <span class=\"ph\">&lt;namespace&gt;</span> \\</span>"), "{html}");
        assert!(
            html.contains("<span class=\"cmd\">    -o wide</span>"),
            "continuation: {html}"
        );
        assert!(
            html.contains("<span class=\"out\">NAME  READY</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"prompt\" aria-hidden=\"true\"># </span><span class=\"cmd\">id -u</span>"), "{html}");
        assert!(
            console("$ a < b").contains("<span class=\"cmd\">a &lt; b</span>"),
            "a lone < is text"
        );
    }

    #[test]
    fn pymdown_fence_options() {
        let i = FenceInfo::parse(r#"go title="cmd/main.go" linenums="1" hl_lines="2 4-5""#);
        assert_eq!(i.lang, "go");
        assert_eq!(i.title.as_deref(), Some("cmd/main.go"));
        assert!(i.linenos);
        assert_eq!(i.hl_lines, [(2, 2), (4, 5)]);
        assert!(i.unknown.is_empty(), "{:?}", i.unknown);
        let i = FenceInfo::parse(r#"python {linenums="1" hl_lines="1 3" .md-max-height}"#);
        assert!(i.linenos && i.unknown.is_empty(), "{i:?}");
        assert_eq!(i.hl_lines, [(1, 1), (3, 3)]);
        let i = FenceInfo::parse(r#"{ .yaml title="values.yaml" }"#);
        assert_eq!(
            (i.lang.as_str(), i.title.as_deref()),
            ("yaml", Some("values.yaml"))
        );
    }

    #[test]
    fn category_order_matches_discriminants() {
        for (i, c) in Category::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
    }

    #[test]
    fn parses_fence_info() {
        let f = FenceInfo::parse("go bad {hl=[3, \"5-7\"], linenos}");
        assert_eq!(f.lang, "go");
        assert_eq!(f.label, Some(PairSide::Bad));
        assert!(f.linenos);
        assert_eq!(f.hl_lines, vec![(3, 3), (5, 7)]);
        assert!(f.unknown.is_empty());
        let f = FenceInfo::parse("go ignore");
        assert!(f.ignore);
        let f = FenceInfo::parse("");
        assert_eq!(f.lang, "");
    }

    #[test]
    fn go_generics_are_classified() {
        let hl = Highlighter::new();
        let mut s = hl.session();
        let code = "func Map[T any, U comparable](xs []T, f func(T) U) []U {\n\treturn nil\n}\n\ntype Number interface {\n\t~int | ~float64\n}\n";
        let out = s.render(code, &FenceInfo::parse("go")).html;
        assert!(out.contains("<span class=\"k\">func</span>"), "{out}");
        assert!(out.contains("<span class=\"f\">Map</span>"), "{out}");
        assert!(out.contains("<span class=\"b\">any</span>"), "{out}");
        assert!(out.contains("<span class=\"b\">comparable</span>"), "{out}");
        assert!(out.contains("<span class=\"t\">T</span>"), "{out}");
        assert!(out.contains("<span class=\"o\">~</span>"), "{out}");
        assert!(out.contains("<span class=\"m\">nil</span>"), "{out}");
    }

    #[test]
    fn escapes_and_marks_lines() {
        let hl = Highlighter::new();
        let mut s = hl.session();
        let code = "a := \"<b>\"\nb := 2\n";
        let out = s.render(code, &FenceInfo::parse("go {hl=[2]}")).html;
        assert!(out.contains("&lt;b&gt;"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(out.contains("<span class=\"line hl\">b"), "{out}");
        assert_eq!(out.matches("class=\"line").count(), 2);
    }

    #[test]
    fn other_languages_use_syntect() {
        let hl = Highlighter::new();
        let mut s = hl.session();
        let out = s.render("# hi\necho \"x\"\n", &FenceInfo::parse("bash"));
        assert!(!out.unknown_language);
        assert!(out.html.contains("<span class=\"c\">"), "{}", out.html);
        assert!(out.html.contains("<span class=\"s\">"), "{}", out.html);
        let out = s.render("x <y>", &FenceInfo::parse("klingon"));
        assert!(out.unknown_language);
        assert!(out.html.contains("x &lt;y&gt;"));
    }
}
