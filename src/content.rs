//! Loading `content/`: walking the folder, splitting and typing front matter.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::config::toml_diagnostic;
use crate::date::Date;
use crate::diag::Diagnostic;

/// A retired rule id and the rule that replaces it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Retired {
    /// The old id.
    pub id: String,
    /// The id links to the old one resolve to.
    pub replaced_by: String,
}

/// An alert a runbook answers.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum AlertRef {
    /// Just the alert's name: its page leads to the runbook's top.
    Name(String),
    /// The name and the runbook section (heading id) it leads to.
    Mapped {
        /// The alert's name as Prometheus knows it.
        name: String,
        /// Heading id in the runbook.
        section: Option<String>,
    },
}

impl AlertRef {
    /// The alert's name.
    pub fn name(&self) -> &str {
        match self {
            AlertRef::Name(n) | AlertRef::Mapped { name: n, .. } => n,
        }
    }

    /// The runbook section it leads to, if any.
    pub fn section(&self) -> Option<&str> {
        match self {
            AlertRef::Mapped { section, .. } => section.as_deref(),
            AlertRef::Name(_) => None,
        }
    }
}

/// Typed front matter. Fields that no kind knows land in `extra`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FrontMatter {
    /// Page title; falls back to the first `#` heading, then the file name.
    pub title: Option<String>,
    /// One-line summary, shown in lists and `<meta name="description">`.
    pub description: Option<String>,
    /// Navigation order (lower first); ties are ordered by title.
    pub weight: Option<i64>,
    /// Drafts are skipped unless `--drafts` is given.
    #[serde(default)]
    pub draft: bool,
    /// Tags; each gets a tag page.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Old URLs (relative to the site root) that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// Last meaningful update; drives "recently updated" on the home page.
    pub updated: Option<Date>,
    /// Section kind, in `_index.md`: `standard`, `runbook`, `track` or `page`.
    pub kind: Option<String>,
    /// Rule ids this page retired.
    #[serde(default)]
    pub retired: Vec<Retired>,
    /// Runbook: owning team.
    pub owner: Option<String>,
    /// Runbook: severity on the configured scale.
    pub severity: Option<String>,
    /// Runbook: services it covers.
    #[serde(default)]
    pub services: Vec<String>,
    /// Runbook: alerts it answers, by name (`"HighErrorRate"`) or mapped to
    /// a section (`{ name = "KafkaLagHigh", section = "consumer-lag" }`).
    #[serde(default)]
    pub alerts: Vec<AlertRef>,
    /// Runbook: dashboard links.
    #[serde(default)]
    pub dashboards: Vec<String>,
    /// Runbook: who to escalate to.
    pub escalation: Option<String>,
    /// Runbook: when it was last reviewed.
    pub last_reviewed: Option<Date>,
    /// Runbook: review interval (`90d`), overriding `[runbooks] review-every`.
    pub review_every: Option<String>,
    /// Track: level (junior, mid, senior).
    pub level: Option<String>,
    /// Track: duration ("4 weeks"); module: estimated time ("2h").
    pub duration: Option<String>,
    /// Track: other tracks (section folder names) to take first.
    #[serde(default)]
    pub prerequisites: Vec<String>,
    /// Track: learning objectives.
    #[serde(default)]
    pub objectives: Vec<String>,
    /// Track: mentor.
    pub mentor: Option<String>,
    /// Everything else, for templates.
    #[serde(skip_deserializing)]
    pub extra: toml::Table,
}

/// Keys that [`FrontMatter`] knows; everything else goes to `extra`.
pub(crate) const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "weight",
    "draft",
    "tags",
    "aliases",
    "date",
    "updated",
    "kind",
    "retired",
    "owner",
    "severity",
    "services",
    "alerts",
    "dashboards",
    "escalation",
    "last-reviewed",
    "review-every",
    "level",
    "duration",
    "prerequisites",
    "objectives",
    "mentor",
];

/// A Markdown source file with its front matter split off and typed.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the content folder, with `/` separators.
    pub rel: String,
    /// Path to show in messages (relative to the site root).
    pub display: PathBuf,
    /// Front matter.
    pub front: FrontMatter,
    /// The Markdown after the front matter.
    pub body: String,
    /// 0-based line in the file where `body` starts.
    pub body_line: usize,
    /// blake3 hash of the whole file, for caches.
    pub hash: [u8; 32],
    /// The raw front matter text (empty when there is none).
    pub front_text: String,
    /// What reading the file found (encoding, includes, front matter);
    /// kept so a cached source reports them again on every build.
    pub findings: Vec<Diagnostic>,
    /// For preprocessed sources (MkDocs): per line of the text, the author's
    /// 1-based line and the columns removed before it.
    pub line_map: Option<std::sync::Arc<Vec<(u32, u32)>>>,
    /// Canonical paths of the files its text includes (mdBook `{{#include}}`,
    /// MkDocs snippets): a change to one is a change to the page.
    pub includes: Vec<PathBuf>,
}

