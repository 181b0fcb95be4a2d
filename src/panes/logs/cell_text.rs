//! Untrusted log text made safe for one terminal cell: controls replaced, newlines
//! shown, cut to a length.

/// One line of a cell: control characters shown as `�`, newlines as `⏎`, at most
/// `max` characters.
pub fn sanitize(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i >= max {
            out.push('…');
            break;
        }
        out.push(match c {
            '\n' => '⏎',
            '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_controls_and_truncates() {
        assert_eq!(sanitize("a\nb\tc\u{1b}[31m", 100), "a⏎b c\u{fffd}[31m");
        assert_eq!(sanitize("abcdef", 3), "abc…");
        assert_eq!(sanitize("", 3), "");
    }
}
