//! Links from qualified identifiers in Go code (`context.WithTimeout`,
//! `errors.Is`, `errgroup.Group`) to their package documentation
//! (`[go] pkg-url`, pkg.go.dev by default). The package comes from the
//! block's imports (aliases included), or, in a fragment without imports,
//! from the standard library's package names.

use std::collections::HashMap;
use std::ops::Range;

use super::Category;

/// Standard-library packages by the name code refers to them with, for
/// fragments that show no import list.
const STD: &[(&str, &str)] = &[
    ("bufio", "bufio"),
    ("bytes", "bytes"),
    ("context", "context"),
    ("errors", "errors"),
    ("fmt", "fmt"),
    ("fs", "io/fs"),
    ("http", "net/http"),
    ("httptest", "net/http/httptest"),
    ("io", "io"),
    ("json", "encoding/json"),
    ("log", "log"),
    ("maps", "maps"),
    ("math", "math"),
    ("net", "net"),
    ("os", "os"),
    ("filepath", "path/filepath"),
    ("rand", "math/rand/v2"),
    ("reflect", "reflect"),
    ("regexp", "regexp"),
    ("runtime", "runtime"),
    ("signal", "os/signal"),
    ("slices", "slices"),
    ("slog", "log/slog"),
    ("sort", "sort"),
    ("sql", "database/sql"),
    ("strconv", "strconv"),
    ("strings", "strings"),
    ("sync", "sync"),
    ("atomic", "sync/atomic"),
    ("syscall", "syscall"),
    ("testing", "testing"),
    ("time", "time"),
    ("unicode", "unicode"),
    ("url", "net/url"),
    ("utf8", "unicode/utf8"),
    ("pprof", "runtime/pprof"),
    ("trace", "runtime/trace"),
    ("exec", "os/exec"),
    ("tls", "crypto/tls"),
    ("sha256", "crypto/sha256"),
    ("base64", "encoding/base64"),
    ("hex", "encoding/hex"),
    ("template", "text/template"),
];

/// The name a Go file refers to an import path by (`math/rand/v2` is `rand`).
fn default_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    let versioned =
        last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
    if versioned {
        parts.next().unwrap_or(last)
    } else {
        last
    }
}

/// Package name -> import path, from the block's imports.
fn imports(code: &str) -> HashMap<&str, &str> {
    let mut out = HashMap::new();
    let mut in_block = false;
    for line in code.lines().map(str::trim) {
        let spec = if in_block {
            if line.starts_with(')') {
                in_block = false;
                continue;
            }
            line
        } else if line.starts_with("import (") {
            in_block = true;
            continue;
        } else if let Some(rest) = line.strip_prefix("import ") {
            rest
        } else {
            continue;
        };
        let Some(q) = spec.find('"') else { continue };
        let Some(path) = spec[q + 1..].split('"').next() else {
            continue;
        };
        let alias = spec[..q].trim();
        let name = match alias {
            "" => default_name(path),
            "_" | "." => continue,
            a => a,
        };
        out.insert(name, path);
    }
    out
}

/// Link ranges (byte range of `pkg.Name`, href, import path), sorted,
/// outside strings and comments.
pub(super) fn links<'a>(
    code: &'a str,
    segments: &[(Category, Range<usize>)],
    pkg_url: &str,
) -> Vec<(Range<usize>, String, &'a str)> {
    if pkg_url.is_empty() || !code.contains('.') {
        return Vec::new();
    }
    let declared = imports(code);
    let lookup = |name: &str| -> Option<&'a str> {
        if !declared.is_empty() {
            return declared.get(name).copied();
        }
        STD.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    };
    // Candidates come in order and segments are sorted, so one cursor walks
    // the segments once for the whole block.
    let mut seg = 0;
    let mut quiet = |at: usize| {
        while seg < segments.len() && segments[seg].1.end <= at {
            seg += 1;
        }
        segments[seg..]
            .iter()
            .take_while(|(_, r)| r.start <= at)
            .any(|(c, r)| {
                r.contains(&at)
                    && matches!(c, Category::String | Category::Comment | Category::Escape)
            })
    };
    let bytes = code.as_bytes();
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut out = Vec::new();
    // Every candidate has a dot followed by a capital: look only there.
    for (dot, _) in code.match_indices('.') {
        if !bytes.get(dot + 1).is_some_and(u8::is_ascii_uppercase) {
            continue;
        }
        let start = dot - bytes[..dot].iter().rev().take_while(|b| ident(b)).count();
        // `x.pkg.Name` is a field path, not a package member.
        let after_dot = start > 0 && bytes[start - 1] == b'.';
        if start == dot || !bytes[start].is_ascii_lowercase() || after_dot || quiet(start) {
            continue;
        }
        let Some(path) = lookup(&code[start..dot]) else {
            continue;
        };
        let end = dot + 1 + bytes[dot + 1..].iter().take_while(|b| ident(b)).count();
        let name = &code[dot + 1..end];
        out.push((start..end, format!("{pkg_url}{path}#{name}"), path));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_identifiers_link_to_their_package() {
        let code = "import (\n\tc \"context\"\n\t\"golang.org/x/sync/errgroup\"\n\t\"math/rand/v2\"\n)\n\nctx, cancel := c.WithTimeout(parent, d) // c.Not\nvar g errgroup.Group\nn := rand.IntN(3)\ns := \"errgroup.Group\"\nx.errgroup.Group\n";
        let segs = vec![
            (
                Category::Comment,
                code.find("// c.Not").unwrap()..code.find("// c.Not").unwrap() + 8,
            ),
            (
                Category::String,
                code.find("\"errgroup.Group\"").unwrap()
                    ..code.find("\"errgroup.Group\"").unwrap() + 16,
            ),
        ];
        let got: Vec<(&str, String)> = links(code, &segs, "https://pkg.go.dev/")
            .into_iter()
            .map(|(r, href, _)| (&code[r], href))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "c.WithTimeout",
                    "https://pkg.go.dev/context#WithTimeout".to_string()
                ),
                (
                    "errgroup.Group",
                    "https://pkg.go.dev/golang.org/x/sync/errgroup#Group".to_string()
                ),
                (
                    "rand.IntN",
                    "https://pkg.go.dev/math/rand/v2#IntN".to_string()
                ),
            ]
        );
        // Without imports, the standard library's names; off with "".
        let frag = "if errors.Is(err, fs.ErrNotExist) { w.Header() }";
        let got: Vec<String> = links(frag, &[], "https://godoc.internal/")
            .into_iter()
            .map(|l| l.1)
            .collect();
        assert_eq!(
            got,
            [
                "https://godoc.internal/errors#Is",
                "https://godoc.internal/io/fs#ErrNotExist"
            ]
        );
        assert!(links(frag, &[], "").is_empty());
    }
}
