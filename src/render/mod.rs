//! Rendering the site model with Tera templates.
//!
//! Templates come from the built-in default theme, and any file of the same
//! name under the site's `themes/<theme>/templates/` replaces it. Per-site
//! pieces (the section tree, stylesheets) are prepared once; each page only
//! fills in its own parts.

use std::path::PathBuf;

use serde::Serialize;
use tera::Tera;

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::markdown::Heading;
use crate::paths::root_prefix;
use crate::site::{Kind, ModuleInfo, RunbookInfo, Site};

mod generated;
mod theme;

use generated::GeneratedPage;
pub use generated::redirect_page;
use theme::template_error;
pub use theme::{
    DIAGRAMS_JS, MERMAID_JS, MERMAID_LICENSE, MERMAID_VERSION, NAV_JS, STATIC, TEMPLATES,
    diagrams_version, load_templates, static_file,
};

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
                .map(|t| self.link(&p.url, t, &crate::paths::generated::tag(t)))
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
}
