//! Stages 3 and 4: render every source's Markdown (through the cache), then
//! assemble pages and sections: titles, kinds, weights and navigation order.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use regex::Regex;

use super::{Kind, MarkdownCache, Page, Section};
use crate::content::SourceFile;
use crate::diag::Diagnostic;
use crate::highlight::Highlighter;
use crate::markdown::{self, Rendered};
use crate::paths::{is_index_name, parent_dir, url_for_source};
use crate::project::Project;
use crate::store::Store;

/// Render the Markdown of every file. A file is rendered again only when its
/// bytes, the set of files (links resolve against it) or the Markdown options
/// changed: `serve` keeps renderings in memory (`cache`), `build` on disk
/// (`store`).
pub(super) fn render_markdown(
    project: &Project,
    rule_pattern: &Regex,
    (files, text): (&mut [Arc<SourceFile>], super::SourceText),
    assets: &[String],
    hl: &Highlighter,
    (cache, store): (Option<&MarkdownCache>, Option<&Store>),
) -> Vec<Arc<Rendered>> {
    let setting = Arc::new(Setting::new(project, rule_pattern, files, assets));
    let ctx = setting.context(&project.config.markdown);
    let keys: Vec<[u8; 32]> = files.iter().map(|f| setting.file_key(f)).collect();
    let rendered: Vec<Arc<Rendered>> = files
        .par_iter_mut()
        .zip(keys.par_iter())
        .map_init(
            || hl.session(),
            |session, (f, key)| {
                let reused = cache.and_then(|c| c.get(key));
                let stored = reused
                    .is_none()
                    .then(|| store.and_then(|s| from_store(s, key, hl)))
                    .flatten();
                let mut r = match reused.or(stored) {
                    Some(r) => r,
                    None => render_fresh(&ctx, session, f, key, store),
                };
                if text == super::SourceText::Free {
                    if let Some(f) = Arc::get_mut(f) {
                        f.body = String::new();
                    }
                    if let Some(r) = Arc::get_mut(&mut r) {
                        r.html.pack();
                        r.text.pack();
                    }
                }
                r
            },
        )
        .collect();
    if let Some(c) = cache {
        c.put(keys.iter().copied().zip(rendered.iter().cloned()).collect());
        c.set_setting(setting.clone());
    }
    rendered
}

/// What rendering any one file of a site depends on besides the file: the
/// set of files (links resolve against it), the dialect's slugs and fences,
/// and a hash of all of it. `serve` keeps the last load's, so an edit to one
/// page renders that page without walking the site.
pub(crate) struct Setting {
    rule_pattern: Regex,
    sources: HashSet<String>,
    assets: HashSet<String>,
    dirs: HashSet<String>,
    content_path: Vec<String>,
    slug: crate::slug::SlugStyle,
    quiet_langs: Vec<String>,
    key: blake3::Hash,
}

