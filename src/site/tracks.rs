//! Mentorship tracks: module numbering and prerequisites.

use std::collections::HashSet;

use super::{Kind, ModuleInfo, Site};
use crate::diag::Diagnostic;

/// Number each track's modules and check its prerequisites name tracks.
pub(super) fn tracks(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let dirs: HashSet<String> = site
        .sections
        .iter()
        .filter(|s| s.kind == Kind::Track)
        .map(|s| s.dir.clone())
        .collect();
    for s in 0..site.sections.len() {
        if site.sections[s].kind != Kind::Track {
            continue;
        }
        let sec = site.sections[s].clone();
        let total = sec.pages.len();
        for (n, &pi) in sec.pages.iter().enumerate() {
            site.pages[pi].module = Some(ModuleInfo {
                number: n + 1,
                total,
                track_title: sec.title.clone(),
                track_url: sec.url.clone(),
            });
        }
        if let Some(ii) = sec.index {
            let p = &site.pages[ii];
            for pre in &p.src.front.prerequisites {
                let name = pre.trim_matches('/');
                let found =
                    dirs.contains(name) || dirs.iter().any(|d| d.rsplit('/').next() == Some(name));
                if !found {
                    diags.push(
                        Diagnostic::error(
                            "track-prerequisite",
                            format!("prerequisite `{pre}` is not a track: name another track's folder, e.g. `tracks/go-foundations`"),
                        )
                        .in_file(&p.src.display)
                        .at_pos(p.src.key_position("prerequisites")),
                    );
                }
            }
        }
    }
}
