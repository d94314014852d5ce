//! Checking Go examples: syntax with tree-sitter (no Go toolchain needed),
//! and, when the tools are on PATH, `gofmt` cleanliness and `go vet`.
//!
//! Docs hold fragments, so a block is accepted when it parses as a file, as
//! declarations (wrapped in a package clause) or as statements (wrapped in a
//! function body), or as a mix of both (style guides put a type and the
//! statements that use it in one block). `...` written as elision
//! (`func Open() error { ... }`, `foo(...)`, a line of `...`) is accepted.
//! Positions are reported in the Markdown file, not the wrapper.

use std::path::Path;
use std::process::{Command, Stdio};

use tree_sitter::{Node, Parser};

use crate::diag::Diagnostic;
use crate::markdown::CodeBlock;

/// How a snippet had to be wrapped to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A whole file (starts with `package`).
    File,
    /// Top-level declarations.
    Decls,
    /// Statements.
    Stmts,
    /// Declarations and statements mixed (accepted for syntax only).
    Mixed,
}

impl Shape {
    fn wrap(self, code: &str) -> (String, usize) {
        match self {
            Shape::File => (code.to_string(), 0),
            Shape::Decls | Shape::Mixed => (format!("package snippet\n\n{code}"), 2),
            Shape::Stmts => {
                let body: String = code
                    .lines()
                    .map(|l| {
                        if l.is_empty() {
                            "\n".to_string()
                        } else {
                            format!("\t{l}\n")
                        }
                    })
                    .collect();
                (format!("package snippet\n\nfunc _() {{\n{body}}}\n"), 3)
            }
        }
    }
}

/// A syntax error: 0-based line and column within the snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 0-based line in the snippet.
    pub line: usize,
    /// 0-based column (bytes) in the snippet line.
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

fn first_error(node: Node<'_>, src: &[u8]) -> Option<(usize, usize, String)> {
    if node.is_missing() {
        let p = node.start_position();
        return Some((p.row, p.column, format!("missing `{}`", node.kind())));
    }
    if node.is_error() {
        let p = node.start_position();
        let text = node
            .utf8_text(src)
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(30)
            .collect::<String>();
        return Some((p.row, p.column, format!("unexpected `{}`", text.trim())));
    }
    if !node.has_error() {
        return None;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).find_map(|c| first_error(c, src))
}

fn only_declarations(root: Node<'_>) -> bool {
    let mut cursor = root.walk();
    root.children(&mut cursor).all(|c| {
        matches!(
            c.kind(),
            "package_clause"
                | "import_declaration"
                | "function_declaration"
                | "method_declaration"
                | "type_declaration"
                | "var_declaration"
                | "const_declaration"
                | "comment"
                | "\n"
                | ";"
        )
    })
}

/// Replace `...` used as elision by text of the same length that parses:
/// a line of `...` becomes a comment, and `...` between brackets or after
/// `=`/`return` becomes the blank identifier. Variadic `...` (`args ...int`,
/// `f(xs...)`) and array lengths (`[...]int`) are left alone. Lengths are
/// kept so error columns stay true.
pub fn elide(code: &str) -> std::borrow::Cow<'_, str> {
    if !code.contains("...") {
        return std::borrow::Cow::Borrowed(code);
    }
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if trimmed == "..." || trimmed.starts_with("... ") || trimmed.starts_with("...//") {
            let indent = &body[..body.len() - body.trim_start().len()];
            out.push_str(indent);
            out.push_str("//.");
            out.push_str(&body[indent.len() + 3..]);
            out.push_str(&line[body.len()..]);
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("...") {
            let (before, after) = (&rest[..i], &rest[i + 3..]);
            let prev = before.trim_end();
            let next = after.trim_start();
            let prev_ok = prev.is_empty()
                || prev.ends_with(['{', '(', ',', '='])
                || (prev.ends_with('[') && !next.starts_with(']'))
                || prev.ends_with("return")
                    && !prev[..prev.len() - 6].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            let next_ok = next.is_empty()
                || next.starts_with(['}', ')', ',', ']', ';'])
                || next.starts_with("//");
            out.push_str(before);
            out.push_str(if prev_ok && next_ok { "_  " } else { "..." });
            rest = after;
        }
        out.push_str(rest);
    }
    std::borrow::Cow::Owned(out)
}

