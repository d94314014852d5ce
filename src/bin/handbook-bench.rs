//! The benchmark: generates synthetic Go handbooks and measures `handbook
//! build` (wall time, pages/s, peak RSS, output and search-index sizes) and
//! the edit-to-served latency of `serve`. With `mdbook` or `hugo` on PATH it
//! also builds the same pages with them and prints the ratios.
//!
//! Run it in release mode: `cargo run --release --bin handbook-bench -- --pages 1000,10000`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;

/// Benchmark handbook on generated sites.
#[derive(Parser)]
struct Args {
    /// Page counts to benchmark, comma-separated.
    #[arg(long, default_value = "1000,10000", value_delimiter = ',')]
    pages: Vec<usize>,
    /// Build runs per size (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Where generated sites go.
    #[arg(long, default_value = "target/bench")]
    dir: PathBuf,
    /// Serve edit-to-served measurements per size.
    #[arg(long, default_value_t = 5)]
    edits: usize,
    /// Also time mdbook and hugo on the same pages when they are on PATH.
    #[arg(long)]
    compare: bool,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn dir_size(dir: &Path, filter: impl Fn(&Path) -> bool) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && filter(e.path()))
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("in-memory write");
    enc.finish().expect("in-memory gzip").len() as u64
}

fn handbook_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    exe.with_file_name("handbook")
}

fn mib(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))
}

fn main() {
    let args = Args::parse();
    let bin = handbook_bin();
    assert!(
        bin.exists(),
        "build the handbook binary first: cargo build --release"
    );
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string())
            )
            .unwrap_or_default()
    );
    for &n in &args.pages {
        let site = args.dir.join(format!("site-{n}"));
        if !site.join("content").exists() {
            let _ = std::fs::remove_dir_all(&site);
            let bytes = handbook::synth::generate(&site, n).expect("generate site");
            println!(
                "generated {n} pages, {} of Markdown ({} B/page)",
                mib(bytes),
                bytes / n as u64
            );
        }
        let out = site.join("public");
        let cache = site.join(".handbook-cache");
        let run = |cold: bool| -> (Duration, u64) {
            if cold {
                let _ = std::fs::remove_dir_all(&cache);
            }
            let start = Instant::now();
            let o = Command::new(&bin)
                .args(["build", "--root"])
                .arg(&site)
                .env("HANDBOOK_STATS", "1")
                .output()
                .expect("run handbook");
            let t = start.elapsed();
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success(), "build failed: {err}");
            let rss = err
                .lines()
                .find_map(|l| l.strip_prefix("handbook-stats peak-rss-kib "))
                .and_then(|k| k.trim().parse().ok())
                .unwrap_or(0);
            (t, rss)
        };
        let mut times = Vec::new();
        let mut rss = 0u64;
        for _ in 0..args.runs {
            let (t, r) = run(true);
            rss = rss.max(r);
            times.push(t);
        }
        let warm = median((0..args.runs).map(|_| run(false).0).collect());
        let t = median(times);
        let html = dir_size(&out, |p| p.extension().is_some_and(|e| e == "html"));
        let total = dir_size(&out, |_| true);
        let search_json = dir_size(&out.join("search"), |p| {
            p.extension().is_some_and(|e| e == "json")
        });
        let mut search_gz = 0;
        let mut largest_shard_gz = 0;
        for e in std::fs::read_dir(out.join("search"))
            .expect("search dir")
            .flatten()
        {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "json") {
                let g = gzip_len(&std::fs::read(&p).expect("read"));
                search_gz += g;
                if p.file_name()
                    .is_some_and(|f| f.to_string_lossy().starts_with("s-"))
                {
                    largest_shard_gz = largest_shard_gz.max(g);
                }
            }
        }
        let meta_gz = gzip_len(&std::fs::read(out.join("search/meta.json")).expect("meta"));
        let chunk_gz = gzip_len(&std::fs::read(out.join("search/d-0.json")).expect("chunk"));
        println!("\n== {n} pages ==");
        println!(
            "cold build, no cache (median of {}): {:.2?}  ({:.0} pages/s)",
            args.runs,
            t,
            n as f64 / t.as_secs_f64()
        );
        println!(
            "warm build, highlight cache kept (median of {}): {:.2?}",
            args.runs, warm
        );
        println!("peak RSS: {}", mib(rss * 1024));
        println!(
            "output: {} total, HTML {} ({} B/page)",
            mib(total),
            mib(html),
            html / n as u64
        );
        println!(
            "search index: {} raw JSON, {} gzip; first query worst case (meta + largest shard + one doc chunk, gzip): {:.0} KB",
            mib(search_json),
            mib(search_gz),
            (meta_gz + largest_shard_gz + chunk_gz) as f64 / 1000.0
        );

        // serve: edit one page, time until the new version is served.
        let handle = handbook::serve::start(handbook::serve::ServeOptions {
            root: site.clone(),
            bind: "127.0.0.1".parse().expect("loopback"),
            port: 0,
            drafts: false,
        })
        .expect("start serve");
        let page = site.join("content/standards/group-0/page-0.md");
        let original = std::fs::read_to_string(&page).expect("page");
        let mut lat = Vec::new();
        let mut rebuilds = Vec::new();
        for k in 0..args.edits {
            let v = handle.version();
            let start = Instant::now();
            std::fs::write(&page, format!("{original}\nEdit number {k}.\n")).expect("edit");
            let deadline = start + Duration::from_secs(30);
            while handle.version() == v && Instant::now() < deadline {
                std::thread::sleep(Duration::from_micros(200));
            }
            lat.push(start.elapsed());
            rebuilds.push(*handle.shared.last_rebuild.lock().expect("lock"));
            std::thread::sleep(Duration::from_millis(100));
        }
        std::fs::write(&page, original).expect("restore");
        handle.stop();
        println!(
            "serve one-page edit: save to served {:.1?} median (rebuild itself {:.1?}, the rest is the 10 ms debounce)",
            median(lat),
            median(rebuilds)
        );

        if args.compare {
            compare(&site, n, t);
        }
    }
}

