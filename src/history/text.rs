//! What history needs from a Markdown file's text at one commit: its rule
//! sections and, for runbooks, the title and `last-reviewed` date. Read
//! with a line scan (no Markdown rendering): thousands of old versions of
//! files are read in one pass over the history.

use regex::Regex;
use std::collections::BTreeMap;

/// A rule as written at one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleText {
    /// Heading text without the `{#ID .level}` attributes.
    pub title: String,
    /// The heading line and everything under it up to the next heading of
    /// the same or a higher level, trimmed.
    pub text: String,
}

/// Rule sections of a Markdown file: id -> title and text. A rule heading is
/// a `##`..`####` heading carrying `{#ID ...}` where ID matches `pattern`.
/// Headings inside code fences are code, not headings.
pub(super) fn rules(markdown: &str, pattern: &Regex) -> BTreeMap<String, RuleText> {
    let mut out = BTreeMap::new();
    let mut open: Option<(String, String, usize, Vec<&str>)> = None;
    let mut fence: Option<&str> = None;
    for line in body(markdown).lines() {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if let Some((level, heading)) = heading(line) {
            if open.as_ref().is_some_and(|o| level <= o.2) {
                let (id, title, _, lines) = open.take().expect("checked");
                out.insert(id, finish(title, &lines));
            }
            if let Some((id, title)) = rule_id(heading, pattern) {
                if let Some((id, title, _, lines)) = open.take() {
                    out.insert(id, finish(title, &lines));
                }
                open = Some((id, title, level, Vec::new()));
            }
        }
        if let Some(o) = open.as_mut() {
            o.3.push(line);
        }
    }
    if let Some((id, title, _, lines)) = open {
        out.insert(id, finish(title, &lines));
    }
    out
}

fn finish(title: String, lines: &[&str]) -> RuleText {
    RuleText {
        title,
        text: lines.join("\n").trim().to_string(),
    }
}

/// `#`-count and text of an ATX heading line.
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    (rest.is_empty() || rest.starts_with(' ')).then(|| (level, rest.trim()))
}

/// `Title {#GO-ERR-001 .must}` -> (id, title) when the id is a rule id.
fn rule_id(heading: &str, pattern: &Regex) -> Option<(String, String)> {
    let open = heading.rfind("{#")?;
    let attrs = heading[open + 2..].strip_suffix('}')?;
    let id = attrs.split_whitespace().next()?;
    pattern
        .is_match(id)
        .then(|| (id.to_string(), heading[..open].trim().to_string()))
}

/// The text after a TOML (`+++`) or YAML (`---`) front matter block.
fn body(text: &str) -> &str {
    front_and_body(text).1
}

fn front_and_body(text: &str) -> (&str, &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for fence in ["+++", "---"] {
        if let Some(rest) = text.strip_prefix(fence)
            && rest.starts_with(['\n', '\r'])
            && let Some(end) = rest.find(&format!("\n{fence}"))
        {
            let after = &rest[end + 1 + fence.len()..];
            return (&rest[..end], after.trim_start_matches(['\r', '\n']));
        }
    }
    ("", text)
}

/// A front matter value written `key = value` (TOML) or `key: value`
/// (YAML), unquoted.
pub(super) fn front_value(text: &str, key: &str) -> Option<String> {
    front_and_body(text).0.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(key)?.trim_start();
        let value = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':'))?;
        let value = value.trim().trim_matches(['"', '\'']).trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// The page's title: front matter `title`, else its first `# ` heading,
/// else `fallback`.
pub(super) fn title(text: &str, fallback: &str) -> String {
    front_value(text, "title")
        .or_else(|| {
            body(text)
                .lines()
                .find_map(|l| l.strip_prefix("# ").map(|t| t.trim().to_string()))
        })
        .unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern() -> Regex {
        Regex::new("^(?:[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3})$").unwrap()
    }

    #[test]
    fn rule_sections_end_at_the_next_heading_of_their_level() {
        let md = "+++\ntitle = \"Errors\"\n+++\n\nIntro.\n\n## Wrap errors {#GO-ERR-001 .must}\n\nUse %w.\n\n### Why\n\nChains.\n\n```go\n## not a heading\n```\n\n## Plain heading\n\n## Compare {#GO-ERR-002}\n\nerrors.Is\n";
        let r = rules(md, &pattern());
        assert_eq!(r.len(), 2);
        assert_eq!(r["GO-ERR-001"].title, "Wrap errors");
        assert!(
            r["GO-ERR-001"].text.contains("Chains.")
                && r["GO-ERR-001"].text.contains("## not a heading")
        );
        assert!(!r["GO-ERR-001"].text.contains("Plain heading"));
        assert_eq!(
            r["GO-ERR-002"].text,
            "## Compare {#GO-ERR-002}\n\nerrors.Is"
        );
        // An id that is not a rule id is an ordinary heading.
        assert!(rules("## Setup {#setup}\n", &pattern()).is_empty());
    }

    #[test]
    fn front_matter_values_and_titles() {
        let toml = "+++\ntitle = \"High latency\"\nlast-reviewed = 2026-01-02\n+++\n# Other\n";
        assert_eq!(
            front_value(toml, "last-reviewed").as_deref(),
            Some("2026-01-02")
        );
        assert_eq!(title(toml, "x"), "High latency");
        let yaml = "---\nlast-reviewed: '2025-12-01'\n---\n# From heading\n";
        assert_eq!(
            front_value(yaml, "last-reviewed").as_deref(),
            Some("2025-12-01")
        );
        assert_eq!(title(yaml, "x"), "From heading");
        assert_eq!(title("no title here", "fallback"), "fallback");
    }
}
