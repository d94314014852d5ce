//! A persistent key-value file for what `build` can reuse across processes
//! (rendered Markdown, search term counts, which output a page produced), so
//! a CI rebuild with the cache restored does work proportional to the change.
//!
//! One file per store under `[build] cache-dir`. Values are opaque bytes
//! under 32-byte keys (hashes of everything a value depends on, so a stale
//! entry is never found, only left unused). The previous file is not read
//! into memory: its index is, and a value is read with one positioned read
//! when asked for. The next file is written as the build goes (new values
//! appended, used old ones copied at [`Store::save`]) and renamed over the
//! old one, so the file holds only what the last build used and never grows
//! without bound. Anything unreadable (missing, truncated, another version)
//! is an empty store: a cache can only cost speed, never correctness.
//!
//! Layout: `MAGIC`, the version hash (32 bytes), the values back to back,
//! then the index (key, offset u64, length u32 per entry), the entry count
//! (u64), the index offset (u64) and `MAGIC` again.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

const MAGIC: &[u8; 8] = b"HBSTORE1";
const HEADER: u64 = 8 + 32;
const INDEX_ENTRY: usize = 32 + 8 + 4;
const FOOTER: u64 = 8 + 8 + 8;

/// A key: a hash of everything the value depends on.
pub type Key = [u8; 32];

/// An open store: the previous file's index, and the next file being written.
pub struct Store {
    path: PathBuf,
    version: [u8; 32],
    old: Option<File>,
    old_index: HashMap<Key, (u64, u32)>,
    next: Mutex<Next>,
    /// Values read and values put by this build (`HANDBOOK_STATS`).
    read: AtomicUsize,
    written: AtomicUsize,
}

#[derive(Default)]
struct Next {
    /// Old entries this build used (copied into the next file on save).
    used: HashSet<Key>,
    /// The next file, once this build added something.
    file: Option<NextFile>,
    /// Why the next file could not be written (reported by `save`).
    failed: Option<std::io::Error>,
}

struct NextFile {
    tmp: PathBuf,
    writer: BufWriter<File>,
    len: u64,
    index: Vec<(Key, u64, u32)>,
}

impl NextFile {
    fn create(path: &Path, version: &[u8; 32]) -> std::io::Result<NextFile> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let mut writer = BufWriter::new(File::create(&tmp)?);
        writer.write_all(MAGIC)?;
        writer.write_all(version)?;
        Ok(NextFile {
            tmp,
            writer,
            len: HEADER,
            index: Vec::new(),
        })
    }

    fn append(&mut self, key: &Key, value: &[u8]) -> std::io::Result<()> {
        let len = u32::try_from(value.len()).map_err(std::io::Error::other)?;
        self.writer.write_all(value)?;
        self.index.push((*key, self.len, len));
        self.len += u64::from(len);
        Ok(())
    }

    fn finish(mut self, path: &Path) -> std::io::Result<()> {
        let at = self.len;
        for (key, offset, len) in &self.index {
            self.writer.write_all(key)?;
            self.writer.write_all(&offset.to_le_bytes())?;
            self.writer.write_all(&len.to_le_bytes())?;
        }
        self.writer
            .write_all(&(self.index.len() as u64).to_le_bytes())?;
        self.writer.write_all(&at.to_le_bytes())?;
        self.writer.write_all(MAGIC)?;
        self.writer.flush()?;
        drop(self.writer);
        std::fs::rename(&self.tmp, path)
    }
}

/// The index of a store file, or `None` when it is not one of this version.
fn read_index(file: &File, version: &[u8; 32]) -> Option<HashMap<Key, (u64, u32)>> {
    let size = file.metadata().ok()?.len();
    if size < HEADER + FOOTER {
        return None;
    }
    let mut head = [0u8; HEADER as usize];
    file.read_exact_at(&mut head, 0).ok()?;
    if &head[..8] != MAGIC || head[8..] != version[..] {
        return None;
    }
    let mut foot = [0u8; FOOTER as usize];
    file.read_exact_at(&mut foot, size - FOOTER).ok()?;
    if &foot[16..] != MAGIC {
        return None;
    }
    let count = u64::from_le_bytes(foot[..8].try_into().ok()?);
    let at = u64::from_le_bytes(foot[8..16].try_into().ok()?);
    let bytes = count.checked_mul(INDEX_ENTRY as u64)?;
    if at < HEADER || at.checked_add(bytes)? != size - FOOTER {
        return None;
    }
    let mut raw = vec![0u8; usize::try_from(bytes).ok()?];
    file.read_exact_at(&mut raw, at).ok()?;
    let mut index = HashMap::with_capacity(raw.len() / INDEX_ENTRY);
    for e in raw.chunks_exact(INDEX_ENTRY) {
        let key: Key = e[..32].try_into().ok()?;
        let offset = u64::from_le_bytes(e[32..40].try_into().ok()?);
        let len = u32::from_le_bytes(e[40..].try_into().ok()?);
        if offset < HEADER || offset.checked_add(u64::from(len))? > at {
            return None;
        }
        index.insert(key, (offset, len));
    }
    Some(index)
}

