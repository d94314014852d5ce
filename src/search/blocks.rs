//! Blocks of consecutive pages, analysed together: their documents, and
//! their postings grouped by term with document numbers counted from the
//! block's first document.
//!
//! Gathering every posting of the site into one term table, a lookup and a
//! push a posting on one thread, was the largest serial part of indexing
//! (4.8 million postings at 10,000 benchmark pages). A block groups its own
//! postings on whichever thread analysed it (a small table, in cache), and
//! the site's table then takes each term once a block. A block depends only
//! on its pages (not on where it falls in the site, since its numbers are
//! relative), so `build` stores it by a hash of what its pages give the
//! index: a rebuild reads the unchanged blocks whole instead of analysing
//! their pages again.

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use super::{Doc, PageRow, Texts, analyse_page, pack};
use crate::site::Site;
use crate::store::Store;

/// Pages a block. Small enough that a rebuild where a few pages changed
/// analyses few pages besides them, large enough that the site's term table
/// sees each common term a few thousand times, not once a page.
pub(super) const BLOCK: usize = 64;

/// One term's postings within a block: (document, packed weighted counts),
/// documents counted from the block's first.
pub(super) type Local = Vec<(u32, u32)>;

/// A block's postings: each term it holds, with its [`Local`] list.
pub(super) type Grouped = Vec<(String, Local)>;

/// A document of a block, with what the index needs of it besides postings.
#[derive(Serialize, Deserialize)]
pub(super) struct BlockDoc {
    /// `doc.page` counts from the block's first page.
    pub(super) doc: Doc,
    pub(super) len: u32,
    pub(super) exact: Vec<String>,
}

/// What the indexer takes from a block of pages.
pub(super) struct Block {
    pub(super) rows: Vec<PageRow>,
    pub(super) docs: Vec<BlockDoc>,
    pub(super) postings: Grouped,
}

/// A block as stored: postings as little-endian bytes (read back with one
/// copy, not one call an element).
#[derive(Serialize, Deserialize)]
struct Stored {
    docs: Vec<BlockDoc>,
    postings: Vec<(String, serde_bytes::ByteBuf)>,
}

/// Analyse `pages` (page indexes, in index order) as one block: from `store`
/// when it holds the block, else page by page (and then stored).
pub(super) fn analyse_block(
    site: &Site,
    pages: &[usize],
    texts: &Texts,
    store: Option<&Store>,
) -> Block {
    let rows: Vec<PageRow> = pages.iter().map(|&pi| super::page_row(site, pi)).collect();
    let key = store.and_then(|_| block_key(site, pages, &rows));
    if let (Some(s), Some(key)) = (store, &key)
        && let Some(block) = s.get(key).and_then(|b| from_stored(&b))
    {
        // The pages' own counts stay stored for when the block changes.
        for &pi in pages {
            s.keep(&site.pages[pi].rendered.source_key);
        }
        return Block {
            rows,
            docs: block.0,
            postings: block.1,
        };
    }
    let mut docs = Vec::new();
    let mut table: HashMap<String, Local> = HashMap::default();
    for (k, &pi) in pages.iter().enumerate() {
        for a in analyse_page(site, (pi, k), texts, store) {
            let d = u32::try_from(docs.len()).expect("fewer than 4 billion documents");
            for (t, fields, body) in a.terms.iter() {
                let posting = (d, pack(fields, body));
                // Look up before inserting: most terms are there already,
                // and `entry` would allocate the key every time.
                match table.get_mut(t) {
                    Some(list) => list.push(posting),
                    None => {
                        table.insert(t.to_string(), vec![posting]);
                    }
                }
            }
            docs.push(BlockDoc {
                doc: a.doc,
                len: a.len,
                exact: a.exact,
            });
        }
    }
    // The order of terms does not matter: the site's table takes them by name.
    let postings: Grouped = table.into_iter().collect();
    if let (Some(s), Some(key)) = (store, &key) {
        let stored = Stored {
            docs,
            postings: postings
                .iter()
                .map(|(t, list)| (t.clone(), serde_bytes::ByteBuf::from(to_bytes(list))))
                .collect(),
        };
        if let Ok(bytes) = postcard::to_stdvec(&stored) {
            s.put(key, &bytes);
        }
        docs = stored.docs;
    }
    Block {
        rows,
        docs,
        postings,
    }
}

/// A hash of everything the index takes from these pages: each page's
/// rendering key (its text and headings, hence its stored counts), and what
/// comes from elsewhere (URL, title, breadcrumb, kind, description, alert
/// names). `None` when a page's rendering has no key (nothing to store by).
fn block_key(site: &Site, pages: &[usize], rows: &[PageRow]) -> Option<[u8; 32]> {
    let mut h = blake3::Hasher::new();
    h.update(b"search block\0");
    h.update(&(pages.len() as u64).to_le_bytes());
    let mut field = |s: &[u8]| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s);
    };
    for (&pi, row) in pages.iter().zip(rows) {
        let page = &site.pages[pi];
        if page.rendered.source_key == [0; 32] {
            return None;
        }
        field(&page.rendered.source_key);
        field(row.url.as_bytes());
        field(row.title.as_bytes());
        field(row.crumb.as_bytes());
        field(&[row.kind as u8]);
        match &page.src.front.description {
            Some(d) => field(d.as_bytes()),
            None => field(b"\0none"),
        }
        for a in &page.src.front.alerts {
            field(a.name().as_bytes());
        }
        field(b"\0end of page");
    }
    Some(*h.finalize().as_bytes())
}

fn to_bytes(list: &Local) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() * 8);
    for &(d, v) in list {
        out.extend_from_slice(&d.to_le_bytes());
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// A stored block, or `None` when it does not decode (a damaged store).
fn from_stored(bytes: &[u8]) -> Option<(Vec<BlockDoc>, Grouped)> {
    let Stored { docs, postings } = postcard::from_bytes(bytes).ok()?;
    let postings = postings
        .into_iter()
        .map(|(t, b)| {
            (b.len() % 8 == 0).then(|| {
                let list = b
                    .chunks_exact(8)
                    .map(|c| {
                        let (d, v) = c.split_at(4);
                        let n = |x: &[u8]| u32::from_le_bytes(x.try_into().unwrap_or_default());
                        (n(d), n(v))
                    })
                    .collect();
                (t, list)
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some((docs, postings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_postings_read_back_as_written_and_damage_is_refused() {
        let postings: Grouped = vec![
            ("lease".into(), vec![(0, 7), (3, 1 << 20)]),
            ("ctx".into(), vec![(u32::MAX, 2)]),
            ("empty".into(), vec![]),
        ];
        let stored = Stored {
            docs: Vec::new(),
            postings: postings
                .iter()
                .map(|(t, l)| (t.clone(), serde_bytes::ByteBuf::from(to_bytes(l))))
                .collect(),
        };
        let bytes = postcard::to_stdvec(&stored).unwrap();
        let (docs, back) = from_stored(&bytes).unwrap();
        assert!(docs.is_empty());
        assert_eq!(back, postings);
        // A list whose length is not whole postings is damage, not data.
        let mut cut = stored;
        cut.postings[0].1.pop();
        assert!(from_stored(&postcard::to_stdvec(&cut).unwrap()).is_none());
        assert!(from_stored(&bytes[..bytes.len() / 2]).is_none());
    }
}
