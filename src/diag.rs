//! Diagnostics: precise, human-readable findings with file, line and column.
//!
//! Every stage of the pipeline reports problems as [`Diagnostic`]s instead of
//! stopping at the first one, so a build lists everything that is wrong at once.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the build (or `check`).
    Error,
    /// Reported, but the build goes on (fails `check --strict`).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One finding about the input, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable machine-readable code, e.g. `broken-link`.
    pub code: &'static str,
    /// File the finding is about (as given to the user: relative to the site root when possible).
    pub file: Option<PathBuf>,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl Diagnostic {
    /// A new error with the given code and message.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
        }
    }

    /// A new warning with the given code and message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    /// Attach a file.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Attach a 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Attach a 1-based (line, column) pair.
    pub fn at_pos(self, (line, column): (usize, usize)) -> Self {
        self.at(line, column)
    }

    /// `file:line:col: ` to print before the severity, or nothing when the
    /// finding has no location.
    pub fn location_prefix(&self) -> String {
        let loc = self.location();
        if loc.is_empty() { loc } else { loc + ": " }
    }

    /// `file:line:col` (or as much of it as is known).
    pub fn location(&self) -> String {
        let mut s = match &self.file {
            Some(f) => printable(&f.display().to_string()).into_owned(),
            None => String::new(),
        };
        if self.line > 0 {
            s.push_str(&format!(":{}", self.line));
            if self.column > 0 {
                s.push_str(&format!(":{}", self.column));
            }
        }
        s
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}[{}]: {}",
            self.location_prefix(),
            self.severity,
            self.code,
            printable(&self.message)
        )
    }
}

/// `s` safe to print on a terminal: control characters other than line
/// breaks and tabs (an escape sequence in a file name, a title or a source
/// line) are shown as `\u{1b}`, never sent raw.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let raw = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.chars().any(raw) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if raw(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// Several diagnostics returned as one error value.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Number of errors (not warnings).
    pub fn error_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }
    /// Findings per code, most frequent first (ties by code).
    pub fn by_code(&self) -> Vec<(&'static str, usize)> {
        let mut counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
        for d in &self.0 {
            *counts.entry(d.code).or_default() += 1;
        }
        let mut v: Vec<_> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
    /// Sort by file, line, column for stable, readable output.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
        });
        self.0.dedup();
    }
}

/// What a finding code is reported as (`[check.levels]` in book.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Fails `build` and `check`.
    Error,
    /// Reported; fails `check --strict` only.
    #[serde(alias = "warning")]
    Warn,
    /// Not reported.
    Off,
}

/// Codes whose level can never be lowered: without them there is no site.
const FIXED: &[&str] = &["config", "template"];

/// Every finding code handbook reports (a test keeps this list true): the
/// keys `[check.levels]` accepts.
pub const CODES: &[&str] = &[
    "alert",
    "alert-no-runbook",
    "alert-rules",
    "alert-runbook-url",
    "alert-severity",
    "alias-collision",
    "broken-anchor",
    "broken-link",
    "code-fence",
    "code-language",
    "config",
    "duplicate-rule",
    "empty-section",
    "encoding",
    "external-link",
    "front-matter",
    "go-build",
    "go-expect-fail",
    "go-output",
    "go-run",
    "go-syntax",
    "go-test",
    "go-timeout",
    "go-vet",
    "gofmt",
    "history",
    "include",
    "index-shadowed",
    "internal",
    "interrupted",
    "io",
    "mdbook-config",
    "mkdocs-config",
    "new",
    "orphan-page",
    "output",
    "output-collision",
    "retired-rule",
    "runbook-field",
    "shallow-history",
    "stale-alert",
    "stale-runbook",
    "summary",
    "symlink",
    "tag-spelling",
    "template",
    "track-prerequisite",
    "unknown-rule",
    "unsafe-link",
    "unsupported-directive",
    "usage",
];

