//! mdBook's include directives: `{{#include file}}`, line ranges (`:5:10`,
//! `:5:`, `::10`, `:5`), anchors (`:name` between `ANCHOR: name` and
//! `ANCHOR_END: name`), `{{#rustdoc_include}}` (treated as include) and
//! `{{#title}}`. `\{{#include ...}}` stays literal.
//!
//! `{{#playground}}` is read like an include; a directive with no path stays
//! literal, as in mdBook. Paths are relative to the including file; they may
//! leave the source folder but never the enclosing git work tree (or the
//! book's root outside one). Cycles, missing files, nesting deeper than
//! 12, more than 10,000 includes and pages past 16 MiB are errors at file:line; the page still builds
//! without the failed directive.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, display_path};

/// Expanded text, the title set by `{{#title}}`, and what went wrong.
#[derive(Debug)]
pub struct Expanded {
    /// The text with every directive replaced (a failed one by nothing).
    pub text: String,
    /// From `{{#title ...}}`.
    pub title: Option<String>,
    /// One finding per directive that could not be expanded.
    pub errors: Vec<Diagnostic>,
    /// Canonical paths of the files included, sorted.
    pub files: Vec<PathBuf>,
    /// When expansion changed the number of lines: per line of `text`, the
    /// 1-based line of the file it comes from (an included line: its
    /// directive's) and 0 columns removed, as `SourceFile::line_map` wants.
    pub line_map: Option<Vec<(u32, u32)>>,
}

/// Deepest include nesting; deeper is a runaway (or a bomb), not a document.
const MAX_DEPTH: usize = 12;
/// Largest expanded page (bytes).
const MAX_SIZE: usize = 16 << 20;
/// Most include directives expanded for one page.
const MAX_INCLUDES: usize = 10_000;

/// Expand the directives in `text`, read from `file`. Included files must lie
/// under `bound` (the enclosing git work tree, or the site root); `root` is
/// what paths in messages are relative to.
pub fn expand(text: &str, file: &Path, root: &Path, bound: &Path) -> Expanded {
    let mut cx = Cx {
        root,
        bound: canonical(bound),
        stack: vec![canonical(file)],
        title: None,
        errors: Vec::new(),
        produced: 0,
        runaway: false,
        read: Default::default(),
        read_count: 0,
        spans: Vec::new(),
    };
    let expanded = cx.expand_in(text, file);
    let mut files: Vec<PathBuf> = cx.read.into_keys().collect();
    files.sort();
    let moved = cx
        .spans
        .iter()
        .any(|s| newlines(&expanded[s.0..s.1]) != s.3);
    Expanded {
        line_map: moved.then(|| line_map(&expanded, &cx.spans)),
        text: expanded,
        title: cx.title,
        errors: cx.errors,
        files,
    }
}

fn newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// Per line of `out`, the source line it comes from: lines that start inside
/// a replacement come from its directive's line, the others are shifted by
/// the lines the replacements before them added.
fn line_map(out: &str, spans: &[(usize, usize, usize, usize)]) -> Vec<(u32, u32)> {
    let mut map = Vec::new();
    let mut added: i64 = 0;
    let mut next = 0;
    let mut start = 0;
    for (i, line) in out.split_inclusive('\n').enumerate() {
        while let Some(s) = spans.get(next).filter(|s| s.1 <= start) {
            added += newlines(&out[s.0..s.1]) as i64 - s.3 as i64;
            next += 1;
        }
        let from = match spans.get(next) {
            Some(s) if s.0 <= start && start < s.1 => s.2,
            _ => (i as i64 + 1 - added).max(1) as usize,
        };
        map.push((from as u32, 0));
        start += line.len();
    }
    map
}

/// The folder includes may reach: the enclosing git work tree (mdBook's guide
/// includes `../../examples/...`), or `root` when it is not in one.
pub fn bound_for(root: &Path) -> PathBuf {
    let root = canonical(root);
    root.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&root)
        .to_path_buf()
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

struct Cx<'a> {
    root: &'a Path,
    bound: PathBuf,
    stack: Vec<PathBuf>,
    title: Option<String>,
    errors: Vec<Diagnostic>,
    /// Bytes included so far in this page, against [`MAX_SIZE`].
    produced: usize,
    /// A runaway (too deep, too large) is reported once per page; after
    /// that further includes are skipped without a word.
    runaway: bool,
    /// Files already read for this page (a file included many times is read once).
    read: std::collections::HashMap<PathBuf, String>,
    /// Include directives expanded so far, against [`MAX_INCLUDES`].
    read_count: usize,
    /// The page's own directives: (start, end) of the replacement in the
    /// output, the directive's line, the newlines the directive spanned.
    spans: Vec<(usize, usize, usize, usize)>,
}

