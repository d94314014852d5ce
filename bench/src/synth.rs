//! A deterministic generator of synthetic Go handbooks, for benchmarks.
//!
//! Pages spread over standards, runbooks, tracks and onboarding, with prose,
//! headings, tables, lists, internal links with anchors, rule ids and 2-6 Go
//! blocks of 10-60 lines each: about 8-9 KB of Markdown per page.

use std::fmt::Write as _;
use std::path::Path;

/// A small xorshift generator: deterministic across runs and platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "service",
    "request",
    "context",
    "deadline",
    "goroutine",
    "channel",
    "error",
    "latency",
    "handler",
    "client",
    "server",
    "retry",
    "timeout",
    "budget",
    "metric",
    "trace",
    "span",
    "allocation",
    "buffer",
    "pool",
    "consumer",
    "producer",
    "partition",
    "offset",
    "query",
    "connection",
    "transaction",
    "cache",
    "eviction",
    "rollout",
    "deploy",
    "review",
    "owner",
    "interface",
    "package",
    "module",
    "dependency",
    "benchmark",
    "profile",
    "heap",
    "stack",
    "mutex",
    "atomic",
    "race",
    "shutdown",
    "signal",
    "health",
    "readiness",
    "probe",
    "alert",
];
const VERBS: &[&str] = &[
    "returns",
    "wraps",
    "cancels",
    "propagates",
    "limits",
    "records",
    "drains",
    "retries",
    "validates",
    "closes",
    "measures",
    "logs",
    "bounds",
    "releases",
    "checks",
    "owns",
];
const IDENTS: &[&str] = &[
    "ctx", "req", "resp", "err", "cfg", "conn", "pool", "buf", "wg", "mu", "done", "results",
    "items", "limit", "client", "srv", "logger", "span", "batch", "offset",
];
const TYPES: &[&str] = &[
    "Order", "Payment", "Consumer", "Limiter", "Store", "Cache", "Worker", "Batch", "Event",
    "Tracker", "Backoff", "Breaker",
];
const CALLS: &[&str] = &[
    "context.WithTimeout(ctx, 2*time.Second)",
    "errors.Join(errs...)",
    "fmt.Errorf(\"load %s: %w\", id, err)",
    "slog.InfoContext(ctx, \"processed\", \"count\", n)",
    "http.NewRequestWithContext(ctx, http.MethodGet, url, nil)",
    "strconv.Itoa(n)",
    "sync.OnceValue(loadConfig)",
    "time.NewTicker(interval)",
    "json.NewDecoder(r.Body).Decode(&v)",
];

fn sentence(r: &mut Rng) -> String {
    let n = 8 + r.below(12);
    let mut s = String::new();
    for i in 0..n {
        let w = if i % 4 == 2 {
            r.pick(VERBS)
        } else {
            r.pick(WORDS)
        };
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            if r.below(12) == 0 {
                let _ = write!(s, "`{}`", r.pick(IDENTS));
            } else {
                s.push_str(w);
            }
        }
    }
    s.push('.');
    s
}

fn paragraph(r: &mut Rng) -> String {
    (0..3 + r.below(3))
        .map(|_| sentence(r))
        .collect::<Vec<_>>()
        .join(" ")
}

fn go_block(r: &mut Rng, lines: usize) -> String {
    let ty = r.pick(TYPES);
    let mut s = format!("type {ty}[T any] struct {{\n\tmu    sync.Mutex\n\titems []T\n}}\n\n");
    let _ = writeln!(
        s,
        "func (x *{ty}[T]) Process(ctx context.Context, in []T) (int, error) {{"
    );
    let mut written = 6;
    while written + 2 < lines {
        match r.below(5) {
            0 => {
                let _ = writeln!(s, "\t{} := {}", r.pick(IDENTS), r.pick(CALLS));
                written += 1;
            }
            1 => {
                s.push_str(
                    "\tif err != nil {\n\t\treturn 0, fmt.Errorf(\"process: %w\", err)\n\t}\n",
                );
                written += 3;
            }
            2 => {
                s.push_str(
                    "\tselect {\n\tcase <-ctx.Done():\n\t\treturn 0, ctx.Err()\n\tdefault:\n\t}\n",
                );
                written += 5;
            }
            3 => {
                let _ = writeln!(s, "\t// {}", sentence(r));
                written += 1;
            }
            _ => {
                s.push_str("\tfor i, v := range in {\n\t\tx.mu.Lock()\n\t\tx.items = append(x.items, v)\n\t\tx.mu.Unlock()\n\t\t_ = i\n\t}\n");
                written += 6;
            }
        }
    }
    s.push_str("\treturn len(in), nil\n}\n");
    s
}

const KINDS: [&str; 4] = ["standards", "runbooks", "tracks", "onboarding"];

/// Path (relative to content/) of page `i` of `n`.
fn page_path(i: usize) -> String {
    let kind = KINDS[i % 4];
    let group = i / 200;
    match kind {
        "tracks" => format!("tracks/track-{group}/module-{i}.md"),
        _ => format!("{kind}/group-{group}/page-{i}.md"),
    }
}

