//! Alerts wired to runbooks: every alert a runbook names gets a stable page,
//! `alerts/<Name>.html`, that leads to the runbook (and to the section the
//! runbook maps it to), so a Prometheus `runbook_url` never changes when
//! runbooks are renamed or moved. Two runbooks claiming one alert, a section
//! that does not exist, or a name no file can hold are findings.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Kind, Site};
use crate::diag::Diagnostic;

/// An alert and the runbook that answers it.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    /// The alert's name.
    pub name: String,
    /// Runbook page index.
    #[serde(skip)]
    pub page: usize,
    /// Heading id in the runbook, when the runbook maps the alert to one.
    pub section: Option<String>,
}

/// Is `name` an alert name a file (and URL) can hold as it is?
fn usable(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.starts_with('.')
}

/// Collect the alerts of every runbook into `site.alerts`.
pub(super) fn collect(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let mut alerts: BTreeMap<String, Alert> = BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if p.kind != Kind::Runbook || p.is_index {
            continue;
        }
        let at = p.src.key_position("alerts");
        for a in &p.src.front.alerts {
            let name = a.name().trim();
            let located = |d: Diagnostic| d.in_file(&p.src.display).at_pos(at);
            if !usable(name) {
                diags.push(located(Diagnostic::error(
                    "alert",
                    format!("alert name `{name}` cannot name a page: use letters, digits, `_`, `-` and `.`"),
                )));
                continue;
            }
            if let Some(section) = a.section()
                && !p.rendered.headings.iter().any(|h| h.id == section)
            {
                diags.push(located(Diagnostic::error(
                    "alert",
                    format!("alert `{name}` leads to section `{section}`, which this runbook does not have; use a heading id"),
                )));
            }
            if let Some(prev) = alerts.get(name) {
                let other = &site.pages[prev.page];
                diags.push(located(Diagnostic::error(
                    "alert",
                    format!(
                        "alert `{name}` is claimed by this runbook and by {}:{}; an alert leads to one runbook",
                        other.src.display.display(),
                        other.src.key_position("alerts").0
                    ),
                )));
                continue;
            }
            alerts.insert(
                name.to_string(),
                Alert {
                    name: name.to_string(),
                    page: i,
                    section: a.section().map(str::to_string),
                },
            );
        }
    }
    site.alerts = alerts;
}

/// The output path of an alert's page.
pub fn alert_url(name: &str) -> String {
    format!("alerts/{name}.html")
}
