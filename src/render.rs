//! Rendering the site model with Tera templates.
//!
//! Templates come from the built-in default theme, and any file of the same
//! name under the site's `themes/<theme>/templates/` replaces it. Per-site
//! pieces (the section tree, stylesheets) are prepared once; each page only
//! fills in its own parts.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::Tera;

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::markdown::Heading;
use crate::paths::root_prefix;
use crate::site::{Kind, ModuleInfo, RunbookInfo, Site};

/// The built-in theme's templates, embedded so the binary works anywhere.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../themes/default/templates/base.html"),
    ),
    (
        "page.html",
        include_str!("../themes/default/templates/page.html"),
    ),
    (
        "section.html",
        include_str!("../themes/default/templates/section.html"),
    ),
    (
        "index.html",
        include_str!("../themes/default/templates/index.html"),
    ),
    (
        "rules.html",
        include_str!("../themes/default/templates/rules.html"),
    ),
    (
        "tags.html",
        include_str!("../themes/default/templates/tags.html"),
    ),
    (
        "search.html",
        include_str!("../themes/default/templates/search.html"),
    ),
    (
        "404.html",
        include_str!("../themes/default/templates/404.html"),
    ),
];

/// The built-in theme's static files.
pub const STATIC: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../themes/default/static/style.css"),
    ),
    (
        "handbook.js",
        include_str!("../themes/default/static/handbook.js"),
    ),
    (
        "search.js",
        include_str!("../themes/default/static/search.js"),
    ),
    (
        "favicon.svg",
        include_str!("../themes/default/static/favicon.svg"),
    ),
];

/// The vendored Mermaid release (npm `mermaid`, MIT; see
/// `scripts/update-mermaid.sh`): written to `static/vendor/` only for sites
/// with a diagram, and loaded only by pages that have one.
pub const MERMAID_VERSION: &str = "12.3.0";
/// Mermaid's bundle, embedded like the theme.
pub const MERMAID_JS: &[u8] = include_bytes!("../themes/default/static/vendor/mermaid.min.js");
/// Mermaid's licence, shipped beside it.
pub const MERMAID_LICENSE: &str = include_str!("../themes/default/static/vendor/mermaid.LICENSE");
/// The small loader that draws a page's diagrams (and loads Mermaid).
pub const DIAGRAMS_JS: &str = include_str!("../themes/default/static/diagrams.js");

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
pub const NAV_JS: &str = include_str!("../themes/default/static/nav.js");

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
        .in_file(root.join("book.toml")));
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

fn template_error(path: &Path, e: &tera::Error) -> Diagnostic {
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

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    authors: &'a [String],
    repo_url: Option<&'a str>,
    search: bool,
    has_rules: bool,
    has_tags: bool,
    /// A changes page exists (the site has its git history).
    has_history: bool,
    build_date: String,
    asset_version: &'a str,
    /// Version of `static/nav.js`, the navigation tree.
    nav_version: &'a str,
    /// Version of the diagram script and Mermaid.
    diagrams_version: &'static str,
    /// mdBook `additional-css` / `additional-js`, MkDocs `extra_css` /
    /// `extra_javascript`: site-relative paths or URLs.
    extra_css: Vec<String>,
    extra_js: Vec<String>,
}

/// A link to a page, relative to the page being rendered.
#[derive(Serialize, Clone)]
pub struct LinkCtx {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct PageCtx<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: std::borrow::Cow<'a, str>,
    source: String,
    body: std::borrow::Cow<'a, str>,
    toc: Vec<&'a Heading>,
    kind: Kind,
    tags: Vec<LinkCtx>,
    date: Option<Date>,
    updated: Option<Date>,
    edit_url: Option<String>,
    extra: &'a toml::Table,
    runbook: Option<RunbookCtx<'a>>,
    module: Option<&'a ModuleInfo>,
    track: Option<TrackCtx<'a>>,
    tasks: usize,
    canonical: Option<String>,
    /// Estimated time (`duration` front matter), shown on track modules.
    duration: Option<&'a str>,
    /// Mermaid diagrams on the page: the diagram script loads only then.
    diagrams: usize,
    /// The last change from git (none when front matter `updated` is set).
    history: Option<crate::changes::PageHistory>,
}

