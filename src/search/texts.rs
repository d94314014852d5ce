//! Where the indexer reads each page's search text and code from: the
//! model itself, or (in `build`) a copy taken out of it and freed as the
//! pages are analysed.

use std::sync::Arc;

use crate::markdown::PageText;
use crate::site::Site;

/// Where the indexer reads each page's text and code from.
pub enum Texts {
    /// From the pages themselves (`check` and `serve` keep their model).
    Borrowed,
    /// Taken out of the pages, by page index, and freed a chunk of pages at
    /// a time as they are analysed: on large sites the postings then grow
    /// into the memory the text gives back (`build`).
    Taken(Vec<PageText>),
}

impl Texts {
    /// Move every page's search text and code out of `site` (copied for a
    /// page whose rendering is shared, which a build never has).
    pub fn take(site: &mut Site) -> Self {
        let taken = site
            .pages
            .iter_mut()
            .map(|p| match Arc::get_mut(&mut p.rendered) {
                Some(r) => std::mem::take(&mut r.text),
                None => p.rendered.text.clone(),
            });
        Texts::Taken(taken.collect())
    }

    pub(super) fn of<'a>(&'a self, site: &'a Site, pi: usize) -> &'a PageText {
        match self {
            Texts::Borrowed => &site.pages[pi].rendered.text,
            Texts::Taken(v) => &v[pi],
        }
    }

    pub(super) fn free(&mut self, pages: &[usize]) {
        if let Texts::Taken(v) = self {
            for &pi in pages {
                v[pi] = PageText::default();
            }
        }
    }
}
