//! The default theme: templates and static files built into the binary,
//! and loading a site's own theme over them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::diag::Diagnostic;

/// The built-in theme's templates, embedded so the binary works anywhere.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "page.html",
        include_str!("../../themes/default/templates/page.html"),
    ),
    (
        "section.html",
        include_str!("../../themes/default/templates/section.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "rules.html",
        include_str!("../../themes/default/templates/rules.html"),
    ),
    (
        "tags.html",
        include_str!("../../themes/default/templates/tags.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
];

/// The built-in theme's static files.
pub const STATIC: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../themes/default/static/style.css"),
    ),
    (
        "handbook.js",
        include_str!("../../themes/default/static/handbook.js"),
    ),
    (
        "search.js",
        include_str!("../../themes/default/static/search.js"),
    ),
    (
        "favicon.svg",
        include_str!("../../themes/default/static/favicon.svg"),
    ),
];

/// The vendored Mermaid release (npm `mermaid`, MIT; see
/// `scripts/update-mermaid.sh`): written to `static/vendor/` only for sites
/// with a diagram, and loaded only by pages that have one.
pub const MERMAID_VERSION: &str = "12.3.0";
/// Mermaid's bundle, embedded like the theme.
pub const MERMAID_JS: &[u8] = include_bytes!("../../themes/default/static/vendor/mermaid.min.js");
/// Mermaid's licence, shipped beside it.
pub const MERMAID_LICENSE: &str =
    include_str!("../../themes/default/static/vendor/mermaid.LICENSE");
/// The small loader that draws a page's diagrams (and loads Mermaid).
pub const DIAGRAMS_JS: &str = include_str!("../../themes/default/static/diagrams.js");

/// Cache-busting version of the diagram files: Mermaid's and the loader's.
pub fn diagrams_version() -> &'static str {
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let h = blake3::hash(DIAGRAMS_JS.as_bytes()).to_hex();
        format!("{MERMAID_VERSION}-{}", &h[..8])
    })
}

/// The built-in script that places the navigation tree in a page; the build
/// writes `static/nav.js` as the site's tree followed by this script.
pub const NAV_JS: &str = include_str!("../../themes/default/static/nav.js");

/// Load the theme: built-in templates overridden by the site's own.
pub fn load_templates(root: &Path, theme: &str) -> Result<Tera, Diagnostic> {
    let dir = root.join("themes").join(theme).join("templates");
    if theme != "default" && !root.join("themes").join(theme).is_dir() {
        return Err(Diagnostic::error(
            "config",
            format!(
                "theme `{theme}` not found: create themes/{theme}/ or set theme = \"default\" under [build]"
            ),
        )
        .in_file(root.join("book.toml"))
        .at_pos(crate::config::key_position(root, "build", "theme")));
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default escaper also encodes `/`, which bloats every relative URL.
    tera.set_escape_fn(crate::html::escape);
    let mut sources: Vec<(PathBuf, String, String)> = Vec::new();
    for (name, text) in TEMPLATES {
        let over = dir.join(name);
        let (path, text) = match std::fs::read_to_string(&over) {
            Ok(t) => (crate::diag::display_path(root, &over), t),
            Err(_) => (
                PathBuf::from("themes/default/templates").join(name),
                text.to_string(),
            ),
        };
        sources.push((path, name.to_string(), text));
    }
    // Add one at a time so an error names the file that has it.
    for (path, name, text) in &sources {
        tera.add_raw_template(name, text)
            .map_err(|e| template_error(path, &e))?;
    }
    tera.build_inheritance_chains()
        .map_err(|e| template_error(&dir, &e))?;
    Ok(tera)
}

pub(super) fn template_error(path: &Path, e: &tera::Error) -> Diagnostic {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        let _ = write!(msg, ": {s}");
        src = s.source();
    }
    // Tera reports positions as `--> line:col`.
    let (line, col) = msg
        .split("--> ")
        .nth(1)
        .and_then(|s| {
            let mut it = s
                .split(|c: char| !c.is_ascii_digit())
                .filter(|p| !p.is_empty());
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .unwrap_or((0, 0));
    Diagnostic::error("template", format!("template error: {}", msg.trim()))
        .in_file(path)
        .at(line, col)
}

/// A static file of the theme (site override first).
pub fn static_file(root: &Path, theme: &str, name: &str, builtin: &str) -> String {
    std::fs::read_to_string(root.join("themes").join(theme).join("static").join(name))
        .unwrap_or_else(|_| builtin.to_string())
}
