//! Mapping source paths to output URLs, and relative links between pages.
//!
//! Every URL the site emits is relative, so the output works at a host's root,
//! under any sub-path and from `file://` alike.

/// Output path (relative to the site root) of a content-relative Markdown path.
///
/// `_index.md`, `index.md` and `README.md` are section indexes (`dir/index.html`);
/// any other `x.md` becomes `x.html` beside it.
pub fn url_for_source(rel: &str) -> String {
    let (dir, file) = match rel.rsplit_once('/') {
        Some((d, f)) => (d, f),
        None => ("", rel),
    };
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let name = if is_index_name(file) {
        "index".to_string()
    } else {
        stem.to_string()
    };
    if dir.is_empty() {
        format!("{name}.html")
    } else {
        format!("{dir}/{name}.html")
    }
}

/// File names that hold a section's own page, in order of precedence when a
/// folder has several.
pub const INDEX_NAMES: [&str; 3] = ["_index.md", "index.md", "README.md"];

/// Files handbook generates for a site as a whole: one list that the
/// renderer writes, the output plan reserves and Markdown links may name.
pub mod generated {
    /// The not-found page.
    pub const NOT_FOUND: &str = "404.html";
    /// Every rule, by id.
    pub const RULES: &str = "rules.html";
    /// The search page.
    pub const SEARCH: &str = "search.html";
    /// Every tag.
    pub const TAGS: &str = "tags/index.html";
    /// What each owner owns.
    pub const OWNERS: &str = "owners.html";
    /// What changed, from git.
    pub const CHANGES: &str = "changes.html";
    /// The same as an Atom feed.
    pub const FEED: &str = "changes.xml";
    /// Every alert and its runbook.
    pub const ALERTS: &str = "alerts/index.html";
    /// The same for bots.
    pub const ALERTS_JSON: &str = "alerts.json";
    /// For search engines, with `[site] site-url`.
    pub const SITEMAP: &str = "sitemap.xml";

    /// The page of one tag.
    pub fn tag(name: &str) -> String {
        format!("tags/{}.html", super::slugify(name))
    }

    /// Generated pages content may link to (`[all rules](rules.html)`).
    pub fn is_linkable(url: &str) -> bool {
        matches!(url, RULES | SEARCH | TAGS) || (url.starts_with("tags/") && url.ends_with(".html"))
    }
}

/// True for file names that hold a section's own page.
pub fn is_index_name(file: &str) -> bool {
    INDEX_NAMES.contains(&file)
}

/// The prefix that leads from an output file back to the site root: `""` at the
/// root, `"../"` one folder down, and so on.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// Resolve `target` (a relative path as written in a link) against the folder
/// of the content-relative file `from`. Returns None when it leaves the content root.
pub fn resolve_relative(from: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = match from.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    if target.starts_with('/') {
        parts.clear();
    }
    walk_segments(&mut parts, target)?;
    Some(parts.join("/"))
}

/// May an author-supplied URL from front matter become a link? Yes for
/// http(s), mailto and scheme-less (relative) URLs; no for `javascript:`,
/// `data:`, `vbscript:` and any other scheme.
pub fn is_safe_link(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    let scheme_end = u.find(':');
    let path_start = u.find(['/', '?', '#']).unwrap_or(u.len());
    match scheme_end {
        Some(i) if i < path_start => {
            u.starts_with("http://") || u.starts_with("https://") || u.starts_with("mailto:")
        }
        _ => !u.chars().any(|c| c.is_control()),
    }
}

/// A site path as it must appear in an `href`: each byte outside the URL
/// path characters that need no escaping (letters, digits, `-._~!$&()*+,;=@/`)
/// is percent-encoded, so a page named `a b#1?.md`, `100%.md` or `Überblick.md`
/// is reachable, and a name such as `javascript:x` can never read as a scheme.
pub fn encode_href(path: &str) -> std::borrow::Cow<'_, str> {
    let keep = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
                    | b'/'
            )
    };
    if path.bytes().all(keep) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 8);
    for b in path.bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Decode `%XX` escapes in a link path (`my%20page.md`); invalid escapes
