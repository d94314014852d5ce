//! End-to-end builds of fixture sites, asserting on the files produced.

mod common;

use common::*;

fn built() -> tempfile::TempDir {
    let dir = fixture("basic");
    let out = build(dir.path());
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    dir
}

#[test]
fn produces_pages_sections_and_generated_files() {
    let d = built();
    let p = d.path().join("public");
    for f in [
        "index.html",
        "guide/index.html",
        "guide/intro.html",
        "guide/second.html",
        "guide/diagram.svg",
        "std/errors.html",
        "rules.html",
        "404.html",
        "sitemap.xml",
        "old/intro.html",
        "tags/index.html",
        "tags/basics.html",
        "search.html",
        "static/style.css",
        "static/handbook.js",
        "static/nav.js",
        "static/favicon.svg",
        ".handbook-output",
    ] {
        assert!(p.join(f).is_file(), "missing {f}");
    }
    let second = read(&p, "guide/second.html");
    assert!(
        second.contains("<h1>Second page</h1>"),
        "title from first heading"
    );
    assert_eq!(
        second.matches("<h1").count(),
        1,
        "leading # heading is not repeated"
    );
    let sitemap = read(&p, "sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://intranet.example/teams/go/handbook/guide/intro.html</loc>")
    );
    let redirect = read(&p, "old/intro.html");
    assert!(redirect.contains("url=../guide/intro.html"), "{redirect}");
}

#[test]
fn highlights_go_with_category_classes() {
    let d = built();
    let html = read(&d.path().join("public"), "guide/intro.html");
    assert!(
        html.contains("<span class=\"k\">func</span>"),
        "keyword class"
    );
    assert!(
        html.contains("<span class=\"b\">any</span>"),
        "generic constraint is builtin"
    );
    assert!(html.contains("<span class=\"b\">comparable</span>"));
    assert!(
        html.contains("<span class=\"line hl\">"),
        "highlighted line 2"
    );
    assert!(!html.contains("style=\"color"), "no inline colours");
    let css = read(&d.path().join("public"), "static/style.css");
    assert!(css.contains(".code .k{color:var(--hl-k)}"));
    assert!(css.contains("prefers-color-scheme:dark"));
}

#[test]
fn links_are_relative_and_resolved() {
    let d = built();
    let p = d.path().join("public");
    let home = read(&p, "index.html");
    assert!(
        home.contains("href=\"guide/intro.html#setup\""),
        "page link with anchor"
    );
    assert!(
        home.contains("href=\"std/errors.html#GO-ERR-001\""),
        "rule link"
    );
    let intro = read(&p, "guide/intro.html");
    assert!(intro.contains("href=\"#setup-1\""));
    assert!(intro.contains("href=\"../guide/second.html\""));
    assert!(
        intro.contains("href=\"../std/errors.html#GO-ERR-001\""),
        "retired id resolves to replacement"
    );
    assert!(
        intro.contains("{{ .Title }}"),
        "template-like text is left alone"
    );
    assert!(intro.contains("<em>raw html</em>"));
    assert!(intro.contains("callout callout-warning"));
    assert!(
        intro.contains("href=\"../static/style.css"),
        "assets are relative"
    );
    // Sub-path independence: no root-absolute internal URL anywhere but 404.html.
    for entry in walkdir::WalkDir::new(&p) {
        let e = entry.unwrap();
        let name = e.path().to_string_lossy().to_string();
        if name.ends_with(".html") && !name.ends_with("404.html") {
            let html = std::fs::read_to_string(e.path()).unwrap();
            assert!(
                !html.contains("href=\"/"),
                "{name} has a root-absolute href"
            );
            assert!(!html.contains("src=\"/"), "{name} has a root-absolute src");
        }
    }
}

#[test]
fn rules_pairs_and_index() {
    let d = built();
    let p = d.path().join("public");
    let errors = read(&p, "std/errors.html");
    assert!(errors.contains("<h2 id=\"GO-ERR-001\" class=\"rule rule-must\">"));
    assert!(
        errors.contains("id=\"GO-ERR-000\""),
        "retired anchor lands on replacement"
    );
    assert_eq!(errors.matches("<div class=\"pair\">").count(), 1);
    assert!(errors.contains("example-bad") && errors.contains("example-good"));
    let rules = read(&p, "rules.html");
    for (id, level) in [
        ("GO-ERR-001", "must"),
        ("GO-ERR-002", "should"),
        ("GO-ERR-003", "may"),
    ] {
        let row = format!(
            "<tr id=\"{id}\" data-level=\"{level}\"><td><a class=\"rule-id\" href=\"std/errors.html#{id}\">{id}</a>"
        );
        assert!(rules.contains(&row), "rules index row for {id}");
    }
}

