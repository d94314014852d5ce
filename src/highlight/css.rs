//! The code stylesheet: one colour per category for light and dark, taken
//! from the configured syntect themes by looking up a representative scope.

use std::fmt::Write as _;
use std::str::FromStr;

use syntect::highlighting::{Color, Highlighter, Theme, ThemeSet};
use syntect::parsing::Scope;

use super::Category;

fn representative(cat: Category) -> &'static str {
    match cat {
        Category::Keyword => "keyword.control",
        Category::String => "string.quoted.double",
        Category::Escape => "constant.character.escape",
        Category::Comment => "comment.line",
        Category::Function => "entity.name.function",
        Category::Type => "entity.name.type",
        Category::Number => "constant.numeric",
        Category::Operator => "keyword.operator",
        Category::Constant => "constant.language",
        Category::Builtin => "support.function",
        Category::Punctuation => "punctuation.separator",
        Category::Tag => "entity.name.tag",
    }
}

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance(c: Color) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.040_45 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

/// WCAG 2 contrast ratio between two colours (1 to 21).
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Normal text needs 4.5:1 (WCAG 2.2 AA, 1.4.3); a little more so that
/// rounding in a checker never lands just under it.
const MIN_CONTRAST: f64 = 4.6;

/// `fg`, or the nearest colour on the way from it to black (on a light
/// background) or white (on a dark one) that reads at [`MIN_CONTRAST`]
/// on `bg`. Themes pick pale comments and numbers (GitHub's grey comments
/// are 2.9:1 on white); the hue is kept, only lightness moves.
fn readable(fg: Color, bg: Color) -> Color {
    let target = if luminance(bg) > 0.18 {
        Color::BLACK
    } else {
        Color::WHITE
    };
    let mix =
        |a: u8, b: u8, t: f64| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    (0..=50)
        .map(|step| {
            let t = f64::from(step) / 50.0;
            Color {
                r: mix(fg.r, target.r, t),
                g: mix(fg.g, target.g, t),
                b: mix(fg.b, target.b, t),
                a: 0xff,
            }
        })
        .find(|c| contrast(*c, bg) >= MIN_CONTRAST)
        .unwrap_or(target)
}

fn palette(theme: &Theme) -> String {
    let h = Highlighter::new(theme);
    let mut out = String::new();
    let bg = theme.settings.background.unwrap_or(Color::WHITE);
    let fg = readable(theme.settings.foreground.unwrap_or(Color::BLACK), bg);
    let _ = write!(out, "--code-fg:{};--code-bg:{};", hex(fg), hex(bg));
    for cat in Category::ALL {
        let scope = Scope::from_str(representative(cat)).expect("valid scope");
        let style = h.style_for_stack(&[scope]);
        let color = readable(style.foreground, bg);
        let _ = write!(out, "--hl-{}:{};", cat.class(), hex(color));
        if cat == Category::Comment
            && style
                .font_style
                .contains(syntect::highlighting::FontStyle::ITALIC)
        {
            out.push_str("--hl-c-style:italic;");
        }
    }
    out
}

/// CSS for the code categories, light by default, dark under
/// `prefers-color-scheme: dark` or `data-theme="dark"` on `<html>`.
/// Errors name the unknown theme and list the available ones.
pub fn theme_css(light: &str, dark: &str) -> Result<String, String> {
    // Immutable, and slow enough to load (tens of ms) to matter on every `serve` rebuild.
    static THEMES: std::sync::OnceLock<ThemeSet> = std::sync::OnceLock::new();
    let themes = THEMES.get_or_init(ThemeSet::load_defaults);
    let get = |name: &str| {
        themes.themes.get(name).ok_or_else(|| {
            let mut names: Vec<_> = themes.themes.keys().map(String::as_str).collect();
            names.sort();
            format!(
                "unknown highlight theme `{name}` in [highlight]; available: {}",
                names.join(", ")
            )
        })
    };
    let (l, d) = (palette(get(light)?), palette(get(dark)?));
    let mut css = String::new();
    let _ = writeln!(css, ":root{{{l}}}");
    let _ = writeln!(css, ":root[data-theme=dark]{{{d}}}");
    let _ = writeln!(
        css,
        "@media (prefers-color-scheme:dark){{:root:not([data-theme=light]){{{d}}}}}"
    );
    for cat in Category::ALL {
        let c = cat.class();
        let _ = write!(css, ".code .{c}{{color:var(--hl-{c})}}");
    }
    css.push_str(".code .c{font-style:var(--hl-c-style,normal)}\n");
    Ok(css)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(hex: &str) -> Color {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
        Color {
            r: (v >> 16) as u8,
            g: (v >> 8) as u8,
            b: v as u8,
            a: 0xff,
        }
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast(Color::BLACK, Color::WHITE) - 21.0).abs() < 1e-9);
        // GitHub's comment grey on white, as axe-core reports it.
        assert!((contrast(parse("#969896"), Color::WHITE) - 2.9).abs() < 0.01);
    }

    #[test]
    fn pale_colours_are_moved_until_they_read() {
        let white = Color::WHITE;
        let grey = readable(parse("#969896"), white);
        assert!(contrast(grey, white) >= 4.5);
        // Darker, same hue family (still a grey), not snapped to black.
        assert!(grey.r < 0x96 && grey.r > 0x40 && grey.r.abs_diff(grey.b) <= 2);
        // A colour that already reads is kept as it is.
        assert_eq!(hex(readable(parse("#a71d5d"), white)), "#a71d5d");
        // On a dark background colours move towards white.
        let dark = parse("#2b303b");
        let c = readable(parse("#65737e"), dark);
        assert!(contrast(c, dark) >= 4.5 && luminance(c) > luminance(parse("#65737e")));
    }

    #[test]
    fn every_category_of_the_default_themes_reads_at_aa() {
        let css = theme_css("InspiredGitHub", "base16-ocean.dark").unwrap();
        for block in css.lines().take(2) {
            let bg = parse(block.split("--code-bg:").nth(1).unwrap().get(..7).unwrap());
            for var in block
                .split(';')
                .filter(|v| v.contains("--hl-") || v.contains("--code-fg"))
            {
                let Some(value) = var.split(':').nth(1).filter(|h| h.starts_with('#')) else {
                    continue;
                };
                let ratio = contrast(parse(value), bg);
                assert!(ratio >= 4.5, "{var} on {}: {ratio:.2}", hex(bg));
            }
        }
    }
}