/// stay as written and invalid UTF-8 is replaced.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = unescape(s, true).unwrap_or_else(|| s.as_bytes().to_vec());
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decode `%XX` escapes strictly (a request path): None when an escape is
/// not two hex digits.
pub fn percent_decode_strict(s: &str) -> Option<Vec<u8>> {
    unescape(s, false)
}

/// The one `%XX` decoder. An invalid escape is kept as written (`lenient`)
/// or fails the whole decode.
fn unescape(s: &str, lenient: bool) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        // Bytes, not `&s[..]`: the two after a `%` need not be characters
        // (`%aé` must not split the `é`).
        match (
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            _ if lenient => {
                out.push(b'%');
                i += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Apply a relative path's segments to `parts` (`.` stays, `..` climbs);
/// None when it climbs above the first part.
pub fn walk_segments<'a>(parts: &mut Vec<&'a str>, target: &'a str) -> Option<()> {
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(())
}

/// The folder part of a content-relative path (`""` for the root).
pub fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A heading slug: lowercase ASCII letters and digits, other runs become `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decode_leaves_broken_escapes_alone() {
        assert_eq!(percent_decode("my%20page.md"), "my page.md");
        assert_eq!(percent_decode("%C3%9Cberblick"), "Überblick");
        // Too short at the end, not hex, or followed by a multi-byte character.
        for s in ["100%", "a%2", "%zz.md", "%aé.md", "%é1", "%"] {
            assert_eq!(percent_decode(s), s);
            assert_eq!(percent_decode_strict(s), None, "{s}");
        }
        assert_eq!(
            percent_decode_strict("/a%2Fb").as_deref(),
            Some(&b"/a/b"[..])
        );
    }

    #[test]
    fn only_safe_schemes_are_links() {
        for ok in [
            "https://grafana/d/x",
            "http://a",
            "mailto:oncall@x",
            "../dash.html",
            "dash?a=b:c",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(7)",
            " JavaScript:x",
            "data:text/html,x",
            "vbscript:x",
            "java\tscript:x",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }

    #[test]
    fn hrefs_are_encoded_and_decode_back() {
        for name in [
            "a b#1?.html",
            "100%.html",
            "Überblick/x.html",
            "javascript:alert(7).html",
            "plain/page-1.html",
        ] {
            let e = encode_href(name);
            assert!(!e.contains([' ', '#', '?', ':']), "{e}");
            assert!(e.is_ascii(), "{e}");
            assert_eq!(percent_decode(&e), name);
        }
        assert_eq!(encode_href("guide/intro.html"), "guide/intro.html");
    }

    #[test]
    fn urls() {
        assert_eq!(url_for_source("_index.md"), "index.html");
        assert_eq!(url_for_source("runbooks/_index.md"), "runbooks/index.html");
        assert_eq!(
            url_for_source("runbooks/high-latency.md"),
            "runbooks/high-latency.html"
        );
        assert_eq!(url_for_source("a/README.md"), "a/index.html");
    }

    #[test]
    fn roots() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
    }

    #[test]
    fn relative_resolution() {
        assert_eq!(
            resolve_relative("a/b.md", "c.md").as_deref(),
            Some("a/c.md")
        );
        assert_eq!(
            resolve_relative("a/b.md", "../c.md").as_deref(),
            Some("c.md")
        );
        assert_eq!(
            resolve_relative("a/b.md", "./x/../y.md").as_deref(),
            Some("a/y.md")
        );
        assert_eq!(resolve_relative("b.md", "../c.md"), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Wrap errors with %w"), "wrap-errors-with-w");
        assert_eq!(slugify("  Don't panic!  "), "dont-panic");
        assert_eq!(slugify("context.WithTimeout"), "context-withtimeout");
        assert_eq!(slugify("???"), "section");
    }
}
