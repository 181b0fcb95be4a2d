//! Popups drawn over a pane: `?` help and the `:` command palette's suggestions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, List, ListItem, Paragraph};

use crate::app::palette;
use crate::ui::theme::theme_names;
use crate::ui::view::View;

use crate::ui::widgets::centered::centered;

/// Every key binding, grouped, scrollable with j/k.
pub fn draw_help(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let mut lines = Vec::new();
    for group in crate::app::help::groups(state) {
        lines.push(Line::from(Span::styled(
            group.title,
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        )));
        for b in group.bindings {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<26}", b.keys),
                    theme.text().add_modifier(Modifier::BOLD),
                ),
                Span::styled(b.what, theme.text()),
            ]));
        }
        lines.push(Line::default());
    }
    let popup = centered(area, 78, lines.len() as u16 + 2);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(" Help · esc closes · j/k scroll ");
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.text())
            .scroll((state.help_scroll, 0)),
        popup,
    );
}

/// Suggestions for what is typed in the palette, just above the footer.
pub fn draw_palette(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let envs = state.config.environment_names();
    let suggestions = palette::suggestions(&state.palette_input, &envs, &theme_names());
    if suggestions.is_empty() {
        return;
    }
    let height = (suggestions.len() as u16 + 2).min(area.height);
    let [_, bottom] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(height)]).areas(area);
    let popup = Rect {
        width: bottom.width.min(40),
        ..bottom
    };
    let items: Vec<ListItem> = suggestions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let style = if i == 0 {
                theme.selected()
            } else {
                theme.text()
            };
            ListItem::new(Span::styled(format!(":{s}"), style))
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        List::new(items).block(
            Block::bordered()
                .border_style(theme.border(true))
                .title(" commands "),
        ),
        popup,
    );
}