#[derive(Serialize)]
struct RunbookCtx<'a> {
    #[serde(flatten)]
    info: &'a RunbookInfo,
    services: &'a [String],
    alerts: Vec<&'a str>,
    dashboards: Vec<&'a str>,
    escalation: Option<&'a str>,
}

#[derive(Serialize)]
struct TrackCtx<'a> {
    level: Option<&'a str>,
    duration: Option<&'a str>,
    objectives: &'a [String],
    prerequisites: Vec<LinkCtx>,
    mentor: Option<&'a str>,
}

/// An entry in a section listing.
#[derive(Serialize)]
struct EntryCtx<'a> {
    title: &'a str,
    url: String,
    description: Option<&'a str>,
    /// Stable key for progress in localStorage (the page's site-relative URL).
    key: &'a str,
    runbook: Option<RunbookCtx<'a>>,
    track: Option<TrackCtx<'a>>,
    duration: Option<&'a str>,
    modules: Vec<String>,
    tasks: usize,
    updated: Option<Date>,
}

#[derive(Serialize)]
struct SectionCtx<'a> {
    title: &'a str,
    kind: Kind,
    pages: Vec<EntryCtx<'a>>,
    subsections: Vec<EntryCtx<'a>>,
}

/// Everything rendering needs that does not change from page to page.
pub struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    asset_version: String,
    nav_version: String,
    search: bool,
}

/// One rendered output file.
#[derive(Clone)]
pub struct Output {
    /// Path relative to the output root.
    pub path: String,
    /// Bytes.
    pub bytes: std::sync::Arc<Vec<u8>>,
}

impl<'a> Renderer<'a> {
    /// Prepare per-site data.
    pub fn new(site: &'a Site, tera: &'a Tera, asset_version: String, nav_version: String) -> Self {
        Self {
            site,
            tera,
            asset_version,
            nav_version,
            search: site.config.search.enabled,
        }
    }

