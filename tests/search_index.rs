//! The search index files produced for a fixture site.

mod common;

use common::*;

/// An index file's data: `search/NAME.js` is `handbookSearchLoaded("NAME",DATA);`.
fn index_file(dir: &std::path::Path, name: &str) -> serde_json::Value {
    let text = read(dir, &format!("{name}.js"));
    let head = format!("handbookSearchLoaded({name:?},");
    let data = text
        .strip_prefix(&head)
        .and_then(|t| t.trim_end().strip_suffix(");"))
        .unwrap_or_else(|| panic!("{name}.js is not a loader call: {text:.80}"));
    serde_json::from_str(data).unwrap()
}

/// Postings as (document, score), decoded from the base-64 string format
/// described in src/search/mod.rs.
fn postings(v: &serde_json::Value) -> Vec<(usize, usize)> {
    const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let value = |c: char| DIGITS.find(c).expect("base-64 digit");
    let (mut out, mut doc, mut n) = (Vec::new(), 0, 0);
    let mut chars = v.as_str().expect("postings are a string").chars();
    while let Some(c) = chars.next() {
        let v = value(c);
        n = n * 32 + (v & 31);
        if v & 32 == 0 {
            doc += n;
            n = 0;
            out.push((doc, value(chars.next().expect("a score"))));
        }
    }
    out
}

/// The shard prefixes listed in `meta.js`.
fn shard_prefixes(meta: &serde_json::Value) -> Vec<String> {
    meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The shard holding `term`: the longest prefix of it among `shards`.
fn home_shard<'a>(shards: &'a [String], term: &str) -> &'a str {
    shards
        .iter()
        .filter(|s| term.starts_with(s.as_str()))
        .max_by_key(|s| s.len())
        .expect("a shard for every term")
}

/// A small site of `pages` (paths under `content/`, Markdown), built.
fn built_site(pages: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "book.toml", "[book]\ntitle = \"Small\"\n");
    for (path, text) in pages {
        write(d.path(), &format!("content/{path}"), text);
    }
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    d
}

/// An index file name's hex part, as the index spells terms and prefixes.
fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn index_files_hold_docs_terms_and_exact_keys() {
    let d = fixture("basic");
    assert!(build(d.path()).status.success());
    let p = d.path().join("public/search");
    let meta = index_file(&p, "meta");
    let docs = meta["docs"].as_u64().unwrap() as usize;
    assert!(docs >= 10, "documents are split at headings: {docs}");
    let shards = meta["shards"].as_array().unwrap();
    assert!(!shards.is_empty());
    // Small site: one shard holding every term, written once, as a script.
    let shard = index_file(&p, "s-");
    assert!(!p.join("s-.json").exists(), "no second copy of the index");
    let rule = postings(&shard["go-err-002"]);
    assert_eq!(rule.len(), 1, "{rule:?}");
    assert_eq!(rule[0].1, 63, "rule ids are exact keys: {rule:?}");
    let alert = postings(&shard["freshalert"]);
    assert_eq!(alert[0].1, 63, "alert names are exact keys");
    assert!(shard.get("context.withtimeout").is_none());
    assert!(shard.get("comparable").is_some(), "code is indexed");
    // Every posting names a document that exists, in ascending order, with a
    // score; only exact keys have 63.
    let obj = shard.as_object().unwrap();
    for (term, v) in obj {
        let list = postings(v);
        assert!(!list.is_empty(), "{term}");
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "{term}: {list:?}");
        assert!(
            list.iter().all(|&(d, s)| d < docs && (1..=63).contains(&s)),
            "{term}: {list:?}"
        );
    }
    // Documents point at page#heading with a breadcrumb; page fields are
    // stored once per chunk.
    let chunk = index_file(&p, "d-0");
    let pages = chunk["p"].as_array().unwrap();
    let rows = chunk["d"].as_array().unwrap();
    let chunk_len = meta["chunk"].as_u64().unwrap() as usize;
    assert_eq!(rows.len(), docs.min(chunk_len));
    // Kinds by runs of documents, so the browser filters before loading chunks.
    let runs = meta["runs"].as_array().unwrap();
    assert_eq!(runs[0][0], 0);
    assert!(
        runs.windows(2)
            .all(|w| w[0][0].as_u64() < w[1][0].as_u64() && w[0][1] != w[1][1])
    );
    let kind_of = |d: usize| {
        runs.iter()
            .rev()
            .find(|r| r[0].as_u64().unwrap() as usize <= d)
            .map(|r| r[1].clone())
            .unwrap()
    };
    let log_once = rows
        .iter()
        .find(|r| r[2] == "Log once")
        .expect("doc for heading");
    assert_eq!(log_once[1], "GO-ERR-002");
    let page = &pages[log_once[0].as_u64().unwrap() as usize];
    assert_eq!(page[0], "std/errors.html");
    assert_eq!(page[1], "Errors");
    assert_eq!(page[2], "Standards › Errors");
    assert_eq!(page[3], "standard");
    let log_once_doc = rows.iter().position(|r| r[2] == "Log once").unwrap();
    assert_eq!(kind_of(log_once_doc), "standard");
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(
            kind_of(i),
            pages[r[0].as_u64().unwrap() as usize][3],
            "doc {i}"
        );
    }
    let (doc, _) = rule[0];
    assert_eq!(
        rows[doc][1], "GO-ERR-002",
        "the exact key names its section"
    );
    // An alert names its runbook as a whole: the page's first document.
    assert_eq!(alert.len(), 1, "{alert:?}");
    let alert_doc = &rows[alert[0].0];
    assert_eq!(alert_doc[1], "", "{alert_doc}");
    let runbook = &pages[alert_doc[0].as_u64().unwrap() as usize];
    assert_eq!(runbook[0], "runbooks/fresh.html");
    assert_eq!(
        pages.len(),
        rows.iter()
            .map(|r| r[0].as_u64())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        "one entry per page in the chunk"
    );
}