/// Write a synthetic handbook of `n` pages into `dir` (book.toml and content/).
pub fn generate(dir: &Path, n: usize) -> std::io::Result<u64> {
    let content = dir.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Synthetic Handbook\"\n\n[build]\nbroken-links = \"error\"\n",
    )?;
    std::fs::write(
        content.join("_index.md"),
        "+++\ntitle = \"Synthetic Handbook\"\n+++\n\nGenerated for benchmarks.\n",
    )?;
    let mut dirs = std::collections::BTreeSet::new();
    let mut bytes = 0u64;
    for i in 0..n {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ ((i as u64 + 1) * 0x1000_0001));
        let rel = page_path(i);
        let folder = Path::new(&rel).parent().expect("has folder").to_path_buf();
        if dirs.insert(folder.clone()) {
            std::fs::create_dir_all(content.join(&folder))?;
            let name = folder.to_string_lossy().replace('/', " ");
            let mut index = format!("+++\ntitle = \"{name}\"\n");
            if folder.starts_with("runbooks") {
                index.push_str("kind = \"runbook\"\n");
            } else if folder.starts_with("tracks") {
                index.push_str("kind = \"track\"\nlevel = \"mid\"\nduration = \"4 weeks\"\n");
            } else if folder.starts_with("standards") {
                index.push_str("kind = \"standard\"\n");
            }
            index.push_str("+++\n\nThis section groups related pages.\n");
            std::fs::write(content.join(&folder).join("_index.md"), index)?;
        }
        let kind = KINDS[i % 4];
        let mut md = format!(
            "+++\ntitle = \"{} {i}\"\nweight = {}\n",
            r.pick(TYPES),
            i % 50
        );
        if kind == "runbooks" {
            md.push_str(&format!(
                "owner = \"team-{}\"\nseverity = \"SEV{}\"\nservices = [\"svc-{i}\"]\nalerts = [\"Alert{i}High\"]\nlast-reviewed = 2026-06-01\n",
                i % 7,
                1 + i % 4
            ));
        }
        md.push_str("+++\n\n");
        md.push_str(&paragraph(&mut r));
        md.push_str("\n\n");
        let sections = 4 + r.below(3);
        let blocks = 2 + r.below(5);
        for s in 0..sections {
            if kind == "standards" {
                let _ = writeln!(
                    md,
                    "## {} {} {{#SYN-{i}-{s:03} .must}}\n",
                    r.pick(VERBS),
                    r.pick(WORDS)
                );
            } else {
                let _ = writeln!(md, "## {} {}\n", r.pick(WORDS), r.pick(WORDS));
            }
            md.push_str(&paragraph(&mut r));
            md.push_str("\n\n");
            if s == 1 {
                md.push_str("| Field | Meaning | Default |\n|---|---|---|\n");
                for _ in 0..4 {
                    let _ = writeln!(
                        md,
                        "| `{}` | {} | {} |",
                        r.pick(IDENTS),
                        sentence(&mut r),
                        r.below(100)
                    );
                }
                md.push('\n');
            }
            if s == 2 {
                for _ in 0..4 {
                    let _ = writeln!(md, "- {}", sentence(&mut r));
                }
                md.push('\n');
                // A link to another page (standards carry rule anchors).
                let j = (i + 4 * (1 + r.below(5))) % n.max(1);
                let target = page_path(j);
                let from = Path::new(&rel).parent().expect("folder");
                let up = "../".repeat(from.components().count());
                let _ = writeln!(md, "See also [a related page]({up}{target}).\n");
                if i >= 4 && KINDS[(i / 4 * 4) % 4] == "standards" {
                    let k = (i / 4 * 4).saturating_sub(4);
                    let _ = writeln!(md, "This follows [rule SYN-{k}-000](rule:SYN-{k}-000).\n");
                }
            }
            if s < blocks {
                let lines = 10 + r.below(51);
                md.push_str("```go\n");
                md.push_str(&go_block(&mut r, lines));
                md.push_str("```\n\n");
            }
        }
        bytes += md.len() as u64;
        std::fs::write(content.join(&rel), md)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_buildable() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let na = generate(a.path(), 24).unwrap();
        let nb = generate(b.path(), 24).unwrap();
        assert_eq!(na, nb);
        assert!(na / 24 > 4000, "pages are several KB: {}", na / 24);
        let p = "content/standards/group-0/page-8.md";
        assert_eq!(
            std::fs::read(a.path().join(p)).unwrap(),
            std::fs::read(b.path().join(p)).unwrap()
        );
        let hl = handbook::highlight::Highlighter::new();
        let opts = handbook::site::LoadOptions {
            root: a.path().to_path_buf(),
            drafts: false,
            ..Default::default()
        };
        let site = handbook::site::load(&opts, &hl, None).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(site.diagnostics.error_count(), 0, "{}", site.diagnostics);
        assert_eq!(site.pages.iter().filter(|p| !p.is_index).count(), 24);
    }
}
