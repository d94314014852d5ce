//! PyMdown's generic blocks: `/// name | title` ... `///`.

use super::{Line, callout_class, convert, indent_of, synth};
use crate::lines::{fence_closes, fence_open};

/// `/// name | title` ... `///`: PyMdown's generic blocks (admonition types,
/// `details`, `tab`, `html`, `caption`, `define`). Returns the index after
/// the block, or None when line `start` does not open one.
pub(super) fn generic_block(
    lines: &[Line],
    start: usize,
    out: &mut Vec<Line>,
    depth: usize,
) -> Option<usize> {
    let l = &lines[start];
    let (slashes, name, title) = opening(&l.text)?;
    if depth >= 16 {
        return None;
    }
    let end = closing(lines, start, slashes)?;
    let (body_start, options) = block_options(lines, start, end);
    let block = Block {
        title,
        options: &options,
    };
    let (open, close) = match name {
        "details" => block.details(),
        "tab" => block.tab(out, l),
        "html" => block.html(),
        "caption" | "define" | "figure-caption" | "table-caption" => {
            ("<div>".into(), "</div>".into())
        }
        other => block.admonition(other),
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

/// An opening line: (number of slashes, block name, title after `|`).
fn opening(line: &str) -> Option<(usize, &str, Option<String>)> {
    let t = line.trim();
    let slashes = t.chars().take_while(|&c| c == '/').count();
    if slashes < 3 {
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
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        .then_some((slashes, name, title))
}

/// The closing line: the same number of slashes alone, outside fences
/// (None: never closed, so not a block).
fn closing(lines: &[Line], start: usize, slashes: usize) -> Option<usize> {
    let mut fence: Option<(char, usize)> = None;
    for (end, line) in lines.iter().enumerate().skip(start + 1) {
        let x = line.text.trim();
        match fence {
            Some((c, n)) if fence_closes(x, c, n) => fence = None,
            Some(_) => {}
            None => {
                if let Some((c, n, _)) = fence_open(x) {
                    fence = Some((c, n));
                } else if x.len() == slashes && x.chars().all(|c| c == '/') {
                    return Some(end);
                }
            }
        }
    }
    None
}

/// Options: indented `key: value` lines right after the opening. Returns
/// the first body line and the options.
fn block_options(lines: &[Line], start: usize, end: usize) -> (usize, Vec<(String, String)>) {
    let mut body_start = start + 1;
    let mut options = Vec::new();
    while body_start < end && indent_of(&lines[body_start].text) >= 4 {
        if let Some((k, v)) = lines[body_start].text.trim().split_once(':') {
            options.push((
                k.trim().to_string(),
                v.trim().trim_matches(['"', '\'']).to_string(),
            ));
        }
        body_start += 1;
    }
    (body_start, options)
}

/// A block's title and options, turned into its opening and closing HTML.
struct Block<'a> {
    title: Option<String>,
    options: &'a [(String, String)],
}

impl Block<'_> {
    fn option(&self, k: &str) -> Option<String> {
        self.options
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    }

    fn details(&self) -> (String, String) {
        let kind = self.option("type").unwrap_or_else(|| "note".into());
        let open = if self
            .option("open")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            " open"
        } else {
            ""
        };
        (
            format!(
                "<details class=\"callout callout-{}\"{open}><summary class=\"callout-title\">{}</summary>",
                callout_class(&kind),
                crate::html::escape(self.title.as_deref().unwrap_or("Details"))
            ),
            "</details>".to_string(),
        )
    }

    /// Consecutive tab blocks form one set; `new: true` starts another.
    fn tab(&self, out: &mut Vec<Line>, at: &Line) -> (String, String) {
        let label = crate::html::escape(self.title.as_deref().unwrap_or(""));
        let prev_tab = out
            .iter()
            .rev()
            .find(|x| !x.text.trim().is_empty())
            .is_some_and(|x| x.text.trim() == "</div><!--tab-->");
        if prev_tab
            && self
                .option("new")
                .is_none_or(|v| !v.eq_ignore_ascii_case("true"))
        {
            // Reopen the set the previous tab closed.
            while out.last().is_some_and(|x| x.text.trim().is_empty()) {
                out.pop();
            }
            out.pop();
        } else {
            out.push(synth("<div class=\"tabbed-set\" data-tabbed>".into(), at));
            out.push(synth(String::new(), at));
        }
        (
            format!(
                "<div class=\"tabbed-block\" data-label=\"{label}\"><p class=\"tabbed-label\">{label}</p>"
            ),
            "</div>\n</div><!--tab-->".to_string(),
        )
    }

    /// `/// html | tag.class1.class2`.
    fn html(&self) -> (String, String) {
        let spec = self.title.clone().unwrap_or_else(|| "div".into());
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

    /// Admonitions: `/// note | Title`, `/// admonition | Title` + `type:`.
    fn admonition(&self, name: &str) -> (String, String) {
        let kind = if name == "admonition" {
            self.option("type").unwrap_or_else(|| "note".into())
        } else {
            name.to_string()
        };
        let title = self.title.clone().or_else(|| {
            (name != "admonition").then(|| {
                let mut c = name.chars();
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
}
