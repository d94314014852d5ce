//! The search index files produced for a fixture site.

mod common;

use common::*;

#[test]
fn index_files_hold_docs_terms_and_exact_keys() {
    let d = fixture("basic");
    assert!(build(d.path()).status.success());
    let p = d.path().join("public/search");
    let meta: serde_json::Value = serde_json::from_str(&read(&p, "meta.json")).unwrap();
    let docs = meta["docs"].as_u64().unwrap();
    assert!(docs >= 10, "documents are split at headings: {docs}");
    let shards = meta["shards"].as_array().unwrap();
    assert!(!shards.is_empty());
    // Small site: one shard holding every term; `.js` twin for file://.
    let shard: serde_json::Value = serde_json::from_str(&read(&p, "s-.json")).unwrap();
    assert!(read(&p, "s-.js").starts_with("handbookSearchLoaded(\"s-\","));
    let postings = shard["go-err-002"].as_array().expect("rule id is a term");
    assert_eq!(postings.len(), 2);
    assert_eq!(postings[1], 1000, "rule ids are exact keys");
    assert_eq!(shard["freshalert"][1], 1000, "alert names are exact keys");
    assert!(shard.get("context.withtimeout").is_none());
    assert!(shard.get("comparable").is_some(), "code is indexed");
    // Documents point at page#heading with a breadcrumb.
    let chunk: serde_json::Value = serde_json::from_str(&read(&p, "d-0.json")).unwrap();
    let rows = chunk.as_array().unwrap();
    let log_once = rows
        .iter()
        .find(|r| r[1] == "Errors › Log once")
        .expect("doc for heading");
    assert_eq!(log_once[0], "std/errors.html#GO-ERR-002");
    assert_eq!(log_once[2], "Standards › Errors");
    assert_eq!(log_once[3], "standard");
}