/// Emit the same pages for mdBook and Hugo and time them when installed.
fn compare(site: &Path, n: usize, ours: Duration) {
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(site.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md") && e.file_name() != "_index.md")
        .map(|e| e.path().to_path_buf())
        .collect();
    let strip = |text: &str| -> String {
        let body = handbook::content::split_front_matter(text).map_or(text, |(_, _, b, _)| b);
        body.replace("](rule:", "](#")
    };
    if which("mdbook") {
        let book = site.with_file_name(format!("mdbook-{n}"));
        let src = book.join("src");
        std::fs::create_dir_all(&src).expect("mkdir");
        std::fs::write(
            book.join("book.toml"),
            "[book]\ntitle = \"Synthetic\"\n[output.html]\n",
        )
        .expect("write");
        let mut summary = String::from("# Summary\n\n");
        for (i, p) in pages.iter().enumerate() {
            let name = format!("p{i}.md");
            let text = std::fs::read_to_string(p).expect("read");
            std::fs::write(src.join(&name), strip(&text)).expect("write");
            summary.push_str(&format!("- [Page {i}]({name})\n"));
        }
        std::fs::write(src.join("SUMMARY.md"), summary).expect("write");
        let start = Instant::now();
        let ok = Command::new("mdbook")
            .arg("build")
            .arg(&book)
            .output()
            .map(|o| o.status.success());
        let t = start.elapsed();
        println!(
            "mdbook build: {t:.2?} ({:?}); handbook is {:.1}x faster",
            ok,
            t.as_secs_f64() / ours.as_secs_f64()
        );
    } else {
        println!("mdbook not on PATH (cargo install mdbook): skipped");
    }
    if which("hugo") {
        let h = site.with_file_name(format!("hugo-{n}"));
        std::fs::create_dir_all(h.join("content")).expect("mkdir");
        std::fs::create_dir_all(h.join("layouts/_default")).expect("mkdir");
        std::fs::write(h.join("hugo.toml"), "baseURL = \"http://localhost/\"\ntitle = \"Synthetic\"\n[markup.highlight]\nnoClasses = false\n").expect("write");
        std::fs::write(
            h.join("layouts/_default/single.html"),
            "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>",
        )
        .expect("write");
        std::fs::write(h.join("layouts/_default/list.html"), "<html><body>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>").expect("write");
        for (i, p) in pages.iter().enumerate() {
            let text = std::fs::read_to_string(p).expect("read");
            std::fs::write(
                h.join("content").join(format!("p{i}.md")),
                format!("+++\ntitle = \"Page {i}\"\n+++\n{}", strip(&text)),
            )
            .expect("write");
        }
        // Hugo's HTML per page (with its output, not ours: layouts differ).
        let mut times = Vec::new();
        for _ in 0..3 {
            let _ = std::fs::remove_dir_all(h.join("public"));
            let _ = std::fs::remove_dir_all(h.join("resources"));
            let start = Instant::now();
            let o = Command::new("hugo")
                .arg("--source")
                .arg(&h)
                .arg("--quiet")
                .output()
                .expect("run hugo");
            assert!(
                o.status.success(),
                "hugo failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            times.push(start.elapsed());
        }
        let t = median(times);
        println!(
            "hugo (median of 3): {t:.2?}; handbook's cold build is {:.1}x faster",
            t.as_secs_f64() / ours.as_secs_f64()
        );
    } else {
        println!("hugo not on PATH (apt-get install hugo): skipped");
    }
}

fn which(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}
