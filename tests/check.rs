//! `handbook check` on fixtures with known problems: exact codes, locations,
//! exit status and every output format.

mod common;

use common::*;
use std::path::Path;

fn check(root: &Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = handbook(root, &all);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// gofmt and go vet findings need a Go toolchain; scripts/test.sh installs one
/// and sets HANDBOOK_REQUIRE_GO so these assertions cannot be skipped in CI.
fn go_available() -> bool {
    tool_available("gofmt", "-h")
}

fn tool_available(tool: &str, arg: &str) -> bool {
    let have = std::process::Command::new(tool).arg(arg).output().is_ok();
    if !have && std::env::var_os("HANDBOOK_REQUIRE_GO").is_some() {
        panic!("{tool} is not on PATH but HANDBOOK_REQUIRE_GO is set");
    }
    have
}

#[test]
fn json_findings_have_exact_codes_and_locations() {
    let d = fixture("check");
    let (code, out) = check(d.path(), &["--format", "json", "--vet"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, String, u64, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut expected = vec![
        ("broken-link", "content/_index.md", 3, 1),
        ("unknown-rule", "content/_index.md", 3, 29),
        ("empty-section", "content/empty/_index.md", 1, 1),
        ("alias-collision", "content/go/snippets.md", 3, 1),
        ("go-syntax", "content/go/snippets.md", 42, 7),
        ("runbook-field", "content/runbooks/old.md", 4, 1),
        ("stale-runbook", "content/runbooks/old.md", 5, 1),
        ("track-prerequisite", "content/tracks/t1/_index.md", 4, 1),
    ];
    if go_available() {
        expected.push(("gofmt", "content/go/snippets.md", 56, 1));
    }
    if tool_available("go", "version") {
        expected.push(("go-vet", "content/go/snippets.md", 68, 14));
    }
    let mut expected: Vec<(String, String, u64, u64)> = expected
        .into_iter()
        .map(|(c, f, l, col)| (c.to_string(), f.to_string(), l, col))
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    expected.sort();
    assert_eq!(got_sorted, expected);
    let stale = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "stale-runbook")
        .unwrap();
    assert_eq!(stale["severity"], "warning");
    assert!(!d.path().join("public").exists(), "check writes nothing");
}

#[test]
fn human_output_shows_source_and_summary() {
    let d = fixture("check");
    let (code, out) = check(d.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("content/go/snippets.md:42:7: error[go-syntax]: Go example does not parse: unexpected `)`: the `{` before it is not closed yet (it was opened at line 41)"),
        "{out}"
    );
    assert!(out.contains("  42 | \ty := )\n     | \t     ^"), "{out}");
    assert!(out.contains("in 8 pages"), "{out}");
    assert!(!out.contains("\x1b["), "no colour when not a terminal");
}

#[test]
fn github_and_gitlab_formats() {
    let d = fixture("check");
    let (code, gh) = check(d.path(), &["--format", "github"]);
    assert_eq!(code, 1, "{gh}");
    assert!(gh.contains("::error file=content/go/snippets.md,line=42,col=7,title=go-syntax::Go example does not parse"), "{gh}");
    assert!(
        gh.contains("::warning file=content/runbooks/old.md,line=5,col=1,title=stale-runbook::"),
        "{gh}"
    );
    // One annotation per finding of the JSON report, errors as errors.
    let (code, json) = check(d.path(), &["--format", "json"]);
    assert_eq!(code, 1, "the same findings, the same exit code: {json}");
    let findings: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    let warnings = findings.len() - errors;
    assert_eq!(
        gh.lines().filter(|l| l.starts_with("::error ")).count(),
        errors,
        "{gh}"
    );
    assert_eq!(
        gh.lines().filter(|l| l.starts_with("::warning ")).count(),
        warnings,
        "{gh}"
    );
    let (code, gl) = check(d.path(), &["--format", "gitlab"]);
    assert_eq!(code, 1);
    let v: Vec<serde_json::Value> = serde_json::from_str(&gl).unwrap();
    assert_eq!(v.len(), findings.len());
    let mut prints = std::collections::HashSet::new();
    for (g, f) in v.iter().zip(&findings) {
        let fp = g["fingerprint"].as_str().unwrap();
        assert_eq!(fp.len(), 32, "{g}");
        assert!(
            prints.insert(fp.to_string()),
            "fingerprints are unique: {g}"
        );
        assert_eq!(g["check_name"], f["code"], "{g}");
        assert_eq!(g["location"]["path"], f["file"], "{g}");
        assert_eq!(g["location"]["lines"]["begin"], f["line"], "{g}");
        let expected = if f["severity"] == "error" {
            "major"
        } else {
            "minor"
        };
        assert_eq!(g["severity"], expected, "{g}");
    }
}

#[test]
fn clean_site_passes_and_strict_fails_on_warnings() {
    let d = fixture("basic");
    let (code, out) = check(d.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 errors, 1 warning"), "{out}");
    let (code, _) = check(d.path(), &["--strict"]);
    assert_eq!(code, 1, "the stale runbook fails under --strict");
}

#[test]
fn config_errors_exit_2() {
    let d = fixture("basic");
    write(d.path(), "book.toml", "[book]\ntitel = \"x\"\n");
    let (code, out) = check(d.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("did you mean `title`"), "{out}");
}

#[test]
fn the_bundled_handbook_is_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    if go_available() {
        args.push("--vet");
    }
    let out = handbook(root, &args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("0 errors"), "{text}");
    assert_eq!(
        text.matches("warning[stale-runbook]").count(),
        1,
        "exactly one runbook is deliberately overdue:\n{text}"
    );
}

#[test]
fn anchors_from_headings_and_raw_html_are_found_and_others_reported() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "book.toml", "[book]\ntitle = \"Anchors\"\n");
    write(
        d.path(),
        "content/a.md",
        "# A\n\n## Setup\n\n<span id=\"custom\"></span>Text.\n\n[here](#setup) [raw](#custom) [gone](#missing)\n",
    );
    write(
        d.path(),
        "content/b.md",
        "# B\n\n[h](a.md#setup) [raw](a.md#custom) [gone](a.md#nothere)\n",
    );
    let (code, out) = check(d.path(), &["--format", "json"]);
    assert_eq!(code, 1, "a broken anchor is an error: {out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, u64, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("broken-anchor".to_string(), 7, 31),
            ("broken-anchor".to_string(), 3, 36)
        ],
        "{out}"
    );
}
