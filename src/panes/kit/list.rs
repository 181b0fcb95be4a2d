//! Cursor and text filter of one list, and the movement keys every list shares.

use crossterm::event::KeyCode;

/// Rows a page key moves.
pub const PAGE: isize = 10;

/// Cursor position and `/` filter of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListState {
    pub cursor: usize,
    /// Case-insensitive substring filter; empty shows everything.
    pub filter: String,
}

impl ListState {
    /// True when any of `fields` contains the filter (case-insensitive).
    pub fn matches(&self, fields: &[&str]) -> bool {
        if self.filter.is_empty() {
            return true;
        }
        let needle = self.filter.to_lowercase();
        fields.iter().any(|f| f.to_lowercase().contains(&needle))
    }

    /// Move by `delta` rows, clamped to `len`.
    pub fn step(&mut self, delta: isize, len: usize) {
        if len == 0 {
            self.cursor = 0;
            return;
        }
        let max = len - 1;
        let next = self.cursor.min(max) as isize + delta;
        self.cursor = next.clamp(0, max as isize) as usize;
    }

    /// Apply a movement key (j/k/arrows, g/G/home/end, page keys); false if not one.
    pub fn on_key(&mut self, code: KeyCode, ctrl: bool, len: usize) -> bool {
        match code {
            KeyCode::Char('d') if ctrl => self.step(PAGE, len),
            KeyCode::Char('u') if ctrl => self.step(-PAGE, len),
            KeyCode::Char('j') | KeyCode::Down => self.step(1, len),
            KeyCode::Char('k') | KeyCode::Up => self.step(-1, len),
            KeyCode::Char('g') | KeyCode::Home => self.cursor = 0,
            KeyCode::Char('G') | KeyCode::End => self.cursor = len.saturating_sub(1),
            KeyCode::PageDown => self.step(PAGE, len),
            KeyCode::PageUp => self.step(-PAGE, len),
            _ => return false,
        }
        true
    }

    /// Keep the cursor inside a list that may have shrunk.
    pub fn clamp(&mut self, len: usize) {
        self.cursor = self.cursor.min(len.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_clamped() {
        let mut l = ListState::default();
        l.step(5, 3);
        assert_eq!(l.cursor, 2);
        l.step(-10, 3);
        assert_eq!(l.cursor, 0);
        l.step(1, 0);
        assert_eq!(l.cursor, 0);
    }

    #[test]
    fn filter_is_case_insensitive() {
        let l = ListState {
            cursor: 0,
            filter: "RUN".into(),
        };
        assert!(l.matches(&["running"]));
        assert!(!l.matches(&["stopped"]));
    }
}
