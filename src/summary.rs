//! mdBook's `SUMMARY.md`: the navigation of a book, exactly as mdBook reads it:
//! prefix chapters, part titles (`# Part`), numbered chapters with nesting,
//! separators (`---`), draft chapters (`[Title]()`) and suffix chapters.
//! A list item without a link (a common near-variant that mdBook rejects)
//! becomes an unlinked group.

use std::path::Path;

use crate::diag::Diagnostic;

/// One entry of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `# Part title`.
    Part(String),
    /// `---`.
    Separator,
    /// A chapter: prefix/suffix ones have no number; drafts have no path.
    Chapter {
        /// Link text.
        title: String,
        /// Source path relative to the book's `src`, None for drafts and groups.
        path: Option<String>,
        /// `1.2.` style number, for numbered chapters.
        number: Option<String>,
        /// 1-based line in SUMMARY.md.
        line: usize,
        /// Nested chapters.
        children: Vec<Item>,
    },
}

fn parse_link(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    let rest = s.strip_prefix('[')?;
    let close = rest.find("](")?;
    let title = rest[..close].to_string();
    let after = &rest[close + 2..];
    let end = after.rfind(')')?;
    if !after[end + 1..].trim().is_empty() {
        return None;
    }
    let dest = after[..end].trim();
    // CommonMark's `<a b.md>` form: a destination with spaces, in brackets.
    let dest = dest
        .strip_prefix('<')
        .and_then(|d| d.strip_suffix('>'))
        .unwrap_or(dest);
    Some((title, dest.to_string()))
}

fn decode(path: &str) -> String {
    crate::paths::percent_decode(path)
}

/// Parse SUMMARY.md text as mdBook does: the first problem is an error.
pub fn parse(text: &str, file: &Path) -> Result<Vec<Item>, Diagnostic> {
    let (items, mut problems) = parse_lenient(text, file);
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(problems.swap_remove(0))
    }
}

/// Parse SUMMARY.md text, skipping lines that cannot be read (each one a
/// finding) instead of giving up: GitBook's summaries are looser than mdBook's.
pub fn parse_lenient(text: &str, file: &Path) -> (Vec<Item>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let err =
        |line: usize, msg: String| Diagnostic::error("summary", msg).in_file(file).at(line, 1);
    let mut items: Vec<Item> = Vec::new();
    // Stack of (indent, path of indexes into nested children) for list items.
    let mut stack: Vec<usize> = Vec::new();
    let mut counters: Vec<usize> = Vec::new();
    let mut seen_title = false;
    let mut seen_numbered = false;
    let mut in_code = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || trimmed.is_empty() || trimmed.starts_with("<!--") {
            continue;
        }
        if let Some(h) = trimmed.strip_prefix('#') {
            let title = h.trim_start_matches('#').trim().to_string();
            if !seen_title && items.is_empty() {
                seen_title = true; // the book's "# Summary" heading
            } else {
                items.push(Item::Part(title));
                stack.clear();
            }
            continue;
        }
        if is_separator(trimmed) {
            items.push(Item::Separator);
            stack.clear();
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let list = ["- ", "* ", "+ "]
            .iter()
            .find_map(|m| trimmed.strip_prefix(m));
        match list {
            Some(content) => {
                seen_numbered = true;
                let depth = list_depth(&mut stack, indent);
                let number = next_number(&mut counters, depth);
                let (title, path) = match parse_link(content) {
                    Some((t, p)) if p.is_empty() => (t, None),
                    Some((t, p)) => (t, Some(decode(&p))),
                    None => (content.trim().to_string(), None),
                };
                let chapter = Item::Chapter {
                    title,
                    path,
                    number: Some(number),
                    line: line_no,
                    children: Vec::new(),
                };
                let reachable = reachable_depth(&items, depth);
                if reachable < depth {
                    problems.push(err(
                        line_no,
                        "nested list item has no parent chapter: indent it under a chapter or remove the indentation".into(),
                    ));
                }
                push_at(&mut items, reachable, chapter);
            }
            None => match parse_link(trimmed) {
                Some((title, path)) => {
                    if indent > 0 {
                        problems.push(err(line_no, "prefix and suffix chapters cannot be nested: start the line with `- ` to make it a numbered chapter".into()));
                    }
                    if seen_numbered && path.is_empty() {
                        problems.push(err(line_no, "suffix chapters cannot be drafts (`[Title]()`): give the chapter a file".into()));
                        continue;
                    }
                    let _ = seen_numbered;
                    items.push(Item::Chapter {
                        title,
                        path: (!path.is_empty()).then(|| decode(&path)),
                        number: None,
                        line: line_no,
                        children: Vec::new(),
                    });
                    stack.clear();
                }
                None => {
                    problems.push(err(
                        line_no,
                        format!(
                            "cannot read `{trimmed}` in SUMMARY.md: expected `- [Title](file.md)`, `[Title](file.md)`, `# Part title` or `---`"
                        ),
                    ));
                }
            },
        }
    }
    (items, problems)
}

/// `---`, `***` or `___` (three or more): a separator.
fn is_separator(line: &str) -> bool {
    line.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|&m| line.chars().all(|c| c == m))
}

/// The nesting depth of a list item at `indent`, given the indents of the
/// items above it (`stack`, updated).
fn list_depth(stack: &mut Vec<usize>, indent: usize) -> usize {
    while stack.last().is_some_and(|&d| d > indent) {
        stack.pop();
    }
    if stack.last() != Some(&indent) {
        stack.push(indent);
    }
    stack.len() - 1
}

