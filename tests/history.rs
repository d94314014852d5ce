//! History from git, on repositories made in the test: commits with fixed
//! dates and authors, a rule changed and a rule retired, a runbook reviewed,
//! a renamed track module, an uncommitted edit, a shallow clone and a site
//! outside git.

mod common;

use common::*;
use git2::{Repository, Signature, Time};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;
/// 2026-01-05 (a Monday), 00:00 UTC.
const JAN5: i64 = 1_767_571_200;

/// Stage everything under `root` and commit it as `who` at `time`.
fn commit(repo: &Repository, who: &str, time: i64, message: &str) {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"].iter(), None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new(
        who,
        &format!("{}@example.com", who.to_lowercase()),
        &Time::new(time, 0),
    )
    .unwrap();
    let parents: Vec<git2::Commit<'_>> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap();
}

const ERRORS_V1: &str = "+++\ntitle = \"Errors\"\n+++\n\n## Wrap errors with %w {#GO-ERR-001 .must}\n\nWrap with %v so callers see the cause.\n\n## Compare with errors.Is {#GO-ERR-002 .must}\n\nUse errors.Is.\n";
const ERRORS_V2: &str = "+++\ntitle = \"Errors\"\n+++\n\n## Wrap errors with %w {#GO-ERR-001 .must}\n\nWrap with %w so callers see the cause.\n\n## Compare with errors.Is {#GO-ERR-002 .must}\n\nUse errors.Is.\n";
const ERRORS_V3: &str = "+++\ntitle = \"Errors\"\nretired = [{ id = \"GO-ERR-002\", replaced-by = \"GO-ERR-001\" }]\n+++\n\n## Wrap errors with %w {#GO-ERR-001 .must}\n\nWrap with %w so callers see the cause.\n";

fn runbook(reviewed: &str) -> String {
    format!(
        "+++\ntitle = \"High latency\"\nowner = \"team-a\"\nseverity = \"SEV2\"\nlast-reviewed = {reviewed}\nreview-every = \"3650d\"\n+++\n\n## Symptoms\n\nSlow.\n"
    )
}

/// A site whose history has three commits by three people.
fn site_with_history() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(
        root,
        "book.toml",
        "[book]\ntitle = \"T\"\n\n[site]\nrepo-url = \"https://git.example.com/team/handbook\"\nsite-url = \"https://docs.example.com/handbook/\"\n",
    );
    write(
        root,
        "content/standards/_index.md",
        "+++\ntitle = \"Standards\"\nkind = \"standard\"\n+++\n",
    );
    write(root, "content/standards/errors.md", ERRORS_V1);
    write(
        root,
        "content/runbooks/_index.md",
        "+++\ntitle = \"Runbooks\"\nkind = \"runbook\"\n+++\n",
    );
    write(root, "content/runbooks/latency.md", &runbook("2026-01-02"));
    write(
        root,
        "content/tracks/_index.md",
        "+++\ntitle = \"Tracks\"\n+++\n",
    );
    write(
        root,
        "content/tracks/go/_index.md",
        "+++\ntitle = \"Go basics\"\nkind = \"track\"\n+++\n",
    );
    write(
        root,
        "content/tracks/go/first.md",
        "+++\ntitle = \"First\"\n+++\n\nHello.\n",
    );
    write(root, ".gitignore", "public/\n.handbook-cache/\n");
    let repo = Repository::init(root).unwrap();
    commit(&repo, "Alice", JAN5 + 3600, "Add the handbook");
    write(root, "content/standards/errors.md", ERRORS_V2);
    write(root, "content/runbooks/latency.md", &runbook("2026-02-09"));
    commit(
        &repo,
        "Bob",
        JAN5 + 36 * DAY,
        "Wrap with %w <script>alert(1)</script>",
    );
    write(root, "content/standards/errors.md", ERRORS_V3);
    std::fs::rename(
        root.join("content/tracks/go/first.md"),
        root.join("content/tracks/go/intro.md"),
    )
    .unwrap();
    commit(
        &repo,
        "Carol",
        JAN5 + 57 * DAY,
        "Retire GO-ERR-002; rename the first module",
    );
    d
}

