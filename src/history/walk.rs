//! The one pass over the commits that builds a [`History`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, Sort};

use super::apply::{State, apply};
use super::text;
use super::{Change, Commit, History, Inputs};

/// A file of the content folder changed by one commit.
pub(super) struct Touched {
    pub(super) path: String,
    pub(super) old: Option<Oid>,
    pub(super) new: Option<Oid>,
}

/// A rule as one version of a file has it: its title and a hash of its
/// text (the text itself is read again only for the changes kept).
#[derive(Clone, PartialEq, Eq)]
pub(super) struct RuleSig {
    pub(super) title: String,
    pub(super) hash: [u8; 16],
}

/// Walk every commit reachable from HEAD, oldest first.
///
/// `extra` are files outside the content folder that pages include:
/// (repository-relative path, canonical path); their last commits land in
/// [`History::extra`].
pub(super) fn walk(
    repo: &Repository,
    content_rel: &str,
    extra: &[(String, PathBuf)],
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
    let t0 = std::time::Instant::now();
    // 1. Every commit's changed files, oldest first (trees only), in
    // parallel over runs of consecutive commits (each thread with its own
    // handle on the repository).
    let oids: Vec<Oid> = revwalk.collect::<Result<_, _>>()?;
    let path = repo.path().to_path_buf();
    let extra_rel: Vec<&str> = extra.iter().map(|(r, _)| r.as_str()).collect();
    let stats = std::env::var_os("HANDBOOK_STATS").is_some();
    // The walk runs beside the Markdown rendering, which keeps rayon's
    // global pool busy: jobs queued there would wait behind it, so the walk
    // has threads of its own and the OS shares the cores between the two.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(4)))
        .thread_name(|i| format!("history-{i}"))
        .build()
        .map_err(|e| git2::Error::from_str(&e.to_string()))?;
    let (commits, parsed) = pool.install(|| -> Result<_, git2::Error> {
        let runs: Vec<Vec<Changed>> = {
            use rayon::prelude::*;
            oids.par_chunks(512)
                .map_init(
                    || Repository::open(&path),
                    |r, run| match r {
                        Ok(r) => changes_of(r, run, content_rel, &extra_rel),
                        Err(e) => Err(git2::Error::from_str(&e.to_string())),
                    },
                )
                .collect::<Result<_, _>>()?
        };
        let commits: Vec<Changed> = runs.into_iter().flatten().collect();
        if stats {
            eprintln!("handbook-stats history trees {:.1?}", t0.elapsed());
        }
        // 2. Every version of every Markdown file, parsed in parallel.
        let parsed = parse_all(&path, &commits, inputs)?;
        if stats {
            eprintln!("handbook-stats history parse {:.1?}", t0.elapsed());
        }
        Ok((commits, parsed))
    })?;
    // 3. The commits applied in order.
    let mut state = State::default();
    for (commit, touched, extras) in commits {
        let index = history.commits.len();
        history.commits.push(commit);
        for i in extras {
            history.extra.insert(extra[i].1.clone(), index);
        }
        apply(index, &touched, &parsed, inputs, &mut state, &mut history);
    }
    if stats {
        eprintln!("handbook-stats history apply {:.1?}", t0.elapsed());
    }
    // The texts of the rule changes kept, for their word diffs.
    let mut events = Vec::with_capacity(state.events.len());
    for (mut event, blobs) in state.events.into_iter().rev() {
        if let (
            Change::RuleChanged {
                id, before, after, ..
            },
            Some((old, new)),
        ) = (&mut event.change, blobs)
        {
            let text_of = |blob: Oid| -> Result<String, git2::Error> {
                let t = read_blob(repo, blob)?;
                Ok(text::rules(&t, inputs.rule_pattern)
                    .remove(id.as_str())
                    .map(|r| r.text)
                    .unwrap_or_default())
            };
            *before = text_of(old)?;
            *after = text_of(new)?;
        }
        events.push(event);
    }
    history.events = events;
    Ok(history)
}

/// What history needs of one version of a Markdown file.
pub(super) struct Parsed {
    pub(super) rules: BTreeMap<String, RuleSig>,
    /// `last-reviewed`, for runbooks.
    pub(super) reviewed: Option<String>,
    /// The title, for runbooks.
    pub(super) title: Option<String>,
}

