//! The HTTP side of `handbook serve`: worker threads, request paths, the
//! live-reload long poll and the script injected into every page.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use super::Shared;

/// Start the threads that answer requests: pages from the current version,
/// long polls each on a thread of their own.
pub(super) fn spawn_workers(server: &Arc<Server>, shared: &Arc<Shared>) {
    for _ in 0..WORKERS {
        let server = server.clone();
        let shared = shared.clone();
        std::thread::spawn(move || {
            loop {
                let req = match server.recv() {
                    Ok(r) => r,
                    Err(e) => {
                        shared.fail(format!("the server stopped accepting connections: {e}"));
                        return;
                    }
                };
                let Some(req) = refuse_body(req) else {
                    continue;
                };
                if req.url().contains("__handbook/poll") {
                    start_poll(&shared, req);
                } else {
                    handle(&shared, req);
                }
            }
        });
    }
}

/// Threads answering page requests.
const WORKERS: usize = 4;
/// Live-reload long polls held at once; more are told to come back later.
const MAX_POLLS: usize = 64;

/// The server needs no request bodies. tiny_http reads a small body (up to
/// 1 KiB) itself; a larger declared one is drained when the request is
/// dropped with one allocation of the declared size, so `Content-Length:
/// 99999999999999` would abort the process. Such a request is answered 413
/// through `upgrade` (which writes the response and hands back the raw
/// connection) and the connection is deliberately leaked rather than
/// dropped: one descriptor and one tiny_http connection thread per hostile
/// request instead of a crashed server.
fn refuse_body(req: Request) -> Option<Request> {
    let declared = req.body_length().unwrap_or(0);
    let chunked = req
        .headers()
        .iter()
        .any(|h| h.field.equiv("Transfer-Encoding"));
    if declared <= 1024 && !chunked {
        if declared > 0 {
            let _ = req.respond(
                Response::from_string("request bodies are not accepted").with_status_code(413),
            );
            return None;
        }
        return Some(req);
    }
    let stream = req.upgrade(
        "close",
        Response::from_string("request bodies are not accepted")
            .with_status_code(413)
            .with_header(header("Connection", "close")),
    );
    std::mem::forget(stream);
    None
}

