//! The one pass over the commits that builds a [`History`].

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;

use git2::{ObjectType, Oid, Repository, Sort, Status, StatusOptions};

use super::text::{self, RuleText};
use super::{Change, Commit, Event, History, Inputs, MAX_EVENTS, RuleLife};

/// A file of the content folder changed by one commit.
struct Touched {
    path: String,
    old: Option<Oid>,
    new: Option<Oid>,
}

/// What the walk remembers about the content as of the commit it is at.
#[derive(Default)]
struct State {
    /// Rules per Markdown file.
    file_rules: HashMap<String, BTreeMap<String, RuleText>>,
    /// Rule id -> how many files define it.
    holders: HashMap<String, usize>,
    /// Runbook path -> (title, last-reviewed).
    runbooks: HashMap<String, (String, String)>,
    /// Newest events, oldest first.
    events: VecDeque<Event>,
}

/// Walk every commit reachable from HEAD, oldest first.
pub(super) fn walk(
    repo: &Repository,
    content_rel: &str,
    inputs: &Inputs<'_>,
) -> Result<History, git2::Error> {
    let head = repo.head()?.peel_to_commit()?;
    let mut revwalk = repo.revwalk()?;
    revwalk.push(head.id())?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut history = History {
        head: head.id().to_string(),
        ..History::default()
    };
    let mut state = State::default();
    for oid in revwalk {
        let commit = repo.find_commit(oid?)?;
        // A merge's changes are its branch's commits, already walked.
        if commit.parent_count() > 1 {
            continue;
        }
        let new = content_tree(repo, &commit, content_rel)?;
        let old = match commit.parent(0) {
            Ok(p) => content_tree(repo, &p, content_rel)?,
            Err(_) => None,
        };
        if old == new {
            continue;
        }
        let mut touched = Vec::new();
        diff_trees(repo, old, new, "", &mut touched)?;
        if touched.is_empty() {
            continue;
        }
        let index = history.commits.len();
        history.commits.push(Commit {
            id: commit.id().to_string(),
            time: commit.author().when().seconds(),
            author: commit.author().name().unwrap_or("unknown").to_string(),
            summary: commit.summary().ok().flatten().unwrap_or("").to_string(),
        });
        apply(repo, index, &touched, inputs, &mut state, &mut history)?;
    }
    history.events = state.events.into_iter().rev().collect();
    Ok(history)
}

/// The id of the content folder's tree at `commit` (the root tree when the
/// content folder is the repository's root).
fn content_tree(
    repo: &Repository,
    commit: &git2::Commit<'_>,
    content_rel: &str,
) -> Result<Option<Oid>, git2::Error> {
    let tree = commit.tree()?;
    if content_rel.is_empty() {
        return Ok(Some(tree.id()));
    }
    match tree.get_path(Path::new(content_rel)) {
        Ok(e) if e.kind() == Some(ObjectType::Tree) => Ok(Some(e.id())),
        Ok(_) => Ok(None),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => {
            let _ = repo;
            Err(e)
        }
    }
}

/// Files that differ between two trees, opening only subtrees whose ids
/// differ (most of a large site is untouched by any one commit).
fn diff_trees(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    out: &mut Vec<Touched>,
) -> Result<(), git2::Error> {
    if old == new {
        return Ok(());
    }
    // name -> (old entry, new entry): (id, is a tree)
    type Side = Option<(Oid, bool)>;
    let mut names: BTreeMap<String, (Side, Side)> = BTreeMap::new();
    for (tree, new_side) in [(old, false), (new, true)] {
        let Some(id) = tree else { continue };
        for e in repo.find_tree(id)?.iter() {
            let is_tree = match e.kind() {
                Some(ObjectType::Tree) => true,
                Some(ObjectType::Blob) => false,
                // Submodules and anything else are not content.
                _ => continue,
            };
            let slot = names
                .entry(String::from_utf8_lossy(e.name_bytes()).into_owned())
                .or_default();
            let side = Some((e.id(), is_tree));
            if new_side {
                slot.1 = side;
            } else {
                slot.0 = side;
            }
        }
    }
    for (name, (o, n)) in names {
        if o.map(|x| x.0) == n.map(|x| x.0) {
            continue;
        }
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let tree = |s: Side| s.filter(|x| x.1).map(|x| x.0);
        let blob = |s: Side| s.filter(|x| !x.1).map(|x| x.0);
        if tree(o).is_some() || tree(n).is_some() {
            diff_trees(repo, tree(o), tree(n), &path, out)?;
        }
        if blob(o).is_some() || blob(n).is_some() {
            out.push(Touched {
                path,
                old: blob(o),
                new: blob(n),
            });
        }
    }
    Ok(())
}

fn read_blob(repo: &Repository, id: Oid) -> Result<String, git2::Error> {
    Ok(String::from_utf8_lossy(repo.find_blob(id)?.content()).into_owned())
}

