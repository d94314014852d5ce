//! Rebuilds with `[build] cache-dir` and the previous output kept, as a CI
//! job that restores its cache does: only what changed is rendered, indexed
//! and written, and the site is byte for byte what a cold build makes.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{BUILD_EPOCH, copy_dir, fixture, read, snapshot, write};

/// Build `root`; returns each store's (values read, values written).
fn build(root: &Path) -> BTreeMap<String, (usize, usize)> {
    let o = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .arg("build")
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        .env("HANDBOOK_STATS", "1")
        .output()
        .expect("run handbook");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "build failed:\n{err}");
    err.lines()
        .filter_map(|l| l.strip_prefix("handbook-stats store "))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (
                w[0].to_string(),
                (w[2].parse().unwrap(), w[4].parse().unwrap()),
            )
        })
        .collect()
}

/// The same sources built cold in a fresh folder: no cache, no output.
fn cold_build_of(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let fresh = tempfile::tempdir().unwrap();
    copy_dir(root, fresh.path());
    let _ = std::fs::remove_dir_all(fresh.path().join(".handbook-cache"));
    let _ = std::fs::remove_dir_all(fresh.path().join("public"));
    let stores = build(fresh.path());
    assert!(
        stores.values().all(|&(read, _)| read == 0),
        "a cold build reads no store: {stores:?}"
    );
    snapshot(&fresh.path().join("public"))
}

fn store(stores: &BTreeMap<String, (usize, usize)>, name: &str) -> (usize, usize) {
    stores[name]
}

#[test]
fn a_rebuild_renders_only_the_changed_pages_and_equals_a_cold_build() {
    let d = fixture("basic");
    let out = d.path().join("public");
    let first = build(d.path());
    let (_, rendered) = store(&first, "markdown");
    let (_, pages) = store(&first, "outputs");
    assert!(pages >= 12, "every page's output is recorded: {first:?}");
    assert!(
        rendered >= pages - 1,
        "pages without warnings are stored: {first:?}"
    );

    // Unchanged: everything comes from the stores, nothing is written.
    let again = build(d.path());
    assert_eq!(store(&again, "markdown"), (rendered, 0), "{again:?}");
    assert_eq!(store(&again, "outputs"), (pages, 0), "{again:?}");
    assert_eq!(snapshot(&out), cold_build_of(d.path()));
    // That build read every kept file to check its hash and noted its size
    // and modification time; the next one trusts those and reads none.
    let (_, stamped) = store(&again, "stamps");
    assert!(stamped >= pages, "{again:?}");
    let third = build(d.path());
    assert_eq!(store(&third, "stamps"), (stamped, 0), "{third:?}");
    assert_eq!(snapshot(&out), cold_build_of(d.path()));

    // Two bodies changed: those two are rendered, indexed and written again.
    for rel in ["content/guide/second.md", "content/runbooks/fresh.md"] {
        let text = read(d.path(), rel);
        write(
            d.path(),
            rel,
            &format!("{text}\nA paragraph added in CI.\n"),
        );
    }
    let changed = build(d.path());
    assert_eq!(
        store(&changed, "markdown"),
        (rendered - 2, 2),
        "{changed:?}"
    );
    // Two pages counted, and the one block of pages holding them.
    assert_eq!(store(&changed, "terms").1, 3, "{changed:?}");
    assert_eq!(store(&changed, "outputs"), (pages - 2, 2), "{changed:?}");
    let page = read(&out, "guide/second.html");
    assert!(page.contains("A paragraph added in CI."), "{page}");
    let index = snapshot(&out.join("search"));
    assert!(
        index
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("paragraph")),
        "the new words are indexed"
    );
    assert_eq!(snapshot(&out), cold_build_of(d.path()));

    // A title every page's navigation shows: every page is rendered again
    // from its stored Markdown.
    let intro = read(d.path(), "content/guide/intro.md");
    write(
        d.path(),
        "content/guide/intro.md",
        &intro.replacen("title = \"Introduction\"", "title = \"Getting started\"", 1),
    );
    let renamed = build(d.path());
    assert_eq!(store(&renamed, "outputs").0, 0, "{renamed:?}");
    assert_eq!(store(&renamed, "markdown").0, rendered - 1, "{renamed:?}");
    assert!(read(&out, "guide/second.html").contains("Getting started"));
    assert_eq!(snapshot(&out), cold_build_of(d.path()));

    // The cache restored without the output (or an output edited by hand):
    // pages are rendered again, not taken from a file that is not theirs.
    std::fs::remove_dir_all(&out).unwrap();
    build(d.path());
    assert_eq!(snapshot(&out), cold_build_of(d.path()));
    // Edited in place to the same size: its modification time gives it away.
    build(d.path());
    let victim = out.join("guide/second.html");
    let size = std::fs::metadata(&victim).unwrap().len() as usize;
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&victim, "x".repeat(size)).unwrap();
    build(d.path());
    assert!(read(&out, "guide/second.html").contains("A paragraph added in CI."));
    assert_eq!(snapshot(&out), cold_build_of(d.path()));
}

