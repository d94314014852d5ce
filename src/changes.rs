//! What the git history shows readers: "Last updated" on pages, when each
//! rule was added and changed, `changes.html` (newest first, by week) and
//! the Atom feed `changes.xml` (RFC 4287). Everything from commits (author
//! names, messages, rule text) is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::date::Date;
use crate::history::{Change, Commit, History};
use crate::html::escape_into;
use crate::site::Site;

/// Weeks of changes the page shows.
const WEEKS: i64 = 26;
/// Entries (commits) in the feed.
const FEED_ENTRIES: usize = 50;

/// Escaped for HTML and XML alike, without the control characters XML 1.0
/// forbids (a commit author or message may hold any byte).
fn esc(s: &str) -> String {
    let mut out = String::new();
    let clean: std::borrow::Cow<'_, str> = if s.chars().any(forbidden_in_xml) {
        s.chars().filter(|&c| !forbidden_in_xml(c)).collect()
    } else {
        s.into()
    };
    escape_into(&mut out, &clean);
    out
}

fn forbidden_in_xml(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// Link to a commit in the repository's web view, when `[site] repo-url`
/// is set (GitHub, GitLab, Gitea and Bitbucket all answer `/commit/<id>`).
pub fn commit_url(site: &Site, commit: &Commit) -> Option<String> {
    site.config
        .site
        .repo_url
        .as_ref()
        .map(|r| format!("{}/commit/{}", r.trim_end_matches('/'), commit.id))
}

/// "Last updated" of one page.
#[derive(Debug, Serialize)]
pub struct PageHistory {
    /// Date of the change.
    pub date: Date,
    /// Who made it (none for uncommitted changes).
    pub author: Option<String>,
    /// The commit in the repository's web view.
    pub url: Option<String>,
    /// Short commit id.
    pub short: Option<String>,
    /// The file has changes not committed yet (the date is its mtime).
    pub uncommitted: bool,
}

/// The page's last change from git; none when front matter `updated` is
/// set (the author's date wins) or there is no history.
pub fn page_history(site: &Site, page: usize) -> Option<PageHistory> {
    let h = site.history.as_deref()?;
    let p = &site.pages[page];
    if p.src.front.updated.is_some() {
        return None;
    }
    // The page's own file and every file it includes: the newest change wins.
    let mut uncommitted = h.uncommitted.get(&p.src.rel).copied();
    let mut last = h.files.get(&p.src.rel).copied();
    for inc in &p.src.includes {
        let (mtime, commit) = match inc.strip_prefix(&h.content_dir) {
            Ok(rel) => {
                let rel = rel.to_string_lossy().replace('\\', "/");
                (h.uncommitted.get(&rel), h.files.get(&rel))
            }
            Err(_) => (h.uncommitted_extra.get(inc), h.extra.get(inc)),
        };
        uncommitted = uncommitted.max(mtime.copied());
        last = last.max(commit.copied());
    }
    if let Some(mtime) = uncommitted {
        return Some(PageHistory {
            date: Date::from_days(mtime.div_euclid(86_400)),
            author: None,
            url: None,
            short: None,
            uncommitted: true,
        });
    }
    let c = &h.commits[last?];
    Some(PageHistory {
        date: c.date(),
        author: Some(c.author.clone()),
        url: commit_url(site, c),
        short: Some(c.id.chars().take(8).collect()),
        uncommitted: false,
    })
}

/// (added, last changed, retired) dates of a rule.
pub fn rule_dates(h: &History, id: &str) -> Option<(Date, Option<Date>, Option<Date>)> {
    let life = h.rules.get(id)?;
    let date = |i: usize| h.commits[i].date();
    Some((
        date(life.added),
        life.changed.map(date),
        life.retired.map(date),
    ))
}

/// The line under a rule heading: "Added 2026-01-02 · text changed 2026-05-01".
pub fn rule_line(h: &History, id: &str) -> Option<String> {
    let (added, changed, _) = rule_dates(h, id)?;
    let mut s = format!("<p class=\"rule-dates\">Added <time datetime=\"{added}\">{added}</time>");
    if let Some(c) = changed {
        let _ = write!(s, " · text changed <time datetime=\"{c}\">{c}</time>");
    }
    s.push_str("</p>");
    Some(s)
}

/// Insert each rule's dates after its heading in a page body.
pub fn with_rule_dates(body: &str, h: &History, ids: &[&str]) -> String {
    let mut out = body.to_string();
    for id in ids {
        let Some(line) = rule_line(h, id) else {
            continue;
        };
        let marker = format!("id=\"{id}\"");
        let Some(at) = out.find(&marker) else {
            continue;
        };
        let Some(end) = out[at..].find("</h").and_then(|e| {
            let close = at + e;
            out[close..].find('>').map(|g| close + g + 1)
        }) else {
            continue;
        };
        out.insert_str(end, &line);
    }
    out
}

/// Content path -> where its page is shown (relative to the site root),
/// built once per page or feed rather than searched for every change.
fn page_urls(site: &Site) -> std::collections::HashMap<&str, String> {
    site.pages
        .iter()
        .map(|p| {
            (
                p.src.rel.as_str(),
                crate::paths::encode_href(&p.url).into_owned(),
            )
        })
        .collect()
}

fn rule_url(site: &Site, id: &str) -> Option<String> {
    let r = site.rules.get(id)?;
    Some(format!(
        "{}#{}",
        crate::paths::encode_href(&site.pages[r.page].url),
        id
    ))
}

/// Monday of the week of `date`.
fn week_of(date: Date) -> Date {
    let days = date.to_days();
    // 1970-01-01 was a Thursday: Monday is 3 days before.
    Date::from_days(days - (days + 3).rem_euclid(7))
}

/// A word diff of a rule's text: removed words struck, added ones marked.
fn word_diff(before: &str, after: &str) -> String {
    let diff = similar::TextDiff::from_words(before, after);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let text = esc(change.value());
        match change.tag() {
            similar::ChangeTag::Equal => out.push_str(&text),
            similar::ChangeTag::Delete => {
                let _ = write!(out, "<del>{text}</del>");
            }
            similar::ChangeTag::Insert => {
                let _ = write!(out, "<ins>{text}</ins>");
            }
        }
    }
    out
}

