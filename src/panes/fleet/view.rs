//! The fleet pane: a row per environment (tier verdicts, alarms, deployments, findings,
//! cost against budget, identity, age, problem) and, when there is room, the selected
//! environment's detail below. Columns narrow with the terminal; nothing is computed
//! here beyond formatting what the rows hold.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Row, Table, TableState};

use super::row::{CostCell, FleetRow, Known, dollars};
use super::state::{FleetSlot, FleetState};
use crate::panes::kit::loadable::format_age;
use crate::panes::kit::row_window::row_window;
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::table::{column_width, filter_suffix, fit_cell, header_row};

/// What the table shows at a width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    /// Under 60 columns: environment, level, alarms and status only.
    Tiny,
    /// Under 160: no identity column (the detail shows it).
    Medium,
    Wide,
}

impl Width {
    fn of(area: Rect) -> Width {
        match area.width {
            0..60 => Width::Tiny,
            60..160 => Width::Medium,
            _ => Width::Wide,
        }
    }
}

/// Widest a tier cell gets.
const TIER_MAX: u16 = 22;

/// Draw the pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let fleet = &state.fleet;
    let rows_needed = u16::try_from(fleet.visible.len().max(1)).unwrap_or(u16::MAX);
    let table_h = rows_needed.saturating_add(3);
    let detail_room = area.height.saturating_sub(table_h);
    let (table_area, detail_area) = if detail_room >= 8 {
        let [t, d] =
            Layout::vertical([Constraint::Length(table_h), Constraint::Min(8)]).areas(area);
        (t, Some(d))
    } else if area.height >= 20 {
        let [t, d] = Layout::vertical([Constraint::Min(5), Constraint::Length(8)]).areas(area);
        (t, Some(d))
    } else {
        (area, None)
    };
    draw_table(frame, table_area, state);
    if let Some(d) = detail_area {
        super::detail_view::draw(frame, d, state);
    }
}

fn title(fleet: &FleetState) -> String {
    let c = fleet.counts;
    let mut parts = vec![format!("Fleet · {} environments", fleet.slots.len())];
    for (n, what) in [
        (c.critical, "critical"),
        (c.warning, "warning"),
        (c.unknown, "unknown"),
        (c.ok, "ok"),
        (c.waiting, "waiting"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    format!("{}{}", parts.join(" · "), filter_suffix(&fleet.list.filter))
}

fn draw_table(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let fleet = &state.fleet;
    let mut right = Vec::new();
    if fleet.loading() {
        right.push(Span::styled(" ⟳ ", theme.dim()));
    }
    right.push(Span::styled(
        format!(" {} at once ", fleet.concurrency),
        theme.dim(),
    ));
    if let Some(age) = fleet.data_age(state.now) {
        right.push(Span::styled(
            format!(" oldest {} ago ", format_age(age)),
            theme.dim(),
        ));
    }
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(
            format!(" {} ", title(fleet)),
            theme.text().add_modifier(Modifier::BOLD),
        )))
        .title(Line::from(right).right_aligned());
    let width = Width::of(area);
    let inner_rows = usize::from(area.height.saturating_sub(3));
    let window = row_window(fleet.visible.len(), fleet.list.cursor, inner_rows);
    let slots: Vec<&FleetSlot> = fleet.visible[window.start..window.end]
        .iter()
        .filter_map(|i| fleet.slots.get(*i))
        .collect();
    let cells: Vec<RowCells> = slots
        .iter()
        .map(|slot| row_cells(theme, slot, state.now, width))
        .collect();
    // Every column but the tiers and the status as wide as its widest cell (numbers are
    // never cut); the tiers share what is left down to a level word; the status takes
    // the rest.
    let headers = headers(width);
    let ncols = headers.len();
    let mut widths: Vec<u16> = (0..ncols)
        .map(|c| {
            column_width(
                headers[c],
                cells
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|(t, _)| t.as_str()),
                u16::MAX,
            )
        })
        .collect();
    let tiers = if width == Width::Tiny { 0..0 } else { 1..5 };
    let inner = area.width.saturating_sub(2);
    let spacing = u16::try_from(ncols.saturating_sub(1)).unwrap_or(0);
    let others: u16 = (0..ncols.saturating_sub(1))
        .filter(|c| !tiers.contains(c))
        .map(|c| widths[c])
        .sum();
    let status_min = if slots
        .iter()
        .any(|s| s.row.as_ref().is_some_and(|r| r.problem.is_some()))
    {
        16
    } else {
        6
    };
    let tier_room = inner.saturating_sub(others + spacing + status_min) / 4;
    let tier_w = tier_room.clamp(4, TIER_MAX);
    for c in tiers.clone() {
        widths[c] = widths[c].min(tier_w).max(4);
    }
    let rows: Vec<Row> = cells
        .into_iter()
        .map(|r| {
            Row::new(r.into_iter().enumerate().map(|(c, (text, style))| {
                let text = if tiers.contains(&c) {
                    tier_text(&text, style.1, usize::from(tier_w))
                } else {
                    text
                };
                Cell::from(text).style(style.0)
            }))
        })
        .collect();
    let constraints: Vec<Constraint> = widths
        .iter()
        .enumerate()
        .map(|(c, w)| {
            if c + 1 == ncols {
                // What is left after every other column (a long error is cut, not the
                // numbers beside it).
                Constraint::Fill(1)
            } else {
                Constraint::Length(*w)
            }
        })
        .collect();
    let table = Table::new(rows, constraints)
        .header(header_row(theme, &headers))
        .block(block)
        .row_highlight_style(theme.selected());
    let mut ts = TableState::default().with_selected(window.selected);
    frame.render_stateful_widget(table, area, &mut ts);
}

