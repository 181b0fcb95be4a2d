//! The Logs pane: the query editor (text, log groups, time range), the run's status,
//! elapsed time and statistics, and the results table; popups and the live tail are in
//! `logs_view`.

use super::cell_text::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Paragraph, Row, Table, Wrap};

use crate::cloud::{QueryStatus, format_bytes};
use crate::panes::kit::loadable::Loadable;
use crate::panes::logs::query::BUILTINS;
use crate::panes::logs::state::{EditField, LogsView, QueryRun};
use crate::ui::theme::Level;
use crate::ui::view::View;
use crate::ui::widgets::source_block::source_block;
use crate::ui::widgets::table::filter_suffix;

/// Characters of one cell shown at most (the detail view has the rest).
pub const CELL_CHARS: usize = 400;

/// Draw the pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let logs = &state.logs;
    if logs.view == LogsView::Tail {
        super::rows_view::draw_tail(frame, area, state);
    } else {
        let editing = logs.editing.is_some();
        let lines = logs.editor.lines.len() as u16;
        let max = if editing { 12 } else { 6 };
        let editor_h = (lines.min(max) + 3).min(area.height.saturating_sub(4).max(3));
        let [editor, status, results] = Layout::vertical([
            Constraint::Length(editor_h),
            Constraint::Length(1),
            Constraint::Min(3),
        ])
        .areas(area);
        draw_editor(frame, editor, state);
        draw_status(frame, status, state);
        draw_results(frame, results, state);
    }
    super::rows_view::draw_popups(frame, area, state);
}

fn draw_editor(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let logs = &state.logs;
    let editing = logs.editing;
    let name = logs
        .run
        .as_ref()
        .and_then(|r| r.name.clone())
        .unwrap_or_else(|| "query".into());
    let hint = if editing.is_some() {
        " tab next field · ctrl-r run · esc done "
    } else {
        " e edit · x run · F1–F4 built-ins "
    };
    let block = Block::bordered()
        .border_type(if editing.is_some() {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(theme.border(editing.is_some()))
        .title(Line::from(Span::styled(
            format!(" Logs Insights · {name} "),
            theme.text().add_modifier(Modifier::BOLD),
        )))
        .title(Line::from(Span::styled(hint, theme.dim())).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [text_area, fields] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let h = usize::from(text_area.height.max(1));
    let row = logs.editor.row;
    let top = if editing == Some(EditField::Query) {
        row.saturating_sub(h - 1)
    } else {
        0
    };
    let text: Vec<Line> = logs
        .editor
        .lines
        .iter()
        .skip(top)
        .take(h)
        .map(|l| Line::from(Span::styled(sanitize(l, 1000), theme.text())))
        .collect();
    frame.render_widget(Paragraph::new(text), text_area);
    let groups = logs.groups(&state.env.log_groups);
    let field = |label: &str, value: String, which: EditField| -> Vec<Span<'static>> {
        let active = editing == Some(which);
        let style = if active {
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD)
        } else {
            theme.text()
        };
        vec![
            Span::styled(format!("{label} "), theme.dim()),
            Span::styled(if active { format!("{value}█") } else { value }, style),
            Span::raw("   "),
        ]
    };
    let groups_text = if editing == Some(EditField::Groups) {
        logs.groups_input.clone()
    } else if groups.is_empty() {
        "(none: type some)".into()
    } else {
        groups.join(", ")
    };
    let mut spans = field("groups", groups_text, EditField::Groups);
    spans.extend(field("range", logs.range_input.clone(), EditField::Range));
    frame.render_widget(Paragraph::new(Line::from(spans)), fields);
    if editing == Some(EditField::Query) {
        let col = u16::try_from(logs.editor.col).unwrap_or(u16::MAX);
        let y = u16::try_from(row - top).unwrap_or(0);
        let x = text_area
            .x
            .saturating_add(col)
            .min(text_area.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, text_area.y.saturating_add(y)));
    }
}

/// The status word's level.
pub fn status_level(run: &QueryRun) -> Level {
    if run.error.is_some() {
        return Level::Critical;
    }
    match run.status {
        QueryStatus::Complete => Level::Ok,
        QueryStatus::Scheduled | QueryStatus::Running => Level::Warning,
        QueryStatus::Failed | QueryStatus::Timeout => Level::Critical,
        QueryStatus::Cancelled | QueryStatus::Unknown => Level::Unknown,
    }
}

