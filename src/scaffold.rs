//! `handbook new` and `handbook init`: pages written from templates with all
//! the required front matter filled with placeholders and today's date.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::paths::slugify;

/// What `handbook new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skeleton {
    /// A runbook in the runbook section.
    Runbook,
    /// A coding-standards page with a first rule.
    Standard,
    /// A mentorship track (a folder with its overview).
    Track,
    /// A module of an existing track (`--track`).
    Module,
    /// A plain page (`--section`).
    Page,
}

fn content_dir(root: &Path) -> Result<PathBuf, Diagnostic> {
    let project = crate::project::open(root).map_err(|mut d| d.0.swap_remove(0))?;
    Ok(project.content_dir)
}

/// The folder holding sections of `kind = "<kind>"`, or `default` under content/.
fn section_of_kind(content: &Path, kind: &str, default: &str) -> PathBuf {
    walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "_index.md")
        .find(|e| {
            std::fs::read_to_string(e.path())
                .map(|t| {
                    t.lines()
                        .any(|l| l.replace(' ', "") == format!("kind=\"{kind}\""))
                })
                .unwrap_or(false)
        })
        .and_then(|e| e.path().parent().map(Path::to_path_buf))
        .unwrap_or_else(|| content.join(default))
}

/// The folder that holds the tracks (the parent of the first track section).
fn tracks_dir(content: &Path) -> PathBuf {
    section_of_kind(content, "track", "tracks/placeholder")
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| content.join("tracks"))
}

/// Write `text` to the new file `path`, which must resolve inside `within`
/// (a folder on the way that is a link to elsewhere is refused, and the file
/// is created only if nothing, not even a dangling link, is there).
fn write_new(path: &Path, text: &str, within: &Path) -> Result<PathBuf, Diagnostic> {
    if path.symlink_metadata().is_ok() {
        return Err(Diagnostic::error(
            "new",
            format!(
                "{} already exists; choose another title or edit that file",
                path.display()
            ),
        ));
    }
    let outside =
        |at: &Path| !crate::project::resolved(at).starts_with(crate::project::resolved(within));
    let refuse = || {
        Diagnostic::error(
            "new",
            format!(
                "{} would be written outside {} (a folder on the way is a link to elsewhere): choose a folder inside it",
                path.display(),
                within.display()
            ),
        )
    };
    if let Some(dir) = path.parent() {
        if outside(dir) {
            return Err(refuse());
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            Diagnostic::error("io", format!("cannot create {}: {e}", dir.display()))
        })?;
        if outside(dir) {
            return Err(refuse());
        }
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Diagnostic::error("io", format!("cannot write {}: {e}", path.display())))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| Diagnostic::error("io", format!("cannot write {}: {e}", path.display())))?;
    Ok(path.to_path_buf())
}

/// A rule id prefix from the title (`Error handling` -> `GO-ERRO`) with the
/// first number no file under `content` uses yet.
fn fresh_rule_id(content: &Path, title: &str) -> String {
    let word: String = title
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .take(4)
        .collect::<String>()
        .to_uppercase();
    let prefix = format!("GO-{}", if word.is_empty() { "NEW".into() } else { word });
    let existing: String = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    (1..1000)
        .map(|n| format!("{prefix}-{n:03}"))
        .find(|id| !existing.contains(id.as_str()))
        .unwrap_or_else(|| format!("{prefix}-999"))
}

/// A TOML string holding `s` exactly (quotes, backslashes, newlines escaped).
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `--section` and `--track` name folders inside the content folder.
fn inside_content(flag: &str, value: &str) -> Result<(), Diagnostic> {
    let p = Path::new(value);
    let escapes = p.is_absolute()
        || p.components().any(|c| {
            matches!(
                c,
                std::path::Component::ParentDir
                    | std::path::Component::RootDir
                    | std::path::Component::Prefix(_)
            )
        });
    if escapes {
        return Err(Diagnostic::error(
            "usage",
            format!(
                "{flag} {value}: name a folder inside the content folder, e.g. `{flag} ops/payments`"
            ),
        ));
    }
    Ok(())
}