/// One change as an HTML list item; `root` prefixes site links.
fn item(
    site: &Site,
    pages: &std::collections::HashMap<&str, String>,
    change: &Change,
    root: &str,
) -> String {
    let link = |url: Option<String>, text: &str| match url {
        Some(u) => format!("<a href=\"{root}{}\">{}</a>", esc(&u), esc(text)),
        None => esc(text),
    };
    let track_title = |dir: &str| {
        site.sections.iter().find(|s| s.dir == dir).map(|s| {
            (
                s.title.clone(),
                crate::paths::encode_href(&s.url).into_owned(),
            )
        })
    };
    match change {
        Change::RuleAdded { id, title } => format!(
            "<li class=\"change change-added\"><span class=\"change-kind\">Rule added</span> {} {}</li>",
            link(rule_url(site, id), id),
            esc(title)
        ),
        Change::RuleChanged {
            id,
            title,
            before,
            after,
        } => format!(
            "<li class=\"change change-changed\"><span class=\"change-kind\">Rule changed</span> {} {}<details><summary>What changed</summary><pre class=\"word-diff\">{}</pre></details></li>",
            link(rule_url(site, id), id),
            esc(title),
            word_diff(before, after)
        ),
        Change::RuleRetired { id, title } => {
            let by = site
                .retired
                .get(id)
                .map(|to| format!(" (replaced by {})", link(rule_url(site, to), to)))
                .unwrap_or_default();
            format!(
                "<li class=\"change change-retired\"><span class=\"change-kind\">Rule retired</span> {} {}{by}</li>",
                esc(id),
                esc(title)
            )
        }
        Change::RunbookAdded { path, title } => format!(
            "<li class=\"change change-added\"><span class=\"change-kind\">Runbook added</span> {}</li>",
            link(pages.get(path.as_str()).cloned(), title)
        ),
        Change::RunbookReviewed {
            path,
            title,
            from,
            to,
        } => format!(
            "<li class=\"change\"><span class=\"change-kind\">Runbook reviewed</span> {} (last reviewed {} → {})</li>",
            link(pages.get(path.as_str()).cloned(), title),
            if from.is_empty() {
                "never".to_string()
            } else {
                esc(from)
            },
            esc(to)
        ),
        Change::RunbookRemoved { title, .. } => format!(
            "<li class=\"change change-retired\"><span class=\"change-kind\">Runbook removed</span> {}</li>",
            esc(title)
        ),
        Change::TrackChanged { dir } => {
            let (title, url) = track_title(dir).unwrap_or_else(|| (dir.clone(), String::new()));
            format!(
                "<li class=\"change\"><span class=\"change-kind\">Track changed</span> {}</li>",
                link((!url.is_empty()).then_some(url), &title)
            )
        }
    }
}

