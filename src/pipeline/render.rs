//! Stage 6: render every generated file of a loaded site: pages (in
//! parallel, streamed to a sink), the per-site files rendered once
//! (stylesheet, navigation script) and the site-wide pages (indexes, rules,
//! tags, search, 404, redirects, sitemap).

use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::paths;
use crate::render::{self, Output, Renderer};
use crate::site::{self, Site};
use crate::store::Store;

use super::one;
use super::per_site::{diagram_files, nav_script, static_files, stylesheet};
use super::signature::{site_signature, template_hash};

/// Rendered pages kept between builds (`serve`). A page is re-rendered only
/// when its source, or something every page shows (navigation, titles, rules,
/// templates, build date), changed.
#[derive(Default)]
pub struct PageCache {
    entries: std::sync::Mutex<PageEntries>,
    /// `static/nav.js` and the site signature it was rendered for.
    pub(super) nav: std::sync::Mutex<Option<CachedPage>>,
    /// The site-wide pages and the signature they were rendered for.
    generated: std::sync::Mutex<Option<([u8; 32], Vec<Output>)>>,
}

/// Receives rendered pages as they are produced.
pub type Sink<'a> = dyn Fn(&Output) -> Result<(), Diagnostic> + Sync + 'a;

/// A rendered page and the hash of what it was rendered from.
pub(super) type CachedPage = ([u8; 32], Arc<Vec<u8>>);

/// Rendered pages by output path.
type PageEntries = std::collections::HashMap<String, CachedPage>;

/// The pages that belong to the site rather than to a source file.
fn site_pages(site: &Site, r: &Renderer<'_>, css: &str) -> Vec<Result<Output, Diagnostic>> {
    let mut results = Vec::new();
    for (s, sec) in site.sections.iter().enumerate() {
        if sec.index.is_none() {
            results.push(r.generated_section(s));
        }
    }
    if !site.rules.is_empty() {
        results.push(r.rules());
    }
    match r.changes() {
        Ok(v) => results.extend(v.into_iter().map(Ok)),
        Err(e) => results.push(Err(e)),
    }
    if !site.tags.is_empty() {
        match r.tags() {
            Ok(v) => results.extend(v.into_iter().map(Ok)),
            Err(e) => results.push(Err(e)),
        }
    }
    if site.config.search.enabled {
        results.push(r.search_page());
    }
    if site.pages.iter().any(|p| p.src.front.owner.is_some()) {
        results.push(r.owners());
    }
    if !site.alerts.is_empty() {
        results.push(r.alerts_index());
        results.extend(alert_pages(site).into_iter().map(Ok));
    }
    results.push(r.not_found(css));
    results
}

/// Render every generated file of a loaded site (not the copied assets).
///
/// With a `sink`, each page is handed to it as soon as it is rendered and not
/// kept (`build` writes it straight to disk, so peak memory does not hold the
/// whole site's HTML); the returned outputs are then the generated files only.
pub fn render_site(
    site: &Site,
    cache: Option<&PageCache>,
    sink: Option<&Sink<'_>>,
) -> Result<Vec<Output>, Diagnostics> {
    let prepared = Prepared::new(site, cache)?;
    let pages = prepared.pages(site, cache, sink, None);
    prepared.finish(site, (cache, None), pages)
}

/// What every file of one rendering shares, made once: templates,
/// stylesheet, static files, navigation script, and the signature the caches
/// key on. It borrows nothing from the site, so `build` can free the pages'
/// HTML between the pages and the site-wide files (whose template contexts
/// are large on big sites: every rule, every owner).
pub struct Prepared {
    tera: tera::Tera,
    css: String,
    statics: Vec<Output>,
    version: String,
    nav_version: String,
    signature: blake3::Hash,
}

impl Prepared {
    /// Load the templates and render the per-site files.
    pub fn new(site: &Site, cache: Option<&PageCache>) -> Result<Self, Diagnostics> {
        let tera = render::load_templates(&site.root, &site.config.build.theme).map_err(one)?;
        let css = stylesheet(site)?;
        let (mut statics, version) = static_files(site, &css);
        let nav_logic = render::static_file(
            &site.root,
            &site.config.build.theme,
            "nav.js",
            render::NAV_JS,
        );
        let signature = site_signature(site, &template_hash(site, &version, &nav_logic));
        let nav_js = nav_script(site, cache, &signature, &nav_logic);
        let nav_version = blake3::hash(&nav_js).to_hex()[..10].to_string();
        statics.push(Output {
            path: "static/nav.js".into(),
            bytes: nav_js,
        });
        statics.extend(diagram_files(site));
        Ok(Self {
            tera,
            css,
            statics,
            version,
            nav_version,
            signature,
        })
    }

