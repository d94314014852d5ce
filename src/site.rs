//! The site model: pages, sections, rules, runbooks, tracks, navigation and
//! the link graph, built from loaded and rendered content.
//!
//! Everything here is computed once per build; `render` only reads it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use regex::Regex;
use serde::Serialize;

use crate::config::{BrokenLinks, Config};
use crate::content::{self, SourceFile};
use crate::date::{Date, parse_interval};
use crate::diag::{Diagnostic, Diagnostics, Severity, display_path};
use crate::highlight::Highlighter;
use crate::markdown::{self, LinkTarget, Rendered, RuleLevel};
use crate::paths::{is_index_name, parent_dir, root_prefix, url_for_source};

/// What kind of content a section holds; inherited by subsections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Ordinary pages.
    #[default]
    Page,
    /// Coding standards (pages of rules).
    Standard,
    /// Runbooks with typed front matter.
    Runbook,
    /// A mentorship track: pages are ordered modules.
    Track,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "page" => Kind::Page,
            "standard" | "standards" => Kind::Standard,
            "runbook" | "runbooks" => Kind::Runbook,
            "track" | "tracks" => Kind::Track,
            _ => return None,
        })
    }
}

/// Runbook facts computed at build time.
#[derive(Debug, Clone, Serialize)]
pub struct RunbookInfo {
    /// Owning team.
    pub owner: String,
    /// Severity.
    pub severity: String,
    /// Last review date.
    pub last_reviewed: Option<Date>,
    /// When the next review is due.
    pub review_due: Option<Date>,
    /// Past its review date at build time.
    pub overdue: bool,
}

/// A track module's place in its track.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleInfo {
    /// 1-based position.
    pub number: usize,
    /// Modules in the track.
    pub total: usize,
    /// Track title.
    pub track_title: String,
    /// Track overview URL (site-relative).
    pub track_url: String,
}

/// One page of the site.
#[derive(Debug, Clone)]
pub struct Page {
    /// The source.
    pub src: Arc<SourceFile>,
    /// Output path relative to the site root.
    pub url: String,
    /// Resolved title.
    pub title: String,
    /// Rendered body and outline (shared with the `serve` cache).
    pub rendered: Arc<Rendered>,
    /// Replacements applied to the body when the page is rendered: resolved
    /// `rule:` links and anchors of retired rules, which depend on other pages.
    pub patches: Vec<(String, String)>,
    /// Section the page is in (for an index page: the section it introduces).
    pub section: usize,
    /// True for a section's own page.
    pub is_index: bool,
    /// Kind inherited from the section.
    pub kind: Kind,
    /// Runbook facts, for runbook pages.
    pub runbook: Option<RunbookInfo>,
    /// Track position, for track modules.
    pub module: Option<ModuleInfo>,
}

impl Page {
    /// The body HTML with cross-page patches applied.
    pub fn body(&self) -> std::borrow::Cow<'_, str> {
        let mut body = std::borrow::Cow::Borrowed(self.rendered.html.as_str());
        for (from, to) in &self.patches {
            body = std::borrow::Cow::Owned(body.replace(from.as_str(), to));
        }
        body
    }
}

/// A folder of content.
#[derive(Debug, Clone)]
pub struct Section {
    /// Content-relative folder (`""` for the root).
    pub dir: String,
    /// Output path of its index.
    pub url: String,
    /// Its own page (`_index.md`), when it has one.
    pub index: Option<usize>,
    /// Pages, in navigation order.
    pub pages: Vec<usize>,
    /// Subsections, in navigation order.
    pub children: Vec<usize>,
    /// Parent section.
    pub parent: Option<usize>,
    /// Kind.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Navigation weight.
    pub weight: i64,
}

/// A rule defined by a heading.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// Id (`GO-ERR-003`).
    pub id: String,
    /// Heading text.
    pub title: String,
    /// Level.
    pub level: RuleLevel,
    /// Page index.
    #[serde(skip)]
    pub page: usize,
    /// Source line of the heading.
    #[serde(skip)]
    pub line: usize,
}

