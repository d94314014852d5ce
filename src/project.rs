//! Stage 1 of the pipeline: find a site's configuration, read it once, and
//! decide which documentation dialect the folder is written in.
//!
//! A handbook-native site has a `book.toml` of its own. Folders written for
//! other tools build as they are: an mdBook (`book.toml` with mdBook keys), an
//! MkDocs/TechDocs project (`mkdocs.yml`), a GitBook (`SUMMARY.md` at the
//! root, no `book.toml`), or a plain folder of GitHub/GitLab-flavoured
//! Markdown. `book.toml` wins when a folder has both. The dialect decides the lenient build
//! contract (findings are warnings) and how heading ids are made.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};

/// Which tool a folder of documentation was written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// A handbook site: `book.toml` in handbook's own format.
    Native,
    /// An mdBook: `book.toml` with mdBook keys, `src/SUMMARY.md`.
    MdBook,
    /// A GitBook: `SUMMARY.md` at the root, no `book.toml`.
    GitBook,
    /// A folder of GitHub/GitLab-style Markdown with no configuration.
    Plain,
    /// An MkDocs or Backstage TechDocs project (`mkdocs.yml`).
    MkDocs,
}

impl Dialect {
    /// Sites not written for handbook always build: content findings are
    /// reported as warnings (unless `[check.levels]` says otherwise) so a
    /// migrating team gets a whole site on the first try.
    pub fn is_foreign(self) -> bool {
        self != Dialect::Native
    }

    /// How heading ids are made, so links written against the original
    /// site's rendering keep working.
    pub fn slug_style(self) -> crate::slug::SlugStyle {
        use crate::slug::SlugStyle;
        match self {
            Dialect::Native => SlugStyle::Handbook,
            Dialect::MdBook => SlugStyle::MdBook,
            Dialect::GitBook | Dialect::Plain => SlugStyle::GitHub,
            Dialect::MkDocs => SlugStyle::PythonMarkdown,
        }
    }
}

/// A site's root, configuration and content folder, read once per build.
#[derive(Debug, Clone)]
pub struct Project {
    /// Folder holding the configuration (or the Markdown, for plain folders).
    pub root: PathBuf,
    /// The configuration, translated from the dialect's own when foreign.
    pub config: Config,
    /// Folder the Markdown sources are read from.
    pub content_dir: PathBuf,
    /// What the folder was written for.
    pub dialect: Dialect,
    /// Warnings about the configuration (ignored mdBook keys, ...).
    pub warnings: Vec<Diagnostic>,
}

impl Project {
    /// Path of `book.toml` (which may not exist), for messages.
    pub fn book_toml(&self) -> PathBuf {
        self.root.join("book.toml")
    }

    /// The cache folder (`[build] cache-dir`).
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join(&self.config.build.cache_dir)
    }
}

/// A title for documentation that names none in configuration: the first
/// heading of README.md (or index.md), else SUMMARY.md's first heading unless
/// it is a generic "Summary", else the folder's name.
fn title_from_docs(dir: &Path) -> String {
    let first_heading = |name: &str| -> Option<String> {
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        let mut in_fence = false;
        text.lines().find_map(|l| {
            let t = l.trim();
            if t.starts_with("```") || t.starts_with("~~~") {
                in_fence = !in_fence;
            }
            let h = t.strip_prefix("# ").filter(|_| !in_fence)?;
            let h = h.trim().trim_end_matches('#').trim();
            (!h.is_empty()).then(|| h.to_string())
        })
    };
    let generic = |t: &String| {
        let t = t.to_lowercase();
        !matches!(
            t.as_str(),
            "summary" | "table of contents" | "contents" | "toc"
        )
    };
    first_heading("README.md")
        .or_else(|| first_heading("index.md"))
        .or_else(|| first_heading("SUMMARY.md").filter(generic))
        .or_else(|| {
            let abs = std::path::absolute(dir).ok()?;
            Some(abs.file_name()?.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| Config::default().book.title)
}

/// Does `dir` hold any Markdown file (at any depth)?
fn has_markdown(dir: &Path) -> bool {
    dir.is_dir()
        && walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "md"))
}

