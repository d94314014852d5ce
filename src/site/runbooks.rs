//! Runbook facts (owner, severity, review due) and their required fields.

use super::{Kind, RunbookInfo, Site};
use crate::date::parse_interval;
use crate::diag::Diagnostic;

/// Check runbook front matter and compute each runbook's review state.
pub(super) fn runbooks(site: &mut Site, diags: &mut Vec<Diagnostic>) {
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
            .in_file(site.root.join("book.toml"))
            .at_pos(crate::config::key_position(&site.root, "runbooks", "review-every")),
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
        for d in fm
            .dashboards
            .iter()
            .filter(|d| !crate::paths::is_safe_link(d))
        {
            diags.push(
                Diagnostic::error(
                    "runbook-field",
                    format!("dashboard link `{d}` is not an http(s), mailto or relative URL; it is not shown"),
                )
                .in_file(file)
                .at_pos(p.src.key_position("dashboards")),
            );
        }
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
