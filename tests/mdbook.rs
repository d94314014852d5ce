//! Existing docs build unchanged: an mdBook with SUMMARY.md and includes,
//! plain Markdown folders, YAML front matter.

mod common;

use common::*;

#[test]
fn mdbook_builds_as_it_is() {
    let d = fixture("mdbook");
    let out = build(d.path());
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // One warning per unsupported key, never an error.
    assert_eq!(err.matches("warning[mdbook-config]").count(), 2, "{err}");
    assert!(err.contains("output.html.default-theme"));
    let b = d.path().join("book"); // [build] build-dir
    for f in [
        "index.html",
        "guide/install.html",
        "guide/linux.html",
        "ref/api.html",
        "CONTRIBUTORS.html",
        "theme/custom.css",
        "old/install.html",
    ] {
        assert!(b.join(f).is_file(), "missing {f}");
    }
    assert!(
        !b.join("SUMMARY.html").exists(),
        "SUMMARY.md is navigation, not a page"
    );
}

#[test]
fn summary_defines_navigation_and_order() {
    let d = fixture("mdbook");
    assert!(build(d.path()).status.success());
    // The tree is rendered once, into static/nav.js, which places it in pages.
    let js = read(&d.path().join("book"), "static/nav.js");
    let line = js.lines().next().unwrap();
    let literal = line
        .strip_prefix("var handbookNavHtml = ")
        .and_then(|l| l.strip_suffix(';'))
        .unwrap_or_else(|| panic!("first line holds the tree: {line}"));
    let tree: String = serde_json::from_str(literal).unwrap();
    let nav = tree.as_str();
    let order: Vec<&str> = [
        "Introduction",
        "User Guide",
        "1.</strong> Installation",
        "1.1.</strong> On Linux",
        "1.2.</strong> On Plan 9",
        "2.</strong> Usage",
        "3.</strong> Advanced topics",
        "3.1.</strong> Child topic",
        "role=\"separator\"",
        "Reference",
        "4.</strong> API",
        "Contributors",
    ]
    .into_iter()
    .collect();
    let mut last = 0;
    for item in order {
        let at = nav[last..]
            .find(item)
            .unwrap_or_else(|| panic!("{item} missing or out of order in {nav}"));
        last += at + item.len();
    }
    assert!(nav.contains("<li class=\"part-title\">User Guide</li>"));
    assert!(
        nav.contains(
            "<li class=\"draft\"><span><strong class=\"num\">1.2.</strong> On Plan 9</span>"
        ),
        "draft chapter has no link"
    );
    assert!(
        nav.contains("<a href=\"guide/linux.html\">"),
        "links relative to the root"
    );
    // Each page carries only the top level, for readers without JavaScript.
    let html = read(&d.path().join("book"), "guide/linux.html");
    let start = html.find("id=\"nav-tree\"").unwrap();
    let fallback = &html[start..start + html[start..].find("</div>").unwrap()];
    assert!(fallback.contains("1.</strong> Installation"), "{fallback}");
    assert!(!fallback.contains("1.1.</strong>"), "{fallback}");
    assert!(html.contains("<script src=\"../static/nav.js?v="));
    // Previous/next follow SUMMARY.md.
    let install = read(&d.path().join("book"), "guide/install.html");
    assert!(install.contains("href=\"../index.html\" rel=\"prev\""));
    assert!(install.contains("href=\"../guide/linux.html\" rel=\"next\""));
    let usage = read(&d.path().join("book"), "guide/usage.html");
    assert!(
        usage.contains("href=\"../guide/child.html\" rel=\"next\""),
        "group children come next"
    );
}

#[test]
fn includes_titles_links_and_extras() {
    let d = fixture("mdbook");
    assert!(build(d.path()).status.success());
    let b = d.path().join("book");
    let install = read(&b, "guide/install.html");
    assert!(
        install.contains("<h1>Installing the tools</h1>"),
        "{{#title}}"
    );
    assert!(
        install.contains("hello from an included file"),
        "anchor include"
    );
    assert!(!install.contains("ANCHOR"), "anchor markers are dropped");
    assert!(
        install.contains("<span class=\"k\">package</span> main"),
        "line-range include, highlighted"
    );
    assert!(
        install.contains("edit/main/src/guide/install.md"),
        "edit-url-template"
    );
    let usage = read(&b, "guide/usage.html");
    assert!(
        usage.contains("{{#include file.md}}"),
        "escaped include stays literal"
    );
    let linux = read(&b, "guide/linux.html");
    assert!(
        linux.contains("href=\"../index.html\""),
        "README.md is the index"
    );
    assert!(
        linux.contains("href=\"../guide/install.html\""),
        ".html links to chapters work"
    );
    assert!(
        linux.contains("href=\"../theme/custom.css\""),
        "additional-css"
    );
    assert!(
        read(&b, "old/install.html").contains("url=../guide/install.html"),
        "redirect"
    );
    assert!(
        read(&b, "index.html").contains("https://git.example.internal/sre/ops-book"),
        "repo link"
    );
}

