//! `check --alert-rules`: Prometheus alerting rules against the runbooks.
//!
//! Reads Prometheus rule files (`groups: [{ rules: [{ alert, labels,
//! annotations }] }]`) and Kubernetes `PrometheusRule` manifests
//! (`spec.groups`, several YAML documents per file) and reports, at the
//! rule's file:line: alerts without a runbook (and the coverage figure),
//! `runbook_url`s into this site that lead nowhere, runbooks naming alerts
//! no rule defines, and severities that disagree with the runbook's.

use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, Yaml};
use serde_json::Value;

use crate::diag::{Diagnostic, display_path};
use crate::site::Site;

/// One alerting rule found in a file.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `alert:` name.
    pub alert: String,
    /// `labels.severity`.
    pub severity: Option<String>,
    /// `annotations.runbook_url`.
    pub runbook_url: Option<String>,
    /// File it is in (as shown).
    pub file: PathBuf,
    /// 1-based line of its `alert:` key.
    pub line: usize,
}

/// What the rules say about the site.
pub struct Report {
    /// Findings.
    pub findings: Vec<Diagnostic>,
    /// Alerting rules read.
    pub alerts: usize,
    /// Of those, how many lead to a runbook.
    pub covered: usize,
}

/// Expand `patterns` (globs, relative to `root`) to files; a pattern that
/// matches nothing is an error, not silence.
pub fn files(root: &Path, patterns: &[String]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut out = Vec::new();
    for p in patterns {
        let full = if Path::new(p).is_absolute() {
            p.clone()
        } else {
            root.join(p).to_string_lossy().into_owned()
        };
        let matches: Vec<PathBuf> = glob::glob(&full)
            .map_err(|e| Diagnostic::error("alert-rules", format!("bad pattern `{p}`: {e}")))?
            .filter_map(Result::ok)
            .filter(|f| f.is_file())
            .collect();
        if matches.is_empty() {
            return Err(Diagnostic::error(
                "alert-rules",
                format!("`{p}` matches no file: give the path of your Prometheus rule files"),
            ));
        }
        out.extend(matches);
    }
    // One file reached through links (a `**` over a link loop) is read once.
    let mut seen = std::collections::HashSet::new();
    out.sort();
    out.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    Ok(out)
}

/// Read every alerting rule of one file.
pub fn read(file: &Path, shown: &Path) -> Result<Vec<Rule>, Diagnostic> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Diagnostic::error("alert-rules", format!("cannot read: {e}")).in_file(shown)
    })?;
    let docs = Yaml::load_from_str(&text).map_err(|e| {
        Diagnostic::error("alert-rules", format!("invalid YAML: {}", e.info()))
            .in_file(shown)
            .at(e.marker().line(), e.marker().col() + 1)
    })?;
    let mut rules = Vec::new();
    let mut search_from = 0;
    let mut any_groups = false;
    for doc in &docs {
        let v = crate::yaml::to_json_value(doc);
        let groups = v
            .get("groups")
            .or_else(|| v.get("spec").and_then(|s| s.get("groups")))
            .and_then(Value::as_array);
        any_groups |= groups.is_some();
        for g in groups.into_iter().flatten() {
            for r in g
                .get("rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(value) = r.get("alert") else {
                    continue; // a recording rule
                };
                // The line of this rule's `alert:` key (rules appear in order).
                let line = alert_line(&text, search_from, value.as_str());
                if line > 0 {
                    search_from = line;
                }
                let Some(alert) = value.as_str() else {
                    return Err(Diagnostic::error(
                        "alert-rules",
                        format!(
                            "`alert: {value}` is not an alert name: write the name as a string, e.g. `alert: HighLatency`"
                        ),
                    )
                    .in_file(shown)
                    .at(line, 1));
                };
                rules.push(Rule {
                    alert: alert.to_string(),
                    severity: r
                        .get("labels")
                        .and_then(|l| l.get("severity"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    runbook_url: r
                        .get("annotations")
                        .and_then(|a| a.get("runbook_url"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    file: shown.to_path_buf(),
                    line,
                });
            }
        }
    }
    if !any_groups {
        return Err(Diagnostic::error(
            "alert-rules",
            "not a Prometheus rule file (no `groups:`): give the rule files, e.g. `--alert-rules 'monitoring/*.yml'`",
        )
        .in_file(shown));
    }
    Ok(rules)
}

/// The 1-based line, from line index `from` on, of an `alert:` key whose
/// value is `name` (any value when `None`), in block (`- alert: X`) or flow
/// (`- {alert: X, expr: ...}`) style; 0 when not found.
fn alert_line(text: &str, from: usize, name: Option<&str>) -> usize {
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| {
            l.match_indices("alert:").any(|(i, _)| {
                let before = l[..i].trim_end();
                let key_start = before.is_empty() || before.ends_with(['-', '{', ',']);
                let value = l[i + 6..]
                    .split([',', '}'])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['"', '\'']);
                key_start && name.is_none_or(|n| value == n)
            })
        })
        .map_or(0, |(i, _)| i + 1)
}

