//! Crash consistency: `handbook build` killed with SIGKILL at arbitrary
//! moments never leaves anything but the whole old or the whole new site,
//! and no staging folder outlives the next build.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::*;

/// Every file of the output, with its bytes' hash.
fn snapshot(dir: &Path) -> BTreeMap<String, blake3::Hash> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, blake3::hash(&std::fs::read(e.path()).unwrap()))
        })
        .collect()
}

fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".handbook-tmp-") || n.contains(".handbook-old-"))
        .collect()
}

/// A site big enough that a build takes a while: `n` pages, each saying `version`.
fn write_site(root: &Path, n: usize, version: usize) {
    for i in 0..n {
        write(
            root,
            &format!("content/s{}/p{i}.md", i % 10),
            &format!(
                "# Page {i}\n\nVersion {version}.\n\n```go\nfunc f{i}() int {{ return {version} }}\n```\n"
            ),
        );
    }
}

#[test]
fn killed_builds_leave_the_old_or_the_new_site_whole() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "book.toml", "[book]\ntitle = \"Crash\"\n");
    write_site(root, 400, 0);
    let t = Instant::now();
    assert!(build(root).status.success());
    let full = t.elapsed();
    let out = root.join("public");
    let mut good = snapshot(&out);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for version in 1..=12 {
        write_site(root, 400, version);
        // Kill somewhere between the start and a little past a full build.
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let at = full.mul_f64((seed >> 33) as f64 / (1u64 << 31) as f64 * 1.2);
        let mut child = Command::new(env!("CARGO_BIN_EXE_handbook"))
            .args(["build"])
            .current_dir(root)
            .env("SOURCE_DATE_EPOCH", BUILD_EPOCH)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The output is one whole site: the previous one or the new one.
        let now = snapshot(&out);
        let finished = build_and_snapshot(root, &out);
        assert!(
            now == good || now == finished,
            "version {version}: killed after {at:?}, the output is neither the old nor the new site ({} files)",
            now.len()
        );
        assert!(
            leftovers(root).is_empty(),
            "version {version}: {:?}",
            leftovers(root)
        );
        good = finished;
    }
}

/// A build run to completion, and the site it wrote.
fn build_and_snapshot(root: &Path, out: &Path) -> BTreeMap<String, blake3::Hash> {
    let o = build(root);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = snapshot(out);
    assert!(s.len() > 400, "a whole site");
    s
}

#[test]
fn ctrl_c_and_sigterm_leave_no_staging_folder() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "book.toml", "[book]\ntitle = \"Signals\"\n");
    write_site(root, 400, 0);
    assert!(build(root).status.success());
    let mut before = snapshot(&root.join("public"));
    let mut interrupted = 0;
    for (i, signal) in ["-INT", "-TERM", "-INT", "-TERM", "-INT", "-TERM"]
        .iter()
        .enumerate()
    {
        write_site(root, 400, i + 1);
        let child = Command::new(env!("CARGO_BIN_EXE_handbook"))
            .args(["build"])
            .current_dir(root)
            .env("SOURCE_DATE_EPOCH", BUILD_EPOCH)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Early, while pages are being written (the build takes far longer).
        std::thread::sleep(std::time::Duration::from_millis(150 + 40 * i as u64));
        let _ = Command::new("kill")
            .args([*signal, &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap();
        if out.status.code() == Some(130) {
            interrupted += 1;
            // Interrupted: the previous site is whole and nothing is left beside it.
            assert_eq!(snapshot(&root.join("public")), before, "{signal}");
        }
        assert!(
            leftovers(root).is_empty(),
            "{signal}: {:?}",
            leftovers(root)
        );
        // Make the next round's "previous site" the current one.
        assert!(build(root).status.success());
        before = snapshot(&root.join("public"));
    }
    assert!(
        interrupted >= 1,
        "no build was interrupted; the site builds too fast for this test"
    );
}
