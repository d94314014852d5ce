//! The search tokenizer. It exists twice, here (for the index) and in
//! `themes/default/static/search.js` (for queries); both are tested against
//! `tests/search/vectors.json`, so change them together.
//!
//! Rules: a token is a run of letters, digits and `_ . - %`, trimmed of edge
//! punctuation (a leading `%` stays: `%w`). The whole token is lowercased and
//! weighted 2. Tokens with inner `.`, `_` or `-` also yield their parts, and
//! camelCase parts yield their words, weighted 1. Plain words get light
//! stemming; a few English stop words are dropped.

use std::borrow::Cow;

/// English words too common to index.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "this", "to", "was", "with",
];

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '%')
}

/// Light English stemming for plain lowercase words.
pub fn stem(w: &str) -> Cow<'_, str> {
    if w.len() <= 3 || !w.chars().all(|c| c.is_ascii_lowercase()) {
        return Cow::Borrowed(w);
    }
    for (suffix, keep) in [
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", "e"),
        ("s", ""),
    ] {
        if let Some(base) = w.strip_suffix(suffix) {
            if suffix == "s" && (base.ends_with('s') || base.ends_with('u')) {
                continue;
            }
            if base.len() >= 3 {
                let mut out = base.to_string();
                out.push_str(keep);
                return Cow::Owned(out);
            }
        }
    }
    Cow::Borrowed(w)
}

/// Does a camelCase word start at `c` (after `p`, before `next`)?
/// `HandlerFunc` -> handler|func; `HighP99Latency` -> high|p99|latency;
/// `GOMAXPROCS` stays whole.
fn camel_boundary(p: char, c: char, next: Option<char>) -> bool {
    (p.is_lowercase() && c.is_uppercase())
        || (p.is_uppercase() && c.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
        || (p.is_ascii_digit() && c.is_uppercase())
}

/// Byte offsets in `s` where camelCase words after the first start.
fn camel_starts(s: &str, out: &mut Vec<usize>) {
    let mut prev: Option<char> = None;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if prev.is_some_and(|p| camel_boundary(p, c, it.peek().map(|&(_, n)| n))) {
            out.push(i);
        }
        prev = Some(c);
    }
}

/// Would [`camel_starts`] find a boundary in `s`?
fn has_camel_boundary(s: &str) -> bool {
    let mut prev: Option<char> = None;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if prev.is_some_and(|p| camel_boundary(p, c, it.peek().copied())) {
            return true;
        }
        prev = Some(c);
    }
    false
}

/// Tokens of `text` with weights (2: whole token, 1: part), in order, each
/// once (the first weight wins).
pub fn tokenize(text: &str) -> Vec<(String, u8)> {
    let mut out: Vec<(String, u8)> = Vec::new();
    each_token(text, |t, w| {
        if !out.iter().any(|(x, _)| x == t) {
            out.push((t.to_string(), w));
        }
    });
    out
}

/// Calls `f` with every token of `text` and its weight, in order, repeats
/// included. The indexer uses this form: most tokens of a long text are
/// repeats, and it needs no allocation for them.
pub fn each_token(text: &str, mut f: impl FnMut(&str, u8)) {
    let mut push = |t: &str, w: u8| {
        if !t.is_empty() {
            f(t, w);
        }
    };
    let (mut lower, mut part, mut starts) = (String::new(), String::new(), Vec::new());
    for raw in text.split(|c: char| !is_token_char(c)) {
        let raw = raw.trim_matches(|c: char| matches!(c, '.' | '-' | '_'));
        let raw = raw.trim_end_matches('%');
        if raw.is_empty() {
            continue;
        }
        // Fast path: most prose is plain lowercase ASCII words.
        if raw.bytes().all(|b| b.is_ascii_lowercase()) {
            if !STOP.contains(&raw) {
                push(&stem(raw), 2);
            }
            continue;
        }
        if raw.chars().all(|c| !c.is_alphanumeric()) {
            continue;
        }
        lowercase_into(&mut lower, raw);
        let mut segments = raw.split(SEPARATORS).filter(|s| !s.is_empty());
        let plain = segments.nth(1).is_none() && !has_camel_boundary(raw);
        if plain {
            // ALLCAPS words are identifiers (GOMAXPROCS): not stemmed.
            let caps = raw.chars().filter(|c| c.is_uppercase()).count();
            if caps > 1 {
                push(&lower, 2);
            } else if !STOP.contains(&lower.as_str()) {
                push(&stem(&lower), 2);
            }
            continue;
        }
        push(&lower, 2);
        for seg in raw.split(SEPARATORS).filter(|s| !s.is_empty()) {
            lowercase_into(&mut part, seg);
            push(&part, 1);
            starts.clear();
            camel_starts(seg, &mut starts);
            if !starts.is_empty() {
                starts.push(seg.len());
                let mut from = 0;
                for &to in &starts {
                    lowercase_into(&mut part, &seg[from..to]);
                    push(&part, 1);
                    from = to;
                }
            }
        }
    }
}

/// Characters that join the parts of a name: `ctx.Done`, `max_idle`, `GO-ERR-1`.
const SEPARATORS: [char; 3] = ['.', '_', '-'];

/// `s` lowercased into `buf` (reused between tokens).
fn lowercase_into(buf: &mut String, s: &str) {
    buf.clear();
    if s.is_ascii() {
        buf.push_str(s);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&s.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stemming_keeps_ss_us_and_leaves_names_alone() {
        for (word, stemmed) in [
            ("caches", "cache"),
            ("retries", "retry"),
            ("classes", "class"),
            ("timeouts", "timeout"),
            ("focused", "focus"),
            ("running", "runn"),
            // -ss and -us words are not plurals.
            ("class", "class"),
            ("status", "status"),
            // Short words and anything not plain lowercase stay as written.
            ("was", "was"),
            ("Tests", "Tests"),
            ("http2s", "http2s"),
        ] {
            assert_eq!(stem(word), stemmed, "{word}");
        }
    }

    #[test]
    fn shared_vectors() {
        let text = include_str!("../../tests/search/vectors.json");
        let vectors: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        assert!(vectors.len() >= 10);
        for v in vectors {
            let input = v["input"].as_str().unwrap();
            let expected: Vec<(String, u8)> = v["tokens"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    (
                        t[0].as_str().unwrap().to_string(),
                        t[1].as_u64().unwrap() as u8,
                    )
                })
                .collect();
            assert_eq!(tokenize(input), expected, "input: {input}");
        }
    }
}
