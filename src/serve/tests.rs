//! The quick path and the whole rebuild that checks it, driven by hand (no
//! watcher, no timing): what each serves and when a check gives way.

use super::*;

/// A fixture copied to a fresh folder, and a server state on it after its
/// first build.
fn built(fixture: &str) -> (tempfile::TempDir, Arc<Shared>) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let dir = tempfile::tempdir().unwrap();
    for e in walkdir::WalkDir::new(&from).into_iter().map(Result::unwrap) {
        let to = dir.path().join(e.path().strip_prefix(&from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    let (shared, _) = Shared::new(ServeOptions {
        root: dir.path().to_path_buf(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        drafts: false,
    })
    .unwrap();
    shared.rebuild();
    (dir, shared)
}

fn served(shared: &Shared, path: &str) -> String {
    let cur = shared.current.read().unwrap();
    String::from_utf8_lossy(&cur.files[path]).into_owned()
}

#[test]
fn a_quick_update_serves_what_a_whole_rebuild_would_and_a_check_gives_way() {
    let (dir, shared) = built("basic");
    let root = shared.opts.root.clone();
    let page = root.join("content/guide/intro.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replacen("## Setup", "Added on top.\n\n## Setup", 1),
    )
    .unwrap();
    let v = shared.current_version();

    // A check told to give way changes nothing served.
    assert_eq!(shared.rebuild_unless(&|| true), None);
    assert_eq!(shared.current_version(), v);
    assert!(!served(&shared, "guide/intro.html").contains("Added on top."));

    // The quick path serves the edit as a new version...
    assert_eq!(shared.update(std::slice::from_ref(&page)), Some(v + 1));
    let quick = served(&shared, "guide/intro.html");
    assert!(quick.contains("Added on top."));
    // ...and the whole rebuild finds nothing else to change.
    assert_eq!(shared.rebuild_unless(&|| false), Some(v + 1));
    assert_eq!(served(&shared, "guide/intro.html"), quick);

    // An editor's temporary file that came and went needs nothing.
    let gone = root.join("content/guide/4913");
    assert_eq!(shared.update(&[page.clone(), gone]), Some(v + 1));
    // A page with a warning (an unknown code language) takes it too, with
    // the findings a whole load gives it.
    let warned = format!("{text}\n```nosuchlang\nx\n```\n");
    std::fs::write(&page, &warned).unwrap();
    assert_eq!(shared.rebuild(), v + 2);
    assert!(shared.current.read().unwrap().error.is_none());
    // Two lines added on top: every finding moves down.
    std::fs::write(&page, warned.replacen("## Setup", "Moved.\n\n## Setup", 1)).unwrap();
    let (site, reloaded) = {
        let cur = shared.current.read().unwrap();
        let mut site = (**cur.site.as_ref().unwrap()).clone();
        let rels = ["guide/intro.md".to_string()];
        let r = site::reload::reload_pages(&mut site, &rels, &shared.hl, &shared.markdown);
        (site, r.unwrap())
    };
    let codes: Vec<&str> = reloaded.findings.iter().map(|d| d.code).collect();
    assert_eq!(codes.len(), 1, "{codes:?}");
    drop(site);
    assert_eq!(shared.update(std::slice::from_ref(&page)), Some(v + 3));
    assert_eq!(shared.rebuild_unless(&|| false), Some(v + 3));
    let whole: Vec<_> = {
        let cur = shared.current.read().unwrap();
        let site = cur.site.as_ref().unwrap();
        site.diagnostics
            .0
            .iter()
            .filter(|d| d.file.as_deref().is_some_and(|f| f.ends_with("intro.md")))
            .map(|d| (d.code, d.line, d.column, d.message.clone()))
            .collect()
    };
    let quick: Vec<_> = reloaded
        .findings
        .iter()
        .map(|d| (d.code, d.line, d.column, d.message.clone()))
        .collect();
    assert_eq!(
        quick, whole,
        "the quick path's findings are the whole load's"
    );
    // A new file, an asset, the configuration: the whole site.
    let new = root.join("content/guide/new.md");
    std::fs::write(&new, "# New\n").unwrap();
    assert_eq!(shared.update(&[new]), None);
    assert_eq!(
        shared.update(&[root.join("content/guide/diagram.svg")]),
        None
    );
    assert_eq!(shared.update(&[root.join("book.toml")]), None);
    drop(dir);
}

#[test]
fn what_other_pages_see_or_only_a_whole_load_finds_is_left_to_it() {
    let (dir, shared) = built("basic");
    let root = shared.opts.root.clone();
    let page = root.join("content/guide/second.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let update = |body: &str| {
        std::fs::write(&page, body).unwrap();
        shared.update(std::slice::from_ref(&page))
    };
    // mdBook's title directive names the page without front matter.
    std::fs::write(&page, format!("{text}\n{{{{#title Custom}}}}\n")).unwrap();
    shared.rebuild();
    let v = shared.current_version();
    assert!(served(&shared, "guide/second.html").contains("Custom"));
    assert_eq!(update(&format!("{text}\n{{{{#title Other}}}}\n")), None);
    // Go that does not parse is a finding of the whole load's validation.
    let custom = format!("{text}\n{{{{#title Custom}}}}\n");
    assert_eq!(update(&format!("{custom}\n```go\nfunc {{\n```\n")), None);
    // Go that parses is fine.
    assert_eq!(
        update(&format!("{custom}\n```go\nx := 1\n```\n")),
        Some(v + 1)
    );
    // Its links are checked against the pages they name (an anchor on
    // another page: found there, so no finding and no error).
    let linked = format!("{custom}\nSee [setup](intro.md#setup).\n");
    std::fs::write(&page, &linked).unwrap();
    let v = shared.rebuild();
    assert!(shared.current.read().unwrap().error.is_none());
    assert_eq!(update(&format!("{linked}\nMore.\n")), Some(v + 1));
    drop(dir);
}

#[test]
fn a_preprocessed_page_takes_the_quick_path_too() {
    // MkDocs: admonitions, tabs and snippets rewritten before Markdown.
    let (dir, shared) = built("mkdocs");
    let page = shared.opts.root.join("docs/guide/install.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let v = shared.current_version();
    let edited = text.replacen("# Install\n", "# Install\n\nRead this first.\n", 1);
    assert_ne!(edited, text);
    std::fs::write(&page, edited).unwrap();
    assert_eq!(shared.update(std::slice::from_ref(&page)), Some(v + 1));
    let quick = served(&shared, "guide/install.html");
    assert!(quick.contains("Read this first."));
    assert_eq!(shared.rebuild_unless(&|| false), Some(v + 1));
    assert_eq!(served(&shared, "guide/install.html"), quick);
    drop(dir);
}