impl SourceFile {
    /// 1-based (line, column) of a front matter key, for messages about its
    /// value; the first line of the file when the key is absent.
    pub fn key_position(&self, key: &str) -> (usize, usize) {
        self.front_text
            .lines()
            .position(|l| {
                let l = l.trim_start();
                l.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
            })
            .map_or((1, 1), |i| (i + 2, 1))
    }
}

/// Everything found under the content folder.
#[derive(Debug, Default)]
pub struct Content {
    /// Markdown files, in a stable order.
    pub files: Vec<SourceFile>,
    /// Other files (images, downloads), relative to the content folder, copied as they are.
    pub assets: Vec<String>,
}

/// True for editor swap, backup and temp files, and hidden files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913" // vim's write-permission probe file
}

/// Walk the content folder: Markdown files, other files to copy, and
/// findings about symbolic links. A link to a file inside the content folder
/// is followed; one that leads outside it (or nowhere) is skipped with a
/// warning, so a build never publishes a file from elsewhere on the machine.
pub fn scan(dir: &Path) -> Result<Scanned, Diagnostic> {
    if !dir.is_dir() {
        return Err(Diagnostic::error(
            "config",
            format!(
                "content folder {} does not exist: create it, or set `content-dir` under [build] in book.toml",
                dir.display()
            ),
        ));
    }
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut md = Vec::new();
    let mut assets = Vec::new();
    let mut warnings = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry
            .map_err(|e| Diagnostic::error("io", format!("cannot read the content folder: {e}")))?;
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if entry.file_type().is_symlink() {
            let target = std::fs::canonicalize(entry.path());
            match target {
                Ok(t) if t.starts_with(&root) && t.is_file() => {}
                Ok(t) if t.is_dir() && t.starts_with(&root) => continue,
                _ => {
                    warnings.push(
                        Diagnostic::warning(
                            "symlink",
                            "symbolic link that leads outside the content folder (or nowhere) is skipped: copy the file in instead",
                        )
                        .in_file(entry.path()),
                    );
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        if rel.ends_with(".md") {
            md.push(rel);
        } else {
            assets.push(rel);
        }
    }
    Ok(Scanned {
        md,
        assets,
        warnings,
    })
}

/// What [`scan`] found.
pub struct Scanned {
    /// Markdown files, content-relative, sorted.
    pub md: Vec<String>,
    /// Other files to copy, content-relative, sorted.
    pub assets: Vec<String>,
    /// Symbolic links that were skipped.
    pub warnings: Vec<Diagnostic>,
}

/// Split `text` into (front matter, body, front-matter first line, body first line), 0-based lines.
/// Supports TOML between `+++` lines and YAML between `---` lines.
pub fn split_front_matter(text: &str) -> Option<(FrontKind, &str, &str, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (kind, fence) = if text.starts_with("+++") {
        (FrontKind::Toml, "+++")
    } else if text.starts_with("---") {
        (FrontKind::Yaml, "---")
    } else {
        return None;
    };
    let first_nl = text.find('\n')?;
    if text[..first_nl].trim_end() != fence {
        return None;
    }
    let mut offset = first_nl + 1;
    for (line, l) in (1..).zip(text[offset..].split_inclusive('\n')) {
        if l.trim_end() == fence {
            let fm = &text[first_nl + 1..offset];
            let body = &text[offset + l.len()..];
            return Some((kind, fm, body, line + 1));
        }
        offset += l.len();
    }
    None
}

/// Which front matter syntax a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontKind {
    /// `+++` TOML.
    Toml,
    /// `---` YAML (read for the common fields only).
    Yaml,
}

/// Like [`parse_source`], but a file whose front matter is broken still gives
/// a page (no front matter, the text after it as body) beside the finding, so
/// one bad header never removes a page, nor breaks the links to it.
pub fn parse_source_lenient(
    rel: &str,
    display: &Path,
    text: &str,
) -> (SourceFile, Vec<Diagnostic>) {
    match parse_source(rel, display, text) {
        Ok(f) => {
            let found = unclosed_yaml(text, display).into_iter().collect();
            (f, found)
        }
        Err(first) => {
            let mut found = vec![first];
            // TOML stops at the first type error: find the others, one key at a time.
            if let Some((FrontKind::Toml, fm, _, _)) = split_front_matter(text)
                && let Ok(table) = toml::from_str::<toml::Table>(fm)
            {
                for (k, v) in table
                    .iter()
                    .filter(|(k, _)| KNOWN_KEYS.contains(&k.as_str()))
                {
                    let one = toml::Table::from_iter([(k.clone(), v.clone())]);
                    if let Err(e) = one.try_into::<FrontMatter>() {
                        let line = fm
                            .lines()
                            .position(|l| {
                                l.trim_start()
                                    .strip_prefix(k.as_str())
                                    .is_some_and(|r| r.trim_start().starts_with('='))
                            })
                            .map_or(0, |i| i + 2);
                        let d = Diagnostic::error("front-matter", e.message().trim().to_string())
                            .in_file(display)
                            .at(line, usize::from(line > 0));
                        if !found.iter().any(|f| f.line == d.line) {
                            found.push(d);
                        }
                    }
                }
            }
            found.sort_by_key(|d| d.line);
            let d = found;
            let (body, body_line) =
                split_front_matter(text).map_or((text, 0), |(_, _, body, line)| (body, line));
            let f = SourceFile {
                rel: rel.to_string(),
                display: display.to_path_buf(),
                front: FrontMatter::default(),
                body: body.to_string(),
                body_line,
                hash: *blake3::hash(text.as_bytes()).as_bytes(),
                front_text: String::new(),
                findings: Vec::new(),
                line_map: None,
                includes: Vec::new(),
            };
            (f, d)
        }
    }
}

/// A file that starts with `---` and `key: value` lines but never closes
/// them: YAML front matter that would silently render as text.
fn unclosed_yaml(text: &str, display: &Path) -> Option<Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" || split_front_matter(text).is_some() {
        return None;
    }
    let next = lines.find(|l| !l.trim().is_empty())?;
    let key = next.split(':').next()?;
    let looks_like_key = next.contains(':')
        && !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
    looks_like_key.then(|| {
        Diagnostic::warning(
            "front-matter",
            "front matter opened with `---` is never closed, so it shows as text: add a `---` line after it",
        )
        .in_file(display)
        .at(1, 1)
    })
}

