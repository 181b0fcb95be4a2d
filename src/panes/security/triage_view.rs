//! The Security pane's triage popup: the workflow status to set, the note, and the plan
//! (exact API call and the findings it changes) awaiting confirmation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::cloud::WorkflowStatus;
use crate::panes::security::triage::{Triage, TriageStep};
use crate::ui::theme::Level;
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;

/// Draw `triage` centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View, triage: &Triage) {
    let theme = &state.theme;
    let bold = theme.text().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = Vec::new();
    let title = match triage.step {
        TriageStep::Status(cursor) => {
            lines.push(Line::from(Span::styled(
                format!(
                    "Set the workflow status of {} finding(s):",
                    triage.items.len()
                ),
                bold,
            )));
            for (i, s) in WorkflowStatus::ALL.iter().enumerate() {
                let style = if i == cursor {
                    theme.selected()
                } else {
                    theme.text()
                };
                lines.push(Line::from(Span::styled(format!("  {}", s.as_str()), style)));
            }
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                "j/k move · n o r s pick · enter next · esc cancel",
                theme.dim(),
            )));
            " Triage · workflow status "
        }
        TriageStep::Note => {
            lines.push(Line::from(Span::styled(
                "Note (optional, saved with the finding):",
                bold,
            )));
            lines.push(Line::from(format!("{}█", triage.note)));
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                "enter review the plan · esc cancel",
                theme.dim(),
            )));
            " Triage · note "
        }
        TriageStep::Confirm => {
            for (i, l) in triage.plan().into_iter().enumerate() {
                lines.push(Line::from(Span::styled(
                    l,
                    if i == 0 { bold } else { theme.text() },
                )));
            }
            lines.push(Line::default());
            if triage.protected {
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("{} is protected: type its name to confirm: ", triage.env),
                        theme.level(Level::Warning),
                    ),
                    Span::styled(format!("{}█", triage.typed), bold),
                ]));
                lines.push(Line::from(Span::styled(
                    "enter confirm (once typed) · esc cancel",
                    theme.dim(),
                )));
            } else {
                lines.push(Line::from(Span::styled(
                    "y/enter confirm · esc cancel",
                    theme.dim(),
                )));
            }
            " Triage · plan "
        }
    };
    let width = area.width.saturating_sub(4).min(100);
    // Wrapped lines take more rows: count them so the hint line is never cut.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2);
    let popup = centered(area, width, height);
    let border = if triage.protected {
        theme.level(Level::Critical)
    } else {
        theme.border(true)
    };
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(border)
        .title(Span::styled(
            title,
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