/// Read `root`'s configuration and decide its dialect.
///
/// `Err` when there is nothing to build (no `book.toml` and no Markdown, or
/// a `book.toml` that cannot be read or parsed), or when the configuration
/// points the content or cache folder where it must not be ([`confine`]).
pub fn open(root: &Path) -> Result<Project, Diagnostics> {
    let project = read(root)?;
    confine(&project)?;
    Ok(project)
}

/// The folders a project reads and writes stay where they belong: the
/// content folder inside the project folder (a pull request's `docs_dir:
/// /etc` or `src = "../x"` must not publish the runner's files), the cache
/// outside the content folder (it would be published with the site) and
/// outside the output folder (the next build would refuse or delete it).
/// Paths are compared resolved, links included.
fn confine(p: &Project) -> Result<(), Diagnostics> {
    let root = resolved(&p.root);
    let content = resolved(&p.content_dir);
    let cache = resolved(&p.cache_dir());
    let output = resolved(&p.root.join(&p.config.build.output_dir));
    let (file, content_key, cache_key) = match p.dialect {
        Dialect::MkDocs => (
            crate::mkdocs::config_file(&p.root).unwrap_or_else(|| p.root.join("mkdocs.yml")),
            "docs_dir",
            "cache-dir",
        ),
        Dialect::MdBook => (p.book_toml(), "src", "cache-dir"),
        _ => (p.book_toml(), "content-dir", "cache-dir"),
    };
    let at = |key: &str| {
        let d = Diagnostic::error("config", String::new()).in_file(&file);
        match line_of(&file, key) {
            0 => d,
            line => d.at(line, 1),
        }
    };
    let mut found = Vec::new();
    if !content.starts_with(&root) {
        let mut d = at(content_key);
        d.message = format!(
            "the content folder {} is outside the project folder {}: only files inside the project are published; move the Markdown into the project, or point `{content_key}` at a folder inside it",
            content.display(),
            root.display()
        );
        found.push(d);
    }
    // The content walk skips dot folders (`.handbook-cache` in a plain
    // folder read from its root is never published).
    let published = |inside: &Path| {
        cache.strip_prefix(inside).is_ok_and(|rel| {
            !rel.components()
                .any(|c| crate::content::is_ignored_name(&c.as_os_str().to_string_lossy()))
        })
    };
    for (inside, what) in [(&content, "content"), (&output, "output")] {
        if what == "output" && cache.starts_with(inside) || what == "content" && published(inside) {
            let mut d = at(cache_key);
            d.message = format!(
                "the cache folder {} is inside the {what} folder {}: its files would be {}; set `[build] cache-dir` to a folder of its own (the default is `.handbook-cache`)",
                cache.display(),
                inside.display(),
                if what == "content" {
                    "published with the site"
                } else {
                    "replaced by every build"
                }
            );
            found.push(d);
        }
    }
    // A level for a code handbook never reports is a typo that silently
    // keeps the finding at its default.
    for code in p.config.check.levels.keys() {
        if crate::diag::CODES.contains(&code.as_str()) {
            continue;
        }
        let near = crate::diag::CODES
            .iter()
            .min_by(|a, b| strsim::levenshtein(a, code).cmp(&strsim::levenshtein(b, code)))
            .filter(|c| strsim::levenshtein(c, code) <= 3)
            .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
        found.push(
            Diagnostic::error(
                "config",
                format!(
                    "[check.levels] `{code}` is not a finding code{near}: the codes are listed in the README under check"
                ),
            )
            .in_file(p.book_toml())
            .at_pos(crate::config::key_position(&p.root, "check.levels", code)),
        );
    }
    // URLs from configuration become links on every page.
    let mkdocs = p.dialect == Dialect::MkDocs;
    let site = &p.config.site;
    for (value, key) in [
        (
            site.repo_url.as_deref(),
            if mkdocs { "repo_url" } else { "repo-url" },
        ),
        (
            site.edit_url_template.as_deref(),
            if mkdocs {
                "edit_uri"
            } else {
                "edit-url-template"
            },
        ),
        (Some(p.config.go.pkg_url.as_str()), "pkg-url"),
    ] {
        if let Some(url) = value.filter(|u| !crate::paths::is_safe_link(u)) {
            let mut d = at(key);
            d.message = format!(
                "`{key}` is `{}`: only http(s), mailto and relative URLs become links; use a web address",
                url.chars().take(60).collect::<String>()
            );
            found.push(d);
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(found))
    }
}

