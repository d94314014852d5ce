//! `pymdownx.snippets` (`--8<-- "path"`, line ranges, named sections, the
//! block form) and `markdown_include` (`{!path!}`): text from other files,
//! inserted before anything else is read, inside code fences too (that is
//! how projects put real source files into examples).
//!
//! Paths are tried against the project root (pymdownx's default base path),
//! the docs folder and the including file's folder, and must stay inside the
//! enclosing git work tree (the project root outside one).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::markdown::Line;
use crate::diag::Diagnostic;

/// Where snippet paths resolve and how far they may reach.
pub struct SnippetCx<'a> {
    /// Folder holding mkdocs.yml.
    pub root: &'a Path,
    /// The docs folder.
    pub docs: &'a Path,
    /// Includes may not leave this folder (canonical).
    pub bound: &'a Path,
    /// Configured `base_path` entries (folders, or single files matched by
    /// name), tried first.
    pub bases: Vec<PathBuf>,
    /// Configured `auto_append` snippets, added to the end of every page.
    pub auto_append: Vec<String>,
}

const MAX_DEPTH: usize = 8;
const MAX_LINES: usize = 200_000;

/// Expand snippets and includes in `lines` (from `file`), recursively.
/// Returns the lines and the canonical paths of the files inserted.
pub fn expand(
    lines: Vec<Line>,
    file: &Path,
    display: &Path,
    cx: &SnippetCx<'_>,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Line>, Vec<PathBuf>) {
    let mut walk = Walk {
        lines_left: MAX_LINES,
        files: BTreeSet::new(),
    };
    let mut lines = lines;
    if !cx.auto_append.is_empty() {
        let last = lines.last().map_or(1, |l| l.src);
        for a in &cx.auto_append {
            lines.push(Line {
                text: String::new(),
                src: last,
                shift: 0,
            });
            lines.push(Line {
                text: format!("--8<-- \"{a}\""),
                src: last,
                shift: 0,
            });
        }
    }
    let lines = expand_in(lines, file, display, cx, errors, 0, &mut walk);
    (lines, walk.files.into_iter().collect())
}

/// What expanding one page has used up and read.
struct Walk {
    /// Lines the page's snippets may still add.
    lines_left: usize,
    /// Canonical paths of the files inserted.
    files: BTreeSet<PathBuf>,
}

