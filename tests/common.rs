//! Helpers shared by the integration tests: copy a fixture site to a temporary
//! folder and run the real `handbook` binary on it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2026-03-01T00:00:00Z: fixed build date for reproducible assertions.
pub(crate) const BUILD_EPOCH: &str = "1772323200";

/// Test helper: `copy_dir`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A private copy of `tests/fixtures/<name>`.
pub(crate) fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    copy_dir(&src, dir.path());
    dir
}

/// Test helper: `handbook`.
pub(crate) fn handbook(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(args)
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        .env("NO_COLOR", "1")
        .output()
        .expect("run handbook")
}

/// Test helper: `build`.
pub(crate) fn build(root: &Path) -> Output {
    handbook(root, &["build"])
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
pub(crate) fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Test helper: `stderr`.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Test helper: `read`.
pub(crate) fn read(root: &Path, rel: &str) -> String {
    let p: PathBuf = root.join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// Test helper: `write`.
pub(crate) fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Local `href`/`src` links of every HTML file under `dir` that lead to no
/// file: (page, link). Absolute paths (`/`) and URLs are not followed.
pub(crate) fn dangling_links(dir: &Path) -> Vec<(String, String)> {
    let mut bad = Vec::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        let here = e.path().parent().unwrap();
        for attr in ["href=\"", "src=\""] {
            for part in text.split(attr).skip(1) {
                let link = part.split('"').next().unwrap_or("");
                if link.is_empty()
                    || link.starts_with(['#', '/'])
                    || link.contains("://")
                    || link.starts_with("mailto:")
                    || link.starts_with("data:")
                {
                    continue;
                }
                let path = link.split(['#', '?']).next().unwrap_or("");
                if path.is_empty() {
                    continue;
                }
                let mut target = here.join(handbook::paths::percent_decode(path));
                if target.is_dir() {
                    target = target.join("index.html");
                }
                if !target.exists() {
                    let page = e
                        .path()
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    bad.push((page, link.to_string()));
                }
            }
        }
    }
    bad
}

/// The site at `root`, loaded as `check` and `serve` load it.
pub(crate) fn load_site(root: &Path) -> handbook::site::Site {
    let hl = handbook::highlight::Highlighter::new();
    let opts = handbook::site::LoadOptions {
        root: root.to_path_buf(),
        drafts: false,
        go_syntax: handbook::site::GoSyntax::Parse,
    };
    handbook::site::load(&opts, &hl, None).expect("the site loads")
}