#[test]
fn pages_rules_and_the_changes_page_come_from_the_history() {
    let d = site_with_history();
    let root = d.path();
    let out = build(root);
    assert!(out.status.success(), "{}", stderr(&out));

    // Last updated: date, author, link to the commit.
    let errors = read(root, "public/standards/errors.html");
    assert!(
        errors.contains("Last updated <time datetime=\"2026-03-03\">2026-03-03</time> by Carol"),
        "{errors}"
    );
    assert!(errors.contains("href=\"https://git.example.com/team/handbook/commit/"));
    let latency = read(root, "public/runbooks/latency.html");
    assert!(latency.contains("2026-02-10</time> by Bob"), "{latency}");
    // A renamed file's last change is its rename.
    assert!(read(root, "public/tracks/go/intro.html").contains("2026-03-03</time> by Carol"));

    // The rule's dates, under its heading and in the index.
    assert!(errors.contains("<p class=\"rule-dates\">Added <time datetime=\"2026-01-05\">2026-01-05</time> · text changed <time datetime=\"2026-02-10\">2026-02-10</time></p>"), "{errors}");
    let rules = read(root, "public/rules.html");
    assert!(
        rules.contains(
            "<td class=\"rule-date\">2026-01-05</td><td class=\"rule-date\">2026-02-10</td>"
        ),
        "{rules}"
    );
    // The retired rule: when, and what replaces it.
    let retired = rules
        .split("Retired rules")
        .nth(1)
        .expect("retired rules section");
    assert!(
        retired.contains("GO-ERR-002") && retired.contains("2026-03-03"),
        "{retired}"
    );
    assert!(retired.contains("GO-ERR-001</a>"), "{retired}");

    // The changes page: newest week first, each change with its commit.
    let changes = read(root, "public/changes.html");
    let weeks: Vec<&str> = changes
        .match_indices("Week of ")
        .map(|(i, _)| &changes[i..i + 18])
        .collect();
    assert_eq!(
        weeks,
        [
            "Week of 2026-03-02",
            "Week of 2026-02-09",
            "Week of 2026-01-05"
        ]
    );
    for expected in [
        "Rule retired</span> GO-ERR-002",
        "Rule changed</span>",
        "Runbook reviewed</span>",
        "(last reviewed 2026-01-02 → 2026-02-09)",
        "Rule added</span>",
        "Runbook added</span>",
        "Track changed</span>",
        "<del>%v</del><ins>%w</ins>",
    ] {
        assert!(changes.contains(expected), "missing {expected:?}");
    }
    // Commit messages are escaped, never markup.
    assert!(!changes.contains("<script>alert"));
    assert!(changes.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The rename is not a removal or an addition of anything.
    assert!(!changes.contains("Runbook removed"));

    // The Atom feed: one entry per commit, newest first, absolute links.
    let feed = read(root, "public/changes.xml");
    assert!(feed.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    ));
    assert_eq!(feed.matches("<entry>").count(), 3);
    assert!(
        feed.contains("<updated>2026-03-03T00:00:00Z</updated>"),
        "{feed}"
    );
    assert!(feed.contains("href=\"https://docs.example.com/handbook/changes.html#c-"));
    assert!(!feed.contains("<script>"));
    for tag in ["title", "id", "updated", "author", "content"] {
        assert_eq!(
            feed.matches(&format!("<{tag}")).count(),
            feed.matches(&format!("</{tag}>")).count(),
            "<{tag}> balanced"
        );
    }
    let first_entry = feed.split("<entry>").nth(1).unwrap();
    assert!(first_entry.contains("<name>Carol</name>"), "{first_entry}");

    // Same commit, same output: from the cache and from a cold read.
    let again = build(root);
    assert!(again.status.success());
    assert_eq!(read(root, "public/changes.xml"), feed);
    assert_eq!(read(root, "public/changes.html"), changes);
    std::fs::remove_dir_all(root.join(".handbook-cache")).unwrap();
    assert!(build(root).status.success());
    assert_eq!(read(root, "public/changes.xml"), feed);
    assert_eq!(read(root, "public/standards/errors.html"), errors);
}

#[test]
fn uncommitted_edits_and_front_matter_dates() {
    let d = site_with_history();
    let root = d.path();
    write(
        root,
        "content/tracks/go/intro.md",
        "+++\ntitle = \"First\"\n+++\n\nEdited, not committed.\n",
    );
    write(
        root,
        "content/tracks/go/new.md",
        "+++\ntitle = \"New\"\n+++\n\nNot in git yet.\n",
    );
    let latency = runbook("2026-02-09").replace("+++\n\n", "updated = 2026-04-01\n+++\n\n");
    write(root, "content/runbooks/latency.md", &latency);
    let out = build(root);
    assert!(out.status.success(), "{}", stderr(&out));
    for page in ["public/tracks/go/intro.html", "public/tracks/go/new.html"] {
        let html = read(root, page);
        assert!(html.contains("(uncommitted changes)"), "{page}");
        assert!(!html.contains(" by Carol"), "{page}");
    }
    // Front matter `updated` wins over git.
    let html = read(root, "public/runbooks/latency.html");
    assert!(html.contains("Updated 2026-04-01"), "{html}");
    assert!(!html.contains("Last updated"));
}

