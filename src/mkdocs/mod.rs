//! MkDocs and Backstage TechDocs projects, read as they are.
//!
//! [`load`] reads `mkdocs.yml` (with `INHERIT` and `!ENV`) into handbook's
//! [`Config`] plus what has no counterpart ([`Imported`]: `nav`, extra CSS/JS,
//! the redirects plugin's maps). [`markdown`] turns the Python-Markdown /
//! PyMdown syntax real projects use (admonitions, details, tabs, snippets,
//! attribute lists, Markdown in HTML, abbreviations) into what handbook's
//! renderer reads, keeping a line map so findings point at the source line.

pub mod markdown;
pub mod snippets;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::imported::{Imported, Tool};
use crate::summary::Item;

/// The configuration file of a folder, if it is an MkDocs project.
pub fn config_file(root: &Path) -> Option<PathBuf> {
    ["mkdocs.yml", "mkdocs.yaml"]
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file())
}

/// Markdown extensions whose syntax handbook reads (whether or not a project
/// lists them, since real projects' text uses them either way).
const READ_EXTENSIONS: &[&str] = &[
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "meta",
    "tables",
    "toc",
    "fenced_code",
    "codehilite",
    "markdown_include.include",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.snippets",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.tasklist",
    "pymdownx.tilde",
    "pymdownx.magiclink",
    "pymdownx.smartsymbols",
    "pymdownx.betterem",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.keys",
    "pymdownx.emoji",
    "pymdownx.escapeall",
    "pymdownx.blocks.admonition",
    "pymdownx.blocks.details",
    "pymdownx.blocks.tab",
    "pymdownx.blocks.html",
    "pymdownx.blocks.caption",
    "pymdownx.blocks.definition",
    "pymdownx.saneheaders",
    "sane_lists",
    "smarty",
    "extra",
];

/// Keys of mkdocs.yml that are read, or that only matter to MkDocs' own
/// build and so change nothing here.
const KNOWN_KEYS: &[&str] = &[
    "site_name",
    "site_description",
    "site_author",
    "site_url",
    "repo_url",
    "repo_name",
    "edit_uri",
    "edit_uri_template",
    "docs_dir",
    "site_dir",
    "nav",
    "extra_css",
    "extra_javascript",
    "plugins",
    "markdown_extensions",
    "theme",
    "extra",
    "copyright",
    "use_directory_urls",
    "strict",
    "dev_addr",
    "remote_branch",
    "remote_name",
    "watch",
    "validation",
    "exclude_docs",
    "not_in_nav",
    "draft_docs",
    "hooks",
    "INHERIT",
];

/// Plugins whose work handbook does itself or that change nothing it shows.
const KNOWN_PLUGINS: &[&str] = &[
    "search",
    "redirects",
    "techdocs-core",
    "tags",
    "offline",
    "privacy",
    "git-revision-date-localized",
    "git-revision-date",
    "minify",
    "social",
    "meta",
];

/// Read `mkdocs.yml` (following `INHERIT`) into a configuration.
pub fn load(file: &Path) -> Result<(Config, Imported), Diagnostic> {
    let value = read_inherited(file, 0)?;
    Ok(translate(&value, file))
}

fn read_yaml(file: &Path) -> Result<Value, Diagnostic> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Diagnostic::error("config", format!("cannot read {}: {e}", file.display())).in_file(file)
    })?;
    crate::yaml::parse(&text).map_err(|e| {
        Diagnostic::error("config", format!("invalid YAML: {}", e.message))
            .in_file(file)
            .at(e.line, e.column)
    })
}

/// MkDocs' `INHERIT: parent.yml`: the parent's keys, deep-merged under ours.
fn read_inherited(file: &Path, depth: usize) -> Result<Value, Diagnostic> {
    let mut value = read_yaml(file)?;
    let Some(parent) = value
        .get("INHERIT")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return Ok(value);
    };
    if depth > 8 {
        return Err(
            Diagnostic::error("config", "INHERIT chains more than 8 files deep").in_file(file),
        );
    }
    let parent_file = file.parent().unwrap_or(Path::new(".")).join(&parent);
    let mut base = read_inherited(&parent_file, depth + 1)?;
    if let Value::Object(m) = &mut value {
        m.remove("INHERIT");
    }
    merge(&mut base, value);
    Ok(base)
}

/// Deep-merge `over` into `base` (mappings merge, anything else replaces).
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}

/// A list entry's name: `- name` or `- name: {options}`.
fn entry_name(v: &Value) -> Option<(String, Option<&Value>)> {
    match v {
        Value::String(s) => Some((s.clone(), None)),
        Value::Object(m) if m.len() == 1 => m.iter().next().map(|(k, v)| (k.clone(), Some(v))),
        _ => None,
    }
}

