//! Go highlighting with tree-sitter.
//!
//! One parse per block gives both the highlighting and (for `check`) whether
//! the block is valid Go. Highlighting walks that tree with a cursor and
//! classifies each node from tables indexed by node kind, built once from the
//! grammar. `queries/go.scm` is the specification of what gets which colour;
//! a test runs that query with tree-sitter's query engine over every Go block
//! of the bundled handbook and asserts the walk paints the same bytes. The
//! walk replaced running the query at build time: the query cursor was 18%
//! of a cold build's CPU, the walk is under 2% (see the README's figures).

use std::ops::Range;

/// A new tree-sitter parser for Go.
pub fn parser() -> tree_sitter::Parser {
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_go::LANGUAGE.into())
        .expect("tree-sitter-go matches the tree-sitter version");
    p
}

use tree_sitter::{Language, Node, Parser, TreeCursor};

use super::{Category, push_segment};

/// Predeclared functions (`len(x)` is a builtin call, `f(x)` a function call).
const BUILTIN_FUNCS: &[&str] = &[
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover",
];

/// Predeclared types and type constraints.
const BUILTIN_TYPES: &[&str] = &[
    "any",
    "bool",
    "byte",
    "comparable",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
];

/// Anonymous tokens coloured as keywords.
const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Anonymous tokens coloured as operators.
const OPERATORS: &[&str] = &[
    "--", "-", "-=", ":=", "!", "!=", "...", "*", "*=", "/", "/=", "&", "&&", "&=", "&^", "&^=",
    "%", "%=", "^", "^=", "+", "++", "+=", "<-", "<", "<<", "<<=", "<=", "=", "==", ">", ">=",
    ">>", ">>=", "|", "|=", "||", "~",
];

/// Named leaf kinds and their colour.
const NAMED: &[(&str, Category)] = &[
    ("comment", Category::Comment),
    ("int_literal", Category::Number),
    ("float_literal", Category::Number),
    ("imaginary_literal", Category::Number),
    ("true", Category::Constant),
    ("false", Category::Constant),
    ("nil", Category::Constant),
    ("iota", Category::Constant),
];

/// What the walk does with a node of some kind.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Not coloured itself; its children may be.
    Descend,
    /// Coloured as a whole, children included.
    Leaf(Category),
    /// A string literal: `String`, with its escape sequences as `Escape`.
    Str,
    /// An identifier: a function name in declarations and calls.
    Ident,
    /// A field identifier: a method name in declarations and calls.
    FieldIdent,
    /// A type identifier: `Builtin` for predeclared types, else `Type`.
    TypeIdent,
}

/// Node kind and field ids the walk compares against.
struct Ids {
    call_expression: u16,
    selector_expression: u16,
    function_declaration: u16,
    method_declaration: u16,
    escape_sequence: u16,
    field_name: u16,
    field_function: u16,
    field_field: u16,
}

/// Classification tables for tree-sitter-go; built once, shared by threads.
pub struct GoConfig {
    class: Vec<Class>,
    ids: Ids,
}

impl Default for GoConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl GoConfig {
    /// The Go grammar and its kind tables, built once per highlighter.
    pub fn new() -> Self {
        let lang: Language = tree_sitter_go::LANGUAGE.into();
        // Every symbol id, not `id_for_node_kind`: a name can have several ids.
        let class = (0..lang.node_kind_count() as u16)
            .map(|id| {
                let name = lang.node_kind_for_id(id).unwrap_or("");
                if !lang.node_kind_is_named(id) {
                    return if KEYWORDS.contains(&name) {
                        Class::Leaf(Category::Keyword)
                    } else if OPERATORS.contains(&name) {
                        Class::Leaf(Category::Operator)
                    } else {
                        Class::Descend
                    };
                }
                match name {
                    "interpreted_string_literal" | "raw_string_literal" | "rune_literal" => {
                        Class::Str
                    }
                    "identifier" => Class::Ident,
                    "field_identifier" => Class::FieldIdent,
                    "type_identifier" => Class::TypeIdent,
                    _ => NAMED
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map_or(Class::Descend, |&(_, c)| Class::Leaf(c)),
                }
            })
            .collect();
        let kind = |name: &str| lang.id_for_node_kind(name, true);
        let field = |name: &str| lang.field_id_for_name(name).map_or(0, |f| f.get());
        let ids = Ids {
            call_expression: kind("call_expression"),
            selector_expression: kind("selector_expression"),
            function_declaration: kind("function_declaration"),
            method_declaration: kind("method_declaration"),
            escape_sequence: kind("escape_sequence"),
            field_name: field("name"),
            field_function: field("function"),
            field_field: field("field"),
        };
        Self { class, ids }
    }

