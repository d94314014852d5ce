//! How the index is written: one script per file, postings as base-64
//! strings, documents chunks with page fields once (the format the browser's
//! `search.js` reads; see the module above for why).

use std::fmt::Write as _;

use super::shards::{Postings, Shard, Tails};
use super::{Doc, EXACT, Kind, PageRow};
use crate::render::Output;

/// The digits of the postings strings (URL-safe base 64: nothing to escape
/// in JSON or in a script).
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// File-name-safe shard id for a prefix.
pub(super) fn shard_id(prefix: &str) -> String {
    let mut s = String::from("s-");
    for b in prefix.bytes() {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// One index file: `search/NAME.js`, handing `json` to the page's loader.
pub(super) fn emit(name: &str, json: &str) -> Output {
    Output {
        path: format!("search/{name}.js"),
        bytes: std::sync::Arc::new(
            format!("handbookSearchLoaded({name:?},{json});\n").into_bytes(),
        ),
    }
}

/// Append `n` as base-64 digits, most significant first; every digit but the
/// last has its sixth bit set.
fn push_varint(out: &mut String, n: usize) {
    let mut groups = [0u8; 13];
    let mut len = 0;
    let mut n = n;
    loop {
        groups[len] = (n & 31) as u8;
        len += 1;
        n >>= 5;
        if n == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        let more = if i > 0 { 32 } else { 0 };
        out.push(char::from(DIGITS[usize::from(groups[i] | more)]));
    }
}

/// A term's postings (documents ascending, scores below 64) as one string.
pub(super) fn encode_postings(list: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(list.len() * 3);
    let mut last = 0;
    for &(d, s) in list {
        push_varint(&mut out, (d - last) as usize);
        out.push(char::from(DIGITS[s.min(EXACT) as usize]));
        last = d;
    }
    out
}

/// One documents chunk: `{"p": [[url, title, crumb, kind], ...], "d":
/// [[page, anchor, heading, trail, text], ...]}`, where `page` indexes `p`.
/// A document's URL is its page's plus `#anchor`; its title is the page's
/// title, then ` › heading`; its breadcrumb is the page's, then ` › trail`.
pub(super) fn chunk_json(chunk: &[Doc], pages: &[PageRow]) -> String {
    let mut local: Vec<usize> = Vec::new();
    let rows: Vec<(usize, &str, &str, &str, &str)> = chunk
        .iter()
        .map(|d| {
            // A page's documents are consecutive.
            if local.last() != Some(&d.page) {
                local.push(d.page);
            }
            (
                local.len() - 1,
                d.anchor.as_str(),
                d.heading.as_str(),
                d.trail.as_str(),
                d.text.as_str(),
            )
        })
        .collect();
    let page_rows: Vec<(&str, &str, &str, Kind)> = local
        .iter()
        .map(|&p| {
            let p = &pages[p];
            (p.url.as_str(), p.title.as_str(), p.crumb.as_str(), p.kind)
        })
        .collect();
    serde_json::json!({ "p": page_rows, "d": rows }).to_string()
}

/// One shard's JSON: term -> its postings string ([`encode_postings`]), or
/// for a term with a tail file `[head postings, documents in all]`; under the
/// key `""` (never a term) the completions of a split prefix.
pub(super) fn shard_json(shard: &Shard<'_>, postings: &Postings, tails: &Tails) -> String {
    let mut json = String::from("{");
    if !shard.completions.is_empty() {
        json.push_str("\"\":");
        json.push_str(&serde_json::to_string(&shard.completions).expect("strings serialise"));
    }
    for (i, t) in shard.terms.iter().enumerate() {
        if i > 0 || !shard.completions.is_empty() {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(t).expect("string serialises"));
        json.push(':');
        let head = encode_postings(&postings[*t]);
        match tails.get(*t) {
            Some((df, _)) => {
                let _ = write!(json, "[\"{head}\",{df}]");
            }
            None => {
                json.push('"');
                json.push_str(&head);
                json.push('"');
            }
        }
    }
    json.push('}');
    json
}

#[cfg(test)]
mod tests {
    use super::{DIGITS, EXACT, encode_postings};

    /// The browser's decoder, written again from the format's description.
    fn decode(s: &str) -> Vec<(u32, u32)> {
        let value = |c: u8| DIGITS.iter().position(|&d| d == c).unwrap();
        let (mut out, mut doc, mut n) = (Vec::new(), 0, 0);
        let mut bytes = s.bytes();
        while let Some(c) = bytes.next() {
            let v = value(c);
            n = n * 32 + (v & 31);
            if v & 32 == 0 {
                doc += n;
                n = 0;
                out.push((doc as u32, value(bytes.next().unwrap()) as u32));
            }
        }
        out
    }

    #[test]
    fn postings_round_trip_through_the_string_format() {
        let list = vec![
            (0, 1),
            (1, 62),
            (31, 5),
            (32, EXACT),
            (1055, 40),
            (1056, 2),
            (40_000, 7),
            (1_200_000, 62),
        ];
        let s = encode_postings(&list);
        assert_eq!(decode(&s), list);
        // Small gaps take one digit, then one for the score.
        assert_eq!(encode_postings(&[(3, 1), (4, 2)]), "DBBC");
        // 32 = 1 * 32 + 0: a digit with the "more" bit, then 0.
        assert_eq!(encode_postings(&[(32, 0)]), "hAA");
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
}
