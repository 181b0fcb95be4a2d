//! The hidden prompt's popup: which secret the new value is for, whether it is the first
//! or the confirming entry, and the keys. What is typed is never drawn, not even as dots.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::value_entry::ValueEntry;
use crate::level::Level;
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;
use crate::ui::widgets::safe_text::safe_lines;

/// Draws `entry` centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View, entry: &ValueEntry) {
    let theme = &state.theme;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("new value for ", theme.dim()),
            Span::styled(
                entry.about.clone(),
                theme.text().add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::from(Span::styled(
            if entry.confirming() {
                "type it again to confirm"
            } else {
                "type the value: nothing you type is shown"
            },
            theme.level(Level::Warning),
        )),
    ];
    if entry.mismatch {
        lines.push(Line::from(Span::styled(
            "the two values differed: type it again from the start",
            theme.level(Level::Critical),
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "enter next · backspace / ctrl-u edit · esc back to the parameters",
        theme.dim(),
    )));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = centered(area, area.width.min(70), area.height.min(height));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(safe_lines(lines))
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .border_type(BorderType::Double)
                    .border_style(theme.level(Level::Warning))
                    .title(format!(" {} · hidden value ", entry.runbook.name)),
            ),
        popup,
    );
}
