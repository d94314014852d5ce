//! Expressions: calls name functions, `T{` makes `T` a type, generic
//! instantiations and conversions hold types.

use super::{BUILTIN_FUNCS, Kind, Parser};
use crate::highlight::Category;

impl Parser<'_> {
    pub(super) fn binary_op(&self) -> bool {
        self.kind(self.i) == Some(Kind::Op)
            && matches!(
                self.text(self.i),
                "||" | "&&"
                    | "=="
                    | "!="
                    | "<"
                    | "<="
                    | ">"
                    | ">="
                    | "+"
                    | "-"
                    | "|"
                    | "^"
                    | "*"
                    | "/"
                    | "%"
                    | "<<"
                    | ">>"
                    | "&"
                    | "&^"
            )
    }

    /// An expression; `header`: an `if`/`for`/`switch` header, where `T{`
    /// opens the body, not a composite literal.
    pub(super) fn expr(&mut self, header: bool) {
        self.nested(|p| {
            loop {
                let before = p.i;
                while p.kind(p.i) == Some(Kind::Op)
                    && matches!(p.text(p.i), "+" | "-" | "!" | "^" | "*" | "&" | "<-")
                    && !p.is(p.i + 1, "chan")
                {
                    p.i += 1;
                }
                p.operand(header);
                if p.i == before || !p.binary_op() {
                    break;
                }
                p.i += 1;
            }
        });
    }

    pub(super) fn operand(&mut self, header: bool) {
        // The identifier a call would name, and whether `{` after the operand
        // makes it a composite literal's type.
        let mut name: Option<usize> = None;
        let mut bare = false;
        let mut typish = false;
        match self.kind(self.i) {
            Some(Kind::Ident) => {
                name = Some(self.i);
                bare = true;
                typish = true;
                self.i += 1;
            }
            Some(Kind::Number | Kind::Str | Kind::RawStr | Kind::Rune | Kind::Constant) => {
                self.i += 1
            }
            Some(Kind::Keyword) if self.at("func") => {
                self.i += 1;
                self.signature();
                if self.at("{") {
                    let outer = std::mem::replace(&mut self.type_switch, false);
                    self.block();
                    self.type_switch = outer;
                }
            }
            Some(Kind::Keyword)
                if self.at("map")
                    || self.at("chan")
                    || self.at("struct")
                    || self.at("interface") =>
            {
                self.ty();
                if self.at("{") {
                    self.literal_value();
                }
            }
            Some(Kind::Op) if self.at("<-") => self.ty(),
            Some(Kind::Punct) if self.at("[") => {
                self.ty();
                if self.at("{") {
                    self.literal_value();
                }
            }
            Some(Kind::Punct) if self.at("(") => {
                self.i += 1;
                self.expr(false);
                self.eat(")");
            }
            _ => return,
        }
        self.postfix(name, bare, typish, header);
    }

    pub(super) fn postfix(
        &mut self,
        mut name: Option<usize>,
        mut bare: bool,
        mut typish: bool,
        header: bool,
    ) {
        loop {
            if self.at(".") && self.ident(self.i + 1) {
                typish = typish && bare;
                name = Some(self.i + 1);
                bare = false;
                self.i += 2;
            } else if self.at(".") && self.is(self.i + 1, "(") {
                self.i += 2;
                if self.eat("type") {
                    self.type_switch = true;
                } else {
                    self.ty();
                }
                self.eat(")");
                (name, typish) = (None, false);
            } else if self.at("(") {
                if let Some(k) = name {
                    self.call_name(k, bare);
                }
                self.i += 1;
                if bare && name.is_some_and(|k| matches!(self.text(k), "new" | "make")) {
                    self.ty();
                    self.eat(",");
                }
                self.args();
                (name, typish) = (None, false);
            } else if self.at("[") {
                let after = self.after_partner(self.i);
                let generic = name.is_some()
                    && self.types_between(self.i + 1, after.saturating_sub(1))
                    && (self.is(after, "(") || (self.is(after, "{") && !header && typish));
                if generic {
                    self.i += 1;
                    self.type_list();
                    self.eat("]");
                } else {
                    self.index();
                    (name, typish) = (None, false);
                }
            } else if self.at("{") && typish && !header {
                if let Some(k) = name {
                    self.colour_type(k);
                }
                self.literal_value();
                (name, typish) = (None, false);
            } else {
                break;
            }
        }
    }

    pub(super) fn call_name(&mut self, k: usize, bare: bool) {
        let builtin = bare && BUILTIN_FUNCS.binary_search(&self.text(k)).is_ok();
        self.colour(
            k,
            if builtin {
                Category::Builtin
            } else {
                Category::Function
            },
        );
    }

    /// Whether the tokens in `from..to` can be a list of types.
    pub(super) fn types_between(&self, from: usize, to: usize) -> bool {
        from < to
            && (from..to).all(|k| match self.kind(k) {
                Some(Kind::Ident | Kind::Semi) => true,
                Some(Kind::Keyword) => matches!(
                    self.text(k),
                    "map" | "chan" | "func" | "struct" | "interface"
                ),
                Some(Kind::Punct) => self.text(k) != ":",
                Some(Kind::Op) => matches!(self.text(k), "*" | "<-" | "~" | "|" | "..."),
                _ => false,
            })
    }

    /// `[i]`, `[a:b]`, `[a:b:c]`.
    pub(super) fn index(&mut self) {
        self.i += 1;
        while !self.done() && !self.at("]") {
            let before = self.i;
            if !self.eat(":") {
                self.expr(false);
            }
            if self.i == before {
                break;
            }
        }
        self.eat("]");
    }

    /// Call arguments after `(`, then `)`.
    pub(super) fn args(&mut self) {
        while !self.done() && !self.at(")") {
            let before = self.i;
            self.expr(false);
            self.eat("...");
            self.eat(",");
            if self.i == before {
                break;
            }
        }
        self.eat(")");
    }

    /// `{ elem, key: value, {nested}, ... }`.
    pub(super) fn literal_value(&mut self) {
        if !self.eat("{") {
            return;
        }
        self.nested(|p| {
            while !p.done() && !p.at("}") {
                let before = p.i;
                if p.at("{") {
                    p.literal_value();
                } else {
                    p.expr(false);
                }
                if !p.eat(":") && !p.eat(",") && p.kind(p.i) == Some(Kind::Semi) {
                    p.i += 1;
                }
                if p.i == before {
                    break;
                }
            }
        });
        self.eat("}");
    }
}
