//! Which identifiers are function names and which are types, from the
//! tokens around them.
//!
//! A loose recursive descent over Go's grammar that never fails: it follows
//! declarations, statements, expressions and types far enough to know the
//! role of each identifier (a declared or called function, a type in a type
//! position) and skips whatever it does not understand, always moving
//! forward. Documentation holds fragments (statements without a function,
//! declarations mixed with statements, `...` for elided code), so every level
//! accepts what the level above it would. Nesting is bounded, so hostile input
//! costs time linear in its length.

mod expr;
mod types;

use super::lex::{Kind, Token};
use crate::highlight::Category;

/// Predeclared functions (`len(x)` is a builtin call, `f(x)` a function call).
const BUILTIN_FUNCS: [&str; 18] = [
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover",
];

/// Predeclared types and type constraints.
const BUILTIN_TYPES: [&str; 22] = [
    "any",
    "bool",
    "byte",
    "comparable",
    "complex128",
    "complex64",
    "error",
    "float32",
    "float64",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "rune",
    "string",
    "uint",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "uintptr",
];

/// Deeper nesting than this is skipped flat (no colour is lost in real code).
const MAX_DEPTH: u32 = 64;

/// The colour of each identifier among `tokens` (`None`: plain), and of
/// the few other tokens whose colour depends on context (`Some`).
pub(super) fn identifiers(code: &str, tokens: &[Token]) -> Vec<Option<Category>> {
    // Blocks are far below 4 GiB: u32 indexes keep these tables small.
    let toks: Vec<(u32, Token)> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.kind, Kind::Comment | Kind::Invalid))
        .map(|(i, t)| (i as u32, *t))
        .collect();
    let mut p = Parser {
        code,
        partner: partners(code, &toks),
        toks,
        i: 0,
        depth: 0,
        paint: vec![None; tokens.len()],
        type_switch: false,
    };
    p.file();
    p.paint
}

/// For each opening bracket, the index of its closing partner.
fn partners(code: &str, toks: &[(u32, Token)]) -> Vec<u32> {
    let mut out = vec![u32::MAX; toks.len()];
    let mut open = Vec::new();
    for (k, (_, t)) in toks.iter().enumerate() {
        if t.kind != Kind::Punct {
            continue;
        }
        match code.as_bytes()[t.start as usize] {
            b'(' | b'[' | b'{' => open.push(k),
            b')' | b']' | b'}' => {
                if let Some(o) = open.pop() {
                    out[o] = k as u32;
                }
            }
            _ => {}
        }
    }
    out
}

struct Parser<'a> {
    code: &'a str,
    /// Tokens without comments, with their index among all tokens.
    toks: Vec<(u32, Token)>,
    /// See [`partners`].
    partner: Vec<u32>,
    i: usize,
    depth: u32,
    /// Colours by index among all tokens.
    paint: Vec<Option<Category>>,
    /// Set by `x.(type)`: the switch being parsed is a type switch.
    type_switch: bool,
}