/// Apply per-code levels. `lenient` (a site written for another tool) turns
/// every error whose code has no configured level into a warning, so such a
/// folder always builds; configured levels win either way.
pub fn apply_levels(
    diags: Vec<Diagnostic>,
    levels: &std::collections::BTreeMap<String, Level>,
    lenient: bool,
) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter_map(|mut d| {
            if FIXED.contains(&d.code) {
                return Some(d);
            }
            match levels.get(d.code) {
                Some(Level::Off) => return None,
                Some(Level::Error) => d.severity = Severity::Error,
                Some(Level::Warn) => d.severity = Severity::Warning,
                None if lenient => d.severity = Severity::Warning,
                None => {}
            }
            Some(d)
        })
        .collect()
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Maps byte offsets in a text to 1-based line and column numbers.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let end = offset.min(text.len());
        let col = text.get(start..end).map_or(1, |s| s.chars().count() + 1);
        (line + 1, col)
    }
}

/// The path to show the user for `path`: relative to `root` when it is inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    #[test]
    fn findings_print_no_raw_control_characters() {
        let d = Diagnostic::warning("symlink", "title `\u{1b}[2Jx`\nnext\tline")
            .in_file("content/\u{1b}]0;owned\u{7}.md")
            .at(3, 1);
        let shown = d.to_string();
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        assert!(shown.contains("\\u{1b}]0;owned\\u{7}.md:3:1"), "{shown}");
        assert!(shown.contains("\nnext\tline"), "{shown}");
        let report = crate::report::compact(&Diagnostics(vec![d]), false);
        assert!(!report.contains('\u{1b}'), "{report:?}");
    }

    /// Every code the source reports is in [`CODES`], and every listed code
    /// is reported somewhere.
    #[test]
    fn codes_lists_every_code_the_source_reports() {
        let call = regex::Regex::new(
            r#"(?:Diagnostic::error|Diagnostic::warning|self\.at|located|\bat)\(\s*"([a-z][a-z0-9-]*)""#,
        )
        .unwrap();
        let literal = regex::Regex::new(r#""([a-z][a-z0-9]*(?:-[a-z0-9]+)+|[a-z]+)""#).unwrap();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut used = std::collections::BTreeSet::new();
        let mut text = String::new();
        for e in walkdir::WalkDir::new(&src)
            .into_iter()
            .filter_map(Result::ok)
        {
            // The highlighter's `at("map")` matches tokens, not findings.
            if e.path().extension().is_none_or(|x| x != "rs")
                || e.path().ends_with("tests.rs")
                || e.path().starts_with(src.join("highlight"))
            {
                continue;
            }
            let s = std::fs::read_to_string(e.path()).unwrap();
            let s = s.split("#[cfg(test)]").next().unwrap_or("").to_string();
            used.extend(call.captures_iter(&s).map(|c| c[1].to_string()));
            text.push_str(&s);
        }
        let unlisted: Vec<&String> = used
            .iter()
            .filter(|c| !CODES.contains(&c.as_str()))
            .collect();
        assert!(
            unlisted.is_empty(),
            "codes missing from CODES: {unlisted:?}"
        );
        let literals: std::collections::BTreeSet<String> = literal
            .captures_iter(&text)
            .map(|c| c[1].to_string())
            .collect();
        for code in CODES {
            assert!(
                literals.contains(*code),
                "`{code}` is listed but never reported"
            );
        }
    }

    use super::*;

    #[test]
    fn line_index_locates_offsets() {
        let text = "ab\ncde\n\nf";
        let idx = LineIndex::new(text);
        assert_eq!(idx.locate(text, 0), (1, 1));
        assert_eq!(idx.locate(text, 1), (1, 2));
        assert_eq!(idx.locate(text, 3), (2, 1));
        assert_eq!(idx.locate(text, 5), (2, 3));
        assert_eq!(idx.locate(text, 7), (3, 1));
        assert_eq!(idx.locate(text, 8), (4, 1));
    }

    #[test]
    fn levels_lower_raise_and_silence() {
        let d = |code| Diagnostic::error(code, "m");
        let w = |code| Diagnostic::warning(code, "m");
        let levels = [
            ("go-syntax".to_string(), Level::Off),
            ("gofmt".to_string(), Level::Warn),
            ("stale-runbook".to_string(), Level::Error),
            ("config".to_string(), Level::Off),
        ]
        .into_iter()
        .collect();
        let out = apply_levels(
            vec![
                d("go-syntax"),
                d("gofmt"),
                w("stale-runbook"),
                d("config"),
                d("broken-link"),
            ],
            &levels,
            false,
        );
        let got: Vec<_> = out.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            got,
            [
                ("gofmt", Severity::Warning),
                ("stale-runbook", Severity::Error),
                ("config", Severity::Error),
                ("broken-link", Severity::Error),
            ]
        );
        // Lenient: unconfigured errors become warnings; configured ones stay.
        let out = apply_levels(vec![d("broken-link"), w("stale-runbook")], &levels, true);
        assert_eq!(out[0].severity, Severity::Warning);
        assert_eq!(out[1].severity, Severity::Error);
        let counts = Diagnostics(vec![d("a-code"), d("b-code"), d("b-code")]).by_code();
        assert_eq!(counts, [("b-code", 2), ("a-code", 1)]);
    }

    #[test]
    fn display_has_location() {
        let d = Diagnostic::error("broken-link", "no such page")
            .in_file("a.md")
            .at(3, 7);
        assert_eq!(d.to_string(), "a.md:3:7: error[broken-link]: no such page");
    }

    #[test]
    fn unknown_lines_and_columns_are_left_out() {
        let at = |l, c| {
            Diagnostic::error("x", "m")
                .in_file("a.md")
                .at(l, c)
                .location()
        };
        assert_eq!(at(0, 0), "a.md");
        assert_eq!(at(0, 5), "a.md", "a column without a line means nothing");
        assert_eq!(at(1, 0), "a.md:1");
        assert_eq!(at(1, 1), "a.md:1:1");
        assert_eq!(Diagnostic::error("x", "m").location(), "");
        assert_eq!(Diagnostic::error("x", "m").to_string(), "error[x]: m");
    }

    #[test]
    fn several_findings_print_one_per_line_and_paths_are_shown_from_the_root() {
        let d = Diagnostics(vec![
            Diagnostic::error("a", "first").in_file("x.md").at(1, 2),
            Diagnostic::warning("b", "second"),
        ]);
        assert_eq!(
            d.to_string(),
            "x.md:1:2: error[a]: first\nwarning[b]: second\n"
        );
        let root = Path::new("/srv/site");
        assert_eq!(
            display_path(root, Path::new("/srv/site/content/a.md")),
            Path::new("content/a.md")
        );
        assert_eq!(
            display_path(root, Path::new("/elsewhere/b.md")),
            Path::new("/elsewhere/b.md")
        );
    }

    #[test]
    fn counts_and_order_are_stable() {
        let mut d = Diagnostics(vec![
            Diagnostic::warning("w", "b").in_file("b.md").at(2, 1),
            Diagnostic::error("e", "a").in_file("a.md").at(9, 1),
            Diagnostic::error("e", "a").in_file("a.md").at(3, 1),
            Diagnostic::error("e", "a").in_file("a.md").at(3, 1),
            Diagnostic::warning("w", "c"),
        ]);
        assert_eq!((d.error_count(), d.warning_count()), (3, 2));
        d.sort();
        let order: Vec<String> = d.0.iter().map(Diagnostic::location).collect();
        assert_eq!(
            order,
            ["", "a.md:3:1", "a.md:9:1", "b.md:2:1"],
            "sorted, duplicates gone"
        );
        assert_eq!((d.error_count(), d.warning_count()), (2, 2));
    }
}
