//! Every path the build will write, and what claims it. Two claims on one
//! path are a finding (`output-collision`) naming both, and the build stays
//! deterministic: the site's own files (`static/`, `search/`, the search
//! page) win over content; an author's page wins over a generated index page
//! (a `404.md` is the site's 404); a page wins over a copied file and an
//! alias or redirect; the first of two aliases wins. `check` reports the
//! same findings, since they are computed here, before anything is rendered.

use crate::paths::generated;
use std::collections::{BTreeMap, HashSet};

use super::{Site, alias_url};
use crate::diag::Diagnostic;

/// What a build must not write, because something else claimed the path.
#[derive(Debug, Default, Clone)]
pub struct Skips {
    /// Pages (by index) not rendered.
    pub pages: HashSet<usize>,
    /// Copied files not copied.
    pub assets: HashSet<String>,
    /// Alias and redirect paths not written.
    pub aliases: HashSet<String>,
    /// Generated pages not written (an author's page holds the path).
    pub generated: HashSet<String>,
}

/// Who claims an output path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Claim {
    /// handbook's own file (stylesheet, scripts, search index, search page).
    Reserved,
    /// A generated page an author's page may replace.
    Generated,
    Page(usize),
    Alias {
        page: usize,
        alias: String,
    },
    Redirect,
    Asset(String),
}

impl Claim {
    /// Higher wins.
    fn rank(&self) -> u8 {
        match self {
            Claim::Reserved => 5,
            Claim::Page(_) => 4,
            Claim::Generated => 3,
            Claim::Asset(_) => 2,
            Claim::Alias { .. } | Claim::Redirect => 1,
        }
    }
}

/// Paths handbook writes for the site as a whole.
fn generated_claims(site: &Site) -> Vec<(String, Claim)> {
    let mut v: Vec<(String, Claim)> = vec![(generated::NOT_FOUND.into(), Claim::Generated)];
    for s in &site.sections {
        if s.index.is_none() {
            v.push((s.url.clone(), Claim::Generated));
        }
    }
    if !site.rules.is_empty() {
        v.push((generated::RULES.into(), Claim::Generated));
    }
    if !site.tags.is_empty() {
        v.push((generated::TAGS.into(), Claim::Generated));
        for t in site.tags.keys() {
            v.push((generated::tag(t), Claim::Generated));
        }
    }
    if site.config.search.enabled {
        v.push((generated::SEARCH.into(), Claim::Reserved));
    }
    if site.pages.iter().any(|p| p.src.front.owner.is_some()) {
        v.push((generated::OWNERS.into(), Claim::Generated));
    }
    if !site.alerts.is_empty() {
        v.push((generated::ALERTS.into(), Claim::Generated));
        v.push((generated::ALERTS_JSON.into(), Claim::Reserved));
        for name in site.alerts.keys() {
            v.push((super::alerts::alert_url(name), Claim::Reserved));
        }
    }
    if site.config.site.site_url.is_some() {
        v.push((generated::SITEMAP.into(), Claim::Reserved));
    }
    v
}

/// Generated files that step aside, without a finding, for an author's file
/// at the same path: a site that already has its own `changes.md` keeps it
/// when the history feature arrives.
fn optional_generated(site: &Site) -> Vec<&'static str> {
    if site.history.is_some() {
        vec![generated::CHANGES, generated::FEED]
    } else {
        Vec::new()
    }
}

/// Is `path` inside a folder only handbook writes?
fn reserved_folder(path: &str) -> bool {
    path.starts_with("static/") || path.starts_with("search/") || path == crate::output::MARKER
}

/// Every output path -> the things that want to be written there.
type Claims = BTreeMap<String, Vec<Claim>>;

/// Find every collision; fill `site.skips`.
pub(super) fn plan(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let mut claims = Claims::new();
    for (path, c) in generated_claims(site) {
        claims.entry(path).or_default().push(c);
    }
    let mut stepped_aside = Vec::new();
    for path in optional_generated(site) {
        let taken =
            site.pages.iter().any(|p| p.url == path) || site.assets.iter().any(|a| a == path);
        if taken {
            stepped_aside.push(path.to_string());
        } else {
            claims
                .entry(path.to_string())
                .or_default()
                .push(Claim::Generated);
        }
    }
    let (bad_aliases, bad_pages) = page_claims(site, &mut claims, diags);
    if let Some(x) = &site.config.imported {
        for (from, _) in &x.redirects {
            claims
                .entry(from.trim_start_matches('/').to_string())
                .or_default()
                .push(Claim::Redirect);
        }
    }
    let bad_assets = asset_claims(site, &mut claims, diags);
    let mut skips = Skips {
        pages: bad_pages,
        aliases: bad_aliases,
        assets: bad_assets,
        ..Skips::default()
    };
    settle(site, claims, &mut skips, diags);
    site.skips = skips;
    site.skips.generated.extend(stepped_aside);
}

