//! A persistent cache of highlighted blocks, so a rebuild where no code block
//! changed skips highlighting (the largest part of a cold build).
//!
//! Keyed by a hash of the highlighter version, the fence options and the
//! code. Stored as one file under the cache folder (which CI can keep between
//! runs); only the entries the last build used are kept, so it never grows
//! without bound. The format is a small length-prefixed binary file; anything
//! unreadable is treated as an empty cache.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{FenceInfo, Highlighted};

const VERSION: &[u8] = b"handbook-highlight-4";
const MAGIC: &[u8; 8] = b"HBHLC002";
/// Bytes before an entry's HTML: key, flags, length.
const HEADER: usize = 32 + 1 + 4;

/// Where an entry's HTML is in a file or buffer, and its flags.
#[derive(Clone, Copy)]
struct Slot {
    at: usize,
    len: usize,
    flags: u8,
}

/// The persistent cache. Memory stays flat however large the site: the
/// previous file is read once into one buffer (entries are slices of it, not
/// copies), and blocks highlighted in this build go straight to the next
/// file (a temporary file renamed over the old one by [`Cache::save`]), not
/// into memory.
pub(super) struct Cache {
    path: PathBuf,
    old: Vec<u8>,
    old_index: HashMap<[u8; 32], Slot>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Entries of the previous file this build used.
    used_old: HashSet<[u8; 32]>,
    /// The next file, once this build highlighted something new.
    log: Option<Log>,
    /// Why the next file could not be written (reported by `save`).
    failed: Option<std::io::Error>,
}

/// The next cache file, being written.
struct Log {
    tmp: PathBuf,
    writer: BufWriter<File>,
    /// A second handle to read back a block that repeats within one build.
    reader: File,
    len: usize,
    index: HashMap<[u8; 32], Slot>,
}

impl Log {
    fn create(path: &Path) -> std::io::Result<Log> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let mut writer = BufWriter::new(File::create(&tmp)?);
        writer.write_all(MAGIC)?;
        let reader = File::open(&tmp)?;
        Ok(Log {
            tmp,
            writer,
            reader,
            len: MAGIC.len(),
            index: HashMap::new(),
        })
    }

    fn append(&mut self, key: &[u8; 32], flags: u8, html: &[u8]) -> std::io::Result<()> {
        let len = u32::try_from(html.len()).map_err(std::io::Error::other)?;
        self.writer.write_all(key)?;
        self.writer.write_all(&[flags])?;
        self.writer.write_all(&len.to_le_bytes())?;
        self.writer.write_all(html)?;
        self.index.insert(
            *key,
            Slot {
                at: self.len + HEADER,
                len: html.len(),
                flags,
            },
        );
        self.len += HEADER + html.len();
        Ok(())
    }

    fn read(&mut self, slot: Slot) -> std::io::Result<String> {
        self.writer.flush()?;
        self.reader.seek(SeekFrom::Start(slot.at as u64))?;
        let mut html = vec![0; slot.len];
        self.reader.read_exact(&mut html)?;
        String::from_utf8(html).map_err(std::io::Error::other)
    }
}

impl Drop for Cache {
    /// A build that stopped before `save` leaves no temporary file behind.
    fn drop(&mut self) {
        if let Ok(state) = self.state.get_mut()
            && let Some(log) = state.log.take()
        {
            let tmp = log.tmp.clone();
            drop(log);
            let _ = std::fs::remove_file(tmp);
        }
    }
}

fn highlighted(html: String, flags: u8) -> Highlighted {
    Highlighted {
        html,
        unknown_language: flags & 1 != 0,
        go_valid: flags & 2 != 0,
    }
}

