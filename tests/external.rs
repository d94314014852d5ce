//! `check --external` against a tiny_http server on loopback (never the internet).

mod common;

use common::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[test]
fn external_links_are_checked_with_retries_fallback_skip_and_cache() {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    {
        let (server, hits) = (server.clone(), hits.clone());
        std::thread::spawn(move || {
            while let Ok(req) = server.recv() {
                let key = format!("{} {}", req.method(), req.url());
                let n = {
                    let mut h = hits.lock().unwrap();
                    let e = h.entry(key).or_default();
                    *e += 1;
                    *e
                };
                let head = *req.method() == tiny_http::Method::Head;
                let status = match req.url() {
                    "/ok" => 200,
                    "/gone" => 404,
                    "/nohead" if head => 405,
                    "/nohead" => 200,
                    "/flaky" if n == 1 => 503,
                    "/flaky" => 200,
                    "/nohead-busy" if head => 405,
                    "/nohead-busy" if n == 1 => 429,
                    "/nohead-busy" => 200,
                    _ => 500,
                };
                let _ = req.respond(tiny_http::Response::empty(status));
            }
        });
    }
    let d = tempfile::tempdir().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    write(
        d.path(),
        "book.toml",
        &format!(
            "[book]\ntitle = \"X\"\n\n[check]\nexternal-skip = [\"{base}/skip\"]\nexternal-host-interval-ms = 0\n"
        ),
    );
    write(
        d.path(),
        "content/_index.md",
        &format!(
            "# Links\n\n[ok]({base}/ok)\n\n[gone]({base}/gone)\n\n[nohead]({base}/nohead) [flaky]({base}/flaky) [skip]({base}/skip/me) [busy]({base}/nohead-busy)\n\n[dead](http://127.0.0.1:1/nothing-listens)\n"
        ),
    );
    let out = handbook(d.path(), &["check", "--external", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "external-link")
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].0.contains("/gone answers HTTP 404"));
    assert_eq!((found[0].1, found[0].2), (5, 1));
    assert!(found[1].0.contains("nothing-listens"), "{found:?}");
    {
        let h = hits.lock().unwrap();
        assert_eq!(h.get("HEAD /flaky"), Some(&2), "503 is retried");
        assert_eq!(h.get("GET /nohead"), Some(&1), "HEAD refused, GET used");
        assert_eq!(
            h.get("GET /nohead-busy"),
            Some(&2),
            "the GET fallback is retried on 429 too"
        );
        assert!(!h.keys().any(|k| k.contains("/skip")), "skip list honoured");
    }
    // A rerun uses the cache for links that were fine.
    let out = handbook(d.path(), &["check", "--external", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let h = hits.lock().unwrap();
    assert_eq!(h.get("HEAD /ok"), Some(&1), "cached");
    assert_eq!(h.get("HEAD /gone"), Some(&2), "failures are checked again");
    assert!(
        d.path()
            .join(".handbook-cache/external-links.json")
            .exists()
    );
}
