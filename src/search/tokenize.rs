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

/// Split camelCase and digit boundaries: `HandlerFunc` -> handler, func;
/// `HighP99Latency` -> high, p99, latency; `GOMAXPROCS` stays whole.
fn camel_parts(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut parts = Vec::new();
    let mut cur = String::new();
    for i in 0..chars.len() {
        let c = chars[i];
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()))
                    || (p.is_ascii_digit() && c.is_uppercase())
            }
            None => false,
        };
        if boundary && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur).to_lowercase());
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        parts.push(cur.to_lowercase());
    }
    parts
}

/// Would [`camel_parts`] split `s`? (Checked without allocating.)
fn has_camel_boundary(s: &str) -> bool {
    let mut prev: Option<char> = None;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if let Some(p) = prev {
            let next = it.peek().copied();
            if (p.is_lowercase() && c.is_uppercase())
                || (p.is_uppercase() && c.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
                || (p.is_ascii_digit() && c.is_uppercase())
            {
                return true;
            }
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
    for raw in text.split(|c: char| !is_token_char(c)) {
        let raw = raw.trim_matches(|c: char| matches!(c, '.' | '-' | '_'));
        let raw = raw.trim_end_matches('%');
        if raw.is_empty() || raw.chars().all(|c| !c.is_alphanumeric()) {
            continue;
        }
        // Fast path: most prose is plain lowercase ASCII words.
        if raw.bytes().all(|b| b.is_ascii_lowercase()) {
            if !STOP.contains(&raw) {
                push(&stem(raw), 2);
            }
            continue;
        }
        let lower = raw.to_lowercase();
        let segments: Vec<&str> = raw
            .split(['.', '_', '-'])
            .filter(|s| !s.is_empty())
            .collect();
        let plain = segments.len() == 1 && !has_camel_boundary(raw);
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
        for seg in segments {
            push(&seg.to_lowercase(), 1);
            let camel = camel_parts(seg);
            if camel.len() > 1 {
                for p in camel {
                    push(&p, 1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