fn expand_in(
    lines: Vec<Line>,
    file: &Path,
    display: &Path,
    cx: &SnippetCx<'_>,
    errors: &mut Vec<Diagnostic>,
    depth: usize,
    walk: &mut Walk,
) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    let mut block: Option<(Line, Vec<String>)> = None;
    for l in lines {
        let trimmed = l.text.trim();
        // Block form: `--8<--` alone opens and closes a list of paths.
        if let Some((open, paths)) = block.as_mut() {
            if trimmed == "--8<--" {
                let (open, paths) = (open.clone(), std::mem::take(paths));
                block = None;
                for p in paths {
                    insert(&open, &p, file, display, cx, errors, depth, walk, &mut out);
                }
            } else if !trimmed.is_empty() && !trimmed.starts_with(';') {
                paths.push(trimmed.to_string());
            }
            continue;
        }
        if trimmed == "--8<--" {
            block = Some((l, Vec::new()));
            continue;
        }
        if let Some(arg) = trimmed.strip_prefix("--8<--") {
            let arg = arg.trim().trim_matches(['"', '\'']);
            // Section markers (`--8<-- [start:name]`) are not content.
            if arg.starts_with("[start:") || arg.starts_with("[end:") {
                continue;
            }
            if !arg.is_empty() {
                insert(&l, arg, file, display, cx, errors, depth, walk, &mut out);
                continue;
            }
        }
        if trimmed.starts_with("{!") && trimmed.ends_with("!}") && trimmed.len() > 4 {
            let arg = trimmed[2..trimmed.len() - 2].trim();
            insert(&l, arg, file, display, cx, errors, depth, walk, &mut out);
            continue;
        }
        out.push(l);
    }
    if let Some((open, _)) = block {
        errors.push(
            Diagnostic::error(
                "include",
                "`--8<--` block is never closed: end it with another `--8<--` line",
            )
            .in_file(display)
            .at(open.src as usize, 1),
        );
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn insert(
    at: &Line,
    arg: &str,
    file: &Path,
    display: &Path,
    cx: &SnippetCx<'_>,
    errors: &mut Vec<Diagnostic>,
    depth: usize,
    walk: &mut Walk,
    out: &mut Vec<Line>,
) {
    let fail = |errors: &mut Vec<Diagnostic>, msg: String| {
        errors.push(
            Diagnostic::error("include", msg)
                .in_file(display)
                .at(at.src as usize, 1),
        );
    };
    if crate::imported::is_url(arg) {
        fail(
            errors,
            format!(
                "snippet `{arg}` is a URL: handbook builds offline; copy the file into the repository"
            ),
        );
        return;
    }
    if depth >= MAX_DEPTH {
        fail(
            errors,
            format!("snippet `{arg}`: snippets are nested more than {MAX_DEPTH} deep"),
        );
        return;
    }
    let (path, selector) = split(arg);
    let Some(target) = find(path, file, cx) else {
        fail(
            errors,
            format!(
                "snippet `{arg}`: no such file under the project root, the docs folder or beside this page"
            ),
        );
        return;
    };
    let canon = std::fs::canonicalize(&target).unwrap_or(target.clone());
    if !canon.starts_with(cx.bound) {
        fail(
            errors,
            format!(
                "snippet `{arg}` reaches outside {}; include files from inside it",
                cx.bound.display()
            ),
        );
        return;
    }
    let text = match crate::include::read_regular(&target) {
        Ok(t) => t,
        Err(e) => {
            fail(
                errors,
                format!("snippet `{arg}`: cannot read {}: {e}", target.display()),
            );
            return;
        }
    };
    let selected = match select(&text, selector) {
        Ok(s) => s,
        Err(m) => {
            fail(errors, format!("snippet `{arg}`: {m}"));
            return;
        }
    };
    if selected.len() > walk.lines_left {
        fail(
            errors,
            format!("snippet `{arg}`: the page's snippets add up to more than {MAX_LINES} lines"),
        );
        walk.lines_left = 0;
        return;
    }
    walk.lines_left -= selected.len();
    walk.files.insert(canon);
    // Inserted lines keep the directive's indentation (inside lists, tabs).
    let indent = &at.text[..at.text.len() - at.text.trim_start().len()];
    let lines: Vec<Line> = selected
        .iter()
        .map(|s| Line {
            text: format!("{indent}{s}"),
            src: at.src,
            shift: 0,
        })
        .collect();
    out.extend(expand_in(
        lines,
        &target,
        display,
        cx,
        errors,
        depth + 1,
        walk,
    ));
}

/// `path:5:10`, `path:5`, `path:name` -> (path, selector).
fn split(arg: &str) -> (&str, &str) {
    // A colon after the last `/` starts the selector (not `C:\` style paths).
    let name_start = arg.rfind('/').map_or(0, |i| i + 1);
    match arg[name_start..].find(':') {
        Some(i) => (&arg[..name_start + i], &arg[name_start + i + 1..]),
        None => (arg, ""),
    }
}

fn find(path: &str, file: &Path, cx: &SnippetCx<'_>) -> Option<PathBuf> {
    let here = file.parent().unwrap_or(Path::new("."));
    let configured = cx.bases.iter().find_map(|b| {
        if b.is_file() {
            (b.file_name()? == Path::new(path).file_name()?).then(|| b.clone())
        } else {
            Some(b.join(path)).filter(|p| p.is_file())
        }
    });
    configured.or_else(|| {
        [cx.root, cx.docs, here]
            .iter()
            .map(|base| base.join(path))
            .find(|p| p.is_file())
    })
}

/// The lines a selector picks: all, ranges (`5:10`, `5`, `1:3,7:8`) or a
/// named section between `--8<-- [start:name]` and `--8<-- [end:name]`.
fn select(text: &str, selector: &str) -> Result<Vec<String>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let is_marker = |l: &str| {
        let t = l.trim();
        t.contains("--8<-- [start:") || t.contains("--8<-- [end:")
    };
    if selector.is_empty() {
        return Ok(lines
            .iter()
            .filter(|l| !is_marker(l))
            .map(|s| s.to_string())
            .collect());
    }
    if selector
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == ',')
    {
        let mut out = Vec::new();
        for range in selector.split(',') {
            let num = |s: &str| s.trim().parse::<usize>().ok();
            let (a, b) = match range.split_once(':') {
                Some((a, b)) => (num(a).unwrap_or(1), num(b).unwrap_or(lines.len())),
                None => {
                    let n = num(range).ok_or("bad line number")?;
                    (n, lines.len())
                }
            };
            let (a, b) = (a.max(1), b.min(lines.len()));
            if a <= b {
                out.extend(
                    lines[a - 1..b]
                        .iter()
                        .filter(|l| !is_marker(l))
                        .map(|s| s.to_string()),
                );
            }
        }
        return Ok(out);
    }
    let start = format!("[start:{selector}]");
    let end = format!("[end:{selector}]");
    let from = lines
        .iter()
        .position(|l| l.contains(&start))
        .ok_or_else(|| format!("no `--8<-- {start}` in the file"))?;
    let to = lines[from + 1..]
        .iter()
        .position(|l| l.contains(&end))
        .map(|i| from + 1 + i)
        .ok_or_else(|| format!("no `--8<-- {end}` after `{start}`"))?;
    Ok(lines[from + 1..to]
        .iter()
        .filter(|l| !is_marker(l))
        .map(|s| s.to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        let t = "a\nb\n# --8<-- [start:mid]\nc\n# --8<-- [end:mid]\nd\n";
        assert_eq!(select(t, "mid").unwrap(), ["c"]);
        assert_eq!(select(t, "1:2").unwrap(), ["a", "b"]);
        assert_eq!(select(t, "6").unwrap(), ["d"]);
        assert_eq!(select(t, "1:1,6:6").unwrap(), ["a", "d"]);
        assert_eq!(select(t, "").unwrap(), ["a", "b", "c", "d"]);
        assert!(select(t, "nope").is_err());
        assert_eq!(split("docs/a.go:3:5"), ("docs/a.go", "3:5"));
        assert_eq!(split("a.md"), ("a.md", ""));
    }
}