/// The built model of a whole site.
pub struct Site {
    /// Site root (the folder holding book.toml).
    pub root: PathBuf,
    /// The configuration.
    pub config: Config,
    /// Content folder.
    pub content_dir: PathBuf,
    /// Pages; index pages included.
    pub pages: Vec<Page>,
    /// Sections; `sections[0]` is the root.
    pub sections: Vec<Section>,
    /// Rules by id.
    pub rules: BTreeMap<String, Rule>,
    /// Retired rule id -> replacement id.
    pub retired: HashMap<String, String>,
    /// Non-Markdown files to copy, content-relative.
    pub assets: Vec<String>,
    /// Pages in reading order (depth-first through the navigation).
    pub order: Vec<usize>,
    /// Tag -> pages.
    pub tags: BTreeMap<String, Vec<usize>>,
    /// The build date.
    pub today: Date,
    /// Warnings (and errors, when the build is allowed to continue) found while building.
    pub diagnostics: Diagnostics,
    /// mdBook navigation from SUMMARY.md, when the site is an mdBook.
    pub summary: Option<Vec<crate::summary::Item>>,
}

/// How to load a site.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Folder holding book.toml.
    pub root: PathBuf,
    /// Include drafts.
    pub drafts: bool,
}

/// A loaded source with the modification time and size it was read at.
type StampedSource = (SystemTime, u64, Arc<SourceFile>);

/// Rendered Markdown kept between builds (`serve`), keyed by a hash of the
/// file's path and bytes and of everything else rendering depends on (the set
/// of files, for link resolution, and the Markdown options), so an edit
/// re-parses and re-highlights only the file that changed.
///
/// Sources are cached too, by path, modification time and size, so a rebuild
/// reads only the files that changed.
#[derive(Default)]
pub struct MarkdownCache {
    entries: std::sync::Mutex<HashMap<[u8; 32], Arc<Rendered>>>,
    sources: std::sync::Mutex<HashMap<String, StampedSource>>,
}

impl MarkdownCache {
    fn get(&self, key: &[u8; 32]) -> Option<Arc<Rendered>> {
        self.entries.lock().ok()?.get(key).cloned()
    }
    fn put(&self, entries: Vec<([u8; 32], Arc<Rendered>)>) {
        if let Ok(mut map) = self.entries.lock() {
            // Keep only what the current build used: old versions would pile up.
            map.clear();
            map.extend(entries);
        }
    }
    fn source(&self, rel: &str, stamp: (SystemTime, u64)) -> Option<Arc<SourceFile>> {
        let map = self.sources.lock().ok()?;
        let (t, len, f) = map.get(rel)?;
        ((*t, *len) == stamp).then(|| f.clone())
    }
    fn put_source(&self, rel: &str, stamp: (SystemTime, u64), f: &Arc<SourceFile>) {
        if let Ok(mut map) = self.sources.lock() {
            map.insert(rel.to_string(), (stamp.0, stamp.1, f.clone()));
        }
    }
}

/// Load configuration, content and Markdown into a [`Site`].
/// Returns every error found, not only the first.
pub fn load(opts: &LoadOptions, hl: &Highlighter) -> Result<Site, Diagnostics> {
    let mut site = load_all(opts, hl, None)?;
    if site.diagnostics.error_count() > 0 {
        return Err(std::mem::take(&mut site.diagnostics));
    }
    Ok(site)
}

