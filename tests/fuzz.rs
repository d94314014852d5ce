//! Property tests of the page pipeline: whatever the front matter, Markdown,
//! links, includes and dialect-specific syntax, loading and rendering a site
//! never panics, and every path it would write stays inside the output.
//!
//! Bounded (a few hundred generated sites) so it runs in CI; failures that
//! proptest finds are kept in `tests/fuzz.proptest-regressions` and replayed
//! first on every run. Run longer with `PROPTEST_CASES=5000 cargo test --test fuzz`.

use proptest::prelude::*;

/// Pieces real and hostile pages are made of.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# Title\n".to_string()),
        Just("## Heading {#GO-ERR-001 .must}\n".to_string()),
        Just("## Prometheus/Thanos\n".to_string()),
        Just("## [Linked](other.md#x)\n".to_string()),
        Just(
            "[a](other.md) [b](../../x.md) [c](./) [d](rule:GO-ERR-001) [e]() [f](<a b.md>)\n"
                .to_string()
        ),
        Just("[x](%zz) [y](#) [z](//host) [w](javascript:alert(1)) [v](a?b#c) [u](%aé.md) [t](a%2)\n".to_string()),
        Just("![i](img.png) ![j](../../../etc/passwd)\n".to_string()),
        Just("{{#include other.md}}\n".to_string()),
        Just("{{#include ../../../../etc/hostname}}\n{{#include }}\n{{#title T}}\n".to_string()),
        Just("{{#include other.md:2:1}}\n{{#include other.md:nope}}\n".to_string()),
        Just("```go\nfunc Open() error { ... }\n```\n".to_string()),
        Just("```go bad\nfunc (\n```\n```go good\nfunc f() {}\n```\n".to_string()),
        // Hostile Go for the lexer: stray backquote, unterminated comment,
        // NUL bytes, unbalanced brackets, a long line, deep nesting.
        Just("```go\nx := `unterminated\n```\n".to_string()),
        Just("```go\n/* never closed\nfunc f() {}\n```\n".to_string()),
        Just("```go\ns := \"a\u{0}b\"\n\u{0}\u{0}\n```\n".to_string()),
        Just("```go\nf(((( ]]]] }}}} ' \"\n```\n".to_string()),
        Just(format!("```go\nx := \"{}\"\n```\n", "é".repeat(100_000))),
        Just(format!("```go\n{}\n```\n", "[]map[".repeat(20_000))),
        Just("```rust\n# hidden\nshown\n```\n".to_string()),
        Just("```\nunclosed fence\n".to_string()),
        Just("> [!WARNING]\n> careful\n".to_string()),
        Just("!!! note \"T\"\n    body\n\n    !!! tip\n        inner\n".to_string()),
        Just("??? danger\n    x\n".to_string()),
        Just("=== \"A\"\n    a\n=== \"B\"\n".to_string()),
        Just("/// details | D\n    open: true\nx\n///\n".to_string()),
        Just("--8<-- \"other.md\"\n--8<--\nmissing.md\n".to_string()),
        Just("{!other.md!}\n*[API]: Application\nAPI here.\n".to_string()),
        Just(
            "{% hint style=\"info\" %}\nhi\n{% endhint %}\n{% raw %}{{ x }}{% endraw %}\n"
                .to_string()
        ),
        Just("<div markdown>\n- x\n</div>\n<!-- comment -->\n".to_string()),
        Just("[[_TOC_]]\n[TOC]\n".to_string()),
        Just("| a | b |\n|---|---|\n| `x` | y |\n".to_string()),
        Just("- [ ] task\n- [x] done\n\n[^1]\n\n[^1]: note\n".to_string()),
        Just("Term\n:   Definition\n".to_string()),
        "[ -~]{0,40}\n",
        "\\PC{0,20}\n",
    ]
}

