//! The `handbook` command line: a thin layer over the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The build allocates many small strings (Markdown events, tokens, spans);
// mimalloc measured faster than the system allocator on the benchmark.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use handbook::diag::{Diagnostics, Severity};
use handbook::report::Format;

/// `--format` (the library's [`Format`], with the command line's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    /// `path:line:col: error|warning: message`, grouped by file.
    Human,
    /// One JSON object per finding, in an array.
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
            FormatArg::Gitlab => Format::Gitlab,
        }
    }
}

/// What `handbook new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum KindArg {
    /// A runbook in the runbook section.
    Runbook,
    /// A coding-standards page with a first rule.
    Standard,
    /// A mentorship track (a folder with its overview).
    Track,
    /// A module of an existing track (`--track`).
    Module,
    /// A plain page (`--section`).
    Page,
}

impl From<KindArg> for handbook::scaffold::Skeleton {
    fn from(k: KindArg) -> Self {
        use handbook::scaffold::Skeleton as Kind;
        match k {
            KindArg::Runbook => Kind::Runbook,
            KindArg::Standard => Kind::Standard,
            KindArg::Track => Kind::Track,
            KindArg::Module => Kind::Module,
            KindArg::Page => Kind::Page,
        }
    }
}

/// A fast static site generator for a Go team's engineering handbook.
#[derive(Parser)]
#[command(name = "handbook", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build(BuildArgs),
    /// Serve the site from memory with live reload; writes nothing to disk.
    Serve(ServeArgs),
    /// Build and run the Go examples: complete programs (checking `// Output:`),
    /// `go test` blocks, and `compile_fail` / `vet_fail` blocks.
    Test(TestArgs),
    /// Reports for the people who keep the handbook current.
    Report {
        #[command(subcommand)]
        what: ReportKind,
    },
    /// Create a page from a template: runbook, standard, track, module or page.
    New(NewArgs),
    /// Start a new handbook in DIR (book.toml and a home page).
    Init(InitArgs),
    /// Check links, rules, front matter, runbooks and Go examples without writing anything.
    Check(CheckArgs),
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Folder holding book.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder (default: [build] output-dir, `public`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Absolute path the site is served under, e.g. /teams/go/handbook/ (only 404.html needs it).
    #[arg(long)]
    base_path: Option<String>,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Folder holding book.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Address to bind; anything but loopback exposes your drafts to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include drafts.
    #[arg(long)]
    drafts: bool,
}

#[derive(clap::Args)]
struct TestArgs {
    /// Folder holding book.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Seconds each build, run or test may take.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Include drafts.
    #[arg(long)]
    drafts: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
}

#[derive(clap::Args)]
struct NewArgs {
    /// What to create.
    #[arg(value_enum)]
    kind: KindArg,
    /// Its title.
    title: String,
    /// Folder holding book.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// For modules: the track's folder name.
    #[arg(long)]
    track: Option<String>,
    /// For pages: the section folder under content/.
    #[arg(long)]
    section: Option<String>,
}

#[derive(clap::Args)]
struct InitArgs {
    /// Where to create it.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The handbook's title.
    #[arg(long, default_value = "Our Go Handbook")]
    title: String,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Folder holding book.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Fail on warnings too (stale runbooks, empty sections, unknown code languages).
    #[arg(long)]
    strict: bool,
    /// Also run `go vet` on complete standard-library programs (needs `go` on PATH).
    #[arg(long)]
    vet: bool,
    /// Also request every http(s) link (HEAD, then GET; cached for a day).
    #[arg(long)]
    external: bool,
    /// Include drafts.
    #[arg(long)]
    drafts: bool,
    /// Prometheus rule files (globs) to check against the runbooks; adds
    /// to `[oncall] alert-rules` in book.toml.
    #[arg(long = "alert-rules", value_name = "GLOB")]
    alert_rules: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
}

/// What `handbook report` can tell.
#[derive(Subcommand, Debug)]
enum ReportKind {
    /// Runbooks whose review is overdue or due soon, sorted by due date.
    Reviews {
        /// Folder holding book.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How far ahead to look: `30d`, `6w`, `2m`.
        #[arg(long, default_value = "30d")]
        within: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReviewFormat::Markdown)]
        format: ReviewFormat,
    },
}

/// `report reviews --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReviewFormat {
    /// A Markdown table (for chat or an issue).
    Markdown,
    /// A JSON array.
    Json,
    /// CSV with a header row.
    Csv,
}

