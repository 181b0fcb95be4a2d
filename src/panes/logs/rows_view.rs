//! The Logs pane's live tail and its popups: a row's detail (JSON pretty-printed), the
//! history and saved-query pickers, and the save-as prompt.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use crate::panes::kit::loadable::Loadable;
use crate::panes::logs::cell_text::sanitize;
use crate::panes::logs::results::detail_lines;
use crate::panes::logs::state::PickerKind;
use crate::panes::logs::tail::{LineLevel, line_level};
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;
use crate::ui::widgets::source_block::source_block;
use crate::ui::widgets::table::filter_suffix;

fn level_style(theme: &Theme, message: &str) -> Style {
    match line_level(message) {
        LineLevel::Error => theme.level(Level::Critical),
        LineLevel::Warn => theme.level(Level::Warning),
        LineLevel::Other => theme.text(),
    }
}

/// `HH:MM:SS.mmm` (UTC) of Unix milliseconds.
pub fn clock_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        ms.rem_euclid(1000)
    )
}

/// The live tail: lines of every group in timestamp order, ERROR/WARN highlighted.
pub fn draw_tail(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let tail = &state.logs.tail;
    let status = Loadable::<()> {
        data: Some(()),
        fetched_at: tail.fetched_at,
        error: tail.error.clone(),
        loading: tail.in_flight,
        retry_at: None,
    };
    let mode = if tail.paused {
        "paused"
    } else if tail.follow {
        "following"
    } else {
        "scrolled"
    };
    use crate::panes::logs::tail::TailMode;
    let source = match &tail.mode {
        TailMode::Live(_) => "Live Tail (billed per minute)",
        TailMode::Starting | TailMode::TryLive => "starting Live Tail",
        TailMode::Polling => "polling FilterLogEvents",
    };
    // The sampled mark first, so a narrow terminal never cuts it off.
    let sampled = if tail.sampled(state.now) {
        "SAMPLED (over 500 events/s) · "
    } else {
        ""
    };
    let mut title = format!(
        "Live tail · {sampled}{} · {source} · {mode}",
        tail.log_groups.join(", ")
    );
    title.push_str(&filter_suffix(&tail.list.filter));
    let mut block = source_block(theme, title, true, &status, state.now).title_bottom(Line::from(
        Span::styled(
            " space pause · / filter · G follow · t queries ",
            theme.dim(),
        ),
    ));
    // Why Live Tail is not used, where the hint keys leave room for it.
    if let (TailMode::Polling, Some(why), true) =
        (&tail.mode, &tail.live_unavailable, area.width >= 110)
    {
        block = block.title_bottom(
            Line::from(Span::styled(
                format!(" {} ", sanitize(why, 80)),
                theme.dim(),
            ))
            .right_aligned(),
        );
    }
    let total = tail.visible_len();
    if total == 0 {
        let msg = match &tail.error {
            Some(e) => e.to_string(),
            None => "waiting for log events…".into(),
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()).block(block), area);
        return;
    }
    let h = usize::from(area.height.saturating_sub(2)).max(1);
    let cursor = tail.list.cursor.min(total - 1);
    let start = cursor.saturating_sub(h - 1);
    let many = tail.log_groups.len() > 1;
    let text: Vec<Line> = tail
        .visible_range(start, h)
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let mut spans = vec![Span::styled(
                format!("{} ", clock_ms(e.timestamp_ms)),
                theme.dim(),
            )];
            if many {
                let g = e.log_group.rsplit('/').next().unwrap_or_default();
                spans.push(Span::styled(format!("{} ", sanitize(g, 16)), theme.dim()));
            }
            let stream: String = e
                .log_stream
                .chars()
                .rev()
                .take(8)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            spans.push(Span::styled(
                format!("{} ", sanitize(&stream, 8)),
                theme.dim(),
            ));
            spans.push(Span::styled(
                sanitize(&e.message, 1000),
                level_style(theme, &e.message),
            ));
            let line = Line::from(spans);
            if !tail.follow && start + i == cursor {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(text).block(block), area);
}

