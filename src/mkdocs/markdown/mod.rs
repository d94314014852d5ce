//! Python-Markdown / PyMdown / Material syntax, turned into Markdown and
//! HTML that handbook's renderer reads:
//!
//! - `!!! type "Title"` admonitions -> the same callouts as `> [!NOTE]`
//!   (unknown types fall back to note); `??? type` / `???+ type` -> `<details>`;
//! - `=== "Label"` tabs (and consecutive fences with `tab="Label"`) -> a tab
//!   set that `handbook.js` makes accessible tabs;
//! - snippets and `{!include!}` ([`super::snippets`]);
//! - `{: #id .class }` attribute lists: kept on headings, dropped elsewhere;
//! - `markdown` attribute on HTML blocks (md_in_html): the inside is Markdown;
//! - `*[ABBR]: text` abbreviations -> `<abbr title>`.
//!
//! Lines are rewritten, inserted and dedented; a line map keeps, for every
//! output line, the source line and the columns removed, so findings still
//! point at the author's file:line:col.

use std::path::Path;

use super::snippets::{self, SnippetCx};
use crate::diag::Diagnostic;
pub use crate::lines::Line;
use crate::lines::{fence_closes, fence_open};

mod abbr;
mod generic;
mod tabs;

use abbr::{apply_abbreviations, take_abbreviations};
use generic::generic_block;
use tabs::{tab_fences, tabs};

/// The rewritten text and its line map.
pub struct Preprocessed {
    /// Markdown for the renderer.
    pub text: String,
    /// For each output line: (1-based source line, columns removed).
    pub line_map: Vec<(u32, u32)>,
    /// Snippets that could not be inserted.
    pub errors: Vec<Diagnostic>,
    /// Canonical paths of the files snippets inserted.
    pub files: Vec<std::path::PathBuf>,
}

/// Rewrite a page's whole text (front matter included: it passes unchanged).
pub fn preprocess(text: &str, file: &Path, display: &Path, cx: &SnippetCx<'_>) -> Preprocessed {
    let lines = crate::lines::split(text);
    let mut errors = Vec::new();
    let (lines, files) = snippets::expand(lines, file, display, cx, &mut errors);
    let (lines, abbrs) = take_abbreviations(lines);
    let mut out = Vec::with_capacity(lines.len() + 16);
    convert(&lines, &mut out, 0);
    if !abbrs.is_empty() {
        apply_abbreviations(&mut out, &abbrs);
    }
    let (text, line_map) = crate::lines::join(out);
    Preprocessed {
        text,
        line_map,
        errors,
        files,
    }
}

/// Does a page need rewriting at all? (Most pages of most projects do not.)
pub fn needs_preprocessing(text: &str) -> bool {
    [
        "!!!", "???", "===", "--8<--", "{!", "{:", "{ #", "{ .", "markdown", "*[", "tab=",
    ]
    .iter()
    .any(|m| text.contains(m))
}

pub(super) fn indent_of(s: &str) -> usize {
    let mut n = 0;
    for c in s.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => break,
        }
    }
    n
}

/// Remove `cols` columns of indentation (tabs count to the next multiple of 4).
pub(super) fn dedent(l: &Line, cols: usize) -> Line {
    let mut removed = 0;
    let mut bytes = 0;
    for c in l.text.chars() {
        if removed >= cols {
            break;
        }
        match c {
            ' ' => removed += 1,
            '\t' => removed += 4 - removed % 4,
            _ => break,
        }
        bytes += c.len_utf8();
    }
    Line {
        text: l.text[bytes..].to_string(),
        src: l.src,
        shift: l.shift + bytes as u32,
    }
}

pub(super) fn synth(text: String, like: &Line) -> Line {
    crate::lines::like(text, like)
}

/// The body of a block opened at indent `base` on line `start`: following
/// lines that are blank or indented at least `base + 4`; trailing blank
/// lines are not part of it. Returns (body end index, exclusive).
pub(super) fn body_end(lines: &[Line], start: usize, base: usize) -> usize {
    let mut end = start + 1;
    let mut last_content = start + 1;
    while end < lines.len() {
        let t = &lines[end].text;
        if t.trim().is_empty() {
            end += 1;
            continue;
        }
        if indent_of(t) < base + 4 {
            break;
        }
        end += 1;
        last_content = end;
    }
    last_content
}

/// Callout class for an admonition type (Material's types and aliases).
pub(super) fn callout_class(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "tip" | "hint" | "success" | "check" | "done" => "tip",
        "important" => "important",
        "warning" | "caution" | "attention" => "warning",
        "danger" | "error" | "failure" | "fail" | "missing" | "bug" => "caution",
        _ => "note",
    }
}

