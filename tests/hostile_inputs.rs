//! Careless and hostile inputs to `build` and `check` (round 3): each gets a
//! finding with its file and line, nothing hangs, and nothing outside the
//! project reaches the site.

mod common;

use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// Run `handbook args` with a deadline; (exit code, stderr + stdout).
fn run_bounded(root: &Path, args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(args)
        .current_dir(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stderr).to_string()
                + &String::from_utf8_lossy(&out.stdout);
            return (status.code(), text);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("handbook {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `handbook build --root root`, bounded to a minute.
fn build_bounded(root: &Path) -> (Option<i32>, String) {
    run_bounded(
        root,
        &["build", "--root", root.to_str().unwrap()],
        Duration::from_secs(60),
    )
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn an_include_of_a_named_pipe_is_refused_not_waited_on() {
    // mdBook {{#include}}.
    let d = fixture("mdbook");
    mkfifo(&d.path().join("src/fifo"));
    write(d.path(), "src/README.md", "# Ops\n\n{{#include fifo}}\n");
    let root = d.path().to_str().unwrap();
    for cmd in ["build", "check"] {
        let (code, out) = run_bounded(d.path(), &[cmd, "--root", root], Duration::from_secs(60));
        assert!(out.contains("src/README.md:3"), "{cmd}: {out}");
        assert!(out.contains("not a regular file"), "{cmd}: {out}");
        assert!(code.is_some(), "{cmd}");
    }
    // MkDocs snippets.
    let d = fixture("mkdocs");
    mkfifo(&d.path().join("docs/fifo.md"));
    write(d.path(), "docs/index.md", "# Home\n\n--8<-- \"fifo.md\"\n");
    let root = d.path().to_str().unwrap();
    let (_, out) = run_bounded(
        d.path(),
        &["build", "--root", root],
        Duration::from_secs(60),
    );
    assert!(
        out.contains("docs/index.md:3:1") && out.contains("snippet `fifo.md`"),
        "{out}"
    );
}

#[test]
fn javascript_urls_never_become_links() {
    // Configuration URLs: an error at their line, build and check alike.
    for (table, key) in [
        ("site", "repo-url"),
        ("site", "edit-url-template"),
        ("go", "pkg-url"),
    ] {
        let d = fixture("basic");
        let toml = format!("[book]\ntitle = \"X\"\n\n[{table}]\n{key} = \"javascript:alert(1)\"\n");
        write(d.path(), "book.toml", &toml);
        let line = 5;
        let root = d.path().to_str().unwrap();
        for cmd in ["build", "check"] {
            let (code, out) =
                run_bounded(d.path(), &[cmd, "--root", root], Duration::from_secs(60));
            assert!(code.is_some_and(|c| c != 0), "{cmd} {key}: {out}");
            assert!(
                out.contains(&format!("book.toml:{line}:1")),
                "{cmd} {key}: {out}"
            );
        }
        assert!(!d.path().join("public").exists());
    }
    let d = fixture("mkdocs");
    let yml: String = read(d.path(), "mkdocs.yml")
        .lines()
        .map(|l| {
            if l.starts_with("repo_url:") {
                "repo_url: javascript:alert(1)".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(d.path(), "mkdocs.yml", &yml);
    let line = yml
        .lines()
        .position(|l| l.starts_with("repo_url:"))
        .unwrap()
        + 1;
    let (_, out) = build_bounded(d.path());
    assert!(
        out.contains(&format!("mkdocs.yml:{line}:1")) && out.contains("repo_url"),
        "{out}"
    );
    // Markdown links, and GitBook's embed: a finding, and no live link.
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/js.md",
        "# JS\n\nClick [here](javascript:alert(1)) or [there](JaVaScRiPt:x) or [data](data:text/html,x).\n",
    );
    let (code, out) = build_bounded(d.path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(out.matches("error[unsafe-link]").count(), 3, "{out}");
    assert!(out.contains("content/guide/js.md:3:7"), "{out}");
    let d = fixture("gitbook");
    write(
        d.path(),
        "README.md",
        "# Home\n\n{% embed url=\"javascript:alert(1)\" %}\n\n[x](javascript:alert(2))\n",
    );
    let (code, out) = build_bounded(d.path());
    assert_eq!(
        code,
        Some(0),
        "a migrated site builds, with warnings: {out}"
    );
    assert_eq!(out.matches("warning[unsafe-link]").count(), 2, "{out}");
    let html = read(&d.path().join("public"), "index.html");
    assert!(
        !html.to_lowercase().contains("href=\"javascript:"),
        "{html}"
    );
}

#[test]
fn a_folder_s_second_index_page_is_a_finding() {
    let d = fixture("basic");
    write(d.path(), "content/guide/index.md", "# Index\n");
    write(d.path(), "content/guide/README.md", "# Readme\n");
    let (code, out) = build_bounded(d.path());
    assert!(code.is_some(), "{out}");
    for loser in ["content/guide/index.md:1:1", "content/guide/README.md:1:1"] {
        let line = out
            .lines()
            .find(|l| l.contains(loser))
            .unwrap_or_else(|| panic!("no finding at {loser}: {out}"));
        assert!(
            line.contains("warning[index-shadowed]") && line.contains("guide/_index.md"),
            "{line}"
        );
    }
    // A plain folder: index.md wins over README.md.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "docs/index.md", "# Index\n");
    write(d.path(), "docs/README.md", "# Readme\n");
    write(d.path(), "README.md", "# Home\n");
    let (_, out) = build_bounded(d.path());
    assert!(
        out.contains("docs/README.md:1:1: warning[index-shadowed]")
            && out.contains("`docs/index.md`"),
        "{out}"
    );
}

#[test]
fn tags_spelled_two_ways_are_one_tag_and_a_finding() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/a.md",
        "+++\ntitle = \"Alpha\"\ntags = [\"Go\", \"a b\"]\n+++\n# Alpha\n",
    );
    write(
        d.path(),
        "content/guide/b.md",
        "+++\ntitle = \"Beta\"\ntags = [\"go\", \"a-b\"]\n+++\n# Beta\n",
    );
    let (code, out) = build_bounded(d.path());
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        out.matches("content/guide/b.md:3:1: warning[tag-spelling]")
            .count(),
        2,
        "{out}"
    );
    let page = read(&d.path().join("public"), "tags/go.html");
    assert!(page.contains("Alpha") && page.contains("Beta"), "{page}");
    let page = read(&d.path().join("public"), "tags/a-b.html");
    assert!(page.contains("Alpha") && page.contains("Beta"), "{page}");
}

#[test]
fn names_no_file_system_holds_fail_check_as_they_fail_build() {
    let long = "a".repeat(252);
    let tag = "t".repeat(300);
    let alias = "b".repeat(300);
    for (name, text, place) in [
        (
            format!("content/guide/{long}.md"),
            "# Long\n".to_string(),
            format!("{long}.md:1:1"),
        ),
        (
            "content/guide/tagged.md".into(),
            format!("+++\ntitle = \"T\"\ntags = [\"{tag}\"]\n+++\n# T\n"),
            "content/guide/tagged.md:3:1".into(),
        ),
        (
            "content/guide/aliased.md".into(),
            format!("+++\ntitle = \"A\"\naliases = [\"{alias}\"]\n+++\n# A\n"),
            "content/guide/aliased.md:3:1".into(),
        ),
    ] {
        let d = fixture("basic");
        write(d.path(), &name, &text);
        let root = d.path().to_str().unwrap();
        let mut codes = Vec::new();
        for cmd in ["build", "check"] {
            let (code, out) =
                run_bounded(d.path(), &[cmd, "--root", root], Duration::from_secs(60));
            assert!(code.is_some_and(|c| c != 0), "{cmd} {place}: {out}");
            assert!(
                out.contains(&place) && out.contains("255 bytes"),
                "{cmd} {place}: {out}"
            );
            assert!(!out.contains("handbook-tmp"), "{cmd}: {out}");
            codes.push(code);
        }
        assert_eq!(codes[0], codes[1], "{place}");
    }
}

#[test]
fn an_unknown_code_under_check_levels_is_an_error() {
    let d = fixture("basic");
    write(
        d.path(),
        "book.toml",
        "[book]\ntitle = \"X\"\n\n[check.levels]\nbroken-links = \"warn\"\ngo-syntax = \"warn\"\n",
    );
    let root = d.path().to_str().unwrap();
    for cmd in ["build", "check"] {
        let (code, out) = run_bounded(d.path(), &[cmd, "--root", root], Duration::from_secs(60));
        assert!(code.is_some_and(|c| c != 0), "{cmd}: {out}");
        assert!(
            out.contains("book.toml:5:1: error[config]: [check.levels] `broken-links` is not a finding code (did you mean `broken-link`?)"),
            "{cmd}: {out}"
        );
        assert!(!out.contains("`go-syntax` is not"), "{out}");
    }
}

#[test]
fn tools_defaults_hold_for_minimal_configurations() {
    // An empty mkdocs.yml: MkDocs reads `docs/`.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "mkdocs.yml", "");
    write(d.path(), "docs/index.md", "# Home\n");
    let (code, out) = build_bounded(d.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(read(&d.path().join("site"), "index.html").contains("Home"));
    // A minimal mdBook: book.toml without `src`, the book in `src/`.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "book.toml", "[book]\ntitle = \"Mini\"\n");
    write(
        d.path(),
        "src/SUMMARY.md",
        "# Summary\n\n- [Intro](intro.md)\n",
    );
    write(d.path(), "src/intro.md", "# Intro\n\nHello.\n");
    let (code, out) = build_bounded(d.path());
    assert_eq!(code, Some(0), "{out}");
    let built = ["book", "public"]
        .iter()
        .map(|o| d.path().join(o).join("intro.html"))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no intro.html: {out}"));
    assert!(std::fs::read_to_string(built).unwrap().contains("Hello."));
}

#[test]
fn cr_only_line_endings_read_like_any_others() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/mac.md",
        "+++\rtitle = \"Classic\"\r+++\r# Classic\r\rSee [nowhere](missing.md).\r",
    );
    let (code, out) = build_bounded(d.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("content/guide/mac.md:6:"),
        "the link's own line: {out}"
    );
    assert!(!out.contains("front-matter"), "{out}");
}

#[test]
fn a_missing_theme_is_reported_at_its_key() {
    let d = fixture("basic");
    write(
        d.path(),
        "book.toml",
        "[book]\ntitle = \"X\"\n\n[build]\ntheme = \"nope\"\n",
    );
    let root = d.path().to_str().unwrap();
    for cmd in ["build", "check"] {
        let (_, out) = run_bounded(d.path(), &[cmd, "--root", root], Duration::from_secs(60));
        assert!(
            out.contains("book.toml:5:1: error[config]: theme `nope` not found"),
            "{cmd}: {out}"
        );
    }
}

#[test]
fn what_one_page_may_cost_is_bounded() {
    // Nesting: every page links to its ancestors with paths as long as its
    // depth; past 32 folders a page is an error, not a quadratic output.
    let d = fixture("basic");
    let deep: String = (0..33).map(|i| format!("d{i}/")).collect();
    write(d.path(), &format!("content/{deep}page.md"), "# Deep\n");
    let ok: String = (0..32).map(|i| format!("e{i}/")).collect();
    write(d.path(), &format!("content/{ok}page.md"), "# Fine\n");
    let root = d.path().to_str().unwrap();
    let (code, out) = run_bounded(
        d.path(),
        &["build", "--root", root],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("33 folders deep, more than the 32"), "{out}");
    assert_eq!(
        out.matches("error[").count(),
        1,
        "only the deep page: {out}"
    );
    // Size: a page of more than 2 MiB of Markdown (a million list items).
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/huge.md",
        &"- x\n".repeat(1_000_000),
    );
    let (code, out) = run_bounded(
        d.path(),
        &["check", "--root", d.path().to_str().unwrap()],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("content/guide/huge.md") && out.contains("more than the 2 MiB"),
        "{out}"
    );
}

#[test]
fn findings_below_an_include_are_at_the_author_s_line() {
    let d = fixture("mdbook");
    write(d.path(), "src/five.txt", "1\n2\n3\n4\n5\n");
    write(
        d.path(),
        "src/README.md",
        "# Ops\n\n```text\n{{#include five.txt}}\n```\n\nA\nB\nC\nSee [gone](gone.md).\n",
    );
    let (_, out) = build_bounded(d.path());
    assert!(
        out.contains("src/README.md:10:5:") && out.contains("gone.md"),
        "{out}"
    );
}
