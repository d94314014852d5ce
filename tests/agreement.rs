//! `check` passes exactly what `build` passes, and finds more only where
//! it is asked to judge more (Go examples: `build` reports what its lexer
//! sees, `check` parses every block): every careless or hostile input below
//! makes both fail, with the same exit code and the same finding (file,
//! code), and a build never writes half a site.

mod common;

use std::path::Path;

use common::*;

/// A case: a name, and what to do to a copy of the basic fixture.
type Case = (&'static str, fn(&Path), &'static str);

/// Add a front matter line (replacing a line with the same key).
fn set_front(root: &Path, rel: &str, extra: &str) {
    let key = extra.split('=').next().unwrap().trim();
    let text: String = read(root, rel)
        .lines()
        .filter(|l| !l.starts_with(&format!("{key} =")))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = text.replacen("+++\n", &format!("+++\n{extra}\n"), 1);
    write(root, rel, &text);
}

const CASES: &[Case] = &[
    (
        "Go example with an unterminated raw string",
        |r| write(r, "content/guide/go.md", "# Go\n\n```go\nx := `open\n```\n"),
        "go-syntax",
    ),
    (
        "Go example with an unbalanced bracket",
        |r| write(r, "content/guide/go.md", "# Go\n\n```go\nf(a]\n```\n"),
        "go-syntax",
    ),
    (
        "broken template",
        |r| write(r, "themes/default/templates/page.html", "{% if %}"),
        "template",
    ),
    (
        "unknown highlight theme",
        |r| {
            let t = read(r, "book.toml");
            write(
                r,
                "book.toml",
                &format!("{t}\n[highlight]\nlight = \"NoSuchTheme\"\n"),
            );
        },
        "config",
    ),
    (
        "alias with ..",
        |r| {
            set_front(
                r,
                "content/guide/intro.md",
                "aliases = [\"../../etc/passwd\"]",
            )
        },
        "alias-collision",
    ),
    (
        "alias with //",
        |r| set_front(r, "content/guide/intro.md", "aliases = [\"a//b\"]"),
        "alias-collision",
    ),
    (
        "alias over the rules index",
        |r| set_front(r, "content/guide/intro.md", "aliases = [\"rules\"]"),
        "alias-collision",
    ),
    (
        "two aliases on one path",
        |r| {
            set_front(r, "content/guide/intro.md", "aliases = [\"old\"]");
            set_front(r, "content/guide/second.md", "aliases = [\"old.html\"]");
        },
        "alias-collision",
    ),
    (
        "file name with a colon",
        |r| write(r, "content/guide/a:b.md", "# A\n"),
        "output",
    ),
    (
        "content at a generated path",
        |r| write(r, "content/static/style.css", "body{}"),
        "output-collision",
    ),
    (
        "content in the search folder",
        |r| write(r, "content/search/meta.json", "{}"),
        "output-collision",
    ),
    (
        "a page at the tags index of a site with tags",
        |r| write(r, "content/tags/index.md", "# Tags\n"),
        "output-collision",
    ),
    (
        "a page at the alerts index of a site with alerts",
        |r| write(r, "content/alerts/index.md", "# Alerts\n"),
        "output-collision",
    ),
    (
        "a page at the owners index of a site with owners",
        |r| write(r, "content/owners.md", "# Owners\n"),
        "output-collision",
    ),
];

#[test]
fn check_fails_exactly_when_build_fails() {
    for (name, setup, code) in CASES {
        let d = fixture("basic");
        setup(d.path());
        let b = build(d.path());
        let c = handbook(d.path(), &["check"]);
        let berr = stderr(&b);
        let cout = String::from_utf8_lossy(&c.stdout).into_owned() + &stderr(&c);
        assert!(!b.status.success(), "{name}: build passed\n{berr}");
        assert_eq!(
            b.status.code(),
            c.status.code(),
            "{name}: build {berr}\ncheck {cout}"
        );
        assert!(
            berr.contains(&format!("error[{code}]")),
            "{name}: build said\n{berr}"
        );
        assert!(
            cout.contains(&format!("error[{code}]")),
            "{name}: check said\n{cout}"
        );
        assert!(
            !d.path().join("public").exists(),
            "{name}: a failed build wrote a site"
        );
        let leftovers: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .flatten()
            .filter(|e| {
                e.file_name().to_string_lossy().contains(".handbook-tmp")
                    || e.file_name().to_string_lossy().contains(".handbook-old")
            })
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
    }
}