/// Parse a snippet; Ok with its shape, or the error of the most plausible shape.
pub fn parse_snippet(parser: &mut Parser, code: &str) -> Result<Shape, SyntaxError> {
    let code = &*elide(code);
    let starts_as_file = code
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .is_some_and(|l| l.starts_with("package "));
    let shapes: &[Shape] = if starts_as_file {
        &[Shape::File]
    } else {
        &[Shape::Decls, Shape::Stmts]
    };
    let mut best: Option<SyntaxError> = None;
    let mut mixed = false;
    for &shape in shapes {
        let (src, prefix_lines) = shape.wrap(code);
        let Some(tree) = parser.parse(&src, None) else {
            continue;
        };
        let root = tree.root_node();
        match first_error(root, src.as_bytes()) {
            // tree-sitter-go accepts top-level statements, which Go does not:
            // only call it declarations when every top-level node is one.
            None if shape == Shape::Decls && !only_declarations(root) => mixed = true,
            None => return Ok(shape),
            Some((row, col, message)) => {
                let line = row.saturating_sub(prefix_lines);
                let column = if shape == Shape::Stmts {
                    col.saturating_sub(1)
                } else {
                    col
                };
                // Keep the attempt that got furthest before failing.
                if best
                    .as_ref()
                    .is_none_or(|b| (line, column) > (b.line, b.column))
                {
                    best = Some(SyntaxError {
                        line,
                        column,
                        message,
                    });
                }
            }
        }
    }
    if mixed {
        // Declarations and statements side by side: each part is valid Go in
        // its own place, which is all a documentation fragment promises.
        return Ok(Shape::Mixed);
    }
    Err(best.unwrap_or(SyntaxError {
        line: 0,
        column: 0,
        message: "cannot parse".into(),
    }))
}

/// A lexer's problem as a syntax error of the snippet whose first line is
/// `first_line` of its file.
fn lexical_error(b: &CodeBlock, p: &crate::highlight::go::Problem) -> SyntaxError {
    let place = |at: usize| {
        let before = &b.code[..at.min(b.code.len())];
        let line = before.matches('\n').count();
        (line, before.len() - before.rfind('\n').map_or(0, |n| n + 1))
    };
    let (line, column) = place(p.at);
    let mut message = p.message.clone();
    if let Some(o) = p.opened {
        let _ = std::fmt::Write::write_fmt(
            &mut message,
            format_args!(" (it was opened at line {})", b.first_line + place(o).0),
        );
    }
    SyntaxError {
        line,
        column,
        message,
    }
}

/// A new tree-sitter parser for Go (syntax verdicts).
pub fn go_parser() -> Parser {
    crate::highlight::go::parser()
}

/// Is this block one `check` should parse?
pub fn is_go(block: &CodeBlock) -> bool {
    matches!(block.info.lang.as_str(), "go" | "golang") && !block.info.ignore
}

/// Syntax findings for a page's Go blocks (stage 5, and `serve`'s quick
/// path for the page it updates): the lexer's problems always, and with
/// `parse` what a full parse finds. Without `parse`, the code is unpacked
/// only for pages whose highlighting found a lexical problem.
pub fn page_syntax(
    parser: &mut Parser,
    file: &Path,
    text: &crate::markdown::PageText,
    parse: bool,
) -> Vec<Diagnostic> {
    if !parse && !text.any_block(|b| is_go(b) && !b.lexed_clean) {
        return Vec::new();
    }
    check_syntax(parser, file, &text.code_blocks(), parse)
}

/// Syntax diagnostics for a page's Go blocks: for each, the lexer's first
/// problem, or (with `parse`) the parse's first error.
pub fn check_syntax(
    parser: &mut Parser,
    file: &Path,
    blocks: &[CodeBlock],
    parse: bool,
) -> Vec<Diagnostic> {
    blocks
        .iter()
        .filter(|b| is_go(b) && (parse || !b.lexed_clean))
        .filter_map(|b| {
            let e = match crate::highlight::go::problem(&b.code) {
                Some(p) => lexical_error(b, &p),
                None if parse => parse_snippet(parser, &b.code).err()?,
                None => return None,
            };
            let col = b.code.lines().nth(e.line).map_or(e.column, |l| {
                l.get(..e.column.min(l.len())).map_or(e.column, |s| s.chars().count())
            });
            Some(
                Diagnostic::error(
                    "go-syntax",
                    format!(
                        "Go example does not parse: {}; fix the code, or mark the fence ```go ignore if it is deliberately incomplete",
                        e.message
                    ),
                )
                .in_file(file)
                .at(b.first_line + e.line, b.indent + col + 1),
            )
        })
        .collect()
}

