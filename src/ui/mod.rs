//! Drawing: one frame from one `AppState`, nothing else. No I/O happens here.

pub mod chrome;
pub mod drill_banner;
pub mod frontend;
pub mod mfa_popup;
pub mod popups;
pub mod theme;
pub mod view;
pub mod widgets;

pub use view::View;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::Mode;

/// Smallest terminal the full console is laid out for.
pub const MIN_WIDTH: u16 = 40;
/// Smallest terminal height the full console is laid out for.
pub const MIN_HEIGHT: u16 = 10;

/// Draw the whole console.
pub fn draw(frame: &mut Frame, state: &View) {
    let area = frame.area();
    frame.render_widget(Block::default().style(state.theme.text()), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(frame, area, state);
        return;
    }
    let mut inner = chrome::draw_frame(frame, area, state);
    if let Some(banner) = &state.drill {
        let [top, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        drill_banner::draw(frame, top, state, banner);
        inner = rest;
    }
    let [header, tabs, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    chrome::draw_header(frame, header, state);
    chrome::draw_tabs(frame, tabs, state);
    crate::with_pane_module!(state.pane, |pane| pane::view::draw(frame, body, state));
    chrome::draw_footer(frame, footer, state);
    match state.mode {
        Mode::Help => popups::draw_help(frame, body, state),
        Mode::Palette => popups::draw_palette(frame, body, state),
        Mode::Normal | Mode::Filter => {}
    }
    if let Some(prompt) = &state.mfa_prompt {
        mfa_popup::draw(frame, body, state, prompt);
    }
}

/// A terminal too small for the layout still says where you are.
fn draw_too_small(frame: &mut Frame, area: Rect, state: &View) {
    let env = state.env.name.to_uppercase();
    let badge = Style::default()
        .fg(state.theme.header_fg)
        .bg(state.theme.env_color(&state.env.name))
        .add_modifier(Modifier::BOLD | Modifier::REVERSED);
    let lines = vec![
        Line::from(Span::styled(format!(" {env} "), badge)),
        Line::from(format!("{}x{} too small", area.width, area.height)),
        Line::from(format!("need {MIN_WIDTH}x{MIN_HEIGHT}; q quits")),
    ];
    let lines = match &state.mfa_prompt {
        // The code is asked for on any size: the console is stuck without it.
        Some(p) => vec![
            lines[0].clone(),
            Line::from(format!("MFA code {}", p.masked())),
            Line::from("enter/esc"),
        ],
        None => lines,
    };
    let mut lines = lines;
    if let Some(banner) = &state.drill {
        let style = state
            .theme
            .level(theme::Level::Warning)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED);
        let text = drill_banner::text(banner, usize::from(area.width));
        lines.insert(0, Line::from(Span::styled(text, style)));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .style(state.theme.text())
            .wrap(Wrap { trim: true }),
        area,
    );
}
