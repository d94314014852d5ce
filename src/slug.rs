//! Heading ids. Links written against the site a folder came from must keep
//! working, so ids follow the source's dialect:
//!
//! | style | used for | `Prometheus/Thanos` | `one...last...refactor?` | `A -- B` |
//! |---|---|---|---|---|
//! | handbook | handbook sites | `prometheus-thanos` | `one-last-refactor` | `a-b` |
//! | GitHub | plain folders, GitBook | `prometheusthanos` | `onelastrefactor` | `a----b` |
//! | mdBook | mdBook | as GitHub, ASCII-only lowercasing | | |
//! | Python-Markdown | MkDocs (`toc` extension) | `prometheusthanos` | `onelastrefactor` | `a-b` |
//!
//! Duplicates get `-1`, `-2`, ... in every style.

use unicode_normalization::UnicodeNormalization;

/// How heading text becomes an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SlugStyle {
    /// handbook's own: lowercase letters and digits, other runs become `-`.
    #[default]
    Handbook,
    /// GitHub and GitLab: punctuation removed, each space becomes `-`.
    GitHub,
    /// mdBook's `normalize_id`: like GitHub, lowercasing ASCII only.
    MdBook,
    /// Python-Markdown's `toc` slugify: accents folded to ASCII, punctuation
    /// removed, runs of spaces and `-` become one `-`.
    PythonMarkdown,
    /// PyMdown's `pymdownx.slugs.slugify` (Material projects): as
    /// Python-Markdown, but letters outside ASCII are kept.
    PythonMarkdownUnicode,
}

/// The id for heading `text` in `style`.
pub fn slug(style: SlugStyle, text: &str) -> String {
    match style {
        SlugStyle::Handbook => crate::paths::slugify(text),
        SlugStyle::GitHub => text
            .trim()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                '-' | '_' => Some(c),
                c if c.is_alphanumeric() => Some(c),
                _ => None,
            })
            .flat_map(char::to_lowercase)
            .collect(),
        SlugStyle::MdBook => text
            .trim()
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    Some(c.to_ascii_lowercase())
                } else if c.is_whitespace() {
                    Some('-')
                } else {
                    None
                }
            })
            .collect(),
        SlugStyle::PythonMarkdown | SlugStyle::PythonMarkdownUnicode => {
            let unicode = style == SlugStyle::PythonMarkdownUnicode;
            let folded: String = if unicode {
                text.nfc().collect()
            } else {
                text.nfkd().filter(char::is_ascii).collect()
            };
            let kept: String = folded
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '\t'))
                .collect::<String>()
                .trim()
                .to_lowercase();
            let mut out = String::with_capacity(kept.len());
            let mut run = false;
            for c in kept.chars() {
                if c == '-' || c.is_whitespace() {
                    if !run {
                        out.push('-');
                    }
                    run = true;
                } else {
                    out.push(c);
                    run = false;
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_match_their_tools() {
        let g = |t| slug(SlugStyle::GitHub, t);
        assert_eq!(g("Prometheus/Thanos"), "prometheusthanos");
        assert_eq!(g("one...last...refactor?"), "onelastrefactor");
        assert_eq!(g("Use `context.Context` first"), "use-contextcontext-first");
        assert_eq!(g("A -- B"), "a----b");
        assert_eq!(g("snake_case names"), "snake_case-names");
        assert_eq!(g("Überblick Ärger"), "überblick-ärger");
        let m = |t| slug(SlugStyle::MdBook, t);
        assert_eq!(m("Prometheus/Thanos"), "prometheusthanos");
        assert_eq!(m("Überblick"), "Überblick");
        assert_eq!(m("snake_case - Names"), "snake_case---names");
        let p = |t| slug(SlugStyle::PythonMarkdown, t);
        assert_eq!(p("Prometheus/Thanos"), "prometheusthanos");
        assert_eq!(p("A -- B"), "a-b");
        assert_eq!(p("Café  au lait"), "cafe-au-lait");
        assert_eq!(p("What's new in v1.2?"), "whats-new-in-v12");
        assert_eq!(
            slug(SlugStyle::PythonMarkdownUnicode, "Café  au lait"),
            "café-au-lait"
        );
        let h = |t| slug(SlugStyle::Handbook, t);
        assert_eq!(h("Prometheus/Thanos"), "prometheus-thanos");
    }
}
