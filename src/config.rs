//! `book.toml`: the site's configuration.
//!
//! Every table denies unknown keys, and the error names the key, the file, the
//! line and the nearest valid key, because a silently ignored typo
//! (`edit-url-tempate`) is worse than a failed build.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, LineIndex};

/// The whole of `book.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `[book]`: what the handbook is.
    #[serde(default)]
    pub book: BookConfig,
    /// `[build]`: where things are.
    #[serde(default)]
    pub build: BuildConfig,
    /// `[site]`: where it is published.
    #[serde(default)]
    pub site: SiteConfig,
    /// `[highlight]`: code colours.
    #[serde(default)]
    pub highlight: HighlightConfig,
    /// `[markdown]`: optional Markdown extensions.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// `[rules]`: coding-standard rule ids.
    #[serde(default)]
    pub rules: RulesConfig,
    /// `[runbooks]`: runbook severities and review cadence.
    #[serde(default)]
    pub runbooks: RunbooksConfig,
    /// `[search]`: the client-side search index.
    #[serde(default)]
    pub search: SearchConfig,
    /// `[check]`: options of `handbook check`.
    #[serde(default)]
    pub check: CheckConfig,
    /// `[oncall]`: alerting rules checked against the runbooks.
    #[serde(default)]
    pub oncall: OncallConfig,
    /// `[go]`: Go examples.
    #[serde(default)]
    pub go: GoConfig,
    /// `[history]`: dates and changes from git.
    #[serde(default)]
    pub history: HistoryConfig,
    /// Set when the configuration was written for another tool (mdBook,
    /// MkDocs): what it says beyond handbook's own settings.
    #[serde(skip)]
    pub imported: Option<crate::imported::Imported>,
}

/// `[book]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookConfig {
    /// Site title, shown in the header and in every page title.
    #[serde(default = "default_title")]
    pub title: String,
    /// One-line description for the home page and `<meta name="description">`.
    #[serde(default)]
    pub description: String,
    /// `lang` attribute of every page.
    #[serde(default = "default_language")]
    pub language: String,
    /// Authors, for `<meta name="author">`.
    #[serde(default)]
    pub authors: Vec<String>,
}

impl Default for BookConfig {
    fn default() -> Self {
        Self {
            title: default_title(),
            description: String::new(),
            language: default_language(),
            authors: Vec::new(),
        }
    }
}

fn default_title() -> String {
    "Handbook".into()
}
fn default_language() -> String {
    "en".into()
}

/// What to do with a link to a missing page or anchor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BrokenLinks {
    /// Fail the build (default).
    #[default]
    Error,
    /// Report a warning and go on.
    Warn,
}

/// `[build]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildConfig {
    /// Folder of Markdown sources, relative to the site root.
    #[serde(default = "default_content_dir")]
    pub content_dir: PathBuf,
    /// Output folder, relative to the site root.
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    /// Theme name; `default` is built in, others live under `themes/<name>/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// `error` (default) or `warn`.
    #[serde(default)]
    pub broken_links: BrokenLinks,
    /// Folder for the persistent highlight cache, relative to the site root.
    #[serde(default = "default_cache_dir")]
    pub cache_dir: PathBuf,
}

impl Default for BuildConfig {
    fn default() -> Self {
        Self {
            content_dir: default_content_dir(),
            output_dir: default_output_dir(),
            theme: default_theme(),
            broken_links: BrokenLinks::Error,
            cache_dir: default_cache_dir(),
        }
    }
}

fn default_content_dir() -> PathBuf {
    "content".into()
}
fn default_output_dir() -> PathBuf {
    "public".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_cache_dir() -> PathBuf {
    ".handbook-cache".into()
}

/// `[site]`
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SiteConfig {
    /// Absolute URL the site is published at; enables `sitemap.xml` and canonical links.
    pub site_url: Option<String>,
    /// Repository URL, linked from the header.
    pub repo_url: Option<String>,
    /// "Edit this page" link; `{path}` is replaced by the source path relative to the site root.
    pub edit_url_template: Option<String>,
    /// Absolute path the site is served under (e.g. `/teams/go/handbook/`); only `404.html` needs it.
    pub base_path: Option<String>,
}

/// `[highlight]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HighlightConfig {
    /// syntect theme the light palette is taken from.
    #[serde(default = "default_light")]
    pub light: String,
    /// syntect theme the dark palette is taken from.
    #[serde(default = "default_dark")]
    pub dark: String,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        Self {
            light: default_light(),
            dark: default_dark(),
        }
    }
}

