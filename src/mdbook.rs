//! Reading an mdBook `book.toml` as it is.
//!
//! Keys handbook can honour are translated into its own [`Config`]; every
//! other key gives one warning and is otherwise ignored, never an error, so an
//! existing book builds on the first try.

use std::path::Path;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::imported::{Imported, Tool};

/// Does this `book.toml` belong to mdBook rather than handbook?
pub fn is_mdbook(table: &toml::Table) -> bool {
    let book = table.get("book").and_then(|b| b.as_table());
    table.contains_key("output")
        || table.contains_key("preprocessor")
        || table.contains_key("rust")
        || book.is_some_and(|b| b.contains_key("src") || b.contains_key("multilingual"))
        || table
            .get("build")
            .and_then(|b| b.as_table())
            .is_some_and(|b| b.contains_key("build-dir") || b.contains_key("create-missing"))
}

fn string(v: Option<&toml::Value>) -> Option<String> {
    v.and_then(|v| v.as_str()).map(str::to_string)
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Translate an mdBook configuration.
pub fn translate(table: &toml::Table, file: &Path) -> (Config, Imported) {
    let mut c = Config::default();
    let mut extra = Imported {
        tool: Tool::MdBook,
        ..Imported::default()
    };
    let mut warn = |key: String| {
        extra.warnings.push(
            Diagnostic::warning(
                "mdbook-config",
                format!("mdBook setting `{key}` is not supported by handbook and is ignored"),
            )
            .in_file(file),
        );
    };
    c.build.content_dir = "src".into();
    c.build.output_dir = "book".into();
    for (section, value) in table {
        let Some(t) = value.as_table() else {
            warn(section.clone());
            continue;
        };
        match section.as_str() {
            "book" => {
                for (k, v) in t {
                    match k.as_str() {
                        "title" => c.book.title = string(Some(v)).unwrap_or_default(),
                        "description" => c.book.description = string(Some(v)).unwrap_or_default(),
                        "language" => {
                            c.book.language = string(Some(v)).unwrap_or_else(|| "en".into())
                        }
                        "authors" => c.book.authors = strings(Some(v)),
                        "src" => {
                            c.build.content_dir =
                                string(Some(v)).unwrap_or_else(|| "src".into()).into()
                        }
                        other => warn(format!("book.{other}")),
                    }
                }
            }
            "build" => {
                for (k, v) in t {
                    match k.as_str() {
                        "build-dir" => {
                            c.build.output_dir =
                                string(Some(v)).unwrap_or_else(|| "book".into()).into()
                        }
                        other => warn(format!("build.{other}")),
                    }
                }
            }
            "output" => {
                for (renderer, cfg) in t {
                    if renderer != "html" {
                        warn(format!("output.{renderer}"));
                        continue;
                    }
                    let Some(html) = cfg.as_table() else { continue };
                    for (k, v) in html {
                        match k.as_str() {
                            "git-repository-url" => c.site.repo_url = string(Some(v)),
                            "edit-url-template" => c.site.edit_url_template = string(Some(v)),
                            "site-url" => c.site.base_path = string(Some(v)),
                            "additional-css" => extra.additional_css = strings(Some(v)),
                            "additional-js" => extra.additional_js = strings(Some(v)),
                            "redirect" => {
                                if let Some(r) = v.as_table() {
                                    extra.redirects = r
                                        .iter()
                                        .filter_map(|(from, to)| {
                                            Some((from.clone(), to.as_str()?.to_string()))
                                        })
                                        .collect();
                                }
                            }
                            "search" => {
                                if let Some(enabled) = v.get("enable").and_then(|e| e.as_bool()) {
                                    c.search.enabled = enabled;
                                }
                            }
                            other => warn(format!("output.html.{other}")),
                        }
                    }
                }
            }
            // handbook's own `[check]` table (levels, external links) may sit
            // in an mdBook's book.toml: mdBook ignores tables it does not know.
            "check" => match value.clone().try_into::<crate::config::CheckConfig>() {
                Ok(check) => c.check = check,
                Err(e) => warn(format!("check ({})", e.message().trim())),
            },
            "preprocessor" => {
                for name in t.keys() {
                    if !matches!(name.as_str(), "links" | "index") {
                        warn(format!("preprocessor.{name}"));
                    }
                }
            }
            other => warn(other.to_string()),
        }
    }
    extra.warnings.sort_by(|a, b| a.message.cmp(&b.message));
    (c, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_known_keys_and_warns_once_per_unknown() {
        let text = r#"
[book]
title = "Ops Book"
authors = ["SRE"]
src = "docs"
multilingual = false

[build]
build-dir = "out"

[output.html]
git-repository-url = "https://git.example/ops"
edit-url-template = "https://git.example/ops/edit/main/{path}"
additional-css = ["theme/custom.css"]
default-theme = "rust"
mathjax-support = true

[output.html.redirect]
"/old.html" = "new.html"

[preprocessor.mermaid]
command = "mdbook-mermaid"
"#;
        let table: toml::Table = toml::from_str(text).unwrap();
        assert!(is_mdbook(&table));
        let (c, x) = translate(&table, Path::new("book.toml"));
        assert_eq!(c.book.title, "Ops Book");
        assert_eq!(c.build.content_dir, Path::new("docs"));
        assert_eq!(c.build.output_dir, Path::new("out"));
        assert_eq!(c.site.repo_url.as_deref(), Some("https://git.example/ops"));
        assert_eq!(x.additional_css, ["theme/custom.css"]);
        assert_eq!(
            x.redirects,
            [("/old.html".to_string(), "new.html".to_string())]
        );
        let warned: Vec<&str> = x.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(warned.len(), 4, "{warned:?}");
        assert!(
            warned
                .iter()
                .any(|w| w.contains("output.html.default-theme"))
        );
        assert!(warned.iter().any(|w| w.contains("preprocessor.mermaid")));
        let own: toml::Table = toml::from_str("[book]\ntitle = \"x\"\n").unwrap();
        assert!(!is_mdbook(&own));
    }
}