#[test]
fn pages_missing_from_summary_are_orphans() {
    let d = fixture("mdbook");
    write(d.path(), "src/guide/forgotten.md", "# Forgotten\n");
    let out = handbook(d.path(), &["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("src/guide/forgotten.md:1:1: warning[orphan-page]"),
        "{text}"
    );
    assert_eq!(text.matches("orphan-page").count(), 1, "{text}");
}

#[test]
fn include_errors_are_located() {
    let d = fixture("mdbook");
    write(
        d.path(),
        "src/guide/usage.md",
        "# Usage\n\nText.\n\n{{#include ../../code/missing.go}}\n",
    );
    // A book written for mdBook always builds: the finding is a warning,
    // the page is still there (without the failed include), and no
    // follow-on "SUMMARY.md links to guide/usage.md" appears.
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("src/guide/usage.md:5:1: warning[include]"),
        "{err}"
    );
    assert!(!err.contains("SUMMARY.md links to"), "{err}");
    assert!(read(d.path(), "book/guide/usage.html").contains("Text."));
    // `check` reports it; --strict fails on it.
    let out = handbook(d.path(), &["check", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("src/guide/usage.md:5:1: warning[include]"),
        "{text}"
    );
    // Configured level: an error again, and the build fails.
    let toml = read(d.path(), "book.toml");
    write(
        d.path(),
        "book.toml",
        &format!("{toml}\n[check.levels]\ninclude = \"error\"\n"),
    );
    let out = build(d.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("src/guide/usage.md:5:1: error[include]"),
        "{}",
        stderr(&out)
    );
    write(d.path(), "book.toml", &toml);
    write(
        d.path(),
        "src/guide/usage.md",
        "{{#include ../../../../etc/passwd}}\n",
    );
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("src/guide/usage.md:1:1: warning[include]"),
        "{err}"
    );
    assert!(err.contains("reaches outside"), "{err}");
    assert!(!read(d.path(), "book/guide/usage.html").contains("root:"));
}

#[test]
fn summary_errors_and_missing_chapters_are_located() {
    let d = fixture("mdbook");
    write(
        d.path(),
        "src/SUMMARY.md",
        "# Summary\n\n- [Intro](README.md)\n- [Gone](guide/gone.md)\n\nJust a paragraph.\n",
    );
    let out = build(d.path());
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("src/SUMMARY.md:6:1: warning[summary]"),
        "{err}"
    );
    // The lines it could read still make the navigation.
    assert!(read(d.path(), "book/static/nav.js").contains("Intro"));
    write(
        d.path(),
        "src/SUMMARY.md",
        "# Summary\n\n- [Intro](README.md)\n- [Gone](guide/gone.md)\n",
    );
    let err = stderr(&build(d.path()));
    assert!(
        err.contains("src/SUMMARY.md:4:1: warning[summary]: SUMMARY.md links to guide/gone.md"),
        "{err}"
    );
}

#[test]
fn plain_folder_with_yaml_front_matter_and_extensionless_links() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "index.md",
        "---\ntitle: Team docs\n---\n\nSee [deploys](ops/deploys) and [ops](ops/).\n",
    );
    write(d.path(), "ops/README.md", "# Operations\n");
    write(
        d.path(),
        "ops/deploys.md",
        "---\ntitle: \"Deploying\"\nweight: 2\ntags: [ops, deploys]\ndate: 2024-05-01\nlayout: runbook\n---\n\n# Deploys\n\nHow we deploy.\n\n<table><tr><td>\n\n```go\nx := 1\n```\n\n</td></tr></table>\n",
    );
    write(d.path(), "ops/rollback.md", "# Rollback\n\nUndo.\n");
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let p = d.path().join("public");
    let home = read(&p, "index.html");
    assert!(
        home.contains("href=\"ops/deploys.html\""),
        "extension-less link"
    );
    assert!(home.contains("href=\"ops/index.html\""), "folder link");
    let deploys = read(&p, "ops/deploys.html");
    assert!(deploys.contains("<h1>Deploying</h1>"), "YAML title");
    assert!(deploys.contains("tags/ops.html"), "YAML tags");
    assert!(
        deploys.contains("<span class=\"m\">1</span>")
            || deploys.contains("<span class=\"n\">1</span>"),
        "fenced code inside an HTML table is highlighted"
    );
    let ops = read(&p, "ops/index.html");
    assert!(
        ops.contains("<h1>Operations</h1>"),
        "README.md is the folder's index"
    );
    assert!(ops.find("Rollback").is_some() && ops.find("Deploying").is_some());
}