/// Parse YAML front matter text; lines in messages count the opening `---` as line 1.
pub(crate) fn yaml_front_matter(text: &str, display: &Path) -> Result<FrontMatter, Diagnostic> {
    let value = crate::yaml::parse(text).map_err(|e| {
        Diagnostic::error(
            "front-matter",
            format!("invalid YAML front matter: {}", e.message),
        )
        .in_file(display)
        .at(e.line + 1, e.column)
    })?;
    let map = match value {
        serde_json::Value::Null => return Ok(FrontMatter::default()),
        serde_json::Value::Object(m) => m,
        _ => {
            return Err(Diagnostic::error(
                "front-matter",
                "YAML front matter must be a mapping of `key: value` lines",
            )
            .in_file(display)
            .at(2, 1));
        }
    };
    let (known, extra): (
        serde_json::Map<String, serde_json::Value>,
        serde_json::Map<String, serde_json::Value>,
    ) = map
        .into_iter()
        .partition(|(k, _)| KNOWN_KEYS.contains(&k.as_str()));
    let mut front: FrontMatter = serde_json::from_value(serde_json::Value::Object(known.clone()))
        .map_err(|e| {
        // serde_json names no key: find the first key that fails alone.
        let bad = known.iter().find_map(|(k, v)| {
            let one = serde_json::Map::from_iter([(k.clone(), v.clone())]);
            serde_json::from_value::<FrontMatter>(serde_json::Value::Object(one))
                .err()
                .map(|e| (k, e))
        });
        let (line, msg) = match bad {
            Some((k, e)) => (key_line(text, k).unwrap_or(0), format!("`{k}`: {e}")),
            None => (0, e.to_string()),
        };
        Diagnostic::error("front-matter", format!("invalid YAML front matter: {msg}"))
            .in_file(display)
            .at(line, usize::from(line > 0))
    })?;
    for (k, v) in extra {
        if let Some(v) = crate::yaml::to_toml(v) {
            front.extra.insert(k, v);
        }
    }
    Ok(front)
}

/// 1-based file line (the `---` line is 1) of a top-level `key:`.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 2)
}