fn flags_of(h: &Highlighted) -> u8 {
    u8::from(h.unknown_language) | (u8::from(h.go_valid) << 1)
}

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
    pub(super) fn load(path: &Path) -> Cache {
        let old = std::fs::read(path).unwrap_or_default();
        let old_index = index(&old).unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            old,
            old_index,
            state: Mutex::new(State::default()),
        }
    }

    pub(super) fn get(&self, key: &[u8; 32]) -> Option<Highlighted> {
        let mut state = self.state.lock().ok()?;
        if let Some(&slot) = self.old_index.get(key) {
            let html = std::str::from_utf8(self.old.get(slot.at..slot.at + slot.len)?).ok()?;
            state.used_old.insert(*key);
            return Some(highlighted(html.to_string(), slot.flags));
        }
        let log = state.log.as_mut()?;
        let slot = *log.index.get(key)?;
        log.read(slot)
            .ok()
            .map(|html| highlighted(html, slot.flags))
    }

    /// Keep the entry under `key` for the next build without reading it
    /// (its block's page came from another cache).
    pub(super) fn keep(&self, key: &[u8; 32]) {
        if self.old_index.contains_key(key)
            && let Ok(mut state) = self.state.lock()
        {
            state.used_old.insert(*key);
        }
    }

    pub(super) fn put(&self, key: [u8; 32], h: &Highlighted) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.failed.is_some() || self.old_index.contains_key(&key) {
            return;
        }
        if state.log.is_none() {
            match Log::create(&self.path) {
                Ok(log) => state.log = Some(log),
                Err(e) => {
                    state.failed = Some(e);
                    return;
                }
            }
        }
        let Some(log) = state.log.as_mut() else {
            return;
        };
        if log.index.contains_key(&key) {
            return;
        }
        if let Err(e) = log.append(&key, flags_of(h), h.html.as_bytes()) {
            state.failed = Some(e);
        }
    }

    /// Finish the next cache file: this build's new entries, then the old
    /// ones it used; the old entries it did not use are dropped. Nothing is
    /// written when the build used exactly the old entries.
    pub(super) fn save(&self) -> std::io::Result<()> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        if let Some(e) = state.failed.take() {
            return Err(e);
        }
        if state.log.is_none() && state.used_old.len() == self.old_index.len() {
            return Ok(());
        }
        let log = match state.log.take() {
            Some(log) => log,
            None => Log::create(&self.path)?,
        };
        let tmp = log.tmp.clone();
        let finished = self.finish(log, &state.used_old);
        if finished.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        finished
    }

    /// Append the old entries used (sorted, so the same blocks give the same
    /// file) and put the file in place.
    fn finish(&self, mut log: Log, used_old: &HashSet<[u8; 32]>) -> std::io::Result<()> {
        let mut keys: Vec<&[u8; 32]> = used_old.iter().collect();
        keys.sort();
        for k in keys {
            let slot = self.old_index[k];
            log.append(k, slot.flags, &self.old[slot.at..slot.at + slot.len])?;
        }
        let Log {
            tmp,
            writer,
            reader,
            ..
        } = log;
        // Both handles closed before the rename (Windows refuses to rename
        // an open file).
        drop(reader);
        drop(writer.into_inner().map_err(|e| e.into_error())?);
        std::fs::rename(tmp, &self.path)
    }
}

/// Where each entry of a cache file is; `None` when the file is not one.
fn index(b: &[u8]) -> Option<HashMap<[u8; 32], Slot>> {
    if b.is_empty() {
        return Some(HashMap::new());
    }
    let mut at = MAGIC.len();
    if b.get(..at)? != MAGIC.as_slice() {
        return None;
    }
    let mut map = HashMap::new();
    while at < b.len() {
        let key: [u8; 32] = b.get(at..at + 32)?.try_into().ok()?;
        let flags = *b.get(at + 32)?;
        let len = u32::from_le_bytes(b.get(at + 33..at + HEADER)?.try_into().ok()?) as usize;
        b.get(at + HEADER..at + HEADER + len)?;
        map.insert(
            key,
            Slot {
                at: at + HEADER,
                len,
                flags,
            },
        );
        at += HEADER + len;
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
        // New entries go to a temporary file, removed when the build stops
        // without saving.
        let files = || std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files(), 2, "hl.bin and the temporary file");
        drop(fresh);
        assert_eq!(files(), 1, "only hl.bin");
        std::fs::write(&path, b"garbage").unwrap();
        assert!(Cache::load(&path).get(&k1).is_none());
    }
}
