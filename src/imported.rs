//! Settings read from another tool's configuration (mdBook's `book.toml`,
//! MkDocs' `mkdocs.yml`) that have no counterpart in handbook's own
//! [`Config`](crate::config::Config): extra stylesheets and scripts,
//! redirects, an explicit navigation, and one warning per ignored key.

use crate::diag::Diagnostic;
use crate::summary::Item;

/// The tool a configuration was written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    /// mdBook (`book.toml`).
    #[default]
    MdBook,
    /// MkDocs / Backstage TechDocs (`mkdocs.yml`).
    MkDocs,
}

/// What another tool's configuration says beyond handbook's own settings.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Which tool.
    pub tool: Tool,
    /// Stylesheets to link on every page: site-relative paths (copied from
    /// `files_dir`) or absolute URLs.
    pub additional_css: Vec<String>,
    /// Scripts to load on every page, like `additional_css`.
    pub additional_js: Vec<String>,
    /// Folder (relative to the root) the extra files are read from.
    pub files_dir: String,
    /// Old path (site-relative) -> new URL (`/`-rooted site path or absolute).
    pub redirects: Vec<(String, String)>,
    /// An explicit navigation (MkDocs `nav`), as a summary tree.
    pub nav: Option<Vec<Item>>,
    /// Extensions' settings that change rendering.
    pub slug_unicode: bool,
    /// `pymdownx.snippets` `base_path`: folders (or files) snippet paths are
    /// looked up in, relative to the root.
    pub snippet_bases: Vec<String>,
    /// `pymdownx.snippets` `auto_append`: snippets added to every page.
    pub snippet_auto_append: Vec<String>,
    /// `pymdownx.superfences` custom fence names (`mermaid`, `diagram`):
    /// shown as source, without an unknown-language finding.
    pub custom_fences: Vec<String>,
    /// One warning per key that is not supported.
    pub warnings: Vec<Diagnostic>,
}

/// Is this a URL rather than a site path?
pub fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("//")
}
