//! HTML escaping: the one escaper every module uses for text that lands in
//! HTML (element content and double-quoted attributes alike).
//!
//! `<`, `>`, `&` and `"` are escaped. `'` is left as it is: every attribute
//! handbook writes is double-quoted, and hrefs handbook builds encode `'`
//! (see [`crate::paths::encode_href`]).

/// Append `s` to `out`, escaped.
pub fn escape_into(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// `s`, escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;'&lt;/a&gt;"
        );
        assert_eq!(escape("plain ü"), "plain ü");
    }
}