    fn site_ctx(&self) -> SiteCtx<'_> {
        let c = &self.site.config;
        SiteCtx {
            title: &c.book.title,
            description: &c.book.description,
            language: &c.book.language,
            authors: &c.book.authors,
            repo_url: c.site.repo_url.as_deref(),
            search: self.search,
            has_rules: !self.site.rules.is_empty(),
            has_tags: !self.site.tags.is_empty(),
            has_history: self.site.history.is_some(),
            build_date: self.site.today.to_string(),
            asset_version: &self.asset_version,
            nav_version: &self.nav_version,
            diagrams_version: diagrams_version(),
            extra_css: c
                .imported
                .as_ref()
                .map(|m| m.additional_css.clone())
                .unwrap_or_default(),
            extra_js: c
                .imported
                .as_ref()
                .map(|m| m.additional_js.clone())
                .unwrap_or_default(),
        }
    }

    fn base_context(&self, url: &str, section: Option<usize>) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site_ctx());
        ctx.insert("root", &root_prefix(url));
        ctx.insert("nav", &crate::nav::top_level(self.site, url));
        ctx.insert("breadcrumbs", &self.breadcrumbs(url, section));
        ctx
    }

    fn link(&self, from: &str, title: &str, to: &str) -> LinkCtx {
        LinkCtx {
            title: title.to_string(),
            url: format!("{}{}", root_prefix(from), crate::paths::encode_href(to)),
        }
    }

    fn breadcrumbs(&self, url: &str, section: Option<usize>) -> Vec<LinkCtx> {
        let mut chain = Vec::new();
        let mut s = section;
        while let Some(i) = s {
            let sec = &self.site.sections[i];
            if sec.url != url {
                chain.push(self.link(url, &sec.title, &sec.url));
            }
            s = sec.parent;
        }
        chain.reverse();
        chain
    }

    fn entry(&self, from: &str, i: usize) -> EntryCtx<'a> {
        let p = &self.site.pages[i];
        EntryCtx {
            title: &p.title,
            url: format!("{}{}", root_prefix(from), crate::paths::encode_href(&p.url)),
            description: p.src.front.description.as_deref(),
            key: &p.url,
            runbook: self.runbook_ctx(i),
            track: None,
            duration: p.src.front.duration.as_deref(),
            modules: Vec::new(),
            tasks: p.rendered.tasks,
            updated: p.src.front.updated,
        }
    }

    fn section_entry(&self, from: &str, s: usize) -> EntryCtx<'a> {
        let sec = &self.site.sections[s];
        let index = sec.index.map(|i| &self.site.pages[i]);
        EntryCtx {
            title: &sec.title,
            url: format!(
                "{}{}",
                root_prefix(from),
                crate::paths::encode_href(&sec.url)
            ),
            description: index.and_then(|p| p.src.front.description.as_deref()),
            key: &sec.url,
            runbook: None,
            track: (sec.kind == Kind::Track)
                .then(|| sec.index.map(|i| self.track_ctx(from, i)))
                .flatten(),
            duration: index.and_then(|p| p.src.front.duration.as_deref()),
            modules: sec
                .pages
                .iter()
                .map(|&p| self.site.pages[p].url.clone())
                .collect(),
            tasks: 0,
            updated: None,
        }
    }

    fn runbook_ctx(&self, i: usize) -> Option<RunbookCtx<'a>> {
        let p = &self.site.pages[i];
        p.runbook.as_ref().map(|info| RunbookCtx {
            info,
            services: &p.src.front.services,
            alerts: p
                .src
                .front
                .alerts
                .iter()
                .map(crate::content::AlertRef::name)
                .collect(),
            // Only http(s), mailto and relative links: a `javascript:` URL in
            // front matter is never a link (the check reports it).
            dashboards: p
                .src
                .front
                .dashboards
                .iter()
                .map(String::as_str)
                .filter(|u| crate::paths::is_safe_link(u))
                .collect(),
            escalation: p.src.front.escalation.as_deref(),
        })
    }

    fn track_ctx(&self, from: &str, i: usize) -> TrackCtx<'a> {
        let fm = &self.site.pages[i].src.front;
        let prerequisites = fm
            .prerequisites
            .iter()
            .filter_map(|pre| {
                let name = pre.trim_matches('/');
                self.site
                    .sections
                    .iter()
                    .find(|s| {
                        s.kind == Kind::Track
                            && (s.dir == name || s.dir.rsplit('/').next() == Some(name))
                    })
                    .map(|s| self.link(from, &s.title, &s.url))
            })
            .collect();
        TrackCtx {
            level: fm.level.as_deref(),
            duration: fm.duration.as_deref(),
            objectives: &fm.objectives,
            prerequisites,
            mentor: fm.mentor.as_deref(),
        }
    }

    /// The page body, with each rule's dates under its heading when the
    /// site has its history.
    fn body_with_rule_dates(&self, i: usize) -> std::borrow::Cow<'_, str> {
        let p = &self.site.pages[i];
        let body = p.body();
        let Some(h) = self.site.history.as_deref() else {
            return body;
        };
        let ids: Vec<&str> = p.rendered.rule_ids().collect();
        if ids.is_empty() {
            return body;
        }
        std::borrow::Cow::Owned(crate::changes::with_rule_dates(&body, h, &ids))
    }

    /// `changes.html` and `changes.xml`, when the site has its history.
    pub fn changes(&self) -> Result<Vec<Output>, Diagnostic> {
        let Some(h) = self.site.history.as_deref() else {
            return Ok(Vec::new());
        };
        let url = "changes.html";
        let body = crate::changes::page_body(self.site, h, "");
        let mut ctx = self.base_context(url, None);
        let mut page = GeneratedPage::new("What changed", url);
        page.description = Some(
            "Rules added, changed and retired; runbooks added, reviewed and removed; tracks changed.",
        );
        page.body = &body;
        ctx.insert("page", &page);
        let html = self.render("page.html", &ctx, url)?;
        let feed = Output {
            path: "changes.xml".into(),
            bytes: std::sync::Arc::new(crate::changes::atom(self.site, h).into_bytes()),
        };
        Ok(vec![html, feed])
    }

    fn page_ctx(&self, i: usize) -> PageCtx<'_> {
        let p = &self.site.pages[i];
        let c = &self.site.config;
        let source = format!(
            "{}/{}",
            c.build.content_dir.to_string_lossy().trim_end_matches('/'),
            p.src.rel
        );
        let edit_url = c
            .site
            .edit_url_template
            .as_ref()
            .map(|t| t.replace("{path}", &source).replace("{file}", &p.src.rel));
        let is_track_index = p.is_index && self.site.sections[p.section].kind == Kind::Track;
        PageCtx {
            title: &p.title,
            description: p.src.front.description.as_deref(),
            // As in every href, so nav.js can find this page in the tree.
            url: crate::paths::encode_href(&p.url),
            source,
            body: self.body_with_rule_dates(i),
            toc: p
                .rendered
                .headings
                .iter()
                .filter(|h| h.level <= 3)
                .collect(),
            kind: p.kind,
            tags: p
                .src
                .front
                .tags
                .iter()
                .map(|t| {
                    self.link(
                        &p.url,
                        t,
                        &format!("tags/{}.html", crate::paths::slugify(t)),
                    )
                })
                .collect(),
            date: p.src.front.date,
            updated: p.src.front.updated,
            edit_url,
            extra: &p.src.front.extra,
            runbook: self.runbook_ctx(i),
            module: p.module.as_ref(),
            track: is_track_index.then(|| self.track_ctx(&p.url, i)),
            tasks: p.rendered.tasks,
            diagrams: p.rendered.diagrams,
            history: crate::changes::page_history(self.site, i),
            duration: p.src.front.duration.as_deref(),
            canonical: c.site.site_url.as_ref().map(|u| {
                format!(
                    "{}/{}",
                    u.trim_end_matches('/'),
                    crate::paths::encode_href(&p.url)
                )
            }),
        }
    }

    fn render(
        &self,
        template: &str,
        ctx: &tera::Context,
        path: &str,
    ) -> Result<Output, Diagnostic> {
        let html = self.tera.render(template, ctx).map_err(|e| {
            template_error(
                &PathBuf::from("themes/default/templates").join(template),
                &e,
            )
        })?;
        Ok(Output {
            path: path.to_string(),
            bytes: std::sync::Arc::new(html.into_bytes()),
        })
    }

    /// Render page `i` (a page, or a section's own page).
    pub fn page(&self, i: usize) -> Result<Output, Diagnostic> {
        let site = self.site;
        let p = &site.pages[i];
        let section = p.section;
        let mut ctx = self.base_context(&p.url, Some(section));
        ctx.insert("page", &self.page_ctx(i));
        // Previous/next: within a track, modules only; elsewhere, reading order.
        let (prev, next) = match (&p.module, p.is_index) {
            (Some(_), false) => {
                let pages = &site.sections[section].pages;
                let at = pages.iter().position(|&x| x == i).unwrap_or(0);
                (
                    at.checked_sub(1).map(|j| pages[j]),
                    pages.get(at + 1).copied(),
                )
            }
            _ => {
                let at = site.order.iter().position(|&x| x == i);
                (
                    at.and_then(|a| a.checked_sub(1)).map(|j| site.order[j]),
                    at.and_then(|a| site.order.get(a + 1)).copied(),
                )
            }
        };
        let link = |j: usize| self.link(&p.url, &site.pages[j].title, &site.pages[j].url);
        ctx.insert("prev", &prev.map(link));
        ctx.insert("next", &next.map(link));
        if p.is_index {
            self.insert_section(&mut ctx, &p.url, section);
            let template = if section == 0 {
                "index.html"
            } else {
                "section.html"
            };
            if section == 0 {
                self.insert_home(&mut ctx, &p.url);
            }
            self.render(template, &ctx, &p.url)
        } else {
            self.render("page.html", &ctx, &p.url)
        }
    }

    fn insert_section(&self, ctx: &mut tera::Context, url: &str, s: usize) {
        let sec = &self.site.sections[s];
        ctx.insert(
            "section",
            &SectionCtx {
                title: &sec.title,
                kind: sec.kind,
                pages: sec.pages.iter().map(|&i| self.entry(url, i)).collect(),
                subsections: sec
                    .children
                    .iter()
                    .map(|&c| self.section_entry(url, c))
                    .collect(),
            },
        );
    }

    fn insert_home(&self, ctx: &mut tera::Context, url: &str) {
        // Recently updated: pages with an `updated` date, newest first.
        let mut recent: Vec<usize> = (0..self.site.pages.len())
            .filter(|&i| self.site.pages[i].src.front.updated.is_some())
            .collect();
        recent.sort_by_key(|&i| (std::cmp::Reverse(self.site.pages[i].src.front.updated), i));
        recent.truncate(8);
        let recent: Vec<EntryCtx<'_>> = recent.into_iter().map(|i| self.entry(url, i)).collect();
        ctx.insert("recent", &recent);
        // The entry point for a kind: the first section of that kind, or for
        // tracks the folder that holds the track sections.
        let find = |kind: Kind| {
            let secs = &self.site.sections;
            secs.iter()
                .skip(1)
                .find(|s| s.kind == kind && s.parent.is_none_or(|p| secs[p].kind != kind))
                .map(|s| match s.parent {
                    Some(p) if p != 0 && kind == Kind::Track => &secs[p],
                    _ => s,
                })
                .map(|s| self.link(url, &s.title, &s.url))
        };
        ctx.insert("standards", &find(Kind::Standard));
        ctx.insert("runbooks", &find(Kind::Runbook));
        ctx.insert("tracks", &find(Kind::Track));
        let onboarding = self
            .site
            .sections
            .iter()
            .find(|s| s.dir == "onboarding")
            .map(|s| self.link(url, &s.title, &s.url));
        // A folder named onboarding is only known to hold checklists on a
        // handbook-native site; elsewhere the home page says nothing of it.
        let onboarding = onboarding.filter(|_| !self.site.dialect.is_foreign());
        ctx.insert("onboarding", &onboarding);
        ctx.insert("page_count", &self.site.pages.len());
        ctx.insert("rule_count", &self.site.rules.len());
    }

    /// Render the generated index of a section that has no `_index.md`.
    pub fn generated_section(&self, s: usize) -> Result<Output, Diagnostic> {
        let sec = &self.site.sections[s];
        let mut ctx = self.base_context(&sec.url, Some(s));
        ctx.insert("page", &GeneratedPage::new(&sec.title, &sec.url));
        ctx.insert("prev", &None::<LinkCtx>);
        ctx.insert("next", &None::<LinkCtx>);
        self.insert_section(&mut ctx, &sec.url, s);
        if s == 0 {
            self.insert_home(&mut ctx, &sec.url);
            self.render("index.html", &ctx, &sec.url)
        } else {
            self.render("section.html", &ctx, &sec.url)
        }
    }

    /// `owners.html`: for each owner named in front matter, what they own:
    /// runbooks (with their review state), standards, tracks and pages.
    pub fn owners(&self) -> Result<Output, Diagnostic> {
        let url = "owners.html";
        let e = crate::html::escape;
        let mut by_owner: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &i in &self.site.order {
            if let Some(o) = self.site.pages[i].src.front.owner.as_deref() {
                by_owner.entry(o).or_default().push(i);
            }
        }
        let mut body = String::new();
        for (owner, pages) in &by_owner {
            let _ = writeln!(
                body,
                "<h2 id=\"{0}\">{0}</h2>\n<ul class=\"owned\">",
                e(owner)
            );
            for &i in pages {
                let p = &self.site.pages[i];
                let kind = match p.kind {
                    Kind::Runbook => "Runbook",
                    Kind::Standard => "Standard",
                    Kind::Track => "Track",
                    Kind::Page => "Page",
                };
                let state = match &p.runbook {
                    Some(rb) if rb.overdue => format!(
                        " <span class=\"badge overdue\">review overdue since {}</span>",
                        rb.review_due.map(|d| d.to_string()).unwrap_or_default()
                    ),
                    Some(rb) => rb
                        .review_due
                        .map(|d| format!(" <span class=\"muted\">review due {d}</span>"))
                        .unwrap_or_default(),
                    None => String::new(),
                };
                let _ = writeln!(
                    body,
                    "<li><span class=\"muted\">{kind}</span> <a href=\"{}\">{}</a>{state}</li>",
                    e(&crate::paths::encode_href(&p.url)),
                    e(&p.title)
                );
            }
            body.push_str("</ul>\n");
        }
        let mut ctx = self.base_context(url, None);
        let mut page = GeneratedPage::new("Owners", url);
        page.description =
            Some("Who owns which runbooks, standards and tracks, and what is due for review.");
        page.body = &body;
        ctx.insert("page", &page);
        self.render("page.html", &ctx, url)
    }

    /// `alerts/index.html`: every alert with its runbook, owner, severity
    /// and last review, in a table a reader can filter and sort (on a phone too).
    pub fn alerts_index(&self) -> Result<Output, Diagnostic> {
        let url = "alerts/index.html";
        let mut body = String::from(
            "<p><label>Filter <input type=\"search\" class=\"table-filter\" data-filter=\"#alerts-table\" placeholder=\"Alert, runbook, owner…\"></label></p>\n<div class=\"table-wrap\"><table id=\"alerts-table\" class=\"alerts-table\" data-sortable>\n<thead><tr><th>Alert</th><th>Runbook</th><th>Owner</th><th>Severity</th><th>Last reviewed</th></tr></thead>\n<tbody>\n",
        );
        for a in self.site.alerts.values() {
            let p = &self.site.pages[a.page];
            let rb = p.runbook.as_ref();
            let href = format!(
                "../{}{}",
                crate::paths::encode_href(&p.url),
                a.section
                    .as_ref()
                    .map(|s| format!("#{s}"))
                    .unwrap_or_default()
            );
            let e = crate::html::escape;
            let class = if rb.is_some_and(|r| r.overdue) {
                " class=\"overdue\""
            } else {
                ""
            };
            let _ = writeln!(
                body,
                "<tr{class}><td id=\"{name}\"><a href=\"{href}\"><code class=\"alert-name\">{name}</code></a></td><td><a href=\"{href}\">{title}</a></td><td>{owner}</td><td>{severity}</td><td>{reviewed}</td></tr>",
                name = e(&a.name),
                href = e(&href),
                title = e(&p.title),
                owner = e(rb.map_or("", |r| r.owner.as_str())),
                severity = e(rb.map_or("", |r| r.severity.as_str())),
                reviewed = rb
                    .and_then(|r| r.last_reviewed)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            );
        }
        body.push_str("</tbody></table></div>\n");
        let mut ctx = self.base_context(url, None);
        let mut page = GeneratedPage::new("Alerts", url);
        page.description = Some("Every alert, the runbook that answers it, and who owns it.");
        page.body = &body;
        ctx.insert("page", &page);
        self.render("page.html", &ctx, url)
    }

    /// The rules index.
    pub fn rules(&self) -> Result<Output, Diagnostic> {
        let url = "rules.html";
        #[derive(Serialize)]
        struct Group<'a> {
            title: &'a str,
            url: String,
            rules: Vec<RuleRow<'a>>,
        }
        #[derive(Serialize)]
        struct RuleRow<'a> {
            id: &'a str,
            title: &'a str,
            level: &'static str,
            url: String,
            added: Option<Date>,
            changed: Option<Date>,
        }
        #[derive(Serialize)]
        struct RetiredRow {
            id: String,
            title: String,
            date: Date,
            replaced_by: Option<LinkCtx>,
        }
        let history = self.site.history.as_deref();
        let dates = |id: &str| history.and_then(|h| crate::changes::rule_dates(h, id));
        let mut groups: BTreeMap<usize, Group<'_>> = BTreeMap::new();
        let order: std::collections::HashMap<usize, usize> = self
            .site
            .order
            .iter()
            .enumerate()
            .map(|(n, &p)| (p, n))
            .collect();
        for r in self.site.rules.values() {
            let p = &self.site.pages[r.page];
            groups
                .entry(order.get(&r.page).copied().unwrap_or(usize::MAX))
                .or_insert_with(|| Group {
                    title: &p.title,
                    url: p.url.clone(),
                    rules: Vec::new(),
                })
                .rules
                .push(RuleRow {
                    id: &r.id,
                    title: &r.title,
                    level: r.level.as_str(),
                    url: format!("{}#{}", p.url, r.id),
                    added: dates(&r.id).map(|d| d.0),
                    changed: dates(&r.id).and_then(|d| d.1),
                });
        }
        let mut groups: Vec<Group<'_>> = groups.into_values().collect();
        for g in &mut groups {
            g.rules.sort_by_key(|r| self.site.rules[r.id].line);
        }
        let mut ctx = self.base_context(url, None);
        ctx.insert("page", &GeneratedPage::new("Rules index", url));
        ctx.insert("groups", &groups);
        ctx.insert("rule_count", &self.site.rules.len());
        // Rules the history saw retired that no page defines any more.
        let mut retired: Vec<RetiredRow> = history
            .map(|h| {
                h.rules
                    .iter()
                    .filter(|(id, life)| {
                        life.retired.is_some() && !self.site.rules.contains_key(*id)
                    })
                    .filter_map(|(id, life)| {
                        Some(RetiredRow {
                            id: id.clone(),
                            title: life.title.clone(),
                            date: h.commits[life.retired?].date(),
                            replaced_by: self.site.retired.get(id).and_then(|to| {
                                let r = self.site.rules.get(to)?;
                                Some(self.link(
                                    url,
                                    to,
                                    &format!("{}#{}", self.site.pages[r.page].url, to),
                                ))
                            }),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        retired.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
        ctx.insert("retired_rules", &retired);
        self.render("rules.html", &ctx, url)
    }

    /// The tag index and one page per tag.
    pub fn tags(&self) -> Result<Vec<Output>, Diagnostic> {
        let mut out = Vec::new();
        #[derive(Serialize)]
        struct Tag<'a> {
            name: &'a str,
            url: String,
            count: usize,
        }
        let index_url = "tags/index.html";
        let tags: Vec<Tag<'_>> = self
            .site
            .tags
            .iter()
            .map(|(t, ps)| Tag {
                name: t,
                url: format!("{}.html", crate::paths::slugify(t)),
                count: ps.len(),
            })
            .collect();
        let mut ctx = self.base_context(index_url, None);
        ctx.insert("page", &GeneratedPage::new("Tags", index_url));
        ctx.insert("tags", &tags);
        ctx.insert("tag", &None::<&str>);
        ctx.insert("pages", &Vec::<EntryCtx<'_>>::new());
        out.push(self.render("tags.html", &ctx, index_url)?);
        for (t, ps) in &self.site.tags {
            let url = format!("tags/{}.html", crate::paths::slugify(t));
            let mut ctx = self.base_context(&url, None);
            ctx.insert("page", &GeneratedPage::new(&format!("Tagged “{t}”"), &url));
            ctx.insert("tags", &Vec::<Tag<'_>>::new());
            ctx.insert("tag", &Some(t));
            let pages: Vec<EntryCtx<'_>> = ps.iter().map(|&i| self.entry(&url, i)).collect();
            ctx.insert("pages", &pages);
            out.push(self.render("tags.html", &ctx, &url)?);
        }
        Ok(out)
    }

    /// The full search results page.
    pub fn search_page(&self) -> Result<Output, Diagnostic> {
        let url = "search.html";
        let mut ctx = self.base_context(url, None);
        ctx.insert("page", &GeneratedPage::new("Search", url));
        // Filters only for the kinds of content the site has.
        let has = |k: Kind| self.site.pages.iter().any(|p| p.kind == k);
        let kinds: Vec<(&str, &str)> = [
            (Kind::Standard, "standard", "Standards"),
            (Kind::Runbook, "runbook", "Runbooks"),
            (Kind::Track, "track", "Tracks"),
        ]
        .into_iter()
        .filter(|(k, _, _)| has(*k))
        .map(|(_, id, label)| (id, label))
        .collect();
        ctx.insert("kinds", &kinds);
        self.render("search.html", &ctx, url)
    }

    /// `404.html`: self-contained (inline CSS) so it renders at any depth.
    pub fn not_found(&self, css: &str) -> Result<Output, Diagnostic> {
        let c = &self.site.config.site;
        // Where this copy of the site is served (base-path, e.g. from
        // `--base-path`) wins over the public site-url: a mirror or a
        // preview under another host must not send readers elsewhere.
        let home = match (&c.base_path, &c.site_url) {
            (Some(b), _) => format!("/{}/", b.trim_matches('/')).replace("//", "/"),
            (None, Some(u)) => format!("{}/", u.trim_end_matches('/')),
            (None, None) => "/".into(),
        };
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site_ctx());
        ctx.insert("home", &home);
        ctx.insert("css", css);
        self.render("404.html", &ctx, "404.html")
    }
}

#[derive(Serialize)]
struct GeneratedPage<'a> {
    title: &'a str,
    url: std::borrow::Cow<'a, str>,
    description: Option<&'a str>,
    body: &'a str,
    toc: Vec<Heading>,
    kind: Kind,
    tags: Vec<LinkCtx>,
    tasks: usize,
    runbook: Option<()>,
    module: Option<()>,
    track: Option<()>,
    edit_url: Option<()>,
    extra: BTreeMap<(), ()>,
    date: Option<()>,
    updated: Option<()>,
    canonical: Option<()>,
}

impl<'a> GeneratedPage<'a> {
    fn new(title: &'a str, url: &'a str) -> Self {
        Self {
            title,
            url: crate::paths::encode_href(url),
            description: None,
            body: "",
            toc: Vec::new(),
            kind: Kind::Page,
            tags: Vec::new(),
            tasks: 0,
            runbook: None,
            module: None,
            track: None,
            edit_url: None,
            extra: BTreeMap::new(),
            date: None,
            updated: None,
            canonical: None,
        }
    }
}

/// An HTML page that sends the reader on to `target` (for aliases).
pub fn redirect_page(target: &str) -> String {
    let t = crate::html::escape(target);
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title><meta http-equiv=\"refresh\" content=\"0; url={t}\"><link rel=\"canonical\" href=\"{t}\"></head><body><p>This page has moved to <a href=\"{t}\">{t}</a>.</p></body></html>\n"
    )
}
