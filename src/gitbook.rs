//! GitBook's block tags (`{% hint %}`, `{% tabs %}`/`{% tab %}`, `{% code %}`,
//! `{% embed %}`, `{% content-ref %}`) and other Liquid/Jinja tags standing
//! alone on a line, in documentation written for other tools. Hints become
//! callouts and tabs the same tab sets as MkDocs', so nothing prints as a
//! literal directive; an unknown tag is dropped with a finding.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::diag::Diagnostic;
use crate::lines::{Line, fence_closes, fence_open, like};

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\{%-?\s*([a-z][a-z0-9_-]*)(.*?)-?%\}$").expect("valid"));
static ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"([a-z_-]+)="([^"]*)""#).expect("valid"));

/// Does the text hold a Liquid-style tag worth rewriting?
pub fn has_tags(text: &str) -> bool {
    text.contains("{%")
}

/// Rewrite tags alone on their line; (text, line map, findings).
pub fn rewrite(text: &str, display: &Path) -> (String, Vec<(u32, u32)>, Vec<Diagnostic>) {
    let mut out: Vec<Line> = Vec::new();
    let mut findings = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for l in crate::lines::split(text) {
        let t = l.text.trim();
        if let Some((c, n)) = fence {
            if fence_closes(t, c, n) {
                fence = None;
            }
            out.push(l);
            continue;
        }
        if let Some((c, n, _)) = fence_open(t) {
            fence = Some((c, n));
            out.push(l);
            continue;
        }
        let Some(cap) = TAG.captures(t) else {
            out.push(l);
            continue;
        };
        let attr = |name: &str| {
            ATTR.captures_iter(cap.get(2).map_or("", |m| m.as_str()))
                .find(|a| &a[1] == name)
                .map(|a| a[2].to_string())
        };
        let mut push = |s: String| out.push(like(s, &l));
        match &cap[1] {
            "hint" => {
                let class = match attr("style").as_deref() {
                    Some("warning") => "warning",
                    Some("danger") => "caution",
                    Some("success") => "tip",
                    _ => "note",
                };
                push(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">"
                ));
                push(String::new());
            }
            "endhint" | "endtab" => {
                push(String::new());
                push("</div>".into());
                push(String::new());
            }
            "tabs" => {
                push("<div class=\"tabbed-set\" data-tabbed>".into());
                push(String::new());
            }
            "endtabs" => {
                push("</div>".into());
                push(String::new());
            }
            "tab" => {
                let label = crate::html::escape(&attr("title").unwrap_or_default());
                push(format!(
                    "<div class=\"tabbed-block\" data-label=\"{label}\"><p class=\"tabbed-label\">{label}</p>"
                ));
                push(String::new());
            }
            "embed" => match attr("url") {
                Some(u) => push(format!("<{u}>")),
                None => push(String::new()),
            },
            // Markers around content that stands on its own.
            "code" | "endcode" | "content-ref" | "endcontent-ref" | "raw" | "endraw" => {
                push(String::new())
            }
            other => {
                findings.push(
                    Diagnostic::warning(
                        "unsupported-directive",
                        format!("`{{% {other} %}}` is a template tag handbook does not run; it is left out"),
                    )
                    .in_file(display)
                    .at(l.src as usize, l.shift as usize + 1),
                );
                push(String::new());
            }
        }
    }
    let (text, map) = crate::lines::join(out);
    (text, map, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_tabs_and_markers() {
        let (t, map, f) = rewrite(
            "{% hint style=\"warning\" %}\nCareful.\n{% endhint %}\n\n{% tabs %}\n{% tab title=\"Go\" %}\nGo.\n{% endtab %}\n{% endtabs %}\n\n{% code title=\"a.go\" %}\n```go\n{% raw %}\n```\n{% endcode %}\n{% include \"x.html\" %}\n",
            Path::new("a.md"),
        );
        assert!(
            t.starts_with(
                "<div class=\"callout callout-warning\" role=\"note\">\n\nCareful.\n\n</div>\n"
            ),
            "{t}"
        );
        assert!(t.contains("data-label=\"Go\""), "{t}");
        assert!(
            t.contains("```go\n{% raw %}\n```"),
            "code is left alone: {t}"
        );
        assert!(!t.contains("{% code") && !t.contains("{% include"), "{t}");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, 16);
        // "Careful." is still line 2 of the source.
        let at = t.lines().position(|l| l == "Careful.").unwrap();
        assert_eq!(map[at].0, 2);
    }
}