    fn renderer<'a>(&'a self, site: &'a Site) -> Renderer<'a> {
        Renderer::new(
            site,
            &self.tera,
            self.version.clone(),
            self.nav_version.clone(),
        )
    }

    /// Every source page, each handed to `sink` when there is one.
    pub fn pages(
        &self,
        site: &Site,
        cache: Option<&PageCache>,
        sink: Option<&Sink<'_>>,
        earlier: Option<&Earlier<'_>>,
    ) -> Vec<Result<Output, Diagnostic>> {
        let r = self.renderer(site);
        render_pages(site, (&r, &self.signature), cache, sink, earlier)
    }

    /// Page `i` alone, through `serve`'s cache (`serve`'s quick path: the
    /// site changed only in that page's body, so everything this was
    /// prepared from still holds).
    pub fn page(&self, site: &Site, i: usize, cache: &PageCache) -> Result<Output, Diagnostic> {
        let r = self.renderer(site);
        render_page(
            site,
            i,
            (&r, &self.signature),
            (Some(cache), None),
            None,
            None,
        )?
        .ok_or_else(|| {
            Diagnostic::error(
                "internal",
                "a page rendered without a sink was not returned",
            )
        })
    }

    /// The site-wide files, then every output kept (the statics, the pages
    /// not streamed, the site-wide files), or every error of both steps.
    pub fn finish(
        &self,
        site: &Site,
        (cache, earlier): (Option<&PageCache>, Option<&Earlier<'_>>),
        mut results: Vec<Result<Output, Diagnostic>>,
    ) -> Result<Vec<Output>, Diagnostics> {
        let r = self.renderer(site);
        let reuse = (cache, earlier, &self.signature);
        results.extend(site_wide_pages(site, &r, &self.css, reuse));
        let (mut outputs, mut errors) = (self.statics.clone(), Vec::new());
        for res in results {
            match res {
                Ok(o) => outputs.push(o),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            let mut d = Diagnostics(errors);
            d.sort();
            return Err(d);
        }
        outputs.extend(alias_pages(site));
        if let Some(imported) = &site.config.imported {
            outputs.extend(imported_files(site, imported)?);
        }
        if let Some(url) = &site.config.site.site_url {
            outputs.push(Output {
                path: crate::paths::generated::SITEMAP.into(),
                bytes: Arc::new(sitemap(site, url).into_bytes()),
            });
        }
        Ok(outputs)
    }
}

/// The pages an earlier build wrote (`build`, across processes).
pub struct Earlier<'a> {
    /// The blake3 hash of each page's bytes, by [`page_key`].
    pub record: &'a Store,
    /// Put the previous output's file at a path into the new output when it
    /// holds bytes with the given hash; `Ok(false)` when it does not.
    pub keep: &'a Keep<'a>,
}

/// See [`Earlier::keep`].
pub type Keep<'a> = dyn Fn(&str, &[u8; 32]) -> Result<bool, Diagnostic> + Sync + 'a;

/// A hash of everything page `i`'s HTML is made from: the site signature,
/// the page's source and rendering, its cross-page patches and its history.
fn page_key(site: &Site, i: usize, signature: &blake3::Hash) -> [u8; 32] {
    let p = &site.pages[i];
    let mut h = blake3::Hasher::new();
    h.update(signature.as_bytes());
    h.update(&p.src.hash);
    h.update(&p.rendered.source_key);
    for (from, to) in &p.patches {
        h.update(format!("{}\0{}\0{from}\0{to}", from.len(), to.len()).as_bytes());
    }
    if site.history.is_some() {
        h.update(format!("{:?}", crate::changes::page_history(site, i)).as_bytes());
    }
    *h.finalize().as_bytes()
}

/// Every source page, in parallel: from the cache when its key is unchanged,
/// kept from the previous output when an earlier build wrote it from the
/// same key, else rendered (and handed to the sink when there is one).
fn render_pages(
    site: &Site,
    (r, signature): (&Renderer<'_>, &blake3::Hash),
    cache: Option<&PageCache>,
    sink: Option<&Sink<'_>>,
    earlier: Option<&Earlier<'_>>,
) -> Vec<Result<Output, Diagnostic>> {
    let previous = cache.and_then(|c| c.entries.lock().ok().map(|m| m.clone()));
    let streamed: Vec<Result<Option<Output>, Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .filter(|i| !site.skips.pages.contains(i))
        .map(|i| {
            render_page(
                site,
                i,
                (r, signature),
                (cache, previous.as_ref()),
                sink,
                earlier,
            )
        })
        .collect();
    streamed.into_iter().filter_map(Result::transpose).collect()
}

/// Page `i`: from `serve`'s cache (`previous`, a copy of its entries) when
/// its key is unchanged, kept from the previous output when an earlier build
/// wrote it from the same key, else rendered (and handed to the sink when
/// there is one: then `None`).
fn render_page(
    site: &Site,
    i: usize,
    (r, signature): (&Renderer<'_>, &blake3::Hash),
    (cache, previous): (Option<&PageCache>, Option<&PageEntries>),
    sink: Option<&Sink<'_>>,
    earlier: Option<&Earlier<'_>>,
) -> Result<Option<Output>, Diagnostic> {
    let p = &site.pages[i];
    let key = page_key(site, i, signature);
    if let Some(e) = earlier
        && let Some(hash) = e.record.get(&key)
        && let Ok(hash) = <[u8; 32]>::try_from(hash)
        && (e.keep)(&p.url, &hash)?
    {
        return Ok(None);
    }
    if let Some((_, bytes)) = previous
        .and_then(|m| m.get(&p.url))
        .filter(|(k, _)| *k == key)
    {
        return Ok(Some(Output {
            path: p.url.clone(),
            bytes: bytes.clone(),
        }));
    }
    let out = r.page(i)?;
    if let Some(e) = earlier {
        e.record.put(&key, blake3::hash(&out.bytes).as_bytes());
    }
    if let Some(mut m) = cache.and_then(|c| c.entries.lock().ok()) {
        m.insert(out.path.clone(), (key, out.bytes.clone()));
    }
    match sink {
        Some(sink) => sink(&out).map(|()| None),
        None => Ok(Some(out)),
    }
}

/// Site-wide pages (generated section indexes, rules, tags, search, 404).
/// They depend only on what the signature covers: `serve` reuses them until
/// it changes (the rules index alone is a large page on a big site).
/// `build` keeps them from the previous output when an earlier build wrote
/// them for the same signature.
fn site_wide_pages(
    site: &Site,
    r: &Renderer<'_>,
    css: &str,
    (cache, earlier, signature): (Option<&PageCache>, Option<&Earlier<'_>>, &blake3::Hash),
) -> Vec<Result<Output, Diagnostic>> {
    let cached = cache
        .and_then(|c| c.generated.lock().ok().and_then(|g| g.clone()))
        .filter(|(k, _)| *k == *signature.as_bytes());
    if let Some((_, outputs)) = cached {
        return outputs.into_iter().map(Ok).collect();
    }
    let key = *blake3::Hasher::new()
        .update(b"site-wide pages\0")
        .update(signature.as_bytes())
        .finalize()
        .as_bytes();
    if let Some(e) = earlier {
        match kept_whole(e, &key) {
            Ok(true) => return Vec::new(),
            Ok(false) => {}
            Err(d) => return vec![Err(d)],
        }
    }
    let generated: Vec<Result<Output, Diagnostic>> = site_pages(site, r, css)
        .into_iter()
        .filter(|o| {
            o.as_ref()
                .map_or(true, |o| !site.skips.generated.contains(&o.path))
        })
        .collect();
    if let (Some(c), true) = (cache, generated.iter().all(Result::is_ok)) {
        let ok: Vec<Output> = generated.iter().flatten().cloned().collect();
        if let Ok(mut g) = c.generated.lock() {
            *g = Some((*signature.as_bytes(), ok));
        }
    }
    if let (Some(e), true) = (earlier, generated.iter().all(Result::is_ok)) {
        let files: Vec<(&str, [u8; 32])> = generated
            .iter()
            .flatten()
            .map(|o| (o.path.as_str(), *blake3::hash(&o.bytes).as_bytes()))
            .collect();
        if let Ok(bytes) = postcard::to_stdvec(&files) {
            e.record.put(&key, &bytes);
        }
    }
    generated
}

/// Whether every file an earlier build recorded under `key` was kept from
/// the previous output (`false`: they must be rendered again).
fn kept_whole(e: &Earlier<'_>, key: &[u8; 32]) -> Result<bool, Diagnostic> {
    let Some(files) = e
        .record
        .get(key)
        .and_then(|b| postcard::from_bytes::<Vec<(String, [u8; 32])>>(&b).ok())
    else {
        return Ok(false);
    };
    for (path, hash) in &files {
        if !(e.keep)(path, hash)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Aliases: redirect pages to the page that names them.
fn alias_pages(site: &Site) -> Vec<Output> {
    let mut outputs = Vec::new();
    for p in &site.pages {
        for a in &p.src.front.aliases {
            let path = site::alias_url(a);
            if site.skips.aliases.contains(&path) {
                continue;
            }
            let target = format!(
                "{}{}",
                paths::root_prefix(&path),
                paths::encode_href(&p.url)
            );
            outputs.push(Output {
                path,
                bytes: Arc::new(render::redirect_page(&target).into_bytes()),
            });
        }
    }
    outputs
}

/// mdBook / MkDocs: additional CSS/JS files and redirects.
fn imported_files(
    site: &Site,
    imported: &crate::imported::Imported,
) -> Result<Vec<Output>, Diagnostics> {
    let mut outputs = Vec::new();
    // MkDocs' extra files live in docs_dir: they are copied as assets.
    if imported.tool != crate::imported::Tool::MkDocs {
        for f in imported
            .additional_css
            .iter()
            .chain(&imported.additional_js)
        {
            if crate::imported::is_url(f) {
                continue;
            }
            let from = site.root.join(&imported.files_dir).join(f);
            let bytes = std::fs::read(&from).map_err(|e| {
                one(
                    Diagnostic::error("config", format!("additional file {f}: {e}"))
                        .in_file(site.root.join("book.toml")),
                )
            })?;
            outputs.push(Output {
                path: f.trim_start_matches("./").to_string(),
                bytes: Arc::new(bytes),
            });
        }
    }
    for (from, to) in &imported.redirects {
        let path = from.trim_start_matches('/').to_string();
        if site.skips.aliases.contains(&path) {
            continue;
        }
        let target = if let Some(abs) = to.strip_prefix('/') {
            format!("{}{abs}", paths::root_prefix(&path))
        } else {
            to.clone()
        };
        outputs.push(Output {
            path,
            bytes: Arc::new(render::redirect_page(&target).into_bytes()),
        });
    }
    Ok(outputs)
}

/// `alerts/<Name>.html` (a redirect to the runbook, at the mapped section)
/// and `alerts.json` (the same data for bots and Alertmanager templates).
fn alert_pages(site: &Site) -> Vec<Output> {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        alert: &'a str,
        runbook: String,
        title: &'a str,
        owner: &'a str,
        severity: &'a str,
        last_reviewed: Option<String>,
        review_due: Option<String>,
        overdue: bool,
    }
    let mut out = Vec::new();
    let mut rows = Vec::new();
    for a in site.alerts.values() {
        let p = &site.pages[a.page];
        let path = site::alerts::alert_url(&a.name);
        let mut target = format!(
            "{}{}",
            paths::root_prefix(&path),
            paths::encode_href(&p.url)
        );
        let mut runbook = paths::encode_href(&p.url).into_owned();
        if let Some(s) = &a.section {
            target.push('#');
            target.push_str(s);
            runbook.push('#');
            runbook.push_str(s);
        }
        out.push(Output {
            path,
            bytes: Arc::new(render::redirect_page(&target).into_bytes()),
        });
        let rb = p.runbook.as_ref();
        rows.push(Row {
            alert: &a.name,
            runbook: match &site.config.site.site_url {
                Some(base) => format!("{}/{runbook}", base.trim_end_matches('/')),
                None => runbook,
            },
            title: &p.title,
            owner: rb.map_or("", |r| r.owner.as_str()),
            severity: rb.map_or("", |r| r.severity.as_str()),
            last_reviewed: rb.and_then(|r| r.last_reviewed).map(|d| d.to_string()),
            review_due: rb.and_then(|r| r.review_due).map(|d| d.to_string()),
            overdue: rb.is_some_and(|r| r.overdue),
        });
    }
    out.push(Output {
        path: crate::paths::generated::ALERTS_JSON.into(),
        bytes: Arc::new(
            (serde_json::to_string_pretty(&rows).expect("alert rows serialise") + "\n")
                .into_bytes(),
        ),
    });
    out
}

fn sitemap(site: &Site, base: &str) -> String {
    let base = base.trim_end_matches('/');
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for &i in &site.order {
        let p = &site.pages[i];
        s.push_str("  <url><loc>");
        crate::html::escape_into(&mut s, &format!("{base}/{}", paths::encode_href(&p.url)));
        s.push_str("</loc>");
        if let Some(d) = p.src.front.updated.or(p.src.front.date) {
            s.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}
