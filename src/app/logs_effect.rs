//! What the Logs pane asks the event loop to do besides fetching: save a query through
//! the acting side, copy a row to the clipboard (OSC 52), write an export or the history
//! file. The reducer only describes these; `perform` runs them in the loop.

use std::io::Write;
use std::path::PathBuf;

use super::fetch::Fetcher;
use super::logs_history::write_first;
use super::state::AppState;
use crate::cloud::QueryDefinition;
use crate::level::Level;

/// One Logs side effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogsEffect {
    /// `PutQueryDefinition` (a write).
    Save(QueryDefinition),
    /// Put text on the terminal's clipboard.
    Copy(String),
    /// Write `contents` to the first of `paths` that works; `announce` says so in the footer.
    Write {
        paths: Vec<PathBuf>,
        contents: String,
        announce: bool,
    },
}

/// Run `effect` (called by the event loop only).
pub fn perform(state: &mut AppState, fetcher: &mut Fetcher, effect: LogsEffect) {
    match effect {
        LogsEffect::Save(def) => fetcher.perform_logs_save(def),
        LogsEffect::Copy(text) => {
            let mut out = std::io::stdout();
            let ok = out
                .write_all(osc52(&text).as_bytes())
                .and_then(|()| out.flush());
            state.status = Some(match ok {
                Ok(()) => (
                    format!(
                        "copied {} bytes (OSC 52; the terminal must allow it)",
                        text.len()
                    ),
                    Level::Ok,
                ),
                Err(e) => (format!("copy failed: {e}"), Level::Warning),
            });
        }
        LogsEffect::Write {
            paths,
            contents,
            announce,
        } => match write_first(&paths, &contents) {
            Ok(path) if announce => {
                let path = std::path::absolute(&path).unwrap_or(path);
                state.status = Some((format!("wrote {}", path.display()), Level::Ok));
            }
            Ok(_) => {}
            Err(e) => state.status = Some((format!("write failed: {e}"), Level::Warning)),
        },
    }
}

/// The OSC 52 sequence that sets the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
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
    fn base64_and_osc52() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("é\n".as_bytes()), "w6kK");
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