impl Store {
    /// Open the store at `path` for values written by `version` (a string
    /// naming the format of the values; a different one starts empty).
    pub fn open(path: &Path, version: &str) -> Store {
        let mut h = blake3::Hasher::new();
        h.update(version.as_bytes());
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        let version = *h.finalize().as_bytes();
        let old = File::open(path).ok();
        let old_index = old
            .as_ref()
            .and_then(|f| read_index(f, &version))
            .unwrap_or_default();
        Store {
            path: path.to_path_buf(),
            version,
            old: old.filter(|_| !old_index.is_empty()),
            old_index,
            next: Mutex::new(Next::default()),
            read: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
        }
    }

    /// The value stored under `key` by the last build, if any (it is kept
    /// for the next one).
    pub fn get(&self, key: &Key) -> Option<Vec<u8>> {
        let (offset, len) = *self.old_index.get(key)?;
        let mut value = vec![0u8; len as usize];
        self.old.as_ref()?.read_exact_at(&mut value, offset).ok()?;
        if let Ok(mut next) = self.next.lock() {
            next.used.insert(*key);
        }
        self.read.fetch_add(1, Ordering::Relaxed);
        Some(value)
    }

    /// How many values this build read and put so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.read.load(Ordering::Relaxed),
            self.written.load(Ordering::Relaxed),
        )
    }

    /// Store `value` under `key` for the next build.
    pub fn put(&self, key: &Key, value: &[u8]) {
        let Ok(mut next) = self.next.lock() else {
            return;
        };
        if next.failed.is_some() || next.used.contains(key) {
            return;
        }
        if next.file.is_none() {
            match NextFile::create(&self.path, &self.version) {
                Ok(f) => next.file = Some(f),
                Err(e) => {
                    next.failed = Some(e);
                    return;
                }
            }
        }
        match next.file.as_mut().map(|f| f.append(key, value)) {
            Some(Err(e)) => next.failed = Some(e),
            _ => {
                self.written.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Write the next file: the values this build put, and the old ones it
    /// used. An unchanged store (nothing put, every old value used) is left
    /// as it is.
    pub fn save(self) -> std::io::Result<()> {
        let Store {
            path,
            version,
            old,
            old_index,
            next,
            ..
        } = self;
        let Next { used, file, failed } = next.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = failed {
            if let Some(f) = file {
                let _ = std::fs::remove_file(&f.tmp);
            }
            return Err(e);
        }
        if file.is_none() && used.len() == old_index.len() {
            return Ok(());
        }
        let mut file = match file {
            Some(f) => f,
            None => NextFile::create(&path, &version)?,
        };
        let copied = (|| {
            let mut buf = Vec::new();
            for key in &used {
                let (Some(old), Some(&(offset, len))) = (&old, old_index.get(key)) else {
                    continue;
                };
                buf.resize(len as usize, 0);
                old.read_exact_at(&mut buf, offset)?;
                file.append(key, &buf)?;
            }
            Ok(())
        })();
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&file.tmp);
            return Err(e);
        }
        let tmp = file.tmp.clone();
        file.finish(&path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Key {
        [n; 32]
    }

    #[test]
    fn values_survive_a_save_and_unused_ones_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/s.bin");
        let s = Store::open(&path, "v1");
        assert_eq!(s.get(&key(1)), None);
        s.put(&key(1), b"one");
        s.put(&key(2), b"two");
        s.put(&key(3), b"");
        s.save().unwrap();

        let s = Store::open(&path, "v1");
        assert_eq!(s.get(&key(1)).as_deref(), Some(&b"one"[..]));
        assert_eq!(s.get(&key(3)).as_deref(), Some(&b""[..]));
        s.put(&key(4), b"four");
        s.save().unwrap();

        let s = Store::open(&path, "v1");
        assert_eq!(s.get(&key(1)).as_deref(), Some(&b"one"[..]));
        assert_eq!(s.get(&key(2)), None, "not used by the last build");
        assert_eq!(s.get(&key(3)).as_deref(), Some(&b""[..]));
        assert_eq!(s.get(&key(4)).as_deref(), Some(&b"four"[..]));
        // Another version of the values starts empty.
        assert_eq!(Store::open(&path, "v2").get(&key(1)), None);
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("s.bin")]);
    }

    #[test]
    fn an_unchanged_store_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.bin");
        let s = Store::open(&path, "v1");
        s.put(&key(1), b"one");
        s.save().unwrap();
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let s = Store::open(&path, "v1");
        assert!(s.get(&key(1)).is_some());
        s.save().unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );
        // Not using an entry rewrites the file without it.
        Store::open(&path, "v1").save().unwrap();
        assert_eq!(Store::open(&path, "v1").get(&key(1)), None);
    }

    #[test]
    fn a_damaged_file_is_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.bin");
        let s = Store::open(&path, "v1");
        s.put(&key(1), b"one");
        s.put(&key(2), b"two");
        s.save().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        for cut in [0, 8, 40, 43, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert_eq!(Store::open(&path, "v1").get(&key(1)), None, "cut at {cut}");
        }
        // An index pointing past the values.
        let mut bad = bytes.clone();
        let at = bad.len() - 24 - 2 * INDEX_ENTRY + 32;
        bad[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        std::fs::write(&path, &bad).unwrap();
        assert_eq!(Store::open(&path, "v1").get(&key(2)), None);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            Store::open(&path, "v1").get(&key(2)).as_deref(),
            Some(&b"two"[..])
        );
    }
}