/// `note "Title"` -> (type, title). No title: the type, capitalised; `""`: none.
pub(super) fn title_of(rest: &str) -> (String, Option<String>) {
    let rest = rest.trim();
    let (words, quoted) = match rest.find('"') {
        Some(i) => (
            &rest[..i],
            Some(rest[i + 1..].trim_end().trim_end_matches('"')),
        ),
        None => (rest, None),
    };
    let kind = words
        .split_whitespace()
        .next()
        .unwrap_or("note")
        .to_string();
    let title = match quoted {
        Some("") => None,
        Some(t) => Some(t.to_string()),
        None => {
            let mut c = kind.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        }
    };
    (kind, title)
}

/// A `tab="Label"` attribute in a fence's info string, and the info without it.
pub(super) fn tab_attr(info: &str) -> Option<(String, String)> {
    let i = info.find("tab=")?;
    let rest = &info[i + 4..];
    let (label, after) = if let Some(r) = rest.strip_prefix('"') {
        let end = r.find('"')?;
        (&r[..end], &r[end + 1..])
    } else {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        (&rest[..end], &rest[end..])
    };
    let cleaned = format!("{}{}", &info[..i], after).trim().to_string();
    Some((label.to_string(), cleaned))
}

/// The open tag of an HTML block with a `markdown` attribute: (tag name,
/// the line without the attribute).
fn markdown_html_open(text: &str) -> Option<(String, String)> {
    let t = text.trim_start();
    let rest = t.strip_prefix('<')?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name.is_empty() || !t.trim_end().ends_with('>') || t.trim_end().ends_with("/>") {
        return None;
    }
    let at = t.find(" markdown")?;
    let after = &t[at + " markdown".len()..];
    let attr_len = if let Some(v) = after.strip_prefix('=') {
        let q = v.chars().next()?;
        if q == '"' || q == '\'' {
            1 + 1 + v[1..].find(q)? + 1
        } else {
            1 + v.find([' ', '>']).unwrap_or(v.len())
        }
    } else if after.starts_with([' ', '>']) {
        0
    } else {
        return None;
    };
    let indent = &text[..text.len() - t.len()];
    let cleaned = format!("{indent}{}{}", &t[..at], &after[attr_len..]);
    Some((name, cleaned))
}

