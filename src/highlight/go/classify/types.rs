//! Types: names in type positions, signatures, parameter lists, struct
//! fields and interface elements.

use super::{Kind, Parser};
use crate::highlight::Category;

impl Parser<'_> {
    /// `T, U, ...` or a constraint `~int | float64` (case lists, type
    /// arguments).
    pub(super) fn type_list(&mut self) {
        loop {
            let before = self.i;
            self.ty();
            if self.i == before || !(self.eat(",") || self.eat("|")) {
                break;
            }
        }
    }

    /// A type, or a union of them in a constraint: `~int | ~float64`.
    pub(super) fn constraint(&mut self) {
        loop {
            let before = self.i;
            self.ty();
            if self.i == before || !self.eat("|") {
                break;
            }
        }
    }

    /// A type at the cursor, its names coloured; nothing when none starts here.
    pub(super) fn ty(&mut self) {
        self.nested(Self::ty_inner);
    }

    pub(super) fn ty_inner(&mut self) {
        match self.text(self.i) {
            _ if self.ident(self.i) => {
                if self.is(self.i + 1, ".") && self.ident(self.i + 2) {
                    self.i += 2;
                }
                self.colour_type(self.i);
                self.i += 1;
                if self.at("[") {
                    let after = self.after_partner(self.i);
                    if self.types_between(self.i + 1, after.saturating_sub(1)) {
                        self.i += 1;
                        self.type_list();
                        self.eat("]");
                    }
                }
            }
            // `case nil:` in a type switch: tree-sitter-go reads a type there.
            "nil" if self.kind(self.i) == Some(Kind::Constant) => {
                self.colour(self.i, Category::Type);
                self.i += 1;
            }
            "*" | "~" => {
                self.i += 1;
                self.ty();
            }
            "[" => {
                self.i += 1;
                if !self.eat("]") {
                    if !self.eat("...") {
                        self.expr(false);
                    }
                    self.eat("]");
                }
                self.ty();
            }
            "map" => {
                self.i += 1;
                if self.eat("[") {
                    self.ty();
                    self.eat("]");
                }
                self.ty();
            }
            "chan" => {
                self.i += 1;
                self.eat("<-");
                self.ty();
            }
            "<-" if self.is(self.i + 1, "chan") => {
                self.i += 2;
                self.ty();
            }
            "func" => {
                self.i += 1;
                self.signature();
            }
            "struct" => {
                self.i += 1;
                self.fields();
            }
            "interface" => {
                self.i += 1;
                self.interface_elems();
            }
            "(" => {
                self.i += 1;
                self.ty();
                self.eat(")");
            }
            _ => {}
        }
    }

    pub(super) fn starts_type(&self, k: usize) -> bool {
        self.ident(k)
            || matches!(
                self.text(k),
                "*" | "[" | "map" | "chan" | "func" | "struct" | "interface" | "<-" | "("
            ) && self.kind(k) != Some(Kind::Str)
    }

    /// Parameters, then a result list or type.
    pub(super) fn signature(&mut self) {
        if self.at("(") {
            self.params();
        }
        if self.at("(") {
            self.params();
        } else if self.starts_type(self.i) && !self.at("(") {
            self.ty();
        }
    }

    /// `(a, b int, c ...T)` or `(int, error)`; also type parameters `[T any]`.
    /// As in Go, a list is of names and types if any entry is `name Type`;
    /// otherwise every entry is a type.
    pub(super) fn params(&mut self) {
        let open = self.i;
        let close = self.after_partner(open).saturating_sub(1);
        let mut groups = Vec::new();
        let mut k = open + 1;
        let mut start = k;
        while k < close {
            if self.is(k, ",") {
                groups.push(start..k);
                start = k + 1;
            }
            k = match self.partner_of(k) {
                Some(p) if p < close => p + 1,
                _ => k + 1,
            };
        }
        if start < close {
            groups.push(start..close);
        }
        let named = groups.iter().any(|g| self.is_named(g.clone()));
        for g in groups {
            self.i = g.start;
            if named && self.ident(self.i) && (g.len() == 1 || self.is_named(g.clone())) {
                self.i += 1;
            }
            self.eat("...");
            self.constraint();
        }
        self.i = (close + 1).min(self.toks.len()).max(open + 1);
    }

    /// A parameter entry `name Type` (not a type alone: `T`, `pkg.T`, `G[T]`).
    pub(super) fn is_named(&self, g: std::ops::Range<usize>) -> bool {
        let k = g.start;
        if !self.ident(k) || g.len() < 2 || self.is(k + 1, ".") {
            return false;
        }
        if self.is(k + 1, "[") {
            // `x [4]int` and `x []T` are named; `List[T]` is a generic type.
            let after = self.after_partner(k + 1);
            return after < g.end || self.is(k + 2, "]");
        }
        true
    }

    /// A struct's `{ fields }`.
    pub(super) fn fields(&mut self) {
        if !self.eat("{") {
            return;
        }
        while !self.done() && !self.at("}") {
            let before = self.i;
            if self.kind(self.i) == Some(Kind::Semi) || self.at(";") {
                self.i += 1;
                continue;
            }
            let mut end = self.i;
            while end < self.toks.len()
                && !(self.kind(end) == Some(Kind::Semi) || self.is(end, ";") || self.is(end, "}"))
            {
                end = match self.partner_of(end) {
                    Some(p) => p + 1,
                    _ => end + 1,
                };
            }
            let names = self.is_named(self.i..end) || self.is(self.i + 1, ",");
            if names {
                while self.ident(self.i) {
                    self.i += 1;
                    if !self.eat(",") {
                        break;
                    }
                }
            }
            self.eat("*");
            self.ty();
            if matches!(self.kind(self.i), Some(Kind::Str | Kind::RawStr)) {
                self.i += 1;
            }
            if self.i == before {
                self.i += 1;
            }
        }
        self.eat("}");
    }

    /// An interface's `{ Method(...) ...; ~int | T; pkg.I }`.
    pub(super) fn interface_elems(&mut self) {
        if !self.eat("{") {
            return;
        }
        while !self.done() && !self.at("}") {
            let before = self.i;
            if self.kind(self.i) == Some(Kind::Semi) || self.at(";") {
                self.i += 1;
                continue;
            }
            if self.ident(self.i) && self.is(self.i + 1, "(") {
                self.i += 1;
                self.signature();
            } else {
                self.type_list();
            }
            if self.i == before {
                self.i += 1;
            }
        }
        self.eat("}");
    }
}