fn parse(
    repo: &Repository,
    id: Oid,
    path: &str,
    inputs: &Inputs<'_>,
) -> Result<Parsed, git2::Error> {
    let text = read_blob(repo, id)?;
    let reviewed = text::front_value(&text, "last-reviewed");
    let rules = text::rules(&text, inputs.rule_pattern)
        .into_iter()
        .map(|(id, r)| {
            let mut hash = [0u8; 16];
            hash.copy_from_slice(&blake3::hash(r.text.as_bytes()).as_bytes()[..16]);
            (
                id,
                RuleSig {
                    title: r.title,
                    hash,
                },
            )
        })
        .collect();
    Ok(Parsed {
        rules,
        title: reviewed.as_ref().map(|_| text::title(&text, path)),
        reviewed,
    })
}

/// Parse every version of every Markdown file the commits touched, newest
/// first: a pack stores the newest version whole and older ones as deltas
/// against newer ones, so this order keeps the delta bases in libgit2's
/// cache. Each thread has its own handle on the repository.
fn parse_all(
    repo_path: &Path,
    commits: &[Changed],
    inputs: &Inputs<'_>,
) -> Result<HashMap<Oid, Parsed>, git2::Error> {
    use rayon::prelude::*;
    let mut seen = std::collections::HashSet::new();
    let wanted: Vec<(Oid, &str)> = commits
        .iter()
        .rev()
        .flat_map(|(_, touched, _)| touched.iter())
        .filter(|t| t.path.ends_with(".md"))
        .filter_map(|t| t.new.map(|id| (id, t.path.as_str())))
        .filter(|(id, _)| seen.insert(*id))
        .collect();
    wanted
        .par_iter()
        .with_min_len(256)
        .map_init(
            || Repository::open(repo_path),
            |r, &(id, p)| match r {
                Ok(r) => parse(r, id, p, inputs).map(|x| (id, x)),
                Err(e) => Err(git2::Error::from_str(&e.to_string())),
            },
        )
        .collect()
}

/// A commit that changed content files (or included files outside the
/// content folder: indexes into the `extra` paths).
type Changed = (Commit, Vec<Touched>, Vec<usize>);