/// Attribute lists: `## Title {: #id .class }` becomes `## Title {#id .class}`;
/// after links and images (`[a](b){ .md-button }`) and alone on a line they
/// are dropped (handbook has no use for the classes).
fn attr_lists(text: &str) -> String {
    let t = text.trim();
    if t.starts_with("{:") && t.ends_with('}') {
        return String::new();
    }
    let mut s = text.to_string();
    if t.starts_with('#')
        && let Some(open) = s.rfind('{')
        && s.trim_end().ends_with('}')
    {
        let inner = s[open + 1..s.trim_end().len() - 1]
            .trim()
            .trim_start_matches(':');
        let kept: Vec<String> = inner
            .split_whitespace()
            .filter(|w| w.starts_with('#') || w.starts_with('.') || w.contains('='))
            .map(str::to_string)
            .collect();
        let empty = inner.trim().is_empty();
        if !kept.is_empty() || empty {
            s = format!("{}{{{}}}", &s[..open], kept.join(" "));
            if kept.is_empty() {
                s.truncate(open);
            }
        }
        return s;
    }
    // `){ ... }`, `){: ... }` after links and images, `]{: ... }` after
    // reference links.
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    let next = |r: &str| match (r.find("){"), r.find("]{")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    while let Some(i) = next(rest) {
        out.push_str(&rest[..i + 1]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(end)
                if after[1..end]
                    .trim_start()
                    .trim_start_matches(':')
                    .trim_start()
                    .starts_with(['#', '.'])
                    || after[1..end].contains('=') =>
            {
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Copy a code fence opened on line `start` unchanged; returns the index
/// after its closing line.
pub(super) fn copy_fence(
    lines: &[Line],
    start: usize,
    c: char,
    n: usize,
    out: &mut Vec<Line>,
) -> usize {
    out.push(lines[start].clone());
    copy_fence_body(lines, start + 1, c, n, out)
}

/// Copy a code fence's lines from `from` through its closing line; returns
/// the index after it.
pub(super) fn copy_fence_body(
    lines: &[Line],
    from: usize,
    c: char,
    n: usize,
    out: &mut Vec<Line>,
) -> usize {
    let mut i = from;
    while i < lines.len() {
        let closes = fence_closes(lines[i].text.trim_start(), c, n);
        out.push(lines[i].clone());
        i += 1;
        if closes {
            break;
        }
    }
    i
}

/// Call `f` on every line outside code fences (the fence lines excluded).
pub(super) fn outside_fences(lines: &mut [Line], mut f: impl FnMut(&mut Line)) {
    let mut fence: Option<(char, usize)> = None;
    for l in lines.iter_mut() {
        let t = l.text.trim_start();
        if let Some((c, n)) = fence {
            if fence_closes(t, c, n) {
                fence = None;
            }
            continue;
        }
        if let Some((c, n, _)) = fence_open(t) {
            fence = Some((c, n));
            continue;
        }
        f(l);
    }
}

/// `!!! type "Title"` (a callout) or `??? type` / `???+ type` (a folded
/// callout) on line `start`; returns the index after its body.
fn admonition_block(
    lines: &[Line],
    start: usize,
    marker: &str,
    out: &mut Vec<Line>,
    depth: usize,
) -> usize {
    let l = &lines[start];
    let trimmed = l.text.trim_start();
    let prefix = &l.text[..l.text.len() - trimmed.len()];
    let rest = &trimmed[marker.trim_end().len()..];
    let (kind, title) = title_of(rest);
    let class = callout_class(&kind);
    let end = body_end(lines, start, indent_of(&l.text));
    let (open, close) = if marker.starts_with('?') {
        let open_attr = if marker.starts_with("???+") {
            " open"
        } else {
            ""
        };
        (
            format!(
                "{prefix}<details class=\"callout callout-{class}\"{open_attr}><summary class=\"callout-title\">{}</summary>",
                crate::html::escape(title.as_deref().unwrap_or(&kind))
            ),
            format!("{prefix}</details>"),
        )
    } else {
        let title_html = title
            .map(|t| format!("<p class=\"callout-title\">{}</p>", crate::html::escape(&t)))
            .unwrap_or_default();
        (
            format!("{prefix}<div class=\"callout callout-{class}\" role=\"note\">{title_html}"),
            format!("{prefix}</div>"),
        )
    };
    out.push(synth(open, l));
    out.push(synth(String::new(), l));
    let body: Vec<Line> = lines[start + 1..end].iter().map(|b| dedent(b, 4)).collect();
    convert(&body, out, depth + 1);
    let last = &lines[end - 1];
    out.push(synth(String::new(), last));
    out.push(synth(close, last));
    out.push(synth(String::new(), last));
    end
}

/// Rewrite the block syntax of `lines` (one nesting level) into `out`.
pub(super) fn convert(lines: &[Line], out: &mut Vec<Line>, depth: usize) {
    let mut i = 0;
    // Open HTML blocks with a `markdown` attribute: (tag, nesting of that tag).
    let mut md_html: Vec<(String, usize)> = Vec::new();
    while i < lines.len() {
        let l = &lines[i];
        let trimmed = l.text.trim_start();
        // Code fences pass unchanged (a group of `tab=` fences becomes tabs).
        if let Some((c, n, info)) = fence_open(trimmed) {
            if tab_attr(info).is_some() {
                i = tab_fences(lines, i, out);
                continue;
            }
            i = copy_fence(lines, i, c, n, out);
            continue;
        }
        let admonition = ["!!! ", "??? ", "???+ "]
            .iter()
            .find(|m| trimmed.starts_with(**m) || trimmed == m.trim_end());
        if let Some(marker) = admonition.filter(|_| depth < 16) {
            i = admonition_block(lines, i, marker, out, depth);
            continue;
        }
        if let Some(end) = generic_block(lines, i, out, depth) {
            i = end;
            continue;
        }
        if (trimmed.starts_with("=== ")
            || trimmed.starts_with("===+ ")
            || trimmed.starts_with("===! "))
            && depth < 16
        {
            i = tabs(lines, i, out, depth);
            continue;
        }
        if let Some((name, cleaned)) = markdown_html_open(&l.text) {
            out.push(synth(cleaned, l));
            out.push(synth(String::new(), l));
            md_html.push((name, 0));
            i += 1;
            continue;
        }
        if let Some((name, nested)) = md_html.last_mut() {
            let open = format!("<{name}");
            let close = format!("</{name}>");
            if trimmed.trim_end() == close && *nested == 0 {
                out.push(synth(String::new(), l));
                out.push(l.clone());
                out.push(synth(String::new(), l));
                md_html.pop();
                i += 1;
                continue;
            }
            *nested += trimmed.matches(&open).count();
            *nested = nested.saturating_sub(trimmed.matches(&close).count());
        }
        let text = if l.text.contains('{') {
            attr_lists(&l.text)
        } else {
            l.text.clone()
        };
        out.push(Line {
            text,
            src: l.src,
            shift: l.shift,
        });
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Preprocessed {
        let d = tempfile::tempdir().unwrap();
        let cx = SnippetCx {
            root: d.path(),
            docs: d.path(),
            bound: d.path(),
            bases: Vec::new(),
            auto_append: Vec::new(),
        };
        preprocess(text, &d.path().join("a.md"), Path::new("docs/a.md"), &cx)
    }

    #[test]
    fn admonitions_nest_and_keep_their_lines() {
        let p = run(
            "Intro\n\n!!! warning \"Mind the gap\"\n    Body *text*.\n\n    ```go\n    x := 1\n    ```\n\n    !!! tip\n        Inner.\n\nAfter\n",
        );
        assert!(p.text.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Mind the gap</p>"), "{}", p.text);
        assert!(p.text.contains("\nBody *text*.\n"), "{}", p.text);
        assert!(p.text.contains("\n```go\nx := 1\n```\n"), "{}", p.text);
        assert!(p.text.contains("callout-tip"), "{}", p.text);
        assert!(
            p.text.contains("<p class=\"callout-title\">Tip</p>"),
            "{}",
            p.text
        );
        // `x := 1` is source line 7, 4 columns were removed.
        let at = p.text.lines().position(|l| l == "x := 1").unwrap();
        assert_eq!(p.line_map[at], (7, 4));
        let after = p.text.lines().position(|l| l == "After").unwrap();
        assert_eq!(p.line_map[after].0, 13);
    }

    #[test]
    fn details_tabs_and_fence_tabs() {
        let p = run("??? note \"More\"\n    Hidden.\n\n???+ danger\n    Open.\n");
        assert!(p.text.contains("<details class=\"callout callout-note\"><summary class=\"callout-title\">More</summary>"));
        assert!(
            p.text
                .contains("<details class=\"callout callout-caution\" open>")
        );
        let p = run(
            "=== \"Go\"\n\n    ```go\n    go run .\n    ```\n\n=== \"Shell\"\n    Run it.\n\nAfter.\n",
        );
        assert_eq!(p.text.matches("data-tabbed").count(), 1, "{}", p.text);
        assert!(p.text.contains("data-label=\"Go\""));
        assert!(p.text.contains("data-label=\"Shell\""));
        assert!(p.text.contains("\n```go\ngo run .\n```\n"), "{}", p.text);
        let p = run("```go tab=\"Go\"\nx\n```\n\n```bash tab=\"Shell\"\ny\n```\n");
        assert_eq!(p.text.matches("data-tabbed").count(), 1, "{}", p.text);
        assert!(p.text.contains("```go\nx\n```"), "{}", p.text);
        assert!(!p.text.contains("tab="), "{}", p.text);
    }

    #[test]
    fn generic_blocks() {
        let p = run(
            "/// warning | Careful\nText.\n///\n\n/// details | More\n    type: tip\n    open: true\nHidden.\n///\n\n/// tab | A\nOne.\n///\n\n/// tab | B\nTwo.\n///\n\n//// html | div.result\n```md\n///\n```\n////\n",
        );
        assert!(p.text.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Careful</p>"), "{}", p.text);
        assert!(p.text.contains("<details class=\"callout callout-tip\" open><summary class=\"callout-title\">More</summary>"), "{}", p.text);
        assert!(!p.text.contains("type: tip"), "{}", p.text);
        assert_eq!(p.text.matches("data-tabbed").count(), 1, "{}", p.text);
        assert!(p.text.contains("data-label=\"B\""), "{}", p.text);
        assert!(
            p.text
                .contains("<div class=\"result\">\n\n```md\n///\n```\n\n</div>"),
            "{}",
            p.text
        );
        assert!(
            !p.text
                .lines()
                .any(|l| l.trim() == "///" && !p.text.contains("```md\n///")),
            "{}",
            p.text
        );
    }

    #[test]
    fn attribute_lists_html_and_abbreviations() {
        let p = run(
            "## Setup {: #setup-id .wide }\n\n[Go](go.md){ .md-button }\n\n<div class=\"grid\" markdown>\n- one\n</div>\n\nThe HTTP API.\n\n*[HTTP]: Hyper Text Transfer Protocol\n",
        );
        assert!(p.text.contains("## Setup {#setup-id .wide}"), "{}", p.text);
        assert!(p.text.contains("[Go](go.md)\n"), "{}", p.text);
        assert_eq!(
            attr_lists("[:icon:][_ref]{: .source-link } and [x](y){ .b }"),
            "[:icon:][_ref] and [x](y)"
        );
        assert!(
            p.text.contains("<div class=\"grid\">\n\n- one\n\n</div>\n"),
            "{}",
            p.text
        );
        assert!(
            p.text
                .contains("The <abbr title=\"Hyper Text Transfer Protocol\">HTTP</abbr> API."),
            "{}",
            p.text
        );
        assert!(!p.text.contains("*[HTTP]"));
    }
}
