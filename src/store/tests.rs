//! Tests of the store file: round trips, pruning, in-place updates, damage, locking.

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
    drop(s);
    // Another version of the values starts empty.
    assert_eq!(Store::open(&path, "v2").get(&key(1)), None);
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let mut leftovers = leftovers;
    leftovers.sort();
    assert_eq!(
        leftovers,
        ["s.bin", "s.bin.lock"].map(std::ffi::OsString::from)
    );
}

#[test]
fn small_changes_update_the_file_in_place_and_it_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.bin");
    let value = |n: u8, round: u8| vec![n ^ round; 100];
    let s = Store::open(&path, "v1");
    for n in 0..10 {
        s.put(&key(n), &value(n, 0));
    }
    s.save().unwrap();
    let compact = std::fs::metadata(&path).unwrap().len();
    let mut sizes = Vec::new();
    for round in 1..=25u8 {
        // One value of ten changes: nine are read, one is new.
        let changed = round % 10;
        let s = Store::open(&path, "v1");
        for n in (0..10).filter(|&n| n != changed) {
            assert_eq!(s.get(&key(n)).unwrap().len(), 100);
        }
        s.put(&key(changed), &value(changed, round));
        s.save().unwrap();
        let s = Store::open(&path, "v1");
        assert_eq!(s.get(&key(changed)), Some(value(changed, round)));
        sizes.push(std::fs::metadata(&path).unwrap().len());
    }
    // In place at first (the file grows by one value a round), then
    // rewritten once half of it is dead.
    assert_eq!(sizes[0], compact + 100, "{sizes:?}");
    assert!(sizes.iter().all(|&s| s <= 2 * compact + 200), "{sizes:?}");
    assert!(
        sizes.windows(2).any(|w| w[1] < w[0]),
        "compacted: {sizes:?}"
    );
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 2, "the store and its lock file");
}

#[test]
fn a_store_open_elsewhere_is_neither_read_nor_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.bin");
    let s = Store::open(&path, "v1");
    s.put(&key(1), b"one");
    s.save().unwrap();
    let first = Store::open(&path, "v1");
    let second = Store::open(&path, "v1");
    assert_eq!(second.get(&key(1)), None, "the first holds the lock");
    second.put(&key(2), b"two");
    second.save().unwrap();
    assert_eq!(first.get(&key(1)).as_deref(), Some(&b"one"[..]));
    first.save().unwrap();
    drop((first, second));
    let s = Store::open(&path, "v1");
    assert_eq!(s.get(&key(1)).as_deref(), Some(&b"one"[..]));
    assert_eq!(s.get(&key(2)), None, "the second saved nothing");
}

#[test]
fn a_saved_store_still_reads_and_takes_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.bin");
    let s = Store::open(&path, "v1");
    s.put(&key(1), b"one");
    s.save().unwrap();
    drop(s);
    let s = Store::open(&path, "v1");
    assert!(s.get(&key(1)).is_some());
    s.save().unwrap();
    // Read after saving (`serve` keeps reading the highlight cache).
    assert_eq!(s.get(&key(1)).as_deref(), Some(&b"one"[..]));
    s.put(&key(2), b"two");
    s.save().unwrap();
    assert_eq!(s.get(&key(2)), None);
    drop(s);
    let s = Store::open(&path, "v1");
    assert_eq!(
        s.get(&key(1)).as_deref(),
        Some(&b"one"[..]),
        "a second save changes nothing"
    );
    assert_eq!(s.get(&key(2)), None);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file"
    );
}

#[test]
fn a_key_keeps_its_first_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.bin");
    let s = Store::open(&path, "v1");
    s.put(&key(1), b"one");
    s.put(&key(1), b"again");
    assert_eq!(s.get(&key(1)).as_deref(), Some(&b"one"[..]));
    s.save().unwrap();
    let once = std::fs::metadata(&path).unwrap().len();
    drop(s);
    let s = Store::open(&path, "v1");
    s.put(&key(2), b"two");
    // Read from the last build, then put: the stored value stays.
    assert!(s.get(&key(1)).is_some());
    s.put(&key(1), b"changed");
    s.save().unwrap();
    drop(s);
    let s = Store::open(&path, "v1");
    assert_eq!(s.get(&key(1)).as_deref(), Some(&b"one"[..]));
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        once + 3 + INDEX_ENTRY as u64,
        "one value and one index entry more: no duplicate"
    );
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

#[test]
fn temporaries_of_killed_builds_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.bin");
    // No process has a pid this large (the kernel's maximum is 4,194,304).
    let dead = dir.path().join("s.tmp-999999999");
    let live = dir.path().join("s.tmp-1");
    let other = dir.path().join("t.tmp-999999999");
    for f in [&dead, &live, &other] {
        std::fs::write(f, b"x").unwrap();
    }
    let s = Store::open(&path, "v1");
    s.put(&key(1), b"one");
    s.save().unwrap();
    assert!(!dead.exists(), "a killed build's temporary is removed");
    assert!(live.exists(), "a running process's is not");
    assert!(other.exists(), "another store's is not");
}
