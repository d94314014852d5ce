//! Content tabs: `=== "Label"` groups and consecutive `tab="Label"` fences.

use super::{Line, body_end, convert, copy_fence_body, dedent, indent_of, synth, tab_attr};
use crate::lines::fence_open;

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
pub(super) fn tabs(lines: &[Line], start: usize, out: &mut Vec<Line>, depth: usize) -> usize {
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
pub(super) fn tab_fences(lines: &[Line], start: usize, out: &mut Vec<Line>) -> usize {
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
        i = copy_fence_body(lines, i + 1, c, n, out);
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