#[test]
fn runbooks_and_tracks() {
    let d = built();
    let p = d.path().join("public");
    let stale = read(&p, "runbooks/stale.html");
    assert!(
        stale.contains("Review overdue since 2025-01-31"),
        "overdue banner with fixed build date"
    );
    let fresh = read(&p, "runbooks/fresh.html");
    assert!(!fresh.contains("Review overdue"));
    assert!(fresh.contains("FreshAlert"));
    let index = read(&p, "runbooks/index.html");
    assert!(index.contains("<tr class=\"overdue\">"));
    assert!(index.contains("Overdue since 2025-01-31"));
    let m2 = read(&p, "track/m2.html");
    assert!(m2.contains("Module 2 of 3 · about 2h"));
    assert!(m2.contains("href=\"../track/m1.html\" rel=\"prev\""));
    assert!(m2.contains("href=\"../track/m3.html\" rel=\"next\""));
    assert!(m2.contains("class=\"button module-complete\" data-key=\"track/m2.html\""));
    assert!(m2.contains("<input type=\"checkbox\" class=\"task\" data-task=\"1\">"));
    let track = read(&p, "track/index.html");
    assert!(track.contains("data-modules=\"track/m1.html track/m2.html track/m3.html\""));
}

#[test]
fn rebuild_is_byte_identical() {
    let d = built();
    let first = snapshot(&d.path().join("public"));
    let out = build(d.path());
    assert!(out.status.success());
    let second = snapshot(&d.path().join("public"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (k, v) in &first {
        assert!(v == &second[k], "{k} differs between builds");
    }
}

#[test]
fn failed_build_leaves_previous_output_intact() {
    let d = built();
    let before = snapshot(&d.path().join("public"));
    write(
        d.path(),
        "content/guide/broken.md",
        "+++\ntitle = \"B\"\nweight = \"heavy\"\n+++\n",
    );
    let out = build(d.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/guide/broken.md:3:"), "{err}");
    assert_eq!(
        before,
        snapshot(&d.path().join("public")),
        "output untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("handbook-tmp") || n.contains("handbook-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn broken_links_and_anchors_are_located() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/links.md",
        "# Links\n\nSee [nothing](missing.md).\n\nAnd [no anchor](intro.md#nope).\n\nAnd [rule](rule:GO-NOPE-001).\n",
    );
    let out = build(d.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("content/guide/links.md:3:5: error[broken-link]"),
        "{err}"
    );
    assert!(
        err.contains("content/guide/links.md:5:5: error[broken-anchor]"),
        "{err}"
    );
    assert!(
        err.contains("content/guide/links.md:7:5: error[unknown-rule]"),
        "{err}"
    );
    assert!(!d.path().join("public").exists(), "nothing written");
}

#[test]
fn broken_links_can_be_warnings() {
    let d = fixture("basic");
    let cfg = read(d.path(), "book.toml");
    write(
        d.path(),
        "book.toml",
        &format!("{cfg}\n[build]\nbroken-links = \"warn\"\n"),
    );
    write(
        d.path(),
        "content/guide/links.md",
        "See [nothing](missing.md).\n",
    );
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning[broken-link]"));
}

#[test]
fn unknown_config_key_is_a_usage_error_with_suggestion() {
    let d = fixture("basic");
    write(
        d.path(),
        "book.toml",
        "[book]\ntitle = \"X\"\n\n[build]\noutput-dri = \"out\"\n",
    );
    let out = build(d.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("book.toml:5:1"), "{err}");
    assert!(err.contains("did you mean `output-dir`"), "{err}");
}

#[test]
fn duplicate_rules_name_both_places() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/std/more.md",
        "# More\n\n## Again {#GO-ERR-002}\n",
    );
    let out = build(d.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("duplicate-rule"), "{err}");
    assert!(
        err.contains("content/std/errors.md:") && err.contains("content/std/more.md:3"),
        "{err}"
    );
}

#[test]
fn runbook_without_required_fields_fails() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/runbooks/bare.md",
        "+++\ntitle = \"Bare\"\n+++\nx\n",
    );
    let out = build(d.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("content/runbooks/bare.md:1:1: error[runbook-field]"),
        "{err}"
    );
    assert!(err.contains("owner, severity, last-reviewed"), "{err}");
}

