//! The site model: pages, sections, rules, runbooks, tracks, navigation and
//! the link graph, built from loaded and rendered content.
//!
//! Everything here is computed once per build; `render` only reads it.

//!
//! Loading runs as named stages, each in its own module:
//! [`crate::project::open`] (configuration) -> [`sources::read`] ->
//! [`assemble::render_markdown`] -> [`assemble::assemble`] -> `validate`.

pub mod alerts;
mod assemble;
mod links;
mod navigation;
pub mod outputs;
pub mod reload;
mod rules;
mod runbooks;
pub mod sources;
mod tags;
mod tracks;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use regex::Regex;
use serde::Serialize;

use crate::config::Config;
use crate::content::SourceFile;
use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::markdown::{Rendered, RuleLevel};
use crate::project::{Dialect, Project};

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
    pub(crate) fn parse(s: &str) -> Option<Kind> {
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
        let mut body = self.rendered.html.as_str();
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
#[derive(Clone)]
pub struct Site {
    /// Site root (the folder holding book.toml).
    pub root: PathBuf,
    /// The configuration.
    pub config: Config,
    /// Content folder.
    pub content_dir: PathBuf,
    /// What the sources were written for.
    pub dialect: Dialect,
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
    /// Outputs not written because another claim on their path won.
    pub skips: outputs::Skips,
    /// Alerts by name, each with the runbook that answers it.
    pub alerts: BTreeMap<String, alerts::Alert>,
    /// Dates and changes from git, when the site is in a work tree with
    /// its full history.
    pub history: Option<std::sync::Arc<crate::history::History>>,
}

/// How to load a site.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Folder holding book.toml.
    pub root: PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// How Go examples are judged.
    pub go_syntax: GoSyntax,
}

/// How stage 5 judges Go examples. The lexer's findings (unterminated
/// literals and comments, invalid characters, unbalanced brackets) are always
/// reported; a full parse (tree-sitter) is the verdict of the commands that
/// ask for it, so `check` finds everything `build` finds, and more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GoSyntax {
    /// What the highlighter's lexer sees (`build`, `serve`'s first load).
    #[default]
    Lexer,
    /// Every Go block parsed too (`check`, `test`).
    Parse,
    /// These pages' Go blocks parsed too, by source path relative to the
    /// content folder (`serve`: the pages edited while it runs).
    ParsePages(std::sync::Arc<std::collections::BTreeSet<String>>),
}

impl GoSyntax {
    /// Whether the page at `rel` gets a full parse.
    pub fn parses(&self, rel: &str) -> bool {
        match self {
            GoSyntax::Lexer => false,
            GoSyntax::Parse => true,
            GoSyntax::ParsePages(pages) => pages.contains(rel),
        }
    }
}

/// What loading keeps of each page once its Markdown is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceText {
    /// Keep the Markdown and the plain HTML (`check` reads the text; `serve`
    /// caches sources and rendered pages between builds).
    Keep,
    /// Free the Markdown and compress the HTML, search text and code as soon
    /// as the page is rendered: `build` needs only the rendered page
    /// afterwards, and on large sites they are most of peak memory.
    Free,
}

/// A file's modification time and size: what the source cache compares.
pub(crate) type Stamp = (SystemTime, u64);

/// The stamp of the file at `path` (None: it cannot be read).
pub(crate) fn stamp(path: &std::path::Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// A cached source with the stamps it was read at: its own and those of the
/// files it includes (an edited include makes it stale too).
struct StampedSource {
    stamp: Stamp,
    includes: Vec<Option<Stamp>>,
    file: Arc<SourceFile>,
}

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
    /// The git history of the last build: reused while HEAD stays.
    history: std::sync::Mutex<Option<Arc<crate::history::History>>>,
    /// What the last load rendered every file in ([`reload::reload_pages`]
    /// renders an edited page in it).
    setting: std::sync::Mutex<Option<Arc<assemble::Setting>>>,
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
    /// Add one rendering, keeping the others (an edited page).
    fn insert(&self, key: [u8; 32], r: Arc<Rendered>) {
        if let Ok(mut map) = self.entries.lock() {
            map.insert(key, r);
        }
    }
    fn set_setting(&self, s: Arc<assemble::Setting>) {
        if let Ok(mut slot) = self.setting.lock() {
            *slot = Some(s);
        }
    }
    fn setting(&self) -> Option<Arc<assemble::Setting>> {
        self.setting.lock().ok()?.clone()
    }
    fn source(&self, rel: &str, now: Stamp) -> Option<Arc<SourceFile>> {
        let map = self.sources.lock().ok()?;
        let e = map.get(rel)?;
        let fresh = e.stamp == now
            && e.file
                .includes
                .iter()
                .zip(&e.includes)
                .all(|(p, then)| stamp(p) == *then);
        fresh.then(|| e.file.clone())
    }
    /// Keep `f`, read when its file had stamp `at` (its includes' stamps are
    /// taken now, just after reading them).
    fn put_source(&self, rel: &str, at: Stamp, f: &Arc<SourceFile>) {
        let includes = f.includes.iter().map(|p| stamp(p)).collect();
        if let Ok(mut map) = self.sources.lock() {
            map.insert(
                rel.to_string(),
                StampedSource {
                    stamp: at,
                    includes,
                    file: f.clone(),
                },
            );
        }
    }
}