/// A site large enough that terms under "go" are split into many shards:
/// every page says "goroutine", every third "gofer", and each 50 of 676
/// rarer "go??" words.
fn prefix_heavy_site() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "book.toml", "[book]\ntitle = \"Prefixes\"\n");
    let letters: Vec<char> = ('a'..='z').collect();
    for i in 0..300 {
        let mut body = format!("# Page {i}\n\nEvery goroutine here.\n\n");
        if i % 3 == 0 {
            body.push_str("A gofer too.\n\n");
        }
        for k in 0..50 {
            let n = i * 50 + k;
            let (a, b) = (letters[n % 26], letters[(n / 26) % 26]);
            body.push_str(&format!("go{a}{b}x "));
        }
        write(d.path(), &format!("content/p{i}.md"), &body);
    }
    d
}

#[test]
fn a_split_prefix_lists_its_most_frequent_completions() {
    let d = prefix_heavy_site();
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let p = d.path().join("public/search");
    let meta = index_file(&p, "meta");
    let shards = shard_prefixes(&meta);
    let under_go = shards
        .iter()
        .filter(|s| s.starts_with("go") && s.len() > 2)
        .count();
    assert!(under_go >= 20, "terms under go are split: {shards:?}");
    let shard_file = |prefix: &str| index_file(&p, &format!("s-{}", hex(prefix)));
    // The split prefixes have a shard of their own listing the four most
    // frequent terms under them, most frequent first.
    for prefix in ["g", "go"] {
        assert!(shards.iter().any(|s| s == prefix), "{prefix} in {shards:?}");
        let completions = shard_file(prefix)[""].clone();
        let list: Vec<&str> = completions
            .as_array()
            .unwrap_or_else(|| panic!("{prefix}: no completions"))
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(list.len(), 4, "{list:?}");
        assert_eq!(&list[..2], ["goroutine", "gofer"], "{prefix}");
    }
    // Each completion is found in the shard of its longest prefix, with its
    // documents: every page for "goroutine".
    let home = home_shard(&shards, "goroutine");
    assert_eq!(home, "gor");
    assert_eq!(postings(&shard_file(home)["goroutine"]).len(), 300);
    // A shard that was not split has no completions.
    assert!(shard_file("gor").get("").is_none());
}

/// A site where "goroutine" is in 4,400 sections, each with it in the
/// heading, and once in the long symptoms of one runbook.
fn common_word_site() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "book.toml", "[book]\ntitle = \"Common\"\n");
    for i in 0..1100 {
        let mut body = format!("# Page {i}\n\n");
        for part in ["a", "b", "c", "d"] {
            body.push_str(&format!(
                "## Goroutine {i}{part}\n\nEvery goroutine counts.\n\n"
            ));
        }
        write(d.path(), &format!("content/std/p{i}.md"), &body);
    }
    write(
        d.path(),
        "content/runbooks/_index.md",
        "+++\ntitle = \"Runbooks\"\nkind = \"runbook\"\n+++\n",
    );
    let filler = "queue latency budget retries backlog ".repeat(60);
    write(
        d.path(),
        "content/runbooks/slow.md",
        &format!(
            "+++\ntitle = \"Slow consumer\"\nowner = \"team-a\"\nseverity = \"SEV2\"\nlast-reviewed = 2026-11-01\n+++\n## Symptoms\n\n{filler} one goroutine stuck.\n"
        ),
    );
    d
}

