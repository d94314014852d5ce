//! mdBook's include directives: `{{#include file}}`, line ranges (`:5:10`,
//! `:5:`, `::10`, `:5`), anchors (`:name` between `ANCHOR: name` and
//! `ANCHOR_END: name`), `{{#rustdoc_include}}` (treated as include) and
//! `{{#title}}`. `\{{#include ...}}` stays literal.
//!
//! Paths are relative to the including file; they may leave the source folder
//! but never the book's root. Cycles and missing files are errors at file:line.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, display_path};

/// Expanded text and the title set by `{{#title}}`, if any.
#[derive(Debug)]
pub struct Expanded {
    /// The text with every directive replaced.
    pub text: String,
    /// From `{{#title ...}}`.
    pub title: Option<String>,
}

/// Expand the directives in `text`, read from `file`; `root` bounds includes.
pub fn expand(text: &str, file: &Path, root: &Path) -> Result<Expanded, Diagnostic> {
    let mut stack = vec![canonical(file)];
    let mut title = None;
    let text = expand_in(text, file, root, &mut stack, &mut title)?;
    Ok(Expanded { text, title })
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn expand_in(
    text: &str,
    file: &Path,
    root: &Path,
    stack: &mut Vec<PathBuf>,
    title: &mut Option<String>,
) -> Result<String, Diagnostic> {
    if !text.contains("{{#") {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut consumed = 0;
    while let Some(at) = rest.find("{{#") {
        // An escaped directive stays literal, minus the backslash.
        if at > 0 && rest.as_bytes()[at - 1] == b'\\' {
            out.push_str(&rest[..at - 1]);
            out.push_str("{{#");
            rest = &rest[at + 3..];
            consumed += at + 3;
            continue;
        }
        let Some(end) = rest[at..].find("}}") else {
            break;
        };
        let inner = rest[at + 3..at + end].trim();
        let line = text[..consumed + at].matches('\n').count() + 1;
        let located = |msg: String| {
            Diagnostic::error("include", msg)
                .in_file(display_path(root, file))
                .at(line, 1)
        };
        let (name, arg) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let arg = arg.trim();
        let replacement = match name {
            "include" | "rustdoc_include" => {
                let (path_part, selector) = split_selector(arg);
                let target = file.parent().unwrap_or(Path::new(".")).join(path_part);
                let canon = canonical(&target);
                if !canon.starts_with(canonical(root)) {
                    return Err(located(format!(
                        "{{{{#{name} {arg}}}}} reaches outside the book's folder; include files from inside it"
                    )));
                }
                if stack.contains(&canon) {
                    return Err(located(format!(
                        "{{{{#{name} {arg}}}}} includes a file that includes this one (a cycle)"
                    )));
                }
                let content = std::fs::read_to_string(&target).map_err(|e| {
                    located(format!(
                        "{{{{#{name} {arg}}}}}: cannot read {}: {e}",
                        target.display()
                    ))
                })?;
                let selected = select(&content, selector)
                    .map_err(|m| located(format!("{{{{#{name} {arg}}}}}: {m}")))?;
                stack.push(canon);
                let expanded = expand_in(&selected, &target, root, stack, title)?;
                stack.pop();
                expanded
            }
            "title" => {
                *title = Some(arg.to_string());
                String::new()
            }
            // Other mdBook directives (playground, ...) are left as written.
            _ => rest[at..at + end + 2].to_string(),
        };
        out.push_str(&rest[..at]);
        out.push_str(&replacement);
        rest = &rest[at + end + 2..];
        consumed += at + end + 2;
    }
    out.push_str(rest);
    Ok(out)
}

/// Split `file.rs:5:10` into the path and the selector after the first `:`.
fn split_selector(arg: &str) -> (&str, &str) {
    match arg.find(':') {
        Some(i) => (&arg[..i], &arg[i + 1..]),
        None => (arg, ""),
    }
}

/// Apply a selector: `` (all), `5` (one line), `5:10`, `5:`, `:10`, or an anchor name.
fn select(content: &str, selector: &str) -> Result<String, String> {
    let lines: Vec<&str> = content.lines().collect();
    let join = |ls: &[&str]| {
        let mut s = ls.join("\n");
        s.push('\n');
        s
    };
    if selector.is_empty() {
        return Ok(content.to_string());
    }
    let num = |s: &str| s.trim().parse::<usize>().ok();
    let is_range = selector.chars().all(|c| c.is_ascii_digit() || c == ':');
    if is_range {
        let (a, b) = match selector.split_once(':') {
            Some((a, b)) => (num(a).unwrap_or(1), num(b).unwrap_or(lines.len())),
            None => {
                let n = num(selector).ok_or("bad line number")?;
                (n, n)
            }
        };
        let a = a.max(1);
        let b = b.min(lines.len());
        if a > b {
            return Ok(String::new());
        }
        return Ok(join(&lines[a - 1..b]));
    }
    // Anchor: lines between ANCHOR: name and ANCHOR_END: name, without any anchor lines.
    let start = lines
        .iter()
        .position(|l| anchor_of(l, "ANCHOR:") == Some(selector))
        .ok_or_else(|| format!("no `ANCHOR: {selector}` in the file"))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| anchor_of(l, "ANCHOR_END:") == Some(selector))
        .map(|e| start + 1 + e)
        .ok_or_else(|| format!("no `ANCHOR_END: {selector}` after `ANCHOR: {selector}`"))?;
    let kept: Vec<&str> = lines[start + 1..end]
        .iter()
        .filter(|l| anchor_of(l, "ANCHOR:").is_none() && anchor_of(l, "ANCHOR_END:").is_none())
        .copied()
        .collect();
    Ok(join(&kept))
}

fn anchor_of<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let i = line.find(marker)?;
    line[i + marker.len()..].split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("src")).unwrap();
        std::fs::write(
            d.path().join("code.go"),
            "l1\nl2\n// ANCHOR: body\nl4\nl5\n// ANCHOR_END: body\nl7\n",
        )
        .unwrap();
        d
    }

    fn run(d: &Path, text: &str) -> Result<Expanded, Diagnostic> {
        expand(text, &d.join("src/page.md"), d)
    }

    #[test]
    fn ranges_anchors_and_escapes() {
        let d = setup();
        let p = d.path();
        assert_eq!(
            run(p, "{{#include ../code.go:1:2}}").unwrap().text,
            "l1\nl2\n"
        );
        assert_eq!(
            run(p, "{{#include ../code.go:6:}}").unwrap().text,
            "// ANCHOR_END: body\nl7\n"
        );
        assert_eq!(run(p, "{{#include ../code.go::1}}").unwrap().text, "l1\n");
        assert_eq!(run(p, "{{#include ../code.go:2}}").unwrap().text, "l2\n");
        assert_eq!(
            run(p, "{{#rustdoc_include ../code.go:body}}").unwrap().text,
            "l4\nl5\n"
        );
        assert_eq!(
            run(p, "\\{{#include x.md}}").unwrap().text,
            "{{#include x.md}}"
        );
        let t = run(p, "{{#title Custom}}\n# H").unwrap();
        assert_eq!(t.title.as_deref(), Some("Custom"));
        assert_eq!(run(p, "{{ .Title }}").unwrap().text, "{{ .Title }}");
    }

    #[test]
    fn errors_are_located() {
        let d = setup();
        let p = d.path();
        let e = run(p, "a\n\n{{#include missing.md}}").unwrap_err();
        assert_eq!(e.line, 3);
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.md"), "x").unwrap();
        let rel = format!("{{{{#include {}}}}}", outside.path().join("x.md").display());
        let e = run(p, &rel).unwrap_err();
        assert!(e.message.contains("outside"), "{}", e.message);
        std::fs::write(p.join("src/a.md"), "{{#include b.md}}").unwrap();
        std::fs::write(p.join("src/b.md"), "{{#include a.md}}").unwrap();
        let e = expand("{{#include a.md}}", &p.join("src/page.md"), p).unwrap_err();
        assert!(e.message.contains("cycle"), "{}", e.message);
        let e = run(p, "{{#include ../code.go:nope}}").unwrap_err();
        assert!(e.message.contains("ANCHOR: nope"));
    }
}
