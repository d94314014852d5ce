//! Tags: pages by tag, one tag per tag page.

use std::collections::HashMap;

use super::Site;
use crate::diag::Diagnostic;

/// Tags by name. Spellings that give one tag page (`Go` and `go`, `a b`
/// and `a-b`) are one tag, under the first spelling met; each other spelling
/// is a warning at its page's `tags` key.
pub(super) fn collect_tags(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let mut first: HashMap<String, (String, usize)> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        for t in &p.src.front.tags {
            let (name, at) = first
                .entry(crate::paths::slugify(t))
                .or_insert_with(|| (t.clone(), i))
                .clone();
            if let Err(e) = crate::output::check_rel(&crate::paths::generated::tag(&name)) {
                let (line, col) = p.src.key_position("tags");
                diags.push(
                    Diagnostic::error(
                        "output",
                        format!("tag `{t}`: {}; use a shorter tag", e.message),
                    )
                    .in_file(&p.src.display)
                    .at(line, col),
                );
                continue;
            }
            if name != *t {
                let (line, col) = p.src.key_position("tags");
                diags.push(
                    Diagnostic::warning(
                        "tag-spelling",
                        format!(
                            "tag `{t}` is `{name}` written another way ({} says `{name}`): both are listed on one tag page, `{name}`; write it one way",
                            site.pages[at].src.display.display()
                        ),
                    )
                    .in_file(&p.src.display)
                    .at(line, col),
                );
            }
            let list = site.tags.entry(name).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
}
