//! Printing diagnostics: for people (grouped by file, with the source line and
//! a caret), as JSON, as GitHub Actions workflow commands, and as a GitLab Code
//! Quality report.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, Severity};

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `path:line:col: error|warning: message`, grouped by file.
    #[default]
    Human,
    /// One JSON object per finding, in an array.
    Json,
    /// GitHub Actions workflow commands (annotations on the diff).
    Github,
    /// GitLab Code Quality report (JSON).
    Gitlab,
}

/// Render diagnostics in a format. `root` resolves files to read source lines.
pub fn render(d: &Diagnostics, format: Format, root: &Path, color: bool, pages: usize) -> String {
    match format {
        Format::Human => human(d, root, color, pages),
        Format::Json => json(d),
        Format::Github => github(d),
        Format::Gitlab => gitlab(d),
    }
}

/// One line per finding (`file:line:col: severity[code]: message`), then,
/// when there are several, a count per code: what `build` and `serve` print,
/// so a migrated folder's hundreds of findings stay readable.
pub fn compact(d: &Diagnostics, color: bool) -> String {
    let mut out = String::new();
    for x in &d.0 {
        let (on, off) = match (color, x.severity) {
            (true, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
            (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
            _ => ("", ""),
        };
        let _ = writeln!(
            out,
            "{}{on}{}{off}[{}]: {}",
            x.location_prefix(),
            x.severity,
            x.code,
            crate::diag::printable(&x.message)
        );
    }
    if d.0.len() > 1 {
        let counts: Vec<String> = d
            .by_code()
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        let _ = writeln!(out, "findings by code: {}", counts.join(", "));
    }
    out
}

fn human(d: &Diagnostics, root: &Path, color: bool, pages: usize) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut sources: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut out = String::new();
    let mut last_file: Option<&Option<PathBuf>> = None;
    for x in &d.0 {
        if last_file != Some(&x.file) {
            if last_file.is_some() {
                out.push('\n');
            }
            if let Some(f) = &x.file {
                let shown = f.display().to_string();
                let _ = writeln!(out, "{}", paint("1", &crate::diag::printable(&shown)));
            }
            last_file = Some(&x.file);
        }
        let sev = match x.severity {
            Severity::Error => paint("1;31", "error"),
            Severity::Warning => paint("1;33", "warning"),
        };
        let _ = writeln!(
            out,
            "{}{sev}[{}]: {}",
            x.location_prefix(),
            x.code,
            crate::diag::printable(&x.message)
        );
        if let (Some(f), true) = (&x.file, x.line > 0) {
            let lines = sources.entry(f.clone()).or_insert_with(|| {
                let path = if f.is_absolute() {
                    f.clone()
                } else {
                    root.join(f)
                };
                std::fs::read_to_string(path)
                    .map(|t| t.lines().map(String::from).collect())
                    .unwrap_or_default()
            });
            if let Some(src) = lines.get(x.line - 1) {
                let n = x.line.to_string();
                let _ = writeln!(out, "  {n} | {}", crate::diag::printable(src));
                if x.column > 0 {
                    let pad: String = src
                        .chars()
                        .take(x.column - 1)
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    let _ = writeln!(
                        out,
                        "  {} | {pad}{}",
                        " ".repeat(n.len()),
                        paint("1;31", "^")
                    );
                }
            }
        }
    }
    if !d.0.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} error{}, {} warning{} in {pages} page{}",
        d.error_count(),
        if d.error_count() == 1 { "" } else { "s" },
        d.warning_count(),
        if d.warning_count() == 1 { "" } else { "s" },
        if pages == 1 { "" } else { "s" }
    );
    out
}

fn json(d: &Diagnostics) -> String {
    serde_json::to_string_pretty(&d.0).expect("diagnostics serialise") + "\n"
}

fn github_escape(s: &str, property: bool) -> String {
    let mut s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        s = s.replace(':', "%3A").replace(',', "%2C");
    }
    s
}

fn github(d: &Diagnostics) -> String {
    let mut out = String::new();
    for x in &d.0 {
        let kind = match x.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(f) = &x.file {
            props.push(format!(
                "file={}",
                github_escape(&f.display().to_string(), true)
            ));
        }
        if x.line > 0 {
            props.push(format!("line={}", x.line));
        }
        if x.column > 0 {
            props.push(format!("col={}", x.column));
        }
        props.push(format!("title={}", github_escape(x.code, true)));
        let _ = writeln!(
            out,
            "::{kind} {}::{}",
            props.join(","),
            github_escape(&x.message, false)
        );
    }
    out
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}
#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}
#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'a str,
    location: Location,
}

fn gitlab(d: &Diagnostics) -> String {
    let issues: Vec<Issue<'_>> = d
        .0
        .iter()
        .map(|x: &Diagnostic| {
            let path = x
                .file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_default();
            let fingerprint =
                blake3::hash(format!("{}:{}:{}:{}", x.code, path, x.line, x.message).as_bytes())
                    .to_hex()[..32]
                    .to_string();
            Issue {
                description: &x.message,
                check_name: x.code,
                fingerprint,
                severity: match x.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: Location {
                    path,
                    lines: Lines {
                        begin: x.line.max(1),
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).expect("issues serialise") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_without_a_file_starts_with_its_severity() {
        let d = Diagnostics(vec![
            Diagnostic::error("output", "no file here"),
            Diagnostic::warning("w", "in a file")
                .in_file("a.md")
                .at(2, 3),
        ]);
        let human = render(&d, Format::Human, Path::new("/nonexistent"), false, 1);
        assert!(
            human.starts_with(
                "error[output]: no file here\n\na.md\na.md:2:3: warning[w]: in a file\n"
            ),
            "{human}"
        );
        assert!(human.ends_with("1 error, 1 warning in 1 page\n"), "{human}");
        let compact = compact(&d, false);
        assert!(
            compact.starts_with("error[output]: no file here\na.md:2:3: warning[w]"),
            "{compact}"
        );
    }
}
