//! Tests of the atomic output folder.

use super::*;

fn site(dir: &Path) -> PathBuf {
    dir.join("public")
}

fn build(out: &Path, files: &[(&str, &str)]) -> Result<PathBuf, Diagnostic> {
    let s = Staging::new(out, &[])?;
    for (rel, text) in files {
        s.write(rel, text.as_bytes())?;
    }
    s.commit()
}

fn leftovers(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("handbook-"))
        .collect();
    v.sort();
    v
}

#[test]
fn refuses_paths_that_leave_the_output() {
    for bad in ["../x.html", "a/../../x", "a//b", "", "/abs", "a/"] {
        let e = check_rel(bad).unwrap_err();
        assert!(e.message.contains("leave the output folder"), "{bad}: {e}");
    }
    for bad in ["a\\b", "c:x", "a/b:c.png"] {
        let e = check_rel(bad).unwrap_err();
        assert!(
            e.message.contains("are not allowed in file names"),
            "{bad}: {e}"
        );
    }
    for good in [
        "index.html",
        "a/b/c.html",
        ".gitbook/assets/x.png",
        "a..b/c",
    ] {
        assert!(check_rel(good).is_ok(), "{good}");
    }
}

#[test]
fn commit_swaps_whole_sites_and_leaves_nothing_beside() {
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    build(&out, &[("a.html", "one"), ("gone.html", "x")]).unwrap();
    build(&out, &[("a.html", "two")]).unwrap();
    assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "two");
    assert!(!out.join("gone.html").exists());
    assert!(out.join(MARKER).exists());
    assert_eq!(leftovers(d.path()), Vec::<String>::new());
}

#[test]
fn a_dropped_staging_folder_is_removed() {
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    {
        let s = Staging::new(&out, &[]).unwrap();
        s.write("a.html", b"x").unwrap();
        assert_eq!(leftovers(d.path()).len(), 1);
    }
    assert_eq!(leftovers(d.path()), Vec::<String>::new());
    assert!(!out.exists());
}

#[test]
fn killed_builds_are_cleaned_up_and_a_moved_aside_site_comes_back() {
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    build(&out, &[("a.html", "old site")]).unwrap();
    // A build killed between its two renames: the site sits aside, and a
    // dead build's staging folder is still there. PID 999999999 is not running.
    let aside = side_path(&out, "old", 999_999_999);
    fs::rename(&out, &aside).unwrap();
    let dead_tmp = side_path(&out, "tmp", 999_999_998);
    fs::create_dir_all(dead_tmp.join("x")).unwrap();
    fs::write(dead_tmp.join("x/y.html"), "partial").unwrap();
    let s = Staging::new(&out, &[]).unwrap();
    assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "old site");
    assert!(!aside.exists() && !dead_tmp.exists());
    s.write("a.html", b"new site").unwrap();
    s.commit().unwrap();
    assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "new site");
    assert_eq!(leftovers(d.path()), Vec::<String>::new());
}

#[test]
fn unchanged_files_keep_their_inode_and_a_path_written_twice_holds_the_last() {
    use std::os::unix::fs::MetadataExt;
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    build(&out, &[("same.html", "same"), ("diff.html", "v1")]).unwrap();
    let ino = |f: &str| fs::metadata(out.join(f)).unwrap().ino();
    let (same, diff) = (ino("same.html"), ino("diff.html"));
    build(&out, &[("same.html", "same"), ("diff.html", "v2")]).unwrap();
    assert_eq!(
        ino("same.html"),
        same,
        "hard-linked from the previous output"
    );
    assert_ne!(ino("diff.html"), diff);
    assert_eq!(fs::read_to_string(out.join("diff.html")).unwrap(), "v2");
    // Writing one path twice (the second replaces the first, never
    // writing through a link into the live output).
    let s = Staging::new(&out, &[]).unwrap();
    s.write("same.html", b"same").unwrap();
    s.write("same.html", b"changed").unwrap();
    s.commit().unwrap();
    assert_eq!(
        fs::read_to_string(out.join("same.html")).unwrap(),
        "changed"
    );
    assert_ne!(ino("same.html"), same);
}

#[test]
fn a_running_builds_staging_folder_is_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    build(&out, &[("a.html", "x")]).unwrap();
    // PID 1 is always running; its folders belong to a live build.
    let live = side_path(&out, "tmp", 1);
    fs::create_dir_all(&live).unwrap();
    let live_old = side_path(&out, "old", 1);
    fs::create_dir_all(&live_old).unwrap();
    // A dead build's moved-aside site while the output exists: removed,
    // not put back over the current site.
    let dead_old = side_path(&out, "old", 999_999_997);
    fs::create_dir_all(&dead_old).unwrap();
    fs::write(dead_old.join(MARKER), "x").unwrap();
    fs::write(dead_old.join("a.html"), "stale").unwrap();
    let s = Staging::new(&out, &[]).unwrap();
    drop(s);
    assert!(live.exists() && live_old.exists());
    assert!(!dead_old.exists());
    assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "x");
}

#[test]
fn changed_assets_of_the_same_length_are_copied_again() {
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    let src = d.path().join("logo.png");
    fs::write(&src, "AAAA").unwrap();
    let s = Staging::new(&out, &[]).unwrap();
    s.copy(&src, "logo.png").unwrap();
    s.commit().unwrap();
    fs::write(&src, "BBBB").unwrap();
    let s = Staging::new(&out, &[]).unwrap();
    s.copy(&src, "logo.png").unwrap();
    s.commit().unwrap();
    assert_eq!(fs::read_to_string(out.join("logo.png")).unwrap(), "BBBB");
}