#[test]
fn refuses_to_replace_a_foreign_folder() {
    let d = fixture("basic");
    write(d.path(), "public/keep.txt", "precious");
    let out = build(d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not created by handbook"));
    assert_eq!(read(d.path(), "public/keep.txt"), "precious");
}

#[test]
fn drafts_are_skipped_unless_asked() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/wip.md",
        "+++\ntitle = \"WIP\"\ndraft = true\n+++\n",
    );
    assert!(build(d.path()).status.success());
    assert!(!d.path().join("public/guide/wip.html").exists());
    let out = handbook(d.path(), &["build", "--drafts"]);
    assert!(out.status.success());
    assert!(d.path().join("public/guide/wip.html").exists());
}

#[test]
fn missing_book_toml_says_how_to_start() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "content/x.md", "# X\n");
    std::fs::remove_dir_all(d.path().join("content")).unwrap();
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("book.toml: error[config]: no book.toml in"),
        "{err}"
    );
    assert!(err.contains("handbook init"), "{err}");
    assert!(!d.path().join("public").exists());
}

#[test]
fn plain_markdown_folder_builds_without_config() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "README.md",
        "# Team docs\n\nSee [deploys](ops/deploys.md).\n",
    );
    write(d.path(), "ops/deploys.md", "# Deploys\n\nHow we deploy.\n");
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let p = d.path().join("public");
    assert!(read(&p, "index.html").contains("href=\"ops/deploys.html\""));
    assert!(read(&p, "ops/deploys.html").contains("<h1>Deploys</h1>"));
}

#[test]
fn theme_overrides_apply_and_template_errors_are_located() {
    let d = fixture("basic");
    write(
        d.path(),
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}<h1 class=\"custom\">{{ page.title }}</h1>{{ page.body | safe }}{% endblock main %}\n",
    );
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        read(&d.path().join("public"), "guide/intro.html")
            .contains("<h1 class=\"custom\">Introduction</h1>")
    );
    write(
        d.path(),
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title \n{% endblock main %}\n",
    );
    let out = build(d.path());
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.lines()
            .any(|l| l.starts_with("themes/default/templates/page.html:4:1: error[template]")),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn rebuild_links_unchanged_files_and_rewrites_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let d = built();
    let p = d.path().join("public");
    let ino = |rel: &str| std::fs::metadata(p.join(rel)).unwrap().ino();
    let (intro, errors) = (ino("guide/intro.html"), ino("std/errors.html"));
    let diagram = ino("guide/diagram.svg");
    let before = read(&p, "std/errors.html");
    let src = read(d.path(), "content/std/errors.md");
    write(
        d.path(),
        "content/std/errors.md",
        &format!("{src}\nA sentence added between builds.\n"),
    );
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        ino("guide/intro.html"),
        intro,
        "unchanged page keeps its file"
    );
    assert_ne!(ino("std/errors.html"), errors, "changed page is a new file");
    assert_eq!(
        ino("guide/diagram.svg"),
        diagram,
        "unchanged asset keeps its file"
    );
    let after = read(&p, "std/errors.html");
    assert!(after.contains("A sentence added between builds."));
    assert_ne!(before, after);
}

#[test]
fn odd_file_names_are_reachable_and_never_a_scheme() {
    let d = tempfile::tempdir().unwrap();
    let names = ["a b.md", "100%.md", "q?.md", "hash#1.md", "Überblick.md"];
    let mut index = String::from("# Odd names\n\n");
    for n in names {
        write(d.path(), &format!("docs/{n}"), &format!("# {n}\n"));
        // `?` and `#` start a query and a fragment in any URL: authors
        // write them encoded, as on GitHub.
        let link = n.replace('?', "%3F").replace('#', "%23");
        index.push_str(&format!("- [{n}](<docs/{link}>)\n"));
    }
    write(d.path(), "README.md", &index);
    write(d.path(), "docs/javascript:alert(7).md", "# x\n");
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning[output]"), "{err}");
    let p = d.path().join("public");
    let home = read(&p, "index.html");
    let nav = read(&p, "static/nav.js");
    for html in [&home, &nav] {
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("javascript:alert"), "{html}");
    }
    // Every href to a docs page decodes to a file that exists.
    let hrefs: Vec<&str> = home
        .split("href=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .filter(|h| h.starts_with("docs/"))
        .collect();
    assert!(hrefs.len() >= names.len(), "{hrefs:?}");
    for h in hrefs {
        assert!(!h.contains([' ', '?', '#']) || h.contains("%"), "{h}");
        let file = handbook::paths::percent_decode(h);
        assert!(p.join(&file).is_file(), "{h} -> {file} missing");
    }
}

