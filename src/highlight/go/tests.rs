//! The lexer's colours against the specification (`reference`).

use super::reference::{Agreement, Reference, per_byte};
use super::*;
use std::path::{Path, PathBuf};

/// Every Go block of the Markdown files under `dir`.
fn go_blocks(dir: &Path) -> Vec<(PathBuf, String)> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser as Md, Tag, TagEnd};
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        let mut code: Option<String> = None;
        for ev in Md::new(&text) {
            match ev {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                    if matches!(info.split_whitespace().next(), Some("go" | "golang")) =>
                {
                    code = Some(String::new())
                }
                Event::Text(t) => {
                    if let Some(c) = &mut code {
                        c.push_str(&t)
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    out.extend(code.take().map(|c| (e.path().to_path_buf(), c)))
                }
                _ => {}
            }
        }
    }
    out
}

/// Where the two paintings differ: (byte range, lexer's, query's).
fn differences(code: &str, reference: &mut Reference) -> Vec<(String, String)> {
    let ours = per_byte(&highlight(code).0, code.len());
    let spec = per_byte(&reference.paint(code), code.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < code.len() {
        if ours[i] == spec[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < code.len() && ours[i] != spec[i] {
            i += 1;
        }
        let (mut a, mut b) = (start, i);
        while !code.is_char_boundary(a) {
            a -= 1;
        }
        while !code.is_char_boundary(b) {
            b += 1;
        }
        out.push((
            code[a..b].to_string(),
            format!("{:?} vs {:?}", ours[start], spec[start]),
        ));
    }
    out
}

/// Edge cases beside the bundled blocks.
const SAMPLES: &[&str] = &[
    "x := \"a\\tb\\u00e9\" + `raw\\n` + string('\\n')\n",
    "func Map[T, U any](s []T, f func(T) U) []U { return nil }\n",
    "type Number interface { ~int | ~float64; comparable }\n",
    "v := len(xs) + cap(make([]int, 3)); s.mu.Lock(); defer wg.Done()\n",
    "func (s *Server) Close() error { return s.ln.Close() }\n",
    "package main\n\nfunc main() {\n\tgo func() { ch <- 1 }()\n\tselect {}\n}\n",
    "const ( A = iota; B ); var f = 1.5e3 + 2i + 0x1F; x := true && !false || p == nil\n",
    "var m = map[string][]*pkg.T{\"a\": {}}\nch := make(chan<- error, 1)\nvar r <-chan int\n",
    "switch v := x.(type) {\ncase *Foo, bar.Baz:\n\treturn v\ncase nil:\n}\n",
    "type List[T any] struct {\n\tnext *List[T]\n\tval  T\n\tsync.Mutex\n\tio.Reader `json:\"r\"`\n}\n",
    "func (l *List[T]) Push(v T) { l.next = &List[T]{val: v} }\n",
    "if v, ok := m[k]; ok {\n\treturn v\n}\nfor i := range 10 {\n\tfmt.Println(i)\n}\n",
    "type A [4]int\ntype B = map[K]V\ntype (\n\tC func(int) (string, error)\n\tD interface{ Read(p []byte) (n int, err error) }\n)\n",
    "x := []byte(s)\ny := T(z)\nvar _ io.Writer = (*W)(nil)\nw := x.(io.Writer)\n",
    "func f(a, b int, c ...string) (n int, err error) {}\nfunc g(int, string) error {}\n",
];

#[test]
fn bundled_and_fixture_blocks_paint_as_the_query_specifies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut blocks = go_blocks(&root.join("content"));
    let bundled = blocks.len();
    blocks.extend(go_blocks(&root.join("tests")));
    blocks.extend(
        SAMPLES
            .iter()
            .map(|s| (PathBuf::from("sample"), s.to_string())),
    );
    assert!(bundled > 100, "bundled Go blocks found: {bundled}");
    let mut reference = Reference::new();
    let mut found = Vec::new();
    for (file, code) in &blocks {
        for (text, what) in differences(code, &mut reference) {
            found.push(format!("{}: `{text}` {what}", file.display()));
        }
    }
    // Each known difference, with why the lexer's colour is the one kept.
    let known: &[(&str, &str)] = &[
        (
            "mdbook/src/guide/install.md: `main` None vs Some(Type)",
            "`{{#include file.go:main}}` is an mdBook directive, not Go: tree-sitter's \
             error recovery reads `main` as a type, the lexer leaves it plain",
        ),
        (
            "snippets.md: `broken` Some(Function) vs None",
            "`func broken( {` is deliberately unfinished: tree-sitter's error recovery \
             drops the declaration, the lexer still shows a declared function (and \
             build reports the unclosed `(`)",
        ),
    ];
    let unexplained: Vec<&String> = found
        .iter()
        .filter(|f| !known.iter().any(|(k, _)| f.contains(k)))
        .collect();
    assert!(
        unexplained.is_empty(),
        "{} differences from queries/go.scm:\n{}",
        unexplained.len(),
        unexplained
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// GOROOT of the Go toolchain on PATH, if any.
fn goroot() -> Option<PathBuf> {
    let out = std::process::Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    dir.join("src").is_dir().then_some(dir)
}

#[test]
fn standard_library_agreement_is_at_least_99_percent() {
    use rayon::prelude::*;
    let Some(goroot) = goroot() else {
        assert!(
            std::env::var_os("HANDBOOK_REQUIRE_GO").is_none(),
            "HANDBOOK_REQUIRE_GO is set but no Go toolchain is on PATH"
        );
        eprintln!("no Go toolchain on PATH: standard library agreement not measured");
        return;
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(goroot.join("src"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "go"))
        .map(|e| e.into_path())
        .collect();
    assert!(files.len() > 1000, "{} Go files", files.len());
    let total = files
        .par_iter()
        .map_init(Reference::new, |r, f| {
            let Ok(code) = std::fs::read_to_string(f) else {
                return Agreement::default();
            };
            Agreement::of(&highlight(&code).0, &r.paint(&code), code.len())
        })
        .reduce(Agreement::default, |mut a, b| {
            a.add(b);
            a
        });
    eprintln!(
        "standard library: {} files, {:.3}% of {} coloured bytes agree",
        files.len(),
        total.ratio() * 100.0,
        total.either
    );
    assert!(total.ratio() >= 0.99, "{total:?}: {:.4}", total.ratio());
}

#[test]
fn hostile_blocks_never_panic_and_are_reported() {
    let long = format!("x := \"{}\n", "a".repeat(10 << 20));
    for (code, expect) in [
        ("x := `abc", "raw string"),
        ("/* never closed", "comment"),
        ("s := \"abc", "string literal"),
        ("a\u{0}b", "U+0000"),
        ("f(((((", "never closed"),
        (long.as_str(), "string literal"),
    ] {
        let (_, problem) = highlight(code);
        let p = problem.unwrap_or_else(|| panic!("no problem in {:.40}", code));
        assert!(p.message.contains(expect), "{}", p.message);
    }
    let deep = "(".repeat(100_000) + &")".repeat(100_000);
    assert!(highlight(&deep).1.is_none());
    let deep = "[]".repeat(50_000) + "int{" + &"{".repeat(50_000);
    assert!(highlight(&deep).1.is_some());
    let fragments = "func f() {\n\t...\n}\nfoo(...)\n";
    assert!(highlight(fragments).1.is_none());
}

/// Prints where the lexer and the query differ, block by block, for the
/// Markdown under `GOFILE` (a file or folder): `GOFILE=content cargo test
/// --lib show_differences -- --ignored --nocapture`.
#[test]
#[ignore]
fn show_differences() {
    let mut r = Reference::new();
    let file = std::env::var("GOFILE").unwrap_or_default();
    for (_, code) in go_blocks(Path::new(&file)) {
        let d = differences(&code, &mut r);
        if !d.is_empty() {
            eprintln!("----\n{code}\n{d:?}");
        }
    }
}
