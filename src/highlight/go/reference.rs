//! The specification the Go highlighter is measured against: `queries/go.scm`
//! run by tree-sitter's query engine over tree-sitter-go's tree. Used by the
//! agreement tests and by `handbook-bench`; never by a build.

use std::ops::Range;

use tree_sitter::{Query, QueryCursor, StreamingIterator};

use crate::highlight::{Category, push_segment};

/// The compiled query and the category of each of its captures.
pub struct Reference {
    query: Query,
    cats: Vec<Category>,
    parser: tree_sitter::Parser,
}

impl Default for Reference {
    fn default() -> Self {
        Self::new()
    }
}

impl Reference {
    /// Compile `queries/go.scm`.
    pub fn new() -> Self {
        let query = Query::new(
            &tree_sitter_go::LANGUAGE.into(),
            include_str!("../queries/go.scm"),
        )
        .expect("queries/go.scm compiles");
        let names: &[(&str, Category)] = &[
            ("comment", Category::Comment),
            ("constant.builtin", Category::Constant),
            ("escape", Category::Escape),
            ("function.builtin", Category::Builtin),
            ("function", Category::Function),
            ("keyword", Category::Keyword),
            ("number", Category::Number),
            ("operator", Category::Operator),
            ("string", Category::String),
            ("type.builtin", Category::Builtin),
            ("type", Category::Type),
        ];
        let cats = query
            .capture_names()
            .iter()
            .map(|n| names.iter().find(|(k, _)| k == n).expect("known capture").1)
            .collect();
        Self {
            query,
            cats,
            parser: super::parser(),
        }
    }

    /// The query's colours over `code`, as runs. Outer nodes are painted
    /// first and, for one node, earlier patterns first, so inner nodes and
    /// later patterns win (as tree-sitter-highlight resolves them).
    pub fn paint(&mut self, code: &str) -> Vec<(Category, Range<usize>)> {
        let Some(tree) = self.parser.parse(code, None) else {
            return Vec::new();
        };
        let mut caps = Vec::new();
        let mut cursor = QueryCursor::new();
        let mut it = cursor.captures(&self.query, tree.root_node(), code.as_bytes());
        while let Some((m, i)) = it.next() {
            let cap = m.captures()[*i];
            let (s, e) = (cap.node.start_byte(), cap.node.end_byte());
            caps.push((e - s, m.pattern_index, s, e, self.cats[cap.index as usize]));
        }
        caps.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut paint: Vec<Option<Category>> = vec![None; code.len()];
        for (_, _, s, e, cat) in caps {
            paint[s..e].fill(Some(cat));
        }
        runs(&paint)
    }
}

/// Runs of equal categories over a per-byte painting.
fn runs(paint: &[Option<Category>]) -> Vec<(Category, Range<usize>)> {
    let mut segs = Vec::new();
    let mut start = 0;
    for i in 1..=paint.len() {
        if i == paint.len() || paint[i] != paint[start] {
            if let Some(cat) = paint[start] {
                push_segment(&mut segs, cat, start..i);
            }
            start = i;
        }
    }
    segs
}

/// Per-byte categories of `len` bytes from runs.
pub fn per_byte(segs: &[(Category, Range<usize>)], len: usize) -> Vec<Option<Category>> {
    let mut out = vec![None; len];
    for (cat, r) in segs {
        out[r.start.min(len)..r.end.min(len)].fill(Some(*cat));
    }
    out
}

/// How two paintings of the same bytes agree.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    /// Bytes that either side colours.
    pub either: u64,
    /// Of those, bytes both give the same category.
    pub same: u64,
}

impl Agreement {
    /// Compare two paintings of `len` bytes.
    pub fn of(a: &[(Category, Range<usize>)], b: &[(Category, Range<usize>)], len: usize) -> Self {
        let (a, b) = (per_byte(a, len), per_byte(b, len));
        let mut out = Self::default();
        for (x, y) in a.iter().zip(&b) {
            if x.is_some() || y.is_some() {
                out.either += 1;
                out.same += u64::from(x == y);
            }
        }
        out
    }

    /// Add another comparison's counts.
    pub fn add(&mut self, other: Self) {
        self.either += other.either;
        self.same += other.same;
    }

    /// The share of coloured bytes both agree on (1.0 when none is coloured).
    pub fn ratio(&self) -> f64 {
        if self.either == 0 {
            1.0
        } else {
            self.same as f64 / self.either as f64
        }
    }
}