/// Create a new page of `kind` titled `title`; returns the file written.
pub fn new_page(
    root: &Path,
    kind: Skeleton,
    title: &str,
    track: Option<&str>,
    section: Option<&str>,
) -> Result<PathBuf, Diagnostic> {
    let content = content_dir(root)?;
    for (flag, value) in [("--section", section), ("--track", track)] {
        if let Some(v) = value {
            inside_content(flag, v)?;
        }
    }
    let slug = slugify(title);
    let today = Date::today();
    let quoted = toml_string(title);
    let file = format!("{slug}.md");
    let (path, text) = match kind {
        Skeleton::Runbook => (
            section_of_kind(&content, "runbook", "runbooks").join(file),
            runbook_text(&quoted, today),
        ),
        Skeleton::Standard => (
            section_of_kind(&content, "standard", "standards").join(file),
            standard_text(&quoted, today, &fresh_rule_id(&content, title)),
        ),
        Skeleton::Track => (
            tracks_dir(&content).join(&slug).join("_index.md"),
            track_text(&quoted, &slug),
        ),
        Skeleton::Module => {
            let dir = module_dir(&content, track)?;
            // After the modules already there.
            let weight = std::fs::read_dir(&dir)
                .map(|r| {
                    r.filter_map(Result::ok)
                        .filter(|e| e.file_name() != "_index.md")
                        .count()
                })
                .unwrap_or(0)
                + 1;
            (dir.join(file), module_text(&quoted, weight))
        }
        Skeleton::Page => (
            section
                .map_or(content.clone(), |s| content.join(s))
                .join(file),
            format!(
                "+++\ntitle = {quoted}\ndescription = \"\"\nupdated = {today}\n+++\n\nWrite here.\n"
            ),
        ),
    };
    write_new(&path, &text, &content)
}

/// The folder of the track a new module joins (`--track`), which must exist.
fn module_dir(content: &Path, track: Option<&str>) -> Result<PathBuf, Diagnostic> {
    let name = track.ok_or_else(|| {
        Diagnostic::error(
            "new",
            "a module needs its track: --track <track-folder-name>",
        )
    })?;
    let tracks = tracks_dir(content);
    let dir = tracks.join(name);
    if !dir.join("_index.md").exists() {
        return Err(Diagnostic::error(
            "new",
            format!(
                "no track `{name}` in {}: create it with `handbook new track`",
                tracks.display()
            ),
        ));
    }
    Ok(dir)
}

fn runbook_text(quoted: &str, today: Date) -> String {
    format!(
        r#"+++
title = {quoted}
description = "One line: what fires and what it means."
owner = "team-FIXME"
severity = "SEV3"
services = ["FIXME-service"]
alerts = ["FIXMEAlertName"]
dashboards = []
escalation = "FIXME: who to page next"
last-reviewed = {today}
review-every = "180d"
+++

## Symptoms

What the alert says and what users notice.

## Impact

Who is affected, and how badly.

## Diagnosis

1. First thing to check, with the exact command or query.

## Mitigation

- The fastest safe action (roll back, scale out, fail over), with commands.

## Escalation

Who to page, and when.
"#
    )
}

fn standard_text(quoted: &str, today: Date, id: &str) -> String {
    format!(
        r#"+++
title = {quoted}
description = "One line: what these rules are about."
updated = {today}
+++

Why these rules matter, in a paragraph.

## State the rule as an instruction {{#{id} .should}}

One or two paragraphs: the reasoning, and when the rule does not apply.

```go bad
// what not to do
```

```go good
// what to do instead
```
"#
    )
}

fn track_text(quoted: &str, slug: &str) -> String {
    format!(
        r#"+++
title = {quoted}
description = "Who this track is for, in one line."
kind = "track"
level = "mid"
duration = "3 weeks"
prerequisites = []
objectives = ["FIXME: what the learner can do at the end"]
mentor = "FIXME"
+++

What this track covers and how to work through it. Add modules with
`handbook new module "Title" --track {slug}`.
"#
    )
}

fn module_text(quoted: &str, weight: usize) -> String {
    format!(
        r#"+++
title = {quoted}
description = "One line: what this module teaches."
weight = {weight}
duration = "3h"
+++

## Objectives

- FIXME

## Read

- Links to the standards and runbooks this module builds on.

## Exercises

- [ ] FIXME: a task on real code
"#
    )
}

/// `handbook init DIR`: a book.toml and a home page, refusing to overwrite.
pub fn init(dir: &Path, title: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    let quoted = toml_string(title);
    Ok(vec![
        write_new(
            &dir.join("book.toml"),
            &format!(
                "[book]\ntitle = {quoted}\ndescription = \"\"\n\n[build]\ncontent-dir = \"content\"\noutput-dir = \"public\"\n"
            ),
            dir,
        )?,
        write_new(
            &dir.join("content/_index.md"),
            &format!(
                "+++\ntitle = {quoted}\n+++\n\nWelcome. Add pages with `handbook new page \"Title\"`.\n"
            ),
            dir,
        )?,
    ])
}
