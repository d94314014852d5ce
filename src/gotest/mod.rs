//! `handbook test`: Go examples as tests.
//!
//! Every complete program (`package main` + `func main`) is built and run
//! with the Go toolchain on PATH, offline (`GOPROXY=off`, `GOTOOLCHAIN=local`),
//! in a temporary module, with a timeout. A trailing `// Output:` comment (or
//! `// Unordered output:`, the `go test` Example convention) must match what
//! it prints. A ```` ```go test ```` block is a `_test.go` file run with
//! `go test -race` (benchmarks once, fuzz seeds as tests). A
//! ```` ```go bad compile_fail ```` / `vet_fail` block must fail that way.
//! A `no_run` block is built but not run (a server waiting for a signal).
//! Blocks importing packages outside the standard library are skipped with
//! a note (CI is offline), unless `[go] module` names a `go.mod`: then they
//! are built as packages inside that module, resolving imports as `go build`
//! there would (its `vendor/` folder when it has one, else its `replace`
//! directives and the module cache; never the network). Passing results are cached by the block's bytes and
//! the Go version, so a re-run with nothing changed is instant.

use std::collections::HashMap;
use std::path::Path;

mod process;

pub use process::Running;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::highlight::ExpectFail;
use crate::markdown::CodeBlock;
use crate::site::Site;

/// What `handbook test` did.
#[derive(Debug, Default)]
pub struct TestReport {
    /// Failures.
    pub findings: Vec<Diagnostic>,
    /// Blocks run (or answered from the cache).
    pub ran: usize,
    /// Of those, answered from the cache.
    pub cached: usize,
    /// Blocks skipped, with why.
    pub skipped: Vec<String>,
    /// `go version`.
    pub go_version: String,
}

/// What kind of check a block gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Build and run; compare `// Output:`.
    Program,
    /// `go test -race`.
    Test,
    /// Must fail to build / to vet.
    Fail(ExpectFail),
}

fn kind_of(b: &CodeBlock) -> Option<Kind> {
    if !matches!(b.info.lang.as_str(), "go" | "golang") || b.info.ignore {
        return None;
    }
    if let Some(f) = b.info.expect_fail {
        return Some(Kind::Fail(f));
    }
    if b.info.test {
        return Some(Kind::Test);
    }
    let code = b.code.trim_start();
    (code.starts_with("package main") && b.code.contains("func main()")).then_some(Kind::Program)
}

/// Imports outside the standard library (their first path element has a dot).
fn foreign_imports(code: &str) -> Vec<String> {
    crate::gocheck::imports(code)
        .into_iter()
        .filter(|p| p.split('/').next().unwrap_or("").contains('.'))
        .collect()
}

/// The expected output a block states: (0-based line of `// Output:` in
/// the block, expected lines, unordered?).
pub fn expected_output(code: &str) -> Option<(usize, Vec<String>, bool)> {
    let lines: Vec<&str> = code.lines().collect();
    let at = lines.iter().rposition(|l| {
        let t = l.trim_start();
        t.starts_with("// Output:") || t.starts_with("// Unordered output:")
    })?;
    let head = lines[at].trim_start();
    let unordered = head.starts_with("// Unordered output:");
    let first = head.split_once(':').map_or("", |(_, r)| r).trim();
    let mut want: Vec<String> = Vec::new();
    if !first.is_empty() {
        want.push(first.to_string());
    }
    for l in &lines[at + 1..] {
        let t = l.trim_start();
        match t.strip_prefix("//") {
            Some(rest) => want.push(rest.strip_prefix(' ').unwrap_or(rest).to_string()),
            None if t.is_empty() || t == "}" => continue,
            None => break,
        }
    }
    Some((at, want, unordered))
}

/// Does `got` (what the program printed) match the stated output?
fn output_matches(got: &str, want: &[String], unordered: bool) -> bool {
    let norm = |s: &str| {
        s.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    };
    if unordered {
        let mut a: Vec<&str> = got.trim().lines().map(str::trim_end).collect();
        let mut b: Vec<&str> = want.iter().map(|s| s.trim_end()).collect();
        a.sort_unstable();
        b.sort_unstable();
        a == b
    } else {
        norm(got) == norm(&want.join("\n"))
    }
}

/// Where a block is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Home {
    /// A throwaway module of its own (standard-library imports only).
    Own,
    /// A package inside the configured module.
    Module,
}

/// A `go` command in `dir`, offline. (Go's own build cache is shared with
/// the user's, so the standard library is compiled once per machine.)
fn go(args: &[&str], dir: &Path, home: Home) -> Command {
    let mut c = Command::new("go");
    process::go_environment(&mut c);
    c.args(args)
        .current_dir(dir)
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GO111MODULE", "on");
    if home == Home::Own {
        // Inside the user's module, Go picks `-mod=vendor` itself when the
        // module vendors its dependencies.
        c.env("GOFLAGS", "-mod=mod");
    }
    c
}