fn translate(v: &Value, file: &Path) -> (Config, Imported) {
    let mut c = Config::default();
    let mut x = Imported {
        tool: Tool::MkDocs,
        ..Imported::default()
    };
    let empty = serde_json::Map::new();
    let map = match v {
        // An empty mkdocs.yml is MkDocs' defaults (docs_dir `docs`).
        Value::Null => &empty,
        Value::Object(map) => map,
        _ => {
            unsupported(&mut x, file, "an mkdocs.yml that is not a mapping".into());
            &empty
        }
    };
    for key in map.keys() {
        if !KNOWN_KEYS.contains(&key.as_str()) {
            unsupported(&mut x, file, format!("mkdocs.yml key `{key}`"));
        }
    }
    site_keys(map, &mut c, &mut x);
    extra_files(map, &mut x);
    theme_and_plugins(map, &mut x, file);
    extensions(map, &mut c, &mut x, file);
    // MkDocs' default Markdown has definition lists only with def_list, but
    // Material and TechDocs turn it on; read them either way.
    c.markdown.definition_lists = true;
    if let Some(nav) = map.get("nav").and_then(Value::as_array) {
        let mut items = Vec::new();
        nav_items(nav, &mut items, &mut x, file);
        x.nav = Some(items);
    }
    x.warnings.sort_by(|a, b| a.message.cmp(&b.message));
    x.warnings.dedup();
    (c, x)
}

/// A warning that `what` is ignored.
fn unsupported(x: &mut Imported, file: &Path, what: String) {
    x.warnings.push(
        Diagnostic::warning(
            "mkdocs-config",
            format!("{what} is not supported by handbook and is ignored"),
        )
        .in_file(file),
    );
}

type Map = serde_json::Map<String, Value>;

/// Site name, description, author, URLs, folders and edit links.
fn site_keys(map: &Map, c: &mut Config, x: &mut Imported) {
    if let Some(t) = string(map.get("site_name")) {
        c.book.title = t;
    }
    c.book.description = string(map.get("site_description")).unwrap_or_default();
    if let Some(a) = string(map.get("site_author")) {
        c.book.authors = vec![a];
    }
    c.site.site_url = string(map.get("site_url")).map(|u| u.trim_end_matches('/').to_string());
    c.site.repo_url = string(map.get("repo_url"));
    let docs_dir = string(map.get("docs_dir")).unwrap_or_else(|| "docs".into());
    c.build.content_dir = docs_dir.clone().into();
    c.build.output_dir = string(map.get("site_dir"))
        .unwrap_or_else(|| "site".into())
        .into();
    x.files_dir = docs_dir;
    // Edit links: repo_url + edit_uri + the page's path inside docs_dir
    // (handbook's `{file}`), or edit_uri_template.
    let edit_uri = string(map.get("edit_uri"));
    if let Some(t) = string(map.get("edit_uri_template")) {
        let base = c.site.repo_url.clone().unwrap_or_default();
        c.site.edit_url_template = Some(join_url(&base, &t.replace("{path}", "{file}")));
    } else if let (Some(repo), Some(uri)) = (&c.site.repo_url, &edit_uri)
        && !uri.is_empty()
    {
        let uri = if uri.ends_with('/') {
            uri.clone()
        } else {
            format!("{uri}/")
        };
        c.site.edit_url_template = Some(format!("{}{{file}}", join_url(repo, &uri)));
    }
}

/// `extra_css` and `extra_javascript` (strings or `{path: ...}`).
fn extra_files(map: &Map, x: &mut Imported) {
    x.additional_css = strings(map.get("extra_css"));
    x.additional_js = map
        .get("extra_javascript")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| match e {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(m) => string(m.get("path")),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
}

/// Unknown themes and plugins are reported; `redirects` is read.
fn theme_and_plugins(map: &Map, x: &mut Imported, file: &Path) {
    if let Some(theme) = map.get("theme") {
        let name = match theme {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => string(m.get("name")),
            _ => None,
        };
        if let Some(n) = name
            && !matches!(n.as_str(), "material" | "mkdocs" | "readthedocs")
        {
            unsupported(x, file, format!("theme `{n}`"));
        }
    }
    for p in map
        .get("plugins")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some((name, opts)) = entry_name(p) else {
            continue;
        };
        if name == "redirects" {
            let maps = opts
                .and_then(|o| o.get("redirect_maps"))
                .and_then(Value::as_object);
            for (from, to) in maps.into_iter().flatten() {
                if let Some(to) = to.as_str() {
                    x.redirects.push(redirect(from, to));
                }
            }
        } else if !KNOWN_PLUGINS.contains(&name.as_str()) {
            unsupported(x, file, format!("plugin `{name}`"));
        }
    }
}