/// Events grouped by commit, newest first.
fn by_commit(h: &History) -> Vec<(usize, Vec<&Change>)> {
    let mut out: Vec<(usize, Vec<&Change>)> = Vec::new();
    for e in &h.events {
        match out.last_mut() {
            Some((c, list)) if *c == e.commit => list.push(&e.change),
            _ => out.push((e.commit, vec![&e.change])),
        }
    }
    out
}

fn commit_line(site: &Site, c: &Commit) -> String {
    let id = match commit_url(site, c) {
        Some(u) => format!(
            "<a href=\"{}\"><code>{}</code></a>",
            esc(&u),
            esc(&c.id[..8.min(c.id.len())])
        ),
        None => format!("<code>{}</code>", esc(&c.id[..8.min(c.id.len())])),
    };
    format!(
        "<p class=\"change-commit\"><time datetime=\"{d}\">{d}</time> · {} · {id} <span class=\"muted\">{}</span></p>",
        esc(&c.author),
        esc(&c.summary),
        d = c.date()
    )
}

/// The body of `changes.html`: the last [`WEEKS`] weeks, by week, newest
/// first. `root` is the relative path from the page to the site root.
pub fn page_body(site: &Site, h: &History, root: &str) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<p>What changed in the standards, runbooks and tracks, from the git history, newest first. \
         <a href=\"{root}changes.xml\">Subscribe (Atom)</a>.</p>"
    );
    let commits = by_commit(h);
    let pages = page_urls(site);
    let newest = commits.first().map(|(c, _)| h.commits[*c].date());
    let mut weeks: BTreeMap<std::cmp::Reverse<i64>, Vec<(usize, Vec<&Change>)>> = BTreeMap::new();
    for (c, list) in commits {
        let week = week_of(h.commits[c].date());
        if newest.is_some_and(|n| n.to_days() - week.to_days() > WEEKS * 7) {
            break;
        }
        weeks
            .entry(std::cmp::Reverse(week.to_days()))
            .or_default()
            .push((c, list));
    }
    if weeks.is_empty() {
        body.push_str("<p class=\"muted\">No changes to rules, runbooks or tracks yet.</p>\n");
    }
    for (std::cmp::Reverse(days), commits) in weeks {
        let week = Date::from_days(days);
        let _ = writeln!(
            body,
            "<section class=\"change-week\"><h2 id=\"week-{week}\">Week of {week}</h2>"
        );
        for (c, list) in commits {
            let commit = &h.commits[c];
            let _ = write!(
                body,
                "<div class=\"change-group\" id=\"c-{}\">{}<ul class=\"change-list\">",
                esc(&commit.id),
                commit_line(site, commit)
            );
            for change in list {
                body.push_str(&item(site, &pages, change, root));
            }
            body.push_str("</ul></div>\n");
        }
        body.push_str("</section>\n");
    }
    body
}

/// A short plain-text title for a commit's changes (feed entries).
fn entry_title(list: &[&Change]) -> String {
    let first = match list[0] {
        Change::RuleAdded { id, .. } => format!("{id} added"),
        Change::RuleChanged { id, .. } => format!("{id} changed"),
        Change::RuleRetired { id, .. } => format!("{id} retired"),
        Change::RunbookAdded { title, .. } => format!("Runbook added: {title}"),
        Change::RunbookReviewed { title, .. } => format!("Runbook reviewed: {title}"),
        Change::RunbookRemoved { title, .. } => format!("Runbook removed: {title}"),
        Change::TrackChanged { dir } => format!("Track changed: {dir}"),
    };
    match list.len() {
        1 => first,
        n => format!("{first} and {} more", n - 1),
    }
}