/// Load configuration, content and Markdown into a validated [`Site`].
/// Content errors stay in `site.diagnostics` (every one, not only the first)
/// so `check` can report them all; only configuration and I/O problems are
/// `Err`.
pub fn load(
    opts: &LoadOptions,
    hl: &Highlighter,
    cache: Option<&MarkdownCache>,
) -> Result<Site, Diagnostics> {
    let project = crate::project::open(&opts.root)?;
    load_project(project, opts, SourceText::Keep, hl, (cache, None))
}

/// [`load`], reusing the renderings an earlier `build` stored (`serve`'s
/// first load, so it starts in seconds where a build ran before).
pub fn load_stored(
    opts: &LoadOptions,
    hl: &Highlighter,
    cache: &MarkdownCache,
    store: &crate::store::Store,
) -> Result<Site, Diagnostics> {
    let project = crate::project::open(&opts.root)?;
    load_project(
        project,
        opts,
        SourceText::Keep,
        hl,
        (Some(cache), Some(store)),
    )
}

/// The loading stages, from an opened project to a validated [`Site`].
/// Renderings are reused from `serve`'s memory (`cache`) or from the files
/// of earlier builds (`store`).
pub fn load_project(
    project: Project,
    opts: &LoadOptions,
    text: SourceText,
    hl: &Highlighter,
    (cache, store): (Option<&MarkdownCache>, Option<&crate::store::Store>),
) -> Result<Site, Diagnostics> {
    let rule_pattern = compile_rule_pattern(&project)?;
    let mut src = sources::read(&project, opts.drafts, cache)?;
    let mut diags = src.diags;
    // The git history is read on its own thread while the Markdown renders
    // (it needs only the sources' paths): on a long history it is mostly
    // serial object reads.
    let tracks = track_dirs(&src.files);
    let includes: std::collections::BTreeSet<std::path::PathBuf> = src
        .files
        .iter()
        .flat_map(|f| f.includes.iter().cloned())
        .collect();
    let (rendered, history) = std::thread::scope(|scope| {
        let history = project.config.history.enabled.then(|| {
            scope.spawn(|| read_history(&project, &rule_pattern, (&tracks, &includes), cache))
        });
        let rendered = assemble::render_markdown(
            &project,
            &rule_pattern,
            (&mut src.files, text),
            &src.assets,
            hl,
            (cache, store),
        );
        (rendered, history.map(|h| h.join()))
    });
    let assembled = assemble::assemble(&project, src.files, rendered, &mut diags);
    let Project {
        root,
        config,
        content_dir,
        dialect,
        ..
    } = project;
    let mut site = Site {
        root,
        content_dir,
        dialect,
        pages: assembled.pages,
        sections: assembled.sections,
        rules: BTreeMap::new(),
        retired: HashMap::new(),
        assets: src.assets,
        order: Vec::new(),
        tags: BTreeMap::new(),
        today: Date::today(),
        diagnostics: Diagnostics::default(),
        config,
        summary: None,
        skips: outputs::Skips::default(),
        alerts: BTreeMap::new(),
        history: None,
    };
    site.order = navigation::reading_order(&site);
    if let Some(items) = src.summary {
        navigation::apply_summary(&mut site, items, &mut diags);
    }
    // Before validation: the changes page and feed claim their paths.
    match history {
        Some(Ok((h, warning))) => {
            site.history = h;
            diags.extend(warning);
        }
        Some(Err(_)) => diags.push(Diagnostic::warning(
            "history",
            "reading the git history failed; pages show no git dates",
        )),
        None => {}
    }
    validate(&mut site, &opts.go_syntax, &mut diags);
    let lenient = site.dialect.is_foreign();
    site.diagnostics = Diagnostics(crate::diag::apply_levels(
        diags,
        &site.config.check.levels,
        lenient,
    ));
    site.diagnostics.sort();
    Ok(site)
}

