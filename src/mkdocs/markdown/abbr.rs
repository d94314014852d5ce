//! Abbreviations: `*[ABBR]: expansion` definitions and `<abbr title>`.

use super::{Line, indent_of, outside_fences};

/// Remove `*[ABBR]: expansion` lines (left blank, so lines keep their numbers).
pub(super) fn take_abbreviations(mut lines: Vec<Line>) -> (Vec<Line>, Vec<(String, String)>) {
    let mut abbrs = Vec::new();
    outside_fences(&mut lines, |l| {
        if let Some(rest) = l.text.trim_start().strip_prefix("*[")
            && let Some((abbr, def)) = rest.split_once("]:")
            && !abbr.is_empty()
        {
            abbrs.push((abbr.to_string(), def.trim().to_string()));
            l.text.clear();
        }
    });
    // Longest first, so `HTTPS` wins over `HTTP`.
    abbrs.sort_by_key(|a| std::cmp::Reverse(a.0.len()));
    (lines, abbrs)
}

/// Wrap whole-word occurrences of abbreviations in `<abbr title>`, outside
/// code fences, code spans, HTML tags and link destinations.
pub(super) fn apply_abbreviations(lines: &mut [Line], abbrs: &[(String, String)]) {
    outside_fences(lines, |l| {
        if !l.text.trim_start().starts_with('<') && indent_of(&l.text) < 4 {
            l.text = abbreviate(&l.text, abbrs);
        }
    });
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