/// How long a build may take (the first one compiles the standard library);
/// `--timeout` bounds running the example.
const BUILD_TIMEOUT: Duration = Duration::from_secs(300);

/// `file.go:LINE:COL: message` lines of a Go tool's output, mapped to the
/// Markdown file.
fn located(
    code: &'static str,
    file: &Path,
    b: &CodeBlock,
    text: &str,
    name: &str,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = text
        .lines()
        .filter_map(|l| {
            let rest = l.split(&format!("{name}:")).nth(1)?;
            let mut parts = rest.splitn(3, ':');
            let line: usize = parts.next()?.trim().parse().ok()?;
            let col: usize = parts.next()?.trim().parse().unwrap_or(1);
            let msg = parts.next().unwrap_or("").trim();
            Some(
                Diagnostic::error(code, msg.to_string())
                    .in_file(file)
                    .at(b.first_line + line - 1, b.indent + col),
            )
        })
        .collect();
    if out.is_empty() {
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("failed");
        out.push(
            Diagnostic::error(code, first.trim().to_string())
                .in_file(file)
                .at(b.first_line, b.indent + 1),
        );
    }
    out
}

/// Check one block in its own module under `scratch`; findings (empty: passed).
fn check_block(
    kind: Kind,
    file: &Path,
    b: &CodeBlock,
    (scratch, home): (&Path, Home),
    (timeout, running): (Duration, &Running),
) -> Vec<Diagnostic> {
    let dir = scratch.join(format!(
        "b{}-{}",
        b.first_line,
        blake3::hash(b.code.as_bytes()).to_hex()
    ));
    let _ = std::fs::create_dir_all(&dir);
    let name = if kind == Kind::Test {
        "snippet_test.go"
    } else {
        "main.go"
    };
    let setup = match home {
        Home::Own => std::fs::write(
            dir.join("go.mod"),
            "module example.invalid/snippet\n\ngo 1.22\n",
        ),
        Home::Module => Ok(()),
    }
    .and_then(|()| std::fs::write(dir.join(name), &b.code));
    if let Err(e) = setup {
        return vec![
            Diagnostic::error("go-test", format!("cannot prepare the example: {e}")).in_file(file),
        ];
    }
    let block = Block {
        file,
        b,
        dir,
        name,
        home,
        running,
    };
    match kind {
        Kind::Fail(expect) => block.expect_fail(expect),
        Kind::Test => block.test(timeout),
        Kind::Program => block.program(timeout),
    }
}

/// A block written into its folder, ready to build.
struct Block<'a> {
    file: &'a Path,
    b: &'a CodeBlock,
    dir: std::path::PathBuf,
    /// The Go file's name.
    name: &'static str,
    home: Home,
    running: &'a Running,
}

