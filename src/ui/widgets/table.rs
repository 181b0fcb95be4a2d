//! Pieces every list and table shares: the dim, bold header row, and the ` /filter`
//! suffix a list's title shows while a `/` filter is set.

use ratatui::style::Modifier;
use ratatui::widgets::{Cell, Row};

use crate::ui::theme::Theme;

/// A table's header row.
pub fn header_row<'a>(theme: &Theme, cells: &[&'a str]) -> Row<'a> {
    Row::new(cells.iter().map(|c| Cell::from(*c))).style(theme.dim().add_modifier(Modifier::BOLD))
}

/// The width a column needs: its widest cell or header, at most `max`.
pub fn column_width<'a>(header: &str, cells: impl IntoIterator<Item = &'a str>, max: u16) -> u16 {
    let widest = cells
        .into_iter()
        .map(|c| c.chars().count())
        .chain(std::iter::once(header.chars().count()))
        .max()
        .unwrap_or(0);
    u16::try_from(widest).unwrap_or(u16::MAX).min(max)
}

/// `text` in at most `width` characters; a cut cell ends in `…`.
pub fn fit_cell(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// ` /text` for a list title when a filter is set, else nothing.
pub fn filter_suffix(filter: &str) -> String {
    if filter.is_empty() {
        String::new()
    } else {
        format!(" /{filter}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_their_content_and_cut_cells_end_in_an_ellipsis() {
        assert_eq!(
            column_width("ROLLOUT", ["ROLLBACK_IN_PROGRESS", "-"], 30),
            20
        );
        assert_eq!(column_width("TASK DEF", ["fastapi:42"], 30), 10);
        assert_eq!(column_width("X", ["a very long cell indeed"], 8), 8);
        assert_eq!(fit_cell("ROLLBACK_IN_PROGRESS", 10), "ROLLBACK_…");
        assert_eq!(fit_cell("short", 10), "short");
        assert_eq!(fit_cell("abc", 0), "");
    }
}