/// The chapter number (`2.1.`) of the next item at `depth`.
fn next_number(counters: &mut Vec<usize>, depth: usize) -> String {
    counters.truncate(depth + 1);
    while counters.len() <= depth {
        counters.push(0);
    }
    counters[depth] += 1;
    counters.iter().map(|n| format!("{n}.")).collect()
}

/// How deep the chapters above this line actually go, up to `depth`
/// (descending into the last chapter at each level).
fn reachable_depth(items: &[Item], depth: usize) -> usize {
    let mut reachable = 0;
    let mut probe = items;
    while reachable < depth {
        match probe.last() {
            Some(Item::Chapter { children, .. }) => {
                probe = children;
                reachable += 1;
            }
            _ => break,
        }
    }
    reachable
}

/// The same tree without chapter numbers: GitBook shows none.
pub fn without_numbers(items: Vec<Item>) -> Vec<Item> {
    items
        .into_iter()
        .map(|it| match it {
            Item::Chapter {
                title,
                path,
                line,
                children,
                ..
            } => Item::Chapter {
                title,
                path,
                number: None,
                line,
                children: without_numbers(children),
            },
            other => other,
        })
        .collect()
}

/// Push `item` into the last chapter `depth` levels down.
fn push_at(items: &mut Vec<Item>, depth: usize, item: Item) {
    match items.last_mut() {
        Some(Item::Chapter { children, .. }) if depth > 0 => push_at(children, depth - 1, item),
        _ => items.push(item),
    }
}

/// Every linked path, in reading order, with its SUMMARY.md line.
pub fn links(items: &[Item]) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    fn walk<'a>(items: &'a [Item], out: &mut Vec<(&'a str, usize)>) {
        for it in items {
            if let Item::Chapter {
                path,
                line,
                children,
                ..
            } = it
            {
                if let Some(p) = path {
                    out.push((p.as_str(), *line));
                }
                walk(children, out);
            }
        }
    }
    walk(items, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Summary\n\n[Introduction](README.md)\n\n# User Guide\n\n- [Installation](guide/install.md)\n    - [Linux](guide/linux.md)\n    - [Draft]()\n- [Usage](guide/usage.md)\n- Group without link\n    - [Child](guide/child.md)\n\n---\n\n# Reference\n\n- [API](ref/api.md)\n\n[Contributors](CONTRIBUTORS.md)\n";

    #[test]
    fn reads_every_feature() {
        let items = parse(TEXT, Path::new("SUMMARY.md")).unwrap();
        assert!(
            matches!(&items[0], Item::Chapter { title, number: None, .. } if title == "Introduction")
        );
        assert_eq!(items[1], Item::Part("User Guide".into()));
        let Item::Chapter {
            number, children, ..
        } = &items[2]
        else {
            panic!()
        };
        assert_eq!(number.as_deref(), Some("1."));
        assert_eq!(children.len(), 2);
        assert!(
            matches!(&children[1], Item::Chapter { path: None, number: Some(n), .. } if n == "1.2.")
        );
        assert!(
            matches!(&items[4], Item::Chapter { path: None, title, .. } if title == "Group without link")
        );
        assert_eq!(items[5], Item::Separator);
        assert_eq!(items[6], Item::Part("Reference".into()));
        assert!(matches!(&items[7], Item::Chapter { number: Some(n), .. } if n == "4."));
        assert!(
            matches!(&items[8], Item::Chapter { number: None, title, .. } if title == "Contributors")
        );
        let order: Vec<&str> = links(&items).iter().map(|(p, _)| *p).collect();
        assert_eq!(
            order,
            [
                "README.md",
                "guide/install.md",
                "guide/linux.md",
                "guide/usage.md",
                "guide/child.md",
                "ref/api.md",
                "CONTRIBUTORS.md"
            ]
        );
    }

    #[test]
    fn parts_fences_and_separators() {
        let items = |t: &str| parse_lenient(t, Path::new("SUMMARY.md")).0;
        // A part right after the title is a part, not a second title.
        let got = items("- [Spaced](<b c.md>)\n");
        assert!(format!("{got:?}").contains("\"b c.md\""), "{got:?}");
        let got = items("# Summary\n\n# Part One\n\n- [A](a.md)\n");
        assert_eq!(got[0], Item::Part("Part One".into()));
        assert!(matches!(&got[1], Item::Chapter { title, .. } if title == "A"));
        // Without `# Summary`, a heading after chapters is a part.
        let got = items("- [A](a.md)\n\n# Part\n\n- [B](b.md)\n");
        assert_eq!(got[1], Item::Part("Part".into()));
        // Lines inside a code fence are not chapters.
        let got = items("# Summary\n\n```\n- [Not](not.md)\n```\n\n- [Yes](yes.md)\n");
        let paths: Vec<&str> = links(&got).iter().map(|(p, _)| *p).collect();
        assert_eq!(paths, ["yes.md"]);
        // Every thematic break is a separator.
        for sep in ["---", "***", "___", "-----"] {
            let got = items(&format!("- [A](a.md)\n\n{sep}\n\n- [B](b.md)\n"));
            assert_eq!(got[1], Item::Separator, "{sep}");
        }
    }

    #[test]
    fn rejects_what_mdbook_rejects() {
        let e = parse(
            "# Summary\n\nSome paragraph text.\n",
            Path::new("SUMMARY.md"),
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse(
            "# S\n\n    [Nested prefix](a.md)\n",
            Path::new("SUMMARY.md"),
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
    }
}
