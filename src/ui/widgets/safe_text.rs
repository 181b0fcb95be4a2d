//! Lines built from untrusted text (files, AWS answers) made safe to draw: every span's
//! control and bidirectional-override characters replaced by visible ones.
//!
//! ratatui drops C0/C1 controls silently; replacing them shows the operator that the
//! text carried something, and also covers the bidi overrides ratatui lets through.

use std::borrow::Cow;

use ratatui::text::{Line, Span};

use crate::text::{multi_line, one_line};

/// `lines` with each span's text passed through [`one_line`].
pub fn safe_lines<'a>(lines: Vec<Line<'a>>) -> Vec<Line<'a>> {
    lines
        .into_iter()
        .map(|mut line| {
            line.spans = line.spans.into_iter().map(safe_span).collect();
            line
        })
        .collect()
}

/// One span with its text passed through [`one_line`] (borrowed text stays borrowed
/// when it is already safe).
pub fn safe_span(span: Span<'_>) -> Span<'_> {
    let content = match span.content {
        Cow::Borrowed(b) => one_line(b),
        Cow::Owned(o) => match one_line(&o) {
            Cow::Borrowed(_) => Cow::Owned(o),
            Cow::Owned(fixed) => Cow::Owned(fixed),
        },
    };
    Span {
        content,
        style: span.style,
    }
}

/// Multi-line text (a description, a remediation) as one `Line` per line, each safe.
pub fn text_lines(text: &str) -> Vec<Line<'static>> {
    multi_line(text)
        .split('\n')
        .map(|l| Line::from(l.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_lose_controls_and_keep_styles() {
        let style = ratatui::style::Style::default().bold();
        let lines = safe_lines(vec![Line::from(vec![
            Span::styled("ok", style),
            Span::raw("a\u{1b}[2Jb\u{202e}".to_string()),
        ])]);
        assert_eq!(lines[0].spans[0].content, "ok");
        assert_eq!(lines[0].spans[0].style, style);
        assert_eq!(lines[0].spans[1].content, "a\u{fffd}[2Jb\u{fffd}");
    }

    #[test]
    fn text_lines_split_on_newlines() {
        let lines = text_lines("one\r\ntwo\u{7}\n");
        let shown: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(shown, vec!["one", "two\u{fffd}", ""]);
    }
}