#[test]
fn an_asset_cut_short_is_copied_again() {
    // The new file is the start of the old one: comparing only the new
    // file's blocks would call them equal.
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    let src = d.path().join("notes.txt");
    fs::write(&src, "hello world").unwrap();
    let s = Staging::new(&out, &[]).unwrap();
    s.copy(&src, "notes.txt").unwrap();
    s.commit().unwrap();
    fs::write(&src, "hello").unwrap();
    let s = Staging::new(&out, &[]).unwrap();
    s.copy(&src, "notes.txt").unwrap();
    s.commit().unwrap();
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "hello");
}

#[cfg(unix)]
#[test]
fn a_previous_file_swapped_for_a_symlink_is_not_linked_into_the_new_output() {
    // Someone replaced files of the live output with links to elsewhere
    // holding the same bytes: the new output gets real files, never the
    // links (which would follow the outside file's later changes).
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    let outside = d.path().join("outside.html");
    // As long as the link's own length (its target's path), so the
    // link's size alone cannot tell it from the file.
    let same = "s".repeat(outside.as_os_str().len());
    build(&out, &[("a.html", &same), ("b.txt", "")]).unwrap();
    fs::write(&outside, &same).unwrap();
    fs::remove_file(out.join("a.html")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("a.html")).unwrap();
    let asset = d.path().join("logo.svg");
    fs::write(&asset, "<svg/>").unwrap();
    let outside_asset = d.path().join("outside.svg");
    fs::write(&outside_asset, "<svg/>").unwrap();
    fs::remove_file(out.join("b.txt")).unwrap();
    std::os::unix::fs::symlink(&outside_asset, out.join("b.txt")).unwrap();
    let s = Staging::new(&out, &[]).unwrap();
    s.write("a.html", same.as_bytes()).unwrap();
    s.copy(&asset, "b.txt").unwrap();
    s.commit().unwrap();
    for f in ["a.html", "b.txt"] {
        let m = fs::symlink_metadata(out.join(f)).unwrap();
        assert!(m.is_file(), "{f} is a regular file, not a link");
    }
    assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), same);
    assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "<svg/>");
}

#[test]
fn refuses_foreign_folders_symlinks_and_sources_inside() {
    let d = tempfile::tempdir().unwrap();
    let foreign = d.path().join("docs");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let e = Staging::new(&foreign, &[]).err().unwrap();
    assert!(e.message.contains("not created by handbook"), "{e}");
    #[cfg(unix)]
    {
        let real = d.path().join("real");
        fs::create_dir_all(&real).unwrap();
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let e = Staging::new(&link, &[]).err().unwrap();
        assert!(e.message.contains("symbolic link"), "{e}");
    }
    let content = d.path().join("site/content");
    fs::create_dir_all(&content).unwrap();
    let e = Staging::new(&d.path().join("site"), &[&content])
        .err()
        .unwrap();
    assert!(e.message.contains("contains"), "{e}");
    assert_eq!(
        fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_kept_file_is_read_unless_its_stamp_is_vouched_for() {
    let d = tempfile::tempdir().unwrap();
    let out = site(d.path());
    build(&out, &[("a.html", "first")]).unwrap();
    let right = *blake3::hash(b"first").as_bytes();
    let wrong = *blake3::hash(b"other").as_bytes();
    let meta = fs::metadata(out.join("a.html")).unwrap();
    let stamp = stamp_key("a.html", &right, &meta);

    let s = Staging::new(&out, &[]).unwrap();
    // Not vouched for: the bytes decide, and the stamp comes back to note.
    assert_eq!(s.keep("a.html", &wrong, &|_| false).unwrap(), None);
    assert_eq!(s.keep("a.html", &right, &|_| false).unwrap(), Some(stamp));
    assert_eq!(s.keep("missing.html", &right, &|_| true).unwrap(), None);
    drop(s);

    // Vouched for: linked without reading (a stamp is only ever noted for
    // bytes that were read and matched, so the hash is not checked again).
    let s = Staging::new(&out, &[]).unwrap();
    let asked = std::sync::Mutex::new(Vec::new());
    let vouched = |k: &[u8; 32]| {
        asked.lock().unwrap().push(*k);
        *k == stamp
    };
    assert_eq!(s.keep("a.html", &right, &vouched).unwrap(), Some(stamp));
    assert_eq!(*asked.lock().unwrap(), vec![stamp]);
    s.commit().unwrap();
    assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "first");

    // The stamp names the path, the hash, the size and the modification
    // time: a change to any of them is a different key.
    let later = fs::metadata(out.join("a.html")).unwrap();
    assert_eq!(
        stamp_key("a.html", &right, &later),
        stamp,
        "a link keeps the stamp"
    );
    assert_ne!(stamp_key("b.html", &right, &meta), stamp);
    assert_ne!(stamp_key("a.html", &wrong, &meta), stamp);
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(out.join("a.html"), "fir5t").unwrap();
    let edited = fs::metadata(out.join("a.html")).unwrap();
    assert_eq!(edited.len(), meta.len());
    assert_ne!(
        stamp_key("a.html", &right, &edited),
        stamp,
        "same size, new time"
    );
    fs::write(out.join("a.html"), "first, longer").unwrap();
    let f = fs::File::options()
        .write(true)
        .open(out.join("a.html"))
        .unwrap();
    f.set_modified(meta.modified().unwrap()).unwrap();
    let longer = fs::metadata(out.join("a.html")).unwrap();
    assert_ne!(
        stamp_key("a.html", &right, &longer),
        stamp,
        "same time, new size"
    );
}
