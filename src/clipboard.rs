//! The terminal's clipboard: OSC 52 sequences (the terminal must allow them). What goes
//! on the clipboard is cleaned first: text from AWS (a log line) must not carry escape
//! sequences, a bracketed-paste terminator or a newline that would run a command when
//! pasted into a shell.

/// The OSC 52 sequence that sets the clipboard to `text`, cleaned to one line.
pub fn osc52(text: &str) -> String {
    format!(
        "\x1b]52;c;{}\x07",
        base64(clipboard_text(text, false).as_bytes())
    )
}

/// `text` without C0/C1 control characters, DEL or bidi overrides; tabs become spaces;
/// newlines become spaces unless `multi_line` (a message copied whole on purpose).
pub fn clipboard_text(text: &str, multi_line: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if multi_line => out.push('\n'),
            '\n' | '\t' => out.push(' '),
            // The same characters every terminal sink refuses (`text::is_unsafe`).
            c if crate::text::is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_log_line_is_pasted_harmless() {
        let line = "ok\x1b[201~rm -rf ~\n\u{202e}evil\u{9b}";
        let clean = clipboard_text(line, false);
        assert_eq!(clean, "ok[201~rm -rf ~ evil");
        assert!(!clean.chars().any(char::is_control));
        assert_eq!(clipboard_text("a\nb", true), "a\nb");
        let seq = osc52(line);
        assert_eq!(seq, format!("\x1b]52;c;{}\x07", base64(clean.as_bytes())));
    }

    #[test]
    fn base64_and_osc52() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("é\n".as_bytes()), "w6kK");
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
