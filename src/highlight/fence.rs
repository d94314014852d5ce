//! Fence info strings: language, Don't/Do labels, line options, test marks.

/// Options from a fence's info string, e.g. ```` ```go bad {hl=[3, "5-7"], linenos} ````.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FenceInfo {
    /// Language token (lowercased), empty when none.
    pub lang: String,
    /// `bad` / `good` label for Don't/Do pairs.
    pub label: Option<PairSide>,
    /// `ignore`: skip Go checks for this block.
    pub ignore: bool,
    /// Show line numbers.
    pub linenos: bool,
    /// 1-based inclusive line ranges to highlight.
    pub hl_lines: Vec<(usize, usize)>,
    /// A caption (PyMdown's `title="main.go"`).
    pub title: Option<String>,
    /// `test`: a `_test.go` file for `handbook test`.
    pub test: bool,
    /// `no_run`: `handbook test` builds the program but does not run it (a
    /// server waiting for a signal, a program that needs the network).
    pub no_run: bool,
    /// `compile_fail` / `vet_fail`: `handbook test` expects the block to fail so.
    pub expect_fail: Option<ExpectFail>,
    /// Options we did not understand, for a warning.
    pub unknown: Vec<String>,
}

/// Split an info string's words on white space and commas, keeping
/// `key="quoted value"` together.
fn info_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c.is_whitespace() || c == ',' => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// How a deliberately broken Go example must fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExpectFail {
    /// `go build` must reject it.
    Compile,
    /// It builds, and `go vet` must reject it.
    Vet,
}

/// Which side of a Don't/Do pair a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PairSide {
    /// The "Don't" example.
    Bad,
    /// The "Do" example.
    Good,
}

impl FenceInfo {
    /// Parse an info string. Words after the language are flags (`bad`, `good`,
    /// `ignore`, `linenos`); `{...}` holds `hl=[3, "5-7"]` and/or `linenos`.
    pub fn parse(info: &str) -> FenceInfo {
        let mut out = FenceInfo::default();
        // PyMdown's attribute form: ```` ``` { .go title="main.go" } ````.
        let trimmed = info.trim();
        if let Some(inner) = trimmed.strip_prefix('{').and_then(|t| t.strip_suffix('}'))
            && inner.trim_start().starts_with('.')
        {
            let inner = inner.trim_start().trim_start_matches('.');
            return FenceInfo::parse(inner);
        }
        let (words, braces) = match info.find('{') {
            Some(i) => (&info[..i], info[i + 1..].trim_end().trim_end_matches('}')),
            None => (info, ""),
        };
        let words = info_words(words);
        let mut words = words.iter().map(String::as_str);
        out.lang = words.next().unwrap_or("").to_ascii_lowercase();
        for w in words {
            match w.split_once('=') {
                // PyMdown / MkDocs fence options.
                Some(("title", t)) => out.title = Some(t.to_string()).filter(|t| !t.is_empty()),
                Some(("linenums", _)) => out.linenos = true,
                Some(("hl_lines", v)) => out.hl_lines_words(v),
                _ => match w {
                    "bad" => out.label = Some(PairSide::Bad),
                    "good" => out.label = Some(PairSide::Good),
                    "ignore" => out.ignore = true,
                    "linenos" => out.linenos = true,
                    "test" => out.test = true,
                    "no_run" => out.no_run = true,
                    "compile_fail" => out.expect_fail = Some(ExpectFail::Compile),
                    "vet_fail" => out.expect_fail = Some(ExpectFail::Vet),
                    other => out.unknown.push(other.to_string()),
                },
            }
        }
        // Brace options: split on commas outside [ ].
        let mut depth = 0;
        let mut start = 0;
        let mut parts = Vec::new();
        for (i, c) in braces.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&braces[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&braces[start..]);
        for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            if part == "linenos" {
                out.linenos = true;
            } else if let Some(v) = part
                .strip_prefix("hl")
                .map(str::trim_start)
                .and_then(|v| v.strip_prefix('='))
            {
                let v = v.trim().trim_start_matches('[').trim_end_matches(']');
                for item in v.split(',').map(|s| s.trim().trim_matches('"')) {
                    let range = match item.split_once('-') {
                        Some((a, b)) => a.trim().parse().ok().zip(b.trim().parse().ok()),
                        None => item.parse().ok().map(|n| (n, n)),
                    };
                    match range {
                        Some((a, b)) if a >= 1 && a <= b => out.hl_lines.push((a, b)),
                        _ => out.unknown.push(format!("hl={item}")),
                    }
                }
            } else {
                // PyMdown's brace form: `{linenums="1" hl_lines="2 3" .class}`.
                for w in info_words(part) {
                    match w.split_once('=') {
                        Some(("title", t)) => {
                            out.title = Some(t.to_string()).filter(|t| !t.is_empty())
                        }
                        Some(("linenums", _)) => out.linenos = true,
                        Some(("hl_lines", v)) => out.hl_lines_words(v),
                        _ if w.starts_with('.') || w.starts_with('#') => {}
                        _ => out.unknown.push(w),
                    }
                }
            }
        }
        out
    }

    /// PyMdown's `hl_lines="2 4-5"`.
    fn hl_lines_words(&mut self, v: &str) {
        for item in v.split_whitespace() {
            let range = match item.split_once('-') {
                Some((a, b)) => a.parse().ok().zip(b.parse().ok()),
                None => item.parse().ok().map(|n| (n, n)),
            };
            match range {
                Some((a, b)) if a >= 1 && a <= b => self.hl_lines.push((a, b)),
                _ => self.unknown.push(format!("hl_lines={item}")),
            }
        }
    }

    pub(super) fn wants_lines(&self) -> bool {
        self.linenos || !self.hl_lines.is_empty()
    }

    pub(super) fn is_hl(&self, line: usize) -> bool {
        self.hl_lines.iter().any(|&(a, b)| (a..=b).contains(&line))
    }
}
