//! `handbook report reviews`: runbooks whose review is overdue or falls due
//! soon, with owner, severity and due date, sorted by due date, as Markdown,
//! JSON or CSV, so CI can open tickets or post to chat.

use serde::Serialize;

use crate::date::Date;
use crate::site::Site;

/// One runbook due for review.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Due {
    /// Runbook title.
    pub title: String,
    /// Source file, as shown.
    pub file: String,
    /// Page URL, site-relative (absolute with `site-url`).
    pub url: String,
    /// Owning team.
    pub owner: String,
    /// Severity.
    pub severity: String,
    /// When the review is (or was) due.
    pub due: String,
    /// Past due at the build date.
    pub overdue: bool,
}

/// Runbooks due within `days` of the site's date (overdue ones included).
pub fn due_within(site: &Site, days: i64) -> Vec<Due> {
    let horizon: Date = site.today.add_days(days);
    let mut rows: Vec<(Date, Due)> = site
        .pages
        .iter()
        .filter_map(|p| {
            let rb = p.runbook.as_ref()?;
            let due = rb.review_due?;
            (due <= horizon).then(|| {
                let url = match &site.config.site.site_url {
                    Some(b) => format!(
                        "{}/{}",
                        b.trim_end_matches('/'),
                        crate::paths::encode_href(&p.url)
                    ),
                    None => crate::paths::encode_href(&p.url).into_owned(),
                };
                (
                    due,
                    Due {
                        title: p.title.clone(),
                        file: p.src.display.display().to_string(),
                        url,
                        owner: rb.owner.clone(),
                        severity: rb.severity.clone(),
                        due: due.to_string(),
                        overdue: rb.overdue,
                    },
                )
            })
        })
        .collect();
    rows.sort_by(|a, b| (a.0, &a.1.file).cmp(&(b.0, &b.1.file)));
    rows.into_iter().map(|(_, d)| d).collect()
}

/// A Markdown table (a sentence when nothing is due).
pub fn markdown(rows: &[Due], days: i64) -> String {
    if rows.is_empty() {
        return format!("No runbook reviews are due in the next {days} days.\n");
    }
    // One table row per runbook: a `|` or a line break in a title would
    // break the table.
    let cell = |s: &str| {
        s.replace('|', "\\|")
            .replace(['\r', '\n'], " ")
            .replace('[', "\\[")
            .replace(']', "\\]")
    };
    let mut out = String::from("| Due | Runbook | Owner | Severity |\n|---|---|---|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| {}{} | [{}]({}) | {} | {} |\n",
            r.due,
            if r.overdue { " (overdue)" } else { "" },
            cell(&r.title),
            r.url,
            cell(&r.owner),
            cell(&r.severity)
        ));
    }
    out
}

/// CSV with a header row (RFC 4180 quoting). A cell a spreadsheet would
/// run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) gets a leading `'`, as OWASP advises, so it reads as text.
pub fn csv(rows: &[Due]) -> String {
    let q = |s: &str| {
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut out = String::from("due,overdue,title,owner,severity,url,file\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.due,
            r.overdue,
            q(&r.title),
            q(&r.owner),
            q(&r.severity),
            q(&r.url),
            q(&r.file)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, owner: &str) -> Due {
        Due {
            title: title.into(),
            file: "content/runbooks/x.md".into(),
            url: "runbooks/x.html".into(),
            owner: owner.into(),
            severity: "SEV2".into(),
            due: "2026-12-01".into(),
            overdue: true,
        }
    }

    #[test]
    fn csv_cells_are_never_formulas() {
        let out = csv(&[row("=cmd|'/C calc'!A0", "+team"), row("@SUM(1)", "-x")]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[1],
            "2026-12-01,true,'=cmd|'/C calc'!A0,'+team,SEV2,runbooks/x.html,content/runbooks/x.md"
        );
        assert!(lines[2].contains(",'@SUM(1),'-x,"), "{}", lines[2]);
        let out = csv(&[row("a,\"b\"\nc", "t")]);
        assert!(out.contains(",\"a,\"\"b\"\"\nc\","), "{out}");
    }

    #[test]
    fn markdown_rows_stay_one_line() {
        let out = markdown(&[row("Two\nlines | [x]", "t")], 30);
        let rows: Vec<&str> = out.lines().collect();
        assert_eq!(rows.len(), 3, "{out}");
        assert!(
            rows[2].contains("[Two lines \\| \\[x\\]](runbooks/x.html)"),
            "{out}"
        );
    }
}
