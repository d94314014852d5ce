//! The files every rendering makes once per site, not once per page: the
//! stylesheet (theme plus highlighting colours), the theme's static files,
//! diagram support and the navigation script.

use std::sync::Arc;

use super::one;
use super::render::PageCache;
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{self, Output};
use crate::site::Site;
use crate::{highlight, nav};

/// The theme's stylesheet followed by the code highlighting colours.
pub(super) fn stylesheet(site: &Site) -> Result<String, Diagnostics> {
    let hl = &site.config.highlight;
    let code = highlight::theme_css(&hl.light, &hl.dark).map_err(|m| {
        // Point at the key that names the unknown theme.
        let key = if m.contains(&format!("`{}`", hl.light)) {
            "light"
        } else {
            "dark"
        };
        one(Diagnostic::error("config", m)
            .in_file(site.root.join("book.toml"))
            .at_pos(crate::config::key_position(&site.root, "highlight", key)))
    })?;
    let theme = render::static_file(
        &site.root,
        &site.config.build.theme,
        "style.css",
        render::STATIC[0].1,
    );
    Ok(format!("{theme}\n{code}"))
}

/// `static/style.css` and the theme's other static files, with the asset
/// version (a hash of them all) pages put in their URLs.
pub(super) fn static_files(site: &Site, css: &str) -> (Vec<Output>, String) {
    let mut statics: Vec<Output> = vec![Output {
        path: "static/style.css".into(),
        bytes: Arc::new(css.as_bytes().to_vec()),
    }];
    for (name, builtin) in &render::STATIC[1..] {
        let text = render::static_file(&site.root, &site.config.build.theme, name, builtin);
        statics.push(Output {
            path: format!("static/{name}"),
            bytes: Arc::new(text.into_bytes()),
        });
    }
    let mut hasher = blake3::Hasher::new();
    for s in &statics {
        hasher.update(&s.bytes);
    }
    (statics, hasher.finalize().to_hex()[..10].to_string())
}

/// Diagram support, written only for sites that have a diagram (and outside
/// the asset version, so other sites' pages do not change).
pub(super) fn diagram_files(site: &Site) -> Vec<Output> {
    if !site.pages.iter().any(|p| p.rendered.diagrams > 0) {
        return Vec::new();
    }
    let theme = &site.config.build.theme;
    let loader = render::static_file(&site.root, theme, "diagrams.js", render::DIAGRAMS_JS);
    [
        ("static/diagrams.js", loader.into_bytes()),
        ("static/vendor/mermaid.min.js", render::MERMAID_JS.to_vec()),
        (
            "static/vendor/mermaid.LICENSE",
            render::MERMAID_LICENSE.as_bytes().to_vec(),
        ),
    ]
    .into_iter()
    .map(|(path, bytes)| Output {
        path: path.into(),
        bytes: Arc::new(bytes),
    })
    .collect()
}

/// `static/nav.js`: the navigation tree and the script that shows it. It
/// depends only on what the signature covers, so `serve` renders it again
/// only when that changed (a megabyte at 10,000 pages).
pub(super) fn nav_script(
    site: &Site,
    cache: Option<&PageCache>,
    signature: &blake3::Hash,
    nav_logic: &str,
) -> Arc<Vec<u8>> {
    let cached = cache
        .and_then(|c| c.nav.lock().ok().and_then(|n| n.clone()))
        .filter(|(k, _)| *k == *signature.as_bytes())
        .map(|(_, bytes)| bytes);
    cached.unwrap_or_else(|| {
        let js = format!(
            "var handbookNavHtml = {};\n{nav_logic}",
            serde_json::to_string(&nav::tree(site)).expect("a string serialises"),
        );
        let bytes = Arc::new(js.into_bytes());
        if let Some(mut n) = cache.and_then(|c| c.nav.lock().ok()) {
            *n = Some((*signature.as_bytes(), bytes.clone()));
        }
        bytes
    })
}