    /// The category of the node under `cursor`, given its ancestors'
    /// (kind, field) pairs, innermost last.
    fn identifier(
        &self,
        class: Class,
        cursor: &TreeCursor,
        node: Node,
        up: &[(u16, u16)],
        code: &str,
    ) -> Option<Category> {
        let ids = &self.ids;
        let text = || &code[node.byte_range()];
        if class == Class::TypeIdent {
            return Some(if BUILTIN_TYPES.contains(&text()) {
                Category::Builtin
            } else {
                Category::Type
            });
        }
        let parent = up.last().map_or(0, |p| p.0);
        // Only identifiers directly under these nodes can be function names.
        if parent != ids.function_declaration
            && parent != ids.call_expression
            && parent != ids.method_declaration
            && parent != ids.selector_expression
        {
            return None;
        }
        let field = cursor.field_id().map_or(0, |f| f.get());
        match class {
            Class::Ident if field == ids.field_name && parent == ids.function_declaration => {
                Some(Category::Function)
            }
            Class::Ident if field == ids.field_function && parent == ids.call_expression => {
                Some(if BUILTIN_FUNCS.contains(&text()) {
                    Category::Builtin
                } else {
                    Category::Function
                })
            }
            Class::FieldIdent if field == ids.field_name && parent == ids.method_declaration => {
                Some(Category::Function)
            }
            Class::FieldIdent
                if field == ids.field_field
                    && up.len() >= 2
                    && up[up.len() - 1] == (ids.selector_expression, ids.field_function)
                    && up[up.len() - 2].0 == ids.call_expression =>
            {
                Some(Category::Function)
            }
            _ => None,
        }
    }
}

/// A per-thread Go parser.
pub struct GoSession {
    parser: Parser,
    /// (kind, field) of the walk's current ancestors; reused between blocks.
    up: Vec<(u16, u16)>,
}

/// Top-level node kinds that only a file or declaration list may hold.
const DECL_ONLY: &[&str] = &[
    "function_declaration",
    "method_declaration",
    "import_declaration",
    "package_clause",
];

impl Default for GoSession {
    fn default() -> Self {
        Self::new()
    }
}

impl GoSession {
    /// A per-thread parser.
    pub fn new() -> Self {
        Self {
            parser: parser(),
            up: Vec::new(),
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
        let mut segs = Vec::new();
        let up = &mut self.up;
        up.clear();
        let mut cursor = root.walk();
        'walk: loop {
            let node = cursor.node();
            let class = cfg
                .class
                .get(node.kind_id() as usize)
                .copied()
                .unwrap_or(Class::Descend);
            let descend = match class {
                Class::Descend => true,
                Class::Leaf(cat) => {
                    push_segment(&mut segs, cat, node.byte_range());
                    false
                }
                Class::Str => {
                    string_segments(&mut segs, node, cfg.ids.escape_sequence);
                    false
                }
                Class::Ident | Class::FieldIdent | Class::TypeIdent => {
                    if let Some(cat) = cfg.identifier(class, &cursor, node, up, code) {
                        push_segment(&mut segs, cat, node.byte_range());
                    }
                    false
                }
            };
            if descend {
                // Only a selector's field matters (`f.Close()` is a call);
                // looking fields up is a noticeable part of the walk.
                let kind = node.kind_id();
                let field = if kind == cfg.ids.selector_expression {
                    cursor.field_id().map_or(0, |f| f.get())
                } else {
                    0
                };
                let entry = (kind, field);
                if cursor.goto_first_child() {
                    up.push(entry);
                    continue;
                }
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
                up.pop();
            }
        }
        (segs, valid)
    }
}

