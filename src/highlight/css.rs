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

fn palette(theme: &Theme) -> String {
    let h = Highlighter::new(theme);
    let mut out = String::new();
    let fg = theme.settings.foreground.unwrap_or(Color::BLACK);
    let bg = theme.settings.background.unwrap_or(Color::WHITE);
    let _ = write!(out, "--code-fg:{};--code-bg:{};", hex(fg), hex(bg));
    for cat in Category::ALL {
        let scope = Scope::from_str(representative(cat)).expect("valid scope");
        let style = h.style_for_stack(&[scope]);
        let _ = write!(out, "--hl-{}:{};", cat.class(), hex(style.foreground));
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