/// Is `tool` runnable from PATH?
pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg(if tool == "go" { "version" } else { "-h" })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Run `gofmt` on one block; a diagnostic with a diff when it is not clean.
pub fn check_gofmt(parser: &mut Parser, file: &Path, b: &CodeBlock) -> Option<Diagnostic> {
    let shape = parse_snippet(parser, &b.code).ok()?;
    let (src, prefix) = shape.wrap(&b.code);
    let mut child = Command::new("gofmt")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take()?;
        stdin.write_all(src.as_bytes()).ok()?;
    }
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None; // gofmt rejects what tree-sitter accepted: syntax check covers it
    }
    let formatted = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<&str> = formatted.lines().skip(prefix).collect();
    if shape == Shape::Stmts {
        lines.pop(); // closing brace of the wrapper
    }
    let unwrapped: String = lines
        .iter()
        .map(|l| {
            let l = if shape == Shape::Stmts {
                l.strip_prefix('\t').unwrap_or(l)
            } else {
                l
            };
            format!("{l}\n")
        })
        .collect();
    let original = format!("{}\n", b.code.trim_end_matches('\n'));
    if unwrapped.trim_end() == original.trim_end() {
        return None;
    }
    let diff = similar::TextDiff::from_lines(&original, &unwrapped);
    let first = diff
        .ops()
        .iter()
        .find(|op| op.tag() != similar::DiffTag::Equal)
        .map_or(0, |op| op.old_range().start);
    let text = diff
        .unified_diff()
        .context_radius(1)
        .header("example", "gofmt")
        .to_string();
    Some(
        Diagnostic::error(
            "gofmt",
            format!(
                "Go example is not gofmt-clean (indent with tabs, run gofmt):\n{}",
                text.trim_end()
            ),
        )
        .in_file(file)
        .at(b.first_line + first, b.indent + 1),
    )
}

/// Standard-library-only complete programs (`package main` with `func main`).
pub fn is_vettable(b: &CodeBlock) -> bool {
    let code = &b.code;
    if !(code.trim_start().starts_with("package main") && code.contains("func main()")) {
        return false;
    }
    imports(code)
        .iter()
        .all(|p| !p.split('/').next().unwrap_or("").contains('.'))
}

/// The import paths of a Go file.
pub fn imports(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in code.lines().map(str::trim) {
        if in_block {
            if line.starts_with(')') {
                in_block = false;
            } else if let Some(p) = line.split('"').nth(1) {
                out.push(p.to_string());
            }
        } else if line.starts_with("import (") {
            in_block = true;
        } else if let Some(rest) = line.strip_prefix("import ")
            && let Some(p) = rest.split('"').nth(1)
        {
            out.push(p.to_string());
        }
    }
    out
}