fn print_diagnostics(d: &Diagnostics) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", handbook::report::compact(d, color));
}

/// 2 for configuration/usage problems, 1 for content errors.
fn exit_code(d: &Diagnostics) -> ExitCode {
    if d.0
        .iter()
        .any(|x| x.severity == Severity::Error && matches!(x.code, "config" | "usage"))
    {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Peak resident memory of this process in KiB (Linux), for the benchmark.
fn main() -> ExitCode {
    // SAFETY: first thing in main, one thread, no tree-sitter object yet.
    unsafe { handbook::alloc::tree_sitter_uses_mimalloc() };
    let code = run();
    if let Some(kib) =
        std::env::var_os("HANDBOOK_STATS").and_then(|_| handbook::pipeline::memory_kib("VmHWM:"))
    {
        eprintln!("handbook-stats peak-rss-kib {kib}");
    }
    code
}

fn run() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => build(args),
        Command::Report {
            what:
                ReportKind::Reviews {
                    root,
                    within,
                    format,
                },
        } => report_reviews(root, within, format),
        Command::Test(args) => test(args),
        Command::Check(args) => check(args),
        Command::New(args) => new(args),
        Command::Init(args) => init(args),
        Command::Serve(args) => serve(args),
    }
}

fn build(args: BuildArgs) -> ExitCode {
    let BuildArgs {
        root,
        out,
        drafts,
        base_path,
    } = args;
    // Ctrl-C, SIGTERM or SIGHUP during a build: remove the staging
    // folder (the previous output is untouched) and exit 130.
    let slot: handbook::pipeline::StagingSlot = Default::default();
    let for_handler = slot.clone();
    let _ = ctrlc::set_handler(move || {
        // With a staging folder the build stops at its next write and
        // removes it on the way out; without one, exit at once.
        for_handler.on_signal(|| {
            eprintln!("build interrupted; the previous output was left as it was");
            std::process::exit(130);
        });
    });
    let opts = handbook::BuildOptions {
        root,
        out,
        drafts,
        base_path,
        staging_slot: Some(slot),
    };
    let stop = opts.staging_slot.clone();
    let result = handbook::build(&opts);
    // A signal during the final swap lets the build finish: the new
    // site is in place, so it is reported as built, not interrupted.
    if result.is_err() && stop.is_some_and(|s| s.stop.load(std::sync::atomic::Ordering::SeqCst)) {
        eprintln!("build interrupted; the previous output was left as it was");
        return ExitCode::from(130);
    }
    match result {
        Ok(report) => {
            print_diagnostics(&report.diagnostics);
            eprintln!(
                "built {} pages ({} files, {} KiB of search index) into {} in {:.0?}{}",
                report.pages,
                report.files,
                report.search_bytes / 1024,
                report.out_dir.display(),
                report.elapsed,
                match report.diagnostics.warning_count() {
                    0 => String::new(),
                    n => format!(", {n} warning(s)"),
                }
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            print_diagnostics(&d);
            eprintln!(
                "build failed: {} error(s), {} warning(s); the previous output was left as it was",
                d.error_count(),
                d.warning_count()
            );
            exit_code(&d)
        }
    }
}

fn report_reviews(root: PathBuf, within: String, format: ReviewFormat) -> ExitCode {
    let Some(days) = handbook::date::parse_interval(&within) else {
        eprintln!("error: --within {within:?} is not an interval: write e.g. 30d, 6w or 2m");
        return ExitCode::from(2);
    };
    let hl = handbook::highlight::Highlighter::new();
    let opts = handbook::site::LoadOptions {
        root,
        drafts: false,
        go_syntax: handbook::site::GoSyntax::Lexer,
    };
    let site = match handbook::site::load(&opts, &hl, None) {
        Ok(s) => s,
        Err(d) => {
            print_diagnostics(&d);
            return exit_code(&d);
        }
    };
    let rows = handbook::reviews::due_within(&site, days);
    match format {
        ReviewFormat::Markdown => print!("{}", handbook::reviews::markdown(&rows, days)),
        ReviewFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
        ),
        ReviewFormat::Csv => print!("{}", handbook::reviews::csv(&rows)),
    }
    ExitCode::SUCCESS
}

