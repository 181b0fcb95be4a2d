//! Pieces every list and table shares: the dim, bold header row, and the ` /filter`
//! suffix a list's title shows while a `/` filter is set.

use ratatui::style::Modifier;
use ratatui::widgets::{Cell, Row};

use crate::ui::theme::Theme;

/// A table's header row.
pub fn header_row<'a>(theme: &Theme, cells: &[&'a str]) -> Row<'a> {
    Row::new(cells.iter().map(|c| Cell::from(*c))).style(theme.dim().add_modifier(Modifier::BOLD))
}

/// ` /text` for a list title when a filter is set, else nothing.
pub fn filter_suffix(filter: &str) -> String {
    if filter.is_empty() {
        String::new()
    } else {
        format!(" /{filter}")
    }
}
