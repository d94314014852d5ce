//! The benchmark: generates synthetic Go handbooks and measures `handbook
//! build` (wall time, pages/s, peak RSS, output and search-index sizes) and
//! the edit-to-served latency of `serve`. With `mdbook` or `hugo` on PATH it
//! also builds the same pages with them and prints the ratios.
//!
//! Run it in release mode: `cargo run --release -p handbook-bench -- --pages 1000,10000`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;

mod golex;
mod history;
mod serve;
mod synth;

// The same allocators as `handbook`, so the in-process `serve` measurement
// is what users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Only measure `serve` (edit to served), not builds.
    #[arg(long)]
    serve_only: bool,
    /// Give each site a git history of this many commits (needs `git`) and
    /// report what reading it adds to a cold build.
    #[arg(long, default_value_t = 0)]
    commits: usize,
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
    // SAFETY: first thing in main, one thread, no tree-sitter object yet.
    unsafe { handbook::alloc::tree_sitter_uses_mimalloc() };
    let args = Args::parse();
    let bin = handbook_bin();
    assert!(
        bin.exists(),
        "build the handbook binary first: cargo build --release"
    );
    println!("machine: {}", machine());
    for &n in &args.pages {
        let site = match args.commits {
            0 => args.dir.join(format!("site-{n}")),
            c => args.dir.join(format!("site-{n}-c{c}")),
        };
        generate(&site, n, args.commits);
        let mut ours = None;
        if !args.serve_only {
            highlight_throughput(&site);
            ours = Some(measure_builds(&args, &bin, &site, n));
        }
        if args.edits > 0 {
            serve::measure_serve(&site, args.edits);
        }
        if let Some(t) = ours.filter(|_| args.compare) {
            compare(&site, n, &t, args.runs);
        }
    }
}

/// Cores and CPU model.
fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    format!("{cores} cores, {model}")
}

/// The synthetic site of `n` pages (and a git history of `commits`), unless
/// it is there already.
fn generate(site: &Path, n: usize, commits: usize) {
    if site.join("content").exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(site);
    let bytes = synth::generate(site, n).expect("generate site");
    println!(
        "generated {n} pages, {} of Markdown ({} B/page)",
        mib(bytes),
        bytes / n as u64
    );
    if commits > 0 {
        let start = Instant::now();
        history::make(site, commits).expect("make the git history");
        println!(
            "made a git history of {commits} commits in {:.1?}",
            start.elapsed()
        );
    }
}

/// Append a paragraph to `count` Markdown pages spread evenly over the site.
fn edit_pages(site: &Path, count: usize, run: usize) {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    let step = (pages.len() / count).max(1);
    for p in pages.iter().skip(step / 2).step_by(step).take(count) {
        let mut text = std::fs::read_to_string(p).expect("read a page");
        text.push_str(&format!("\nEdited before rebuild {run}.\n"));
        std::fs::write(p, text).expect("write a page");
    }
}

/// One `handbook build` (cold: without the cache): its wall time
/// and peak RSS in KiB.
fn build_once(bin: &Path, site: &Path, cold: bool) -> (Duration, u64) {
    if cold {
        let _ = std::fs::remove_dir_all(site.join(".handbook-cache"));
    }
    let start = Instant::now();
    let o = Command::new(bin)
        .args(["build", "--root"])
        .arg(site)
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
}

/// Cold and warm builds, peak memory, output and search index sizes (and,
/// with a history, the cost of reading it); returns the cold times.
fn measure_builds(args: &Args, bin: &Path, site: &Path, n: usize) -> Vec<Duration> {
    let mut times = Vec::new();
    let mut rss = 0u64;
    for _ in 0..args.runs {
        let (t, r) = build_once(bin, site, true);
        rss = rss.max(r);
        times.push(t);
    }
    let warm = median(
        (0..args.runs)
            .map(|_| build_once(bin, site, false).0)
            .collect(),
    );
    // CI with the cache and the previous output restored: ten pages spread
    // over the site get a new paragraph before each build.
    let mut rebuild_rss = 0u64;
    let changed = median(
        (0..args.runs)
            .map(|run| {
                edit_pages(site, 10, run);
                let (t, r) = build_once(bin, site, false);
                rebuild_rss = rebuild_rss.max(r);
                t
            })
            .collect(),
    );
    let t = median(times.clone());
    println!("\n== {n} pages ==");
    println!(
        "cold build, no cache (median of {}): {:.2?}  ({:.0} pages/s; best {:.2?})",
        args.runs,
        t,
        n as f64 / t.as_secs_f64(),
        times.iter().min().copied().unwrap_or_default()
    );
    println!(
        "warm build, highlight cache kept (median of {}): {:.2?}",
        args.runs, warm
    );
    println!(
        "rebuild, 10 pages changed, cache and output kept (median of {}): {:.2?} ({:.1}% of cold)",
        args.runs,
        changed,
        changed.as_secs_f64() / t.as_secs_f64() * 100.0
    );
    println!(
        "peak RSS: {} (cold), {} (rebuild, 10 pages changed)",
        mib(rss * 1024),
        mib(rebuild_rss * 1024)
    );
    report_output(&site.join("public"), n);
    if args.commits > 0 {
        // The same cold builds with the history turned off.
        let toml = site.join("book.toml");
        let original = std::fs::read_to_string(&toml).expect("book.toml");
        std::fs::write(&toml, format!("{original}\n[history]\nenabled = false\n"))
            .expect("write book.toml");
        let without = median(
            (0..args.runs)
                .map(|_| build_once(bin, site, true).0)
                .collect(),
        );
        std::fs::write(&toml, original).expect("restore book.toml");
        println!(
            "history of {} commits: cold build {:.2?} with it, {:.2?} without (+{:.1}%)",
            args.commits,
            t,
            without,
            (t.as_secs_f64() / without.as_secs_f64() - 1.0) * 100.0
        );
    }
    times
}