impl Block<'_> {
    fn go(&self, args: &[&str]) -> Command {
        go(args, &self.dir, self.home)
    }

    /// Run `cmd` in a process group of its own, bounded by `timeout`.
    fn run(
        &self,
        cmd: Command,
        timeout: Duration,
    ) -> std::io::Result<(bool, String, String, bool)> {
        process::run(cmd, timeout, self.running)
    }

    /// A finding at the block's first line.
    fn at(&self, code: &'static str, msg: String) -> Diagnostic {
        Diagnostic::error(code, msg)
            .in_file(self.file)
            .at(self.b.first_line, self.b.indent + 1)
    }

    /// `compile_fail` / `vet_fail`: the block must fail as marked.
    fn expect_fail(&self, expect: ExpectFail) -> Vec<Diagnostic> {
        let build = self.run(self.go(&["build", "-o", "prog", "."]), BUILD_TIMEOUT);
        let built = matches!(build, Ok((true, _, _, false)));
        match expect {
            ExpectFail::Compile if built => vec![self.at(
                "go-expect-fail",
                "marked compile_fail, but it builds; fix the example or the mark".into(),
            )],
            ExpectFail::Compile => Vec::new(),
            ExpectFail::Vet if !built => located(
                "go-build",
                self.file,
                self.b,
                &build.map(|r| r.2).unwrap_or_default(),
                self.name,
            ),
            ExpectFail::Vet => match self.run(self.go(&["vet", "."]), BUILD_TIMEOUT) {
                Ok((true, ..)) => vec![self.at(
                    "go-expect-fail",
                    "marked vet_fail, but go vet passes; fix the example or the mark".into(),
                )],
                _ => Vec::new(),
            },
        }
    }

    /// A `test` block: `go test -race` (benchmarks run once).
    fn test(&self, timeout: Duration) -> Vec<Diagnostic> {
        match self.run(
            self.go(&[
                "test",
                "-race",
                "-count=1",
                "-bench=.",
                "-benchtime=1x",
                &format!("-timeout={}s", timeout.as_secs()),
                ".",
            ]),
            BUILD_TIMEOUT + timeout,
        ) {
            Ok((true, ..)) => Vec::new(),
            Ok((_, _, _, true)) => vec![self.at(
                "go-timeout",
                format!(
                    "go test did not finish within {}s",
                    (BUILD_TIMEOUT + timeout).as_secs()
                ),
            )],
            Ok((_, o, e, _)) => {
                let text = format!("{o}\n{e}");
                let mut d = located("go-test", self.file, self.b, &text, self.name);
                if d.len() == 1 && d[0].message == "failed" {
                    d[0].message = text
                        .lines()
                        .filter(|l| !l.trim().is_empty())
                        .take(8)
                        .collect::<Vec<_>>()
                        .join("\n");
                }
                d
            }
            Err(e) => vec![self.at("go-test", format!("cannot run go: {e}"))],
        }
    }

    /// A program: built, run (unless `no_run`) and checked against `// Output:`.
    fn program(&self, timeout: Duration) -> Vec<Diagnostic> {
        match self.run(self.go(&["build", "-o", "prog", "."]), BUILD_TIMEOUT) {
            Ok((true, ..)) => {}
            Ok((_, _, _, true)) => {
                return vec![self.at(
                    "go-timeout",
                    format!(
                        "go build did not finish within {}s",
                        BUILD_TIMEOUT.as_secs()
                    ),
                )];
            }
            Ok((_, _, e, _)) => return located("go-build", self.file, self.b, &e, self.name),
            Err(e) => return vec![self.at("go-build", format!("cannot run go: {e}"))],
        }
        if self.b.info.no_run {
            return Vec::new();
        }
        let mut cmd = Command::new(self.dir.join("prog"));
        process::program_environment(&mut cmd);
        cmd.current_dir(&self.dir);
        match self.run(cmd, timeout) {
            Ok((_, _, _, true)) => vec![self.at(
                "go-timeout",
                format!("the program did not finish within {}s", timeout.as_secs()),
            )],
            Ok((false, _, e, _)) => {
                let msg = e.lines().take(6).collect::<Vec<_>>().join("\n");
                vec![self.at("go-run", format!("the program failed:\n{msg}"))]
            }
            Ok((true, got, ..)) => {
                match expected_output(&self.b.code) {
                    Some((line, want, unordered)) if !output_matches(&got, &want, unordered) => {
                        let want_text = want.join("\n") + "\n";
                        let diff = similar::TextDiff::from_lines(want_text.as_str(), got.as_str())
                            .unified_diff()
                            .context_radius(2)
                            .header("// Output:", "printed")
                            .to_string();
                        vec![
                            Diagnostic::error("go-output", format!("the program's output differs from its `// Output:` comment:\n{}", diff.trim_end()))
                                .in_file(self.file)
                                .at(self.b.first_line + line, self.b.indent + 1),
                        ]
                    }
                    _ => Vec::new(),
                }
            }
            Err(e) => vec![self.at("go-run", format!("cannot run the program: {e}"))],
        }
    }
}

/// The module named by `[go] module`.
struct Module {
    /// Folder holding its go.mod.
    dir: std::path::PathBuf,
    /// Hash of go.mod, go.sum and vendor/modules.txt: a cached result is
    /// stale once the module's dependencies change.
    fingerprint: String,
}

fn configured_module(site: &Site) -> Result<Option<Module>, Diagnostic> {
    let name = site.config.go.module.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let book = site.root.join("book.toml");
    let gomod = site.root.join(name);
    let gomod = if gomod.is_dir() {
        gomod.join("go.mod")
    } else {
        gomod
    };
    if !gomod.is_file() {
        return Err(Diagnostic::error(
            "go-test",
            format!(
                "[go] module = \"{name}\": there is no go.mod at {}; give the path of the \
                 module's go.mod relative to book.toml",
                gomod.display()
            ),
        )
        .in_file(&book)
        .at_pos(crate::config::key_position(&site.root, "go", "module")));
    }
    // Absolute: the built program is started from inside this folder.
    let dir = gomod
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| site.root.clone());
    let mut h = blake3::Hasher::new();
    for f in ["go.mod", "go.sum", "vendor/modules.txt"] {
        h.update(f.as_bytes());
        h.update(&std::fs::read(dir.join(f)).unwrap_or_default());
    }
    Ok(Some(Module {
        dir,
        fingerprint: h.finalize().to_hex().to_string(),
    }))
}

