//! Untrusted text (from files and from AWS) made safe to show or to quote.
//!
//! Titles, finding text, log lines and event messages may carry terminal control
//! sequences or bidirectional overrides; nothing from outside reaches the terminal with
//! them. Values quoted in error messages are escaped and clipped, so a hostile or huge
//! value cannot flood or repaint the operator's terminal.

use std::borrow::Cow;

/// The most characters of a value an error message quotes.
pub const QUOTE_MAX: usize = 200;

/// True for characters that must never reach a terminal raw: C0/C1 controls, DEL, and
/// the Unicode bidirectional controls that reorder what is displayed.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// One line of text: a tab becomes a space, a line break `⏎`, any other unsafe
/// character `\u{fffd}`.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' => ' ',
                '\n' => '⏎',
                c if is_unsafe(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

/// A command's text output as printed: line breaks and tabs kept (tables), any other
/// unsafe character `\u{fffd}`. The last line of defence for every subcommand's stdout.
pub fn printed(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c != '\n' && c != '\t' && is_unsafe(c) {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// JSON as printed: serde already escapes control characters; any other unsafe
/// character (a bidi override inside a string) is written as a `\uXXXX` escape, so the
/// document means the same and shows nothing hostile.
pub fn json_printed(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c != '\n' && is_unsafe(c) {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Text a widget lays out over several lines: `\n` is kept, `\r\n` becomes `\n`, a tab
/// becomes a space and any other unsafe character `\u{fffd}`.
pub fn multi_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if is_unsafe(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `value` in double quotes for an error message: unsafe characters, quotes, backticks and
/// backslashes escaped (`\n`, `\u{1b}`), at most [`QUOTE_MAX`] characters between the
/// quotes, then `…` when it was cut.
pub fn quote(value: &str) -> String {
    format!("\"{}\"", escape_clipped(value, QUOTE_MAX))
}

/// `value` escaped like [`quote`] (without the quotes), cut to `max` characters.
pub fn escape_clipped(value: &str, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in value.chars() {
        let piece: String = match c {
            '"' => "\\\"".into(),
            // A backtick opens a quoted stretch in messages (`clip_message`): an echoed
            // value never carries a raw one.
            '`' => "\\u{60}".into(),
            '\\' => "\\\\".into(),
            '\n' => "\\n".into(),
            '\r' => "\\r".into(),
            '\t' => "\\t".into(),
            c if is_unsafe(c) => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        };
        let len = piece.chars().count();
        if used + len > max {
            out.push('…');
            return out;
        }
        used += len;
        out.push_str(&piece);
    }
    out
}

/// A message from a parser that may quote file text between backticks or double quotes:
/// unsafe characters escaped, each quoted stretch longer than [`QUOTE_MAX`] cut.
pub fn clip_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4 * QUOTE_MAX));
    let mut quoted: Option<(char, usize)> = None;
    let mut escaped = false;
    for c in message.chars() {
        let was_escaped = escaped;
        escaped = quoted.is_some() && c == '\\' && !was_escaped;
        match quoted {
            Some((q, _)) if c == q && !was_escaped => {
                quoted = None;
                out.push(c);
                continue;
            }
            None if c == '`' || c == '"' => {
                quoted = Some((c, 0));
                out.push(c);
                continue;
            }
            _ => {}
        }
        if let Some((q, n)) = quoted {
            if n == QUOTE_MAX {
                out.push('…');
            }
            quoted = Some((q, n + 1));
            if n >= QUOTE_MAX {
                continue;
            }
        }
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_replaces_controls() {
        assert_eq!(one_line("ok"), "ok");
        assert_eq!(one_line("a\tb\nc\u{1b}[31m"), "a b⏎c\u{fffd}[31m");
        assert_eq!(one_line("x\u{202e}y\u{9b}"), "x\u{fffd}y\u{fffd}");
    }

    #[test]
    fn multi_line_keeps_newlines_only() {
        assert_eq!(multi_line("a\r\nb\n\u{7}c"), "a\nb\n\u{fffd}c");
        assert_eq!(multi_line("plain\ntext"), "plain\ntext");
    }

    #[test]
    fn quote_escapes_and_clips() {
        assert_eq!(quote("a\u{1b}[2J\"b"), "\"a\\u{1b}[2J\\\"b\"");
        let long = "x".repeat(1000);
        let q = quote(&long);
        assert_eq!(q.chars().count(), QUOTE_MAX + 3, "{q}");
        assert!(q.ends_with("…\""));
        assert_eq!(quote("é"), "\"é\"");
        assert_eq!(quote("`x"), "\"\\u{60}x\"");
    }

    #[test]
    fn clip_message_cuts_each_quoted_stretch() {
        let m = format!("unknown field `{}`, expected `a`", "k".repeat(500));
        let c = clip_message(&m);
        assert!(c.contains(&format!("`{}…`", "k".repeat(QUOTE_MAX))), "{c}");
        assert!(c.ends_with("expected `a`"), "{c}");
        assert_eq!(clip_message("bad `\u{1b}`"), "bad `\\u{1b}`");
        let q = format!(
            "theme {}: unknown",
            quote(&format!("a\"{}", "b".repeat(300)))
        );
        assert!(
            clip_message(&q).ends_with("…\": unknown"),
            "{}",
            clip_message(&q)
        );
    }
}
