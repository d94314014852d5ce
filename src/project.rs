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
/// `Err` only when there is nothing to build: no `book.toml` and no Markdown,
/// or a `book.toml` that cannot be read or parsed.
pub fn open(root: &Path) -> Result<Project, Diagnostics> {
    let book = root.join("book.toml");
    if book.exists() {
        let text = Config::read(root).map_err(|d| Diagnostics(vec![d]))?;
        // An mdBook's book.toml is read as it is, with warnings for what we ignore.
        let mdbook = toml::from_str::<toml::Table>(&text)
            .ok()
            .filter(crate::mdbook::is_mdbook);
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