fn front() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("+++\ntitle = \"T\"\nweight = 2\ntags = [\"a\", \"b c\"]\naliases = [\"old\", \"../x\", \"a//b\", \"rules\"]\n+++\n".to_string()),
        Just("+++\ntitle = [\n+++\n".to_string()),
        Just("+++\nweight = \"heavy\"\ndraft = \"no\"\n+++\n".to_string()),
        Just("---\ntitle: Y\ndate: 2024-02-30\nanchors: &a [*a]\n---\n".to_string()),
        Just("---\ntitle: unclosed\n".to_string()),
        Just("+++\nkind = \"runbook\"\nowner = \"t\"\nseverity = \"SEV9\"\nlast-reviewed = 2020-01-01\ndashboards = [\"javascript:x\"]\n+++\n".to_string()),
        Just("+++\nkind = \"track\"\nprerequisites = [\"nope\"]\n+++\n".to_string()),
    ]
}

fn page() -> impl Strategy<Value = String> {
    (front(), prop::collection::vec(fragment(), 0..8)).prop_map(|(f, parts)| f + &parts.concat())
}

/// Write a site and run the pipeline in-process, as build and check do.
fn run_site(dialect: u8, names: &[String], pages: &[String]) {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let content = match dialect {
        0 => {
            std::fs::write(root.join("book.toml"), "[book]\ntitle = \"F\"\n").unwrap();
            root.join("content")
        }
        1 => {
            std::fs::write(
                root.join("mkdocs.yml"),
                "site_name: F\nnav:\n  - index.md\n  - X: https://x\n",
            )
            .unwrap();
            root.join("docs")
        }
        2 => {
            std::fs::write(root.join("SUMMARY.md"), "# Summary\n\n* [A](README.md)\n  * [B](other.md)\n## Part\n* [C](gone.md)\nnot a link\n").unwrap();
            root.to_path_buf()
        }
        _ => {
            std::fs::write(
                root.join("book.toml"),
                "[book]\ntitle = \"F\"\nsrc = \"src\"\n[output.html]\n",
            )
            .unwrap();
            std::fs::create_dir_all(root.join("src")).unwrap();
            std::fs::write(
                root.join("src/SUMMARY.md"),
                "# Summary\n\n- [A](README.md)\n- [B](other.md)\n",
            )
            .unwrap();
            root.join("src")
        }
    };
    std::fs::create_dir_all(content.join("sub")).unwrap();
    std::fs::write(content.join("other.md"), "# Other\n\n## x\n\nline 3\n").unwrap();
    for (n, text) in names.iter().zip(pages) {
        let path = content.join(n);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let hl = handbook::highlight::Highlighter::new();
    let opts = handbook::site::LoadOptions {
        root: root.to_path_buf(),
        drafts: false,
        go_syntax: handbook::site::GoSyntax::Parse,
    };
    let Ok(site) = handbook::site::load(&opts, &hl, None) else {
        return; // a configuration error is a finding, not a panic
    };
    if let Ok(outputs) = handbook::render_site(&site, None, None) {
        for o in outputs {
            assert!(
                handbook::output::check_rel(&o.path).is_ok(),
                "unsafe output path {}",
                o.path
            );
        }
    }
    for (i, p) in site.pages.iter().enumerate() {
        if !site.skips.pages.contains(&i) {
            assert!(
                handbook::output::check_rel(&p.url).is_ok(),
                "unsafe page path {}",
                p.url
            );
        }
    }
    let _ = handbook::search::build_index(&site);
}

fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("index.md".to_string()),
        Just("README.md".to_string()),
        Just("sub/_index.md".to_string()),
        Just("sub/page.md".to_string()),
        Just("a b#1.md".to_string()),
        Just("404.md".to_string()),
        Just("search.md".to_string()),
        Just("static/style.css.md".to_string()),
        "[a-z]{1,8}\\.md",
        "[a-z]{1,4}/[a-z]{1,4}\\.md",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(160),
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            "tests/fuzz.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_pipeline_never_panics(
        dialect in 0u8..4,
        files in prop::collection::vec((file_name(), page()), 1..6),
    ) {
        let (names, pages): (Vec<String>, Vec<String>) = files.into_iter().unzip();
        run_site(dialect, &names, &pages);
    }

    #[test]
    fn markdown_alone_never_panics(text in "\\PC{0,400}") {
        run_site(0, &["index.md".to_string()], &[text]);
    }
}