impl Setting {
    fn new(
        project: &Project,
        rule_pattern: &Regex,
        files: &[Arc<SourceFile>],
        assets: &[String],
    ) -> Setting {
        let config = &project.config;
        let sources: HashSet<String> = files.iter().map(|f| f.rel.clone()).collect();
        let assets: HashSet<String> = assets.iter().cloned().collect();
        let mut dirs: HashSet<String> = HashSet::new();
        for f in files {
            let mut d = parent_dir(&f.rel);
            while dirs.insert(d.to_string()) && !d.is_empty() {
                d = parent_dir(d);
            }
        }
        let content_path: Vec<String> = std::path::absolute(&project.content_dir)
            .map(|p| {
                p.components()
                    .filter_map(|c| match c {
                        std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let slug = match &config.imported {
            Some(x) if x.slug_unicode => crate::slug::SlugStyle::PythonMarkdownUnicode,
            _ => project.dialect.slug_style(),
        };
        let quiet_langs = config
            .imported
            .as_ref()
            .map_or(Vec::new(), |x| x.custom_fences.clone());
        let key = {
            let mut h = blake3::Hasher::new();
            let mut names: Vec<&String> = sources.iter().chain(assets.iter()).collect();
            names.sort();
            for n in names {
                h.update(n.as_bytes());
                h.update(b"\0");
            }
            h.update(format!("{:?}{}", config.markdown, config.rules.id_pattern).as_bytes());
            h.update(format!("{:?}{content_path:?}", project.dialect).as_bytes());
            h.update(format!("{slug:?}{quiet_langs:?}").as_bytes());
            // Highlighted Go links qualified names to this URL.
            h.update(config.go.pkg_url.as_bytes());
            h.finalize()
        };
        Setting {
            rule_pattern: rule_pattern.clone(),
            sources,
            assets,
            dirs,
            content_path,
            slug,
            quiet_langs,
            key,
        }
    }

    /// The Markdown renderer's view of it (`options`: the site's `[markdown]`).
    pub(crate) fn context<'a>(
        &'a self,
        options: &'a crate::config::MarkdownConfig,
    ) -> markdown::Context<'a> {
        markdown::Context {
            options,
            rule_pattern: &self.rule_pattern,
            sources: &self.sources,
            assets: &self.assets,
            dirs: &self.dirs,
            slug: self.slug,
            content_path: &self.content_path,
            quiet_langs: &self.quiet_langs,
        }
    }

    /// The cache key of `f`'s rendering in this setting.
    pub(crate) fn file_key(&self, f: &SourceFile) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(self.key.as_bytes());
        h.update(f.rel.as_bytes());
        h.update(&f.hash);
        *h.finalize().as_bytes()
    }
}

/// Render one file's Markdown, and store the rendering (packed, with its
/// blocks' highlight cache keys) unless it has warnings: a page with
/// warnings is rendered every time, so its warnings always come out.
pub(super) fn render_fresh(
    ctx: &markdown::Context<'_>,
    session: &mut crate::highlight::Session<'_>,
    f: &SourceFile,
    key: &[u8; 32],
    store: Option<&Store>,
) -> Arc<Rendered> {
    let mut r = markdown::render(
        ctx,
        session,
        &f.rel,
        &f.display,
        &f.body,
        f.body_line,
        f.line_map.as_deref().map(Vec::as_slice),
    );
    r.source_key = *key;
    if let Some(s) = store.filter(|_| r.warnings.is_empty()) {
        let hl = session.highlighter();
        let highlighted: Vec<[u8; 32]> = r
            .text
            .code_blocks()
            .iter()
            .filter_map(|b| hl.cache_key(&b.code, &b.info))
            .collect();
        // Stored packed, as `build` holds it (packing is done once).
        r.html.pack();
        r.text.pack();
        if let Ok(bytes) = postcard::to_stdvec(&(&r, &highlighted)) {
            s.put(key, &bytes);
        }
    }
    Arc::new(r)
}

/// A rendering stored by an earlier build, stored with the highlight cache
/// keys of its code blocks: they are kept in that cache although this build
/// does not read them (a later change to the set of pages renders every page
/// again, and their code then need not be highlighted again).
fn from_store(store: &Store, key: &[u8; 32], hl: &Highlighter) -> Option<Arc<Rendered>> {
    let (mut r, highlighted): (Rendered, Vec<[u8; 32]>) =
        postcard::from_bytes(&store.get(key)?).ok()?;
    r.source_key = *key;
    hl.keep_cached(&highlighted);
    Some(Arc::new(r))
}

/// Pages and sections, ordered for navigation.
pub(super) struct Assembled {
    /// Pages; index pages included.
    pub pages: Vec<Page>,
    /// Sections; `sections[0]` is the root.
    pub sections: Vec<Section>,
}

/// Build pages and sections from rendered sources.
pub(super) fn assemble(
    project: &Project,
    files: Vec<Arc<SourceFile>>,
    rendered: Vec<Arc<Rendered>>,
    diags: &mut Vec<Diagnostic>,
) -> Assembled {
    let (mut sections, section_of) = folder_sections(&files);
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
    name_sections(project, &mut sections, &pages, diags);
    for p in pages.iter_mut() {
        p.kind = sections[p.section].kind;
    }
    order_by_weight(&mut sections, &pages);
    Assembled { pages, sections }
}

/// One section per folder that holds Markdown, plus every ancestor; sorted,
/// so parents come before their children.
fn folder_sections(files: &[Arc<SourceFile>]) -> (Vec<Section>, HashMap<String, usize>) {
    let mut dirs: Vec<String> = vec![String::new()];
    for f in files {
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
    let sections = dirs
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
    (sections, section_of)
}

/// Titles, weights and kinds of sections. Kinds inherit downwards (parents
/// come first), except that a track's subfolders are ordinary pages.
fn name_sections(
    project: &Project,
    sections: &mut [Section],
    pages: &[Page],
    diags: &mut Vec<Diagnostic>,
) {
    for i in 0..sections.len() {
        let inherited = sections[i].parent.map_or(Kind::Page, |p| sections[p].kind);
        let (title, weight, kind) = match sections[i].index {
            Some(pi) => {
                let p = &pages[pi];
                let kind = match p.src.front.kind.as_deref() {
                    Some(k) => Kind::parse(k).unwrap_or_else(|| {
                        diags.push(
                            Diagnostic::error(
                                "front-matter",
                                format!("unknown section kind `{k}`: use standard, runbook, track or page"),
                            )
                            .in_file(&p.src.display)
                            .at_pos(p.src.key_position("kind")),
                        );
                        inherited
                    }),
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
            project.config.book.title.clone()
        } else {
            title
        };
        s.weight = weight;
        s.kind = kind;
    }
}

/// Order pages and subsections by weight, then title.
fn order_by_weight(sections: &mut [Section], pages: &[Page]) {
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
}

/// A title from a file or folder name: `high-latency.md` gives "High latency".
pub(crate) fn title_from_name(rel: &str, is_index: bool) -> String {
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