/// Output size, HTML per page, and the search index: raw (and against the
/// Markdown it indexes), gzip, and an upper bound of what one query
/// downloads: meta, the largest shard and the ten largest documents chunks
/// (the header's list shows ten results).
fn report_output(out: &Path, n: usize) {
    let html = dir_size(out, |p| p.extension().is_some_and(|e| e == "html"));
    let total = dir_size(out, |_| true);
    let markdown = out
        .parent()
        .map(|site| {
            dir_size(&site.join("content"), |p| {
                p.extension().is_some_and(|e| e == "md")
            })
        })
        .unwrap_or(0);
    let search_raw = dir_size(&out.join("search"), |_| true);
    let mut search_gz = 0;
    let mut largest_shard_gz = 0;
    let mut chunks_gz = Vec::new();
    for e in std::fs::read_dir(out.join("search"))
        .expect("search dir")
        .flatten()
    {
        let p = e.path();
        let g = gzip_len(&std::fs::read(&p).expect("read"));
        search_gz += g;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("s-") {
            largest_shard_gz = largest_shard_gz.max(g);
        } else if name.starts_with("d-") {
            chunks_gz.push(g);
        }
    }
    chunks_gz.sort_unstable_by(|a, b| b.cmp(a));
    let chunks_gz: u64 = chunks_gz.iter().take(10).sum();
    let meta_gz = gzip_len(&std::fs::read(out.join("search/meta.js")).expect("meta"));
    println!(
        "output: {} total, HTML {} ({} B/page)",
        mib(total),
        mib(html),
        html / n as u64
    );
    println!(
        "search index: {} raw ({:.2}x the {} of Markdown), {} gzip; one query at most (meta + largest shard + ten largest documents chunks, gzip): {:.0} KB",
        mib(search_raw),
        search_raw as f64 / markdown.max(1) as f64,
        mib(markdown),
        mib(search_gz),
        (meta_gz + largest_shard_gz + chunks_gz) as f64 / 1000.0
    );
}

/// Best and median of some run times.
fn best_and_median(times: &[Duration]) -> (Duration, Duration) {
    let best = times.iter().min().copied().unwrap_or_default();
    (best, median(times.to_vec()))
}

/// "best X (median Y) of N; handbook's cold build is Ax faster (B by medians)".
fn versus(theirs: &[Duration], ours: &[Duration]) -> String {
    let ((tb, tm), (ob, om)) = (best_and_median(theirs), best_and_median(ours));
    format!(
        "best {tb:.2?} (median {tm:.2?}) of {}; handbook's cold build (best {ob:.2?}) is {:.1}x faster ({:.1}x by medians)",
        theirs.len(),
        tb.as_secs_f64() / ob.as_secs_f64(),
        tm.as_secs_f64() / om.as_secs_f64()
    )
}

/// Emit the same pages for mdBook and Hugo and time them when installed,
/// `runs` times each (fewer when one run takes minutes).
fn compare(site: &Path, n: usize, ours: &[Duration], runs: usize) {
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
        let mut done = vec![run_measured(Command::new("mdbook").arg("build").arg(&book))];
        if done[0].0 < Duration::from_secs(30) {
            for _ in 1..runs {
                done.push(run_measured(Command::new("mdbook").arg("build").arg(&book)));
            }
        }
        let ok = done.iter().all(|r| r.1);
        let rss = done.iter().map(|r| r.2).max().unwrap_or(0);
        let times: Vec<Duration> = done.iter().map(|r| r.0).collect();
        println!(
            "mdbook build (ok: {ok}, peak RSS {}): {}",
            mib(rss * 1024),
            versus(&times, ours)
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
        let mut times = Vec::new();
        let mut rss = 0;
        for _ in 0..runs {
            let _ = std::fs::remove_dir_all(h.join("public"));
            let _ = std::fs::remove_dir_all(h.join("resources"));
            let (t, ok, r) =
                run_measured(Command::new("hugo").arg("--source").arg(&h).arg("--quiet"));
            assert!(ok, "hugo failed on {}", h.display());
            times.push(t);
            rss = rss.max(r);
        }
        println!(
            "hugo (highlighting on, peak RSS {}): {}",
            mib(rss * 1024),
            versus(&times, ours)
        );
        compare_html(site, &h, &pages);
    } else {
        println!("hugo not on PATH (apt-get install hugo): skipped");
    }
}

