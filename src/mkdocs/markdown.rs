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

/// The rewritten text and its line map.
pub struct Preprocessed {
    /// Markdown for the renderer.
    pub text: String,
    /// For each output line: (1-based source line, columns removed).
    pub line_map: Vec<(u32, u32)>,
    /// Snippets that could not be inserted.
    pub errors: Vec<Diagnostic>,
}

/// Rewrite a page's whole text (front matter included: it passes unchanged).
pub fn preprocess(text: &str, file: &Path, display: &Path, cx: &SnippetCx<'_>) -> Preprocessed {
    let lines = crate::lines::split(text);
    let mut errors = Vec::new();
    let lines = snippets::expand(lines, file, display, cx, &mut errors);
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

fn indent_of(s: &str) -> usize {
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
fn dedent(l: &Line, cols: usize) -> Line {
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

fn synth(text: String, like: &Line) -> Line {
    crate::lines::like(text, like)
}

/// The body of a block opened at indent `base` on line `start`: following
/// lines that are blank or indented at least `base + 4`; trailing blank
/// lines are not part of it. Returns (body end index, exclusive).
fn body_end(lines: &[Line], start: usize, base: usize) -> usize {
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
fn callout_class(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "tip" | "hint" | "success" | "check" | "done" => "tip",
        "important" => "important",
        "warning" | "caution" | "attention" => "warning",
        "danger" | "error" | "failure" | "fail" | "missing" | "bug" => "caution",
        _ => "note",
    }
}

/// `note "Title"` -> (type, title). No title: the type, capitalised; `""`: none.
fn title_of(rest: &str) -> (String, Option<String>) {
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
fn tab_attr(info: &str) -> Option<(String, String)> {
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

/// Rewrite the block syntax of `lines` (one nesting level) into `out`.
fn convert(lines: &[Line], out: &mut Vec<Line>, depth: usize) {
    let mut i = 0;
    // Open HTML blocks with a `markdown` attribute: (tag, nesting of that tag).
    let mut md_html: Vec<(String, usize)> = Vec::new();
    while i < lines.len() {
        let l = &lines[i];
        let trimmed = l.text.trim_start();
        let indent = indent_of(&l.text);
        let prefix = &l.text[..l.text.len() - trimmed.len()];
        // Code fences pass unchanged (a group of `tab=` fences becomes tabs).
        if let Some((c, n, info)) = fence_open(trimmed) {
            if tab_attr(info).is_some() {
                i = tab_fences(lines, i, out);
                continue;
            }
            out.push(l.clone());
            i += 1;
            while i < lines.len() {
                let closes = fence_closes(lines[i].text.trim_start(), c, n);
                out.push(lines[i].clone());
                i += 1;
                if closes {
                    break;
                }
            }
            continue;
        }
        let admonition = ["!!! ", "??? ", "???+ "]
            .iter()
            .find(|m| trimmed.starts_with(**m) || trimmed == m.trim_end());
        if let Some(marker) = admonition.filter(|_| depth < 16) {
            let rest = &trimmed[marker.trim_end().len()..];
            let (kind, title) = title_of(rest);
            let class = callout_class(&kind);
            let end = body_end(lines, i, indent);
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
                    format!(
                        "{prefix}<div class=\"callout callout-{class}\" role=\"note\">{title_html}"
                    ),
                    format!("{prefix}</div>"),
                )
            };
            out.push(synth(open, l));
            out.push(synth(String::new(), l));
            let body: Vec<Line> = lines[i + 1..end].iter().map(|b| dedent(b, 4)).collect();
            let mut inner = Vec::new();
            convert(&body, &mut inner, depth + 1);
            out.extend(inner);
            let last = &lines[end - 1];
            out.push(synth(String::new(), last));
            out.push(synth(close, last));
            out.push(synth(String::new(), last));
            i = end;
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

/// `/// name | title` ... `///`: PyMdown's generic blocks (admonition types,
/// `details`, `tab`, `html`, `caption`, `define`). Returns the index after
/// the block, or None when line `start` does not open one.
fn generic_block(lines: &[Line], start: usize, out: &mut Vec<Line>, depth: usize) -> Option<usize> {
    let l = &lines[start];
    let t = l.text.trim();
    let slashes = t.chars().take_while(|&c| c == '/').count();
    if slashes < 3 || depth >= 16 {
        return None;
    }
    let head = t[slashes..].trim();
    if head.is_empty() {
        return None; // a closing marker out of place: leave it
    }
    let (name, title) = match head.split_once('|') {
        Some((n, t)) => (n.trim(), Some(t.trim().to_string())),
        None => (head, None),
    };
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    // The closing line: the same number of slashes alone, outside fences.
    let mut end = start + 1;
    let mut fence: Option<(char, usize)> = None;
    while end < lines.len() {
        let x = lines[end].text.trim();
        match fence {
            Some((c, n)) if fence_closes(x, c, n) => fence = None,
            Some(_) => {}
            None => {
                if let Some((c, n, _)) = fence_open(x) {
                    fence = Some((c, n));
                } else if x.len() == slashes && x.chars().all(|c| c == '/') {
                    break;
                }
            }
        }
        end += 1;
    }
    if end >= lines.len() {
        return None; // never closed: not a block
    }
    // Options: indented `key: value` lines right after the opening.
    let mut body_start = start + 1;
    let mut options: Vec<(String, String)> = Vec::new();
    while body_start < end && indent_of(&lines[body_start].text) >= 4 {
        if let Some((k, v)) = lines[body_start].text.trim().split_once(':') {
            options.push((
                k.trim().to_string(),
                v.trim().trim_matches(['"', '\'']).to_string(),
            ));
        }
        body_start += 1;
    }
    let option = |k: &str| {
        options
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let (open, close) = match name {
        "details" => {
            let kind = option("type").unwrap_or_else(|| "note".into());
            let open = if option("open").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
                " open"
            } else {
                ""
            };
            (
                format!(
                    "<details class=\"callout callout-{}\"{open}><summary class=\"callout-title\">{}</summary>",
                    callout_class(&kind),
                    crate::html::escape(title.as_deref().unwrap_or("Details"))
                ),
                "</details>".to_string(),
            )
        }
        "tab" => {
            let label = crate::html::escape(title.as_deref().unwrap_or(""));
            // Consecutive tab blocks form one set; `new: true` starts another.
            let prev_tab = out
                .iter()
                .rev()
                .find(|x| !x.text.trim().is_empty())
                .is_some_and(|x| x.text.trim() == "</div><!--tab-->");
            if prev_tab && option("new").is_none_or(|v| !v.eq_ignore_ascii_case("true")) {
                // Reopen the set the previous tab closed.
                while out.last().is_some_and(|x| x.text.trim().is_empty()) {
                    out.pop();
                }
                out.pop();
            } else {
                out.push(synth("<div class=\"tabbed-set\" data-tabbed>".into(), l));
                out.push(synth(String::new(), l));
            }
            (
                format!(
                    "<div class=\"tabbed-block\" data-label=\"{label}\"><p class=\"tabbed-label\">{label}</p>"
                ),
                "</div>\n</div><!--tab-->".to_string(),
            )
        }
        "html" => {
            let spec = title.clone().unwrap_or_else(|| "div".into());
            let tag: String = spec
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let tag = if tag.is_empty() {
                "div".to_string()
            } else {
                tag
            };
            let classes: Vec<&str> = spec
                .split('.')
                .skip(1)
                .map(|c| c.split('#').next().unwrap_or(""))
                .collect();
            let class_attr = if classes.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", crate::html::escape(&classes.join(" ")))
            };
            (format!("<{tag}{class_attr}>"), format!("</{tag}>"))
        }
        "caption" | "define" | "figure-caption" | "table-caption" => {
            ("<div>".into(), "</div>".into())
        }
        other => {
            // Admonitions: `/// note | Title`, `/// admonition | Title` + `type:`.
            let kind = if other == "admonition" {
                option("type").unwrap_or_else(|| "note".into())
            } else {
                other.to_string()
            };
            let title = title.or_else(|| {
                (other != "admonition").then(|| {
                    let mut c = other.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
            });
            let title_html = title
                .map(|t| format!("<p class=\"callout-title\">{}</p>", crate::html::escape(&t)))
                .unwrap_or_default();
            (
                format!(
                    "<div class=\"callout callout-{}\" role=\"note\">{title_html}",
                    callout_class(&kind)
                ),
                "</div>".to_string(),
            )
        }
    };
    out.push(synth(open, l));
    out.push(synth(String::new(), l));
    convert(&lines[body_start..end], out, depth + 1);
    let last = &lines[end];
    out.push(synth(String::new(), last));
    for c in close.split('\n') {
        out.push(synth(c.to_string(), last));
    }
    out.push(synth(String::new(), last));
    Some(end + 1)
}

/// The indentation a block's lines keep.
fn prefix_of(l: &Line) -> String {
    l.text[..l.text.len() - l.text.trim_start().len()].to_string()
}

/// `<div class="tabbed-set">` and the blank line Markdown needs after it.
fn open_tab_set(out: &mut Vec<Line>, prefix: &str, at: &Line) {
    out.push(synth(
        format!("{prefix}<div class=\"tabbed-set\" data-tabbed>"),
        at,
    ));
    out.push(synth(String::new(), at));
}

/// One tab's opening (its label shown without JavaScript).
fn open_tab(out: &mut Vec<Line>, prefix: &str, label: &str, selected: bool, at: &Line) {
    let sel = if selected { " data-selected" } else { "" };
    out.push(synth(
        format!(
            "{prefix}<div class=\"tabbed-block\" data-label=\"{0}\"{sel}><p class=\"tabbed-label\">{0}</p>",
            crate::html::escape(label)
        ),
        at,
    ));
    out.push(synth(String::new(), at));
}

/// Close a `<div>` with blank lines around it, as Markdown needs.
fn close_div(out: &mut Vec<Line>, prefix: &str, at: &Line) {
    out.push(synth(String::new(), at));
    out.push(synth(format!("{prefix}</div>"), at));
    out.push(synth(String::new(), at));
}

/// A group of `=== "Label"` tabs starting at line `start`; returns the index
/// after the group.
fn tabs(lines: &[Line], start: usize, out: &mut Vec<Line>, depth: usize) -> usize {
    let base = indent_of(&lines[start].text);
    let prefix = prefix_of(&lines[start]);
    open_tab_set(out, &prefix, &lines[start]);
    let mut i = start;
    loop {
        let l = &lines[i];
        let t = l.text.trim_start();
        let (marker, rest) = t.split_once(' ').unwrap_or((t, ""));
        let label = rest.trim().trim_matches('"');
        let end = body_end(lines, i, base);
        open_tab(out, &prefix, label, marker == "===+", l);
        let body: Vec<Line> = lines[i + 1..end].iter().map(|b| dedent(b, 4)).collect();
        convert(&body, out, depth + 1);
        let last = &lines[end - 1];
        close_div(out, &prefix, last);
        // The group goes on while the next non-blank line is another tab.
        let next = next_content(lines, end);
        let continues = next < lines.len()
            && indent_of(&lines[next].text) == base
            && lines[next].text.trim_start().starts_with("===")
            && !lines[next].text.trim_start().starts_with("===! ");
        if !continues {
            out.push(synth(format!("{prefix}</div>"), last));
            out.push(synth(String::new(), last));
            return end;
        }
        i = next;
    }
}

/// The first non-blank line at or after `from` (or the end).
fn next_content(lines: &[Line], from: usize) -> usize {
    let mut next = from;
    while next < lines.len() && lines[next].text.trim().is_empty() {
        next += 1;
    }
    next
}

/// Consecutive fences with `tab="Label"` (the older SuperFences form).
fn tab_fences(lines: &[Line], start: usize, out: &mut Vec<Line>) -> usize {
    let prefix = prefix_of(&lines[start]);
    open_tab_set(out, &prefix, &lines[start]);
    let mut i = start;
    loop {
        let l = &lines[i];
        let Some((c, n, info)) = fence_open(l.text.trim_start()) else {
            break;
        };
        let Some((label, cleaned)) = tab_attr(info) else {
            break;
        };
        open_tab(out, &prefix, &label, false, l);
        let fence: String = std::iter::repeat_n(c, n).collect();
        out.push(synth(format!("{prefix}{fence}{cleaned}"), l));
        i += 1;
        while i < lines.len() {
            let closes = fence_closes(lines[i].text.trim_start(), c, n);
            out.push(lines[i].clone());
            i += 1;
            if closes {
                break;
            }
        }
        close_div(out, &prefix, &lines[i - 1]);
        let next = next_content(lines, i);
        let more = next < lines.len()
            && fence_open(lines[next].text.trim_start())
                .is_some_and(|(_, _, info)| tab_attr(info).is_some());
        if !more {
            break;
        }
        i = next;
    }
    let last = &lines[i.saturating_sub(1)];
    out.push(synth(format!("{prefix}</div>"), last));
    out.push(synth(String::new(), last));
    i
}

/// Remove `*[ABBR]: expansion` lines (left blank, so lines keep their numbers).
fn take_abbreviations(mut lines: Vec<Line>) -> (Vec<Line>, Vec<(String, String)>) {
    let mut abbrs = Vec::new();
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
        if let Some(rest) = t.strip_prefix("*[")
            && let Some((abbr, def)) = rest.split_once("]:")
            && !abbr.is_empty()
        {
            abbrs.push((abbr.to_string(), def.trim().to_string()));
            l.text.clear();
        }
    }
    // Longest first, so `HTTPS` wins over `HTTP`.
    abbrs.sort_by_key(|a| std::cmp::Reverse(a.0.len()));
    (lines, abbrs)
}

/// Wrap whole-word occurrences of abbreviations in `<abbr title>`, outside
/// code fences, code spans, HTML tags and link destinations.
fn apply_abbreviations(lines: &mut [Line], abbrs: &[(String, String)]) {
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
        if t.starts_with('<') || indent_of(&l.text) >= 4 {
            continue;
        }
        l.text = abbreviate(&l.text, abbrs);
    }
}

fn abbreviate(text: &str, abbrs: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    'outer: while i < text.len() {
        let c = bytes[i];
        // Skip code spans, tags and link destinations whole.
        let skip_to = match c {
            b'`' => text[i + 1..].find('`').map(|e| i + 1 + e + 1),
            b'<' => text[i..].find('>').map(|e| i + e + 1),
            b'(' if i > 0 && bytes[i - 1] == b']' => text[i..].find(')').map(|e| i + e + 1),
            _ => None,
        };
        if let Some(to) = skip_to {
            out.push_str(&text[i..to]);
            i = to;
            continue;
        }
        if i == 0 || !word(bytes[i - 1]) {
            for (a, def) in abbrs {
                let end = i + a.len();
                if text[i..].starts_with(a.as_str()) && (end == text.len() || !word(bytes[end])) {
                    out.push_str(&format!(
                        "<abbr title=\"{}\">{a}</abbr>",
                        crate::html::escape(def)
                    ));
                    i = end;
                    continue 'outer;
                }
            }
        }
        let ch = text[i..].chars().next().expect("in bounds");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
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
