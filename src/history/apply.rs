//! Applying one commit's changes to what the walk knows: files' last
//! commits, rules added, changed and retired, runbooks added, reviewed and
//! removed, tracks changed.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use git2::Oid;

use super::walk::{Parsed, RuleSig, Touched};
use super::{Change, Event, History, Inputs, MAX_EVENTS, RuleLife};

/// Rules of one version of a file, and that version's blob.
type FileRules = (Oid, BTreeMap<String, RuleSig>);

/// What the walk remembers about the content as of the commit it is at.
#[derive(Default)]
pub(super) struct State {
    /// Rules per Markdown file.
    file_rules: HashMap<String, FileRules>,
    /// Rule id -> how many files define it.
    holders: HashMap<String, usize>,
    /// Runbook path -> (title, last-reviewed).
    runbooks: HashMap<String, (String, String)>,
    /// Newest events, oldest first; a changed rule carries the blobs of its
    /// two versions until its texts are filled in.
    pub(super) events: VecDeque<(Event, Option<(Oid, Oid)>)>,
}

impl State {
    /// Keep `change`, dropping the oldest event past [`MAX_EVENTS`].
    fn push(&mut self, commit: usize, change: Change, blobs: Option<(Oid, Oid)>) {
        self.events.push_back((Event { commit, change }, blobs));
        if self.events.len() > MAX_EVENTS {
            self.events.pop_front();
        }
    }
}

/// Rule id -> (its version, the blob it is in).
type RuleVersions = BTreeMap<String, (RuleSig, Oid)>;

/// Record what one commit changed.
pub(super) fn apply(
    commit: usize,
    touched: &[Touched],
    parsed: &HashMap<Oid, Parsed>,
    inputs: &Inputs<'_>,
    state: &mut State,
    history: &mut History,
) {
    let renames = Renames::of(touched);
    // The rules of the touched files, before and after.
    let mut before = RuleVersions::new();
    let mut after = RuleVersions::new();
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
        if let Some((blob, old_rules)) = state.file_rules.remove(&t.path) {
            before.extend(old_rules.into_iter().map(|(k, v)| (k, (v, blob))));
        }
        let new = t.new.and_then(|id| parsed.get(&id).map(|p| (id, p)));
        if let Some((blob, p)) = new
            && !p.rules.is_empty()
        {
            after.extend(p.rules.iter().map(|(k, v)| (k.clone(), (v.clone(), blob))));
            state
                .file_rules
                .insert(t.path.clone(), (blob, p.rules.clone()));
        }
        runbook_change(commit, t, new.map(|(_, p)| p), &renames, state);
    }
    rule_changes(commit, &before, &after, state, history);
    for dir in tracks {
        state.push(commit, Change::TrackChanged { dir: dir.clone() }, None);
    }
}

/// Files a commit renamed: a file deleted whose bytes reappear at another path.
struct Renames<'a> {
    /// New path -> old path.
    from: HashMap<&'a str, &'a str>,
    /// Old paths.
    away: BTreeSet<&'a str>,
}

impl<'a> Renames<'a> {
    fn of(touched: &'a [Touched]) -> Self {
        let deleted: HashMap<Oid, &str> = touched
            .iter()
            .filter(|t| t.new.is_none())
            .filter_map(|t| t.old.map(|o| (o, t.path.as_str())))
            .collect();
        let mut from: HashMap<&str, &str> = HashMap::new();
        for t in touched.iter().filter(|t| t.old.is_none()) {
            if let Some(old) = t.new.and_then(|n| deleted.get(&n)) {
                from.insert(t.path.as_str(), old);
            }
        }
        let away = from.values().copied().collect();
        Self { from, away }
    }
}

/// Runbooks (pages with a `last-reviewed` date): added, reviewed, removed.
fn runbook_change(
    commit: usize,
    t: &Touched,
    new: Option<&Parsed>,
    renames: &Renames<'_>,
    state: &mut State,
) {
    let reviewed = new.and_then(|p| p.reviewed.clone());
    let title = new.and_then(|p| p.title.clone());
    let previous = match renames.from.get(t.path.as_str()) {
        Some(from) => state.runbooks.remove(*from),
        None => state.runbooks.get(&t.path).cloned(),
    };
    let path = t.path.clone();
    match (previous, reviewed, title) {
        (None, Some(to), Some(title)) => {
            let change = Change::RunbookAdded {
                path: path.clone(),
                title: title.clone(),
            };
            state.push(commit, change, None);
            state.runbooks.insert(path, (title, to));
        }
        (Some((_, from)), Some(to), Some(title)) => {
            if from != to {
                let change = Change::RunbookReviewed {
                    path: path.clone(),
                    title: title.clone(),
                    from,
                    to: to.clone(),
                };
                state.push(commit, change, None);
            }
            state.runbooks.insert(path, (title, to));
        }
        (Some((title, _)), _, _) => {
            state.runbooks.remove(&path);
            if !renames.away.contains(path.as_str()) {
                state.push(commit, Change::RunbookRemoved { path, title }, None);
            }
        }
        _ => {}
    }
}

/// Rules: compare what the touched files held before and after. A rule that
/// moved between files in one commit was neither added nor retired.
fn rule_changes(
    commit: usize,
    before: &RuleVersions,
    after: &RuleVersions,
    state: &mut State,
    history: &mut History,
) {
    let ids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for id in ids {
        let held_before = state.holders.get(id).copied().unwrap_or(0);
        let (b, a) = (before.get(id), after.get(id));
        let held_after = held_before - usize::from(b.is_some()) + usize::from(a.is_some());
        state.holders.insert(id.clone(), held_after);
        let id = id.clone();
        match (b, a) {
            (None, Some((a, _))) if held_before == 0 => {
                let life = RuleLife {
                    title: a.title.clone(),
                    added: commit,
                    changed: None,
                    retired: None,
                };
                history.rules.insert(id.clone(), life);
                let title = a.title.clone();
                state.push(commit, Change::RuleAdded { id, title }, None);
            }
            (Some((b, _)), None) if held_after == 0 => {
                if let Some(life) = history.rules.get_mut(&id) {
                    life.retired = Some(commit);
                }
                let title = b.title.clone();
                state.push(commit, Change::RuleRetired { id, title }, None);
            }
            (Some((b, old)), Some((a, new))) if b.hash != a.hash => {
                if let Some(life) = history.rules.get_mut(&id) {
                    life.changed = Some(commit);
                    life.title = a.title.clone();
                }
                // The texts are filled in at the end, for the changes kept.
                let change = Change::RuleChanged {
                    id,
                    title: a.title.clone(),
                    before: String::new(),
                    after: String::new(),
                };
                state.push(commit, change, Some((*old, *new)));
            }
            _ => {}
        }
    }
}
