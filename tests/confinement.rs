//! What a configuration can point at: nothing outside the project is read
//! into the site, and the cache is neither published nor overwritten.
//! `build` and `check` refuse alike, naming the file and line.

mod common;

use common::*;
use std::path::Path;

/// (exit code, stderr) of `handbook CMD --root root`.
fn run(root: &Path, cmd: &str) -> (Option<i32>, String) {
    let o = handbook(root, &[cmd, "--root", root.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    (o.status.code(), text)
}

fn refused(root: &Path, place: &str, what: &str) {
    let mut codes = Vec::new();
    for cmd in ["build", "check"] {
        let (code, err) = run(root, cmd);
        assert!(code.is_some_and(|c| c != 0), "{cmd}: {err}");
        assert!(err.contains(place) && err.contains(what), "{cmd}: {err}");
        codes.push(code);
    }
    assert_eq!(codes[0], codes[1], "build and check fail alike");
    assert!(!root.join("public").exists(), "nothing was written");
}

#[test]
fn a_content_folder_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Secret\n").unwrap();
    // MkDocs docs_dir, absolute.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("mkdocs.yml"),
        format!("site_name: X\ndocs_dir: {}\n", outside.path().display()),
    )
    .unwrap();
    refused(d.path(), "mkdocs.yml:2:1", "outside the project folder");
    // mdBook src, relative and climbing out.
    let d = tempfile::tempdir().unwrap();
    let name = outside.path().file_name().unwrap().to_str().unwrap();
    std::fs::write(
        d.path().join("book.toml"),
        format!("[book]\ntitle = \"X\"\nsrc = \"../{name}\"\n"),
    )
    .unwrap();
    let parent_is_shared = d.path().parent() == outside.path().parent();
    if parent_is_shared {
        refused(d.path(), "book.toml:3:1", "outside the project folder");
    }
    // handbook's own [build] content-dir.
    let d = fixture("basic");
    std::fs::write(
        d.path().join("book.toml"),
        format!(
            "[book]\ntitle = \"X\"\n\n[build]\ncontent-dir = \"{}\"\n",
            outside.path().display()
        ),
    )
    .unwrap();
    refused(d.path(), "book.toml:5:1", "outside the project folder");
    // A content folder that is a link to elsewhere.
    let d = fixture("basic");
    std::fs::remove_dir_all(d.path().join("content")).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.path().join("content")).unwrap();
    refused(d.path(), "book.toml", "outside the project folder");
}

#[test]
fn a_cache_inside_the_content_or_output_folder_is_refused() {
    for (cache, what) in [
        ("content/cache", "inside the content folder"),
        ("public", "inside the output folder"),
        ("public/x", "inside the output folder"),
    ] {
        let d = fixture("basic");
        let toml = std::fs::read_to_string(d.path().join("book.toml")).unwrap();
        let toml = if toml.contains("[build]") {
            toml.replace("[build]", &format!("[build]\ncache-dir = \"{cache}\""))
        } else {
            format!("{toml}\n[build]\ncache-dir = \"{cache}\"\n")
        };
        std::fs::write(d.path().join("book.toml"), &toml).unwrap();
        let line = toml
            .lines()
            .position(|l| l.starts_with("cache-dir"))
            .unwrap()
            + 1;
        refused(d.path(), &format!("book.toml:{line}:1"), what);
    }
}
