//! Popups drawn over a pane: `?` help and the `:` command palette's suggestions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, List, ListItem, Paragraph};

use crate::app::palette;
use crate::ui::view::View;

use crate::ui::widgets::centered::centered;

/// Every key binding, grouped, scrollable with j/k.
pub fn draw_help(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let groups = crate::app::help::groups(state);
    let key_width = groups
        .iter()
        .flat_map(|g| g.bindings.iter())
        .map(|b| b.keys.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 24)
        + 4;
    let popup_width = area.width.min(90);
    // What each description may use: the popup less its borders and the key column.
    let what_width = usize::from(popup_width.saturating_sub(2)).saturating_sub(key_width);
    let mut lines = Vec::new();
    for group in groups {
        lines.push(Line::from(Span::styled(
            group.title,
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        )));
        for b in group.bindings {
            // Long descriptions wrap under themselves, never under the keys.
            for (i, part) in wrap_words(b.what, what_width.max(10))
                .into_iter()
                .enumerate()
            {
                let keys = if i == 0 { b.keys } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {keys:<width$}", width = key_width - 2),
                        theme.text().add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(part, theme.text()),
                ]));
            }
        }
        lines.push(Line::default());
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = centered(area, popup_width, height);
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

/// `text` in lines of at most `width` characters, broken at spaces (a word longer than
/// `width` is cut).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word: String = word.chars().take(width).collect();
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// Suggestions for what is typed in the palette, just above the footer.
pub fn draw_palette(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let envs = state.config.environment_names();
    let suggestions = palette::suggestions(
        &state.palette_input,
        &envs,
        &state.theme_names,
        &state.profile_names,
    );
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

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(
            wrap_words("confirm a high-risk runbook on a protected environment", 20),
            vec![
                "confirm a high-risk",
                "runbook on a",
                "protected",
                "environment"
            ]
        );
        assert_eq!(wrap_words("abcdefghij", 4), vec!["abcd"]);
        assert_eq!(wrap_words("", 4), vec![""]);
    }
}