/// `markdown_extensions`: the options handbook reads, the rest reported.
fn extensions(map: &Map, c: &mut Config, x: &mut Imported, file: &Path) {
    for e in map
        .get("markdown_extensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some((name, opts)) = entry_name(e) else {
            continue;
        };
        if name == "def_list" || name == "extra" {
            c.markdown.definition_lists = true;
        }
        if name == "toc"
            && opts
                .and_then(|o| o.get("slugify"))
                .is_some_and(|s| s.to_string().contains("slugs"))
        {
            x.slug_unicode = true;
        }
        if name == "pymdownx.superfences" {
            x.custom_fences = opts
                .and_then(|o| o.get("custom_fences"))
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|f| string(f.get("name"))).collect())
                .unwrap_or_default();
        }
        if name == "pymdownx.snippets" {
            let list = |k: &str| match opts.and_then(|o| o.get(k)) {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            x.snippet_bases = list("base_path");
            x.snippet_auto_append = list("auto_append");
        }
        if !READ_EXTENSIONS.contains(&name.as_str()) {
            unsupported(x, file, format!("Markdown extension `{name}`"));
        }
    }
}

fn join_url(base: &str, rest: &str) -> String {
    if crate::imported::is_url(rest) {
        return rest.to_string();
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        rest.trim_start_matches('/')
    )
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A redirect_maps entry: `old.md: new.md` (docs-relative) or a URL target.
fn redirect(from: &str, to: &str) -> (String, String) {
    let from = crate::paths::url_for_source(from.trim_start_matches('/'));
    let to = if crate::imported::is_url(to) {
        to.to_string()
    } else {
        let (path, anchor) = to.split_once('#').map_or((to, None), |(p, a)| (p, Some(a)));
        let mut t = format!(
            "/{}",
            crate::paths::url_for_source(path.trim_start_matches('/'))
        );
        if let Some(a) = anchor {
            t.push('#');
            t.push_str(a);
        }
        t
    };
    (from, to)
}

/// MkDocs `nav` entries: `- page.md`, `- Title: page.md`, `- Title: URL`,
/// `- Section: [entries]`.
fn nav_items(entries: &[Value], out: &mut Vec<Item>, x: &mut Imported, file: &Path) {
    for e in entries {
        match e {
            Value::String(path) => out.push(chapter(String::new(), Some(path.clone()), Vec::new())),
            Value::Object(m) => {
                for (title, v) in m {
                    match v {
                        Value::String(path) => {
                            out.push(chapter(title.clone(), Some(path.clone()), Vec::new()));
                        }
                        Value::Array(children) => {
                            let mut kids = Vec::new();
                            nav_items(children, &mut kids, x, file);
                            out.push(chapter(title.clone(), None, kids));
                        }
                        _ => x.warnings.push(
                            Diagnostic::warning(
                                "mkdocs-config",
                                format!("nav entry `{title}` is neither a page, a link nor a section; it is left out"),
                            )
                            .in_file(file),
                        ),
                    }
                }
            }
            _ => {}
        }
    }
}

fn chapter(title: String, path: Option<String>, children: Vec<Item>) -> Item {
    Item::Chapter {
        title,
        path,
        number: None,
        line: 0,
        children,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_settings_that_matter_and_names_the_rest() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("base.yml"),
            "site_name: Base\nrepo_url: https://git.example/team/svc\nmarkdown_extensions:\n  - admonition\n",
        )
        .unwrap();
        std::fs::write(
            d.path().join("mkdocs.yml"),
            r#"INHERIT: base.yml
site_name: Payments
docs_dir: documentation
edit_uri: edit/main/documentation/
theme:
  name: material
  features: [navigation.tabs]
plugins:
  - search
  - redirects:
      redirect_maps:
        old.md: guide/new.md
        gone.md: https://elsewhere.example/x
  - awesome-pages
markdown_extensions:
  - toc:
      permalink: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
  - custom_ext
extra_css: [css/extra.css]
made_up_key: 1
nav:
  - index.md
  - Guide:
      - Start: guide/start.md
      - guide/new.md
  - Go docs: https://go.dev/doc/
"#,
        )
        .unwrap();
        let (c, x) = load(&d.path().join("mkdocs.yml")).unwrap();
        assert_eq!(c.book.title, "Payments");
        assert_eq!(c.build.content_dir, PathBuf::from("documentation"));
        assert_eq!(
            c.site.edit_url_template.as_deref(),
            Some("https://git.example/team/svc/edit/main/documentation/{file}")
        );
        assert_eq!(x.additional_css, ["css/extra.css"]);
        assert_eq!(
            x.redirects,
            [
                ("old.html".to_string(), "/guide/new.html".to_string()),
                (
                    "gone.html".to_string(),
                    "https://elsewhere.example/x".to_string()
                )
            ]
        );
        let warned: Vec<&str> = x.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(warned.len(), 3, "{warned:?}");
        assert!(warned.iter().any(|w| w.contains("`made_up_key`")));
        assert!(warned.iter().any(|w| w.contains("plugin `awesome-pages`")));
        assert!(warned.iter().any(|w| w.contains("extension `custom_ext`")));
        let nav = x.nav.unwrap();
        assert_eq!(nav.len(), 3);
        let Item::Chapter {
            title, children, ..
        } = &nav[1]
        else {
            panic!()
        };
        assert_eq!(title, "Guide");
        assert_eq!(children.len(), 2);
    }
}