/// The site path a `runbook_url` leads to, when it points into this site
/// (by `site-url`, `base-path`, or as a relative path); None for elsewhere.
fn site_path<'a>(site: &Site, url: &'a str) -> Option<&'a str> {
    if let Some(base) = &site.config.site.site_url {
        let base = base.trim_end_matches('/');
        if let Some(rest) = url.strip_prefix(base) {
            return Some(rest.trim_start_matches('/'));
        }
    }
    if let Some(bp) = &site.config.site.base_path
        && let Some(rest) = url.strip_prefix(bp.trim_end_matches('/'))
    {
        return Some(rest.trim_start_matches('/'));
    }
    (!crate::imported::is_url(url) && !url.contains(':')).then(|| url.trim_start_matches('/'))
}

/// Does a site path (maybe with `#anchor`) lead to a page (and heading)?
fn resolves(site: &Site, path: &str) -> bool {
    let (path, anchor) = path
        .split_once('#')
        .map_or((path, None), |(p, a)| (p, Some(a)));
    let path = crate::paths::percent_decode(path);
    let path = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    if let Some(name) = path
        .strip_prefix("alerts/")
        .and_then(|p| p.strip_suffix(".html"))
    {
        return site.alerts.contains_key(name) && anchor.is_none();
    }
    match site.pages.iter().find(|p| p.url == path) {
        Some(p) => anchor.is_none_or(|a| p.rendered.headings.iter().any(|h| h.id == a)),
        None => path == crate::paths::generated::ALERTS && !site.alerts.is_empty(),
    }
}

/// Check `files` against the site's runbooks.
pub fn check(site: &Site, files: &[PathBuf]) -> Report {
    let mut findings = Vec::new();
    let mut rules = Vec::new();
    for f in files {
        let shown = display_path(&site.root, f);
        match read(f, &shown) {
            Ok(r) => rules.extend(r),
            Err(d) => findings.push(d),
        }
    }
    let mut covered = 0;
    for r in &rules {
        let at = |d: Diagnostic| d.in_file(&r.file).at(r.line, usize::from(r.line > 0));
        let runbook = site.alerts.get(&r.alert);
        match runbook {
            Some(_) => covered += 1,
            None => findings.push(at(Diagnostic::error(
                "alert-no-runbook",
                format!(
                    "alert `{}` has no runbook: name it in a runbook's `alerts` front matter",
                    r.alert
                ),
            ))),
        }
        if let Some(url) = &r.runbook_url
            && let Some(path) = site_path(site, url)
            && !resolves(site, path)
        {
            findings.push(at(Diagnostic::error(
                "alert-runbook-url",
                format!(
                    "runbook_url {url} leads to no page or heading of this site; point it at alerts/{}.html, which follows the runbook wherever it moves",
                    r.alert
                ),
            )));
        }
        if let (Some(sev), Some(a)) = (&r.severity, runbook)
            && let Some(rb) = &site.pages[a.page].runbook
            && site
                .config
                .runbooks
                .severities
                .iter()
                .any(|s| s.eq_ignore_ascii_case(sev))
            && !rb.severity.eq_ignore_ascii_case(sev)
        {
            findings.push(at(Diagnostic::warning(
                "alert-severity",
                format!(
                    "alert `{}` has severity {sev}, but its runbook says {}; make them agree",
                    r.alert, rb.severity
                ),
            )));
        }
    }
    // Runbooks naming alerts that no rule defines.
    for (name, a) in &site.alerts {
        if !rules.iter().any(|r| &r.alert == name) {
            let p = &site.pages[a.page];
            findings.push(
                Diagnostic::warning(
                    "stale-alert",
                    format!("runbook names alert `{name}`, which no alerting rule defines; remove it or fix the name"),
                )
                .in_file(&p.src.display)
                .at_pos(p.src.key_position("alerts")),
            );
        }
    }
    Report {
        findings,
        alerts: rules.len(),
        covered,
    }
}