fn draw_status(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let Some(run) = &state.logs.run else {
        let keys: Vec<String> = BUILTINS
            .iter()
            .enumerate()
            .map(|(i, b)| format!("F{} {}", i + 1, b.name))
            .collect();
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                format!(
                    " {}  ·  t live tail  ·  {}",
                    keys.join(" · "),
                    state.logs.spend.label()
                ),
                theme.dim(),
            ))),
            area,
        );
        return;
    };
    let mut spans = vec![
        Span::styled(
            format!(" ● {} ", run.status.as_str()),
            theme.level(status_level(run)),
        ),
        Span::styled(format!("{}s ", run.elapsed(state.now)), theme.text()),
        Span::styled(format!("· {} ", run.range_label), theme.dim()),
    ];
    if let Some(s) = run.statistics {
        spans.push(Span::styled(
            format!(
                "· matched {:.0} · scanned {:.0} records, {} ",
                s.records_matched,
                s.records_scanned,
                format_bytes(s.bytes_scanned)
            ),
            theme.text(),
        ));
    }
    if let Some(e) = &run.error {
        spans.push(Span::styled(
            format!("· {e} "),
            theme.level(Level::Critical),
        ));
    }
    spans.push(Span::styled(
        format!("· {} ", state.logs.spend.label()),
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_results(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let logs = &state.logs;
    let run = logs.run.as_ref();
    let status = Loadable::<()> {
        data: Some(()),
        fetched_at: run.and_then(|r| r.finished_at),
        error: run.and_then(|r| r.error.clone()),
        loading: run.is_some_and(QueryRun::is_running),
        retry_at: None,
    };
    let rows = logs.visible_rows();
    let mut title = format!("Results ({})", rows.len());
    title.push_str(&filter_suffix(&logs.list.filter));
    if let Some(t) = &logs.results
        && let Some(sort) = t.sort
        && let Some(col) = t.columns.get(sort.column)
    {
        title.push_str(&format!(
            " · by {col} {}",
            if sort.descending { "↓" } else { "↑" }
        ));
    }
    let block = source_block(theme, title, true, &status, state.now);
    let Some(table) = &logs.results else {
        let msg = match run {
            None => "No query yet. F1 runs recent-errors over the last hour.".to_string(),
            Some(r) if r.error.is_some() => format!(
                "The query failed: {}",
                r.error.as_ref().map(|e| e.to_string()).unwrap_or_default()
            ),
            Some(r) if r.is_running() => "waiting for results…".to_string(),
            Some(r) => format!("no results ({})", r.status.as_str()),
        };
        frame.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    if rows.is_empty() {
        let msg = if table.rows.is_empty() {
            "No rows matched.".to_string()
        } else {
            format!("No row matches /{}", logs.list.filter)
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()).block(block), area);
        return;
    }
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let cursor = logs.list.cursor.min(rows.len() - 1);
    let start = cursor.saturating_sub(height - 1);
    let window = &rows[start..(start + height).min(rows.len())];
    let widths = column_widths(table, window);
    let header = Row::new(table.columns.iter().map(|c| Cell::from(sanitize(c, 60))))
        .style(theme.dim().add_modifier(Modifier::BOLD));
    let body = window.iter().enumerate().map(|(i, &idx)| {
        let cells = table
            .rows
            .get(idx)
            .map(|r| table.cells(r))
            .unwrap_or_default();
        let row = Row::new(cells.into_iter().map(|c| {
            let level = crate::panes::logs::tail::line_level(c);
            let style = match level {
                crate::panes::logs::tail::LineLevel::Error => theme.level(Level::Critical),
                crate::panes::logs::tail::LineLevel::Warn => theme.level(Level::Warning),
                crate::panes::logs::tail::LineLevel::Other => theme.text(),
            };
            Cell::from(sanitize(c, CELL_CHARS)).style(style)
        }));
        if start + i == cursor {
            row.style(theme.selected())
        } else {
            row
        }
    });
    frame.render_widget(
        Table::new(body, widths)
            .header(header)
            .column_spacing(1)
            .block(block),
        area,
    );
}

fn column_widths(
    table: &crate::panes::logs::results::ResultsTable,
    window: &[usize],
) -> Vec<Constraint> {
    let n = table.columns.len();
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if c == "@message" || i + 1 == n {
                return Constraint::Fill(1);
            }
            let widest = window
                .iter()
                .filter_map(|&r| table.rows.get(r))
                .map(|r| crate::cloud::field_value(r, c).chars().count())
                .max()
                .unwrap_or(0)
                .max(c.chars().count())
                .min(40);
            Constraint::Length(u16::try_from(widest).unwrap_or(40))
        })
        .collect()
}
