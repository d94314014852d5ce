//! `handbook init` and `handbook new`: generated pages build and check clean.

mod common;

use common::*;

#[test]
fn init_then_new_pages_build_with_placeholders() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    assert!(
        handbook(root, &["init", ".", "--title", "Payments Handbook"])
            .status
            .success()
    );
    assert!(
        !handbook(root, &["init", "."]).status.success(),
        "init refuses to overwrite"
    );
    write(
        root,
        "content/runbooks/_index.md",
        "+++\ntitle = \"Runbooks\"\nkind = \"runbook\"\n+++\n",
    );
    write(
        root,
        "content/standards/_index.md",
        "+++\ntitle = \"Standards\"\nkind = \"standard\"\n+++\n",
    );
    for args in [
        vec!["new", "runbook", "Ledger lag"],
        vec!["new", "standard", "Error handling"],
        vec!["new", "track", "Payments basics"],
        vec!["new", "module", "Money types", "--track", "payments-basics"],
        vec!["new", "page", "Glossary"],
    ] {
        let out = handbook(root, &args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let rb = read(root, "content/runbooks/ledger-lag.md");
    assert!(
        rb.contains("owner = \"team-FIXME\"") && rb.contains("last-reviewed = 2026-03-01"),
        "{rb}"
    );
    assert!(read(root, "content/standards/error-handling.md").contains("{#GO-ERRO-001 .should}"));
    assert!(read(root, "content/tracks/payments-basics/money-types.md").contains("weight = 1"));
    let out = handbook(root, &["new", "runbook", "Ledger lag"]);
    assert_eq!(out.status.code(), Some(2), "refuses to overwrite");
    let out = build(root);
    assert!(out.status.success(), "{}", stderr(&out));
    let p = root.join("public");
    assert!(read(&p, "runbooks/ledger-lag.html").contains("team-FIXME"));
    assert!(read(&p, "tracks/payments-basics/money-types.html").contains("Module 1 of 1"));
    assert!(read(&p, "rules.html").contains("GO-ERRO-001"));
}

#[test]
fn new_stays_in_the_content_folder_and_writes_valid_toml() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    assert!(
        handbook(&root, &["init", ".", "--title", "Team \"A\"\nsecond line"])
            .status
            .success()
    );
    for section in ["../../escape", "/tmp/abs", "ok/../../x"] {
        let out = handbook(&root, &["new", "page", "Leak", "--section", section]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{section}: {err}");
        assert!(err.contains("inside the content folder"), "{err}");
    }
    assert!(!d.path().join("escape").exists());
    // A section folder that is a link to elsewhere, and a page name that
    // is a dangling link to elsewhere: nothing is written outside.
    let outside = d.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("content/linkout")).unwrap();
    let out = handbook(&root, &["new", "page", "Leak", "--section", "linkout"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("outside"), "{err}");
    std::os::unix::fs::symlink(outside.join("planted.md"), root.join("content/dangling.md"))
        .unwrap();
    let out = handbook(&root, &["new", "page", "Dangling"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written outside"
    );
    let out = handbook(
        &root,
        &[
            "new",
            "page",
            "Quote \" and\nnewline \\ here",
            "--section",
            "notes",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Both files parse, and the title survives exactly.
    let out = build(&root);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(&root.join("public"), "notes/quote-and-newline-here.html");
    assert!(
        page.contains("<h1>Quote &quot; and\nnewline \\ here</h1>"),
        "{page}"
    );
}
