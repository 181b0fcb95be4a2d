//! A bordered block for data from one source: its title, the data's age, a
//! loading mark, and the source's last error, so a failing widget says why.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

use crate::cloud::Epoch;
use crate::panes::kit::loadable::{Loadable, format_age};
use crate::ui::theme::{Level, Theme};

/// A block titled `title`, with the age and error of `data` on its right.
pub fn source_block<'a, T>(
    theme: &Theme,
    title: String,
    focused: bool,
    data: &Loadable<T>,
    now: Epoch,
) -> Block<'a> {
    let mut right = Vec::new();
    if let Some(note) = data.retry_note(now) {
        right.push(Span::styled(
            format!(" ⚠ {note} "),
            theme.level(Level::Warning),
        ));
    } else if let Some(e) = &data.error {
        right.push(Span::styled(
            format!(" ⚠ {} ", e.kind()),
            theme.level(Level::Critical),
        ));
    }
    if data.loading {
        right.push(Span::styled(" ⟳ ", theme.dim()));
    }
    if let Some(age) = data.age(now) {
        right.push(Span::styled(
            format!(" {} ago ", format_age(age)),
            theme.dim(),
        ));
    }
    let title_style = if focused {
        theme.text().add_modifier(Modifier::BOLD)
    } else {
        theme.text()
    };
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(theme.border(focused))
        .title(Line::from(Span::styled(format!(" {title} "), title_style)))
        .title(Line::from(right).right_aligned())
}

/// The text to show inside a block that has no data yet.
pub fn placeholder<T>(data: &Loadable<T>) -> String {
    match &data.error {
        Some(e) => e.to_string(),
        None => "loading…".to_string(),
    }
}
