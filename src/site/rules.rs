//! Rules: ids from headings, duplicates, retirements and their old anchors.

use super::{Rule, Site};
use crate::diag::Diagnostic;

/// Collect every rule heading, check ids are unique and retirements point
/// at rules that exist; old anchors of retired rules land on their replacement.
pub(super) fn collect_rules(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    for (pi, p) in site.pages.iter().enumerate() {
        for h in &p.rendered.headings {
            let Some(level) = h.rule else { continue };
            if let Some(prev) = site.rules.get(&h.id) {
                let other = &site.pages[prev.page];
                diags.push(
                    Diagnostic::error(
                        "duplicate-rule",
                        format!(
                            "rule id {} is defined twice: here and at {}:{}; give one of them a new id",
                            h.id,
                            other.src.display.display(),
                            prev.line
                        ),
                    )
                    .in_file(&p.src.display)
                    .at(h.line, 1),
                );
                continue;
            }
            site.rules.insert(
                h.id.clone(),
                Rule {
                    id: h.id.clone(),
                    title: h.text.clone(),
                    level,
                    page: pi,
                    line: h.line,
                },
            );
        }
    }
    for p in &site.pages {
        for r in &p.src.front.retired {
            if site.rules.contains_key(&r.id) {
                diags.push(
                    Diagnostic::error(
                        "retired-rule",
                        format!(
                            "rule {} is retired in front matter but still defined by a heading",
                            r.id
                        ),
                    )
                    .in_file(&p.src.display)
                    .at_pos(p.src.key_position("retired")),
                );
            } else if !site.rules.contains_key(&r.replaced_by) {
                diags.push(
                    Diagnostic::error(
                        "unknown-rule",
                        format!(
                            "retired rule {} is replaced by {}, which no page defines",
                            r.id, r.replaced_by
                        ),
                    )
                    .in_file(&p.src.display)
                    .at_pos(p.src.key_position("retired")),
                );
            } else {
                site.retired.insert(r.id.clone(), r.replaced_by.clone());
            }
        }
    }
    // Old anchors keep landing on the replacement rule.
    let retired: Vec<(String, String)> = site
        .retired
        .iter()
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    for (old, new) in retired {
        let page = site.rules[&new].page;
        let html = site.pages[page].rendered.html.as_str();
        // The heading's opening tag, e.g. `<h2 id="GO-ERR-003"`.
        let attr = format!(" id=\"{new}\"");
        if let Some(tag) = html.find(&attr).and_then(|p| {
            html[..p]
                .rfind('<')
                .map(|s| html[s..p + attr.len()].to_string())
        }) {
            let with_anchor = format!("<span id=\"{old}\" class=\"retired-anchor\"></span>{tag}");
            site.pages[page].patches.push((tag, with_anchor));
        }
    }
}

/// Resolve a rule id (following retirements) to (page index, anchor).
pub fn resolve_rule<'a>(site: &'a Site, id: &str) -> Option<&'a Rule> {
    let id = site.retired.get(id).map_or(id, String::as_str);
    site.rules.get(id)
}