fn rfc3339(time: i64) -> String {
    let date = Date::from_days(time.div_euclid(86_400));
    let secs = time.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// `changes.xml`: one Atom entry per commit with changes, newest first.
/// Links are absolute when `[site] site-url` is set, else relative to the
/// feed (which RFC 4287 allows; readers resolve them against its URL).
pub fn atom(site: &Site, h: &History) -> String {
    let base = site
        .config
        .site
        .site_url
        .as_deref()
        .map(|u| format!("{}/", u.trim_end_matches('/')))
        .unwrap_or_default();
    let commits = by_commit(h);
    let pages = page_urls(site);
    // The newest date, not the first commit's: history order and commit
    // dates disagree after a rebase or with a skewed clock.
    let updated = commits
        .iter()
        .map(|(c, _)| h.commits[*c].time)
        .max()
        .map(rfc3339)
        .unwrap_or_else(|| format!("{}T00:00:00Z", site.today));
    let title = esc(&format!("{}: changes", site.config.book.title));
    // A feed id that stays the same across builds and hosts.
    let feed_id = format!(
        "urn:uuid:{}",
        uuid_from(&format!("handbook-feed {}", site.config.book.title))
    );
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>{title}</title>\n<id>{feed_id}</id>\n<updated>{updated}</updated>\n\
         <link rel=\"self\" href=\"{base}changes.xml\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{base}changes.html\"/>\n\
         <generator>handbook</generator>\n"
    );
    for (c, list) in commits.iter().take(FEED_ENTRIES) {
        let commit = &h.commits[*c];
        let mut content = String::new();
        content.push_str(&commit_line(site, commit));
        content.push_str("<ul>");
        for change in list {
            content.push_str(&item(site, &pages, change, &base));
        }
        content.push_str("</ul>");
        let _ = write!(
            out,
            "<entry>\n<title>{}</title>\n<id>urn:uuid:{}</id>\n<updated>{}</updated>\n\
             <author><name>{}</name></author>\n<link rel=\"alternate\" type=\"text/html\" href=\"{base}changes.html#c-{}\"/>\n\
             <content type=\"html\">{}</content>\n</entry>\n",
            esc(&entry_title(list)),
            uuid_from(&commit.id),
            rfc3339(commit.time),
            esc(&commit.author),
            esc(&commit.id),
            esc(&content)
        );
    }
    out.push_str("</feed>\n");
    out
}

/// A name-based UUID (the blake3 hash of `name`, version 8 bits set), so
/// ids are stable for the same commit.
fn uuid_from(name: &str) -> String {
    let hash = blake3::hash(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash.as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        // 2026-11-26 is a Thursday.
        assert_eq!(
            week_of(Date::parse("2026-11-26").unwrap()).to_string(),
            "2026-11-23"
        );
        assert_eq!(
            week_of(Date::parse("2026-11-23").unwrap()).to_string(),
            "2026-11-23"
        );
        assert_eq!(
            week_of(Date::parse("2026-11-29").unwrap()).to_string(),
            "2026-11-23"
        );
    }

    #[test]
    fn word_diffs_escape_and_mark_words() {
        let d = word_diff("use %v <here>", "use %w <here>");
        assert_eq!(d, "use <del>%v</del><ins>%w</ins> &lt;here&gt;");
    }

    #[test]
    fn escaped_text_has_no_character_xml_forbids() {
        assert_eq!(esc("a\u{1}b\u{1b}[31m<c>\td\u{ffff}"), "ab[31m&lt;c&gt;\td");
    }

    #[test]
    fn feed_times_and_ids() {
        assert_eq!(rfc3339(86_400 + 3661), "1970-01-02T01:01:01Z");
        let id = uuid_from("abc");
        assert_eq!(id.len(), 36);
        assert_eq!(id, uuid_from("abc"));
        assert_eq!(&id[14..15], "8");
    }
}