impl<'a> Parser<'a> {
    fn text(&self, k: usize) -> &'a str {
        let code = self.code;
        self.toks.get(k).map_or("", |(_, t)| &code[t.range()])
    }

    fn kind(&self, k: usize) -> Option<Kind> {
        self.toks.get(k).map(|(_, t)| t.kind)
    }

    fn at(&self, s: &str) -> bool {
        self.is(self.i, s)
    }

    /// Whether token `k` is the word or punctuation `s` (never a literal).
    /// Called several times a token: lengths first, bytes compared inline.
    fn is(&self, k: usize, s: &str) -> bool {
        let Some((_, t)) = self.toks.get(k) else {
            return false;
        };
        let text = &self.code.as_bytes()[t.start as usize..t.end as usize];
        text.len() == s.len()
            && text.iter().zip(s.as_bytes()).all(|(a, b)| a == b)
            && !matches!(t.kind, Kind::Str | Kind::RawStr | Kind::Rune)
    }

    fn ident(&self, k: usize) -> bool {
        self.kind(k) == Some(Kind::Ident)
    }

    fn done(&self) -> bool {
        self.i >= self.toks.len()
    }

    fn eat(&mut self, s: &str) -> bool {
        let yes = self.at(s);
        if yes {
            self.i += 1;
        }
        yes
    }

    fn end_of_stmt(&self) -> bool {
        self.done() || self.at(";") || self.at("}") || self.kind(self.i) == Some(Kind::Semi)
    }

    fn colour(&mut self, k: usize, cat: Category) {
        if let Some(&(at, _)) = self.toks.get(k) {
            self.paint[at as usize] = Some(cat);
        }
    }

    fn colour_type(&mut self, k: usize) {
        let cat = if BUILTIN_TYPES.binary_search(&self.text(k)).is_ok() {
            Category::Builtin
        } else {
            Category::Type
        };
        self.colour(k, cat);
    }

    /// Past the bracket opened at `k` (or just past `k` when unmatched).
    /// The closing partner of the bracket at `k`, if it has one.
    fn partner_of(&self, k: usize) -> Option<usize> {
        self.partner
            .get(k)
            .filter(|&&p| p != u32::MAX)
            .map(|&p| p as usize)
    }

    fn after_partner(&self, k: usize) -> usize {
        match self.partner_of(k) {
            Some(p) => p + 1,
            _ => self.toks.len(),
        }
    }

    /// Skip the bracketed group at the cursor without looking inside.
    fn skip_group(&mut self) {
        self.i = self.after_partner(self.i).max(self.i + 1);
    }

    /// Run `f` one level deeper, or skip a token when too deep.
    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            self.i += 1;
            return;
        }
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    // ---- declarations and statements ----

    fn file(&mut self) {
        while !self.done() {
            let before = self.i;
            if self.at("}") || self.at(")") || self.at("]") {
                self.i += 1;
                continue;
            }
            self.stmt();
            if self.i == before {
                self.i += 1;
            }
        }
    }

    fn stmt(&mut self) {
        let word = if self.kind(self.i) == Some(Kind::Keyword) {
            self.text(self.i)
        } else {
            ""
        };
        match word {
            "package" => self.i += 2,
            "import" => {
                self.i += 1;
                if self.at("(") {
                    self.skip_group();
                }
            }
            "func" if self.ident(self.i + 1) || self.is_method_decl() => self.func_decl(),
            "type" => self.decl_group(Self::type_spec),
            "var" | "const" => self.decl_group(Self::var_spec),
            "if" | "for" | "switch" => {
                self.i += 1;
                let outer = std::mem::replace(&mut self.type_switch, false);
                while !self.done() && !self.at("{") && !self.at("}") {
                    let before = self.i;
                    if !self.eat(";") && !self.eat("range") && self.kind(self.i) != Some(Kind::Semi)
                    {
                        self.simple_stmt(true);
                    }
                    if self.i == before {
                        self.i += 1;
                    }
                }
                let switch = word == "switch" && self.type_switch;
                self.type_switch = switch;
                self.block();
                self.type_switch = outer;
            }
            "select" => {
                self.i += 1;
                let outer = std::mem::replace(&mut self.type_switch, false);
                self.block();
                self.type_switch = outer;
            }
            "case" => {
                self.i += 1;
                if self.type_switch {
                    self.type_list();
                } else {
                    self.simple_stmt(false);
                }
                self.eat(":");
            }
            "default" => {
                self.i += 1;
                self.eat(":");
            }
            "return" | "go" | "defer" => {
                self.i += 1;
                if !self.end_of_stmt() {
                    self.expr_list(false);
                }
            }
            "break" | "continue" | "goto" | "fallthrough" => {
                self.i += 1;
                if self.ident(self.i) {
                    self.i += 1;
                }
            }
            "else" => self.i += 1,
            _ if self.at("{") => self.block(),
            _ if self.ident(self.i) && self.is(self.i + 1, ":") => self.i += 2,
            _ => self.simple_stmt(false),
        }
    }

    /// `func (r T) Name`: a receiver, then a name.
    fn is_method_decl(&self) -> bool {
        self.is(self.i + 1, "(") && {
            let after = self.after_partner(self.i + 1);
            self.ident(after) && (self.is(after + 1, "(") || self.is(after + 1, "["))
        }
    }

    fn block(&mut self) {
        if !self.eat("{") {
            return;
        }
        self.nested(|p| {
            while !p.done() && !p.at("}") {
                let before = p.i;
                p.stmt();
                if p.i == before {
                    p.i += 1;
                }
            }
        });
        self.eat("}");
    }

    /// `func [receiver] Name [type params] signature [body]`.
    fn func_decl(&mut self) {
        self.i += 1;
        if self.at("(") {
            self.params();
        }
        if self.ident(self.i) {
            self.colour(self.i, Category::Function);
            self.i += 1;
        }
        if self.at("[") {
            self.params();
        }
        self.signature();
        if self.at("{") {
            let outer = std::mem::replace(&mut self.type_switch, false);
            self.block();
            self.type_switch = outer;
        }
    }

    /// `kw spec` or `kw ( spec; spec; ... )`.
    fn decl_group(&mut self, spec: fn(&mut Self)) {
        self.i += 1;
        if !self.at("(") {
            spec(self);
            return;
        }
        self.i += 1;
        while !self.done() && !self.at(")") {
            let before = self.i;
            if !self.eat(";") && self.kind(self.i) != Some(Kind::Semi) {
                spec(self);
            }
            if self.i == before {
                self.i += 1;
            }
        }
        self.eat(")");
    }

    /// `Name [type params] [=] Type`.
    fn type_spec(&mut self) {
        if !self.ident(self.i) {
            return;
        }
        self.colour_type(self.i);
        self.i += 1;
        if self.at("[") && self.ident(self.i + 1) && !self.is(self.i + 2, "]") {
            self.params();
        }
        self.eat("=");
        self.ty();
    }

    /// `a, b [Type] [= values]`.
    fn var_spec(&mut self) {
        while self.ident(self.i) {
            self.i += 1;
            if !self.eat(",") {
                break;
            }
        }
        if !self.at("=") && !self.end_of_stmt() && !self.at(")") {
            self.ty();
        }
        if self.eat("=") {
            self.expr_list(false);
        }
    }

    fn simple_stmt(&mut self, header: bool) {
        self.expr_list(header);
        let op = self.text(self.i);
        let assign = self.kind(self.i) == Some(Kind::Op)
            && (op.ends_with('=') && !matches!(op, "==" | "!=" | "<=" | ">=") || op == "<-");
        if assign {
            self.i += 1;
            self.eat("range");
            self.expr_list(header);
        } else if self.at("++") || self.at("--") {
            self.i += 1;
        }
    }

    fn expr_list(&mut self, header: bool) {
        loop {
            let before = self.i;
            self.expr(header);
            if self.i == before || !self.eat(",") {
                break;
            }
        }
    }
}