/// Record what one commit changed.
fn apply(
    repo: &Repository,
    commit: usize,
    touched: &[Touched],
    inputs: &Inputs<'_>,
    state: &mut State,
    history: &mut History,
) -> Result<(), git2::Error> {
    let mut push = |change: Change| {
        state.events.push_back(Event { commit, change });
        if state.events.len() > MAX_EVENTS {
            state.events.pop_front();
        }
    };
    // A file deleted here whose bytes reappear at another path was renamed.
    let deleted: HashMap<Oid, &str> = touched
        .iter()
        .filter(|t| t.new.is_none())
        .filter_map(|t| t.old.map(|o| (o, t.path.as_str())))
        .collect();
    let mut renamed_from: HashMap<&str, &str> = HashMap::new();
    for t in touched.iter().filter(|t| t.old.is_none()) {
        if let Some(from) = t.new.and_then(|n| deleted.get(&n)) {
            renamed_from.insert(t.path.as_str(), from);
        }
    }
    let renamed_away: BTreeSet<&str> = renamed_from.values().copied().collect();

    let mut before: BTreeMap<String, RuleText> = BTreeMap::new();
    let mut after: BTreeMap<String, RuleText> = BTreeMap::new();
    let mut tracks: BTreeSet<&String> = BTreeSet::new();
    for t in touched {
        match t.new {
            Some(_) => {
                history.files.insert(t.path.clone(), commit);
            }
            None => {
                history.files.remove(&t.path);
            }
        }
        if let Some(dir) = inputs
            .track_dirs
            .iter()
            .find(|d| t.path.starts_with(d.as_str()) && t.path[d.len()..].starts_with('/'))
        {
            tracks.insert(dir);
        }
        if !t.path.ends_with(".md") {
            continue;
        }
        if let Some(old_rules) = state.file_rules.remove(&t.path) {
            before.extend(old_rules);
        }
        let new_text = t.new.map(|id| read_blob(repo, id)).transpose()?;
        if let Some(text) = &new_text {
            let rules = text::rules(text, inputs.rule_pattern);
            if !rules.is_empty() {
                after.extend(rules.iter().map(|(k, v)| (k.clone(), v.clone())));
                state.file_rules.insert(t.path.clone(), rules);
            }
        }
        // Runbooks: pages with a `last-reviewed` date.
        let reviewed = new_text
            .as_deref()
            .and_then(|x| text::front_value(x, "last-reviewed"));
        let previous = match renamed_from.get(t.path.as_str()) {
            Some(from) => state.runbooks.remove(*from),
            None => state.runbooks.get(&t.path).cloned(),
        };
        match (previous, reviewed, &new_text) {
            (None, Some(to), Some(text)) => {
                let title = text::title(text, &t.path);
                push(Change::RunbookAdded {
                    path: t.path.clone(),
                    title: title.clone(),
                });
                state.runbooks.insert(t.path.clone(), (title, to));
            }
            (Some((_, from)), Some(to), Some(text)) => {
                let title = text::title(text, &t.path);
                if from != to {
                    push(Change::RunbookReviewed {
                        path: t.path.clone(),
                        title: title.clone(),
                        from,
                        to: to.clone(),
                    });
                }
                state.runbooks.insert(t.path.clone(), (title, to));
            }
            (Some((title, _)), _, _) => {
                state.runbooks.remove(&t.path);
                if !renamed_away.contains(t.path.as_str()) {
                    push(Change::RunbookRemoved {
                        path: t.path.clone(),
                        title,
                    });
                }
            }
            _ => {}
        }
    }
    // Rules: compare what the touched files held before and after. A rule
    // that moved between files in one commit was neither added nor retired.
    let ids: BTreeSet<String> = before.keys().chain(after.keys()).cloned().collect();
    for id in ids {
        let held_before = state.holders.get(&id).copied().unwrap_or(0);
        let (b, a) = (before.get(&id), after.get(&id));
        let held_after = held_before - usize::from(b.is_some()) + usize::from(a.is_some());
        state.holders.insert(id.clone(), held_after);
        match (b, a) {
            (None, Some(a)) if held_before == 0 => {
                history.rules.insert(
                    id.clone(),
                    RuleLife {
                        title: a.title.clone(),
                        added: commit,
                        changed: None,
                        retired: None,
                    },
                );
                push(Change::RuleAdded {
                    id,
                    title: a.title.clone(),
                });
            }
            (Some(b), None) if held_after == 0 => {
                if let Some(life) = history.rules.get_mut(&id) {
                    life.retired = Some(commit);
                }
                push(Change::RuleRetired {
                    id,
                    title: b.title.clone(),
                });
            }
            (Some(b), Some(a)) if b.text != a.text => {
                if let Some(life) = history.rules.get_mut(&id) {
                    life.changed = Some(commit);
                    life.title = a.title.clone();
                }
                push(Change::RuleChanged {
                    id,
                    title: a.title.clone(),
                    before: b.text.clone(),
                    after: a.text.clone(),
                });
            }
            _ => {}
        }
    }
    for dir in tracks {
        push(Change::TrackChanged { dir: dir.clone() });
    }
    Ok(())
}

/// Content files with uncommitted changes (modified, added or untracked),
/// content-relative, with their modification times.
pub(super) fn uncommitted(
    repo: &Repository,
    content_rel: &str,
    content_dir: &Path,
) -> BTreeMap<String, i64> {
    let mut opts = StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    if !content_rel.is_empty() {
        opts.pathspec(content_rel);
    }
    let Ok(statuses) = repo.statuses(Some(&mut opts)) else {
        return BTreeMap::new();
    };
    let changed = Status::WT_NEW
        | Status::WT_MODIFIED
        | Status::WT_RENAMED
        | Status::INDEX_NEW
        | Status::INDEX_MODIFIED
        | Status::INDEX_RENAMED;
    let prefix = if content_rel.is_empty() {
        String::new()
    } else {
        format!("{content_rel}/")
    };
    statuses
        .iter()
        .filter(|s| s.status().intersects(changed))
        .filter_map(|s| {
            let rel = s.path().ok()?.strip_prefix(prefix.as_str())?.to_string();
            let mtime = std::fs::metadata(content_dir.join(&rel))
                .and_then(|m| m.modified())
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs() as i64;
            Some((rel, mtime))
        })
        .collect()
}
