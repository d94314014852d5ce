//! `handbook serve` on an ephemeral loopback port: pages, live updates,
//! editor save patterns, errors and recovery, path safety, load.

mod common;

use common::*;
use handbook::serve::{ServeOptions, start};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    raw(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

fn raw(addr: SocketAddr, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Send `request` and return the status code as soon as the status line
/// arrives (the connection may stay open).
fn status_of(addr: SocketAddr, request: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 256];
    while !buf.windows(2).any(|w| w == b"\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&buf)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// Tests that open many connections or threads run one at a time: the soak
/// test counts the process's threads, which the others would add to.
fn heavy() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    HEAVY.lock().unwrap_or_else(|p| p.into_inner())
}

fn server(root: &Path) -> handbook::serve::Handle {
    start(ServeOptions {
        root: root.to_path_buf(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        drafts: false,
    })
    .unwrap()
}

/// Wait (bounded) until `f` holds.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for: {what}");
}

/// The `Content-Type` header of a raw response, lowercased.
fn content_type(response: &str) -> String {
    response
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            let l = l.to_lowercase();
            l.strip_prefix("content-type:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

#[test]
fn serves_pages_with_the_live_script_and_writes_nothing() {
    let d = fixture("basic");
    write(d.path(), "content/guide/pixel.png", "\u{89}PNG\r\n");
    let h = server(d.path());
    let (status, body) = get(h.addr, "/guide/intro.html");
    assert_eq!(status, 200);
    assert_eq!(content_type(&body), "text/html; charset=utf-8");
    // Text types name their charset; binary ones do not.
    for (path, want) in [
        ("/search/meta.js", "text/javascript; charset=utf-8"),
        ("/guide/diagram.svg", "image/svg+xml; charset=utf-8"),
        ("/guide/pixel.png", "image/png"),
    ] {
        let (status, response) = get(h.addr, path);
        assert_eq!(
            (status, content_type(&response).as_str()),
            (200, want),
            "{path}"
        );
    }
    // A folder's URL serves its index page.
    for (path, title) in [("/", "<title>"), ("/guide/", "The guide.")] {
        let (status, response) = get(h.addr, path);
        assert_eq!(status, 200, "{path}: {response:.300}");
        assert!(response.contains(title), "{path}: {response:.300}");
        assert!(
            !response.contains("This page is not in the handbook"),
            "{path}"
        );
    }
    assert!(body.contains("data-handbook-live"), "live script injected");
    assert!(
        body.contains("data-poll=\"../__handbook/poll\""),
        "relative poll URL works under any base path"
    );
    let (status, body) = get(h.addr, "/static/style.css");
    assert_eq!(status, 200);
    assert!(body.to_lowercase().contains("content-type: text/css"));
    assert_eq!(get(h.addr, "/guide/diagram.svg").0, 200);
    assert!(
        get(h.addr, "/guide/diagram.svg")
            .1
            .contains("image/svg+xml")
    );
    assert_eq!(get(h.addr, "/search/meta.js").0, 200);
    let (status, body) = get(h.addr, "/no/such/page.html");
    assert_eq!(status, 404);
    assert!(body.contains("This page is not in the handbook"));
    let (status, head) = raw(
        h.addr,
        "HEAD /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert!(!head.contains("<html"), "HEAD has no body");
    assert_eq!(
        get(h.addr, "/guide").0,
        301,
        "folder without slash redirects"
    );
    assert!(
        !d.path().join("public").exists(),
        "serve writes no output folder"
    );
    // The built site never carries the live script.
    assert!(build(d.path()).status.success());
    assert!(!read(&d.path().join("public"), "guide/intro.html").contains("data-handbook-live"));
    h.stop();
}

#[test]
fn path_traversal_is_refused() {
    let d = fixture("basic");
    std::fs::write(d.path().join("secret.txt"), "top secret").unwrap();
    let h = server(d.path());
    for p in [
        "/../secret.txt",
        "/guide/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/guide%00.html",
        "//etc/passwd",
        "/content/guide/intro.md",
        "/book.toml",
        "/a%0d%0aSet-Cookie:%20x=1",
    ] {
        let (status, body) = raw(
            h.addr,
            &format!("GET {p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        );
        assert!(status == 400 || status == 404, "{p}: {status}");
        assert!(
            !body.contains("top secret") && !body.contains("[book]"),
            "{p} leaked"
        );
    }
    h.stop();
}

#[test]
fn edits_renames_deletes_and_errors_are_picked_up() {
    let d = fixture("basic");
    let h = server(d.path());
    let page = d.path().join("content/guide/second.md");

    // Write in place.
    let v0 = h.version();
    std::fs::write(&page, "# Second page\n\nFreshly edited text.\n").unwrap();
    eventually("in-place edit served", || {
        get(h.addr, "/guide/second.html")
            .1
            .contains("Freshly edited text.")
    });
    assert!(h.version() > v0);

    // Long poll answers with the new version.
    let v1 = h.version();
    let addr = h.addr;
    let poller = std::thread::spawn(move || get(addr, &format!("/__handbook/poll?v={v1}")).1);
    std::thread::sleep(Duration::from_millis(100));
    std::fs::write(&page, "# Second page\n\nPolled text.\n").unwrap();
    let answer = poller.join().unwrap();
    assert!(answer.contains("\"version\":"), "{answer}");
    assert!(
        !answer.contains(&format!("\"version\":{v1},")),
        "poll returned only after a change: {answer}"
    );

    // Save by rename (vim, JetBrains safe write): write a temp file, rename over.
    let tmp = d.path().join("content/guide/.second.md.swp");
    std::fs::write(&tmp, "# Second page\n\nRenamed into place.\n").unwrap();
    std::fs::rename(&tmp, &page).unwrap();
    eventually("save-by-rename served", || {
        get(h.addr, "/guide/second.html")
            .1
            .contains("Renamed into place.")
    });

    // New page appears in the navigation; deleted page 404s and leaves it.
    write(d.path(), "content/guide/third.md", "# Third page\n");
    eventually("new page served", || {
        get(h.addr, "/guide/third.html").0 == 200
    });
    assert!(get(h.addr, "/static/nav.js").1.contains("guide/third.html"));
    let nav_ref = |page: &str| {
        let body = get(h.addr, page).1;
        let at = body.find("static/nav.js?v=").expect("pages load nav.js");
        body[at..at + 26].to_string()
    };
    let with_third = nav_ref("/guide/intro.html");
    std::fs::remove_file(d.path().join("content/guide/third.md")).unwrap();
    eventually("deleted page 404s", || {
        get(h.addr, "/guide/third.html").0 == 404
    });
    assert!(!get(h.addr, "/static/nav.js").1.contains("third.html"));
    assert_ne!(
        nav_ref("/guide/intro.html"),
        with_third,
        "pages ask for the new tree, not a cached one"
    );

    // A broken page keeps the last good site and shows an overlay with file:line.
    std::fs::write(&page, "+++\nweight = \"x\"\n+++\n# Second page\n").unwrap();
    eventually("error overlay", || {
        get(h.addr, "/index.html")
            .1
            .contains("id=\"handbook-error\"")
    });
    let body = get(h.addr, "/guide/second.html").1;
    assert!(
        body.contains("content/guide/second.md:2:"),
        "overlay names file:line"
    );
    assert!(
        body.contains("Renamed into place."),
        "last good version still served"
    );
    std::fs::write(&page, "# Second page\n\nFixed.\n").unwrap();
    eventually("overlay disappears", || {
        let b = get(h.addr, "/guide/second.html").1;
        b.contains("Fixed.") && !b.contains("handbook-error")
    });

    // Atomic replace of book.toml is seen, and seen again afterwards.
    for title in ["Renamed Handbook", "Renamed Again"] {
        let cfg = read(d.path(), "book.toml")
            .replace("Fixture Handbook", title)
            .replace("Renamed Handbook", title);
        let tmp = d.path().join("book.toml.tmp");
        std::fs::write(&tmp, cfg).unwrap();
        std::fs::rename(&tmp, d.path().join("book.toml")).unwrap();
        eventually("config change", || {
            get(h.addr, "/index.html").1.contains(title)
        });
    }
    h.stop();
}

#[test]
fn a_burst_of_changes_gives_few_rebuilds() {
    let d = fixture("basic");
    let h = server(d.path());
    let v0 = h.version();
    for i in 0..200 {
        write(
            d.path(),
            &format!("content/bulk/p{i}.md"),
            &format!("# Bulk {i}\n"),
        );
    }
    eventually("burst built", || get(h.addr, "/bulk/p199.html").0 == 200);
    // Events that arrived during a rebuild are coalesced into the next one:
    // 200 files give a handful of versions, never one per file.
    let versions = h.version() - v0;
    assert!(
        versions <= 3,
        "{versions} versions for one burst of 200 files"
    );
    assert!(h.rebuilds() <= 4, "{} rebuilds for one burst", h.rebuilds());
    h.stop();
}

#[test]
fn keeps_answering_under_load_with_reload_connections_open() {
    let _heavy = heavy();
    let d = fixture("basic");
    let h = server(d.path());
    let addr = h.addr;
    let v = h.version();
    // 20 live-reload long polls held open.
    let polls: Vec<_> = (0..20)
        .map(|_| std::thread::spawn(move || get(addr, &format!("/__handbook/poll?v={v}")).0))
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    // 10,000 requests from 50 concurrent clients.
    let start = Instant::now();
    let workers: Vec<_> = (0..50)
        .map(|w| {
            std::thread::spawn(move || {
                let mut errors = 0;
                for i in 0..200 {
                    let path = if (w + i) % 3 == 0 {
                        "/static/style.css"
                    } else {
                        "/guide/intro.html"
                    };
                    if get(addr, path).0 != 200 {
                        errors += 1;
                    }
                }
                errors
            })
        })
        .collect();
    let errors: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(errors, 0);
    eprintln!("10,000 requests in {:?}", start.elapsed());
    // Release the polls with a change.
    write(
        d.path(),
        "content/guide/second.md",
        "# Second page\n\nBump.\n",
    );
    for p in polls {
        assert_eq!(p.join().unwrap(), 200);
    }
    h.stop();
}

/// A browser opening a page opens several keep-alive connections at once
/// and keeps them open. tiny_http's pool could strand one of a burst behind
/// the others (see `serve/nudge.rs`); every request of every burst must be
/// answered promptly while the connections of the burst stay open.
#[test]
fn bursts_of_keep_alive_connections_are_all_answered() {
    let _heavy = heavy();
    let d = fixture("basic");
    let h = server(d.path());
    let addr = h.addr;
    let request = "GET /guide/intro.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let mut slow = Vec::new();
    for round in 0..25 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
        let clients: Vec<_> = (0..6)
            .map(|_| {
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    let mut s = TcpStream::connect(addr).unwrap();
                    s.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
                    s.write_all(request.as_bytes()).unwrap();
                    let mut first = [0u8; 12];
                    let answered = s.read_exact(&mut first).is_ok();
                    // Returned open: the burst's connections stay alive
                    // until every one of them has been answered.
                    (answered, start.elapsed(), s)
                })
            })
            .collect();
        let results: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();
        for (answered, took, _) in &results {
            if !answered || *took > Duration::from_secs(5) {
                slow.push((round, *took));
            }
        }
    }
    assert!(
        slow.is_empty(),
        "requests left unanswered for seconds (round, time): {slow:?}"
    );
    h.stop();
}

#[test]
fn saving_without_changes_does_not_reload() {
    let d = fixture("basic");
    let h = server(d.path());
    let page = d.path().join("content/guide/second.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let v = h.version();
    let runs = h.rebuilds();
    std::fs::write(&page, &text).unwrap(); // an editor's save with no edit
    std::fs::create_dir_all(d.path().join("content/guide/empty-folder")).unwrap();
    // Wait for the rebuild those events cause, then look: no new version.
    eventually("the save is seen and rebuilt", || h.rebuilds() > runs);
    assert_eq!(h.version(), v, "no new version, so browsers do not reload");
    // Replacing an image is a change even though no page differs.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(
        d.path().join("content/guide/diagram.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\"></svg>",
    )
    .unwrap();
    eventually("asset change makes a new version", || h.version() > v);
    h.stop();
}

#[test]
fn index_pages_follow_edits_to_the_pages_they_list() {
    let d = fixture("basic");
    let h = server(d.path());
    assert!(get(h.addr, "/runbooks/index.html").1.contains("team-a"));
    // A runbook's front matter shows on the runbooks index (a cached page).
    let rb = d.path().join("content/runbooks/fresh.md");
    let text = std::fs::read_to_string(&rb).unwrap();
    std::fs::write(&rb, text.replace("team-a", "team-payments")).unwrap();
    eventually("index shows the new owner", || {
        get(h.addr, "/runbooks/index.html")
            .1
            .contains("team-payments")
    });
    // A rule's level shows on the rules index (a site-wide page).
    let std = d.path().join("content/std/errors.md");
    let text = std::fs::read_to_string(&std).unwrap();
    assert!(get(h.addr, "/rules.html").1.contains("GO-ERR-003"));
    let before = get(h.addr, "/rules.html").1;
    std::fs::write(
        &std,
        text.replace("{#GO-ERR-003 .may}", "{#GO-ERR-003 .must}"),
    )
    .unwrap();
    eventually("rules index shows the new level", || {
        get(h.addr, "/rules.html").1 != before
    });
    h.stop();
}

#[test]
fn hostile_requests_do_not_take_the_server_down() {
    let d = fixture("basic");
    let h = server(d.path());
    // A declared body far larger than memory: answered at once, no crash.
    let status = status_of(
        h.addr,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 413);
    let status = status_of(
        h.addr,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999\r\n\r\n",
    );
    assert_eq!(status, 413);
    // A small body and a chunked one are refused too.
    let (status, _) = raw(
        h.addr,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    assert_eq!(status, 413);
    let (status, _) = raw(
        h.addr,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    );
    assert_eq!(status, 413);
    // Still serving.
    assert_eq!(get(h.addr, "/guide/intro.html").0, 200);
}

#[test]
fn long_polls_are_bounded_and_pages_still_load() {
    let _heavy = heavy();
    let d = fixture("basic");
    let h = server(d.path());
    let (_, body) = get(h.addr, "/__handbook/poll?v=0");
    let v: u64 = body
        .split("\"version\":")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    // Hold 70 polls open (each waits for a version after `v`).
    let mut held = Vec::new();
    for _ in 0..70 {
        let mut s = TcpStream::connect(h.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(format!("GET /__handbook/poll?v={v} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes())
            .unwrap();
        held.push(s);
    }
    eventually("64 polls held", || h.polls() == 64);
    // The six beyond the cap were told to come back later, at once.
    let mut refused = 0;
    for s in held.iter_mut() {
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut buf = [0u8; 64];
        if let Ok(n) = s.read(&mut buf)
            && String::from_utf8_lossy(&buf[..n]).contains(" 503 ")
        {
            refused += 1;
        }
    }
    assert_eq!(refused, 6);
    assert_eq!(h.polls(), 64);
    // Pages do not queue behind the polls.
    let t = Instant::now();
    assert_eq!(get(h.addr, "/guide/intro.html").0, 200);
    assert!(t.elapsed() < Duration::from_secs(5));
    // A change answers every held poll.
    write(
        d.path(),
        "content/guide/intro.md",
        "+++\ntitle = \"Changed\"\n+++\nNew.\n",
    );
    eventually("polls answered", || h.polls() == 0);
}

#[test]
fn a_site_broken_from_the_start_shows_the_overlay_and_search_survives_breakage() {
    let d = fixture("basic");
    let good = read(d.path(), "content/guide/intro.md");
    write(
        d.path(),
        "content/guide/intro.md",
        "+++\ntitle = [broken\n+++\n",
    );
    let h = server(d.path());
    let (status, body) = get(h.addr, "/guide/intro.html");
    assert_eq!(status, 500);
    assert!(
        body.contains("handbook-error") && body.contains("data-handbook-live"),
        "{body}"
    );
    assert!(body.contains("content/guide/intro.md:2"), "{body}");
    // Fixed: the site appears.
    write(d.path(), "content/guide/intro.md", &good);
    eventually("fixed site served", || {
        get(h.addr, "/guide/intro.html").0 == 200
    });
    // Broken again: pages and search keep the last good site.
    write(
        d.path(),
        "content/guide/intro.md",
        "+++\ntitle = [broken\n+++\n",
    );
    eventually("overlay shown", || {
        get(h.addr, "/guide/intro.html")
            .1
            .contains("handbook-error")
    });
    let (status, body) = get(h.addr, "/search/meta.js");
    assert_eq!(status, 200, "{body}");
}

/// This process's thread count and resident memory (KiB), from /proc.
fn threads_and_rss() -> (usize, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("Threads:"), field("VmRSS:"))
}

#[test]
fn soak_pages_polls_edits_and_hostile_requests_together() {
    let _heavy = heavy();
    let d = fixture("basic");
    let h = server(d.path());
    let addr = h.addr;
    let (threads_before, _) = threads_and_rss();
    // 500 live-reload polls: 64 held, the rest told to come back later.
    let v = h.version();
    let polls: Vec<_> = (0..500)
        .map(|_| {
            std::thread::spawn(move || {
                status_of(addr, &format!("GET /__handbook/poll?v={v} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
            })
        })
        .collect();
    eventually("polls held", || h.polls() == 64);
    // An edit storm while pages are being read.
    let root = d.path().to_path_buf();
    let storm = std::thread::spawn(move || {
        for i in 0..40 {
            write(&root, "content/guide/storm.md", &format!("# Storm {i}\n"));
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
    });
    // 20,000 requests from 50 clients, one in 50 hostile.
    let workers: Vec<_> = (0..50)
        .map(|w| {
            std::thread::spawn(move || {
                let mut errors = Vec::new();
                for i in 0..400 {
                    let (req, ok): (String, &[u16]) = match (w + i) % 50 {
                        0 => ("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(), &[400]),
                        1 => ("DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(), &[405, 413]),
                        // A lying body size: answered, at the cost of one held
                        // connection each (see serve.rs `refuse_body`); a few.
                        2 if i < 50 => ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n".into(), &[413]),
                        2 => ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc".into(), &[413]),
                        n if n % 3 == 0 => ("GET /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(), &[200]),
                        _ => ("GET /guide/intro.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(), &[200]),
                    };
                    let s = status_of(addr, &req);
                    if !ok.contains(&s) {
                        errors.push((req.lines().next().unwrap_or("").to_string(), s));
                    }
                }
                errors
            })
        })
        .collect();
    let errors: Vec<_> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    storm.join().unwrap();
    assert!(
        errors.is_empty(),
        "{} errors, e.g. {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    // Every poll got an answer: held ones when the storm made new versions.
    let answers: Vec<u16> = polls.into_iter().map(|p| p.join().unwrap()).collect();
    // (How many were refused depends on when new versions freed slots; the
    // exact cap is tested on its own above.)
    assert!(answers.contains(&503), "the cap refused some");
    assert!(answers.iter().all(|&s| s == 200 || s == 503), "{answers:?}");
    // The server still answers, with bounded threads and memory.
    assert_eq!(get(addr, "/guide/storm.html").0, 200);
    let (threads_after, rss) = threads_and_rss();
    // Bounded: 64 polls, the workers, and the few lying-body connections.
    assert!(
        threads_after < threads_before + 150,
        "threads {threads_before} -> {threads_after}"
    );
    assert!(rss < 1024 * 1024, "resident memory {rss} KiB");
}

#[test]
fn an_edited_include_refreshes_the_pages_that_include_it() {
    let d = fixture("basic");
    std::fs::create_dir_all(d.path().join("examples")).unwrap();
    std::fs::write(
        d.path().join("examples/hello.go"),
        "package main\n\nfunc main() { println(\"first version\") }\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("content/guide/included.md"),
        "+++\ntitle = \"Included\"\n+++\n\n```go\n{{#include ../../examples/hello.go}}\n```\n",
    )
    .unwrap();
    let h = server(d.path());
    assert!(
        get(h.addr, "/guide/included.html")
            .1
            .contains("first version")
    );
    let v = h.version();
    std::fs::write(
        d.path().join("examples/hello.go"),
        "package main\n\nfunc main() { println(\"second version\") }\n",
    )
    .unwrap();
    eventually("the edit to the included file makes a new version", || {
        h.version() > v
    });
    let body = get(h.addr, "/guide/included.html").1;
    assert!(body.contains("second version"), "{body}");
    h.stop();
}

#[test]
fn an_include_outside_the_site_root_is_watched_too() {
    // mdBook's layout: the book in a folder of a repository whose examples
    // live beside it; includes may reach anywhere in the work tree.
    let repo = tempfile::tempdir().unwrap();
    git2::Repository::init(repo.path()).unwrap();
    let book = repo.path().join("book");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
        &book,
    );
    std::fs::create_dir_all(repo.path().join("examples")).unwrap();
    let example = repo.path().join("examples/hello.go");
    std::fs::write(&example, "package main\n\n// first version\n").unwrap();
    std::fs::write(
        book.join("content/guide/included.md"),
        "+++\ntitle = \"Included\"\n+++\n\n```go\n{{#include ../../../examples/hello.go}}\n```\n",
    )
    .unwrap();
    let h = server(&book);
    assert!(
        get(h.addr, "/guide/included.html")
            .1
            .contains("first version")
    );
    let v = h.version();
    std::fs::write(&example, "package main\n\n// second version\n").unwrap();
    eventually("the edit outside the root makes a new version", || {
        h.version() > v
    });
    assert!(
        get(h.addr, "/guide/included.html")
            .1
            .contains("second version")
    );
    h.stop();
}

#[test]
fn a_body_edit_takes_the_quick_path_and_equals_a_whole_rebuild() {
    let d = fixture("basic");
    let h = server(d.path());
    let page = d.path().join("content/guide/intro.md");
    let text = std::fs::read_to_string(&page).unwrap();
    // A paragraph above everything: every heading, link and code block moves
    // down two lines, and nothing another page shows changes.
    let edited = text.replacen("## Setup", "A paragraph added on top.\n\n## Setup", 1);
    assert_ne!(edited, text);
    let (v, quick) = (h.version(), h.quick_updates());
    std::fs::write(&page, &edited).unwrap();
    eventually("the edit served", || {
        get(h.addr, "/guide/intro.html")
            .1
            .contains("A paragraph added on top.")
    });
    assert_eq!(h.quick_updates(), quick + 1, "served by the quick path");
    assert_eq!(h.version(), v + 1);
    // Once edits pause the whole site is rebuilt; it must find exactly what
    // the quick path served (else it would make a new version).
    let runs = h.rebuilds();
    eventually("the whole rebuild after the pause", || h.rebuilds() > runs);
    assert_eq!(h.version(), v + 1, "the whole rebuild found other changes");

    // A new title is seen by every page (navigation): not quick.
    let quick = h.quick_updates();
    std::fs::write(
        &page,
        edited.replace("title = \"Introduction\"", "title = \"Welcome\""),
    )
    .unwrap();
    eventually("the new title in the navigation", || {
        get(h.addr, "/static/nav.js").1.contains("Welcome")
    });
    assert_eq!(h.quick_updates(), quick, "a title change rebuilds the site");

    // So is a renamed heading (other pages may link to its anchor).
    let second = d.path().join("content/guide/second.md");
    let text = std::fs::read_to_string(&second).unwrap();
    std::fs::write(
        &second,
        text.replace("Some text.", "Some text.\n\n## Later\n"),
    )
    .unwrap();
    eventually("the heading served", || {
        get(h.addr, "/guide/second.html").1.contains("id=\"later\"")
    });
    assert_eq!(h.quick_updates(), quick, "a new heading rebuilds the site");
    h.stop();
}