#[test]
fn a_shallow_clone_says_so_once_and_builds_without_dates() {
    let d = site_with_history();
    let clone = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", d.path().display()))
        .arg(clone.path().join("site"))
        .status();
    let Ok(status) = status else {
        // Cloning needs the git program; CI has it (it cloned this repository).
        assert!(
            std::env::var_os("CI").is_none(),
            "git is needed for this test in CI"
        );
        return;
    };
    assert!(status.success());
    let root = clone.path().join("site");
    let out = build(&root);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.matches("shallow clone").count(), 1, "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
    assert!(!root.join("public/changes.html").exists());
    assert!(!read(&root, "public/standards/errors.html").contains("Last updated"));
}

#[test]
fn a_site_outside_git_builds_as_before() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "book.toml", "[book]\ntitle = \"T\"\n");
    write(d.path(), "content/a.md", "# A\n\nText.\n");
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("history"));
    assert!(!d.path().join("public/changes.html").exists());
    let html = read(d.path(), "public/a.html");
    assert!(!html.contains("Last updated") && !html.contains("changes.html"));
}

#[test]
fn history_can_be_turned_off() {
    let d = site_with_history();
    let toml = read(d.path(), "book.toml") + "\n[history]\nenabled = false\n";
    write(d.path(), "book.toml", &toml);
    assert!(build(d.path()).status.success());
    assert!(!d.path().join("public/changes.html").exists());
}

fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    body
}