/// Like [`load`], but content errors stay in `site.diagnostics` so `check`
/// can report everything; only configuration and I/O problems are `Err`.
pub fn load_all(
    opts: &LoadOptions,
    hl: &Highlighter,
    cache: Option<&MarkdownCache>,
) -> Result<Site, Diagnostics> {
    let root = &opts.root;
    let config = Config::load(root)
        .or_else(|d| {
            // A folder of plain Markdown without book.toml still builds.
            let has_markdown = root.is_dir()
                && walkdir::WalkDir::new(root)
                    .into_iter()
                    .filter_map(Result::ok)
                    .any(|e| e.path().extension().is_some_and(|x| x == "md"));
            if !root.join("book.toml").exists() && has_markdown {
                Ok(Config::default())
            } else {
                Err(d)
            }
        })
        .map_err(|d| Diagnostics(vec![d]))?;
    let content_dir =
        if root.join("book.toml").exists() || root.join(&config.build.content_dir).is_dir() {
            root.join(&config.build.content_dir)
        } else {
            root.clone()
        };
    let rule_pattern = Regex::new(&format!("^(?:{})$", config.rules.id_pattern)).map_err(|e| {
        Diagnostics(vec![
            Diagnostic::error(
                "config",
                format!("[rules] id-pattern is not a valid regular expression: {e}"),
            )
            .in_file(root.join("book.toml")),
        ])
    })?;
    let (mut md, mut assets) = content::scan(&content_dir).map_err(|d| Diagnostics(vec![d]))?;
    let mut diags = Vec::new();
    // An mdBook: SUMMARY.md is the navigation, not a page.
    let mut summary = None;
    if let Some(mb) = &config.mdbook {
        diags.extend(mb.warnings.iter().cloned());
        let path = content_dir.join("SUMMARY.md");
        if let Ok(text) = std::fs::read_to_string(&path) {
            match crate::summary::parse(&text, &display_path(root, &path)) {
                Ok(items) => summary = Some(items),
                Err(d) => diags.push(d),
            }
        }
        md.retain(|m| m != "SUMMARY.md");
    }
    if content_dir == *root {
        // Plain-folder mode: do not copy the output or the cache into itself.
        let out = config.build.output_dir.to_string_lossy().to_string();
        let cache = config.build.cache_dir.to_string_lossy().to_string();
        assets.retain(|a| {
            !a.starts_with(&format!("{out}/"))
                && !a.starts_with(&format!("{cache}/"))
                && a != "book.toml"
        });
    }

    // Read and split front matter in parallel.
    let loaded: Vec<Result<Arc<SourceFile>, Diagnostic>> = md
        .par_iter()
        .map(|rel| {
            let path = content_dir.join(rel);
            let stamp = std::fs::metadata(&path)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())));
            if let Some(f) = cache.zip(stamp).and_then(|(c, s)| c.source(rel, s)) {
                return Ok(f);
            }
            let display = display_path(root, &path);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Diagnostic::error("io", format!("cannot read: {e}")).in_file(&display)
            })?;
            // mdBook directives ({{#include}}, {{#title}}); other {{ }} text is left alone.
            let (text, title) = if text.contains("{{#") {
                let x = crate::include::expand(&text, &path, root)?;
                (x.text, x.title)
            } else {
                (text, None)
            };
            let mut f = content::parse_source(rel, &display, &text)?;
            if f.front.title.is_none() {
                f.front.title = title;
            }
            let f = Arc::new(f);
            if let Some((c, s)) = cache.zip(stamp) {
                c.put_source(rel, s, &f);
            }
            Ok(f)
        })
        .collect();
    let mut files = Vec::new();
    for r in loaded {
        match r {
            Ok(f) if f.front.draft && !opts.drafts => {}
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    if files.is_empty() && !diags.is_empty() && md.len() == diags.len() {
        // Nothing loadable: report what is wrong rather than an empty site.
        return Err(Diagnostics(diags));
    }
    // Where a folder has several index candidates, `_index.md` wins, then index.md, then README.md.
    let mut index_of_dir: HashMap<String, String> = HashMap::new();
    for f in &files {
        let file = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        if is_index_name(file) {
            let dir = parent_dir(&f.rel).to_string();
            let rank = |n: &str| {
                ["_index.md", "index.md", "README.md"]
                    .iter()
                    .position(|x| n.ends_with(x))
            };
            match index_of_dir.get(&dir) {
                Some(existing) if rank(existing) <= rank(&f.rel) => {}
                _ => {
                    index_of_dir.insert(dir, f.rel.clone());
                }
            }
        }
    }
    files.retain(|f| {
        let file = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        !is_index_name(file) || index_of_dir.get(parent_dir(&f.rel)) == Some(&f.rel)
    });

    let sources: HashSet<String> = files.iter().map(|f| f.rel.clone()).collect();
    let asset_set: HashSet<String> = assets.iter().cloned().collect();
    let ctx = markdown::Context {
        options: &config.markdown,
        rule_pattern: &rule_pattern,
        sources: &sources,
        assets: &asset_set,
    };
    let context_key = {
        let mut h = blake3::Hasher::new();
        let mut names: Vec<&String> = sources.iter().chain(asset_set.iter()).collect();
        names.sort();
        for n in names {
            h.update(n.as_bytes());
            h.update(b"\0");
        }
        h.update(format!("{:?}{}", config.markdown, config.rules.id_pattern).as_bytes());
        h.finalize()
    };
    let keys: Vec<[u8; 32]> = files
        .iter()
        .map(|f| {
            let mut h = blake3::Hasher::new();
            h.update(context_key.as_bytes());
            h.update(f.rel.as_bytes());
            h.update(&f.hash);
            *h.finalize().as_bytes()
        })
        .collect();
    let rendered: Vec<Arc<Rendered>> = files
        .par_iter()
        .zip(keys.par_iter())
        .map_init(
            || hl.session(),
            |session, (f, key)| {
                cache.and_then(|c| c.get(key)).unwrap_or_else(|| {
                    Arc::new(markdown::render(
                        &ctx,
                        session,
                        &f.rel,
                        &f.display,
                        &f.body,
                        f.body_line,
                    ))
                })
            },
        )
        .collect();
    if let Some(c) = cache {
        c.put(keys.iter().copied().zip(rendered.iter().cloned()).collect());
    }

    // Sections: one per folder that holds Markdown, plus every ancestor.
    let mut dirs: Vec<String> = vec![String::new()];
    for f in &files {
        let mut d = parent_dir(&f.rel);
        loop {
            dirs.push(d.to_string());
            if d.is_empty() {
                break;
            }
            d = parent_dir(d);
        }
    }
    dirs.sort();
    dirs.dedup();
    let section_of: HashMap<String, usize> = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.clone(), i))
        .collect();
    let mut sections: Vec<Section> = dirs
        .iter()
        .map(|d| Section {
            dir: d.clone(),
            url: if d.is_empty() {
                "index.html".into()
            } else {
                format!("{d}/index.html")
            },
            index: None,
            pages: Vec::new(),
            children: Vec::new(),
            parent: if d.is_empty() {
                None
            } else {
                Some(section_of[parent_dir(d)])
            },
            kind: Kind::Page,
            title: String::new(),
            weight: 0,
        })
        .collect();

    // Go examples must parse (tree-sitter; no Go toolchain needed).
    let syntax: Vec<Diagnostic> = files
        .par_iter()
        .zip(rendered.par_iter())
        .map_init(crate::gocheck::go_parser, |parser, (f, r)| {
            crate::gocheck::check_syntax(parser, &f.display, &r.code_blocks)
        })
        .flatten()
        .collect();
    diags.extend(syntax);

    let mut pages: Vec<Page> = Vec::with_capacity(files.len());
    for (f, r) in files.into_iter().zip(rendered) {
        diags.extend(r.warnings.iter().cloned());
        let file = f.rel.rsplit('/').next().unwrap_or(&f.rel).to_string();
        let is_index = is_index_name(&file);
        let section = section_of[parent_dir(&f.rel)];
        let title = f
            .front
            .title
            .clone()
            .or_else(|| r.h1.clone())
            .unwrap_or_else(|| title_from_name(&f.rel, is_index));
        pages.push(Page {
            url: url_for_source(&f.rel),
            title,
            rendered: r,
            patches: Vec::new(),
            section,
            is_index,
            kind: Kind::Page,
            runbook: None,
            module: None,
            src: f,
        });
    }
    for (i, p) in pages.iter().enumerate() {
        let s = &mut sections[p.section];
        if p.is_index {
            s.index = Some(i);
        } else {
            s.pages.push(i);
        }
    }
    for i in 1..sections.len() {
        let parent = sections[i].parent.expect("non-root has a parent");
        sections[parent].children.push(i);
    }
    // Titles, weights and kinds (kinds inherit downwards; dirs are sorted so parents come first).
    for i in 0..sections.len() {
        let inherited = sections[i].parent.map_or(Kind::Page, |p| sections[p].kind);
        let (title, weight, kind) = match sections[i].index {
            Some(pi) => {
                let p = &pages[pi];
                let kind = match p.src.front.kind.as_deref() {
                    Some(k) => match Kind::parse(k) {
                        Some(k) => k,
                        None => {
                            diags.push(
                                Diagnostic::error(
                                    "front-matter",
                                    format!("unknown section kind `{k}`: use standard, runbook, track or page"),
                                )
                                .in_file(&p.src.display)
                                .at_pos(p.src.key_position("kind")),
                            );
                            inherited
                        }
                    },
                    None if inherited == Kind::Track => Kind::Page,
                    None => inherited,
                };
                (p.title.clone(), p.src.front.weight.unwrap_or(0), kind)
            }
            None => (
                title_from_name(&sections[i].dir, false),
                0,
                if inherited == Kind::Track {
                    Kind::Page
                } else {
                    inherited
                },
            ),
        };
        let s = &mut sections[i];
        s.title = if s.dir.is_empty() && s.index.is_none() {
            config.book.title.clone()
        } else {
            title
        };
        s.weight = weight;
        s.kind = kind;
    }
    for p in pages.iter_mut() {
        p.kind = sections[p.section].kind;
    }
    // Order pages and subsections by weight, then title.
    let key = |w: Option<i64>, t: &str| (w.unwrap_or(i64::MAX / 2), t.to_lowercase());
    for s in 0..sections.len() {
        let mut ps = std::mem::take(&mut sections[s].pages);
        ps.sort_by_cached_key(|&i| {
            (
                key(pages[i].src.front.weight, &pages[i].title),
                pages[i].src.rel.clone(),
            )
        });
        sections[s].pages = ps;
        let mut cs = std::mem::take(&mut sections[s].children);
        cs.sort_by_cached_key(|&c| {
            let w = sections[c].index.and_then(|i| pages[i].src.front.weight);
            (key(w, &sections[c].title), sections[c].dir.clone())
        });
        sections[s].children = cs;
    }

    let today = Date::today();
    let mut site = Site {
        root: root.clone(),
        content_dir,
        pages,
        sections,
        rules: BTreeMap::new(),
        retired: HashMap::new(),
        assets,
        order: Vec::new(),
        tags: BTreeMap::new(),
        today,
        diagnostics: Diagnostics::default(),
        config,
        summary: None,
    };
    site.order = reading_order(&site);
    if let Some(items) = summary {
        apply_summary(&mut site, items, &mut diags);
    }
    collect_rules(&mut site, &mut diags);
    runbooks(&mut site, &mut diags);
    tracks(&mut site, &mut diags);
    for (i, p) in site.pages.iter().enumerate() {
        for t in &p.src.front.tags {
            site.tags.entry(t.clone()).or_default().push(i);
        }
    }
    check_links(&mut site, &mut diags);
    check_aliases(&site, &mut diags);
    site.diagnostics = Diagnostics(diags);
    site.diagnostics.sort();
    Ok(site)
}

