//! A git history for a generated site: one commit adding everything, then
//! commits that each revise one page (cycling through the pages, twenty
//! authors, an hour apart), written with `git fast-import` so that 10,000
//! commits take seconds, then repacked. Needs the `git` program.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const AUTHORS: usize = 20;
/// 2024-01-01T00:00:00Z.
const START: i64 = 1_704_067_200;

fn git(site: &Path, args: &[&str]) -> std::io::Result<()> {
    let status = Command::new("git")
        .args(args)
        .current_dir(site)
        .stdout(Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "git {} failed",
            args.join(" ")
        )))
    }
}

/// Turn `site` into a repository with `commits` commits touching `content/`.
pub fn make(site: &Path, commits: usize) -> std::io::Result<()> {
    let content = site.join("content");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(site)
                .expect("under the site")
                .to_string_lossy()
                .replace('\\', "/");
            std::fs::read(e.path()).map(|b| (rel, b))
        })
        .collect::<Result<_, _>>()?;
    files.sort();
    let pages: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].0.ends_with(".md") && !files[i].0.ends_with("_index.md"))
        .collect();
    git(site, &["init", "-q"])?;
    git(site, &["symbolic-ref", "HEAD", "refs/heads/main"])?;
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(site)
        .stdin(Stdio::piped())
        .spawn()?;
    {
        let mut w = std::io::BufWriter::new(child.stdin.take().expect("piped"));
        let mut current: HashMap<usize, Vec<u8>> = HashMap::new();
        for k in 0..commits.max(1) {
            let who = k % AUTHORS;
            let time = START + k as i64 * 3600;
            let msg = if k == 0 {
                "Add the handbook".to_string()
            } else {
                format!("Revise page {}", pages[k % pages.len()])
            };
            write!(
                w,
                "commit refs/heads/main\nauthor Author {who} <author{who}@example.com> {time} +0000\n\
                 committer Author {who} <author{who}@example.com> {time} +0000\ndata {}\n{msg}\n",
                msg.len()
            )?;
            if k == 0 {
                let ignore = "public/\n.handbook-cache/\n";
                writeln!(
                    w,
                    "M 100644 inline .gitignore\ndata {}\n{ignore}",
                    ignore.len()
                )?;
                for (path, bytes) in &files {
                    writeln!(w, "M 100644 inline {path}\ndata {}", bytes.len())?;
                    w.write_all(bytes)?;
                    writeln!(w)?;
                }
            } else {
                let i = pages[k % pages.len()];
                let text = current.entry(i).or_insert_with(|| files[i].1.clone());
                text.extend_from_slice(format!("\nRevised in commit {k}.\n").as_bytes());
                writeln!(w, "M 100644 inline {}\ndata {}", files[i].0, text.len())?;
                w.write_all(text)?;
                writeln!(w)?;
            }
            writeln!(w)?;
        }
        w.flush()?;
    }
    if !child.wait()?.success() {
        return Err(std::io::Error::other("git fast-import failed"));
    }
    // Packed as a clone from a server would be (fast-import's own pack
    // chains every revision on the one before), then the work tree and
    // index as of the last commit.
    git(site, &["repack", "-adq"])?;
    git(site, &["reset", "-q", "--hard", "main"])
}
