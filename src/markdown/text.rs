//! A page's search text and code blocks, held as rendered or packed.
//!
//! `build` holds every page of a site until the search index is made; on
//! large sites the prose and code are a third of what it holds (620 MiB at
//! 100,000 generated pages). Packed, they are one LZ4 block per page, about
//! a third of the size, with no growth slack; readers unpack one page at a
//! time.

use std::borrow::Cow;

use super::{CodeBlock, TextPart};

/// Search text (one part per heading) and code blocks of one page.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PageText {
    pub(super) parts: Vec<TextPart>,
    pub(super) code_blocks: Vec<CodeBlock>,
    /// When packed: every part's text, then every block's code, each with
    /// its length (u32, little-endian) in front, LZ4-compressed with the
    /// total length in front. The strings above are then empty.
    #[serde(with = "serde_bytes")]
    packed: Option<Vec<u8>>,
}

impl PageText {
    /// Parts and code blocks with their text (unpacked when packed).
    pub fn unpacked(&self) -> (Cow<'_, [TextPart]>, Cow<'_, [CodeBlock]>) {
        let Some(packed) = &self.packed else {
            return (
                Cow::Borrowed(&self.parts[..]),
                Cow::Borrowed(&self.code_blocks[..]),
            );
        };
        // Packed by `pack` from valid strings: valid LZ4, lengths and UTF-8.
        let bytes = lz4_flex::block::decompress_size_prepended(packed).unwrap_or_default();
        let mut rest = &bytes[..];
        let mut next = || {
            let (len, tail) = rest.split_first_chunk::<4>()?;
            let len = u32::from_le_bytes(*len) as usize;
            let (s, tail) = tail.split_at_checked(len)?;
            rest = tail;
            String::from_utf8(s.to_vec()).ok()
        };
        let mut parts = self.parts.clone();
        for p in &mut parts {
            p.text = next().unwrap_or_default();
        }
        let mut code_blocks = self.code_blocks.clone();
        for b in &mut code_blocks {
            b.code = next().unwrap_or_default();
        }
        (Cow::Owned(parts), Cow::Owned(code_blocks))
    }

    /// The code blocks with their code.
    pub fn code_blocks(&self) -> Cow<'_, [CodeBlock]> {
        self.unpacked().1
    }

    /// Whether a code block satisfies `f`, judged without unpacking: `f`
    /// sees each block's fence and flags, and its code only when not packed.
    pub fn any_block(&self, f: impl Fn(&CodeBlock) -> bool) -> bool {
        self.code_blocks.iter().any(f)
    }

    /// The text parts with their text.
    pub fn parts(&self) -> Cow<'_, [TextPart]> {
        self.unpacked().0
    }

    /// Compress the text and code in place (once; later calls do nothing).
    pub fn pack(&mut self) {
        if self.packed.is_some() {
            return;
        }
        let strings = self
            .parts
            .iter_mut()
            .map(|p| &mut p.text)
            .chain(self.code_blocks.iter_mut().map(|b| &mut b.code));
        let mut raw = Vec::new();
        for s in strings {
            // A part or block over 4 GiB cannot come from a Markdown file
            // that was read into memory whole; saturate rather than wrap.
            let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
            raw.extend_from_slice(&len.to_le_bytes());
            raw.extend_from_slice(&s.as_bytes()[..len as usize]);
            *s = String::new();
        }
        let mut packed = lz4_flex::block::compress_prepend_size(&raw);
        packed.shrink_to_fit();
        self.parts.shrink_to_fit();
        self.code_blocks.shrink_to_fit();
        self.packed = Some(packed);
    }

    /// Bytes held by the text and code (compressed when packed).
    pub fn held(&self) -> usize {
        match &self.packed {
            Some(p) => p.len(),
            None => {
                self.parts.iter().map(|p| p.text.len()).sum::<usize>()
                    + self.code_blocks.iter().map(|b| b.code.len()).sum::<usize>()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PageText {
        let block = |code: &str, part| CodeBlock {
            info: Default::default(),
            code: code.into(),
            first_line: 7,
            indent: 2,
            lexed_clean: true,
            part,
        };
        PageText {
            parts: vec![
                TextPart {
                    heading: None,
                    text: "Intro é text.".into(),
                },
                TextPart {
                    heading: Some(0),
                    text: String::new(),
                },
                TextPart {
                    heading: Some(1),
                    text: "Goroutines leak when nothing stops them. ".repeat(50),
                },
            ],
            code_blocks: vec![block("func main() {}\n", 0), block("", 2)],
            packed: None,
        }
    }

    #[test]
    fn packing_keeps_every_string_and_field() {
        let plain = sample();
        let mut packed = sample();
        packed.pack();
        packed.pack();
        assert!(packed.parts.iter().all(|p| p.text.is_empty()));
        let bytes = "Intro é text.".len() + 41 * 50 + "func main() {}\n".len();
        assert_eq!(plain.held(), bytes);
        assert!(packed.held() < bytes / 2, "{}", packed.held());
        let (parts, code) = packed.unpacked();
        let texts = |p: &[TextPart]| {
            p.iter()
                .map(|p| (p.heading, p.text.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(&parts), texts(&plain.parts));
        let blocks = |b: &[CodeBlock]| {
            b.iter()
                .map(|b| (b.code.clone(), b.first_line, b.indent, b.part))
                .collect::<Vec<_>>()
        };
        assert_eq!(blocks(&code), blocks(&plain.code_blocks));
        assert_eq!(blocks(&packed.code_blocks()), blocks(&plain.code_blocks));
        assert_eq!(texts(&packed.parts()), texts(&plain.parts));
    }
}
