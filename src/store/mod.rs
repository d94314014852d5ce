//! A persistent key-value file for what `build` can reuse across processes
//! (rendered Markdown, search term counts, which output a page produced), so
//! a CI rebuild with the cache restored does work proportional to the change.
//!
//! One file per store under `[build] cache-dir`. Values are opaque bytes
//! under 32-byte keys (hashes of everything a value depends on, so a stale
//! entry is never found, only left unused). The previous file is not read
//! into memory: its index is, and a value is read with one positioned read
//! when asked for. New values are written to a temporary file as the build
//! goes; [`Store::save`] appends them to the old file in place while at least
//! half of it is still used (a small change writes only what changed), else
//! writes a new file of the values used and renames it over the old one, so
//! the file never grows without bound. Anything unreadable (missing,
//! truncated, another version) is an empty store: a cache can only cost
//! speed, never correctness. A store is used by one process at a time (an
//! advisory lock on `<file>.lock`): a second build running at once works
//! without it rather than read values being rewritten.
//!
//! Layout: `MAGIC`, the version hash (32 bytes), the values back to back,
//! then the index (key, offset u64, length u32 per entry), the entry count
//! (u64), the index offset (u64) and `MAGIC` again.

// Keys are blake3 hashes already: SipHash over them was a few percent of a
// rebuild that looks up every page's values.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
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

/// Where each value of a file is: offset and length.
type Index = HashMap<Key, (u64, u32)>;

/// An open store: the previous file's index, and the next file being written.
pub struct Store {
    path: PathBuf,
    version: [u8; 32],
    old: Option<File>,
    old_index: Index,
    /// Where the previous file's values end (its index starts).
    old_end: u64,
    next: Mutex<Next>,
    /// Values read and values put by this build (`HANDBOOK_STATS`).
    read: AtomicUsize,
    written: AtomicUsize,
    /// The lock held from opening to saving; `None`: another build holds
    /// it, and this store reads nothing and saves nothing.
    lock: Option<File>,
    /// Set by [`Store::save`]: values put later are not kept.
    saved: std::sync::atomic::AtomicBool,
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
    /// A second handle, to read back a value put earlier in this build.
    reader: File,
    len: u64,
    index: Vec<(Key, u64, u32)>,
    /// Where each value put in this build is in `index`.
    put: HashMap<Key, usize>,
}

/// Remove `<stem>.tmp-<pid>` files beside `path` whose process is gone (a
/// build killed before it could rename its new store into place); a live
/// process's file is another build's, left alone.
fn remove_stale_temporaries(path: &Path) {
    let (Some(dir), Some(stem)) = (path.parent(), path.file_stem().and_then(|s| s.to_str())) else {
        return;
    };
    let prefix = format!("{stem}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

impl NextFile {
    fn create(path: &Path, version: &[u8; 32]) -> std::io::Result<NextFile> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        remove_stale_temporaries(path);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let mut writer = BufWriter::new(File::create(&tmp)?);
        writer.write_all(MAGIC)?;
        writer.write_all(version)?;
        let reader = File::open(&tmp)?;
        Ok(NextFile {
            tmp,
            writer,
            reader,
            len: HEADER,
            index: Vec::new(),
            put: HashMap::default(),
        })
    }

    fn append(&mut self, key: &Key, value: &[u8]) -> std::io::Result<()> {
        let len = u32::try_from(value.len()).map_err(std::io::Error::other)?;
        self.writer.write_all(value)?;
        self.put.insert(*key, self.index.len());
        self.index.push((*key, self.len, len));
        self.len += u64::from(len);
        Ok(())
    }

    /// A value put earlier in this build.
    fn read(&mut self, key: &Key) -> Option<Vec<u8>> {
        let (_, offset, len) = self.index[*self.put.get(key)?];
        self.writer.flush().ok()?;
        let mut value = vec![0u8; len as usize];
        self.reader.read_exact_at(&mut value, offset).ok()?;
        Some(value)
    }

    fn finish(mut self, path: &Path) -> std::io::Result<()> {
        write_index(&mut self.writer, &self.index, self.len)?;
        // Both handles closed before the rename (Windows refuses to rename
        // an open file).
        let NextFile {
            tmp,
            writer,
            reader,
            ..
        } = self;
        drop(reader);
        drop(writer);
        std::fs::rename(&tmp, path)
    }
}

/// The index and footer of a file whose values end at `at`.
fn write_index(w: &mut impl Write, index: &[(Key, u64, u32)], at: u64) -> std::io::Result<()> {
    for (key, offset, len) in index {
        w.write_all(key)?;
        w.write_all(&offset.to_le_bytes())?;
        w.write_all(&len.to_le_bytes())?;
    }
    w.write_all(&(index.len() as u64).to_le_bytes())?;
    w.write_all(&at.to_le_bytes())?;
    w.write_all(MAGIC)?;
    w.flush()
}

/// Update the previous file in place: the new values go where its index
/// was, then an index of the kept and the new ones. Values of the old file
/// no longer used stay as dead bytes until a save compacts the file.
fn append_in_place(
    path: &Path,
    end: u64,
    mut index: Vec<(Key, u64, u32)>,
    new: Option<NextFile>,
) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.seek(SeekFrom::Start(end))?;
    let mut at = end;
    if let Some(mut n) = new {
        n.writer.flush()?;
        let mut values = File::open(&n.tmp)?;
        values.seek(SeekFrom::Start(HEADER))?;
        // The temporary file holds the header and the new values only.
        at += std::io::copy(&mut values, &mut file)?;
        index.extend(n.index.iter().map(|&(k, o, l)| (k, o - HEADER + end, l)));
    }
    let mut w = BufWriter::new(&mut file);
    write_index(&mut w, &index, at)?;
    drop(w);
    let len = file.stream_position()?;
    file.set_len(len)
}

