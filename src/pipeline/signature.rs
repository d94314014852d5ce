//! What every page's HTML depends on besides its own source, as one hash:
//! the caches of rendered pages (`serve`'s in memory, `build`'s record of
//! the previous output) are keyed by it and by the page's own inputs.

use crate::render;
use crate::site::Site;

/// A hash of everything a page's HTML depends on besides its own source.
pub(super) fn site_signature(site: &Site, templates: &[u8]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(templates);
    h.update(site.today.to_string().as_bytes());
    h.update(format!("{:?}", serde_json::to_string(&site.config).ok()).as_bytes());
    for s in &site.sections {
        h.update(
            format!(
                "{}\0{}\0{:?}\0{:?}\0{:?}\n",
                s.url, s.title, s.pages, s.children, s.kind
            )
            .as_bytes(),
        );
    }
    for p in &site.pages {
        h.update(
            format!(
                "{}\0{}\0{:?}\0{}\n",
                p.url,
                p.title,
                p.module.as_ref().map(|m| m.number),
                p.rendered.tasks,
            )
            .as_bytes(),
        );
        // Index pages show other pages' front matter (descriptions, runbook
        // owners and review dates, durations, tags).
        h.update(p.src.front_text.as_bytes());
        h.update(b"\0");
    }
    for (id, r) in &site.rules {
        h.update(format!("{id}\0{}\0{}\0{:?}\n", r.page, r.title, r.level).as_bytes());
    }
    // Dates from git: a commit changes them (rule dates, the changes page).
    // A page's own "last updated" is part of that page's key instead, so an
    // uncommitted edit re-renders the edited page, not the whole site.
    if let Some(hist) = site.history.as_deref() {
        h.update(hist.head.as_bytes());
    }
    // Previous and next links follow the reading order.
    h.update(format!("{:?}", site.order).as_bytes());
    // mdBook navigation: SUMMARY.md's tree (numbers, parts, drafts).
    h.update(format!("{:?}", site.summary).as_bytes());
    h.update(
        format!(
            "{:?}",
            site.retired
                .iter()
                .collect::<std::collections::BTreeMap<_, _>>()
        )
        .as_bytes(),
    );
    h.finalize()
}

/// A hash of what every page shows besides the site model: the asset
/// version, the navigation script and the templates (the author's override,
/// else the built-in one: `build` keeps its record across processes, which
/// may be different versions of handbook).
pub(super) fn template_hash(site: &Site, version: &str, nav_logic: &str) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(version.as_bytes());
    h.update(nav_logic.as_bytes());
    let templates = site
        .root
        .join("themes")
        .join(&site.config.build.theme)
        .join("templates");
    for (name, builtin) in render::TEMPLATES {
        match std::fs::read(templates.join(name)) {
            Ok(t) => h.update(&t),
            Err(_) => h.update(builtin.as_bytes()),
        };
    }
    *h.finalize().as_bytes()
}
