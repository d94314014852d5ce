//! The client-side search index, built with the site.
//!
//! Documents are page parts split at headings. Terms are grouped into shards
//! by prefix, and a shard whose postings grow past a limit is split by a longer
//! prefix, so a query fetches only the shards of its own words; document
//! metadata comes in fixed-size chunks fetched only for shown results. Every
//! file is a script (`handbookSearchLoaded(name, data)`) the browser loads
//! with a script tag: the same file works over HTTP, from a sub-path and from
//! `file://`, so the index is written once.
//!
//! Scores are BM25 term frequencies (k1 1.2, b 0.75) computed at build time
//! from field-weighted counts (title 10, heading 5, prose 2, code 1, times the
//! token's weight), quantised to 1-62; the browser adds idf. Rule ids and
//! alert names are exact keys, stored with the score 63 so they rank first.
//!
//! Size (the index is most of what a site adds per page): a term's postings
//! are one string of base-64 digits, each posting the document's distance
//! from the previous one as a variable-length number (5 bits per digit, the
//! sixth bit saying "more digits follow"), then its score as one digit; a
//! documents chunk lists each page's URL, title and breadcrumb once, and its
//! sections refer to it.

mod blocks;
mod counts;
mod files;
mod shards;
mod texts;
pub mod tokenize;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::render::Output;
use crate::site::{Kind, Site};
use crate::store::Store;
pub use counts::VERSION as TERMS_VERSION;
use files::{chunk_json, emit, encode_postings, shard_id, shard_json};
use shards::{Postings, shard};
pub use texts::Texts;

/// Documents per metadata chunk. A query loads the chunks of the results it
/// shows (ten in the header's list), so chunks are small: 64 documents are
/// about 6 KB gzip on the benchmark.
pub const CHUNK: usize = 64;
/// Characters of text kept per document for snippets.
const SNIPPET: usize = 280;
/// Score marking an exact key; BM25 scores are 1 to [`BM25_MAX`].
const EXACT: u32 = 63;
/// Highest BM25 score (the formula stays below it: 61.6 at most).
const BM25_MAX: u32 = EXACT - 1;
/// What every searchable part of one page shares.
#[derive(Debug)]
struct PageRow {
    /// Page URL, encoded for an `href`.
    url: String,
    title: String,
    /// The sections above the page, then its title, joined by ` › `.
    crumb: String,
    /// standard, runbook, track or page.
    kind: Kind,
}

