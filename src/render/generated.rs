//! Pages that belong to the site rather than to a source file: owners,
//! alerts, the rules index, tags, search, 404 and the changes page and feed.

use crate::paths::generated;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{EntryCtx, LinkCtx, Output, Renderer};
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::markdown::Heading;
use crate::site::Kind;

impl<'a> Renderer<'a> {
    /// `changes.html` and `changes.xml`, when the site has its history.
    pub fn changes(&self) -> Result<Vec<Output>, Diagnostic> {
        let Some(h) = self.site.history.as_deref() else {
            return Ok(Vec::new());
        };
        let url = generated::CHANGES;
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
            path: generated::FEED.into(),
            bytes: std::sync::Arc::new(crate::changes::atom(self.site, h).into_bytes()),
        };
        Ok(vec![html, feed])
    }

    /// `owners.html`: for each owner named in front matter, what they own:
    /// runbooks (with their review state), standards, tracks and pages.
    pub fn owners(&self) -> Result<Output, Diagnostic> {
        let url = generated::OWNERS;
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
        let url = generated::ALERTS;
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
        let url = generated::RULES;
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
        let index_url = generated::TAGS;
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
            let url = generated::tag(t);
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
        let url = generated::SEARCH;
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
        self.render("404.html", &ctx, generated::NOT_FOUND)
    }
}

/// The `page` of a template for a generated page (fields a source page
/// has, left empty).
#[derive(Serialize)]
pub(super) struct GeneratedPage<'a> {
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
    pub(super) fn new(title: &'a str, url: &'a str) -> Self {
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