/// Parse a file's front matter; `display` is used in messages.
pub fn parse_source(rel: &str, display: &Path, text: &str) -> Result<SourceFile, Diagnostic> {
    let hash = *blake3::hash(text.as_bytes()).as_bytes();
    let front_text = split_front_matter(text).map_or(String::new(), |(_, fm, _, _)| fm.to_string());
    let (front, body, body_line) = match split_front_matter(text) {
        None => {
            if text.starts_with("+++") {
                return Err(Diagnostic::error(
                    "front-matter",
                    "front matter opened with `+++` is never closed: add a `+++` line after it",
                )
                .in_file(display)
                .at(1, 1));
            }
            (FrontMatter::default(), text.to_string(), 0)
        }
        Some((FrontKind::Toml, fm, body, body_line)) => {
            let mut front: FrontMatter = toml::from_str(fm)
                .map_err(|e| toml_diagnostic(&e, fm, 1, display, "front-matter"))?;
            let mut table: toml::Table = toml::from_str(fm)
                .map_err(|e| toml_diagnostic(&e, fm, 1, display, "front-matter"))?;
            table.retain(|k, _| !KNOWN_KEYS.contains(&k));
            front.extra = table;
            (front, body.to_string(), body_line)
        }
        Some((FrontKind::Yaml, fm, body, body_line)) => {
            (yaml_front_matter(fm, display)?, body.to_string(), body_line)
        }
    };
    Ok(SourceFile {
        rel: rel.to_string(),
        display: display.to_path_buf(),
        front,
        body,
        body_line,
        hash,
        front_text,
        findings: Vec::new(),
        line_map: None,
        includes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_common_fields() {
        let f = yaml_front_matter(
            "title: Hello\nweight: 3\ntags: [a, b]\ndate: 2024-01-02\nlayout: post\n",
            Path::new("a.md"),
        )
        .unwrap();
        assert_eq!(f.title.as_deref(), Some("Hello"));
        assert_eq!(f.weight, Some(3));
        assert_eq!(f.tags, ["a", "b"]);
        assert_eq!(f.date.unwrap().to_string(), "2024-01-02");
        assert_eq!(f.extra["layout"].as_str(), Some("post"));
    }

    #[test]
    fn errors_are_located() {
        let e = yaml_front_matter("title: [unclosed\n", Path::new("a.md")).unwrap_err();
        assert!(e.line >= 2, "{e}");
        let e = yaml_front_matter("title: ok\nweight: heavy\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("invalid type"), "{e}");
    }

    #[test]
    fn splits_toml_front_matter() {
        let text = "+++\ntitle = \"A\"\n+++\n# Body\n";
        let (kind, fm, body, line) = split_front_matter(text).unwrap();
        assert_eq!(kind, FrontKind::Toml);
        assert_eq!(fm, "title = \"A\"\n");
        assert_eq!(body, "# Body\n");
        assert_eq!(line, 3);
    }

    #[test]
    fn unknown_fields_go_to_extra() {
        let text = "+++\ntitle = \"A\"\nteam-channel = \"#go\"\n+++\nx";
        let f = parse_source("a.md", Path::new("content/a.md"), text).unwrap();
        assert_eq!(f.front.title.as_deref(), Some("A"));
        assert_eq!(f.front.extra["team-channel"].as_str(), Some("#go"));
        assert!(!f.front.extra.contains_key("title"));
    }

    #[test]
    fn bad_front_matter_is_located() {
        let text = "+++\ntitle = \"A\"\nweight = \"heavy\"\n+++\nx";
        let d = parse_source("a.md", Path::new("content/a.md"), text).unwrap_err();
        assert_eq!(d.line, 3, "{d}");
        assert!(d.column > 0);
    }

    #[test]
    fn every_bad_key_is_reported_and_unclosed_yaml_is_noticed() {
        let text = "+++\ntitle = \"A\"\nweight = \"heavy\"\ndraft = \"yes\"\n+++\nx";
        let (f, found) = parse_source_lenient("a.md", Path::new("content/a.md"), text);
        let lines: Vec<usize> = found.iter().map(|d| d.line).collect();
        assert_eq!(lines, [3, 4], "{found:?}");
        assert_eq!(f.body, "x");
        let (_, found) =
            parse_source_lenient("a.md", Path::new("a.md"), "---\ntitle: Hi\n\n# Body\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("never closed"));
        // A thematic break is not front matter.
        let (_, found) =
            parse_source_lenient("a.md", Path::new("a.md"), "---\n\nText after a rule.\n");
        assert!(found.is_empty());
    }

    #[test]
    fn ignores_editor_files() {
        for n in [".a.md.swp", "a.md~", "#a.md#", "4913", ".git"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("a.md"));
    }
}