/// Highlighting alone, on one core: the site's Go blocks (the first 8 MB of
/// them, so large sites take seconds, not minutes) through tree-sitter
/// (parse, classify, HTML), best of three passes. A regression here shows
/// before it hides in a whole build's time.
fn highlight_throughput(site: &Path) {
    use pulldown_cmark::{CodeBlockKind, Event, Parser as Md, Tag, TagEnd};
    let mut blocks: Vec<String> = Vec::new();
    let mut collected = 0;
    for e in walkdir::WalkDir::new(site.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
    {
        if collected > 8_000_000 {
            break;
        }
        let text = std::fs::read_to_string(e.path()).expect("read page");
        let mut code: Option<String> = None;
        for ev in Md::new(&text) {
            match ev {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if &*info == "go" => {
                    code = Some(String::new())
                }
                Event::Text(t) => {
                    if let Some(c) = &mut code {
                        c.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(c) = code.take() {
                        collected += c.len();
                        blocks.push(c);
                    }
                }
                _ => {}
            }
        }
    }
    let bytes: usize = blocks.iter().map(String::len).sum();
    let hl = handbook::highlight::Highlighter::new();
    let mut session = hl.session();
    let info = handbook::highlight::FenceInfo::parse("go");
    let best = (0..3)
        .map(|_| {
            let start = Instant::now();
            for b in &blocks {
                std::hint::black_box(session.render(b, &info));
            }
            start.elapsed()
        })
        .min()
        .unwrap_or_default();
    let rate = |t: Duration| bytes as f64 / 1e6 / t.as_secs_f64();
    println!(
        "highlighting alone (lexer, classifier and HTML), one core: {} Go blocks, {} in {best:.2?} = {:.1} MB/s",
        blocks.len(),
        mib(bytes as u64),
        rate(best),
    );
    golex::against_tree_sitter("the benchmark's Go blocks", &blocks);
    match golex::goroot_sources() {
        Some(files) => golex::against_tree_sitter("Go's standard library (GOROOT/src)", &files),
        None => println!("no Go toolchain on PATH: standard library not measured"),
    }
}

/// Run `cmd` to completion; wall time, success, and the child's own peak RSS
/// in KiB (from `wait4`: `getrusage(RUSAGE_CHILDREN)` would mix in earlier
/// children, our own builds among them).
// The child is reaped by `wait4` below, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_measured(cmd: &mut Command) -> (Duration, bool, u64) {
    let start = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the command");
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let t = start.elapsed();
    assert!(pid > 0, "wait4 failed");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    (t, ok, usage.ru_maxrss as u64)
}

/// Bytes of HTML per page, ours against Hugo's for the same Markdown page:
/// whole files (ours carry navigation, search box and table of contents;
/// the benchmark's Hugo layout is only a title and the content), and the
/// rendered content alone (our `<article>`, Hugo's `.Content`), which is
/// where highlighted code lives.
fn compare_html(site: &Path, hugo: &Path, pages: &[PathBuf]) {
    let content = site.join("content");
    let (mut whole, mut body) = (Vec::new(), Vec::new());
    for (i, p) in pages.iter().enumerate() {
        let rel = p.strip_prefix(&content).expect("page under content");
        let ours = std::fs::read_to_string(site.join("public").join(rel.with_extension("html")))
            .expect("our page");
        let theirs = std::fs::read_to_string(hugo.join(format!("public/p{i}/index.html")))
            .expect("hugo page");
        whole.push((ours.len(), theirs.len()));
        body.push((
            between(&ours, "<article", "</article>"),
            between(&theirs, "</h1>", "</body>"),
        ));
    }
    let summary = |pairs: &[(usize, usize)]| {
        let mut ratios: Vec<f64> = pairs.iter().map(|&(a, b)| a as f64 / b as f64).collect();
        ratios.sort_by(f64::total_cmp);
        let larger = pairs.iter().filter(|(a, b)| a > b).count();
        let (a, b) = pairs.iter().fold((0, 0), |(x, y), &(a, b)| (x + a, y + b));
        format!(
            "{} vs {} B/page; ours/Hugo per page: median {:.2}, max {:.2}; ours larger on {larger} of {} pages",
            a / pairs.len(),
            b / pairs.len(),
            ratios[ratios.len() / 2],
            ratios[ratios.len() - 1],
            pairs.len()
        )
    };
    println!(
        "HTML, rendered content only (ours vs Hugo): {}",
        summary(&body)
    );
    println!(
        "HTML, whole page (ours with navigation vs Hugo's bare layout): {}",
        summary(&whole)
    );
}

/// Bytes between the end of the first tag starting with `open` and the next `close`.
fn between(s: &str, open: &str, close: &str) -> usize {
    let Some(a) = s.find(open) else { return 0 };
    let Some(gt) = s[a..].find('>') else { return 0 };
    let start = a + gt + 1;
    s[start..].find(close).unwrap_or(s.len() - start)
}

fn which(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}
