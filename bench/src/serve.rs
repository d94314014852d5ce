//! `serve` measured in this process: start, then one-page edits, each saved
//! to served and followed by the whole-site rebuild `serve` runs once edits
//! pause.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::{median, mib};

/// `serve`: edit one page `edits` times, timing each save until the new
/// version is served.
pub(crate) fn measure_serve(site: &Path, edits: usize) {
    let start = Instant::now();
    let handle = handbook::serve::start(handbook::serve::ServeOptions {
        root: site.to_path_buf(),
        bind: "127.0.0.1".parse().expect("loopback"),
        port: 0,
        drafts: false,
    })
    .expect("start serve");
    // This process is the server: its resident memory is the server's.
    let kib = |field| handbook::pipeline::memory_kib(field).unwrap_or(0) * 1024;
    println!(
        "serve: started (site built in memory) in {:.2?}, resident {}, peak {}",
        start.elapsed(),
        mib(kib("VmRSS:")),
        mib(kib("VmHWM:"))
    );
    let page = site.join("content/standards/group-0/page-0.md");
    let original = std::fs::read_to_string(&page).expect("page");
    let mut lat = Vec::new();
    let mut rebuilds = Vec::new();
    let mut checks = Vec::new();
    let mut extra_versions = 0;
    let quick_before = handle.quick_updates();
    for k in 0..edits {
        let v = handle.version();
        let start = Instant::now();
        std::fs::write(&page, format!("{original}\nEdit number {k}.\n")).expect("edit");
        let deadline = start + Duration::from_secs(30);
        while handle.version() == v && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(200));
        }
        lat.push(start.elapsed());
        rebuilds.push(*handle.shared.last_rebuild.lock().expect("lock"));
        // After a quick update the whole site is rebuilt once edits pause:
        // wait for it (an author's next save comes seconds later), and see
        // that it found nothing the quick update missed.
        let (served, runs) = (handle.version(), handle.rebuilds());
        let deadline = Instant::now() + Duration::from_secs(120);
        while handle.rebuilds() == runs && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        checks.push(*handle.shared.last_rebuild.lock().expect("lock"));
        extra_versions += handle.version() - served;
    }
    std::fs::write(&page, original).expect("restore");
    handle.stop();
    println!(
        "serve one-page edit: save to served {:.1?} median (rebuild itself {:.1?}, the rest is the 10 ms debounce); {} of {edits} by the quick path",
        median(lat),
        median(rebuilds),
        handle.quick_updates() - quick_before,
    );
    println!(
        "serve: whole-site rebuild once edits pause {:.1?} median; new versions it made: {extra_versions}",
        median(checks)
    );
}
