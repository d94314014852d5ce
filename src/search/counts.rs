//! Term counts of a page's own text, part by part: the costly half of
//! indexing, and the half a rebuild can reuse. A part's counts depend only on
//! its heading, prose and code, so `build` keeps them in a store by the
//! page's rendering key ([`crate::markdown::Rendered::source_key`]); what
//! depends on other files (the title, which SUMMARY.md or `nav` may set, and
//! the description) is counted at every build and added in: counts add up
//! call by call, so the sum is exactly what counting it all at once gives.

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use super::{SNIPPET, tokenize, truncate_chars};
use crate::markdown::{Heading, PageText};
use crate::store::Store;

/// Bump when what is counted, or how, changes: stored counts of another
/// version are not read.
pub const VERSION: &str = "terms-2";

/// Term counts of one document.
#[derive(Default)]
pub(super) struct TermCounts {
    /// Term -> (weighted count in the short fields, in the body, last `add`
    /// call that counted it): a term counts once per call (per sentence or
    /// code line), with the weight of its first occurrence.
    terms: HashMap<String, (u32, u32, u32)>,
    /// Body terms counted (the document's length for BM25).
    len: u32,
    calls: u32,
}

impl TermCounts {
    /// Count the terms of `text`, each once, with `weight` times the
    /// token's weight, in the body or the short fields.
    pub(super) fn add(&mut self, text: &str, weight: u32, body: bool) {
        self.calls += 1;
        let call = self.calls;
        tokenize::each_token(text, |t, w| {
            let score = weight * u32::from(w);
            // Look up before inserting: most tokens are already there, and
            // `entry` would allocate the key every time.
            if !self.terms.contains_key(t) {
                self.terms.insert(t.to_string(), (0, 0, 0));
            }
            let Some(entry) = self.terms.get_mut(t) else {
                return;
            };
            if entry.2 == call {
                return;
            }
            entry.2 = call;
            if body {
                entry.1 += score;
                self.len += 1;
            } else {
                entry.0 += score;
            }
        });
    }

    /// The counts as one buffer of terms, each with its short-field and
    /// body counts.
    pub(super) fn terms(&self) -> Terms {
        let mut out = Terms::default();
        out.text.reserve(self.terms.keys().map(String::len).sum());
        out.list.reserve(self.terms.len());
        for (t, &(fields, body, _)) in &self.terms {
            out.push(t, fields, body);
        }
        out
    }
}

/// A document's terms, in one buffer, each with two counts (in the short
/// fields and in the body; packed into one posting value by the indexer).
/// One allocation a document instead of one a term: a site's documents hold
/// millions of term occurrences.
#[derive(Default, Serialize, Deserialize)]
pub(super) struct Terms {
    text: String,
    /// End of each term in `text` (it starts where the previous one ends),
    /// and its two counts.
    list: Vec<(u32, u32, u32)>,
}

impl Terms {
    fn push(&mut self, term: &str, fields: u32, body: u32) {
        self.text.push_str(term);
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.list.push((end, fields, body));
    }

    /// Each term with its two counts.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, u32, u32)> {
        let mut start = 0;
        self.list.iter().map(move |&(end, fields, body)| {
            let t = self.text.get(start as usize..end as usize).unwrap_or("");
            start = end;
            (t, fields, body)
        })
    }

    /// Add `fields` to `term`'s short-field count (a page's title and
    /// description: a few words, so a linear search).
    pub(super) fn add_fields(&mut self, term: &str, fields: u32) {
        let mut start = 0;
        for e in &mut self.list {
            if self.text.get(start as usize..e.0 as usize) == Some(term) {
                e.1 += fields;
                return;
            }
            start = e.0;
        }
        self.push(term, fields, 0);
    }
}

/// The counts of one part of a page, and what its document shows of it (as
/// the store keeps it: a few buffers a part, quick to read back).
#[derive(Serialize, Deserialize)]
pub(super) struct PartCounts {
    /// Index into the page's headings of the heading that opens the part.
    pub(super) heading: Option<usize>,
    /// The start of the prose, for the result's snippet.
    pub(super) snippet: String,
    /// Terms with their weighted counts in the heading and in the body.
    pub(super) terms: Terms,
    /// Body terms counted (the document's length for BM25).
    pub(super) len: u32,
}

/// The counts of every part of a page: stored ones when `key` names some,
/// else counted from `text` (and stored).
pub(super) fn page_counts(
    text: &PageText,
    headings: &[Heading],
    (store, key): (Option<&Store>, &[u8; 32]),
) -> Vec<PartCounts> {
    // A zero key: the rendering came from nowhere a store knows.
    let store = store.filter(|_| *key != [0; 32]);
    if let Some(bytes) = store.and_then(|s| s.get(key))
        && let Ok(stored) = postcard::from_bytes(&bytes)
    {
        return stored;
    }
    let (parts, code_blocks) = text.unpacked();
    let counted: Vec<PartCounts> = parts
        .iter()
        .enumerate()
        .map(|(k, part)| {
            let mut counts = TermCounts::default();
            if let Some(h) = part.heading.and_then(|h| headings.get(h)) {
                counts.add(&h.text, 5, false);
            }
            // Term frequency counts sentences: the tokenizer reports each
            // term once per call. Split on sentence ends, not on every dot,
            // so dotted names (`context.WithTimeout`) stay whole.
            for chunk in part.text.split(". ") {
                counts.add(chunk, 2, true);
            }
            let code = code_blocks.iter().filter(|b| b.part == k);
            for line in code.flat_map(|b| b.code.lines()) {
                counts.add(line, 1, true);
            }
            PartCounts {
                heading: part.heading,
                snippet: truncate_chars(&part.text, SNIPPET),
                len: counts.len,
                terms: counts.terms(),
            }
        })
        .collect();
    if let Some(s) = store
        && let Ok(bytes) = postcard::to_stdvec(&counted)
    {
        s.put(key, &bytes);
    }
    counted
}
