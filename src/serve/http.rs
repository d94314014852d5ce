//! The HTTP side of `handbook serve`: connections, request paths, the
//! live-reload long poll and the script injected into every page.
//!
//! hyper's HTTP/1.1 on a tokio runtime of two threads, replacing tiny_http,
//! which gave every connection a thread and offered no place to bound them:
//! 2,000 body-carrying requests left 2,018 threads and 4,020 descriptors,
//! 530 unfinished request heads exhausted the descriptors, and four page
//! workers could be pinned by clients that never read. Here every bound is
//! explicit:
//!
//! - at most [`MAX_CONNECTIONS`] open; a new one beyond that closes the
//!   oldest connection that is waiting for a request (a slow or idle one),
//!   or, when every connection is busy, is answered 503 and closed;
//! - a request head must arrive within [`HEAD_TIMEOUT`] (also the idle time
//!   allowed between requests of a keep-alive connection);
//! - a response write that makes no progress for [`WRITE_TIMEOUT`] closes
//!   the connection (a client that never reads);
//! - a request with a body is answered 413 and its connection closed,
//!   without reading the body;
//! - long polls are tasks, not threads: at most [`MAX_POLLS`] held, the rest
//!   answered 503 at once (the page retries with backoff);
//! - pages are answered on tokio's blocking pool (they may read a file or
//!   build the search index), so no client's connection holds up another's.
//!
//! If accepting fails for good, the server records why (`Shared::fail`) and
//! `serve` exits 1.

mod conns;
mod files;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::Shared;
use conns::Conns;

/// Open connections at most.
pub const MAX_CONNECTIONS: usize = 512;
/// Live-reload long polls held at once; more are told to come back later.
pub const MAX_POLLS: usize = 64;
/// Time allowed for a request head, and between requests on a connection.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// Time a response write may make no progress.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a long poll is held before it is answered anyway.
const POLL_HOLD: Duration = Duration::from_secs(25);

/// The running HTTP side.
pub(super) struct Server {
    stop: Arc<tokio::sync::Notify>,
    /// Open connections (for tests and benchmarks).
    conns: Arc<Conns>,
}

impl Server {
    /// Stop accepting; open connections are closed.
    pub(super) fn stop(&self) {
        self.stop.notify_one();
        self.conns.close_all();
    }

    /// Connections open now.
    pub(super) fn connections(&self) -> usize {
        self.conns.len()
    }
}

/// Listen on `addr` and answer requests from `shared` on a thread of its own.
pub(super) fn start(
    addr: SocketAddr,
    shared: &Arc<Shared>,
) -> Result<(Server, SocketAddr), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .thread_name("handbook-http")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let stop = Arc::new(tokio::sync::Notify::new());
    let conns = Arc::new(Conns::default());
    let server = Server {
        stop: stop.clone(),
        conns: conns.clone(),
    };
    let shared = shared.clone();
    std::thread::Builder::new()
        .name("handbook-accept".into())
        .spawn(move || {
            let reason = runtime.block_on(accept_loop(listener, &shared, &conns, &stop));
            if let Some(reason) = reason {
                shared.fail(reason);
            }
            runtime.shutdown_timeout(Duration::from_secs(1));
        })
        .map_err(|e| format!("cannot start the HTTP thread: {e}"))?;
    Ok((server, bound))
}

/// Accept until stopped (`None`) or until accepting fails for good (why).
async fn accept_loop(
    listener: tokio::net::TcpListener,
    shared: &Arc<Shared>,
    conns: &Arc<Conns>,
    stop: &tokio::sync::Notify,
) -> Option<String> {
    let mut transient = 0u32;
    loop {
        let accepted = tokio::select! {
            _ = stop.notified() => return None,
            a = listener.accept() => a,
        };
        match accepted {
            Ok((stream, _)) => {
                transient = 0;
                conns::admit(stream, shared, conns);
            }
            // Out of descriptors or memory for a moment: free what waits
            // longest and go on; only a condition that persists stops serve.
            Err(e) if is_transient(&e) && transient < 600 => {
                transient += 1;
                conns.evict_idle();
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => return Some(format!("the server stopped accepting connections: {e}")),
        }
    }
}

fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | OutOfMemory
    ) || matches!(e.raw_os_error(), Some(23 | 24 | 105 | 12)) // ENFILE EMFILE ENOBUFS ENOMEM
}

type Reply = Response<Full<Bytes>>;

/// Build a response; every header value passed here is ASCII.
pub(super) fn reply(status: u16, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Reply {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            r.headers_mut().append(n, v);
        }
    }
    r
}

/// Answer one request.
pub(super) async fn serve(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Reply, Infallible> {
    let chunked = req.headers().contains_key(hyper::header::TRANSFER_ENCODING);
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() != b"0");
    if chunked || declared {
        // Never read: the connection closes after this answer.
        return Ok(reply(
            413,
            &[("Connection", "close")],
            "request bodies are not accepted",
        ));
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Ok(reply(405, &[("Allow", "GET, HEAD")], Bytes::new()));
    }
    let url = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let Some(path) = clean_path(&url) else {
        return Ok(reply(400, &[], "bad request"));
    };
    if path.ends_with("__handbook/poll") {
        return Ok(poll(&shared, &url).await);
    }
    let answered = tokio::task::spawn_blocking(move || files::respond(&shared, path)).await;
    Ok(answered.unwrap_or_else(|_| reply(500, &[], "internal error")))
}

/// Long poll: answer when the version differs from the client's, or after
/// [`POLL_HOLD`]; at most [`MAX_POLLS`] held.
async fn poll(shared: &Shared, url: &str) -> Reply {
    let since: u64 = url
        .split_once("v=")
        .and_then(|(_, v)| v.split('&').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if shared.polls.fetch_add(1, Ordering::SeqCst) >= MAX_POLLS {
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        return reply(503, &[], "too many live-reload connections");
    }
    // Released however this future ends (answered, or its connection closed).
    struct Held<'a>(&'a Shared);
    impl Drop for Held<'_> {
        fn drop(&mut self) {
            self.0.polls.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let _held = Held(shared);
    if since != 0 {
        let mut versions = shared.versions.subscribe();
        let _ = tokio::time::timeout(POLL_HOLD, versions.wait_for(|v| *v != since)).await;
    }
    let (number, css_only, error) = shared
        .current
        .read()
        .map(|c| (c.number, c.css_only, c.error.is_some()))
        .unwrap_or((0, false, false));
    let body = format!("{{\"version\":{number},\"cssOnly\":{css_only},\"error\":{error}}}");
    reply(
        200,
        &[
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-store"),
        ],
        body,
    )
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
