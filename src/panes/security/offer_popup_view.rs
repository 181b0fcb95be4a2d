//! The Security pane's list of runbooks a finding offers (`o` with several offers):
//! each runbook with the values it will be opened with, and why it is offered.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::panes::security::offer_pick::OfferPick;
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;

/// Draw `pick` centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View, pick: &OfferPick) {
    let theme = &state.theme;
    let mut lines: Vec<Line> = vec![Line::from(Span::styled(
        "Open a runbook, its form filled in from the finding:",
        theme.text().add_modifier(Modifier::BOLD),
    ))];
    for (i, o) in pick.offers.iter().enumerate() {
        let style = if i == pick.cursor {
            theme.selected()
        } else {
            theme.text()
        };
        lines.push(Line::from(Span::styled(
            format!("{} {}", i + 1, o.summary()),
            style,
        )));
        lines.push(Line::from(Span::styled(
            format!("  {}", o.why),
            theme.dim(),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "j/k move · enter or 1-9 open · esc cancel",
        theme.dim(),
    )));
    let width = area.width.saturating_sub(4).min(110);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2);
    let popup = centered(area, width, height);
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme.border(true))
        .title(Span::styled(
            " Runbooks for this finding ",
            Style::default().add_modifier(Modifier::BOLD),
        ));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.text())
            .wrap(Wrap { trim: false }),
        popup,
    );
}
