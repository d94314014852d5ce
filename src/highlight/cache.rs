//! A persistent cache of highlighted blocks, so a rebuild where no code block
//! changed skips highlighting (the largest part of a cold build).
//!
//! Keyed by a hash of the highlighter version, the fence options and the
//! code. Stored as one file under the cache folder (which CI can keep between
//! runs); only the entries the last build used are kept, so it never grows
//! without bound. The format is a small length-prefixed binary file; anything
//! unreadable is treated as an empty cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{FenceInfo, Highlighted};

/// Bump when highlighting output changes, to invalidate old caches.
// Bump whenever highlighting output or language aliases change: old entries
// are then ignored rather than served stale. The package version is hashed
// too, so an upgrade never reuses another release's cache.
const VERSION: &[u8] = b"handbook-highlight-4";
const MAGIC: &[u8; 8] = b"HBHLC002";

/// Cached result of one block.
#[derive(Clone)]
struct Entry {
    html: String,
    unknown_language: bool,
    go_valid: bool,
}

/// The cache: what the previous build stored, and what this build used.
pub(super) struct Cache {
    path: PathBuf,
    old: HashMap<[u8; 32], Entry>,
    used: Mutex<HashMap<[u8; 32], Entry>>,
}

/// The cache key of a block.
pub(super) fn key(code: &str, info: &FenceInfo, pkg_url: &str) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(VERSION);
    h.update(pkg_url.as_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(format!("{}\0{:?}\0{}\0", info.lang, info.hl_lines, info.linenos).as_bytes());
    h.update(code.as_bytes());
    *h.finalize().as_bytes()
}

impl Cache {
    /// Load the cache file at `path` (missing or corrupt: empty).
    pub(super) fn load(path: &Path) -> Cache {
        let old = std::fs::read(path)
            .ok()
            .and_then(|b| decode(&b))
            .unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            old,
            used: Mutex::new(HashMap::new()),
        }
    }

    /// A cached result (from the previous build, or from a block with the
    /// same code earlier in this one), recorded as used.
    pub(super) fn get(&self, key: &[u8; 32]) -> Option<Highlighted> {
        let mut used = self.used.lock().ok()?;
        let e = match self.old.get(key) {
            Some(e) => used.entry(*key).or_insert_with(|| e.clone()),
            None => used.get(key)?,
        };
        Some(Highlighted {
            html: e.html.clone(),
            unknown_language: e.unknown_language,
            go_valid: e.go_valid,
        })
    }

    /// Record a freshly highlighted block.
    pub(super) fn put(&self, key: [u8; 32], h: &Highlighted) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(
                key,
                Entry {
                    html: h.html.clone(),
                    unknown_language: h.unknown_language,
                    go_valid: h.go_valid,
                },
            );
        }
    }

    /// Write the entries this build used (atomically: temp file, then rename).
    pub(super) fn save(&self) -> std::io::Result<()> {
        let used = self
            .used
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        // Nothing new and nothing dropped: the file already says this.
        if used.len() == self.old.len() && used.keys().all(|k| self.old.contains_key(k)) {
            return Ok(());
        }
        let mut keys: Vec<&[u8; 32]> = used.keys().collect();
        keys.sort();
        let mut out =
            Vec::with_capacity(16 + used.values().map(|e| e.html.len() + 40).sum::<usize>());
        out.extend_from_slice(MAGIC);
        for k in keys {
            let e = &used[k];
            out.extend_from_slice(k);
            out.push(u8::from(e.unknown_language) | (u8::from(e.go_valid) << 1));
            out.extend_from_slice(&(e.html.len() as u32).to_le_bytes());
            out.extend_from_slice(e.html.as_bytes());
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self
            .path
            .with_extension(format!("tmp-{}", std::process::id()));
        std::fs::write(&tmp, out)?;
        std::fs::rename(tmp, &self.path)
    }
}

fn decode(b: &[u8]) -> Option<HashMap<[u8; 32], Entry>> {
    let mut rest = b.strip_prefix(MAGIC.as_slice())?;
    let mut map = HashMap::new();
    while !rest.is_empty() {
        let key: [u8; 32] = rest.get(..32)?.try_into().ok()?;
        let flags = *rest.get(32)?;
        let len = u32::from_le_bytes(rest.get(33..37)?.try_into().ok()?) as usize;
        let html = std::str::from_utf8(rest.get(37..37 + len)?)
            .ok()?
            .to_string();
        map.insert(
            key,
            Entry {
                html,
                unknown_language: flags & 1 != 0,
                go_valid: flags & 2 != 0,
            },
        );
        rest = &rest[37 + len..];
    }
    Some(map)
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
            go_valid: true,
        };
        c.put(k1, &h);
        c.put(k2, &h);
        c.save().unwrap();
        let c = Cache::load(&path);
        let got = c.get(&k1).unwrap();
        assert_eq!(got.html, "<pre>x</pre>");
        assert!(got.go_valid);
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
        std::fs::write(&path, b"garbage").unwrap();
        assert!(Cache::load(&path).get(&k1).is_none());
    }
}