/// `check` finds a superset of what `build` finds: Go that lexes but does
/// not parse passes `build` (its lexer sees nothing wrong) and fails `check`
/// (which parses every block).
#[test]
fn check_also_fails_go_that_lexes_but_does_not_parse() {
    let d = fixture("basic");
    write(
        d.path(),
        "content/guide/go.md",
        "# Go\n\n```go\nfunc f() {\n\tx := \n}\n```\n",
    );
    let b = build(d.path());
    assert!(b.status.success(), "{}", stderr(&b));
    let c = handbook(d.path(), &["check"]);
    let cout = String::from_utf8_lossy(&c.stdout).into_owned() + &stderr(&c);
    assert_eq!(c.status.code(), Some(1), "{cout}");
    assert!(
        cout.contains("content/guide/go.md:5:") && cout.contains("error[go-syntax]"),
        "{cout}"
    );
}

#[test]
fn output_inside_the_content_folder_is_refused() {
    let d = fixture("basic");
    let out = handbook(d.path(), &["build", "--out", "content/public"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is inside the content folder"), "{err}");
    assert!(!d.path().join("content/public").exists());
}

#[test]
fn an_authors_404_page_wins_and_says_so() {
    let d = fixture("basic");
    write(d.path(), "content/404.md", "# Lost?\n\nTry the search.\n");
    let toml = read(d.path(), "book.toml");
    write(
        d.path(),
        "book.toml",
        &format!("{toml}\n[check.levels]\noutput-collision = \"warn\"\n"),
    );
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "warning[output-collision]: a page handbook generates would be written to `404.html`"
        ),
        "{err}"
    );
    assert!(read(&d.path().join("public"), "404.html").contains("Try the search."));
}

/// Every claim that loses a path is one finding, at the loser's own file (a
/// page at its first line, an alias at its `aliases` key, a copied file, a
/// folder whose generated index lost; the generated 404 page has no file),
/// naming the winner; three claims on one path are two findings.
#[test]
fn each_losing_claim_is_reported_at_its_own_file() {
    let d = fixture("basic");
    let r = d.path();
    write(
        r,
        "content/guide/old.md",
        "+++\ntitle = \"Old\"\n+++\n# Old\n",
    );
    set_front(r, "content/guide/intro.md", "aliases = [\"guide/old\"]");
    set_front(r, "content/guide/second.md", "aliases = [\"guide/old\"]");
    write(r, "content/static/style.css", "body{}");
    write(r, "content/search/x.md", "# S\n");
    write(r, "content/404.md", "# Lost\n");
    let out = handbook(r, &["check"]);
    let all = String::from_utf8_lossy(&out.stdout).into_owned() + &stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    let mut found: Vec<&str> = all
        .lines()
        .filter(|l| l.contains("-collision]"))
        .map(|l| l.split(" would be written").next().unwrap())
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "content/guide/intro.md:2:1: error[alias-collision]: alias `guide/old` of content/guide/intro.md:2",
            "content/guide/second.md:2:1: error[alias-collision]: alias `guide/old` of content/guide/second.md:2",
            "content/search/x.md:1:1: error[output-collision]: the page content/search/x.md",
            "content/search: error[output-collision]: the index page handbook generates for the folder content/search",
            "content/static/style.css: error[output-collision]: the file static/style.css",
            "error[output-collision]: a page handbook generates",
        ],
        "{all}"
    );
    assert!(
        all.contains("`guide/old.html`, which the page content/guide/old.md also claims"),
        "{all}"
    );
}

/// Names no file system should hold (`:`) are findings that say why, and
/// are left out of what the build plans to write, for copied files and
/// aliases alike (pages with such names are refused when the folder is read).
#[test]
fn unwritable_names_are_left_out_of_the_plan() {
    let d = fixture("basic");
    let r = d.path();
    write(r, "content/guide/c:d.png", "png");
    set_front(r, "content/guide/intro.md", "aliases = [\"x:y\"]");
    let site = load_site(r);
    assert!(site.skips.pages.is_empty());
    assert_eq!(site.skips.aliases, ["x:y.html".to_string()].into());
    assert_eq!(site.skips.assets, ["guide/c:d.png".to_string()].into());
    let found: Vec<String> = site
        .diagnostics
        .0
        .iter()
        .filter(|x| x.severity == handbook::diag::Severity::Error)
        .map(|x| x.to_string())
        .collect();
    assert_eq!(
        found,
        [
            "content/guide/c:d.png: error[output]: refusing to write `guide/c:d.png`: `:` and `\\` are not allowed in file names (Windows and many servers cannot hold them); rename the file",
            "content/guide/intro.md:2:1: error[alias-collision]: alias `x:y`: refusing to write `x:y.html`: `:` and `\\` are not allowed in file names (Windows and many servers cannot hold them); give a path inside the site, e.g. `old/page`",
        ],
    );
}