#[test]
fn serve_refreshes_dates_when_a_commit_lands() {
    let d = site_with_history();
    let root = d.path().canonicalize().unwrap();
    let h = handbook::serve::start(handbook::serve::ServeOptions {
        root: root.clone(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        drafts: false,
    })
    .unwrap();
    assert!(get(h.addr, "/standards/errors.html").contains("2026-03-03</time> by Carol"));
    // An edit shows as uncommitted; committing it shows the commit.
    write(
        &root,
        "content/standards/errors.md",
        &ERRORS_V3.replace("cause.", "cause, always."),
    );
    let served_when = |ready: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        loop {
            let page = get(h.addr, "/standards/errors.html");
            if ready(&page) {
                return page;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the edit was not picked up"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let served = |text: &str| served_when(&|page: &str| page.contains(text));
    // The first version with the edit says so (`serve`'s quick path must not
    // serve the new text with the old commit's date).
    let page = served("cause, always.");
    assert!(page.contains("(uncommitted changes)"), "{page}");
    // A second edit of the uncommitted file takes the quick path.
    let quick = h.quick_updates();
    write(
        &root,
        "content/standards/errors.md",
        &ERRORS_V3.replace("cause.", "cause, every time."),
    );
    let page = served("cause, every time.");
    assert!(page.contains("(uncommitted changes)"), "{page}");
    assert_eq!(h.quick_updates(), quick + 1);
    // Undoing every change shows the commit again, at once.
    write(&root, "content/standards/errors.md", ERRORS_V3);
    let page = served_when(&|page: &str| !page.contains("every time"));
    assert!(page.contains("2026-03-03</time> by Carol"), "{page}");
    write(
        &root,
        "content/standards/errors.md",
        &ERRORS_V3.replace("cause.", "cause, always."),
    );
    served("(uncommitted changes)");
    let repo = Repository::open(&root).unwrap();
    commit(&repo, "Dave", JAN5 + 80 * DAY, "Tighten GO-ERR-001");
    let start = Instant::now();
    loop {
        let page = get(h.addr, "/standards/errors.html");
        if page.contains("2026-03-26</time> by Dave") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the commit did not refresh the page"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(get(h.addr, "/changes.html").contains("Tighten GO-ERR-001"));
    h.stop();
}

/// Copied files step aside nothing but the generated file at their own
/// path: an author's `changes.xml` (the feed's path) is kept, the changes page is still made.
#[test]
fn an_authors_file_replaces_only_the_generated_file_at_its_path() {
    let d = site_with_history();
    write(d.path(), "content/standards/diagram.svg", "<svg/>");
    write(d.path(), "content/changes.xml", "<rss>our own</rss>");
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(d.path(), "public/changes.xml"), "<rss>our own</rss>");
    let changes = read(d.path(), "public/changes.html");
    assert!(changes.contains("Week of "), "{changes}");
}

#[test]
fn an_authors_changes_page_wins_over_the_generated_one() {
    let d = site_with_history();
    write(
        d.path(),
        "content/changes.md",
        "# Changelog\n\nOur own release notes.\n",
    );
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(d.path(), "public/changes.html");
    assert!(html.contains("Our own release notes."), "{html}");
    assert!(!html.contains("Week of "));
}

#[test]
fn a_page_was_last_updated_when_a_file_it_includes_was() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "book.toml", "[book]\ntitle = \"T\"\n");
    write(root, ".gitignore", "public/\n.handbook-cache/\n");
    // One page includes a file outside the content folder and one inside
    // it; another includes only the outside one; a third includes nothing.
    write(
        root,
        "content/guide/usage.md",
        "+++\ntitle = \"Usage\"\n+++\n\n```go\n{{#include ../../examples/hello.go}}\n```\n\n{{#include part.txt}}\n",
    );
    write(
        root,
        "content/guide/example.md",
        "+++\ntitle = \"Example\"\n+++\n\n```go\n{{#include ../../examples/hello.go}}\n```\n",
    );
    write(
        root,
        "content/guide/plain.md",
        "+++\ntitle = \"Plain\"\n+++\n\nText.\n",
    );
    write(root, "content/guide/part.txt", "First part.\n");
    write(root, "examples/hello.go", "package main\n\n// v1\n");
    let repo = Repository::init(root).unwrap();
    commit(&repo, "Alice", JAN5, "Add the guide");
    write(root, "examples/hello.go", "package main\n\n// v2\n");
    commit(&repo, "Bob", JAN5 + 10 * DAY, "Change the example");
    write(root, "content/guide/part.txt", "Second part.\n");
    commit(&repo, "Carol", JAN5 + 20 * DAY, "Change the part");

    let out = build(root);
    assert!(out.status.success(), "{}", stderr(&out));
    let by = |page: &str, who: &str, date: &str| {
        let html = read(root, &format!("public/guide/{page}.html"));
        assert!(
            html.contains(&format!(
                "Last updated <time datetime=\"{date}\">{date}</time> by {who}"
            )),
            "{page} should be last updated by {who} on {date}"
        );
    };
    by("usage", "Carol", "2026-01-25");
    by("example", "Bob", "2026-01-15");
    by("plain", "Alice", "2026-01-05");
    // The same from the history cache.
    let out = build(root);
    assert!(out.status.success(), "{}", stderr(&out));
    by("example", "Bob", "2026-01-15");

    // An uncommitted edit to the outside file marks the pages that include it.
    write(
        root,
        "examples/hello.go",
        "package main\n\n// v3, not committed\n",
    );
    let out = build(root);
    assert!(out.status.success(), "{}", stderr(&out));
    for page in ["usage", "example"] {
        let html = read(root, &format!("public/guide/{page}.html"));
        assert!(html.contains("(uncommitted changes)"), "{page}");
    }
    by("plain", "Alice", "2026-01-05");
}

/// Commit authors and messages may hold any character, and commit dates need
/// not follow history order (a rebase, a skewed clock): the feed is still
/// well-formed XML and says when its newest entry was made.
#[test]
fn the_feed_is_well_formed_whatever_commits_hold() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "book.toml", "[book]\ntitle = \"T\"\n");
    write(
        root,
        "content/standards/_index.md",
        "+++\ntitle = \"Standards\"\nkind = \"standard\"\n+++\n",
    );
    write(root, "content/standards/errors.md", ERRORS_V1);
    write(root, ".gitignore", "public/\n.handbook-cache/\n");
    let repo = Repository::init(root).unwrap();
    commit(&repo, "Alice", JAN5 + 10 * DAY, "First");
    write(root, "content/standards/errors.md", ERRORS_V2);
    commit(&repo, "B\u{1}ob\u{7}", JAN5, "Fix \u{1b}[31mred\u{0c} text");
    let out = build(root);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = read(root, "public/changes.xml");
    assert!(
        !feed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
        "{feed:?}"
    );
    assert!(feed.contains("<name>Bob</name>"), "{feed}");
    assert!(feed.contains("Fix [31mred text"), "{feed}");
    // The feed's date is the newest commit's (Alice's), not the last one's.
    let head = feed.split("<entry>").next().unwrap();
    assert!(
        head.contains("<updated>2026-01-15T00:00:00Z</updated>"),
        "{head}"
    );
}
