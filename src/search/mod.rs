//! The client-side search index, built with the site.
//!
//! Documents are page parts split at headings. Terms are grouped into shards
//! by prefix, and a shard whose postings grow past a limit is split by a longer
//! prefix, so a query fetches only the shards of its own words; document
//! metadata comes in fixed-size chunks fetched only for shown results. Every
//! file is written as `.json` (fetched over HTTP) and `.js` (loaded with a
//! script tag, which also works from `file://`).
//!
//! Scores are BM25 term frequencies (k1 1.2, b 0.75) computed at build time
//! from field-weighted counts (title 6, heading 4, prose 2, code 1, times the
//! token's weight), quantised to integers; the browser adds idf. Rule ids and
//! alert names are exact keys, stored with a score of 1000 so they rank first.

pub mod tokenize;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::render::Output;
use crate::site::{Kind, Site};

/// Documents per metadata chunk.
pub const CHUNK: usize = 256;
/// Postings above which a shard is split by a longer prefix.
const SHARD_POSTINGS: usize = 12_000;
/// Characters of text kept per document for snippets.
const SNIPPET: usize = 280;
/// Score marking an exact key.
const EXACT: u32 = 1000;

/// One searchable document: a page part under one heading.
#[derive(Debug, Serialize)]
struct Doc {
    /// Page URL plus `#anchor`.
    url: String,
    /// Heading (or page title for the part before the first heading).
    title: String,
    /// Page title and heading trail.
    crumb: String,
    /// standard, runbook, track or page.
    kind: Kind,
    /// Start of the text, for snippets.
    text: String,
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    docs: usize,
    chunk: usize,
    shards: &'a [String],
    /// Kinds of content present (standard, runbook, track): the filters to offer.
    kinds: Vec<Kind>,
}

