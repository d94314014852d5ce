//! YAML front matter (`---`), as written by Hugo, Jekyll and MkDocs.
//!
//! It is read into the same [`FrontMatter`] as TOML; keys we do not know go to `extra`.

use std::path::Path;

use crate::content::FrontMatter;
use crate::diag::Diagnostic;

/// Parse YAML front matter text; lines in messages count the opening `---` as line 1.
pub fn front_matter(text: &str, display: &Path) -> Result<FrontMatter, Diagnostic> {
    let located = |e: serde_yaml::Error| {
        let (line, col) = e.location().map_or((0, 0), |l| (l.line() + 1, l.column()));
        Diagnostic::error("front-matter", format!("invalid YAML front matter: {e}"))
            .in_file(display)
            .at(line, col)
    };
    if text.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let mut front: FrontMatter = serde_yaml::from_str(text).map_err(located)?;
    let map: serde_yaml::Mapping = serde_yaml::from_str(text).map_err(located)?;
    for (k, v) in map {
        let Some(key) = k.as_str() else { continue };
        if crate::content::KNOWN_KEYS.contains(&key) {
            continue;
        }
        // Values TOML cannot hold (null) are dropped rather than failing the page.
        if let Ok(value) = serde_yaml::from_value::<toml::Value>(v) {
            front.extra.insert(key.to_string(), value);
        }
    }
    Ok(front)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_common_fields() {
        let f = front_matter(
            "title: Hello\nweight: 3\ntags: [a, b]\ndate: 2024-01-02\nlayout: post\n",
            Path::new("a.md"),
        )
        .unwrap();
        assert_eq!(f.title.as_deref(), Some("Hello"));
        assert_eq!(f.weight, Some(3));
        assert_eq!(f.tags, ["a", "b"]);
        assert_eq!(f.date.unwrap().to_string(), "2024-01-02");
        assert_eq!(f.extra["layout"].as_str(), Some("post"));
    }
}
