//! Stylesheets as `dist/` serves them: the comments and indentation that explain
//! `web/static/` to its readers stay there, and the rules reach the browser unchanged.

use std::path::Path;

use anyhow::Context as _;

/// Rewrites every `.css` file under `dir` through [`strip`].
pub(crate) fn strip_tree(dir: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            strip_tree(&path)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("css"))
        {
            let css = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {} as text", path.display()))?;
            std::fs::write(&path, strip(&css))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

/// `css` without its comments, blank lines and the whitespace at either end of each
/// line. Quoted strings are copied as they are (a `/*` inside quotes is no comment),
/// and a comment leaves a space behind, so the tokens either side stay apart.
pub(crate) fn strip(css: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut chars = css.chars();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                text.push(c);
                if c == '\\' {
                    text.extend(chars.next());
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                text.push(c);
            }
            None if c == '/' && chars.as_str().starts_with('*') => {
                chars.next();
                // To the closing `*/`, or the end of an unclosed comment.
                let rest = chars.as_str();
                let end = rest.find("*/").map_or(rest.len(), |at| at + 2);
                chars = rest[end..].chars();
                text.push(' ');
            }
            None => text.push(c),
        }
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blank_lines_and_indentation_go() {
        let css = "/* The frame.\n   Two lines. */\n\n.app {\n  color: red; /* why */\n}\n\n\n";
        assert_eq!(strip(css), ".app {\ncolor: red;\n}\n");
    }

    #[test]
    fn strings_keep_what_looks_like_a_comment() {
        let css = "a::after { content: \"/* not a comment */\"; }\nb { content: '\\'/*'; }\n";
        assert_eq!(strip(css), css);
    }

    #[test]
    fn a_comment_between_tokens_leaves_them_apart() {
        assert_eq!(strip("a/* x */b { }"), "a b { }\n");
        assert_eq!(strip("a { } /* unclosed"), "a { }\n");
        assert_eq!(strip("/*/ still a comment */a{}"), "a{}\n");
    }

    #[test]
    fn the_app_stylesheet_keeps_every_rule() {
        let source = include_str!("../../web/static/style.css");
        let stripped = strip(source);
        assert!(stripped.len() < source.len());
        assert!(!stripped.contains("/*"));
        for token in ["{", "}", ";", ":", "\"", "@media"] {
            assert_eq!(
                stripped.matches(token).count(),
                source
                    .split("/*")
                    .enumerate()
                    .map(|(i, part)| if i == 0 {
                        part.matches(token).count()
                    } else {
                        part.split_once("*/")
                            .map_or(0, |(_, after)| after.matches(token).count())
                    })
                    .sum::<usize>(),
                "{token}"
            );
        }
    }
}