#[test]
fn javascript_urls_in_front_matter_are_not_links() {
    let d = fixture("basic");
    let rb = read(d.path(), "content/runbooks/fresh.md");
    write(
        d.path(),
        "content/runbooks/fresh.md",
        &rb.replacen(
            "+++\n",
            "+++\ndashboards = [\"javascript:alert(7)\", \"https://grafana.example/d/1\"]\n",
            1,
        ),
    );
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/runbooks/fresh.md:2:1: error[runbook-field]: dashboard link `javascript:alert(7)`"), "{err}");
    let out = handbook(d.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_content_folder_are_skipped_with_a_warning() {
    let d = fixture("basic");
    let secret = d.path().join("secret.txt");
    std::fs::write(&secret, "not for publishing").unwrap();
    std::os::unix::fs::symlink(&secret, d.path().join("content/guide/leak.txt")).unwrap();
    std::os::unix::fs::symlink(
        d.path().join("content/guide/diagram.svg"),
        d.path().join("content/guide/same.svg"),
    )
    .unwrap();
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("content/guide/leak.txt: warning[symlink]"),
        "{err}"
    );
    let p = d.path().join("public");
    assert!(!p.join("guide/leak.txt").exists());
    assert!(
        p.join("guide/same.svg").is_file(),
        "a link inside the folder is followed"
    );
}

#[test]
fn every_bad_front_matter_key_is_reported_at_its_line() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/bad.md",
        "+++\ntitle = \"Bad\"\nweight = \"heavy\"\ndraft = \"yes\"\n+++\n# Bad\n",
    );
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/guide/bad.md:3:"), "{err}");
    assert!(err.contains("content/guide/bad.md:4:"), "{err}");
    write(
        d.path(),
        "book.toml",
        "[book]\ntitle = \"X\"\n\n[rules]\nid-pattern = \"[A-Z\"\n",
    );
    std::fs::remove_file(d.path().join("content/guide/bad.md")).unwrap();
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("book.toml:5:1: error[config]: [rules] id-pattern"),
        "{err}"
    );
}

/// A page whose Go block imports an aliased, versioned module and calls the
/// standard library.
const GODOC_PAGE: &str = r#"+++
title = "Links"
+++

```go
import (
    "context"
    eg "golang.org/x/sync/errgroup"
    "github.com/acme/retry/v3"
)

func run(ctx context.Context) error {
    // context.Background is not linked in a comment
    g, ctx := eg.WithContext(ctx)
    _ = "errors.New in a string"
    return retry.Do(ctx, g.Wait)
}
```
"#;

#[test]
fn go_identifiers_link_to_package_docs() {
    let d = fixture("basic");
    write(d.path(), "content/guide/godoc.md", GODOC_PAGE);
    let out = build(d.path());
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    let html = read(&d.path().join("public"), "guide/godoc.html");
    for href in [
        "https://pkg.go.dev/context#Context",
        "https://pkg.go.dev/golang.org/x/sync/errgroup#WithContext",
        "https://pkg.go.dev/github.com/acme/retry/v3#Do",
    ] {
        assert!(
            html.contains(&format!("<a class=\"godoc\" href=\"{href}\"")),
            "{href} missing in:\n{html}"
        );
    }
    assert!(!html.contains("context#Background"), "comment linked");
    assert!(!html.contains("errors#New"), "string linked");
    // A local variable's method is not a package member.
    assert!(!html.contains("#Wait"), "g.Wait linked");

    // An internal mirror, then none at all.
    let toml = read(d.path(), "book.toml");
    write(
        d.path(),
        "book.toml",
        &format!("{toml}\n[go]\npkg-url = \"https://godoc.corp.example/\"\n"),
    );
    let out = build(d.path());
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    let html = read(&d.path().join("public"), "guide/godoc.html");
    assert!(html.contains("href=\"https://godoc.corp.example/context#Context\""));
    assert!(!html.contains("pkg.go.dev"));
    write(
        d.path(),
        "book.toml",
        &format!("{toml}\n[go]\npkg-url = \"\"\n"),
    );
    let out = build(d.path());
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    let html = read(&d.path().join("public"), "guide/godoc.html");
    assert!(
        !html.contains("class=\"godoc\""),
        "links despite pkg-url = \"\""
    );
}