fn popup_block<'a>(theme: &Theme, title: String, hint: &'a str) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(
            format!(" {title} "),
            theme.text().add_modifier(Modifier::BOLD),
        )))
        .title_bottom(Line::from(Span::styled(hint, theme.dim())))
        .style(theme.text())
}

/// Whichever popup of the pane is open.
pub fn draw_popups(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let logs = &state.logs;
    if let Some(name) = &logs.save_name {
        let rect = centered(area, 70, 3);
        frame.render_widget(Clear, rect);
        let block = popup_block(
            theme,
            "Save query as (PutQueryDefinition)".into(),
            " enter save · esc cancel ",
        );
        frame.render_widget(
            Paragraph::new(format!("{}█", sanitize(name, 200))).block(block),
            rect,
        );
        return;
    }
    if let Some(picker) = logs.picker {
        draw_picker(frame, area, state, picker.kind, picker.cursor);
        return;
    }
    if let Some(scroll) = logs.detail
        && let (Some(table), Some(i)) = (&logs.results, logs.selected_row())
        && let Some(row) = table.rows.get(i)
    {
        let rect = centered(
            area,
            area.width.saturating_sub(4),
            area.height.saturating_sub(2),
        );
        frame.render_widget(Clear, rect);
        let block = popup_block(
            theme,
            format!("Row {}", i + 1),
            " j/k scroll · y copy · esc close ",
        );
        let lines: Vec<Line> = detail_lines(&table.columns, row)
            .into_iter()
            .map(|l| {
                let style = if l.starts_with(' ') {
                    theme.text()
                } else {
                    Style::default()
                        .fg(theme.accent)
                        .add_modifier(Modifier::BOLD)
                };
                Line::from(Span::styled(sanitize(&l, 4000), style))
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .scroll((scroll, 0)),
            rect,
        );
    }
}

fn draw_picker(frame: &mut Frame, area: Rect, state: &View, kind: PickerKind, cursor: usize) {
    let theme = &state.theme;
    let logs = &state.logs;
    let (title, items): (&str, Vec<String>) = match kind {
        PickerKind::History => (
            "History (this environment)",
            logs.history
                .iter()
                .map(|h| {
                    format!(
                        "{} · {} · {} · {}",
                        crate::panes::logs::query::format_instant(h.ran_at),
                        h.range,
                        if h.status.is_empty() { "-" } else { &h.status },
                        h.query.lines().map(str::trim).collect::<Vec<_>>().join(" ")
                    )
                })
                .collect(),
        ),
        PickerKind::Saved => (
            "Saved queries (DescribeQueryDefinitions)",
            logs.definitions
                .data
                .as_ref()
                .map(|d| {
                    d.iter()
                        .map(|q| {
                            format!(
                                "{} · {}",
                                q.name,
                                q.query.lines().map(str::trim).collect::<Vec<_>>().join(" ")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
    };
    let rect = centered(
        area,
        area.width.saturating_sub(6),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let block = popup_block(theme, title.into(), " enter run · esc close ");
    let h = usize::from(rect.height.saturating_sub(2)).max(1);
    let lines: Vec<Line> = if items.is_empty() {
        let msg = match (&kind, &logs.definitions.error) {
            (PickerKind::Saved, Some(e)) => e.to_string(),
            (PickerKind::Saved, None) if logs.definitions.loading => "loading…".into(),
            _ => "nothing yet".into(),
        };
        vec![Line::from(Span::styled(msg, theme.dim()))]
    } else {
        let cursor = cursor.min(items.len() - 1);
        let start = cursor.saturating_sub(h - 1);
        items
            .iter()
            .enumerate()
            .skip(start)
            .take(h)
            .map(|(i, s)| {
                let style = if i == cursor {
                    theme.selected()
                } else {
                    theme.text()
                };
                Line::from(Span::styled(sanitize(s, 500), style))
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_of_milliseconds() {
        assert_eq!(clock_ms(1_788_220_800_000 + 3_723_045), "01:02:03.045");
        assert_eq!(clock_ms(-1), "23:59:59.999");
    }
}
