//! The DRILL banner: a reversed line on top of every screen while a drill plays, so the
//! simulated account it acts on is never mistaken for the real one. Narrow terminals
//! keep `DRILL`, the drill's clock and that it is simulated; wide ones add what the keys
//! do and the last hint.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::drill::session::DrillBanner;
use crate::ui::theme::Level;
use crate::ui::view::View;
use crate::ui::widgets::table::fit_cell;

/// The banner's text for `width` columns, longest that fits first.
pub fn text(banner: &DrillBanner, width: usize) -> String {
    let core = banner.text();
    let keys = if banner.over {
        String::new()
    } else {
        " · F9 hint · F8 pause".to_string()
    };
    let full = format!(" {core} · simulated account, not real AWS{keys} ");
    let hinted = match &banner.hint {
        Some(h) => format!("{full}· hint: {h} "),
        None => full.clone(),
    };
    [
        hinted,
        full,
        format!(" {core} · simulated, not real AWS "),
        format!(" {core}{keys} "),
        format!(" {core} "),
    ]
    .into_iter()
    .find(|t| t.chars().count() <= width)
    .unwrap_or_else(|| fit_cell(&format!("DRILL {}", banner.name), width))
}

/// Draws the banner across `area` (one line).
pub fn draw(frame: &mut Frame, area: Rect, state: &View, banner: &DrillBanner) {
    let style = state
        .theme
        .level(Level::Warning)
        .add_modifier(Modifier::BOLD | Modifier::REVERSED);
    let line = Line::from(Span::styled(text(banner, usize::from(area.width)), style));
    frame.render_widget(Paragraph::new(line).style(style), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_keeps_drill_and_clock() {
        let b = DrillBanner {
            name: "bad-deployment".into(),
            elapsed: 75,
            duration: 1800,
            ..DrillBanner::default()
        };
        assert_eq!(text(&b, 40), " DRILL bad-deployment 01:15/30:00 ");
        assert!(text(&b, 200).contains("not real AWS"));
        assert!(text(&b, 8).starts_with("DRILL"));
    }
}
