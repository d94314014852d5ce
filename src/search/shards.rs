//! Terms grouped into shards by prefix, so a query loads only its words'
//! shards, with the completions a word typed as a prefix loads.

use std::collections::BTreeMap;

/// Postings above which a shard is split by a longer prefix.
const SHARD_POSTINGS: usize = 12_000;
/// Longest shard prefix: past it a shard holds whatever its terms weigh.
const MAX_PREFIX: usize = 6;
/// Postings of a term kept in its shard: the best-scored ones. A common word
/// on a large site is in most documents; its other postings go to a file of
/// their own (`t-*.js`), which only the complete ranking loads, so what one
/// query downloads stays bounded however large the site.
pub(super) const HEAD: usize = 4096;

/// A term's postings split at [`HEAD`]: the best-scored (ties: lower
/// document first) and the rest, both in document order. `None` when all
/// fit in the head. `list` is in document order.
///
/// Scores are small numbers (1 to 63), so this counts them instead of
/// sorting: the lowest score still in the head, and how many postings of
/// exactly that score it takes, the lower documents first. One pass, no
/// sort: common words hold most of a large site's postings.
pub(super) fn head_and_tail(list: &[(u32, u32)]) -> Option<(List, List)> {
    if list.len() <= HEAD {
        return None;
    }
    let score = |s: u32| s.min(63) as usize;
    let mut count = [0usize; 64];
    for &(_, s) in list {
        count[score(s)] += 1;
    }
    let (mut cut, mut above) = (0, 0);
    for s in (0..64).rev() {
        if above + count[s] >= HEAD {
            cut = s;
            break;
        }
        above += count[s];
    }
    let mut at_cut = HEAD - above;
    let mut head = Vec::with_capacity(HEAD);
    let mut tail = Vec::with_capacity(list.len() - HEAD);
    for &(d, s) in list {
        let s_ = score(s);
        if s_ > cut || (s_ == cut && at_cut > 0) {
            at_cut -= usize::from(s_ == cut);
            head.push((d, s));
        } else {
            tail.push((d, s));
        }
    }
    Some((head, tail))
}

/// A term's postings: (document, score), documents ascending.
pub(super) type List = Vec<(u32, u32)>;
/// Common terms -> (documents in all, the postings past [`HEAD`]).
pub(super) type Tails = BTreeMap<String, (usize, List)>;
/// Term -> (document, score), documents ascending.
pub(super) type Postings = BTreeMap<String, List>;

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