/// Run every testable Go block of `site`. `progress(done, total)` is called
/// as each block that was not cached finishes (from worker threads).
/// `running` records the processes and scratch folders of the run, so that
/// a signal handler can stop them ([`Running::stop`]).
pub fn run_site(
    site: &Site,
    (timeout, running): (Duration, &Running),
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<TestReport, Diagnostic> {
    let version = Command::new("go")
        .arg("version")
        .env("GOTOOLCHAIN", "local")
        .output()
        .map_err(|e| {
            Diagnostic::error(
                "go-test",
                format!("`go` is not on PATH ({e}): install a Go toolchain to run the examples"),
            )
        })?;
    let go_version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let cache_dir = site.root.join(&site.config.build.cache_dir);
    let cache_file = cache_dir.join("go-test.json");
    let mut passed: HashMap<String, bool> = std::fs::read(&cache_file)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut report = TestReport {
        go_version: go_version.clone(),
        ..TestReport::default()
    };
    let module = configured_module(site)?;
    let mut work: Vec<(Kind, &Path, CodeBlock, String, Home)> = Vec::new();
    for p in &site.pages {
        for b in p.rendered.text.code_blocks().iter() {
            let Some(kind) = kind_of(b) else { continue };
            let foreign = foreign_imports(&b.code);
            let home = if foreign.is_empty() {
                Home::Own
            } else if module.is_some() {
                Home::Module
            } else {
                report.skipped.push(format!(
                    "{}:{}: imports {} (outside the standard library; name a module with \
                     vendored dependencies in `[go] module` to build it)",
                    p.src.display.display(),
                    b.first_line,
                    foreign.join(", ")
                ));
                continue;
            };
            let fingerprint = match (&module, home) {
                (Some(m), Home::Module) => m.fingerprint.as_str(),
                _ => "",
            };
            let key = blake3::hash(
                format!("{go_version}\0{kind:?}\0{fingerprint}\0{}", b.code).as_bytes(),
            )
            .to_hex()
            .to_string();
            report.ran += 1;
            if passed.contains_key(&key) {
                report.cached += 1;
                continue;
            }
            work.push((kind, &p.src.display, b.clone(), key, home));
        }
    }
    // Own modules live outside the site; blocks of the configured module in
    // a folder inside it that `./...` ignores (a leading `_`). One folder
    // per run, removed afterwards.
    let run_name = format!("_handbook-test-{}", std::process::id());
    let scratch = std::env::temp_dir().join(&run_name);
    let in_module = module.as_ref().map(|m| m.dir.join(&run_name));
    for dir in std::iter::once(&scratch).chain(in_module.as_ref()) {
        running.add_folder(dir);
        std::fs::create_dir_all(dir).map_err(|e| {
            Diagnostic::error(
                "go-test",
                format!("cannot make a scratch folder {}: {e}", dir.display()),
            )
        })?;
    }
    let done = AtomicUsize::new(0);
    let results: Vec<(String, Vec<Diagnostic>)> = work
        .par_iter()
        .map(|(kind, file, b, key, home)| {
            let place = match (home, &in_module) {
                (Home::Module, Some(dir)) => (dir.as_path(), Home::Module),
                _ => (scratch.as_path(), Home::Own),
            };
            let findings = check_block(*kind, file, b, place, (timeout, running));
            progress(done.fetch_add(1, Ordering::SeqCst) + 1, work.len());
            (key.clone(), findings)
        })
        .collect();
    let _ = std::fs::remove_dir_all(&scratch);
    if let Some(dir) = &in_module {
        let _ = std::fs::remove_dir_all(dir);
    }
    for (key, findings) in results {
        if findings.is_empty() {
            passed.insert(key, true);
        }
        report.findings.extend(findings);
    }
    let _ = std::fs::create_dir_all(&cache_dir);
    if let Ok(json) = serde_json::to_vec(&passed) {
        let _ = std::fs::write(&cache_file, json);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_comments_are_read_like_go_examples() {
        let code =
            "package main\n\nfunc main() {\n\tprintln(1)\n\t// Output:\n\t// one\n\t//   two\n}\n";
        let (line, want, unordered) = expected_output(code).unwrap();
        assert_eq!((line, unordered), (4, false));
        assert_eq!(want, ["one", "  two"]);
        assert!(output_matches("one\n  two\n", &want, false));
        assert!(!output_matches("two\none\n", &want, false));
        let (_, want, unordered) = expected_output("// Unordered output: b\n// a\n").unwrap();
        assert!(unordered);
        assert!(output_matches("a\nb\n", &want, true));
        assert!(expected_output("package main\nfunc main() {}\n").is_none());
    }
}
