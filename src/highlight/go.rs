//! Go highlighting with tree-sitter.

use std::ops::Range;

use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent};

use super::{Category, push_segment};

/// Our own patterns, placed after the grammar's. In tree-sitter-highlight the
/// last pattern that matches a node wins, and the grammar's query ends with a
/// catch-all `(identifier) @variable`; restating declarations and calls here
/// gives function names their colour back, and predeclared identifiers
/// (`any`, `comparable`, `len`) the builtin colour.
const OUR_QUERY: &str = r#"
(function_declaration name: (identifier) @function)
(method_declaration name: (field_identifier) @function.method)
(call_expression function: (identifier) @function)
(call_expression function: (selector_expression field: (field_identifier) @function.method))
(call_expression
  function: (identifier) @function.builtin
  (#match? @function.builtin "^(append|cap|clear|close|complex|copy|delete|imag|len|make|max|min|new|panic|print|println|real|recover)$"))

((type_identifier) @type.builtin
  (#match? @type.builtin "^(any|bool|byte|comparable|complex64|complex128|error|float32|float64|int|int8|int16|int32|int64|rune|string|uint|uint8|uint16|uint32|uint64|uintptr)$"))
"#;

/// Capture names we ask tree-sitter for, and their categories (None: no span).
const NAMES: &[(&str, Option<Category>)] = &[
    ("comment", Some(Category::Comment)),
    ("constant.builtin", Some(Category::Constant)),
    ("escape", Some(Category::Escape)),
    ("function.builtin", Some(Category::Builtin)),
    ("function.method", Some(Category::Function)),
    ("function", Some(Category::Function)),
    ("keyword", Some(Category::Keyword)),
    ("number", Some(Category::Number)),
    ("operator", Some(Category::Operator)),
    ("string", Some(Category::String)),
    ("type.builtin", Some(Category::Builtin)),
    ("type", Some(Category::Type)),
    // Recognised so they do not fall back to a parent name, but left unstyled
    // to keep the HTML small.
    ("property", None),
    ("variable", None),
];

/// The compiled Go highlight query; shared by all threads.
pub struct GoConfig {
    config: HighlightConfiguration,
}

impl GoConfig {
    pub fn new() -> Self {
        let query = format!("{}\n{OUR_QUERY}", tree_sitter_go::HIGHLIGHTS_QUERY);
        let mut config =
            HighlightConfiguration::new(tree_sitter_go::LANGUAGE.into(), "go", &query, "", "")
                .expect("the bundled Go highlight query compiles");
        let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
        config.configure(&names);
        Self { config }
    }
}

/// A per-thread tree-sitter highlighter.
pub struct GoSession {
    inner: tree_sitter_highlight::Highlighter,
}

impl GoSession {
    pub fn new() -> Self {
        Self {
            inner: tree_sitter_highlight::Highlighter::new(),
        }
    }

    /// Category runs over `code`; on a parser failure the code stays plain.
    pub fn highlight(&mut self, cfg: &GoConfig, code: &str) -> Vec<(Category, Range<usize>)> {
        let mut segs = Vec::new();
        let Ok(events) = self
            .inner
            .highlight(&cfg.config, code.as_bytes(), None, None, |_| None)
        else {
            return segs;
        };
        let mut stack: Vec<Option<Category>> = Vec::new();
        for event in events {
            match event {
                Ok(HighlightEvent::HighlightStart(h)) => {
                    stack.push(NAMES.get(h.0).and_then(|(_, c)| *c))
                }
                Ok(HighlightEvent::HighlightEnd) => {
                    stack.pop();
                }
                Ok(HighlightEvent::Source { start, end }) => {
                    if let Some(Some(cat)) = stack.last() {
                        push_segment(&mut segs, *cat, start..end);
                    }
                }
                Err(_) => return Vec::new(),
            }
        }
        segs
    }
}