/// Use SUMMARY.md for navigation and reading order; its links must exist.
fn apply_summary(site: &mut Site, items: Vec<crate::summary::Item>, diags: &mut Vec<Diagnostic>) {
    let by_src: HashMap<String, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.src.rel.clone(), i))
        .collect();
    let file = display_path(&site.root, &site.content_dir.join("SUMMARY.md"));
    let mut order = Vec::new();
    for (path, line) in crate::summary::links(&items) {
        let rel = path
            .split('#')
            .next()
            .unwrap_or(path)
            .trim_start_matches("./");
        match by_src.get(rel) {
            Some(&i) => order.push(i),
            None => diags.push(
                Diagnostic::error(
                    "summary",
                    format!("SUMMARY.md links to {rel}, which does not exist in the source folder: create it or fix the link"),
                )
                .in_file(&file)
                .at(line, 1),
            ),
        }
    }
    // Chapter titles come from SUMMARY.md unless the page sets its own.
    fn titles(items: &[crate::summary::Item], out: &mut Vec<(String, String)>) {
        for it in items {
            if let crate::summary::Item::Chapter {
                title,
                path: Some(p),
                children,
                ..
            } = it
            {
                out.push((p.clone(), title.clone()));
                titles(children, out);
            } else if let crate::summary::Item::Chapter { children, .. } = it {
                titles(children, out);
            }
        }
    }
    let mut named = Vec::new();
    titles(&items, &mut named);
    for (path, title) in named {
        if let Some(&i) = by_src.get(path.as_str()) {
            let p = &mut site.pages[i];
            if p.src.front.title.is_none() && p.rendered.h1.is_none() {
                p.title = title;
            }
        }
    }
    order.dedup();
    site.order = order;
    site.summary = Some(items);
}