/// `path` made absolute with links resolved as far as it exists, and `.`
/// and `..` resolved in the rest.
pub fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(c) = std::fs::canonicalize(existing) {
            break c;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break existing.to_path_buf(),
        }
    };
    let mut out = base;
    for part in rest.iter().rev() {
        match part.to_str() {
            Some("..") => {
                out.pop();
            }
            Some(".") => {}
            _ => out.push(part),
        }
    }
    out
}

/// The 1-based line of the first `key =` or `key:` in `file` (0 if none).
fn line_of(file: &Path, key: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(['=', ':']))
        })
        .map_or(0, |i| i + 1)
}

fn read(root: &Path) -> Result<Project, Diagnostics> {
    let book = root.join("book.toml");
    if book.exists() {
        let text = Config::read(root).map_err(|d| Diagnostics(vec![d]))?;
        // An mdBook's book.toml is read as it is, with warnings for what we ignore.
        // A minimal mdBook's book.toml (`[book] title`) reads like ours: its
        // `src/SUMMARY.md`, with no `content/`, says which it is.
        let minimal_mdbook = |t: &toml::Table| {
            root.join("src/SUMMARY.md").is_file()
                && !root.join("content").exists()
                && t.get("build")
                    .and_then(|b| b.as_table())
                    .is_none_or(|b| !b.contains_key("content-dir"))
        };
        let mdbook = toml::from_str::<toml::Table>(&text)
            .ok()
            .filter(|t| crate::mdbook::is_mdbook(t) || minimal_mdbook(t));
        let (config, dialect, warnings) = match mdbook {
            Some(table) => {
                let (mut c, extra) = crate::mdbook::translate(&table, &book);
                let warnings = extra.warnings.clone();
                c.imported = Some(extra);
                (c, Dialect::MdBook, warnings)
            }
            None => (
                Config::parse(&text, &book).map_err(|d| Diagnostics(vec![d]))?,
                Dialect::Native,
                Vec::new(),
            ),
        };
        let content_dir = root.join(&config.build.content_dir);
        let mut config = config;
        if dialect == Dialect::MdBook && config.book.title == Config::default().book.title {
            config.book.title = title_from_docs(&content_dir);
        }
        return Ok(Project {
            root: root.to_path_buf(),
            config,
            content_dir,
            dialect,
            warnings,
        });
    }
    if let Some(file) = crate::mkdocs::config_file(root) {
        let (mut config, imported) =
            crate::mkdocs::load(&file).map_err(|d| Diagnostics(vec![d]))?;
        let content_dir = root.join(&config.build.content_dir);
        if !content_dir.is_dir() {
            return Err(Diagnostics(vec![
                Diagnostic::error(
                    "config",
                    format!(
                        "docs_dir {} does not exist: create it, or set `docs_dir` in {}",
                        content_dir.display(),
                        file.display()
                    ),
                )
                .in_file(&file),
            ]));
        }
        if config.book.title == Config::default().book.title {
            config.book.title = title_from_docs(&content_dir);
        }
        let warnings = imported.warnings.clone();
        config.imported = Some(imported);
        return Ok(Project {
            root: root.to_path_buf(),
            config,
            content_dir,
            dialect: Dialect::MkDocs,
            warnings,
        });
    }
    if !has_markdown(root) {
        // Nothing to build: say how to start (the missing book.toml message).
        return Err(Diagnostics(vec![
            Config::read(root).expect_err("book.toml does not exist"),
        ]));
    }
    let config = Config::default();
    // A folder with a `content/` of Markdown is a handbook site missing its
    // book.toml; anything else is read from the root itself.
    let content_dir = if root.join(&config.build.content_dir).is_dir() {
        root.join(&config.build.content_dir)
    } else {
        root.to_path_buf()
    };
    let dialect = if content_dir == root && root.join("SUMMARY.md").is_file() {
        Dialect::GitBook
    } else {
        Dialect::Plain
    };
    let mut config = config;
    config.book.title = title_from_docs(&content_dir);
    Ok(Project {
        root: root.to_path_buf(),
        config,
        content_dir,
        dialect,
        warnings: Vec::new(),
    })
}
