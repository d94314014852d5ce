use super::*;
use std::path::Path;

fn run(rel: &str, md: &str, sources: &[&str]) -> Rendered {
    run_as(SlugStyle::Handbook, rel, md, sources)
}

fn run_as(slug: SlugStyle, rel: &str, md: &str, sources: &[&str]) -> Rendered {
    let cfg = MarkdownConfig::default();
    let re = Regex::new("^(?:[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3})$").unwrap();
    let sources: HashSet<String> = sources.iter().map(|s| s.to_string()).collect();
    let assets = HashSet::from(["img/x.png".to_string()]);
    let mut dirs = HashSet::from([String::new()]);
    for s in &sources {
        let mut d = crate::paths::parent_dir(s);
        while !d.is_empty() {
            dirs.insert(d.to_string());
            d = crate::paths::parent_dir(d);
        }
    }
    let content_path = vec!["srv".to_string(), "docs".to_string()];
    let ctx = Context {
        options: &cfg,
        rule_pattern: &re,
        sources: &sources,
        assets: &assets,
        dirs: &dirs,
        slug,
        content_path: &content_path,
        quiet_langs: &[],
    };
    let hl = crate::highlight::Highlighter::new();
    let mut s = hl.session();
    render(&ctx, &mut s, rel, Path::new(rel), md, 0, None)
}

#[test]
fn inline_titles() {
    assert_eq!(
        inline_html("The `time` <b>package</b>"),
        "The <code>time</code> &lt;b&gt;package&lt;/b&gt;"
    );
    assert_eq!(inline_text("The `time` *package*"), "The time package");
}

#[test]
fn raw_html_links_to_markdown_resolve() {
    let r = run(
        "docs/a.md",
        "<table><tr><td><a href=\"b.md#x\">B</a> <a href='https://e.x/c.md'>C</a></td></tr></table>\n\nText <a href=\"gone.md\">gone</a>.\n",
        &["docs/a.md", "docs/b.md"],
    );
    assert!(
        r.html
            .as_str()
            .contains("<a href=\"../docs/b.html#x\">B</a>"),
        "{}",
        r.html
    );
    assert!(
        r.html.as_str().contains("href='https://e.x/c.md'"),
        "{}",
        r.html
    );
    assert_eq!(r.links.len(), 2);
    assert!(matches!(r.links[1].target, LinkTarget::Missing(_)));
}

#[test]
fn rust_hidden_lines_are_hidden() {
    let r = run(
        "a.md",
        "```rust\n# fn main() {\nlet x = 1;\n#\n## not hidden\n# }\n```\n",
        &[],
    );
    assert!(!r.html.as_str().contains("fn main"), "{}", r.html);
    assert!(r.html.as_str().contains("not hidden"), "{}", r.html);
    assert!(!r.html.as_str().contains("## not"), "{}", r.html);
}