fn default_light() -> String {
    "InspiredGitHub".into()
}
fn default_dark() -> String {
    "base16-ocean.dark".into()
}

/// `[markdown]`: each switch turns a Markdown extension on or off.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MarkdownConfig {
    /// GitHub tables.
    #[serde(default = "yes")]
    pub tables: bool,
    /// Footnotes (`[^1]`).
    #[serde(default = "yes")]
    pub footnotes: bool,
    /// `~~strike~~`.
    #[serde(default = "yes")]
    pub strikethrough: bool,
    /// `- [ ]` task lists.
    #[serde(default = "yes")]
    pub tasklists: bool,
    /// `> [!NOTE]` callouts.
    #[serde(default = "yes")]
    pub alerts: bool,
    /// Curly quotes and dashes.
    #[serde(default)]
    pub smart_punctuation: bool,
    /// `Term` / `: definition` lists (on for MkDocs projects).
    #[serde(default)]
    pub definition_lists: bool,
}

fn yes() -> bool {
    true
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        Self {
            tables: true,
            footnotes: true,
            strikethrough: true,
            tasklists: true,
            alerts: true,
            smart_punctuation: false,
            definition_lists: false,
        }
    }
}

/// `[rules]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesConfig {
    /// Regular expression a heading id must match (whole) to be a rule.
    #[serde(default = "default_rule_pattern")]
    pub id_pattern: String,
}

impl Default for RulesConfig {
    fn default() -> Self {
        Self {
            id_pattern: default_rule_pattern(),
        }
    }
}

fn default_rule_pattern() -> String {
    "[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3}".into()
}

/// `[runbooks]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RunbooksConfig {
    /// Allowed severities, most severe first.
    #[serde(default = "default_severities")]
    pub severities: Vec<String>,
    /// Default review interval, e.g. `90d`, `12w`, `6m`.
    #[serde(default = "default_review_every")]
    pub review_every: String,
}

impl Default for RunbooksConfig {
    fn default() -> Self {
        Self {
            severities: default_severities(),
            review_every: default_review_every(),
        }
    }
}

fn default_severities() -> Vec<String> {
    ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec()
}
fn default_review_every() -> String {
    "180d".into()
}

/// `[search]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SearchConfig {
    /// Build the search index and show the search box.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// `[history]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HistoryConfig {
    /// Read the git history: last-updated dates, rule dates, the changes
    /// page and feed.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// `[check]`
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckConfig {
    /// URL prefixes `--external` does not request (a trailing `*` is allowed).
    #[serde(default)]
    pub external_skip: Vec<String>,
    /// Concurrent external requests (default 8).
    pub external_concurrency: Option<usize>,
    /// Minimum milliseconds between two requests to one host (default 500).
    pub external_host_interval_ms: Option<u64>,
    /// Seconds before a request times out (default 10).
    pub external_timeout_secs: Option<u64>,
    /// Level per finding code: `go-syntax = "warn"`, `gofmt = "off"`,
    /// `broken-link = "error"`.
    #[serde(default)]
    pub levels: std::collections::BTreeMap<String, crate::diag::Level>,
}

/// `[go]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GoConfig {
    /// Where qualified identifiers in Go code link: this URL followed by the
    /// import path and `#Name` (an intranet godoc mirror works); `""`: no links.
    #[serde(default = "default_pkg_url")]
    pub pkg_url: String,
    /// A `go.mod` (relative to book.toml) that `handbook test` builds
    /// examples importing non-standard packages in; they are skipped without.
    #[serde(default)]
    pub module: String,
}

