//! Terminal sessions (`console` fences): prompts, commands, output.

/// A terminal session: `$ ` (and `# `) prompts are not selectable, the
/// commands are what the copy button copies, output lines are dimmed, and
/// `<placeholders>` in commands stand out.
pub(super) fn console(code: &str) -> String {
    let code = code.strip_suffix('\n').unwrap_or(code);
    let mut out = String::with_capacity(code.len() * 2 + 96);
    out.push_str("<pre class=\"code console\" data-lang=\"console\"><code>");
    let mut continued = false;
    for (i, line) in code.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let prompt = ["$ ", "# ", "% "].iter().find(|p| line.starts_with(**p));
        let command = if continued {
            Some(line)
        } else {
            prompt.map(|p| {
                out.push_str("<span class=\"prompt\" aria-hidden=\"true\">");
                out.push_str(p);
                out.push_str("</span>");
                &line[p.len()..]
            })
        };
        match command {
            Some(cmd) => {
                out.push_str("<span class=\"cmd\">");
                placeholders(&mut out, cmd);
                out.push_str("</span>");
                continued = cmd.trim_end().ends_with('\\');
            }
            None => {
                out.push_str("<span class=\"out\">");
                crate::html::escape_into(&mut out, line);
                out.push_str("</span>");
                continued = false;
            }
        }
    }
    out.push_str("</code></pre>");
    out
}

/// Escape `cmd`, wrapping `<placeholder>`s (letters, digits, `-`, `_`).
fn placeholders(out: &mut String, cmd: &str) {
    let mut rest = cmd;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>');
        let name_ok = end.is_some_and(|e| {
            e > 0
                && after[..e]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
        if !name_ok {
            crate::html::escape_into(out, &rest[..start + 1]);
            rest = after;
            continue;
        }
        let e = end.expect("checked");
        crate::html::escape_into(out, &rest[..start]);
        out.push_str("<span class=\"ph\">");
        crate::html::escape_into(out, &rest[start..start + e + 2]);
        out.push_str("</span>");
        rest = &after[e + 1..];
    }
    crate::html::escape_into(out, rest);
}