#[test]
fn foreign_documents_render_as_their_authors_meant() {
    // GitHub ids, so links written against GitHub keep working.
    let r = run_as(
        SlugStyle::GitHub,
        "ops/a.md",
        "## Prometheus/Thanos\n\n## one...last...refactor?\n\n[x](#prometheusthanos)\n",
        &["ops/a.md"],
    );
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["prometheusthanos", "onelastrefactor"]);
    // A licence comment before the title does not hide the title.
    let r = run_as(
        SlugStyle::GitHub,
        "a.md",
        "<!--\n  Licensed under MIT.\n-->\n\n# Real title\n\nText\n\n# Second top heading\n",
        &[],
    );
    assert_eq!(r.h1.as_deref(), Some("Real title"));
    assert!(
        !r.html.as_str().contains("<h1"),
        "one <h1> per page: {}",
        r.html
    );
    assert!(
        r.html.as_str().contains("<h2 id=\"second-top-heading\""),
        "{}",
        r.html
    );
    // Links inside headings are rewritten and recorded.
    let r = run_as(
        SlugStyle::GitHub,
        "ops/index.md",
        "## [On-call reference](oncall.md)\n",
        &["ops/index.md", "ops/oncall.md"],
    );
    assert!(
        r.html.as_str().contains("href=\"../ops/oncall.html\""),
        "{}",
        r.html
    );
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.headings[0].id, "on-call-reference");
    // Folder links reach generated index pages; `[x]()` is no link error.
    let r = run_as(
        SlugStyle::GitHub,
        "README.md",
        "[a](uncategorized/) [b](./logging_schemas) [c]()\n",
        &[
            "README.md",
            "uncategorized/x.md",
            "logging_schemas/deep/y.md",
        ],
    );
    assert!(
        r.html
            .as_str()
            .contains("href=\"uncategorized/index.html\""),
        "{}",
        r.html
    );
    assert!(
        r.html
            .as_str()
            .contains("href=\"logging_schemas/index.html\""),
        "{}",
        r.html
    );
    assert!(
        r.links
            .iter()
            .all(|l| matches!(l.target, LinkTarget::Generated(_)))
    );
    // Leaving the content folder and coming back (content is /srv/docs).
    let r = run_as(
        SlugStyle::GitHub,
        "kube/y.md",
        "[x](../../docs/kube/x.md) ![i](../../docs/img/x.png)\n",
        &["kube/y.md", "kube/x.md"],
    );
    assert!(
        r.html.as_str().contains("href=\"../kube/x.html\""),
        "{}",
        r.html
    );
    assert!(
        r.html.as_str().contains("src=\"../img/x.png\""),
        "{}",
        r.html
    );
    assert!(
        !r.links
            .iter()
            .any(|l| matches!(l.target, LinkTarget::Missing(_)))
    );
    // GitLab's and Python-Markdown's table-of-contents markers.
    for marker in ["[[_TOC_]]", "[TOC]"] {
        let r = run_as(
            SlugStyle::GitHub,
            "a.md",
            &format!("# T\n\n{marker}\n\n## One\n\n### Two\n"),
            &[],
        );
        assert!(!r.html.as_str().contains("TOC"), "{}", r.html);
        assert!(
            r.html.as_str().contains("<a href=\"#one\">One</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html.as_str().contains("<a href=\"#two\">Two</a>"),
            "{}",
            r.html
        );
    }
}

#[test]
fn headings_get_unique_ids_and_first_h1_is_title() {
    let r = run(
        "a.md",
        "# Title\n\n## Setup\n\n## Setup\n\n## Custom {#my-id}\n",
        &[],
    );
    assert_eq!(r.h1.as_deref(), Some("Title"));
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["setup", "setup-1", "my-id"]);
    assert!(
        r.html.as_str().contains("<h2 id=\"setup-1\">"),
        "{}",
        r.html
    );
    assert!(!r.html.as_str().contains("<h1"));
}

#[test]
fn rules_are_recognised() {
    let r = run(
        "a.md",
        "## Wrap errors {#GO-ERR-003 .must}\n\n## Other {#GO-ERR-004}\n",
        &[],
    );
    assert_eq!(r.headings[0].rule, Some(RuleLevel::Must));
    assert_eq!(r.headings[1].rule, Some(RuleLevel::Should));
    assert!(r.html.as_str().contains("rule rule-must"));
}

#[test]
fn links_are_rewritten_and_recorded() {
    let r = run(
        "std/errors.md",
        "[a](context.md#cancel) [b](../runbooks/) [c](rule:GO-ERR-001) [d](https://go.dev) [e](nope.md) [f](context)",
        &["std/context.md", "runbooks/_index.md"],
    );
    assert!(
        r.html
            .as_str()
            .contains("href=\"../std/context.html#cancel\""),
        "{}",
        r.html
    );
    assert!(
        r.html.as_str().contains("href=\"../runbooks/index.html\""),
        "{}",
        r.html
    );
    assert!(r.html.as_str().contains("href=\"rule:GO-ERR-001\""));
    assert!(r.html.as_str().contains("href=\"https://go.dev\""));
    assert_eq!(r.links.len(), 5);
    assert!(matches!(r.links[3].target, LinkTarget::Missing(_)));
    assert!(matches!(&r.links[4].target, LinkTarget::Page { src, .. } if src == "std/context.md"));
}