/// Run `go vet` on a complete program; diagnostics at the Markdown lines.
pub fn check_vet(file: &Path, b: &CodeBlock, scratch: &Path) -> Vec<Diagnostic> {
    let dir = scratch.join(format!("vet-{}-{}", std::process::id(), b.first_line));
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir_all(&dir).is_err()
        || std::fs::write(
            dir.join("go.mod"),
            "module example.invalid/snippet\n\ngo 1.22\n",
        )
        .is_err()
        || std::fs::write(dir.join("main.go"), &b.code).is_err()
    {
        return Vec::new();
    }
    let out = Command::new("go")
        .args(["vet", "./..."])
        .current_dir(&dir)
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let Ok(out) = out else { return Vec::new() };
    if out.status.success() {
        return Vec::new();
    }
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| {
            let rest = l.split("main.go:").nth(1)?;
            let mut parts = rest.splitn(3, ':');
            let line: usize = parts.next()?.trim().parse().ok()?;
            let col: usize = parts.next()?.trim().parse().unwrap_or(1);
            let msg = parts.next().unwrap_or("").trim();
            Some(
                Diagnostic::error("go-vet", format!("go vet: {msg}"))
                    .in_file(file)
                    .at(b.first_line + line - 1, b.indent + col),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(code: &str) -> Result<Shape, SyntaxError> {
        parse_snippet(&mut go_parser(), code)
    }

    #[test]
    fn accepts_files_declarations_and_statements() {
        assert_eq!(shape("package main\n\nfunc main() {}\n"), Ok(Shape::File));
        assert_eq!(
            shape("func Map[T any, U comparable](xs []T, f func(T) U) []U {\n\treturn nil\n}\n"),
            Ok(Shape::Decls)
        );
        assert_eq!(
            shape("type Number interface {\n\t~int | ~float64\n}\n"),
            Ok(Shape::Decls)
        );
        assert_eq!(
            shape("ctx, cancel := context.WithTimeout(ctx, time.Second)\ndefer cancel()\n"),
            Ok(Shape::Stmts)
        );
    }

    #[test]
    fn reports_errors_in_snippet_coordinates() {
        let e = shape("x := 1\nif x {\n\ty := \n}\n").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
        let e = shape("package main\n\nfunc main() {\n\tfmt.Println(\"hi\"\n}\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
    }

    #[test]
    fn elision_and_mixed_snippets_parse() {
        assert!(shape("func Open() error { ... }\n").is_ok());
        assert!(shape("func (s *Server) Start() error {\n\t...\n\treturn nil\n}\n").is_ok());
        assert!(shape("foo(...)\nbar(a, ...)\n").is_ok());
        assert!(shape("x := ...\nreturn ...\n").is_ok());
        assert!(shape("s := []string{...}\n").is_ok());
        assert_eq!(
            shape(
                "func (c Config) Addr() string {\n\treturn c.addr\n}\n\ncfg := Config{addr: \":80\"}\nrun(cfg.Addr())\n"
            ),
            Ok(Shape::Mixed)
        );
        // Variadics and array lengths are Go, not elision.
        assert_eq!(
            elide("func f(args ...int) { g(args...) }"),
            "func f(args ...int) { g(args...) }"
        );
        assert_eq!(elide("a := [...]int{1}"), "a := [...]int{1}");
        assert_eq!(elide("\t...\n"), "\t//.\n");
        // A real error is still reported, at its token.
        let e = shape("func Open() error {\n\treturn nil +\n}\n").unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (1, "unexpected `+`"), "{e:?}");
        let e = shape("func Open() error { ... }\nfunc Close() error { return ) }\n").unwrap_err();
        assert_eq!(e.line, 1, "{e:?}");
    }

    #[test]
    fn vettable_means_std_only_main() {
        let b = |code: &str| CodeBlock {
            info: crate::highlight::FenceInfo::parse("go"),
            code: code.into(),
            first_line: 1,
            indent: 0,
            lexed_clean: false,
            part: 0,
        };
        assert!(is_vettable(&b(
            "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() {}\n"
        )));
        assert!(!is_vettable(&b(
            "package main\n\nimport \"golang.org/x/sync/errgroup\"\n\nfunc main() {}\n"
        )));
        assert!(!is_vettable(&b("func main() {}\n")));
    }

    #[test]
    fn build_reports_the_lexer_and_check_the_parse_too() {
        let block = |code: &str, first_line| CodeBlock {
            info: crate::highlight::FenceInfo::parse("go"),
            code: code.into(),
            first_line,
            indent: 2,
            lexed_clean: crate::highlight::go::problem(code).is_none(),
            part: 0,
        };
        let blocks = [
            block("x := 1\ns := \"open\n", 10),
            block("func f() {\n\treturn nil +\n}\n", 20),
        ];
        let file = Path::new("p.md");
        let found = |parse| {
            check_syntax(&mut go_parser(), file, &blocks, parse)
                .iter()
                .map(|d| (d.line, d.column, d.message.clone()))
                .collect::<Vec<_>>()
        };
        let build = found(false);
        assert_eq!(build.len(), 1, "{build:?}");
        assert_eq!((build[0].0, build[0].1), (11, 8));
        assert!(
            build[0].2.contains("string literal not terminated"),
            "{build:?}"
        );
        let check = found(true);
        assert_eq!(check.len(), 2, "{check:?}");
        assert_eq!(check[0], build[0], "check finds what build finds");
        assert_eq!((check[1].0, check[1].1), (21, 15));
        assert!(check[1].2.contains("unexpected `+`"), "{check:?}");
    }
}