#[test]
fn a_common_word_keeps_its_best_postings_in_its_shard_and_the_rest_apart() {
    let d = common_word_site();
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let p = d.path().join("public/search");
    let meta = index_file(&p, "meta");
    let shards = shard_prefixes(&meta);
    let home = home_shard(&shards, "goroutine");
    let entry = index_file(&p, &format!("s-{}", hex(home)))["goroutine"].clone();
    let entry = entry.as_array().expect("[head, documents in all]");
    let df = entry[1].as_u64().unwrap() as usize;
    assert_eq!(df, 4401, "every section and the runbook's");
    let head = postings(&entry[0]);
    let tail = postings(&index_file(&p, &format!("t-{}", hex("goroutine"))));
    assert_eq!(head.len(), 4096);
    assert_eq!(head.len() + tail.len(), df);
    let mut all: Vec<usize> = head.iter().chain(&tail).map(|x| x.0).collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), df, "head and tail are disjoint");
    let worst_head = head.iter().map(|x| x.1).min().unwrap();
    let best_tail = tail.iter().map(|x| x.1).max().unwrap();
    assert!(worst_head >= best_tail, "{worst_head} < {best_tail}");
    // The runbook's weak mention is in the tail; its kind says runbook.
    let runs = meta["runs"].as_array().unwrap();
    let runbook_docs: Vec<usize> = tail
        .iter()
        .map(|x| x.0)
        .filter(|&d| {
            runs.iter()
                .rev()
                .find(|r| r[0].as_u64().unwrap() as usize <= d)
                .is_some_and(|r| r[1] == "runbook")
        })
        .collect();
    assert_eq!(runbook_docs.len(), 1, "{runbook_docs:?}");
    // Rare words are unaffected: their postings are a plain string.
    let counts = index_file(
        &p,
        &format!(
            "s-{}",
            hex(meta["shards"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .filter(|s| "counts".starts_with(*s))
                .max_by_key(|s| s.len())
                .unwrap())
        ),
    );
    assert!(counts["stuck"].is_string() || counts.get("stuck").is_none());
}