/// The first `n` characters of `s` with whitespace runs collapsed, plus `…`
/// when cut. Stops reading at `n`: sections can be long.
fn truncate_chars(s: &str, n: usize) -> String {
    let mut out = String::with_capacity(n + 4);
    let mut count = 0;
    for word in s.split_whitespace() {
        if count > 0 {
            if count >= n {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= n {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

/// File-name-safe shard id for a prefix.
fn shard_id(prefix: &str) -> String {
    let mut s = String::from("s-");
    for b in prefix.bytes() {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn emit(name: &str, json: String) -> [Output; 2] {
    let js = format!("handbookSearchLoaded({:?},{json});\n", name);
    [
        Output {
            path: format!("search/{name}.json"),
            bytes: std::sync::Arc::new(json.into_bytes()),
        },
        Output {
            path: format!("search/{name}.js"),
            bytes: std::sync::Arc::new(js.into_bytes()),
        },
    ]
}

/// A document with its weighted term counts, length and exact keys.
struct Analysed {
    doc: Doc,
    terms: HashMap<String, u32>,
    len: u32,
    exact: Vec<String>,
}

/// Weighted counts of a term in a document's short fields (title,
/// description, heading) and in its body, in one posting value.
fn pack(fields: u32, body: u32) -> u32 {
    (fields.min(0xffff) << 16) | body.min(0xffff)
}

fn unpack(v: u32) -> (u32, u32) {
    (v >> 16, v & 0xffff)
}

/// The sections above a page (not the root, not a section whose index the
/// page is), then the page's title.
fn breadcrumb(site: &Site, pi: usize) -> Vec<String> {
    let page = &site.pages[pi];
    let mut trail: Vec<String> = Vec::new();
    let mut s = Some(page.section);
    while let Some(i) = s {
        let sec = &site.sections[i];
        if i != 0 && sec.index != Some(pi) {
            trail.push(sec.title.clone());
        }
        s = sec.parent;
    }
    trail.reverse();
    trail.push(page.title.clone());
    trail
}

/// Term counts of one document.
#[derive(Default)]
struct TermCounts {
    /// Term -> (weighted count in the short fields, in the body, last `add`
    /// call that counted it): a term counts once per call (per sentence or
    /// code line), with the weight of its first occurrence.
    terms: HashMap<String, (u32, u32, u32)>,
    /// Body terms counted (the document's length for BM25).
    len: u32,
    calls: u32,
}

impl TermCounts {
    fn add(&mut self, text: &str, weight: u32, body: bool) {
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
}

/// Split one page into documents and count their terms.
fn analyse_page(site: &Site, pi: usize) -> Vec<Analysed> {
    let page = &site.pages[pi];
    let trail = breadcrumb(site, pi);
    let mut out = Vec::new();
    let mut heading_trail: Vec<(u8, String)> = Vec::new();
    let code_of = |k: usize| {
        page.rendered
            .code_blocks
            .iter()
            .filter(move |b| b.part == k)
    };
    for (k, part) in page.rendered.parts.iter().enumerate() {
        let heading = part.heading.map(|h| &page.rendered.headings[h]);
        if let Some(h) = heading {
            heading_trail.retain(|(l, _)| *l < h.level);
            heading_trail.push((h.level, h.text.clone()));
        }
        if k > 0
            && part.text.trim().is_empty()
            && code_of(k).all(|b| b.code.trim().is_empty())
            && heading.is_none()
        {
            continue;
        }
        let mut counts = TermCounts::default();
        // Field weights (BM25F): a page's title names what it is; a heading
        // names what its section is about; a description summarises the
        // page's sections, so it weighs like body text. Only the body is
        // normalised by length: a page whose only text is a title and a
        // keyword-list description gains nothing from being short.
        if k == 0 {
            counts.add(&page.title, 10, false);
            if let Some(d) = &page.src.front.description {
                counts.add(d, 2, false);
            }
        }
        if let Some(h) = heading {
            counts.add(&h.text, 5, false);
        }
        // Term frequency counts sentences: the tokenizer reports each term
        // once per call. Split on sentence ends, not on every dot, so dotted
        // names (`context.WithTimeout`) stay whole.
        for chunk in part.text.split(". ") {
            counts.add(chunk, 2, true);
        }
        for line in code_of(k).flat_map(|b| b.code.lines()) {
            counts.add(line, 1, true);
        }
        let mut exact = Vec::new();
        if let Some(h) = heading.filter(|h| h.rule.is_some()) {
            exact.push(h.id.to_lowercase());
        }
        if k == 0 {
            exact.extend(
                page.src
                    .front
                    .alerts
                    .iter()
                    .map(|a| a.name().to_lowercase()),
            );
        }
        let anchor = heading.map(|h| format!("#{}", h.id)).unwrap_or_default();
        let mut crumb = trail.clone();
        crumb.extend(
            heading_trail
                .iter()
                .take(heading_trail.len().saturating_sub(1))
                .map(|(_, t)| t.clone()),
        );
        out.push(Analysed {
            doc: Doc {
                url: format!("{}{anchor}", crate::paths::encode_href(&page.url)),
                // A section reads as "Page › Section": "Impact" alone says nothing.
                title: heading.map_or_else(
                    || page.title.clone(),
                    |h| format!("{} › {}", page.title, h.text),
                ),
                crumb: crumb.join(" › "),
                kind: page.kind,
                text: truncate_chars(&part.text, SNIPPET),
            },
            len: counts.len.max(1),
            terms: counts
                .terms
                .into_iter()
                .map(|(t, (fields, body, _))| (t, pack(fields, body)))
                .collect(),
            exact,
        });
    }
    out
}

/// Documents and their raw postings, before scoring.
struct Collected {
    docs: Vec<Doc>,
    doc_len: Vec<u32>,
    /// Exact keys (rule ids, alert names) -> the document they name.
    exact: Vec<(String, usize)>,
    /// Term -> (document, packed weighted counts).
    postings: HashMap<String, Vec<(usize, u32)>>,
}

/// Build all index files for `site`.
pub fn build_index(site: &Site) -> Vec<Output> {
    let Collected {
        docs,
        doc_len,
        exact,
        postings,
    } = collect(site);
    let postings = score(postings, &doc_len, exact);
    let shards = shard(&postings);
    let prefixes: Vec<String> = shards.keys().cloned().collect();
    let mut out: Vec<Output> = shards
        .par_iter()
        .flat_map_iter(|(prefix, terms)| emit(&shard_id(prefix), shard_json(terms, &postings)))
        .collect();
    for (i, chunk) in docs.chunks(CHUNK).enumerate() {
        let rows: Vec<(&str, &str, &str, Kind, &str)> = chunk
            .iter()
            .map(|d| {
                (
                    d.url.as_str(),
                    d.title.as_str(),
                    d.crumb.as_str(),
                    d.kind,
                    d.text.as_str(),
                )
            })
            .collect();
        out.extend(emit(
            &format!("d-{i}"),
            serde_json::to_string(&rows).expect("docs serialise"),
        ));
    }
    let mut kinds: Vec<Kind> = docs
        .iter()
        .map(|d| d.kind)
        .filter(|k| *k != Kind::Page)
        .collect();
    kinds.sort_by_key(|k| *k as u8);
    kinds.dedup();
    let meta = Meta {
        version: 1,
        docs: docs.len(),
        chunk: CHUNK,
        shards: &prefixes,
        kinds,
    };
    out.extend(emit(
        "meta",
        serde_json::to_string(&meta).expect("meta serialises"),
    ));
    out
}

/// Analyse every page and gather the postings.
///
/// Pages are analysed in parallel, a chunk at a time, and each chunk is
/// folded into the postings right away, so the per-document term tables of
/// the whole site never exist at once. Postings hold raw weighted counts;
/// BM25 needs the average length, so scores come at the end.
fn collect(site: &Site) -> Collected {
    let mut c = Collected {
        docs: Vec::new(),
        doc_len: Vec::new(),
        exact: Vec::new(),
        postings: HashMap::default(),
    };
    // Reading order first, then the pages no navigation lists (MkDocs and
    // SUMMARY.md sites build them too, and readers find them by search).
    let mut listed = vec![false; site.pages.len()];
    for &i in &site.order {
        listed[i] = true;
    }
    let pages: Vec<usize> = site
        .order
        .iter()
        .copied()
        .chain((0..site.pages.len()).filter(|&i| !listed[i]))
        .filter(|i| !site.skips.pages.contains(i))
        .collect();
    for chunk in pages.chunks(512) {
        let analysed: Vec<Vec<Analysed>> =
            chunk.par_iter().map(|&pi| analyse_page(site, pi)).collect();
        let mut numbered: Vec<(usize, HashMap<String, u32>)> = Vec::new();
        for a in analysed.into_iter().flatten() {
            let id = c.docs.len();
            c.exact.extend(a.exact.into_iter().map(|k| (k, id)));
            c.docs.push(a.doc);
            c.doc_len.push(a.len);
            numbered.push((id, a.terms));
        }
        // Group the chunk's postings by term in parallel, then fold them in
        // with one lookup per term instead of one per posting.
        let partial = numbered
            .into_par_iter()
            .fold(
                HashMap::<String, Vec<(usize, u32)>>::default,
                |mut m, (id, terms)| {
                    for (t, tf) in terms {
                        m.entry(t).or_default().push((id, tf));
                    }
                    m
                },
            )
            .reduce(HashMap::default, |mut a, b| {
                for (t, v) in b {
                    a.entry(t).or_default().extend(v);
                }
                a
            });
        for (t, v) in partial {
            c.postings.entry(t).or_default().extend(v);
        }
    }
    c
}

/// BM25 scores from the raw counts (1-999, or [`EXACT`] for an exact key),
/// each term's postings sorted by document.
fn score(
    mut postings: HashMap<String, Vec<(usize, u32)>>,
    doc_len: &[u32],
    exact: Vec<(String, usize)>,
) -> BTreeMap<String, Vec<(usize, u32)>> {
    let avg = doc_len.iter().map(|&l| f64::from(l)).sum::<f64>() / doc_len.len().max(1) as f64;
    let (k1, b) = (1.2, 0.75);
    postings.par_iter_mut().for_each(|(_, list)| {
        for (d, tf) in list.iter_mut() {
            let (fields, body) = unpack(*tf);
            let body = f64::from(body) / (1.0 - b + b * f64::from(doc_len[*d]) / avg);
            // One whole-word mention in the body (weight 2 x 2) is tf 1.
            let t = (f64::from(fields) + body) / 4.0;
            *tf = (t * (k1 + 1.0) / (t + k1) * 40.0).round().clamp(1.0, 999.0) as u32;
        }
    });
    for (key, d) in exact {
        let list = postings.entry(key).or_default();
        match list.iter_mut().find(|(x, _)| *x == d) {
            Some(p) => p.1 = EXACT,
            None => list.push((d, EXACT)),
        }
    }
    postings
        .into_par_iter()
        .map(|(t, mut list)| {
            list.sort_unstable();
            (t, list)
        })
        .collect()
}

type Postings = BTreeMap<String, Vec<(usize, u32)>>;

/// Shards: split prefixes until each is small enough (or 4 characters long).
/// Shard prefix -> its terms.
fn shard(postings: &Postings) -> BTreeMap<String, Vec<&String>> {
    fn split<'a>(
        terms: Vec<&'a String>,
        len: usize,
        postings: &Postings,
        out: &mut Vec<(String, Vec<&'a String>)>,
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
                let (short, long): (Vec<_>, Vec<_>) =
                    terms.into_iter().partition(|t| t.chars().count() <= len);
                if !short.is_empty() {
                    out.push((prefix.clone(), short));
                }
                split(long, len + 1, postings, out);
            } else {
                out.push((prefix, terms));
            }
        }
    }
    let mut shards: Vec<(String, Vec<&String>)> = Vec::new();
    let total: usize = postings.values().map(Vec::len).sum();
    if total <= SHARD_POSTINGS {
        shards.push((String::new(), postings.keys().collect()));
    } else {
        split(postings.keys().collect(), 1, postings, &mut shards);
    }
    // A short-terms shard and a split child can share a prefix; merge them by name.
    let mut by_prefix: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for (p, t) in shards {
        by_prefix.entry(p).or_default().extend(t);
    }
    by_prefix
}

/// One shard's JSON: term -> [document delta, score, ...].
fn shard_json(terms: &[&String], postings: &Postings) -> String {
    let mut json = String::from("{");
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(t).expect("string serialises"));
        json.push_str(":[");
        let mut last = 0;
        for (j, (d, s)) in postings[*t].iter().enumerate() {
            if j > 0 {
                json.push(',');
            }
            let _ = write!(json, "{},{s}", d - last);
            last = *d;
        }
        json.push(']');
    }
    json.push('}');
    json
}

#[cfg(test)]
mod tests {
    use super::truncate_chars;

    #[test]
    fn snippets_collapse_whitespace_and_cut_at_n_characters() {
        // The plain definition, for comparison.
        let naive = |s: &str, n: usize| {
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            match s.char_indices().nth(n) {
                Some((i, _)) => format!("{}…", &s[..i]),
                None => s,
            }
        };
        let text = "  Wrap errors\twith %w;\n\n  callers use errors.Is — ünïcode ok  ";
        for n in 0..text.len() + 2 {
            assert_eq!(truncate_chars(text, n), naive(text, n), "n = {n}");
        }
        assert_eq!(truncate_chars("a  b", 2), "a …");
        assert_eq!(truncate_chars("a  b", 3), "a b");
    }
}
