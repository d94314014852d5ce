//! Gives the program an identity for its build cache: a hash of the source it
//! was compiled from (`src/`, `themes/`), as `HANDBOOK_SOURCE_ID`. Stored
//! renderings, search counts and highlighting are only read back by a program
//! built from the same source, so a developer's build of handbook never
//! reads values an older build wrote under the same version number.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let mut all = Vec::new();
    for dir in ["src", "themes"] {
        println!("cargo:rerun-if-changed={dir}");
        files(Path::new(dir), &mut all);
    }
    all.sort();
    // SipHash with fixed keys: the same source gives the same id.
    let mut h = std::hash::DefaultHasher::new();
    for path in &all {
        h.write(path.to_string_lossy().as_bytes());
        h.write(&std::fs::read(path).unwrap_or_default());
    }
    println!("cargo:rustc-env=HANDBOOK_SOURCE_ID={:016x}", h.finish());
}