/// An exclusive lock on `<path>.lock`, or `None` when another process holds
/// it (or it cannot be made: a read-only cache folder).
fn lock(path: &Path) -> Option<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok()?;
    }
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(name))
        .ok()?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
    Some(file)
}

/// The index of a store file, or `None` when it is not one of this version.
fn read_index(file: &File, version: &[u8; 32]) -> Option<(Index, u64)> {
    let size = file.metadata().ok()?.len();
    let mut head = [0u8; HEADER as usize];
    file.read_exact_at(&mut head, 0).ok()?;
    if &head[..8] != MAGIC || head[8..] != version[..] {
        return None;
    }
    let mut foot = [0u8; FOOTER as usize];
    let index_end = size.checked_sub(FOOTER)?;
    file.read_exact_at(&mut foot, index_end).ok()?;
    if &foot[16..] != MAGIC {
        return None;
    }
    let count = u64::from_le_bytes(foot[..8].try_into().ok()?);
    let at = u64::from_le_bytes(foot[8..16].try_into().ok()?);
    let bytes = count.checked_mul(INDEX_ENTRY as u64)?;
    // (Each entry is checked to lie between the header and the index.)
    if at.checked_add(bytes)? != index_end {
        return None;
    }
    let mut raw = vec![0u8; usize::try_from(bytes).ok()?];
    file.read_exact_at(&mut raw, at).ok()?;
    let mut index = HashMap::with_capacity_and_hasher(raw.len() / INDEX_ENTRY, Default::default());
    for e in raw.chunks_exact(INDEX_ENTRY) {
        let key: Key = e[..32].try_into().ok()?;
        let offset = u64::from_le_bytes(e[32..40].try_into().ok()?);
        let len = u32::from_le_bytes(e[40..].try_into().ok()?);
        if offset < HEADER || offset.checked_add(u64::from(len))? > at {
            return None;
        }
        index.insert(key, (offset, len));
    }
    Some((index, at))
}

impl Store {
    /// Open the store at `path` for values written by `version` (a string
    /// naming the format of the values; a different one starts empty).
    pub fn open(path: &Path, version: &str) -> Store {
        let mut h = blake3::Hasher::new();
        h.update(version.as_bytes());
        // The source the program was built from (build.rs): another build
        // of handbook, even of the same version, may render differently.
        h.update(env!("HANDBOOK_SOURCE_ID").as_bytes());
        let version = *h.finalize().as_bytes();
        let lock = lock(path);
        let old = lock.as_ref().and_then(|_| File::open(path).ok());
        let (old_index, old_end) = old
            .as_ref()
            .and_then(|f| read_index(f, &version))
            .unwrap_or_default();
        Store {
            path: path.to_path_buf(),
            version,
            old: old.filter(|_| !old_index.is_empty()),
            old_index,
            old_end,
            next: Mutex::new(Next::default()),
            read: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
            lock,
            saved: Default::default(),
        }
    }