#[test]
fn alerts_become_callouts() {
    let r = run("a.md", "> [!WARNING]\n> Careful.\n", &[]);
    assert!(
        r.html.as_str().contains("callout callout-warning"),
        "{}",
        r.html
    );
    assert!(r.html.as_str().contains("Careful."));
}

#[test]
fn bad_good_pairs_join() {
    let r = run(
        "a.md",
        "```go bad\nx := 1\n```\n\n```go good\ny := 2\n```\n\n```go bad\nz := 3\n```\n\nText.\n",
        &[],
    );
    assert_eq!(
        r.html.as_str().matches("<div class=\"pair\">").count(),
        1,
        "{}",
        r.html
    );
    assert_eq!(r.html.as_str().matches("example-bad").count(), 2);
    assert_eq!(r.text.code_blocks().len(), 3);
    assert_eq!(r.text.code_blocks()[1].first_line, 6);
}

#[test]
fn template_text_is_left_alone() {
    let r = run("a.md", "Use {{ .Title }} in templates.\n", &[]);
    assert!(r.html.as_str().contains("{{ .Title }}"));
}

#[test]
fn search_text_keeps_inline_code_next_to_its_punctuation() {
    let r = run(
        "a.md",
        "# A\n\nCall `ctx.Done()`, then **stop**.\nNext line.\n\n- parent\n  - child\n\n| a | b |\n|---|---|\n| x | y |\n",
        &[],
    );
    let text: String = r
        .text
        .parts()
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(
        words,
        [
            "Call",
            "ctx.Done(),",
            "then",
            "stop.",
            "Next",
            "line.",
            "parent",
            "child",
            "a",
            "b",
            "x",
            "y"
        ],
        "{text:?}"
    );
}

#[test]
fn packed_html_reads_back_the_same() {
    let text = "<p>caf\u{e9} <code>ctx</code></p>\n".repeat(50);
    let mut h = super::Html::Plain(text.clone());
    h.pack();
    assert!(matches!(h, super::Html::Packed(_)));
    assert!(h.held() < text.len() / 4, "{} of {}", h.held(), text.len());
    assert_eq!(h.as_str(), text);
    assert_eq!(h.to_string(), text);
    h.pack();
    assert_eq!(h.as_str(), text, "packing twice changes nothing");
    let mut empty = super::Html::default();
    empty.pack();
    assert_eq!(empty.as_str(), "");
}

#[test]
fn schemes_make_a_link_external_and_paths_with_colons_do_not() {
    use super::links::is_external;
    for (url, want) in [
        ("https://go.dev", true),
        ("mailto:oncall@example.com", true),
        ("//cdn.example/x.js", true),
        ("git+ssh:repo", true),
        ("a/b:c.md", false),
        ("x y:z.md", false),
        (":x.md", false),
        ("guide.md", false),
        ("rule:GO-ERR-001", true),
    ] {
        assert_eq!(is_external(url), want, "{url}");
    }
}

