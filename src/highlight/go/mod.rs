//! Go highlighting from a lexer plus context, not from a syntax tree.
//!
//! `lex` scans Go's lexical grammar (and finds lexical problems: unterminated
//! literals and comments, invalid characters, unbalanced brackets);
//! `classify` looks at the tokens around each identifier to tell function
//! names and types. `queries/go.scm`, run by tree-sitter over tree-sitter-go's
//! tree (`reference`), stays the specification of what gets which colour:
//! tests compare the two on every Go block of the bundled handbook and on the
//! Go standard library. tree-sitter itself is no longer on the build's path
//! (it was 45% of a cold build's CPU); it judges syntax where that is asked
//! for (`check`, `test`, the page `serve` updates), through [`parser`].

mod classify;
pub mod lex;
pub mod reference;

use std::ops::Range;

use super::{Category, push_segment};
use lex::Kind;

pub use lex::Problem;

/// A new tree-sitter parser for Go (syntax verdicts, and the reference).
pub fn parser() -> tree_sitter::Parser {
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_go::LANGUAGE.into())
        .expect("tree-sitter-go matches the tree-sitter version");
    p
}

/// Category runs over `code`, and its first lexical problem.
pub fn highlight(code: &str) -> (Vec<(Category, Range<usize>)>, Option<Problem>) {
    let lexed = lex::lex(code);
    let idents = classify::identifiers(code, &lexed.tokens);
    let mut segs = Vec::with_capacity(lexed.tokens.len() / 2);
    for (t, ident) in lexed.tokens.iter().zip(idents) {
        let cat = match t.kind {
            Kind::Ident => ident,
            _ if ident.is_some() => ident,
            Kind::Keyword => Some(Category::Keyword),
            Kind::Constant => Some(Category::Constant),
            Kind::Number => Some(Category::Number),
            Kind::RawStr | Kind::Rune => Some(Category::String),
            Kind::Comment => Some(Category::Comment),
            Kind::Op => Some(Category::Operator),
            Kind::Str => {
                let r = t.range();
                let mut at = r.start;
                for e in lex::escapes(&code[r.clone()]) {
                    push_segment(&mut segs, Category::String, at..r.start + e.start);
                    push_segment(
                        &mut segs,
                        Category::Escape,
                        r.start + e.start..r.start + e.end,
                    );
                    at = r.start + e.end;
                }
                push_segment(&mut segs, Category::String, at..r.end);
                None
            }
            Kind::Punct | Kind::Semi | Kind::Invalid => None,
        };
        if let Some(cat) = cat {
            push_segment(&mut segs, cat, t.range());
        }
    }
    (segs, lexed.problem)
}

/// The first lexical problem of `code` (what `build` reports).
pub fn problem(code: &str) -> Option<Problem> {
    lex::lex(code).problem
}

#[cfg(test)]
mod tests;
