//! Block-level helpers of the renderer: inline tables of contents, mdBook's
//! hidden Rust lines, comment-only HTML, Don't/Do labels.

use std::fmt::Write as _;

use super::Heading;
use crate::highlight::PairSide;

/// Stands for an inline table of contents until the headings are known.
pub(super) const TOC_MARK: &str = "<!--handbook:toc-->";

/// A nested list of the page's headings (h2-h4), for `[[_TOC_]]`.
pub(super) fn inline_toc(headings: &[Heading]) -> String {
    let mut s = String::from("<nav class=\"inline-toc\" aria-label=\"Contents\"><ul>\n");
    for h in headings.iter().filter(|h| (2..=4).contains(&h.level)) {
        let _ = writeln!(
            s,
            "<li class=\"toc-{}\"><a href=\"#{}\">{}</a></li>",
            h.level,
            crate::html::escape(&h.id),
            crate::html::escape(&h.text)
        );
    }
    s.push_str("</ul></nav>\n");
    s
}

/// mdBook's hidden lines in Rust examples: `# line` (and a lone `#`) is
/// compiled but not shown; `##` shows as `#`.
pub(super) fn hide_rust_lines(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        if t.starts_with("##") {
            out.push_str(indent);
            out.push_str(&t[1..]);
        } else if !(t.starts_with("# ") || t.trim_end() == "#") {
            out.push_str(line);
        }
    }
    out
}

/// True when `html` is only comments and white space.
pub(super) fn is_comment_only(html: &str) -> bool {
    let mut rest = html.trim();
    while let Some(after) = rest.strip_prefix("<!--") {
        match after.find("-->") {
            Some(end) => rest = after[end + 3..].trim_start(),
            None => return false,
        }
    }
    rest.is_empty()
}

pub(super) fn labelled(side: PairSide, pre: &str) -> String {
    let (class, label) = match side {
        PairSide::Bad => ("bad", "Don't"),
        PairSide::Good => ("good", "Do"),
    };
    format!(
        "<figure class=\"example example-{class}\"><figcaption>{label}</figcaption>{pre}</figure>"
    )
}

/// A diagram block: the source in a `<pre>` that the diagram script replaces
/// with the drawing (and keeps, collapsed, below it).
pub(super) fn diagram(source: &str) -> String {
    let mut s = String::from(
        "<figure class=\"diagram\" data-diagram=\"mermaid\"><pre class=\"diagram-source\" aria-label=\"Diagram source (Mermaid)\"><code>",
    );
    crate::html::escape_into(&mut s, source.trim_end());
    s.push_str("</code></pre></figure>\n");
    s
}