/// Content folders of tracks: an `_index.md` saying `kind = "track"`
/// with module pages beside it (a track's kind is not inherited).
fn track_dirs(
    files: &[std::sync::Arc<crate::content::SourceFile>],
) -> std::collections::BTreeSet<String> {
    let dir_of = |rel: &str| crate::paths::parent_dir(rel).to_string();
    let declared: std::collections::BTreeSet<String> = files
        .iter()
        .filter(|f| f.rel.ends_with("_index.md"))
        .filter(|f| f.front.kind.as_deref().and_then(Kind::parse) == Some(Kind::Track))
        .map(|f| dir_of(&f.rel))
        .filter(|d| !d.is_empty())
        .collect();
    files
        .iter()
        .filter(|f| !f.rel.ends_with("_index.md"))
        .map(|f| dir_of(&f.rel))
        .filter(|d| declared.contains(d))
        .collect()
}

/// The site's git history (none outside a work tree or in a shallow clone,
/// which says so once in the warning).
fn read_history(
    project: &Project,
    rule_pattern: &Regex,
    (track_dirs, includes): (
        &std::collections::BTreeSet<String>,
        &std::collections::BTreeSet<std::path::PathBuf>,
    ),
    cache: Option<&MarkdownCache>,
) -> (
    Option<std::sync::Arc<crate::history::History>>,
    Option<Diagnostic>,
) {
    let cache_dir = project.cache_dir();
    let previous = cache.and_then(|c| c.history.lock().ok().and_then(|g| g.clone()));
    let inputs = crate::history::Inputs {
        root: &project.root,
        content_dir: &project.content_dir,
        cache_dir: &cache_dir,
        rule_pattern,
        track_dirs,
        includes,
        previous: previous.as_deref().map(|h| (h.key.as_str(), h)),
    };
    let start = std::time::Instant::now();
    let read = crate::history::read(&inputs);
    if std::env::var_os("HANDBOOK_STATS").is_some() {
        eprintln!("handbook-stats phase history {:.1?}", start.elapsed());
    }
    match read {
        Ok(h) => {
            let h = std::sync::Arc::new(h);
            if let Some(mut slot) = cache.and_then(|c| c.history.lock().ok()) {
                *slot = Some(h.clone());
            }
            (Some(h), None)
        }
        Err((_, warning)) => (None, warning),
    }
}

fn compile_rule_pattern(project: &Project) -> Result<Regex, Diagnostics> {
    let pattern = &project.config.rules.id_pattern;
    Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
        Diagnostics(vec![
            Diagnostic::error(
                "config",
                format!("[rules] id-pattern is not a valid regular expression: {e}"),
            )
            .in_file(project.book_toml())
            .at_pos(crate::config::key_position(
                &project.root,
                "rules",
                "id-pattern",
            )),
        ])
    })
}

/// Stage 5: what depends on more than one page. Go examples lex (and parse,
/// where `go` asks); rules, runbooks and tracks are complete; tags are
/// collected; links and aliases resolve.
fn validate(site: &mut Site, go: &GoSyntax, diags: &mut Vec<Diagnostic>) {
    let syntax: Vec<Diagnostic> = site
        .pages
        .par_iter()
        .map_init(crate::gocheck::go_parser, |parser, p| {
            let parse = go.parses(&p.src.rel);
            crate::gocheck::page_syntax(parser, &p.src.display, &p.rendered.text, parse)
        })
        .flatten()
        .collect();
    diags.extend(syntax);
    rules::collect_rules(site, diags);
    runbooks::runbooks(site, diags);
    alerts::collect(site, diags);
    tracks::tracks(site, diags);
    tags::collect_tags(site, diags);
    links::adopt_linked_hidden_files(site);
    links::check_links(site, diags);
    outputs::plan(site, diags);
}

pub use rules::resolve_rule;

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
