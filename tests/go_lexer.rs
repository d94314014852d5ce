//! Go examples the lexer rejects: `build` reports each at its Markdown
//! file:line:col and fails; nothing hangs or panics, whatever the bytes.

mod common;

use common::*;

#[test]
fn build_reports_lexical_problems_at_their_place() {
    let d = fixture("basic");
    // A 1.5 MB line (a page may hold 2 MiB; the lexer alone is tested on 10 MB).
    let long = "a".repeat(1_500_000);
    let page = format!(
        "+++\ntitle = \"Bad Go\"\n+++\n\n# Bad Go\n\n\
         ```go\nx := `stray\n```\n\n\
         ```go\nfunc f() {{\n\t/* open\n}}\n```\n\n\
         ```go\ns := \"a\u{0}b\" + \u{0}\n```\n\n\
         ```go\nif x {{\n\tf(a]\n}}\n```\n\n\
         ```go\ns := \"{long}\n```\n"
    );
    std::fs::write(d.path().join("content/guide/badgo.md"), page).unwrap();
    let started = std::time::Instant::now();
    let out = build(d.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    for (place, what) in [
        ("badgo.md:8:6", "raw string literal not terminated"),
        ("badgo.md:13:2", "comment not terminated"),
        ("badgo.md:18:8", "invalid character"),
        (
            "badgo.md:23:5",
            "unexpected `]`: the `(` before it is not closed yet (it was opened at line 23)",
        ),
        ("badgo.md:28:6", "string literal not terminated"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(place))
            .unwrap_or_else(|| panic!("no finding at {place}:\n{}", &err[..err.len().min(3000)]));
        assert!(
            line.contains("error[go-syntax]") && line.contains(what),
            "{line}"
        );
    }
}

#[test]
fn invalid_utf8_in_a_go_block_is_a_finding_not_a_crash() {
    let d = fixture("basic");
    let mut page = b"# Bytes\n\n```go\nx := \"".to_vec();
    page.extend_from_slice(&[0xff, 0xfe, 0x80]);
    page.extend_from_slice(b"\"\n```\n");
    std::fs::write(d.path().join("content/guide/bytes.md"), page).unwrap();
    let out = build(d.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bytes.md"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
