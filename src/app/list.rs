//! Cursor and text filter of one list.

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
