//! Documentation written for other tools builds as it is (issue: real
//! documentation builds as is). Each fixture under tests/fixtures is our own,
//! shaped like the trees teams migrate: a GitBook, a GitHub-style folder, an
//! mdBook with its guide's habits.

mod common;

use std::path::Path;

use common::*;

/// Every HTML page under `dir` (relative paths), sorted.
fn pages(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

/// Build `root` with `--out out`; (exit code, stderr).
fn build_into(root: &Path, out: &Path) -> (Option<i32>, String) {
    let o = handbook(
        root,
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    (o.status.code(), stderr(&o))
}

#[test]
fn gitbook_builds_with_its_summary_title_and_assets() {
    let d = fixture("gitbook");
    let out = tempfile::tempdir().unwrap();
    let o = out.path();
    let (code, err) = build_into(d.path(), o);
    assert_eq!(code, Some(0), "{err}");
    // `x := ` lexes: build reports nothing (it judges Go by its lexer);
    // `check` parses every block and reports the one real syntax error (as
    // a warning), at its line; the elided (`...`) and mixed snippets are not.
    assert_eq!(err.matches("[go-syntax]").count(), 0, "{err}");
    let c = handbook(d.path(), &["check", "--root", d.path().to_str().unwrap()]);
    let checked = String::from_utf8_lossy(&c.stdout).to_string() + &stderr(&c);
    assert_eq!(
        checked.matches("warning[go-syntax]").count(),
        1,
        "{checked}"
    );
    assert!(checked.contains("chapters/concurrency.md:15:"), "{checked}");
    // A page per Markdown file except SUMMARY.md, which is the navigation.
    assert_eq!(
        pages(o)
            .into_iter()
            .filter(|p| !matches!(p.as_str(), "404.html" | "search.html")
                && !p.ends_with("/index.html"))
            .collect::<Vec<_>>(),
        [
            "CONTRIBUTING.html",
            "LICENSE.html",
            "chapters/concurrency.html",
            "chapters/errors.html",
            "chapters/wrapping.html",
            "index.html",
            "ops/oncall.html",
        ]
    );
    assert!(!o.join("SUMMARY.html").exists());
    // Site title from README's first heading, not a generic "Handbook"
    // (the licence comment before it does not hide it).
    let home = read(o, "index.html");
    assert!(home.contains("<title>Practical Go Book</title>"), "{home}");
    // Navigation: SUMMARY.md's order and parts, no numbers, titles with
    // inline code, LICENSE/CONTRIBUTING left out.
    let nav = read(o, "static/nav.js");
    let order: Vec<usize> = [
        "Introduction",
        "Basics",
        "Errors and <code>errors.Is</code>",
        "Wrapping",
        "Concurrency",
        "Operations",
        "On-call",
    ]
    .iter()
    .map(|t| nav.find(t).unwrap_or_else(|| panic!("{t} not in {nav}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(!nav.contains("class=\\\"num\\\""), "{nav}");
    assert!(
        !nav.contains("License") && !nav.contains("Contributing"),
        "{nav}"
    );
    // Dot-folder files are copied when linked, and only then.
    assert!(o.join(".gitbook/assets/cover.png").exists());
    assert!(!o.join(".gitbook/assets/unused.png").exists());
    // One <h1> per page; no Liquid markers; GitHub ids; TOC markers.
    for p in pages(o) {
        let html = read(o, &p);
        if p != "404.html" {
            assert_eq!(html.matches("<h1").count(), 1, "{p}");
        }
        assert!(!html.contains("raw %}"), "{p}");
        assert!(
            !html.contains("[[_TOC_]]") && !html.contains("[TOC]"),
            "{p}"
        );
    }
    let errors = read(o, "chapters/errors.html");
    assert!(
        errors.contains("<h2 id=\"prometheusthanos-sidecars\""),
        "{errors}"
    );
    assert!(errors.contains("<h2 id=\"onelastrefactor\""), "{errors}");
    assert!(errors.contains("<nav class=\"inline-toc\""), "{errors}");
    assert!(errors.contains("{{ .Name }}"), "{errors}");
    assert!(read(o, "chapters/concurrency.html").contains("<a href=\"#channels\">Channels</a>"));
    // A link inside a heading is rewritten (and checked: no finding).
    assert!(
        read(o, "ops/oncall.html")
            .contains("<a href=\"../chapters/concurrency.html#channels\">Escalation</a>")
    );
    assert!(!err.contains("broken"), "{err}");
    // GitBook's hint and tabs blocks, no tags left as text.
    let wrapping = read(o, "chapters/wrapping.html");
    assert!(
        wrapping.contains("<div class=\"callout callout-warning\" role=\"note\">"),
        "{wrapping}"
    );
    assert!(wrapping.contains("data-label=\"Shell\""), "{wrapping}");
    assert!(
        wrapping.contains("href=\"https://go.dev/blog/go1.13-errors\""),
        "{wrapping}"
    );
    assert!(!wrapping.contains("{%"), "{wrapping}");
    // Every link of the output leads somewhere.
    assert_eq!(dangling_links(o), Vec::<(String, String)>::new());
    // No invented home-page text, no filters for kinds the site lacks.
    assert!(!home.contains("first day, week and month"));
    assert!(!read(o, "search.html").contains("data-kind=\"runbook\""));
}

#[test]
fn gitbook_check_reports_what_build_warns_about() {
    let d = fixture("gitbook");
    let root = d.path().to_str().unwrap();
    let out = handbook(d.path(), &["check", "--root", root]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("chapters/concurrency.md:15:6: warning[go-syntax]"),
        "{text}"
    );
    let out = handbook(d.path(), &["check", "--root", root, "--strict"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn github_style_folder_links_resolve_like_on_github() {
    let d = fixture("plain");
    let root = d.path().join("docs");
    let out = tempfile::tempdir().unwrap();
    let o = out.path();
    let (code, err) = build_into(&root, o);
    assert_eq!(code, Some(0), "{err}");
    // The only finding is the link the source itself breaks, located, and
    // counted per code.
    assert_eq!(err.matches("warning[").count(), 1, "{err}");
    assert!(
        err.contains("kube/pods.md:6:6: warning[broken-link]"),
        "{err}"
    );
    let pods = read(o, "kube/pods.html");
    // Out of the content folder (docs/) and back in.
    assert!(pods.contains("href=\"../kube/nodes.html\""), "{pods}");
    // Folders without README.md reach their generated index.
    assert!(
        pods.contains("href=\"../logging_schemas/index.html\""),
        "{pods}"
    );
    assert!(
        pods.contains("href=\"../uncategorized/index.html\""),
        "{pods}"
    );
    assert!(o.join("logging_schemas/index.html").exists());
    assert!(o.join("uncategorized/index.html").exists());
    let home = read(o, "index.html");
    assert!(
        home.contains("href=\"alerts.html#prometheusthanos\""),
        "{home}"
    );
    assert!(home.contains("<title>Payments runbooks</title>"), "{home}");
    assert!(home.contains("inline-toc"), "{home}");
    // The only dangling link is the one the source itself breaks.
    assert_eq!(
        dangling_links(o),
        [("kube/pods.html".to_string(), "missing.md".to_string())]
    );
    let alerts = read(o, "alerts.html");
    assert!(
        alerts.contains("<a href=\"kube/pods.html\">Pods</a>"),
        "raw HTML links: {alerts}"
    );
    assert!(alerts.contains("id=\"prometheusthanos\""));
    assert!(alerts.contains("id=\"onelastrefactor\""));
}

#[test]
fn onboarding_folder_gets_no_invented_text() {
    let d = fixture("onboarding-folder");
    let out = tempfile::tempdir().unwrap();
    let (code, err) = build_into(d.path(), out.path());
    assert_eq!(code, Some(0), "{err}");
    let home = read(out.path(), "index.html");
    assert!(!home.contains("first day, week and month"), "{home}");
    assert!(!home.contains("Start here"), "{home}");
}

#[test]
fn native_sites_keep_errors_and_levels_change_them() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/extra.md",
        "# Extra\n\n[x](nowhere.md)\n\n```go\nfunc (\n```\n",
    );
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/guide/extra.md:3:1: error[broken-link]"),
        "{err}"
    );
    assert!(err.contains("error[go-syntax]"), "{err}");
    assert!(err.contains("findings by code:"), "{err}");
    let toml = read(d.path(), "book.toml");
    write(
        d.path(),
        "book.toml",
        &format!("{toml}\n[check.levels]\nbroken-link = \"warn\"\ngo-syntax = \"off\"\n"),
    );
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("content/guide/extra.md:3:1: warning[broken-link]"),
        "{err}"
    );
    assert!(!err.contains("go-syntax"), "{err}");
    let out = handbook(d.path(), &["check", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    // An unknown level is a configuration error, named.
    write(
        d.path(),
        "book.toml",
        &format!("{toml}\n[check.levels]\nbroken-link = \"loud\"\n"),
    );
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("book.toml"), "{err}");
    assert!(err.contains("loud"), "{err}");
}

#[test]
fn mdbook_guide_habits() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path();
    // The book sits in a git work tree; its guide includes examples from
    // elsewhere in the repository, as mdBook's own guide does.
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(
        repo,
        "examples/hello.rs",
        "fn main() {\n    println!(\"hi\");\n}\n",
    );
    write(repo, "outside-secret.txt", "never\n");
    let book = repo.join("guide");
    write(
        &book,
        "book.toml",
        "[book]\ntitle = \"Guide\"\nsrc = \"src\"\n\n[output.html]\n",
    );
    write(
        &book,
        "src/SUMMARY.md",
        "# Summary\n\n- [The `time` chapter](time.md)\n- [Draft]()\n",
    );
    write(
        &book,
        "src/time.md",
        "# Time\n\n{{#include ../../examples/hello.rs}}\n\n{{#playground ../../examples/hello.rs}}\n\n{{#include }}\n\n[empty]()\n\n```rust\n# fn hidden() {}\nfn shown() {}\n```\n",
    );
    let out = tempfile::tempdir().unwrap();
    let o = out.path();
    let (code, err) = build_into(&book, o);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("broken-link"), "{err}");
    assert!(!err.contains("include"), "{err}");
    let page = read(o, "time.html");
    assert_eq!(page.matches("println!(").count(), 2, "{page}");
    assert!(page.contains("{{#include }}"), "{page}");
    assert!(!page.contains(">hidden<"), "{page}");
    assert!(page.contains("shown"), "{page}");
    assert!(read(o, "static/nav.js").contains("The <code>time</code> chapter"));
    // Bounded by the work tree: nothing above it.
    write(
        &book,
        "src/time.md",
        "# Time\n\n{{#include ../../../outside-secret.txt}}\n",
    );
    let (code, err) = build_into(&book, o);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("src/time.md:3:1: warning[include]"), "{err}");
    assert!(!read(o, "time.html").contains("never"));
}

#[cfg(unix)]
#[test]
fn linked_files_in_dot_folders_are_copied_but_never_git_or_outside_files() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("docs");
    write(
        &root,
        "README.md",
        "# Docs\n\n![logo](.assets/logo.png) [config](.git/config) [secret](.assets/secret.png) [old](.old/notes.txt)\n",
    );
    write(&root, ".assets/logo.png", "png");
    write(&root, ".assets/unused.png", "png");
    write(&root, ".git/config", "[core]\n");
    write(d.path(), "outside/secret.png", "secret");
    std::os::unix::fs::symlink(
        d.path().join("outside/secret.png"),
        root.join(".assets/secret.png"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join(".old/notes.txt")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, err) = build_into(&root, out.path());
    assert_eq!(code, Some(0), "{err}");
    let o = out.path();
    assert!(o.join(".assets/logo.png").is_file(), "linked: copied");
    assert!(
        !o.join(".assets/unused.png").exists(),
        "not linked: not copied"
    );
    assert!(!o.join(".git").exists(), "git's files are never copied");
    assert!(
        !o.join(".assets/secret.png").exists(),
        "a link to outside the folder is not followed"
    );
    assert!(!o.join(".old").exists(), "a folder is not a file to copy");
}