fn headers(width: Width) -> Vec<&'static str> {
    match width {
        Width::Tiny => vec!["ENV", "LEVEL", "ALARMS", "STATUS"],
        Width::Medium => vec![
            "ENV",
            "ALB",
            "ECS",
            "DB",
            "CACHE",
            "ALARMS",
            "DEPLOYS",
            "CRIT/HIGH",
            "COST/BUDGET",
            "AGE",
            "STATUS",
        ],
        Width::Wide => vec![
            "ENV",
            "ALB",
            "ECS",
            "DB",
            "CACHE",
            "ALARMS",
            "DEPLOYS",
            "CRIT/HIGH",
            "COST/BUDGET",
            "IDENTITY",
            "AGE",
            "STATUS",
        ],
    }
}

/// A tier's text in `width`: the breach text when it fits, else the level word.
fn tier_text(text: &str, level: Level, width: usize) -> String {
    if text.chars().count() <= width || width >= usize::from(TIER_MAX) {
        return fit_cell(text, width);
    }
    if width < 10 {
        return level_word(level).to_string();
    }
    fit_cell(text, width)
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Ok => "OK",
        Level::Warning => "WARN",
        Level::Critical => "CRIT",
        Level::Unknown => "?",
    }
}

/// A cell's text, its style, and its level (tiers are cut by level).
type RowCells = Vec<(String, (Style, Level))>;

fn unknown(theme: &Theme) -> (String, (Style, Level)) {
    ("?".into(), (theme.level(Level::Unknown), Level::Unknown))
}

fn styled(text: impl Into<String>, theme: &Theme, level: Level) -> (String, (Style, Level)) {
    (text.into(), (theme.level(level), level))
}

fn known_count(theme: &Theme, v: &Known<usize>, busy: Level) -> (String, (Style, Level)) {
    match v {
        Ok(0) => styled("0", theme, Level::Ok),
        Ok(n) => styled(n.to_string(), theme, busy),
        Err(_) => unknown(theme),
    }
}

fn findings_cell(theme: &Theme, row: &FleetRow) -> (String, (Style, Level)) {
    match &row.findings {
        Ok(f) => {
            let bound = if f.complete { "" } else { "≥" };
            let level = if f.critical > 0 {
                Level::Critical
            } else if f.high > 0 {
                Level::Warning
            } else if f.complete {
                Level::Ok
            } else {
                Level::Unknown
            };
            styled(
                format!("{bound}{}/{bound}{}", f.critical, f.high),
                theme,
                level,
            )
        }
        Err(_) => unknown(theme),
    }
}

fn cost_cell(theme: &Theme, row: &FleetRow) -> (String, (Style, Level)) {
    match &row.cost {
        CostCell::Unknown(_) => unknown(theme),
        CostCell::Missing(_) => ("not cached".into(), (theme.dim(), Level::Unknown)),
        CostCell::Spent {
            spent,
            budget,
            level,
            ..
        } => {
            let text = match budget {
                Some(b) => format!("{}/{}", dollars(*spent), dollars(*b)),
                None => format!("{} (no budget)", dollars(*spent)),
            };
            styled(text, theme, *level)
        }
    }
}

fn row_cells(theme: &Theme, slot: &FleetSlot, now: i64, width: Width) -> RowCells {
    let env_style = Style::default()
        .fg(theme.env_color(&slot.env))
        .add_modifier(Modifier::BOLD);
    let env_cell = (slot.env.clone(), (env_style, Level::Unknown));
    let Some(row) = &slot.row else {
        let what = if slot.reading.loading {
            "reading…"
        } else {
            "waiting"
        };
        let mut cells = vec![env_cell];
        cells.resize(
            headers(width).len() - 1,
            (String::new(), (theme.dim(), Level::Unknown)),
        );
        cells.push((what.into(), (theme.dim(), Level::Unknown)));
        return cells;
    };
    let mut cells = vec![env_cell];
    if width == Width::Tiny {
        cells.push(styled(level_word(row.level), theme, row.level));
        cells.push(known_count(theme, &row.alarms, Level::Critical));
    } else {
        for t in &row.tiers {
            cells.push(styled(crate::text::one_line(&t.text), theme, t.level));
        }
        cells.push(known_count(theme, &row.alarms, Level::Critical));
        cells.push(known_count(theme, &row.deployments, Level::Warning));
        cells.push(findings_cell(theme, row));
        cells.push(cost_cell(theme, row));
        if width == Width::Wide {
            cells.push(match &row.identity {
                Ok(i) => (
                    fit_cell(
                        &crate::text::one_line(&format!("{} {}", i.account, i.principal)),
                        34,
                    ),
                    (theme.text(), Level::Unknown),
                ),
                Err(_) => unknown(theme),
            });
        }
        let age = row.read_at.map_or("–".to_string(), |t| format_age(now - t));
        let age = if slot.reading.loading {
            format!("{age}⟳")
        } else {
            age
        };
        cells.push((age, (theme.dim(), Level::Unknown)));
    }
    cells.push(match &row.problem_short {
        Some(p) if row.needs_mfa => styled(p.clone(), theme, Level::Warning),
        Some(p) => styled(crate::text::one_line(p), theme, Level::Critical),
        None => styled("fresh", theme, Level::Ok),
    });
    cells
}