fn test(args: TestArgs) -> ExitCode {
    let TestArgs {
        root,
        timeout,
        drafts,
        format,
    } = args;
    let format = Format::from(format);
    let color = format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let start = std::time::Instant::now();
    let hl = handbook::highlight::Highlighter::new();
    let opts = handbook::site::LoadOptions {
        root: root.clone(),
        drafts,
        go_syntax: handbook::site::GoSyntax::Parse,
    };
    let site = match handbook::site::load(&opts, &hl, None) {
        Ok(s) => s,
        Err(d) => {
            print!("{}", handbook::report::render(&d, format, &root, color, 0));
            return exit_code(&d);
        }
    };
    // On a terminal, a line counting finished blocks, rewritten in place.
    let tty = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if tty {
            eprint!("\rrunning Go examples: {done}/{total}\x1b[K");
            if done == total {
                eprint!("\r\x1b[K");
            }
        }
    };
    let timeout = std::time::Duration::from_secs(timeout);
    // Ctrl-C, SIGTERM or SIGHUP: kill every running example's process
    // group, remove the scratch folders, exit 130.
    let running = std::sync::Arc::new(handbook::gotest::Running::default());
    let for_handler = running.clone();
    let _ = ctrlc::set_handler(move || {
        for_handler.stop();
        eprintln!("\ntest interrupted: running examples stopped");
        std::process::exit(130);
    });
    match handbook::gotest::run_site(&site, (timeout, &running), &progress) {
        Ok(report) => {
            for s in &report.skipped {
                eprintln!("note: skipped {s}");
            }
            let mut d = Diagnostics(report.findings);
            d.sort();
            print!(
                "{}",
                handbook::report::render(&d, format, &root, color, site.pages.len())
            );
            eprintln!(
                "{} Go examples run with {} ({} from the cache) in {:.1?}",
                report.ran,
                report.go_version,
                report.cached,
                start.elapsed()
            );
            if d.error_count() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let CheckArgs {
        root,
        strict,
        vet,
        external,
        drafts,
        alert_rules,
        format,
    } = args;
    let opts = handbook::check::CheckOptions {
        root: root.clone(),
        vet,
        drafts,
        external,
        alert_rules,
    };
    let format = Format::from(format);
    let color = format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    match handbook::check::run(&opts) {
        Ok(report) => {
            for s in &report.skipped {
                eprintln!("note: skipped {s}");
            }
            if let Some((covered, total)) = report.alert_coverage {
                eprintln!("note: {covered} of {total} alerts have a runbook");
            }
            print!(
                "{}",
                handbook::report::render(&report.diagnostics, format, &root, color, report.pages)
            );
            if handbook::check::failed(&report.diagnostics, strict) {
                // The same status `build` gives for the same findings.
                exit_code(&report.diagnostics)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(d) => {
            print!("{}", handbook::report::render(&d, format, &root, color, 0));
            exit_code(&d)
        }
    }
}

fn new(args: NewArgs) -> ExitCode {
    let NewArgs {
        kind,
        title,
        root,
        track,
        section,
    } = args;
    match handbook::scaffold::new_page(
        &root,
        kind.into(),
        &title,
        track.as_deref(),
        section.as_deref(),
    ) {
        Ok(path) => {
            eprintln!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(d) => scaffold_failed(d),
    }
}

/// `new` and `init` refuse with one finding (a file that exists, a bad flag).
fn scaffold_failed(d: handbook::diag::Diagnostic) -> ExitCode {
    print_diagnostics(&Diagnostics(vec![d]));
    ExitCode::from(2)
}

fn init(args: InitArgs) -> ExitCode {
    let InitArgs { dir, title } = args;
    match handbook::scaffold::init(&dir, &title) {
        Ok(paths) => {
            for p in paths {
                eprintln!("created {}", p.display());
            }
            eprintln!("next: handbook serve --root {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(d) => scaffold_failed(d),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let ServeArgs {
        root,
        port,
        bind,
        open,
        drafts,
    } = args;
    if !bind.is_loopback() {
        eprintln!(
            "warning: serving on {bind}, reachable from other machines; the dev server is not meant for production: publish `handbook build` output instead"
        );
    }
    let opts = handbook::serve::ServeOptions {
        root,
        bind,
        port,
        drafts,
    };
    match handbook::serve::start(opts) {
        Ok(handle) => {
            let url = format!("http://{}/", handle.addr);
            eprintln!("serving the handbook at {url} (Ctrl-C to stop); edits reload the browser");
            if open && let Err(e) = opener::open_browser(&url) {
                eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
            }
            let reason = handle.wait();
            eprintln!("error: {reason}; stopping");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
