//! Terms grouped into shards by prefix, so a query loads only its words'
//! shards, with the completions a word typed as a prefix loads.

use std::collections::BTreeMap;

/// Postings above which a shard is split by a longer prefix.
const SHARD_POSTINGS: usize = 12_000;

/// Term -> (document, score), documents ascending.
pub(super) type Postings = BTreeMap<String, Vec<(usize, u32)>>;

/// Completions listed in a split shard: the most frequent terms under its
/// prefix, which a word being typed loads instead of every deeper shard.
const COMPLETIONS: usize = 4;

/// One shard: its terms, and for a prefix whose terms were split into deeper
/// shards, the most frequent of all terms under it.
#[derive(Default)]
pub(super) struct Shard<'a> {
    pub(super) terms: Vec<&'a String>,
    pub(super) completions: Vec<&'a String>,
}

/// Shards: split prefixes until each is small enough (or 4 characters long).
/// Shard prefix -> its terms. A split prefix always has a shard (holding the
/// terms no longer than the prefix, and the completions), so the browser
/// finds the completions of any word typed as a prefix.
pub(super) fn shard(postings: &Postings) -> BTreeMap<String, Shard<'_>> {
    fn split<'a>(
        terms: Vec<&'a String>,
        len: usize,
        postings: &Postings,
        out: &mut BTreeMap<String, Shard<'a>>,
    ) {
        let mut groups: BTreeMap<String, Vec<&'a String>> = BTreeMap::new();
        for t in terms {
            groups
                .entry(t.chars().take(len).collect())
                .or_default()
                .push(t);
        }
        for (prefix, terms) in groups {
            let size: usize = terms.iter().map(|t| postings[*t].len()).sum();
            // Terms shorter than the next prefix stay in this shard.
            if size > SHARD_POSTINGS && len < 4 {
                let mut by_df = terms.clone();
                by_df.sort_by(|a, b| postings[*b].len().cmp(&postings[*a].len()).then(a.cmp(b)));
                by_df.truncate(COMPLETIONS);
                let (short, long): (Vec<_>, Vec<_>) =
                    terms.into_iter().partition(|t| t.chars().count() <= len);
                let here = out.entry(prefix).or_default();
                here.terms.extend(short);
                here.completions = by_df;
                split(long, len + 1, postings, out);
            } else {
                out.entry(prefix).or_default().terms.extend(terms);
            }
        }
    }
    let mut shards = BTreeMap::new();
    let total: usize = postings.values().map(Vec::len).sum();
    if total <= SHARD_POSTINGS {
        shards.insert(
            String::new(),
            Shard {
                terms: postings.keys().collect(),
                completions: Vec::new(),
            },
        );
    } else {
        split(postings.keys().collect(), 1, postings, &mut shards);
    }
    shards
}