impl Cx<'_> {
    fn expand_in(&mut self, text: &str, file: &Path) -> String {
        if !text.contains("{{#") {
            return text.to_string();
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
            let (name, arg) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
            let arg = arg.trim();
            let literal = &rest[at..at + end + 2];
            let replacement = match name {
                // mdBook leaves a directive without a path as written.
                "include" | "rustdoc_include" | "playground" if arg.is_empty() => {
                    literal.to_string()
                }
                "include" | "rustdoc_include" | "playground" => {
                    match self.include(name, arg, file) {
                        Ok(s) => s,
                        Err(msg) => {
                            self.errors.push(
                                Diagnostic::error("include", msg)
                                    .in_file(display_path(self.root, file))
                                    .at(line, 1),
                            );
                            String::new()
                        }
                    }
                }
                "title" => {
                    self.title = Some(arg.to_string());
                    String::new()
                }
                // Other mdBook directives are left as written.
                _ => literal.to_string(),
            };
            out.push_str(&rest[..at]);
            if self.stack.len() == 1 {
                let start = out.len();
                self.spans
                    .push((start, start + replacement.len(), line, newlines(literal)));
            }
            out.push_str(&replacement);
            rest = &rest[at + end + 2..];
            consumed += at + end + 2;
        }
        out.push_str(rest);
        out
    }

    /// The text one include directive stands for.
    fn include(&mut self, name: &str, arg: &str, file: &Path) -> Result<String, String> {
        let (path_part, selector) = split_selector(arg);
        let target = file.parent().unwrap_or(Path::new(".")).join(path_part);
        let canon = canonical(&target);
        let shown = format!("{{{{#{name} {arg}}}}}");
        if !canon.starts_with(&self.bound) {
            return Err(format!(
                "{shown} reaches outside {}; include files from inside it",
                self.bound.display()
            ));
        }
        if self.stack.contains(&canon) {
            return Err(format!(
                "{shown} includes a file that includes this one (a cycle)"
            ));
        }
        let runaway = if self.stack.len() > MAX_DEPTH {
            Some(format!(
                "{shown}: includes are nested more than {MAX_DEPTH} deep"
            ))
        } else if self.read_count >= MAX_INCLUDES {
            Some(format!(
                "{shown}: more than {MAX_INCLUDES} includes in one page; include less"
            ))
        } else if self.produced > MAX_SIZE {
            Some(format!(
                "{shown}: the page's includes add up to more than {} MiB; include less",
                MAX_SIZE >> 20
            ))
        } else {
            None
        };
        if let Some(msg) = runaway {
            if self.runaway {
                return Ok(String::new());
            }
            self.runaway = true;
            return Err(msg);
        }
        self.read_count += 1;
        let content = match self.read.get(&canon) {
            Some(c) => c.clone(),
            None => {
                let c = read_regular(&target)
                    .map_err(|e| format!("{shown}: cannot read {}: {e}", target.display()))?;
                self.read.insert(canon.clone(), c.clone());
                c
            }
        };
        let selected = select(&content, selector).map_err(|m| format!("{shown}: {m}"))?;
        self.produced += selected.len();
        self.stack.push(canon);
        let expanded = self.expand_in(&selected, &target);
        self.stack.pop();
        Ok(expanded)
    }
}

/// Largest file an include reads.
pub const MAX_FILE: u64 = 16 << 20;

