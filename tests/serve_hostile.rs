//! `handbook serve` against hostile clients on loopback: every case bounded
//! in count and time. Each test failed against the tiny_http server these
//! bounds replaced (leaked threads and descriptors, descriptors exhausted,
//! pinned workers) or against reading assets by name (the symlink race).

mod common;

use common::*;
use handbook::serve::{Handle, ServeOptions, start};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

/// One test at a time: they count the process's threads and descriptors.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ALONE.lock().unwrap_or_else(|p| p.into_inner())
}

fn server(root: &Path) -> Handle {
    start(ServeOptions {
        root: root.to_path_buf(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        drafts: false,
    })
    .unwrap()
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// A whole `Connection: close` exchange: (status, response).
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = connect(addr);
    let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    (status(&text), text)
}

fn status(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// This process's threads and open descriptors.
fn threads_and_fds() -> (usize, usize) {
    let count = |dir: &str| std::fs::read_dir(dir).map_or(0, |d| d.count());
    (count("/proc/self/task"), count("/proc/self/fd"))
}

/// Wait (bounded) until `f` holds.
fn eventually(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(f(), "timed out waiting for: {what}");
}

#[test]
fn body_carrying_requests_leave_no_thread_or_descriptor_behind() {
    let _alone = alone();
    let d = fixture("basic");
    let h = server(d.path());
    assert_eq!(get(h.addr, "/").0, 200);
    eventually("connections closed", Duration::from_secs(5), || {
        h.connections() == 0
    });
    let (threads, fds) = threads_and_fds();
    let body = "x".repeat(2000);
    let mut refused = 0;
    for _ in 0..700 {
        let mut s = connect(h.addr);
        let req =
            format!("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000\r\n\r\n{body}");
        s.write_all(req.as_bytes()).unwrap();
        let mut head = [0u8; 64];
        let n = s.read(&mut head).unwrap_or(0);
        // The answer may be lost to the reset of a close with the body unread.
        if status(&String::from_utf8_lossy(&head[..n])) == 413 {
            refused += 1;
        }
    }
    assert!(refused > 0, "no request was answered 413");
    assert_eq!(get(h.addr, "/guide/intro.html").0, 200);
    eventually(
        "descriptors and threads back",
        Duration::from_secs(5),
        || {
            let (t, f) = threads_and_fds();
            h.connections() == 0 && f <= fds + 4 && t <= threads + 4
        },
    );
    h.stop();
}

#[test]
fn unfinished_request_heads_do_not_lock_others_out() {
    let _alone = alone();
    let d = fixture("basic");
    let h = server(d.path());
    // Slowloris: 600 connections that never finish their head, more than
    // the server keeps open at once.
    let held: Vec<TcpStream> = (0..600)
        .map(|_| {
            let mut s = connect(h.addr);
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .unwrap();
            s
        })
        .collect();
    eventually("connections admitted", Duration::from_secs(5), || {
        h.connections() >= handbook::serve::MAX_CONNECTIONS - 1
    });
    assert!(h.connections() <= handbook::serve::MAX_CONNECTIONS);
    let t = Instant::now();
    assert_eq!(get(h.addr, "/guide/intro.html").0, 200);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    // Past the head deadline the server has closed them all.
    eventually(
        "slow heads closed",
        handbook::serve::HEAD_TIMEOUT * 3,
        || h.connections() == 0,
    );
    drop(held);
    h.stop();
}

#[test]
fn held_polls_and_unread_pipelines_hold_up_no_one_else() {
    let _alone = alone();
    let d = fixture("basic");
    let h = server(d.path());
    let v = h.version();
    // Six clients each hold a long poll with a page request pipelined behind.
    let polls: Vec<TcpStream> = (0..6)
        .map(|_| {
            let mut s = connect(h.addr);
            let req = format!(
                "GET /__handbook/poll?v={v} HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
            );
            s.write_all(req.as_bytes()).unwrap();
            s
        })
        .collect();
    // Five clients pipeline 400 page requests each and never read.
    let pipes: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut s = connect(h.addr);
            let req = "GET /guide/intro.html HTTP/1.1\r\nHost: x\r\n\r\n".repeat(400);
            s.write_all(req.as_bytes()).unwrap();
            s
        })
        .collect();
    eventually("polls held", Duration::from_secs(5), || h.polls() == 6);
    for _ in 0..5 {
        let t = Instant::now();
        assert_eq!(get(h.addr, "/guide/intro.html").0, 200);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }
    drop((polls, pipes));
    // A held poll ends with a new version (or after 25 s); then its closed
    // connection goes too.
    std::fs::write(d.path().join("content/guide/new.md"), "# New\n").unwrap();
    eventually("connections closed", Duration::from_secs(10), || {
        h.connections() == 0 && h.polls() == 0
    });
    h.stop();
}

#[test]
fn a_symlink_swapped_in_during_requests_serves_nothing_from_outside() {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    let _alone = alone();
    let d = fixture("basic");
    let assets = d.path().join("content/assets");
    std::fs::create_dir_all(assets.join("sub")).unwrap();
    std::fs::write(assets.join("sub/passwd"), "inside the site\n").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:SECRET\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), assets.join("subx")).unwrap();
    let h = server(d.path());
    assert!(
        get(h.addr, "/assets/sub/passwd")
            .1
            .contains("inside the site")
    );
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let stop = stop.clone();
        let (a, b) = (assets.join("sub"), assets.join("subx"));
        std::thread::spawn(move || {
            let mut swaps = 0u64;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) && swaps < 50_000_000 {
                renameat_with(CWD, &a, CWD, &b, RenameFlags::EXCHANGE).unwrap();
                swaps += 1;
            }
            swaps
        })
    };
    let mut inside = 0;
    for _ in 0..3000 {
        let (code, text) = get(h.addr, "/assets/sub/passwd");
        assert!(!text.contains("SECRET"), "served from outside: {text}");
        inside += usize::from(code == 200 && text.contains("inside the site"));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let swaps = swapper.join().unwrap();
    assert!(swaps > 3000, "the race ran ({swaps} swaps)");
    assert!(inside > 0, "the real file was served some of the time");
    h.stop();
}
