//! The Timeline pane: a line per feed (age, error, partial), the suspect change with its
//! evidence, and the merged events in time order; `enter` opens the whole event.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::event::TimelineEvent;
use super::feed::Feed;
use super::state::{TimelineState, span_label};
use super::suspect::clock;
use crate::panes::kit::loadable::format_age;
use crate::panes::kit::row_window::row_window;
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::table::{filter_suffix, fit_cell, header_row};

/// Draw the pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = &state.timeline;
    let theme = &state.theme;
    let suspect_h = u16::from(t.merged.suspect.is_some());
    let [feeds_area, suspect_area, list_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(suspect_h),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(feed_line(t, theme, state.now)), feeds_area);
    if let Some(s) = &t.merged.suspect {
        let offer = if s.revision.as_ref().is_some_and(|r| r.previous.is_some()) {
            "  (S: show · R: roll back)"
        } else {
            "  (S: show)"
        };
        let line = Line::from(vec![
            Span::styled("⚠ suspect: ", theme.level(Level::Critical)),
            Span::styled(s.evidence.clone(), theme.text()),
            Span::styled(offer, theme.dim()),
        ]);
        frame.render_widget(Paragraph::new(line), suspect_area);
    }
    draw_list(frame, list_area, state, t);
    if t.detail
        && let Some(e) = t.selected()
    {
        draw_detail(frame, list_area, theme, e, t.detail_scroll);
    }
}

/// One span per feed: `deploy 12s`, `trail ⚠ AccessDenied`, `alarm ⟳`.
fn feed_line<'a>(t: &TimelineState, theme: &Theme, now: i64) -> Line<'a> {
    let mut spans = Vec::new();
    for (feed, l) in &t.feeds {
        let shown = t.only.is_none_or(|f| f == *feed);
        let name_style = if shown { theme.text() } else { theme.dim() };
        spans.push(Span::styled(feed.label().to_string(), name_style));
        let (text, level) = if let Some(e) = &l.error {
            (format!(" ⚠ {}", e.kind()), Level::Critical)
        } else if let Some(d) = &l.data {
            let partial = if d.answer.complete { "" } else { " ≥" };
            let notes = if d.answer.notes.is_empty() {
                ""
            } else {
                " ⚠"
            };
            let age = l.age(now).map_or(String::new(), format_age);
            (
                format!(" {}{partial}{notes} {age}", d.answer.events.len()),
                if notes.is_empty() {
                    Level::Ok
                } else {
                    Level::Warning
                },
            )
        } else if l.loading {
            (" ⟳".to_string(), Level::Unknown)
        } else {
            (" -".to_string(), Level::Unknown)
        };
        spans.push(Span::styled(
            text,
            theme.level(level).remove_modifier(Modifier::BOLD),
        ));
        if l.loading && l.data.is_some() {
            spans.push(Span::styled(" ⟳", theme.dim()));
        }
        spans.push(Span::raw("  "));
    }
    Line::from(spans)
}

fn draw_list(frame: &mut Frame, area: Rect, state: &View, t: &TimelineState) {
    let theme = &state.theme;
    let window = t
        .feeds
        .values()
        .filter_map(|l| l.data.as_ref().map(|d| d.window))
        .max_by_key(|w| w.until);
    let range = window.map_or(String::new(), |w| {
        format!(" ({}–{} UTC)", clock(w.since), clock(w.until))
    });
    let only = t
        .only
        .map_or(String::new(), |f: Feed| format!(" · only {}", f.label()));
    let title = format!(
        " Timeline · {} · last {}{range}{only}{} · {} events ",
        state.env.name,
        span_label(t.span),
        filter_suffix(&t.list.filter),
        t.merged.visible.len()
    );
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(
            title,
            theme.text().add_modifier(Modifier::BOLD),
        )));
    let inner_rows = usize::from(area.height.saturating_sub(3));
    if t.merged.visible.is_empty() {
        let text = if t
            .feeds
            .values()
            .all(|l| l.data.is_none() && l.error.is_none())
        {
            "loading…".to_string()
        } else if t.merged.events.is_empty() {
            "nothing happened in this window that the readable feeds record".to_string()
        } else {
            "no event matches the filter".to_string()
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim()).block(block), area);
        return;
    }
    let w = row_window(t.merged.visible.len(), t.list.cursor, inner_rows);
    let resource_width = (area.width / 6).clamp(16, 36);
    let summary_width = usize::from(area.width.saturating_sub(8 + 9 + resource_width + 14 + 8));
    // Names without the `{project}-{env}-` prefix every resource shares (Appendix A).
    let prefix = format!("{}-{}-", state.config.project, state.env.name);
    let short = |name: &str| -> String {
        let name = crate::text::one_line(name);
        name.strip_prefix(prefix.as_str())
            .unwrap_or(&name)
            .to_string()
    };
    let rows = t.merged.visible[w.start..w.end].iter().map(|&i| {
        let e = &t.merged.events[i];
        let suspect = t.merged.is_suspect(i);
        let mark = if suspect { "⚠" } else { " " };
        let style = theme.level(e.level).remove_modifier(Modifier::BOLD);
        Row::new(vec![
            Cell::from(format!("{mark}{}", time_of_day(e.at))),
            Cell::from(e.feed.label()).style(theme.dim()),
            Cell::from(fit_cell(&short(&e.resource), usize::from(resource_width))),
            Cell::from(fit_cell(
                &crate::text::one_line(&e.summary),
                summary_width.max(8),
            ))
            .style(style),
            Cell::from(fit_cell(e.actor.as_deref().unwrap_or(""), 14)).style(theme.dim()),
        ])
        .style(if suspect {
            theme.level(Level::Critical)
        } else {
            Style::default()
        })
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(resource_width),
            Constraint::Min(8),
            Constraint::Length(14),
        ],
    )
    .header(header_row(
        theme,
        &[" time", "source", "resource", "what", "who"],
    ))
    .block(block)
    .row_highlight_style(theme.selected());
    let mut ts = TableState::default().with_selected(w.selected);
    frame.render_stateful_widget(table, area, &mut ts);
}

/// `HH:MM:SS` (UTC).
fn time_of_day(t: i64) -> String {
    let s = t.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

fn draw_detail(frame: &mut Frame, area: Rect, theme: &Theme, e: &TimelineEvent, scroll: u16) {
    let popup = Rect {
        x: area.x + area.width / 10,
        y: area.y + 1,
        width: area.width - area.width / 5,
        height: area.height.saturating_sub(2),
    };
    let mut lines = vec![
        Line::from(Span::styled(
            crate::text::one_line(&e.summary).into_owned(),
            theme.level(e.level),
        )),
        Line::from(""),
        field(theme, "time", crate::audit::rfc3339_at(e.at)),
        field(theme, "source", e.feed.describe().to_string()),
        field(theme, "resource", e.resource.clone()),
    ];
    if let Some(a) = &e.actor {
        lines.push(field(theme, "who", a.clone()));
    }
    for (k, v) in &e.detail {
        lines.push(field(theme, k, v.clone()));
    }
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme.border(true))
        .title(" Event · esc closes · o opens its pane ");
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(crate::ui::widgets::safe_text::safe_lines(lines))
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        popup,
    );
}

fn field<'a>(theme: &Theme, key: &str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{key:>16}  "), theme.dim()),
        Span::styled(crate::text::one_line(&value).into_owned(), theme.text()),
    ])
}