#[test]
fn links_resolve_to_pages_folders_generated_pages_files_or_nothing() {
    let sources = ["a.md", "guide/index.md", "guide/setup.md"];
    let cases = [
        (
            "guide/",
            LinkTarget::Page {
                src: "guide/index.md".into(),
                anchor: None,
            },
        ),
        (
            "guide",
            LinkTarget::Page {
                src: "guide/index.md".into(),
                anchor: None,
            },
        ),
        (
            "guide/index.html",
            LinkTarget::Page {
                src: "guide/index.md".into(),
                anchor: None,
            },
        ),
        (
            "guide/setup",
            LinkTarget::Page {
                src: "guide/setup.md".into(),
                anchor: None,
            },
        ),
        (
            "guide/setup.html#run",
            LinkTarget::Page {
                src: "guide/setup.md".into(),
                anchor: Some("run".into()),
            },
        ),
        ("rules.html", LinkTarget::Generated("rules.html".into())),
        ("nothere.md", LinkTarget::Missing("nothere.md".into())),
        ("nothere.html", LinkTarget::Missing("nothere.html".into())),
        ("nothere/", LinkTarget::Missing("nothere/".into())),
        ("notes.txt", LinkTarget::File("notes.txt".into())),
        ("img/x.png", LinkTarget::File("img/x.png".into())),
    ];
    for (dest, want) in cases {
        let r = run("a.md", &format!("[x]({dest})\n"), &sources);
        assert_eq!(r.links.len(), 1, "{dest}");
        assert_eq!(r.links[0].target, want, "{dest}");
    }
    // With a page and a folder of the same name, a trailing slash means the
    // folder.
    let both = ["a.md", "guide.md", "guide/index.md"];
    let r = run("a.md", "[x](guide/) [y](guide)\n", &both);
    assert_eq!(
        r.links[0].target,
        LinkTarget::Page {
            src: "guide/index.md".into(),
            anchor: None
        }
    );
    assert_eq!(
        r.links[1].target,
        LinkTarget::Page {
            src: "guide.md".into(),
            anchor: None
        }
    );
    // A folder without an index page gets a generated one.
    let r = run("a.md", "[x](ops/)\n", &["a.md", "ops/runbook.md"]);
    assert_eq!(
        r.links[0].target,
        LinkTarget::Generated("ops/index.html".into())
    );
}

#[test]
fn links_climbing_out_of_the_content_folder_come_back_only_into_it() {
    use super::links::resolve_through_parent;
    let content = ["srv".to_string(), "docs".to_string()];
    for (from, target, want) in [
        ("kube/y.md", "../../docs/kube/x.md", Some("kube/x.md")),
        ("y.md", "../docs/x.md", Some("x.md")),
        ("y.md", "../other/x.md", None),
        ("kube/y.md", "../../../etc/x.md", None),
        ("y.md", "/docs/x.md", None),
    ] {
        assert_eq!(
            resolve_through_parent(&content, from, target).as_deref(),
            want,
            "{from} -> {target}"
        );
    }
    assert_eq!(resolve_through_parent(&[], "y.md", "../docs/x.md"), None);
}

#[test]
fn only_what_can_be_checked_is_recorded() {
    let r = run(
        "a.md",
        "[empty]() [abs](/x.html) [web](https://go.dev) [plain](http://go.dev) [mail](mailto:a@b.c)\n\n\
         ![web](https://e.x/i.png) ![abs](/i.png) ![inline](data:image/png;base64,AAAA) ![here](img/x.png)\n",
        &["a.md"],
    );
    let targets: Vec<&LinkTarget> = r.links.iter().map(|l| &l.target).collect();
    assert_eq!(targets, [&LinkTarget::File("img/x.png".into())]);
    let external: Vec<&str> = r.external.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(external, ["https://go.dev", "http://go.dev"]);
}

#[test]
fn a_rule_autolink_shows_the_id_and_other_links_keep_their_text() {
    let r = run(
        "a.md",
        "<rule:GO-ERR-001> and [rule:GO-ERR-001](rule:GO-ERR-001) and <https://go.dev>\n",
        &["a.md"],
    );
    assert_eq!(
        r.html.as_str().trim_end(),
        "<p><a href=\"rule:GO-ERR-001\">GO-ERR-001</a> and \
         <a href=\"rule:GO-ERR-001\">rule:GO-ERR-001</a> and \
         <a href=\"https://go.dev\">https://go.dev</a></p>"
    );
}

#[test]
fn raw_html_links_in_either_quote_after_an_unquoted_one() {
    let r = run(
        "docs/a.md",
        "<p><a href=plain.md>P</a> <a href='b.md'>B</a> <a href=\"b.md#x\">X</a></p>\n",
        &["docs/a.md", "docs/b.md"],
    );
    // The unquoted href is left as written; the quoted ones are rewritten.
    assert_eq!(
        r.html.as_str().trim_end(),
        "<p><a href=plain.md>P</a> <a href='../docs/b.html'>B</a> <a href=\"../docs/b.html#x\">X</a></p>"
    );
    assert_eq!(r.links.len(), 2);
}
