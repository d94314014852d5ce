//! `handbook check`: every build check plus the slower ones (gofmt, go vet),
//! without writing the output folder. This is what CI runs before publishing.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::gocheck;
use crate::highlight::Highlighter;
use crate::site::{self, Site};

/// Options for `handbook check`.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Folder holding book.toml.
    pub root: PathBuf,
    /// Run `go vet` on complete standard-library programs (needs `go`).
    pub vet: bool,
    /// Include drafts.
    pub drafts: bool,
    /// Request http(s) links (slow; off by default).
    pub external: bool,
    /// Prometheus rule files (globs, relative to the root) to check against
    /// the runbooks, beside `[oncall] alert-rules`.
    pub alert_rules: Vec<String>,
}

/// What `check` found.
pub struct CheckReport {
    /// Findings, sorted by file and line.
    pub diagnostics: Diagnostics,
    /// Pages checked.
    pub pages: usize,
    /// Tools that were missing, so their checks were skipped.
    pub skipped: Vec<String>,
    /// With alert rules: (alerts with a runbook, alerts).
    pub alert_coverage: Option<(usize, usize)>,
}

/// Run every check. `Err` only for configuration problems that stop loading.
pub fn run(opts: &CheckOptions) -> Result<CheckReport, Diagnostics> {
    let hl = Highlighter::new();
    let site = site::load(
        &site::LoadOptions {
            root: opts.root.clone(),
            drafts: opts.drafts,
            go_syntax: site::GoSyntax::Parse,
        },
        &hl,
        None,
    )?;
    let mut diags = site.diagnostics.0.clone();
    // Render every page in memory, as `build` would (nothing is written):
    // templates, the theme, highlight themes and every output path are
    // checked by the same code, so `check` passes exactly what `build` does.
    if let Err(d) = crate::pipeline::render_site(&site, None, None) {
        diags.extend(d.0);
    }
    let mut skipped = Vec::new();
    diags.extend(structure_warnings(&site));
    if gocheck::have("gofmt") {
        diags.extend(gofmt(&site));
    } else {
        skipped.push("gofmt (not on PATH): Go examples were not checked for formatting".into());
    }
    if opts.vet {
        if gocheck::have("go") {
            diags.extend(vet(&site));
        } else {
            skipped.push("go vet (`go` not on PATH)".into());
        }
    }
    if opts.external {
        let links: Vec<(String, PathBuf, usize, usize)> = site
            .pages
            .iter()
            .flat_map(|p| {
                p.rendered
                    .external
                    .iter()
                    .map(|(u, l, c)| (u.clone(), p.src.display.clone(), *l, *c))
            })
            .collect();
        let cache = site
            .root
            .join(&site.config.build.cache_dir)
            .join("external-links.json");
        diags.extend(crate::external::check(&links, &site.config.check, &cache));
    }
    let mut alert_coverage = None;
    let patterns: Vec<String> = site
        .config
        .oncall
        .alert_rules
        .iter()
        .chain(&opts.alert_rules)
        .cloned()
        .collect();
    if !patterns.is_empty() {
        match crate::oncall::files(&site.root, &patterns) {
            Ok(files) => {
                let r = crate::oncall::check(&site, &files);
                diags.extend(r.findings);
                alert_coverage = Some((r.covered, r.alerts));
            }
            Err(d) => diags.push(d.in_file(site.root.join("book.toml"))),
        }
    }
    let mut diagnostics = Diagnostics(crate::diag::apply_levels(
        diags,
        &site.config.check.levels,
        site.dialect.is_foreign(),
    ));
    diagnostics.sort();
    Ok(CheckReport {
        diagnostics,
        pages: site.pages.len(),
        skipped,
        alert_coverage,
    })
}

/// Every Go block, with its page's file (copied: a page's blocks may be
/// held packed).
fn go_blocks(site: &Site) -> Vec<(&std::path::Path, crate::markdown::CodeBlock)> {
    let mut out = Vec::new();
    for p in &site.pages {
        let blocks = p.rendered.text.code_blocks();
        let go = blocks.iter().filter(|b| gocheck::is_go(b));
        out.extend(go.map(|b| (p.src.display.as_path(), b.clone())));
    }
    out
}

fn gofmt(site: &Site) -> Vec<Diagnostic> {
    go_blocks(site)
        .par_iter()
        .map_init(gocheck::go_parser, |parser, (file, b)| {
            gocheck::check_gofmt(parser, file, b)
        })
        .flatten()
        .collect()
}

fn vet(site: &Site) -> Vec<Diagnostic> {
    let scratch = std::env::temp_dir().join("handbook-vet");
    go_blocks(site)
        .par_iter()
        .filter(|(_, b)| gocheck::is_vettable(b))
        .flat_map(|(file, b)| gocheck::check_vet(file, b, &scratch))
        .collect()
}

/// Empty sections, and pages no navigation reaches (with a SUMMARY.md, the
/// pages it does not list; a folder tree reaches every page by construction).
fn structure_warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if site.summary.is_some() {
        let listed: std::collections::HashSet<usize> = site.order.iter().copied().collect();
        for (i, p) in site.pages.iter().enumerate() {
            let is_home = p.is_index && p.section == 0;
            if !listed.contains(&i) && !is_home {
                out.push(
                    Diagnostic::warning(
                        "orphan-page",
                        "no navigation reaches this page: add it to SUMMARY.md or delete it",
                    )
                    .in_file(&p.src.display)
                    .at(1, 1),
                );
            }
        }
    }
    for sec in site.sections.iter().skip(1) {
        let body_empty = sec
            .index
            .is_none_or(|i| site.pages[i].src.body.trim().is_empty());
        if sec.pages.is_empty() && sec.children.is_empty() && body_empty {
            let file = sec
                .index
                .map(|i| site.pages[i].src.display.clone())
                .unwrap_or_else(|| PathBuf::from(&sec.dir));
            out.push(
                Diagnostic::warning(
                    "empty-section",
                    format!(
                        "section `{}` has no pages and no text: add pages or remove it",
                        sec.title
                    ),
                )
                .in_file(file)
                .at(1, 1),
            );
        }
    }
    out
}

/// Exit status for a report: 1 on errors, or on warnings under `strict`.
pub fn failed(d: &Diagnostics, strict: bool) -> bool {
    d.0.iter()
        .any(|x| x.severity == Severity::Error || (strict && x.severity == Severity::Warning))
}
