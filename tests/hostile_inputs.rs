//! Careless and hostile inputs to `build` and `check` (round 3): each gets a
//! finding with its file and line, nothing hangs, and nothing outside the
//! project reaches the site.

mod common;

use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// Run `handbook args` with a deadline; (exit code, stderr + stdout).
fn run_bounded(root: &Path, args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(args)
        .current_dir(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stderr).to_string()
                + &String::from_utf8_lossy(&out.stdout);
            return (status.code(), text);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("handbook {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn an_include_of_a_named_pipe_is_refused_not_waited_on() {
    // mdBook {{#include}}.
    let d = fixture("mdbook");
    mkfifo(&d.path().join("src/fifo"));
    write(d.path(), "src/README.md", "# Ops\n\n{{#include fifo}}\n");
    let root = d.path().to_str().unwrap();
    for cmd in ["build", "check"] {
        let (code, out) = run_bounded(d.path(), &[cmd, "--root", root], Duration::from_secs(60));
        assert!(out.contains("src/README.md:3"), "{cmd}: {out}");
        assert!(out.contains("not a regular file"), "{cmd}: {out}");
        assert!(code.is_some(), "{cmd}");
    }
    // MkDocs snippets.
    let d = fixture("mkdocs");
    mkfifo(&d.path().join("docs/fifo.md"));
    write(d.path(), "docs/index.md", "# Home\n\n--8<-- \"fifo.md\"\n");
    let root = d.path().to_str().unwrap();
    let (_, out) = run_bounded(d.path(), &["build", "--root", root], Duration::from_secs(60));
    assert!(
        out.contains("docs/index.md:3:1") && out.contains("snippet `fifo.md`"),
        "{out}"
    );
}
