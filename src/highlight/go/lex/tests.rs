//! The scanner's tokens, problems and escapes.
use super::*;

fn kinds(code: &str) -> Vec<(Kind, &str)> {
    lex(code)
        .tokens
        .iter()
        .map(|t| (t.kind, &code[t.range()]))
        .collect()
}

#[test]
fn tokens_and_inserted_semicolons() {
    use Kind::*;
    assert_eq!(
        kinds("x := a[1:] // c\nreturn\n"),
        [
            (Ident, "x"),
            (Op, ":="),
            (Ident, "a"),
            (Punct, "["),
            (Number, "1"),
            (Punct, ":"),
            (Punct, "]"),
            (Comment, "// c"),
            (Semi, ""),
            (Keyword, "return"),
            (Semi, ""),
        ]
    );
    assert_eq!(
        kinds("f(x...) &^= 0x1p-2i .5e+3 'a' `r`"),
        [
            (Ident, "f"),
            (Punct, "("),
            (Ident, "x"),
            (Op, "..."),
            (Punct, ")"),
            (Op, "&^="),
            (Number, "0x1p-2i"),
            (Number, ".5e+3"),
            (Rune, "'a'"),
            (RawStr, "`r`"),
            (Semi, ""),
        ]
    );
    assert_eq!(kinds("a.b")[1], (Punct, "."));
    assert_eq!(kinds("nil")[0], (Constant, "nil"));
    assert_eq!(kinds("héllo")[0], (Ident, "héllo"));
}

#[test]
fn problems_are_found_with_their_place() {
    let p = |code: &str| lex(code).problem.map(|p| (p.at, p.message));
    assert_eq!(p("x := `abc"), Some((5, p("x := `abc").unwrap().1)));
    assert!(p("x := `abc").unwrap().1.contains("raw string"));
    assert!(p("s := \"abc\nx").unwrap().1.contains("string literal"));
    assert!(p("r := 'a\n").unwrap().1.contains("rune"));
    assert!(p("/* open").unwrap().1.contains("comment"));
    assert!(p("f(x]").unwrap().1.contains("the `(` before it"));
    assert_eq!(lex("{\n(x}").problem.unwrap().opened, Some(2));
    assert!(p("f(x))").unwrap().1.contains("no `(` is open"));
    assert!(p("func f() {\n").unwrap().1.contains("`{` is never closed"));
    assert!(p("a \u{0} b").unwrap().1.contains("U+0000"));
    assert_eq!(
        p("s := \"\u{0}\" + `x"),
        p("s := \"\u{0}\""),
        "the earliest problem"
    );
    assert_eq!(
        p("s := \"\u{0}\" + `x"),
        p("s := \"\u{0}\""),
        "the earlier problem"
    );
    assert!(p("x := 1 # 2").unwrap().1.contains("`#`"));
    assert_eq!(p("x := \"a\\\"b\" + `\n` /* \n */ + 'x'"), None);
}

#[test]
fn escapes_as_tree_sitter_delimits_them() {
    let e = |s: &str| escapes(s).map(|r| s[r].to_string()).collect::<Vec<_>>();
    assert_eq!(
        e(r#""a\tb\x41BCz\u00e9\U0001F600\012\1a\\""#),
        [
            "\\t",
            "\\x41BC",
            "\\u00e9",
            "\\U0001F600",
            "\\012",
            "\\1",
            "\\\\"
        ]
    );
    assert_eq!(e(r#""\é""#), ["\\é"]);
    assert_eq!(e(r#""\xg""#), Vec::<&str>::new());
}

#[test]
fn semicolons_follow_exactly_the_keywords_and_operators_go_names() {
    let ends = |code: &str| lex(code).tokens.last().map(|t| t.kind) == Some(Kind::Semi);
    for k in KEYWORDS {
        let expect = matches!(k, "break" | "continue" | "fallthrough" | "return");
        assert_eq!(ends(&format!("{k}\n")), expect, "{k}");
    }
    assert!(ends("x++\n") && ends("x--\n") && ends("f()\n") && ends("a[0]\n"));
    assert!(!ends("x +\n") && !ends("x -\n") && !ends("x +=\n") && !ends("f(\n"));
}

#[test]
fn keywords_are_exactly_go_s() {
    for k in KEYWORDS {
        assert_eq!(word_kind(k), Kind::Keyword, "{k}");
        assert_eq!(word_kind(&format!("{k}x")), Kind::Ident, "{k}x");
        assert_eq!(word_kind(&k[..k.len() - 1]), Kind::Ident, "{k}");
    }
    assert!(KEYWORDS.is_sorted());
    assert_eq!(word_kind("Break"), Kind::Ident);
}

#[test]
fn never_stuck_on_hostile_input() {
    for code in [
        "`",
        "\"",
        "'",
        "/*",
        "\\",
        "\u{0}\u{0}",
        "0x",
        "1e+",
        ".",
        "..",
        "((((",
        "))))",
        "\r",
        "'\\",
        "\"\\",
        "a\u{200b}b",
    ] {
        let l = lex(code);
        let mut at = 0;
        for t in &l.tokens {
            assert!(t.start as usize >= at && t.end >= t.start, "{code:?}");
            at = t.end as usize;
        }
        assert!(at <= code.len());
    }
}
