//! The MFA popup: which profile and device want a code, the digits typed as dots, and
//! the two keys that close it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::app::mfa_prompt::MfaPrompt;
use crate::level::Level;
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;
use crate::ui::widgets::safe_text::safe_lines;

/// Draws `prompt` centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View, prompt: &MfaPrompt) {
    let theme = &state.theme;
    let width = area.width.min(60);
    let height = area.height.min(8);
    let popup = centered(area, width, height);
    let lines = vec![
        Line::from(vec![
            Span::styled("profile ", theme.dim()),
            Span::styled(
                prompt.profile.clone(),
                theme.text().add_modifier(Modifier::BOLD),
            ),
            Span::styled(" needs an MFA code", theme.text()),
        ]),
        Line::from(vec![
            Span::styled("device ", theme.dim()),
            Span::styled(prompt.serial.clone(), theme.text()),
        ]),
        Line::from(""),
        Line::from(vec![
            Span::styled("code ", theme.dim()),
            Span::styled(
                prompt.masked(),
                theme.level(Level::Warning).add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::from(""),
        Line::from(Span::styled(
            "enter sign in · esc cancel (asked again in 2 min)",
            theme.dim(),
        )),
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(safe_lines(lines))
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .border_type(BorderType::Double)
                    .border_style(theme.level(Level::Warning))
                    .title(" MFA code "),
            ),
        popup,
    );
}