/// Read an included file: a regular file of at most [`MAX_FILE`] bytes of
/// UTF-8. Opened without blocking, so a named pipe or a device is refused,
/// never waited on.
pub fn read_regular(path: &Path) -> Result<String, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file (a folder, pipe or device); include a file".into());
    }
    if meta.len() > MAX_FILE {
        return Err(format!(
            "{} MiB is more than the {} MiB an include may be",
            meta.len() >> 20,
            MAX_FILE >> 20
        ));
    }
    let mut text = String::new();
    file.take(MAX_FILE)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    Ok(text)
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
    #[test]
    fn included_lines_map_to_their_directive_and_later_lines_to_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("five.md"), "a\nb\nc\nd\ne\n").unwrap();
        let page = root.join("page.md");
        let text =
            "# T\n\n{{#include five.md}}\n\nafter [x](y.md)\n{{#include missing.md}}\nlast\n";
        let x = expand(text, &page, root, root);
        let map = x.line_map.expect("lines moved");
        let lines: Vec<&str> = x.text.lines().collect();
        let at = |needle: &str| {
            let i = lines.iter().position(|l| l.contains(needle)).unwrap();
            map[i].0
        };
        assert_eq!(at("a"), 3);
        assert_eq!(at("e"), 3);
        assert_eq!(at("after"), 5, "{:?}\n{map:?}", x.text);
        assert_eq!(at("last"), 7);
        assert_eq!(map.len(), lines.len());
        // Nothing moved: no map.
        std::fs::write(root.join("one.md"), "only").unwrap();
        assert!(
            expand("x {{#include one.md}} y\n", &page, root, root)
                .line_map
                .is_none()
        );
    }

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
        let x = expand(text, &d.join("src/page.md"), d, d);
        match x.errors.first() {
            Some(e) => Err(e.clone()),
            None => Ok(x),
        }
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
        assert_eq!(run(p, "{{#playground ../code.go:2}}").unwrap().text, "l2\n");
        assert_eq!(
            run(p, "{{#rustdoc_include ../code.go:body}}").unwrap().text,
            "l4\nl5\n"
        );
        assert_eq!(
            run(p, "\\{{#include x.md}}").unwrap().text,
            "{{#include x.md}}"
        );
        // No path: literal, as mdBook leaves it.
        assert_eq!(
            run(p, "a {{#include }} b").unwrap().text,
            "a {{#include }} b"
        );
        let t = run(p, "{{#title Custom}}\n# H").unwrap();
        assert_eq!(t.title.as_deref(), Some("Custom"));
        assert_eq!(run(p, "{{ .Title }}").unwrap().text, "{{ .Title }}");
    }

    #[test]
    fn errors_are_located_and_the_rest_expands() {
        let d = setup();
        let p = d.path();
        let x = expand(
            "a\n\n{{#include missing.md}}\n{{#include ../code.go:2}}",
            &p.join("src/page.md"),
            p,
            p,
        );
        assert_eq!(x.errors.len(), 1);
        assert_eq!(x.errors[0].line, 3);
        assert_eq!(x.text, "a\n\n\nl2\n");
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.md"), "x").unwrap();
        let rel = format!("{{{{#include {}}}}}", outside.path().join("x.md").display());
        let e = run(p, &rel).unwrap_err();
        assert!(e.message.contains("outside"), "{}", e.message);
        std::fs::write(p.join("src/a.md"), "{{#include b.md}}").unwrap();
        std::fs::write(p.join("src/b.md"), "{{#include a.md}}").unwrap();
        let e = run(p, "{{#include a.md}}").unwrap_err();
        assert!(e.message.contains("cycle"), "{}", e.message);
        let e = run(p, "{{#include ../code.go:nope}}").unwrap_err();
        assert!(e.message.contains("ANCHOR: nope"));
    }

    #[test]
    fn includes_reach_the_git_work_tree_not_beyond() {
        let d = tempfile::tempdir().unwrap();
        let repo = d.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("guide/src")).unwrap();
        std::fs::create_dir_all(repo.join("examples")).unwrap();
        std::fs::write(repo.join("examples/a.rs"), "fn a() {}\n").unwrap();
        std::fs::write(d.path().join("secret.txt"), "no\n").unwrap();
        let book = repo.join("guide");
        let bound = bound_for(&book);
        let page = book.join("src/page.md");
        let x = expand("{{#include ../../examples/a.rs}}", &page, &book, &bound);
        assert!(x.errors.is_empty(), "{:?}", x.errors);
        assert_eq!(x.text, "fn a() {}\n");
        let x = expand("{{#include ../../../secret.txt}}", &page, &book, &bound);
        assert_eq!(x.errors.len(), 1);
        assert!(x.text.is_empty());
    }

    #[test]
    fn include_bombs_stop() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        // Each level includes the next ten times; 20 levels deep.
        for i in 0..20 {
            let line = format!("{{{{#include l{}.md}}}}\n", i + 1).repeat(10);
            std::fs::write(p.join(format!("l{i}.md")), line).unwrap();
        }
        std::fs::write(p.join("l20.md"), "x".repeat(1000)).unwrap();
        let x = expand("{{#include l0.md}}", &p.join("page.md"), p, p);
        assert!(!x.errors.is_empty());
        assert!(x.text.len() <= MAX_SIZE);
    }
}