fn title_from_name(rel: &str, is_index: bool) -> String {
    let path = Path::new(rel);
    let stem = if is_index {
        path.parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Home".into())
    } else {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let words: String = stem.replace(['-', '_'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => "Home".into(),
    }
}

/// Depth-first order: a section's own page, its pages, then its subsections.
fn reading_order(site: &Site) -> Vec<usize> {
    fn walk(site: &Site, s: usize, out: &mut Vec<usize>) {
        let sec = &site.sections[s];
        if let Some(i) = sec.index {
            out.push(i);
        }
        out.extend(&sec.pages);
        for &c in &sec.children {
            walk(site, c, out);
        }
    }
    let mut out = Vec::with_capacity(site.pages.len());
    walk(site, 0, &mut out);
    out
}

fn collect_rules(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    for (pi, p) in site.pages.iter().enumerate() {
        for h in &p.rendered.headings {
            let Some(level) = h.rule else { continue };
            if let Some(prev) = site.rules.get(&h.id) {
                let other = &site.pages[prev.page];
                diags.push(
                    Diagnostic::error(
                        "duplicate-rule",
                        format!(
                            "rule id {} is defined twice: here and at {}:{}; give one of them a new id",
                            h.id,
                            other.src.display.display(),
                            prev.line
                        ),
                    )
                    .in_file(&p.src.display)
                    .at(h.line, 1),
                );
                continue;
            }
            site.rules.insert(
                h.id.clone(),
                Rule {
                    id: h.id.clone(),
                    title: h.text.clone(),
                    level,
                    page: pi,
                    line: h.line,
                },
            );
        }
    }
    for p in &site.pages {
        for r in &p.src.front.retired {
            if site.rules.contains_key(&r.id) {
                diags.push(
                    Diagnostic::error(
                        "retired-rule",
                        format!(
                            "rule {} is retired in front matter but still defined by a heading",
                            r.id
                        ),
                    )
                    .in_file(&p.src.display)
                    .at_pos(p.src.key_position("retired")),
                );
            } else if !site.rules.contains_key(&r.replaced_by) {
                diags.push(
                    Diagnostic::error(
                        "unknown-rule",
                        format!(
                            "retired rule {} is replaced by {}, which no page defines",
                            r.id, r.replaced_by
                        ),
                    )
                    .in_file(&p.src.display)
                    .at_pos(p.src.key_position("retired")),
                );
            } else {
                site.retired.insert(r.id.clone(), r.replaced_by.clone());
            }
        }
    }
    // Old anchors keep landing on the replacement rule.
    let retired: Vec<(String, String)> = site
        .retired
        .iter()
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    for (old, new) in retired {
        let page = site.rules[&new].page;
        let html = &site.pages[page].rendered.html;
        // The heading's opening tag, e.g. `<h2 id="GO-ERR-003"`.
        let attr = format!(" id=\"{new}\"");
        if let Some(tag) = html.find(&attr).and_then(|p| {
            html[..p]
                .rfind('<')
                .map(|s| html[s..p + attr.len()].to_string())
        }) {
            let with_anchor = format!("<span id=\"{old}\" class=\"retired-anchor\"></span>{tag}");
            site.pages[page].patches.push((tag, with_anchor));
        }
    }
}

/// Resolve a rule id (following retirements) to (page index, anchor).
pub fn resolve_rule<'a>(site: &'a Site, id: &str) -> Option<&'a Rule> {
    let id = site.retired.get(id).map_or(id, String::as_str);
    site.rules.get(id)
}