/// Shards: split prefixes until each is small enough (or [`MAX_PREFIX`]
/// characters long), counting a term's postings up to [`HEAD`]; completions
/// are ranked by `df`, the number of documents a term is in.
/// Shard prefix -> its terms. A split prefix always has a shard (holding the
/// terms no longer than the prefix, and the completions), so the browser
/// finds the completions of any word typed as a prefix.
pub(super) fn shard<'a>(
    postings: &'a Postings,
    df: &dyn Fn(&str) -> usize,
) -> BTreeMap<String, Shard<'a>> {
    /// `terms` with their document counts (looked up once: the maps are
    /// ordered by term, and sorting by count would look each up many times).
    fn split<'a>(
        terms: Vec<(&'a String, usize)>,
        len: usize,
        out: &mut BTreeMap<String, Shard<'a>>,
    ) {
        let mut groups: BTreeMap<String, Vec<(&'a String, usize)>> = BTreeMap::new();
        for t in terms {
            groups
                .entry(t.0.chars().take(len).collect())
                .or_default()
                .push(t);
        }
        for (prefix, terms) in groups {
            let size: usize = terms.iter().map(|(_, df)| (*df).min(HEAD)).sum();
            // Terms shorter than the next prefix stay in this shard.
            if size > SHARD_POSTINGS && len < MAX_PREFIX {
                let mut by_df = terms.clone();
                let most =
                    |a: &(&String, usize), b: &(&String, usize)| b.1.cmp(&a.1).then(a.0.cmp(b.0));
                if by_df.len() > COMPLETIONS {
                    by_df.select_nth_unstable_by(COMPLETIONS, most);
                    by_df.truncate(COMPLETIONS);
                }
                by_df.sort_by(most);
                let (short, long): (Vec<_>, Vec<_>) =
                    terms.into_iter().partition(|t| t.0.chars().count() <= len);
                let here = out.entry(prefix).or_default();
                here.terms.extend(short.into_iter().map(|(t, _)| t));
                here.completions = by_df.into_iter().map(|(t, _)| t).collect();
                split(long, len + 1, out);
            } else {
                out.entry(prefix)
                    .or_default()
                    .terms
                    .extend(terms.into_iter().map(|(t, _)| t));
            }
        }
    }
    let mut shards = BTreeMap::new();
    let terms: Vec<(&String, usize)> = postings.keys().map(|t| (t, df(t))).collect();
    let total: usize = terms.iter().map(|(_, df)| (*df).min(HEAD)).sum();
    if total <= SHARD_POSTINGS {
        shards.insert(
            String::new(),
            Shard {
                terms: postings.keys().collect(),
                completions: Vec::new(),
            },
        );
    } else {
        split(terms, 1, &mut shards);
    }
    shards
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The split as specified: sort by score (ties: lower document), cut
    /// at [`HEAD`], both parts back in document order.
    fn by_sorting(list: &[(u32, u32)]) -> (List, List) {
        let mut by_score = list.to_vec();
        by_score.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut tail = by_score.split_off(HEAD);
        by_score.sort_unstable();
        tail.sort_unstable();
        (by_score, tail)
    }

    /// Shard prefixes for terms with the given document counts.
    fn prefixes(terms: &[(&str, usize)]) -> Vec<(String, Vec<String>)> {
        let postings: Postings = terms
            .iter()
            .map(|(t, _)| (t.to_string(), List::new()))
            .collect();
        let df = |t: &str| terms.iter().find(|(x, _)| *x == t).map_or(0, |(_, n)| *n);
        shard(&postings, &df)
            .into_iter()
            .map(|(p, sh)| (p, sh.terms.into_iter().cloned().collect()))
            .collect()
    }

    #[test]
    fn a_shard_splits_only_past_its_limit_and_never_past_the_longest_prefix() {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Exactly the limit under "a": one shard for it.
        let third = SHARD_POSTINGS / 3;
        const { assert!(SHARD_POSTINGS / 3 <= HEAD && SHARD_POSTINGS.is_multiple_of(3)) };
        assert_eq!(
            prefixes(&[("aa", third), ("ab", third), ("ac", third), ("b", 1)]),
            [
                ("a".into(), owned(&["aa", "ab", "ac"])),
                ("b".into(), owned(&["b"]))
            ]
        );
        // Past the limit, but sharing a prefix longer than the longest shard
        // prefix: split down to that prefix and no further. (Each counts at
        // most HEAD postings.)
        let terms = [("abcdefg1", HEAD), ("abcdefg2", HEAD), ("abcdefg3", HEAD)];
        const { assert!(3 * HEAD > SHARD_POSTINGS) };
        let deepest = prefixes(&terms).into_iter().last().unwrap();
        assert_eq!(deepest.0.len(), MAX_PREFIX);
        assert_eq!(deepest.1, owned(&["abcdefg1", "abcdefg2", "abcdefg3"]));
    }

    #[test]
    fn head_and_tail_agrees_with_sorting() {
        assert!(head_and_tail(&vec![(0, 5); HEAD]).is_none());
        // Deterministic pseudo-random lists: many ties, a few scores, all 63.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m) as u32
        };
        for (n, scores) in [(HEAD + 1, 63), (HEAD * 3, 2), (10_000, 62), (9_000, 1)] {
            let list: List = (0..n as u32)
                .map(|d| (d * 3, 63 - next(scores as u64)))
                .collect();
            let (head, tail) = head_and_tail(&list).expect("longer than the head");
            assert_eq!((head.len(), tail.len()), (HEAD, n - HEAD));
            assert_eq!(
                (head, tail),
                by_sorting(&list),
                "{n} postings, {scores} scores"
            );
        }
    }
}