#[test]
fn a_damaged_or_foreign_store_is_ignored() {
    let d = fixture("basic");
    build(d.path());
    build(d.path());
    let cold = snapshot(&d.path().join("public"));
    let cache = d.path().join(".handbook-cache");
    for name in ["markdown.bin", "terms.bin", "outputs.bin", "stamps.bin"] {
        let bytes = std::fs::read(cache.join(name)).unwrap();
        std::fs::write(cache.join(name), &bytes[..bytes.len() / 2]).unwrap();
    }
    let stores = build(d.path());
    assert!(stores.values().all(|&(read, _)| read == 0), "{stores:?}");
    assert_eq!(snapshot(&d.path().join("public")), cold);
    // Rewritten whole: the next build reads them (and the one after that
    // the stamps, noted once the kept files were read again).
    let stores = build(d.path());
    let read = |name: &str| store(&stores, name).0;
    assert!(
        ["markdown", "terms", "outputs"].iter().all(|n| read(n) > 0),
        "{stores:?}"
    );
    assert_eq!(snapshot(&d.path().join("public")), cold);
    let stores = build(d.path());
    assert!(stores.values().all(|&(read, _)| read > 0), "{stores:?}");
    assert_eq!(snapshot(&d.path().join("public")), cold);
}

/// A site of `n` pages in one section, besides the fixture's, each with a
/// few headings, prose and a code block.
fn many_pages(root: &Path, n: usize) {
    for i in 0..n {
        write(
            root,
            &format!("content/many/page-{i:03}.md"),
            &format!(
                "+++\ntitle = \"Page {i}\"\ndescription = \"Notes {i} on leases\"\n+++\n\n\
                 Intro {i}: goroutine leases and context deadlines.\n\n\
                 ## Retries {i}\n\nBack off with jitter; word{i} appears here.\n\n\
                 ```go\nfunc retry{i}(ctx context.Context) error {{ return ctx.Err() }}\n```\n\n\
                 ## Shutdown {i}\n\nDrain the queue, then close.\n"
            ),
        );
    }
}

#[test]
fn a_rebuild_of_many_blocks_indexes_only_the_changed_ones_and_equals_a_cold_build() {
    let d = fixture("basic");
    many_pages(d.path(), 200);
    let first = build(d.path());
    let (_, counted) = store(&first, "terms");
    assert!(counted > 200 + 3, "pages and blocks stored: {first:?}");

    // A page early in the site gains a heading: its block is analysed again,
    // and every later document's number moves by one; the other blocks are
    // read as stored (their numbers count from their own start).
    let early = "content/many/page-003.md";
    let text = read(d.path(), early);
    write(
        d.path(),
        early,
        &format!("{text}\n## Added later\n\nA new part about zebras.\n"),
    );
    let changed = build(d.path());
    assert_eq!(
        store(&changed, "terms").1,
        2,
        "one page and its block: {changed:?}"
    );
    assert_eq!(snapshot(&d.path().join("public")), cold_build_of(d.path()));
    let index = snapshot(&d.path().join("public/search"));
    assert!(
        index
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("zebras")),
        "the new words are indexed"
    );

    // A title change renames the page's row: its block is analysed again.
    let late = "content/many/page-150.md";
    let text = read(d.path(), late);
    write(
        d.path(),
        late,
        &text.replacen("Page 150", "Page one-fifty", 1),
    );
    let renamed = build(d.path());
    assert!(store(&renamed, "terms").1 >= 1, "{renamed:?}");
    assert_eq!(snapshot(&d.path().join("public")), cold_build_of(d.path()));

    // Nothing changed: every block is read, none written.
    let again = build(d.path());
    assert_eq!(store(&again, "terms").1, 0, "{again:?}");
    assert_eq!(snapshot(&d.path().join("public")), cold_build_of(d.path()));
}