fn runbooks(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let default_every = parse_interval(&site.config.runbooks.review_every);
    if default_every.is_none() {
        diags.push(
            Diagnostic::error(
                "config",
                format!(
                    "[runbooks] review-every = {:?} is not an interval: write e.g. \"90d\", \"12w\", \"6m\" or \"1y\"",
                    site.config.runbooks.review_every
                ),
            )
            .in_file(site.root.join("book.toml")),
        );
    }
    let severities = site.config.runbooks.severities.clone();
    let today = site.today;
    for p in site.pages.iter_mut() {
        if p.kind != Kind::Runbook || p.is_index {
            continue;
        }
        let fm = &p.src.front;
        let file = &p.src.display;
        let missing: Vec<&str> = [
            ("owner", fm.owner.is_none()),
            ("severity", fm.severity.is_none()),
            ("last-reviewed", fm.last_reviewed.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(n, _)| *n)
        .collect();
        if !missing.is_empty() {
            diags.push(
                Diagnostic::error(
                    "runbook-field",
                    format!(
                        "runbook is missing required front matter: {}; add e.g. owner = \"team-payments\", severity = \"SEV2\", last-reviewed = {}",
                        missing.join(", "),
                        today
                    ),
                )
                .in_file(file)
                .at(1, 1),
            );
        }
        if let Some(sev) = &fm.severity
            && !severities.contains(sev)
        {
            diags.push(
                Diagnostic::error(
                    "runbook-field",
                    format!(
                        "unknown severity `{sev}`: use one of {}",
                        severities.join(", ")
                    ),
                )
                .in_file(file)
                .at_pos(p.src.key_position("severity")),
            );
        }
        let every = match &fm.review_every {
            Some(s) => match parse_interval(s) {
                Some(d) => Some(d),
                None => {
                    diags.push(
                        Diagnostic::error(
                            "runbook-field",
                            format!("review-every = {s:?} is not an interval: write e.g. \"90d\""),
                        )
                        .in_file(file)
                        .at_pos(p.src.key_position("review-every")),
                    );
                    default_every
                }
            },
            None => default_every,
        };
        let due = fm.last_reviewed.zip(every).map(|(d, n)| d.add_days(n));
        let overdue = due.is_some_and(|d| today > d);
        if overdue {
            diags.push(
                Diagnostic::warning(
                    "stale-runbook",
                    format!(
                        "runbook review overdue since {}: review it and update last-reviewed",
                        due.expect("due is set")
                    ),
                )
                .in_file(file)
                .at_pos(p.src.key_position("last-reviewed")),
            );
        }
        p.runbook = Some(RunbookInfo {
            owner: fm.owner.clone().unwrap_or_default(),
            severity: fm.severity.clone().unwrap_or_default(),
            last_reviewed: fm.last_reviewed,
            review_due: due,
            overdue,
        });
    }
}

fn tracks(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let dirs: HashSet<String> = site
        .sections
        .iter()
        .filter(|s| s.kind == Kind::Track)
        .map(|s| s.dir.clone())
        .collect();
    for s in 0..site.sections.len() {
        if site.sections[s].kind != Kind::Track {
            continue;
        }
        let sec = site.sections[s].clone();
        let total = sec.pages.len();
        for (n, &pi) in sec.pages.iter().enumerate() {
            site.pages[pi].module = Some(ModuleInfo {
                number: n + 1,
                total,
                track_title: sec.title.clone(),
                track_url: sec.url.clone(),
            });
        }
        if let Some(ii) = sec.index {
            let p = &site.pages[ii];
            for pre in &p.src.front.prerequisites {
                let name = pre.trim_matches('/');
                let found =
                    dirs.contains(name) || dirs.iter().any(|d| d.rsplit('/').next() == Some(name));
                if !found {
                    diags.push(
                        Diagnostic::error(
                            "track-prerequisite",
                            format!("prerequisite `{pre}` is not a track: name another track's folder, e.g. `tracks/go-foundations`"),
                        )
                        .in_file(&p.src.display)
                        .at_pos(p.src.key_position("prerequisites")),
                    );
                }
            }
        }
    }
}

fn check_links(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let by_src: HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.src.rel.as_str(), i))
        .collect();
    let assets: HashSet<&str> = site.assets.iter().map(String::as_str).collect();
    let severity = match site.config.build.broken_links {
        BrokenLinks::Error => Severity::Error,
        BrokenLinks::Warn => Severity::Warning,
    };
    let has_anchor = |p: &Page, a: &str| {
        p.rendered.headings.iter().any(|h| h.id == a)
            || p.rendered.html.contains(&format!("id=\"{a}\""))
    };
    let mut rule_hrefs: Vec<(usize, String, String)> = Vec::new();
    for (pi, p) in site.pages.iter().enumerate() {
        for l in &p.rendered.links {
            let problem = match &l.target {
                LinkTarget::Page { src, anchor } => match by_src.get(src.as_str()) {
                    None => Some((
                        "broken-link",
                        format!("link to {src}, which is not built (a draft?)"),
                    )),
                    Some(&t) => match anchor {
                        Some(a) if !a.is_empty() && !has_anchor(&site.pages[t], a) => Some((
                            "broken-anchor",
                            format!(
                                "link to {src}#{a}, but that page has no heading with id `{a}`"
                            ),
                        )),
                        _ => None,
                    },
                },
                LinkTarget::Anchor(a) => (!a.is_empty() && !has_anchor(p, a)).then(|| {
                    (
                        "broken-anchor",
                        format!("link to #{a}, but this page has no heading with id `{a}`"),
                    )
                }),
                LinkTarget::Rule(id) => match resolve_rule(site, id) {
                    Some(rule) => {
                        let target = &site.pages[rule.page];
                        let href = format!("{}{}#{}", root_prefix(&p.url), target.url, rule.id);
                        rule_hrefs.push((pi, id.clone(), href));
                        None
                    }
                    None => Some((
                        "unknown-rule",
                        format!("unknown rule id {id}: check the id on the rules index page"),
                    )),
                },
                LinkTarget::File(f) => (!assets.contains(f.as_str())).then(|| {
                    (
                        "broken-link",
                        format!("link to {f}, which does not exist in the content folder"),
                    )
                }),
                LinkTarget::Generated(_) => None,
                LinkTarget::Missing(dest) => Some((
                    "broken-link",
                    format!(
                        "link to `{dest}`, which matches no page; link to an existing .md file, relative to this one"
                    ),
                )),
            };
            if let Some((code, message)) = problem {
                let severity = if code == "unknown-rule" {
                    Severity::Error
                } else {
                    severity
                };
                diags.push(Diagnostic {
                    severity,
                    code,
                    file: Some(p.src.display.clone()),
                    line: l.line,
                    column: l.column,
                    message,
                });
            }
        }
    }
    for (pi, id, href) in rule_hrefs {
        let patch = (format!("href=\"rule:{id}\""), format!("href=\"{href}\""));
        if !site.pages[pi].patches.contains(&patch) {
            site.pages[pi].patches.push(patch);
        }
    }
}

fn check_aliases(site: &Site, diags: &mut Vec<Diagnostic>) {
    let urls: HashSet<&str> = site.pages.iter().map(|p| p.url.as_str()).collect();
    for p in &site.pages {
        for a in &p.src.front.aliases {
            let url = alias_url(a);
            if urls.contains(url.as_str()) {
                diags.push(
                    Diagnostic::error(
                        "alias-collision",
                        format!("alias `{a}` is the URL of an existing page; remove the alias or move that page"),
                    )
                    .in_file(&p.src.display)
                    .at_pos(p.src.key_position("aliases")),
                );
            }
        }
    }
}

/// Output path of an alias: `old/page` and `old/page.html` give `old/page.html`,
/// `old/` gives `old/index.html`.
pub fn alias_url(alias: &str) -> String {
    let a = alias.trim_start_matches('/');
    if a.is_empty() || a.ends_with('/') {
        format!("{a}index.html")
    } else if a.ends_with(".html") {
        a.to_string()
    } else {
        format!("{a}.html")
    }
}