/// A string literal's runs: `String`, with escape sequences as `Escape`.
fn string_segments(segs: &mut Vec<(Category, Range<usize>)>, node: Node, escape: u16) {
    let mut at = node.start_byte();
    let mut c = node.walk();
    for child in node.children(&mut c) {
        if child.kind_id() == escape {
            push_segment(segs, Category::String, at..child.start_byte());
            push_segment(segs, Category::Escape, child.byte_range());
            at = child.end_byte();
        }
    }
    push_segment(segs, Category::String, at..node.end_byte());
}

#[cfg(test)]
mod tests {
    use super::*;
    use streaming_iterator::StreamingIterator;
    use tree_sitter::QueryCursor;
    use tree_sitter_highlight::HighlightConfiguration;

    /// The specification: `queries/go.scm` run by tree-sitter's query engine.
    /// Outer nodes are painted first and, for one node, earlier patterns
    /// first, so inner nodes and later patterns win.
    fn by_query(cfg: &HighlightConfiguration, code: &str) -> Vec<(Category, Range<usize>)> {
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
        let cats: Vec<Category> = cfg
            .query
            .capture_names()
            .iter()
            .map(|n| names.iter().find(|(k, _)| k == n).expect("known capture").1)
            .collect();
        let tree = parser().parse(code, None).unwrap();
        let mut caps = Vec::new();
        let mut cursor = QueryCursor::new();
        let mut it = cursor.captures(&cfg.query, tree.root_node(), code.as_bytes());
        while let Some((m, i)) = it.next() {
            let cap = m.captures()[*i];
            let (s, e) = (cap.node.start_byte(), cap.node.end_byte());
            caps.push((
                e - s,
                m.pattern_index,
                s,
                e,
                cats[cap.index as usize] as u8 + 1,
            ));
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
        segs
    }

    /// Every Go block of the bundled handbook, plus edge cases.
    fn samples() -> Vec<String> {
        use pulldown_cmark::{CodeBlockKind, Event, Parser as Md, Tag, TagEnd};
        let mut out = vec![
            "x := \"a\\tb\\u00e9\" + `raw\\n` + string('\\n')\n".to_string(),
            "func Map[T, U any](s []T, f func(T) U) []U { return nil }\n".to_string(),
            "type Number interface { ~int | ~float64; comparable }\n".to_string(),
            "v := len(xs) + cap(make([]int, 3)); s.mu.Lock(); defer wg.Done()\n".to_string(),
            "func (s *Server) Close() error { return s.ln.Close() }\n".to_string(),
            "if err != nil { return fmt.Errorf(\"x: %w\", err\n".to_string(),
            "package main\n\nfunc main() {\n\tgo func() { ch <- 1 }()\n\tselect {}\n}\n"
                .to_string(),
            "const ( A = iota; B ); var f = 1.5e3 + 2i + 0x1F; x := true && !false || p == nil\n"
                .to_string(),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        for e in walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.path().extension().is_none_or(|x| x != "md") {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            let mut code: Option<String> = None;
            for ev in Md::new(&text) {
                match ev {
                    Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                        if info.split_whitespace().next() == Some("go") =>
                    {
                        code = Some(String::new())
                    }
                    Event::Text(t) => {
                        if let Some(c) = &mut code {
                            c.push_str(&t)
                        }
                    }
                    Event::End(TagEnd::CodeBlock) => out.extend(code.take()),
                    _ => {}
                }
            }
        }
        out
    }

    #[test]
    fn walk_paints_what_the_query_specifies() {
        let spec = HighlightConfiguration::new(
            tree_sitter_go::LANGUAGE.into(),
            "go",
            include_str!("queries/go.scm"),
            "",
            "",
        )
        .expect("the Go highlight query compiles");
        let cfg = GoConfig::new();
        let mut session = GoSession::new();
        let samples = samples();
        assert!(
            samples.len() > 100,
            "bundled Go blocks found: {}",
            samples.len()
        );
        for code in &samples {
            let (walked, _) = session.highlight(&cfg, code);
            assert_eq!(walked, by_query(&spec, code), "in:\n{code}");
        }
    }
}