impl Default for GoConfig {
    fn default() -> Self {
        Self {
            pkg_url: default_pkg_url(),
            module: String::new(),
        }
    }
}

fn default_pkg_url() -> String {
    crate::highlight::DEFAULT_PKG_URL.to_string()
}

/// `[oncall]`
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OncallConfig {
    /// Prometheus rule files (globs, relative to the root) that `check`
    /// reads: every alert must have a runbook.
    #[serde(default)]
    pub alert_rules: Vec<String>,
}

impl Config {
    /// Parse `book.toml` text; `file` is only used in messages.
    /// (An mdBook's book.toml is recognised and translated by
    /// [`crate::project::open`], before this is called.)
    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostic> {
        toml::from_str::<Config>(text).map_err(|e| toml_diagnostic(&e, text, 0, file, "config"))
    }

    /// Read `<root>/book.toml`'s text, with a message that says how to
    /// create it when missing.
    pub fn read(root: &Path) -> Result<String, Diagnostic> {
        let path = root.join("book.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Diagnostic::error(
                "config",
                format!(
                    "no book.toml in {}: create one with at least\n\n    [book]\n    title = \"Our Go Handbook\"\n\n  or run `handbook init {}` to start a new handbook there",
                    root.display(),
                    root.display()
                ),
            )
            .in_file(path)),
            Err(e) => Err(Diagnostic::error("config", format!("cannot read book.toml: {e}")).in_file(path)),
        }
    }
}

/// 1-based (line, column) of `key` under `[table]` in `<root>/book.toml`, for
/// messages about a value that parsed but does not work; (0, 0) when the file
/// or key is not there (defaults, other tools' configurations).
pub fn key_position(root: &Path, table: &str, key: &str) -> (usize, usize) {
    let Ok(text) = std::fs::read_to_string(root.join("book.toml")) else {
        return (0, 0);
    };
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            current = name.trim().to_string();
            continue;
        }
        if current == table
            && t.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        {
            return (i + 1, line.len() - line.trim_start().len() + 1);
        }
    }
    (0, 0)
}

/// Turn a TOML error into a located diagnostic. `base` is the byte offset of
/// `text` in the file (front matter starts after the `+++` line) and
/// `line_offset` is added to the computed line.
pub fn toml_diagnostic(
    err: &toml::de::Error,
    text: &str,
    line_offset: usize,
    file: &Path,
    code: &'static str,
) -> Diagnostic {
    let (line, col) = match err.span() {
        Some(span) => LineIndex::new(text).locate(text, span.start),
        None => (0, 0),
    };
    let mut message = err.message().trim().to_string();
    if let Some(hint) = unknown_key_hint(&message) {
        message.push_str(&hint);
    }
    Diagnostic::error(code, message)
        .in_file(file)
        .at(if line > 0 { line + line_offset } else { 0 }, col)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" messages, suggest the nearest key.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let candidates: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let best = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(key, c), *c))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    (best.0 > 0.7).then(|| format!("; did you mean `{}`?", best.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply() {
        let c = Config::parse("[book]\ntitle = \"X\"\n", Path::new("book.toml")).unwrap();
        assert_eq!(c.book.title, "X");
        assert_eq!(c.build.output_dir, PathBuf::from("public"));
        assert!(c.markdown.tables);
        assert_eq!(c.runbooks.severities.len(), 4);
    }

    #[test]
    fn unknown_key_names_line_and_suggestion() {
        let text = "[book]\ntitle = \"X\"\n\n[site]\nedit-url-tempate = \"x\"\n";
        let d = Config::parse(text, Path::new("book.toml")).unwrap_err();
        assert_eq!(d.line, 5, "{d}");
        assert!(d.message.contains("edit-url-tempate"), "{d}");
        assert!(
            d.message.contains("did you mean `edit-url-template`"),
            "{d}"
        );
    }

    #[test]
    fn missing_file_says_how_to_create() {
        let dir = std::env::temp_dir().join("handbook-no-config-here");
        let d = Config::read(&dir).unwrap_err();
        assert!(d.message.contains("[book]"));
    }
}