/// The id of the object at `rel` in `tree` (None when there is none).
fn id_at(
    tree: &git2::Tree<'_>,
    rel: &str,
) -> Result<Option<(Oid, Option<ObjectType>)>, git2::Error> {
    if rel.is_empty() {
        return Ok(Some((tree.id(), Some(ObjectType::Tree))));
    }
    match tree.get_path(Path::new(rel)) {
        Ok(e) => Ok(Some((e.id(), e.kind()))),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// What `changes_of` compares between a commit and its parent: the content
/// folder's tree id and the ids of the extra files.
#[derive(PartialEq, Eq, Clone)]
struct Snapshot {
    content: Option<Oid>,
    extra: Vec<Option<Oid>>,
}

impl Snapshot {
    fn of(
        commit: &git2::Commit<'_>,
        content_rel: &str,
        extra: &[&str],
    ) -> Result<Self, git2::Error> {
        let tree = commit.tree()?;
        let content = id_at(&tree, content_rel)?
            .filter(|(_, kind)| *kind == Some(ObjectType::Tree))
            .map(|(id, _)| id);
        let extra = extra
            .iter()
            .map(|p| Ok(id_at(&tree, p)?.map(|(id, _)| id)))
            .collect::<Result<_, git2::Error>>()?;
        Ok(Snapshot { content, extra })
    }

    fn empty(extra: usize) -> Self {
        Snapshot {
            content: None,
            extra: vec![None; extra],
        }
    }
}

/// The content files each of `run`'s commits changed (commits that changed
/// none, and merges, left out).
fn changes_of(
    repo: &Repository,
    run: &[Oid],
    content_rel: &str,
    extra: &[&str],
) -> Result<Vec<Changed>, git2::Error> {
    let mut out = Vec::new();
    let mut trees = Trees::default();
    // The previous commit and what it held: usually the next one's parent.
    let mut last: Option<(Oid, Snapshot)> = None;
    for &oid in run {
        let commit = repo.find_commit(oid)?;
        // A merge's changes are its branch's commits, already walked.
        if commit.parent_count() > 1 {
            continue;
        }
        let new = Snapshot::of(&commit, content_rel, extra)?;
        let old = match (commit.parent_id(0), last.take()) {
            (Ok(p), Some((id, snap))) if p == id => snap,
            (Ok(_), _) => Snapshot::of(&commit.parent(0)?, content_rel, extra)?,
            (Err(_), _) => Snapshot::empty(extra.len()),
        };
        last = Some((commit.id(), new.clone()));
        if old == new {
            continue;
        }
        let mut touched = Vec::new();
        if old.content != new.content {
            trees.next_commit();
            diff_trees(repo, &mut trees, old.content, new.content, "", &mut touched)?;
        }
        let extras: Vec<usize> = (0..extra.len())
            .filter(|&i| old.extra[i] != new.extra[i])
            .collect();
        if touched.is_empty() && extras.is_empty() {
            continue;
        }
        out.push((
            Commit {
                id: commit.id().to_string(),
                time: commit.author().when().seconds(),
                author: commit.author().name().unwrap_or("unknown").to_string(),
                summary: commit.summary().ok().flatten().unwrap_or("").to_string(),
            },
            touched,
            extras,
        ));
    }
    Ok(out)
}

/// A tree's entries that are content (files and folders), sorted by name:
/// (name, id, is a folder).
type Entries = std::rc::Rc<Vec<(Box<str>, Oid, bool)>>;

/// Trees read for the previous commit's new side: in a linear history they
/// are the next commit's old side, so each tree is read once.
#[derive(Default)]
struct Trees {
    prev: HashMap<Oid, Entries>,
    cur: HashMap<Oid, Entries>,
}

impl Trees {
    fn get(&mut self, repo: &Repository, id: Oid, new_side: bool) -> Result<Entries, git2::Error> {
        let found = self.cur.get(&id).or_else(|| self.prev.get(&id)).cloned();
        let entries = match found {
            Some(e) => e,
            None => {
                let tree = repo.find_tree(id)?;
                let mut v: Vec<(Box<str>, Oid, bool)> = tree
                    .iter()
                    .filter_map(|e| {
                        let is_tree = match e.kind() {
                            Some(ObjectType::Tree) => true,
                            Some(ObjectType::Blob) => false,
                            // Submodules and anything else are not content.
                            _ => return None,
                        };
                        Some((
                            String::from_utf8_lossy(e.name_bytes()).into(),
                            e.id(),
                            is_tree,
                        ))
                    })
                    .collect();
                v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                std::rc::Rc::new(v)
            }
        };
        if new_side {
            self.cur.insert(id, entries.clone());
        }
        Ok(entries)
    }

    /// Move on to the next commit.
    fn next_commit(&mut self) {
        self.prev = std::mem::take(&mut self.cur);
    }
}

/// Files that differ between two trees, opening only subtrees whose ids
/// differ (most of a large site is untouched by any one commit).
fn diff_trees(
    repo: &Repository,
    trees: &mut Trees,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    out: &mut Vec<Touched>,
) -> Result<(), git2::Error> {
    if old == new {
        return Ok(());
    }
    let empty: Entries = std::rc::Rc::default();
    let o = match old {
        Some(id) => trees.get(repo, id, false)?,
        None => empty.clone(),
    };
    let n = match new {
        Some(id) => trees.get(repo, id, true)?,
        None => empty,
    };
    // Walk both sorted lists together.
    type Side = Option<(Oid, bool)>;
    let (mut i, mut j) = (0, 0);
    while i < o.len() || j < n.len() {
        let order = match (o.get(i), n.get(j)) {
            (Some(a), Some(b)) => a.0.cmp(&b.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (name, a, b): (&str, Side, Side) = match order {
            std::cmp::Ordering::Less => {
                i += 1;
                (&o[i - 1].0, Some((o[i - 1].1, o[i - 1].2)), None)
            }
            std::cmp::Ordering::Greater => {
                j += 1;
                (&n[j - 1].0, None, Some((n[j - 1].1, n[j - 1].2)))
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
                (
                    &o[i - 1].0,
                    Some((o[i - 1].1, o[i - 1].2)),
                    Some((n[j - 1].1, n[j - 1].2)),
                )
            }
        };
        if a.map(|x| x.0) == b.map(|x| x.0) {
            continue;
        }
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let tree = |s: Side| s.filter(|x| x.1).map(|x| x.0);
        let blob = |s: Side| s.filter(|x| !x.1).map(|x| x.0);
        if tree(a).is_some() || tree(b).is_some() {
            diff_trees(repo, trees, tree(a), tree(b), &path, out)?;
        }
        if blob(a).is_some() || blob(b).is_some() {
            out.push(Touched {
                path,
                old: blob(a),
                new: blob(b),
            });
        }
    }
    Ok(())
}

fn read_blob(repo: &Repository, id: Oid) -> Result<String, git2::Error> {
    Ok(String::from_utf8_lossy(repo.find_blob(id)?.content()).into_owned())
}
