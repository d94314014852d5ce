//! Highlighting every language but Go with syntect, folded into categories.

use std::collections::HashMap;
use std::ops::Range;
use std::str::FromStr;
use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::{Category, push_segment};

/// Scope prefixes and their categories; the longest matching prefix wins.
const SCOPES: &[(&str, Category)] = &[
    ("comment", Category::Comment),
    ("string", Category::String),
    ("constant.character.escape", Category::Escape),
    ("constant.numeric", Category::Number),
    ("constant.language", Category::Constant),
    ("constant", Category::Constant),
    ("keyword.operator", Category::Operator),
    ("keyword", Category::Keyword),
    ("storage.type", Category::Keyword),
    ("storage.modifier", Category::Keyword),
    ("storage", Category::Keyword),
    ("entity.name.function", Category::Function),
    ("support.function", Category::Builtin),
    ("variable.function", Category::Function),
    ("entity.name.type", Category::Type),
    ("entity.name.class", Category::Type),
    ("support.type", Category::Type),
    ("support.class", Category::Type),
    ("entity.name.tag", Category::Tag),
    ("entity.other.attribute-name", Category::Tag),
    ("markup.heading", Category::Tag),
    ("variable.language", Category::Constant),
    ("punctuation.definition.string", Category::String),
    ("punctuation.definition.comment", Category::Comment),
    // Diffs: additions and removals in two distinct colours, headers muted.
    ("markup.inserted", Category::String),
    ("markup.deleted", Category::Keyword),
    ("meta.diff", Category::Comment),
];

fn prefixes() -> &'static [(Scope, usize, Category)] {
    static P: OnceLock<Vec<(Scope, usize, Category)>> = OnceLock::new();
    P.get_or_init(|| {
        let mut v: Vec<_> = SCOPES
            .iter()
            .filter_map(|(s, c)| Some((Scope::from_str(s).ok()?, s.split('.').count(), *c)))
            .collect();
        v.sort_by_key(|p| std::cmp::Reverse(p.1));
        v
    })
}

fn category_of(scope: Scope, cache: &mut HashMap<Scope, Option<Category>>) -> Option<Category> {
    *cache.entry(scope).or_insert_with(|| {
        prefixes()
            .iter()
            .find(|(p, _, _)| p.is_prefix_of(scope))
            .map(|(_, _, c)| *c)
    })
}

fn category_of_stack(
    stack: &ScopeStack,
    cache: &mut HashMap<Scope, Option<Category>>,
) -> Option<Category> {
    stack
        .as_slice()
        .iter()
        .rev()
        .find_map(|s| category_of(*s, cache))
}

/// Category runs over `code`. A grammar error leaves the rest plain.
pub(super) fn highlight(
    ss: &SyntaxSet,
    syntax: &SyntaxReference,
    code: &str,
    cache: &mut HashMap<Scope, Option<Category>>,
) -> Vec<(Category, Range<usize>)> {
    let mut segs = Vec::new();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut offset = 0;
    for line in LinesWithEndings::from(code) {
        let Ok(ops) = state.parse_line(line, ss) else {
            break;
        };
        let mut pos = 0;
        for (at, op) in ops {
            if at > pos {
                if let Some(cat) = category_of_stack(&stack, cache) {
                    push_segment(&mut segs, cat, offset + pos..offset + at);
                }
                pos = at;
            }
            if stack.apply(&op).is_err() {
                return segs;
            }
        }
        if pos < line.len() {
            let end = line.trim_end_matches('\n').len().max(pos);
            if let Some(cat) = category_of_stack(&stack, cache) {
                push_segment(&mut segs, cat, offset + pos..offset + end);
            }
        }
        offset += line.len();
    }
    segs
}