/// One searchable document: a page part under one heading.
#[derive(Debug, Serialize, serde::Deserialize)]
struct Doc {
    /// Index of its page in [`Collected::pages`].
    page: usize,
    /// Heading id (empty for the part before the first heading).
    anchor: String,
    /// Heading text (empty for the part before the first heading).
    heading: String,
    /// The headings above this one, joined by ` › `.
    trail: String,
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
    /// `[first document, kind]` for each run of documents of one kind, in
    /// document order: the browser filters by kind before it loads any
    /// documents chunk.
    runs: Vec<(usize, Kind)>,
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

/// A document with its weighted term counts, length and exact keys.
struct Analysed {
    doc: Doc,
    /// Terms with their two weighted counts.
    terms: counts::Terms,
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

/// What every document of page `pi` shares.
fn page_row(site: &Site, pi: usize) -> PageRow {
    let page = &site.pages[pi];
    PageRow {
        url: crate::paths::encode_href(&page.url).into_owned(),
        title: page.title.clone(),
        crumb: breadcrumb(site, pi).join(" › "),
        kind: page.kind,
    }
}

/// Split one page into documents and count their terms. Documents refer to
/// their page by `row`, the index its [`PageRow`] has (in its block).
fn analyse_page(
    site: &Site,
    (pi, row): (usize, usize),
    texts: &Texts,
    store: Option<&Store>,
) -> Vec<Analysed> {
    let page = &site.pages[pi];
    let headings = &page.rendered.headings;
    let counted = counts::page_counts(
        texts.of(site, pi),
        headings,
        (store, &page.rendered.source_key),
    );
    let mut out = Vec::new();
    let mut heading_trail: Vec<(u8, String)> = Vec::new();
    // Every part but the first opens with a heading: each is a document,
    // findable by its heading even when it holds nothing else.
    for (k, part) in counted.into_iter().enumerate() {
        let heading = part.heading.and_then(|h| headings.get(h));
        if let Some(h) = heading {
            heading_trail.retain(|(l, _)| *l < h.level);
            heading_trail.push((h.level, h.text.clone()));
        }
        // Field weights (BM25F): a page's title names what it is; a heading
        // names what its section is about; a description summarises the
        // page's sections, so it weighs like body text. Only the body is
        // normalised by length: a page whose only text is a title and a
        // keyword-list description gains nothing from being short. The
        // title and description are counted here, in the first part, and
        // added to the stored or fresh counts of the part's own text.
        let mut terms = part.terms;
        if k == 0 {
            let mut own = counts::TermCounts::default();
            own.add(&page.title, 10, false);
            if let Some(d) = &page.src.front.description {
                own.add(d, 2, false);
            }
            for (t, fields, _) in own.terms().iter() {
                terms.add_fields(t, fields);
            }
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
        let trail: Vec<&str> = heading_trail
            .iter()
            .take(heading_trail.len().saturating_sub(1))
            .map(|(_, t)| t.as_str())
            .collect();
        out.push(Analysed {
            doc: Doc {
                page: row,
                anchor: heading.map(|h| h.id.clone()).unwrap_or_default(),
                heading: heading.map(|h| h.text.clone()).unwrap_or_default(),
                trail: trail.join(" › "),
                text: part.snippet,
            },
            len: part.len.max(1),
            terms,
            exact,
        });
    }
    out
}

/// Documents and their raw postings, before scoring. Documents go to their
/// chunk files as soon as a chunk is full (they need no scores): on large
/// sites their snippets would otherwise be held through the whole indexing.
struct Collected {
    pages: Vec<PageRow>,
    /// Documents not yet written: fewer than [`CHUNK`] between calls.
    pending: Vec<Doc>,
    /// Documents written to chunk files.
    written: usize,
    /// `[first document, kind]` for each run of documents of one kind.
    runs: Vec<(usize, Kind)>,
    /// Length of every document, by number.
    doc_len: Vec<u32>,
    /// Exact keys (rule ids, alert names) -> the document they name.
    exact: Vec<(String, u32)>,
    /// Every term's postings so far.
    postings: Gathered,
}

/// Postings as documents are numbered: raw weighted counts, in document
/// order.
#[derive(Default)]
struct Gathered {
    /// Term -> its number in `lists`: a term is looked up by `&str` and
    /// allocated once, not once a posting.
    terms: HashMap<String, u32>,
    /// Each term's (document, packed weighted counts). Document numbers are
    /// `u32`: eight bytes a posting instead of sixteen, on large sites the
    /// index's largest table.
    lists: Vec<shards::List>,
}

impl Gathered {
    /// Append a block's postings, its documents numbered from `base`, to
    /// their terms' lists.
    fn merge(&mut self, base: u32, postings: blocks::Grouped) {
        for (t, local) in postings {
            let i = match self.terms.get(&t) {
                Some(&i) => i as usize,
                None => {
                    let i = self.lists.len();
                    let n = u32::try_from(i).expect("fewer than 4 billion terms");
                    self.terms.insert(t, n);
                    self.lists.push(Vec::new());
                    i
                }
            };
            self.lists[i].extend(local.into_iter().map(|(d, v)| (base + d, v)));
        }
    }

    /// Term -> postings.
    fn into_map(self) -> HashMap<String, shards::List> {
        let Gathered { terms, mut lists } = self;
        terms
            .into_iter()
            .map(|(t, i)| (t, std::mem::take(&mut lists[i as usize])))
            .collect()
    }
}

impl Collected {
    /// Number a block's pages and documents after those so far and keep
    /// what the index needs of them; returns its postings and the number of
    /// its first document, for [`Gathered::merge`].
    fn add_block(&mut self, b: blocks::Block) -> (u32, blocks::Grouped) {
        let first_row = self.pages.len();
        let base = u32::try_from(self.doc_len.len()).expect("fewer than 4 billion documents");
        self.pages.extend(b.rows);
        for blocks::BlockDoc {
            mut doc,
            len,
            exact,
        } in b.docs
        {
            let n = self.doc_len.len();
            let id = u32::try_from(n).expect("fewer than 4 billion documents");
            doc.page += first_row;
            self.exact.extend(exact.into_iter().map(|k| (k, id)));
            let kind = self.pages[doc.page].kind;
            if self.runs.last().is_none_or(|&(_, k)| k != kind) {
                self.runs.push((n, kind));
            }
            self.pending.push(doc);
            self.doc_len.push(len);
        }
        (base, b.postings)
    }

    /// Write every full chunk of pending documents (`all`: the last, partial
    /// one too).
    fn flush(&mut self, sink: &IndexSink<'_>, all: bool) -> Result<(), crate::diag::Diagnostic> {
        let ready = if all {
            self.pending.len()
        } else {
            self.pending.len() / CHUNK * CHUNK
        };
        let first = self.written / CHUNK;
        let docs: Vec<Doc> = self.pending.drain(..ready).collect();
        let pages = &self.pages;
        docs.par_chunks(CHUNK)
            .enumerate()
            .try_for_each(|(i, chunk)| {
                sink(emit(&format!("d-{}", first + i), &chunk_json(chunk, pages)))
            })?;
        self.written += ready;
        Ok(())
    }
}

/// Build all index files for `site`.
pub fn build_index(site: &Site) -> Vec<Output> {
    let out = std::sync::Mutex::new(Vec::new());
    let kept = write_index(site, (Texts::Borrowed, None), &|o| {
        if let Ok(mut v) = out.lock() {
            v.push(o);
        }
        Ok(())
    });
    debug_assert!(kept.is_ok(), "collecting never fails");
    out.into_inner().unwrap_or_default()
}

/// Receives index files as they are made; an error stops the indexing.
pub type IndexSink<'a> = dyn Fn(Output) -> Result<(), crate::diag::Diagnostic> + Sync + 'a;

/// Build all index files for `site`, handing each to `sink` as soon as it is
/// made (`build` writes them straight to disk: on large sites the index
/// would otherwise be held whole until the end).
pub fn write_index(
    site: &Site,
    (texts, store): (Texts, Option<&Store>),
    sink: &IndexSink<'_>,
) -> Result<(), crate::diag::Diagnostic> {
    let Collected {
        pages,
        runs,
        doc_len,
        exact,
        postings,
        ..
    } = collect(site, (texts, store), sink)?;
    let postings = postings.into_map();
    let mut postings = score(postings, &doc_len, exact);
    // Common terms keep their best postings in their shard; the rest go to
    // a file of their own.
    let tails: shards::Tails = postings
        .par_iter_mut()
        .filter_map(|(term, list)| {
            let (head, tail) = shards::head_and_tail(list)?;
            let all = list.len();
            *list = head;
            Some((term.clone(), (all, tail)))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let df = |t: &str| tails.get(t).map_or_else(|| postings[t].len(), |(n, _)| *n);
    let shards = shard(&postings, &df);
    let prefixes: Vec<String> = shards.keys().cloned().collect();
    shards.par_iter().try_for_each(|(prefix, sh)| {
        sink(emit(&shard_id(prefix), &shard_json(sh, &postings, &tails)))
    })?;
    tails.par_iter().try_for_each(|(term, (_, tail))| {
        // `t-` and the term's bytes in hex, as shard names are made.
        let name = format!("t{}", &shard_id(term)[1..]);
        sink(emit(&name, &format!("\"{}\"", encode_postings(tail))))
    })?;
    let mut kinds: Vec<Kind> = pages
        .iter()
        .map(|p| p.kind)
        .filter(|k| *k != Kind::Page)
        .collect();
    kinds.sort_by_key(|k| *k as u8);
    kinds.dedup();
    let meta = Meta {
        version: 2,
        docs: doc_len.len(),
        chunk: CHUNK,
        shards: &prefixes,
        kinds,
        runs,
    };
    sink(emit(
        "meta",
        &serde_json::to_string(&meta).expect("meta serialises"),
    ))
}

/// Analyse every page, write the documents chunks and gather the postings.
///
/// Pages are analysed in parallel, a chunk at a time, and each chunk is
/// folded into the postings right away, so the per-document term tables of
/// the whole site never exist at once. Postings hold raw weighted counts;
/// BM25 needs the average length, so scores come at the end.
fn collect(
    site: &Site,
    (mut texts, store): (Texts, Option<&Store>),
    sink: &IndexSink<'_>,
) -> Result<Collected, crate::diag::Diagnostic> {
    let mut c = Collected {
        pages: Vec::new(),
        pending: Vec::new(),
        written: 0,
        runs: Vec::new(),
        doc_len: Vec::new(),
        exact: Vec::new(),
        postings: Gathered::default(),
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
    // Pages are analysed in blocks, in parallel; a chunk of blocks' postings
    // join the site's table (one thread) while the next chunk is analysed
    // (the others).
    let mut numbered: Vec<(u32, blocks::Grouped)> = Vec::new();
    for chunk in pages.chunks(8 * blocks::BLOCK) {
        let postings = &mut c.postings;
        let (analysed, ()) = rayon::join(
            || -> Vec<blocks::Block> {
                chunk
                    .par_chunks(blocks::BLOCK)
                    .map(|block| blocks::analyse_block(site, block, &texts, store))
                    .collect()
            },
            || {
                for (base, list) in numbered.drain(..) {
                    postings.merge(base, list);
                }
            },
        );
        texts.free(chunk);
        numbered.extend(analysed.into_iter().map(|b| c.add_block(b)));
        c.flush(sink, false)?;
    }
    for (base, list) in numbered {
        c.postings.merge(base, list);
    }
    c.flush(sink, true)?;
    Ok(c)
}

/// BM25 scores from the raw counts (1 to [`BM25_MAX`], or [`EXACT`] for an
/// exact key),
/// each term's postings sorted by document.
fn score(
    mut postings: HashMap<String, shards::List>,
    doc_len: &[u32],
    exact: Vec<(String, u32)>,
) -> Postings {
    let avg = doc_len.iter().map(|&l| f64::from(l)).sum::<f64>() / doc_len.len().max(1) as f64;
    let (k1, b) = (1.2, 0.75);
    postings.par_iter_mut().for_each(|(_, list)| {
        for (d, tf) in list.iter_mut() {
            let (fields, body) = unpack(*tf);
            let body = f64::from(body) / (1.0 - b + b * f64::from(doc_len[*d as usize]) / avg);
            // One whole-word mention in the body (weight 2 x 2) is tf 1.
            let t = (f64::from(fields) + body) / 4.0;
            // t (k1 + 1) / (t + k1) approaches k1 + 1 = 2.2: 28 steps per
            // unit spread it over 1-62 (61.6 at most).
            *tf = (t * (k1 + 1.0) / (t + k1) * 28.0)
                .round()
                .clamp(1.0, f64::from(BM25_MAX)) as u32;
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