#[cfg(unix)]
#[test]
fn the_highlight_cache_gives_the_same_site_and_keeps_only_what_is_used() {
    use std::os::unix::fs::MetadataExt;
    let d = fixture("basic");
    let cache = d.path().join(".handbook-cache/highlight.bin");
    let cache_dir = d.path().join(".handbook-cache");
    let leftovers = || {
        std::fs::read_dir(&cache_dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("tmp"))
            .collect::<Vec<_>>()
    };
    assert!(build(d.path()).status.success());
    let cold = snapshot(&d.path().join("public"));
    let first = std::fs::metadata(&cache).expect("the cache is written");
    assert!(first.len() > 100, "{}", first.len());
    assert_eq!(leftovers(), Vec::<String>::new());
    // Warm: the same site, and the cache is not rewritten.
    assert!(build(d.path()).status.success());
    assert_eq!(snapshot(&d.path().join("public")), cold);
    let second = std::fs::metadata(&cache).unwrap();
    assert_eq!((second.ino(), second.len()), (first.ino(), first.len()));
    // A changed block is highlighted again; the old one leaves the cache.
    let intro = read(d.path(), "content/guide/intro.md");
    write(
        d.path(),
        "content/guide/intro.md",
        &intro.replacen("```go {hl=[2]}\n", "```go {hl=[2]}\n// cached? no\n", 1),
    );
    assert!(build(d.path()).status.success());
    let page = read(&d.path().join("public"), "guide/intro.html");
    assert!(page.contains("cached? no"), "{page}");
    let third = std::fs::metadata(&cache).unwrap();
    assert_ne!(third.ino(), first.ino(), "rewritten");
    assert!(third.len() > first.len(), "one block longer");
    write(d.path(), "content/guide/intro.md", &intro);
    assert!(build(d.path()).status.success());
    assert_eq!(
        std::fs::metadata(&cache).unwrap().len(),
        first.len(),
        "the longer block is gone"
    );
    assert_eq!(snapshot(&d.path().join("public")), cold);
    // A damaged cache is ignored, and replaced by the next build that
    // highlights (while the stored renderings of every page are there, no
    // block is highlighted, so none is asked for).
    std::fs::write(&cache, b"HBHLC002 not really").unwrap();
    assert!(build(d.path()).status.success());
    assert_eq!(snapshot(&d.path().join("public")), cold);
    std::fs::remove_file(cache_dir.join("markdown.bin")).unwrap();
    assert!(build(d.path()).status.success());
    assert_eq!(snapshot(&d.path().join("public")), cold);
    assert_eq!(std::fs::metadata(&cache).unwrap().len(), first.len());
    assert_eq!(leftovers(), Vec::<String>::new());
}

#[test]
fn a_retired_rule_anchor_lands_on_a_replacement_far_down_its_page() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "book.toml", "[book]\ntitle = \"Rules\"\n");
    write(
        d.path(),
        "content/std/_index.md",
        "+++\ntitle = \"Standards\"\nkind = \"standard\"\nretired = [{ id = \"GO-ERR-000\", replaced-by = \"GO-ERR-009\" }]\n+++\n",
    );
    let intro =
        "Errors carry context from where they happen to where they are handled. ".repeat(80);
    write(
        d.path(),
        "content/std/errors.md",
        &format!(
            "+++\ntitle = \"Errors\"\n+++\n\n{intro}\n\n## Wrap errors {{#GO-ERR-009 .must}}\n\nWrap with %w.\n"
        ),
    );
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(&d.path().join("public"), "std/errors.html");
    assert!(
        page.contains(
            "<span id=\"GO-ERR-000\" class=\"retired-anchor\"></span><h2 id=\"GO-ERR-009\""
        ),
        "{page}"
    );
}