    /// The value stored under `key` by the last build or put earlier in
    /// this one, if any (it is kept for the next build).
    pub fn get(&self, key: &Key) -> Option<Vec<u8>> {
        let Some(&(offset, len)) = self.old_index.get(key) else {
            return self.next.lock().ok()?.file.as_mut()?.read(key);
        };
        let mut value = vec![0u8; len as usize];
        self.old.as_ref()?.read_exact_at(&mut value, offset).ok()?;
        self.keep(key);
        Some(value)
    }

    /// Keep the value stored under `key` by the last build for the next one
    /// without reading it; whether the last build stored one (counted as
    /// read in [`Self::counts`]: the stamps store is only ever asked this).
    pub fn keep(&self, key: &Key) -> bool {
        let kept = self.old_index.contains_key(key)
            && self.next.lock().is_ok_and(|mut next| {
                next.used.insert(*key);
                true
            });
        if kept {
            self.read.fetch_add(1, Ordering::Relaxed);
        }
        kept
    }

    /// How many values this build read and put so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.read.load(Ordering::Relaxed),
            self.written.load(Ordering::Relaxed),
        )
    }

    /// Store `value` under `key` for the next build (once: a key already
    /// stored keeps its value, which depends only on the key).
    pub fn put(&self, key: &Key, value: &[u8]) {
        let Ok(mut next) = self.next.lock() else {
            return;
        };
        if self.lock.is_none() || self.saved.load(Ordering::Relaxed) {
            return;
        }
        let put = next.file.as_ref().is_some_and(|f| f.put.contains_key(key));
        if next.failed.is_some() || next.used.contains(key) || put {
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
    /// as it is. While at least half of the previous file's values are still
    /// used, it is updated in place (a rebuild after a small change writes
    /// only what changed); otherwise it is rewritten with only what was used.
    /// Once saved, the store takes no more values (it still reads the
    /// previous file's).
    pub fn save(&self) -> std::io::Result<()> {
        let Next { used, file, failed } = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            if self.saved.swap(true, Ordering::Relaxed) {
                return Ok(());
            }
            std::mem::take(&mut *next)
        };
        let tmp = file.as_ref().map(|f| f.tmp.clone());
        let saved = match failed {
            Some(e) => Err(e),
            None => self.write_next(used, file),
        };
        if let Some(t) = tmp.filter(|t| t.exists()) {
            let _ = std::fs::remove_file(t);
        }
        // Done with the file: the next build may open it now.
        if let Some(l) = &self.lock {
            let _ = rustix::fs::flock(l, rustix::fs::FlockOperation::Unlock);
        }
        saved
    }

    fn write_next(&self, used: HashSet<Key>, file: Option<NextFile>) -> std::io::Result<()> {
        if self.lock.is_none() || (file.is_none() && used.len() == self.old_index.len()) {
            return Ok(());
        }
        // Old values in file order, so the same values give the same file.
        let mut kept: Vec<(Key, u64, u32)> = used
            .iter()
            .filter_map(|k| self.old_index.get(k).map(|&(o, l)| (*k, o, l)))
            .collect();
        kept.sort_by_key(|&(_, offset, _)| offset);
        // Dead bytes: values not used now, and those earlier in-place
        // updates left behind.
        let live: u64 = kept.iter().map(|&(_, _, l)| u64::from(l)).sum();
        let dead = self.old_end.saturating_sub(HEADER + live);
        if self.old.is_some() && dead <= live {
            return append_in_place(&self.path, self.old_end, kept, file);
        }
        let mut file = match file {
            Some(f) => f,
            None => NextFile::create(&self.path, &self.version)?,
        };
        let mut buf = Vec::new();
        for (key, offset, len) in kept {
            let Some(old) = &self.old else { break };
            buf.resize(len as usize, 0);
            old.read_exact_at(&mut buf, offset)?;
            file.append(&key, &buf)?;
        }
        file.finish(&self.path)
    }
}

impl Drop for Store {
    /// A build that stopped before saving leaves no temporary file behind.
    fn drop(&mut self) {
        if let Ok(next) = self.next.get_mut()
            && let Some(f) = next.file.take()
        {
            let tmp = f.tmp.clone();
            drop(f);
            let _ = std::fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests;