/// `build` takes each page's text out of the model and frees it as it
/// indexes; `serve` and `check` index the text in place. Both must make the
/// same files, byte for byte, across many chunks of pages.
#[test]
fn build_and_serve_make_the_same_index() {
    let d = common_word_site();
    write(
        d.path(),
        "content/std/code.md",
        "# Code\n\n## Leak\n\n```go\nfunc leak() { go forever() }\n```\n\nSee GO-ERR-001.\n",
    );
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let site = load_site(d.path());
    let files = handbook::search::build_index(&site);
    let public = d.path().join("public");
    let built = std::fs::read_dir(public.join("search")).unwrap().count();
    assert_eq!(files.len(), built);
    assert!(built > 10, "{built} index files");
    for f in &files {
        let on_disk = std::fs::read(public.join(&f.path)).unwrap();
        assert!(*f.bytes == on_disk, "{} differs", f.path);
    }
    // Documents chunks are numbered from 0, each full but the last.
    let dir = public.join("search");
    let docs = index_file(&dir, "meta")["docs"].as_u64().unwrap() as usize;
    let chunks = docs.div_ceil(64);
    assert!(chunks > 64, "{docs} documents");
    for i in 0..chunks {
        let rows = index_file(&dir, &format!("d-{i}"))["d"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(rows, 64.min(docs - 64 * i), "d-{i}");
    }
    assert!(!dir.join(format!("d-{chunks}.js")).exists());
}

/// BM25 as src/search/mod.rs states it (k1 1.2, b 0.75; title 10, heading
/// 5, description and prose 2, code 1, times the token's weight 2 for a
/// whole word; only the body normalised by length; a term counted once per
/// sentence or code line), quantised to 1-62. Written apart from the
/// indexer so a change to either shows.
fn bm25(fields: f64, body: f64, len: f64, avg: f64) -> usize {
    let body = body / (1.0 - 0.75 + 0.75 * len / avg);
    let t = (fields + body) / 4.0;
    ((t * 2.2 / (t + 1.2) * 28.0).round() as usize).clamp(1, 62)
}

/// Every posting's score, from each document's field and body counts, and
/// each document's place in its headings.
#[test]
fn scores_weigh_fields_sentences_code_and_length() {
    let d = built_site(&[
        (
            "a.md",
            "+++\ntitle = \"Zork\"\ndescription = \"frob\"\n+++\nquux quux. quux blat.\n\n## Grok\n\nblat.\n\n```go\nfrob()\n```\n\n### Wibble\n\nplugh.\n\n## Xyzzy\n\nplugh plugh.\n",
        ),
        ("b.md", "+++\ntitle = \"Blat\"\n+++\nzork.\n"),
    ]);
    let p = d.path().join("public/search");
    let meta = index_file(&p, "meta");
    assert_eq!(meta["docs"], 5);
    assert_eq!(
        meta["kinds"],
        serde_json::json!([]),
        "plain pages offer no filter"
    );
    // Documents: b.md, then a.md's four parts; (anchor, trail) of each.
    let chunk = index_file(&p, "d-0");
    let places: Vec<(&str, &str)> = chunk["d"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d[1].as_str().unwrap(), d[3].as_str().unwrap()))
        .collect();
    assert_eq!(
        places,
        [
            ("", ""),
            ("", ""),
            ("grok", ""),
            ("wibble", "Grok"),
            ("xyzzy", "")
        ]
    );
    // Body terms counted per document (its length), and each term's
    // (document, field count, body count).
    let len = [1.0, 3.0, 2.0, 1.0, 1.0];
    let avg = len.iter().sum::<f64>() / len.len() as f64;
    type Counts<'a> = &'a [(usize, f64, f64)];
    let counts: &[(&str, Counts)] = &[
        ("blat", &[(0, 20.0, 0.0), (1, 0.0, 4.0), (2, 0.0, 4.0)]),
        ("frob", &[(1, 4.0, 0.0), (2, 0.0, 2.0)]),
        ("grok", &[(2, 10.0, 0.0)]),
        ("plugh", &[(3, 0.0, 4.0), (4, 0.0, 4.0)]),
        ("quux", &[(1, 0.0, 8.0)]),
        ("wibble", &[(3, 10.0, 0.0)]),
        ("xyzzy", &[(4, 10.0, 0.0)]),
        ("zork", &[(0, 0.0, 4.0), (1, 20.0, 0.0)]),
    ];
    let shard = index_file(&p, "s-");
    assert_eq!(shard.as_object().unwrap().len(), counts.len(), "{shard}");
    for (term, docs) in counts {
        let want: Vec<(usize, usize)> = docs
            .iter()
            .map(|&(d, f, b)| (d, bm25(f, b, len[d], avg)))
            .collect();
        assert_eq!(postings(&shard[term]), want, "{term}");
    }
}

/// A rule id is an exact key of its own section (score 63), whether or not
/// that section's text repeats it, and stays an ordinary term elsewhere.
#[test]
fn an_exact_key_marks_its_own_section_only() {
    let d = built_site(&[
        (
            "a.md",
            "# Rules\n\n## Zap things {#GO-ZAP-001}\n\nAlways GO-ZAP-001 here.\n\n## Zip things {#GO-ZIP-002}\n\nNothing else.\n",
        ),
        ("b.md", "# Other\n\nSee GO-ZAP-001 and GO-ZIP-002.\n"),
    ]);
    let p = d.path().join("public/search");
    // Documents: b.md, then a.md's intro and its two rule sections.
    let anchors: Vec<String> = index_file(&p, "d-0")["d"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[1].as_str().unwrap().to_string())
        .collect();
    assert_eq!(anchors, ["", "", "GO-ZAP-001", "GO-ZIP-002"]);
    let shard = index_file(&p, "s-");
    for (key, own) in [("go-zap-001", 2), ("go-zip-002", 3)] {
        let list = postings(&shard[key]);
        assert_eq!(list.len(), 2, "{key}: {list:?}");
        assert_eq!(list[0].0, 0, "{key}: {list:?}");
        assert!(list[0].1 < 63, "{key}: a mention is not exact: {list:?}");
        assert_eq!(list[1], (own, 63), "{key}: {list:?}");
    }
}
