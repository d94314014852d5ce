//! Go highlighting with tree-sitter.

use std::ops::Range;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Parser, QueryCursor};
use tree_sitter_highlight::HighlightConfiguration;

use super::{Category, push_segment};

/// Our Go highlight query (see the file for why it is our own).
const QUERY: &str = include_str!("queries/go.scm");

/// The capture names of `queries/go.scm` and their categories.
const NAMES: &[(&str, Option<Category>)] = &[
    ("comment", Some(Category::Comment)),
    ("constant.builtin", Some(Category::Constant)),
    ("escape", Some(Category::Escape)),
    ("function.builtin", Some(Category::Builtin)),
    ("function", Some(Category::Function)),
    ("keyword", Some(Category::Keyword)),
    ("number", Some(Category::Number)),
    ("operator", Some(Category::Operator)),
    ("string", Some(Category::String)),
    ("type.builtin", Some(Category::Builtin)),
    ("type", Some(Category::Type)),
];

/// The compiled Go highlight query; shared by all threads.
///
/// tree-sitter-highlight compiles and configures the query. Highlighting then
/// runs that query over a tree we parse ourselves, so the same parse also
/// tells `check` whether the example is valid Go: one parse per block instead
/// of two (the build's largest cost is parsing Go).
pub struct GoConfig {
    config: HighlightConfiguration,
    /// Category of each capture index of the query.
    categories: Vec<Option<Category>>,
}

impl GoConfig {
    pub fn new() -> Self {
        let mut config =
            HighlightConfiguration::new(tree_sitter_go::LANGUAGE.into(), "go", QUERY, "", "")
                .expect("the bundled Go highlight query compiles");
        let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
        config.configure(&names);
        let categories = config
            .query
            .capture_names()
            .iter()
            .map(|name| {
                // Exact name, else the longest known prefix (`function.call` -> `function`).
                let mut n: &str = name;
                loop {
                    if let Some((_, c)) = NAMES.iter().find(|(k, _)| *k == n) {
                        return *c;
                    }
                    match n.rsplit_once('.') {
                        Some((head, _)) => n = head,
                        None => return None,
                    }
                }
            })
            .collect();
        Self { config, categories }
    }
}

/// A per-thread Go parser and query cursor.
pub struct GoSession {
    parser: Parser,
    cursor: QueryCursor,
}

/// Top-level node kinds that only a file or declaration list may hold.
const DECL_ONLY: &[&str] = &[
    "function_declaration",
    "method_declaration",
    "import_declaration",
    "package_clause",
];

impl GoSession {
    pub fn new() -> Self {
        Self {
            parser: crate::gocheck::go_parser(),
            cursor: QueryCursor::new(),
        }
    }

    /// Category runs over `code`, and whether this parse already proves the
    /// snippet valid (a file, declarations or statements). `false` means "not
    /// proven": `check` then tries the wrapped forms to locate the error.
    pub fn highlight(
        &mut self,
        cfg: &GoConfig,
        code: &str,
    ) -> (Vec<(Category, Range<usize>)>, bool) {
        let Some(tree) = self.parser.parse(code, None) else {
            return (Vec::new(), false);
        };
        let root = tree.root_node();
        let valid = !root.has_error() && {
            let mut c = root.walk();
            let kinds: Vec<&str> = root.children(&mut c).map(|n| n.kind()).collect();
            let decl_only = kinds.iter().any(|k| DECL_ONLY.contains(k));
            let statements = kinds.iter().any(|k| {
                !DECL_ONLY.contains(k)
                    && !matches!(
                        *k,
                        "type_declaration" | "var_declaration" | "const_declaration" | "comment"
                    )
            });
            !(decl_only && statements)
        };
        // (node length, pattern, start, end, category); painted outer nodes
        // first and, for one node, earlier patterns first, so inner nodes and
        // later patterns win, as in tree-sitter-highlight.
        let mut caps: Vec<(usize, usize, usize, usize, u8)> = Vec::new();
        let mut it = self
            .cursor
            .captures(&cfg.config.query, root, code.as_bytes());
        while let Some((m, i)) = it.next() {
            let cap = m.captures()[*i];
            let (s, e) = (cap.node.start_byte(), cap.node.end_byte());
            let cat = cfg.categories[cap.index as usize].map_or(0, |c| c as u8 + 1);
            caps.push((e - s, m.pattern_index, s, e, cat));
        }
        caps.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut paint = vec![0u8; code.len()];
        for (_, _, s, e, cat) in caps {
            paint[s..e].fill(cat);
        }
        let mut segs = Vec::new();
        let mut start = 0;
        for i in 1..=paint.len() {
            if i == paint.len() || paint[i] != paint[start] {
                if paint[start] != 0 {
                    push_segment(
                        &mut segs,
                        Category::ALL[paint[start] as usize - 1],
                        start..i,
                    );
                }
                start = i;
            }
        }
        (segs, valid)
    }
}
