//! Line-based rewriting of Markdown sources (MkDocs and GitBook syntax),
//! with a line map so findings keep pointing at the author's line and column.

/// One line being rewritten: its text (no newline), the source line it came
/// from (1-based) and how many columns were removed from its start.
#[derive(Debug, Clone)]
pub struct Line {
    /// Text without the line break.
    pub text: String,
    /// 1-based source line.
    pub src: u32,
    /// Columns removed (dedent) before `text`.
    pub shift: u32,
}

/// A source's lines, numbered from 1 (a `\r` before the break is dropped).
pub fn split(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .map(|(i, l)| Line {
            text: l.trim_end_matches('\r').to_string(),
            src: i as u32 + 1,
            shift: 0,
        })
        .collect()
}

/// The text of `lines` and, for each, (source line, columns removed).
pub fn join(lines: Vec<Line>) -> (String, Vec<(u32, u32)>) {
    let mut text = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    let mut map = Vec::with_capacity(lines.len());
    for l in lines {
        text.push_str(&l.text);
        text.push('\n');
        map.push((l.src, l.shift));
    }
    (text, map)
}

/// A new line standing where `like` stands in the source.
pub fn like(text: String, like: &Line) -> Line {
    Line {
        text,
        src: like.src,
        shift: like.shift,
    }
}

/// An opening code fence: (char, length, info string).
pub fn fence_open(trimmed: &str) -> Option<(char, usize, &str)> {
    let c = trimmed.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = trimmed.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    let info = &trimmed[n..];
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, n, info.trim()))
}

/// Does `trimmed` close a fence of `n` × `c`?
pub fn fence_closes(trimmed: &str, c: char, n: usize) -> bool {
    let m = trimmed.chars().take_while(|&x| x == c).count();
    m >= n && trimmed[m..].trim().is_empty()
}