/// Hold a long poll on its own thread (pages never queue behind polls), at
/// most [`MAX_POLLS`] at once; beyond that, or when no thread can be
/// started, answer 503 at once and the page retries with backoff.
fn start_poll(shared: &Arc<Shared>, req: Request) {
    use std::sync::atomic::Ordering;
    let busy = || Response::from_string("too many live-reload connections").with_status_code(503);
    if shared.polls.fetch_add(1, Ordering::SeqCst) >= MAX_POLLS {
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        let _ = req.respond(busy());
        return;
    }
    let s = shared.clone();
    let req = Arc::new(Mutex::new(Some(req)));
    let handed = req.clone();
    let spawned = std::thread::Builder::new()
        .name("handbook-poll".into())
        .spawn(move || {
            if let Some(r) = handed.lock().ok().and_then(|mut g| g.take()) {
                handle(&s, r);
            }
            s.polls.fetch_sub(1, Ordering::SeqCst);
        });
    if spawned.is_err() {
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        if let Some(r) = req.lock().ok().and_then(|mut g| g.take()) {
            let _ = r.respond(busy());
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    // Every value passed here is ASCII without control characters; fall back
    // to an empty value rather than panicking a worker if that ever changes.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .or_else(|_| Header::from_bytes(name.as_bytes(), &b""[..]))
        .expect("an empty header value is valid")
}

/// Decode and validate a request path. None for anything that could leave
/// the site: `..`, encoded slashes or dots that form `..`, backslashes, NUL.
pub fn clean_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = String::from_utf8(crate::paths::percent_decode_strict(path)?).ok()?;
    if !decoded.starts_with('/')
        || decoded.chars().any(char::is_control)
        || decoded.contains('\\')
        || decoded.starts_with("//")
    {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded[1..].split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None,
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if decoded.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

const LIVE_SCRIPT: &str = include_str!("../../themes/default/static/live.js");

fn inject(html: &[u8], path: &str, error: Option<&str>) -> Vec<u8> {
    let root = crate::paths::root_prefix(path);
    let mut extra = format!(
        "<script data-handbook-live data-poll=\"{root}__handbook/poll\">{LIVE_SCRIPT}</script>"
    );
    if let Some(e) = error {
        let mut escaped = String::new();
        crate::html::escape_into(&mut escaped, e);
        extra.push_str(&format!(
            "<div id=\"handbook-error\" role=\"alert\" style=\"position:fixed;inset:auto 16px 16px 16px;z-index:1000;max-height:50vh;overflow:auto;padding:16px 20px;border-radius:10px;background:#2b0f0f;color:#ffd7d5;border:2px solid #ff7b72;font:14px/1.5 ui-monospace,monospace;box-shadow:0 10px 30px rgba(0,0,0,.4)\"><strong style=\"color:#ff7b72\">Build failed; showing the last good version.</strong><pre style=\"white-space:pre-wrap;margin:8px 0 0\">{escaped}</pre></div>"
        ));
    }
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

fn handle(shared: &Shared, req: Request) {
    if !matches!(req.method(), Method::Get | Method::Head) {
        let _ =
            req.respond(Response::empty(StatusCode(405)).with_header(header("Allow", "GET, HEAD")));
        return;
    }
    let url = req.url().to_string();
    let Some(path) = clean_path(&url) else {
        let _ = req.respond(Response::from_string("bad request").with_status_code(400));
        return;
    };
    if path.ends_with("__handbook/poll") {
        poll(shared, req, &url);
        return;
    }
    let lookup = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    let (body, status, served_path, error) = {
        let cur = match shared.current.read() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        let error = cur.error.clone();
        if let Some(b) = cur.files.get(&lookup) {
            (Some(b.clone()), 200, lookup.clone(), error)
        } else if lookup.starts_with("search/") {
            drop(cur);
            let found = shared.search_files().and_then(|s| s.get(&lookup).cloned());
            let not_found = found.is_none();
            (
                found,
                if not_found { 404 } else { 200 },
                lookup.clone(),
                error,
            )
        } else if cur.assets.contains(&lookup) {
            // Read through the real path, and only inside the content folder:
            // a file swapped for a link to elsewhere is not served.
            let bytes = std::fs::canonicalize(cur.content_dir.join(&lookup))
                .ok()
                .filter(|p| {
                    std::fs::canonicalize(&cur.content_dir).is_ok_and(|root| p.starts_with(root))
                })
                .and_then(|p| std::fs::read(p).ok())
                .map(Arc::new);
            (bytes, 200, lookup.clone(), error)
        } else if cur.files.contains_key(&format!("{lookup}/index.html")) {
            drop(cur);
            let to = format!("/{}/", crate::paths::encode_href(&lookup));
            let _ =
                req.respond(Response::empty(StatusCode(301)).with_header(header("Location", &to)));
            return;
        } else {
            (
                cur.files.get(crate::paths::generated::NOT_FOUND).cloned(),
                404,
                crate::paths::generated::NOT_FOUND.to_string(),
                error,
            )
        }
    };
    let Some(body) = body else {
        // Nothing to show, e.g. a site broken since startup: a page that
        // carries the error overlay and reloads once the site builds.
        if let Some(e) = &error {
            let page = inject(b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Build failed</title></head><body></body></html>", &served_path, Some(e));
            let _ = req.respond(
                Response::from_data(page)
                    .with_status_code(500)
                    .with_header(header("Content-Type", "text/html; charset=utf-8"))
                    .with_header(header("Cache-Control", "no-store")),
            );
            return;
        }
        let _ = req.respond(Response::from_string("not found").with_status_code(404));
        return;
    };
    let mime = mime_guess::from_path(&served_path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    // Text types (scripts are `text/javascript`) and SVG name their charset.
    let content_type = if mime.type_() == "text" || mime.essence_str() == "image/svg+xml" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let bytes = if is_html {
        inject(&body, &served_path, error.as_deref())
    } else {
        body.to_vec()
    };
    let response = Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", &content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = req.respond(response);
}

/// Long poll: answer when the version differs from the client's, or after 25 s.
fn poll(shared: &Shared, req: Request, url: &str) {
    let since: u64 = url
        .split_once("v=")
        .and_then(|(_, v)| v.split('&').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (lock, cvar) = &shared.changed;
    let deadline = Instant::now() + Duration::from_secs(25);
    let mut n = match lock.lock() {
        Ok(n) => n,
        Err(p) => p.into_inner(),
    };
    while *n == since && since != 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        n = match cvar.wait_timeout(n, left) {
            Ok((g, _)) => g,
            Err(p) => p.into_inner().0,
        };
    }
    drop(n);
    let (number, css_only, error) = shared
        .current
        .read()
        .map(|c| (c.number, c.css_only, c.error.is_some()))
        .unwrap_or((0, false, false));
    let body = format!("{{\"version\":{number},\"cssOnly\":{css_only},\"error\":{error}}}");
    let _ = req.respond(
        Response::from_string(body)
            .with_header(header("Content-Type", "application/json"))
            .with_header(header("Cache-Control", "no-store")),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths() {
        assert_eq!(clean_path("/").as_deref(), Some(""));
        assert_eq!(clean_path("/a/b.html?x=1").as_deref(), Some("a/b.html"));
        assert_eq!(clean_path("/a/").as_deref(), Some("a/"));
        assert_eq!(clean_path("/a%20b.html").as_deref(), Some("a b.html"));
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/..%2fetc%2fpasswd",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/a%0d%0aSet-Cookie:x",
            "//etc/passwd",
            "/C:/Windows",
            "/%zz",
            "etc/passwd",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }
}