/// Pages and their aliases claim their URLs; returns the alias paths and
/// the pages that cannot be written at all (a name no file system holds).
fn page_claims(
    site: &Site,
    claims: &mut Claims,
    diags: &mut Vec<Diagnostic>,
) -> (HashSet<String>, HashSet<usize>) {
    let mut bad_aliases = HashSet::new();
    let mut bad_pages = HashSet::new();
    for (i, p) in site.pages.iter().enumerate() {
        // A page's URL comes from its file name, which `sources` has already
        // refused when no site can hold it (`a:b.md`); `x.md` of 253 bytes
        // still gives an `x.html` of 255 and more.
        if let Err(e) = crate::output::check_rel(&p.url) {
            diags.push(
                Diagnostic::error(
                    "output",
                    format!("{}; give the file a shorter name", e.message),
                )
                .in_file(&p.src.display)
                .at(1, 1),
            );
            bad_pages.insert(i);
            continue;
        }
        claims
            .entry(p.url.clone())
            .or_default()
            .push(Claim::Page(i));
        for a in &p.src.front.aliases {
            let url = alias_url(a);
            if let Err(e) = crate::output::check_rel(&url) {
                diags.push(
                    Diagnostic::error(
                        "alias-collision",
                        format!(
                            "alias `{a}`: {}; give a path inside the site, e.g. `old/page`",
                            e.message
                        ),
                    )
                    .in_file(&p.src.display)
                    .at_pos(p.src.key_position("aliases")),
                );
                bad_aliases.insert(url);
                continue;
            }
            claims.entry(url).or_default().push(Claim::Alias {
                page: i,
                alias: a.clone(),
            });
        }
    }
    (bad_aliases, bad_pages)
}

/// Copied files claim their paths; returns those that cannot be written.
fn asset_claims(site: &Site, claims: &mut Claims, diags: &mut Vec<Diagnostic>) -> HashSet<String> {
    let mut bad_assets = HashSet::new();
    for a in &site.assets {
        if let Err(e) = crate::output::check_rel(a) {
            diags.push(
                Diagnostic::error("output", format!("{}; rename the file", e.message)).in_file(
                    crate::diag::display_path(&site.root, &site.content_dir.join(a)),
                ),
            );
            bad_assets.insert(a.clone());
            continue;
        }
        claims
            .entry(a.clone())
            .or_default()
            .push(Claim::Asset(a.clone()));
    }
    bad_assets
}

/// Every path claimed twice (or inside a folder only handbook writes): the
/// highest-ranked claim wins, the others are skipped with a finding each.
fn settle(site: &Site, claims: Claims, skips: &mut Skips, diags: &mut Vec<Diagnostic>) {
    for (path, mut cs) in claims {
        let reserved = reserved_folder(&path);
        if cs.len() < 2 && !reserved {
            continue;
        }
        if reserved {
            cs.insert(0, Claim::Reserved);
        }
        // The winner: highest rank, the first claim among equals.
        let best = cs.iter().map(Claim::rank).max().unwrap_or(0);
        let winner = cs.iter().position(|c| c.rank() == best).unwrap_or(0);
        for (k, c) in cs.iter().enumerate() {
            if k == winner {
                continue;
            }
            match c {
                Claim::Page(i) => {
                    skips.pages.insert(*i);
                }
                Claim::Asset(a) => {
                    skips.assets.insert(a.clone());
                }
                Claim::Alias { .. } | Claim::Redirect => {
                    skips.aliases.insert(path.clone());
                }
                Claim::Generated => {
                    skips.generated.insert(path.clone());
                }
                Claim::Reserved => {}
            }
            diags.push(finding(site, &path, c, &cs[winner]));
        }
    }
}

/// A finding at the losing claim, naming the winner.
fn finding(site: &Site, path: &str, loser: &Claim, winner: &Claim) -> Diagnostic {
    // A generated page at a folder's path is that folder's index: name the
    // folder, so the finding points at something the author can rename.
    let folder = site
        .sections
        .iter()
        .find(|s| s.index.is_none() && s.url == path)
        .map(|s| crate::diag::display_path(&site.root, &site.content_dir.join(&s.dir)));
    let describe = |c: &Claim| match (c, &folder) {
        (Claim::Reserved, _) => "a file handbook writes itself".to_string(),
        (Claim::Generated, Some(dir)) => format!(
            "the index page handbook generates for the folder {}",
            dir.display()
        ),
        (Claim::Generated, None) => "a page handbook generates".to_string(),
        (Claim::Page(i), _) => format!("the page {}", site.pages[*i].src.display.display()),
        (Claim::Alias { page, alias }, _) => format!(
            "alias `{alias}` of {}:{}",
            site.pages[*page].src.display.display(),
            site.pages[*page].src.key_position("aliases").0
        ),
        (Claim::Redirect, _) => "a redirect in the configuration".to_string(),
        (Claim::Asset(a), _) => format!("the file {a}"),
    };
    let message = format!(
        "{} would be written to `{path}`, which {} also claims; it is left out. Rename or move one of them",
        describe(loser),
        describe(winner)
    );
    let code = if matches!(loser, Claim::Alias { .. }) {
        "alias-collision"
    } else {
        "output-collision"
    };
    let d = Diagnostic::error(code, message);
    match loser {
        Claim::Page(i) => d.in_file(&site.pages[*i].src.display).at(1, 1),
        Claim::Alias { page, .. } => {
            let p = &site.pages[*page];
            d.in_file(&p.src.display)
                .at_pos(p.src.key_position("aliases"))
        }
        Claim::Asset(a) => d.in_file(crate::diag::display_path(
            &site.root,
            &site.content_dir.join(a),
        )),
        Claim::Generated => match folder {
            Some(dir) => d.in_file(dir),
            None => d,
        },
        Claim::Reserved | Claim::Redirect => d,
    }
}
