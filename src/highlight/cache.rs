//! A persistent cache of highlighted blocks, so a rebuild where no code block
//! changed skips highlighting (the largest part of a cold build).
//!
//! Keyed by a hash of the highlighter version, the fence options and the
//! code; kept in a [`Store`] under the cache folder (which CI can keep
//! between runs): only the entries the last build used are kept, so it never
//! grows without bound, and the file is read an entry at a time, not whole.
//! A value is a flags byte, then the HTML.

use std::path::Path;

use super::{FenceInfo, Highlighted};
use crate::store::Store;

const VERSION: &str = "handbook-highlight-6";

/// The persistent cache.
pub(super) struct Cache {
    store: Store,
}

fn flags_of(h: &Highlighted) -> u8 {
    u8::from(h.unknown_language) | (u8::from(h.go_lexed_clean) << 1)
}

pub(super) fn key(code: &str, info: &FenceInfo, pkg_url: &str) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(VERSION.as_bytes());
    h.update(pkg_url.as_bytes());
    h.update(format!("{}\0{:?}\0{}\0", info.lang, info.hl_lines, info.linenos).as_bytes());
    h.update(code.as_bytes());
    *h.finalize().as_bytes()
}

impl Cache {
    pub(super) fn load(path: &Path) -> Cache {
        Cache {
            store: Store::open(path, VERSION),
        }
    }

    /// A block highlighted by the last build or earlier in this one.
    pub(super) fn get(&self, key: &[u8; 32]) -> Option<Highlighted> {
        let value = self.store.get(key)?;
        let (&flags, html) = value.split_first()?;
        Some(Highlighted {
            html: String::from_utf8(html.to_vec()).ok()?,
            unknown_language: flags & 1 != 0,
            go_lexed_clean: flags & 2 != 0,
        })
    }

    /// Keep the entry under `key` for the next build without reading it
    /// (its block's page came from another cache).
    pub(super) fn keep(&self, key: &[u8; 32]) {
        self.store.keep(key);
    }

    pub(super) fn put(&self, key: [u8; 32], h: &Highlighted) {
        let mut value = Vec::with_capacity(1 + h.html.len());
        value.push(flags_of(h));
        value.extend_from_slice(h.html.as_bytes());
        self.store.put(&key, &value);
    }

    /// Write the cache for the next build (see [`Store::save`]).
    pub(super) fn save(&self) -> std::io::Result<()> {
        self.store.save()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hl.bin");
        let c = Cache::load(&path);
        let info = FenceInfo::parse("go");
        let (k1, k2) = (key("a := 1", &info, ""), key("b := 2", &info, ""));
        assert_ne!(k1, key("a := 1", &FenceInfo::parse("go {hl=[1]}"), ""));
        let h = Highlighted {
            html: "<pre>x</pre>".into(),
            unknown_language: false,
            go_lexed_clean: true,
        };
        c.put(k1, &h);
        c.put(k2, &h);
        c.save().unwrap();
        let c = Cache::load(&path);
        let got = c.get(&k1).unwrap();
        assert_eq!(got.html, "<pre>x</pre>");
        assert!(got.go_lexed_clean);
        c.save().unwrap();
        let c = Cache::load(&path);
        assert!(
            c.get(&k2).is_none(),
            "entries the last build did not use are dropped"
        );
        // A block highlighted earlier in this build is not highlighted again.
        let fresh = Cache::load(&dir.path().join("none.bin"));
        assert!(fresh.get(&k2).is_none());
        fresh.put(k2, &h);
        assert_eq!(fresh.get(&k2).unwrap().html, "<pre>x</pre>");
        // New entries go to a temporary file, removed when the build stops
        // without saving.
        // (Lock files aside: each store has one beside it.)
        let files = || {
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| {
                    !e.as_ref()
                        .unwrap()
                        .path()
                        .to_string_lossy()
                        .ends_with(".lock")
                })
                .count()
        };
        assert_eq!(files(), 2, "hl.bin and the temporary file");
        drop(fresh);
        assert_eq!(files(), 1, "only hl.bin");
        std::fs::write(&path, b"garbage").unwrap();
        assert!(Cache::load(&path).get(&k1).is_none());
    }
}
