//! The Go lexer against tree-sitter: throughput on one core and agreement
//! with the highlight query that specifies the colours.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::mib;

/// Every `.go` file under the GOROOT of the `go` on PATH.
pub(crate) fn goroot_sources() -> Option<Vec<String>> {
    let out = Command::new("go").args(["env", "GOROOT"]).output().ok()?;
    let root = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim()).join("src");
    let files: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "go"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    (!files.is_empty()).then_some(files)
}

/// The Go lexer's throughput beside tree-sitter's (parse alone, and parse
/// plus the highlight query that specifies the colours), on one core, and
/// how many coloured bytes the two agree on.
pub(crate) fn against_tree_sitter(what: &str, sources: &[String]) {
    use handbook::highlight::go::{self, reference};
    let bytes: usize = sources.iter().map(String::len).sum();
    let best = |f: &mut dyn FnMut()| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let lexer = best(&mut || {
        for s in sources {
            std::hint::black_box(go::highlight(s));
        }
    });
    let mut parser = go::parser();
    let parse = best(&mut || {
        for s in sources {
            std::hint::black_box(parser.parse(s, None));
        }
    });
    // What the tree-sitter highlighter did before the lexer, less its
    // classification: parse, then visit every node with a cursor.
    let walk = best(&mut || {
        for s in sources {
            let Some(tree) = parser.parse(s, None) else {
                continue;
            };
            let mut cursor = tree.walk();
            let mut nodes = 0usize;
            'walk: loop {
                nodes += 1;
                if cursor.goto_first_child() {
                    continue;
                }
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        break 'walk;
                    }
                }
            }
            std::hint::black_box(nodes);
        }
    });
    let mut spec = reference::Reference::new();
    let mut query = Duration::ZERO;
    let mut agree = reference::Agreement::default();
    for s in sources {
        let start = Instant::now();
        let painted = spec.paint(s);
        query += start.elapsed();
        agree.add(reference::Agreement::of(
            &go::highlight(s).0,
            &painted,
            s.len(),
        ));
    }
    let rate = |t: Duration| bytes as f64 / 1e6 / t.as_secs_f64();
    println!(
        "Go colouring on {what}: {} files or blocks, {}; one core: lexer {:.1} MB/s, tree-sitter parse alone {:.1} MB/s ({:.1}x), parse and walk of every node {:.1} MB/s ({:.1}x), parse and highlight query {:.1} MB/s ({:.1}x); agreement with queries/go.scm: {:.3}% of {} coloured bytes",
        sources.len(),
        mib(bytes as u64),
        rate(lexer),
        rate(parse),
        parse.as_secs_f64() / lexer.as_secs_f64(),
        rate(walk),
        walk.as_secs_f64() / lexer.as_secs_f64(),
        rate(query),
        query.as_secs_f64() / lexer.as_secs_f64(),
        agree.ratio() * 100.0,
        agree.either,
    );
}
