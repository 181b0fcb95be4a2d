//! The "History" section of a Security Hub finding's detail view (`GetFindingHistory`):
//! newest change first, each with its time, who made it and every field as
//! `old → new`; notes in full (the paragraph wraps them). Loading, errors and endpoints
//! without the operation get a line of their own.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::cloud::{CloudError, FieldChange, Finding, FindingHistoryRecord};
use crate::panes::kit::loadable::format_age;
use crate::panes::logs::query::format_instant;
use crate::panes::security::history::newest_first;
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;

/// Append the History section for `f` to `lines`.
pub fn lines<'a>(state: &View, f: &Finding, lines: &mut Vec<Line<'a>>) {
    let theme = &state.theme;
    let bold = theme.text().add_modifier(Modifier::BOLD);
    lines.push(Line::from(vec![
        Span::styled("History", bold),
        Span::styled("  newest first (GetFindingHistory, 90 days)", theme.dim()),
    ]));
    if f.id.is_empty() {
        lines.push(Line::from(Span::styled(
            "(the finding has no id: no history to ask for)",
            theme.dim(),
        )));
        return;
    }
    let Some(history) = state.security.history.of(&f.reference()) else {
        lines.push(Line::from(Span::styled("loading…", theme.dim())));
        return;
    };
    match &history.error {
        Some(CloudError::Unsupported(_)) => {
            lines.push(Line::from(Span::styled(
                "not supported by this endpoint (GetFindingHistory)",
                theme.level(Level::Warning),
            )));
            return;
        }
        Some(e) => lines.push(Line::from(Span::styled(
            format!("⚠ {e}"),
            theme.level(Level::Critical),
        ))),
        None => {}
    }
    match &history.data {
        None if history.error.is_none() => {
            lines.push(Line::from(Span::styled("loading…", theme.dim())));
        }
        None => {}
        Some(records) if records.is_empty() => lines.push(Line::from(Span::styled(
            "(no changes in the last 90 days)",
            theme.dim(),
        ))),
        Some(records) => {
            for r in newest_first(records) {
                record_lines(theme, state.now, r, lines);
            }
        }
    }
}

fn record_lines<'a>(theme: &Theme, now: i64, r: &FindingHistoryRecord, lines: &mut Vec<Line<'a>>) {
    let when = r.at.map_or("-".to_string(), |t| {
        format!("{} ({} ago)", format_instant(t), format_age(now - t))
    });
    let mut head = vec![
        Span::styled(format!("{when}  "), theme.dim()),
        Span::styled(r.who(), theme.text()),
    ];
    if r.created {
        head.push(Span::styled(
            " · finding created",
            theme.level(Level::Unknown),
        ));
    }
    lines.push(Line::from(head));
    for c in &r.changes {
        change_lines(theme, c, lines);
    }
}

fn change_lines<'a>(theme: &Theme, c: &FieldChange, lines: &mut Vec<Line<'a>>) {
    let field = if c.field.is_empty() { "?" } else { &c.field };
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    if c.is_note() {
        lines.push(Line::from(Span::styled(
            format!("    {field}"),
            theme.dim(),
        )));
        if let Some(old) = &c.old {
            lines.push(Line::from(Span::styled(
                format!("      was: {old}"),
                theme.dim(),
            )));
        }
        lines.push(Line::from(Span::styled(
            format!("      {}", value(&c.new)),
            theme.text(),
        )));
    } else {
        lines.push(Line::from(vec![
            Span::styled(format!("    {field}  "), theme.dim()),
            Span::styled(
                format!("{} → {}", value(&c.old), value(&c.new)),
                theme.text(),
            ),
        ]));
    }
}
