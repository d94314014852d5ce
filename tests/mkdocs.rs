//! MkDocs and Backstage TechDocs projects build as they are: mkdocs.yml is
//! read, and the Python-Markdown / PyMdown syntax real projects use renders.

mod common;

use common::*;

fn built() -> (tempfile::TempDir, std::process::Output) {
    let d = fixture("mkdocs");
    let root = d.path().to_str().unwrap().to_string();
    let out = handbook(d.path(), &["build", "--root", &root]);
    (d, out)
}

#[test]
fn mkdocs_yml_is_read() {
    let (d, out) = built();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // One warning per unsupported key, naming it; nothing else to say.
    assert_eq!(err.matches("warning[").count(), 1, "{err}");
    assert!(
        err.contains("mkdocs.yml: warning[mkdocs-config]: plugin `macros` is not supported"),
        "{err}"
    );
    // site_dir defaults to site/; site_name through !ENV's default.
    let site = d.path().join("site");
    let home = read(&site, "index.html");
    assert!(
        home.contains("<title>Payments service · Payments Service</title>"),
        "{home}"
    );
    assert!(
        home.contains("How the payments service is built and run."),
        "{home}"
    );
    // Navigation follows `nav`: titled and untitled entries, a section, an
    // external link.
    let nav = read(&site, "static/nav.js");
    let at = |t: &str| {
        nav.find(t)
            .unwrap_or_else(|| panic!("{t} missing from {nav}"))
    };
    assert!(at(">Home<") < at(">Guide<") && at(">Guide<") < at(">Install<"));
    assert!(at(">Install<") < at(">Errors<") && at(">Errors<") < at("https://go.dev/doc/"));
    assert!(!nav.contains("Payments runbook"), "not in nav: {nav}");
    // Pages outside nav are built and found by search.
    assert!(site.join("ops/runbook.html").exists());
    assert!(read(&site, "search/s-.js").contains("\"gateway\""));
    // extra_css linked, redirects written, edit links from edit_uri.
    assert!(home.contains("href=\"css/extra.css\""), "{home}");
    assert!(site.join("css/extra.css").exists());
    assert!(read(&site, "setup.html").contains("url=guide/install.html"));
    assert!(read(&site, "guide/errors.html").contains(
        "href=\"https://git.example.internal/payments/service/edit/main/docs/guide/errors.md\""
    ));
    assert!(
        read(&site, "sitemap.xml")
            .contains("https://docs.example.internal/payments/guide/install.html")
    );
}

#[test]
fn env_tags_in_mkdocs_yml() {
    let d = fixture("mkdocs");
    let root = d.path().to_str().unwrap().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["build", "--root", &root])
        .env("HANDBOOK_TEST_SITE_NAME", "From The Environment")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(read(&d.path().join("site"), "index.html").contains("From The Environment"));
}

#[test]
fn python_markdown_syntax_renders() {
    let (d, out) = built();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let site = d.path().join("site");
    // No extension syntax is left as literal text anywhere.
    for page in [
        "index.html",
        "guide/install.html",
        "guide/errors.html",
        "ops/runbook.html",
    ] {
        let html = read(&site, page);
        let prose = html.split("<div class=\"prose\">").nth(1).unwrap_or(&html);
        for literal in [
            "!!!",
            "???",
            "===",
            "--8&lt;--",
            "--8<--",
            "{!",
            "{:",
            "{ .md-button",
            "*[API]",
            "tab=",
        ] {
            assert!(!prose.contains(literal), "{page} shows {literal}: {prose}");
        }
    }
    let install = read(&site, "guide/install.html");
    // Admonitions (nested), details (closed and open), unknown type -> note.
    assert!(install.contains("<div class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Before you start</p>"));
    assert!(install.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>"));
    assert!(install.contains("<details class=\"callout callout-tip\"><summary class=\"callout-title\">Offline machines</summary>"));
    assert!(install.contains("<details class=\"callout callout-caution\" open>"));
    assert!(
        read(&site, "ops/runbook.html")
            .contains("callout-caution\" role=\"note\"><p class=\"callout-title\">Known issue</p>")
    );
    // Tabs (both forms), a snippet section inside a fence, fence options.
    assert_eq!(install.matches("data-tabbed").count(), 2, "{install}");
    assert!(install.contains("data-label=\"Go\"") && install.contains("data-label=\"Shell\""));
    assert!(install.contains("<figcaption class=\"code-title\">cmd/pay/main.go</figcaption>"));
    assert!(install.contains("class=\"code numbered\""), "linenums");
    assert!(
        install.contains("<span class=\"line hl\"><span class=\"k\">func</span>"),
        "hl_lines=3"
    );
    assert!(
        !install.contains("package main"),
        "only the snippet section"
    );
    assert!(
        install.contains("Questions go to #payments-dev."),
        "--8<-- file"
    );
    let errors = read(&site, "guide/errors.html");
    // attr_list ids on headings; Python-Markdown ids for the rest.
    assert!(errors.contains("<h2 id=\"wrap-with-w\""), "{errors}");
    assert!(
        errors.contains("<h2 id=\"checking-errors-the-right-way\""),
        "{errors}"
    );
    assert!(errors.contains("<dl>\n<dt>Sentinel</dt>"), "def_list");
    assert!(errors.contains("<abbr title=\"Application Programming Interface\">API</abbr>"));
    assert!(errors.contains("footnote-definition"), "footnotes");
    assert!(
        errors.contains("Questions go to #payments-dev."),
        "{{!include!}}"
    );
    // md_in_html: Markdown inside the grid div.
    let home = read(&site, "index.html");
    assert!(
        home.contains("<div class=\"grid cards\">\n<ul>\n<li><strong>Install</strong>"),
        "{home}"
    );
}

#[test]
fn findings_point_at_the_authors_lines() {
    let d = fixture("mkdocs");
    // A broken link inside an admonition, below a snippet: the line and
    // column are the source file's, not the rewritten text's.
    write(
        d.path(),
        "docs/guide/broken.md",
        "# Broken\n\n--8<-- \"docs/guide/shared-footer.md\"\n\n!!! note\n    See [gone](gone.md).\n\n```go\nfunc (\n```\n",
    );
    let root = d.path().to_str().unwrap().to_string();
    let out = handbook(d.path(), &["check", "--root", &root]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "warnings only: {text}");
    assert!(
        text.contains("docs/guide/broken.md:6:9: warning[broken-link]"),
        "{text}"
    );
    assert!(text.contains("docs/guide/broken.md:9:"), "{text}");
    assert!(text.contains("warning[go-syntax]"), "{text}");
    // A snippet that does not exist, and one that leaves the repository.
    write(
        d.path(),
        "docs/guide/broken.md",
        "# Broken\n\n--8<-- \"nope.md\"\n\n--8<-- \"../../../../etc/hostname\"\n",
    );
    let out = handbook(d.path(), &["build", "--root", &root]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("docs/guide/broken.md:3:1: warning[include]: snippet `nope.md`"),
        "{err}"
    );
    assert!(
        err.contains("docs/guide/broken.md:5:1: warning[include]"),
        "{err}"
    );
}
