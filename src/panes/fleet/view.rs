//! The fleet pane: a row per environment (tier verdicts, alarms, deployments, findings,
//! cost against budget, identity, age, problem) and, when there is room, the selected
//! environment's detail below. Columns narrow with the terminal; nothing is computed
//! here beyond formatting what the rows hold.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Row, Table, TableState};

use super::row::{CostCell, FleetRow, Known};
use super::state::{FleetSlot, FleetState};
use crate::panes::kit::loadable::format_age;
use crate::panes::kit::row_window::row_window;
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::table::{filter_suffix, fit_cell, header_row};

/// How much the table shows at a width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    /// Under 100 columns: levels only, no identity.
    Narrow,
    /// Under 160: short breach texts, no identity.
    Medium,
    Wide,
}

impl Width {
    fn of(area: Rect) -> Width {
        match area.width {
            0..100 => Width::Narrow,
            100..160 => Width::Medium,
            _ => Width::Wide,
        }
    }

    fn tier(self) -> u16 {
        match self {
            Width::Narrow => 4,
            Width::Medium => 12,
            Width::Wide => 22,
        }
    }
}

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
    let tier_w = width.tier();
    let mut headers = vec!["ENV", "ALB", "ECS", "DB", "CACHE", "ALARMS", "DEPLOYS"];
    let mut widths = vec![
        Constraint::Length(12),
        Constraint::Length(tier_w),
        Constraint::Length(tier_w),
        Constraint::Length(tier_w),
        Constraint::Length(tier_w),
        Constraint::Length(6),
        Constraint::Length(7),
    ];
    headers.extend(["CRIT/HIGH", "COST MTD/BUDGET"]);
    widths.extend([Constraint::Length(9), Constraint::Length(15)]);
    if width == Width::Wide {
        headers.push("IDENTITY");
        widths.push(Constraint::Length(30));
    }
    headers.extend(["AGE", "STATUS"]);
    widths.extend([Constraint::Length(4), Constraint::Min(6)]);
    let inner_rows = usize::from(area.height.saturating_sub(3));
    let window = row_window(fleet.visible.len(), fleet.list.cursor, inner_rows);
    let rows: Vec<Row> = fleet.visible[window.start..window.end]
        .iter()
        .filter_map(|i| fleet.slots.get(*i))
        .map(|slot| fleet_row(theme, slot, state.now, width))
        .collect();
    let table = Table::new(rows, widths)
        .header(header_row(theme, &headers))
        .block(block)
        .row_highlight_style(theme.selected());
    let mut ts = TableState::default().with_selected(window.selected);
    frame.render_stateful_widget(table, area, &mut ts);
}

fn unknown<'a>(theme: &Theme) -> Cell<'a> {
    Cell::from("?").style(theme.level(Level::Unknown))
}

fn known_count<'a>(theme: &Theme, v: &Known<usize>, busy: Level) -> Cell<'a> {
    match v {
        Ok(0) => Cell::from("0").style(theme.level(Level::Ok)),
        Ok(n) => Cell::from(n.to_string()).style(theme.level(busy)),
        Err(_) => unknown(theme),
    }
}

fn findings_cell<'a>(theme: &Theme, row: &FleetRow) -> Cell<'a> {
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
            Cell::from(format!("{bound}{}/{bound}{}", f.critical, f.high)).style(theme.level(level))
        }
        Err(_) => unknown(theme),
    }
}

/// `$412` (whole dollars) or `$3.40` under ten.
pub fn dollars(v: f64) -> String {
    if v.abs() < 10.0 {
        format!("${v:.2}")
    } else {
        format!("${v:.0}")
    }
}

fn cost_cell<'a>(theme: &Theme, row: &FleetRow) -> Cell<'a> {
    match &row.cost {
        CostCell::Unknown(_) => unknown(theme),
        CostCell::Missing(_) => Cell::from("not cached").style(theme.dim()),
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
            Cell::from(text).style(theme.level(*level))
        }
    }
}

fn fleet_row<'a>(theme: &Theme, slot: &FleetSlot, now: i64, width: Width) -> Row<'a> {
    let env_style = Style::default()
        .fg(theme.env_color(&slot.env))
        .add_modifier(Modifier::BOLD);
    let env_cell = Cell::from(fit_cell(&slot.env, 12)).style(env_style);
    let Some(row) = &slot.row else {
        let what = if slot.reading.loading {
            "reading…"
        } else {
            "waiting"
        };
        return Row::new(vec![env_cell, Cell::from(what).style(theme.dim())]);
    };
    let tier_w = usize::from(width.tier());
    let mut cells = vec![env_cell];
    for t in &row.tiers {
        let text = if width == Width::Narrow {
            match t.level {
                Level::Ok => "OK".to_string(),
                Level::Warning => "WARN".to_string(),
                Level::Critical => "CRIT".to_string(),
                Level::Unknown => "?".to_string(),
            }
        } else {
            fit_cell(&crate::text::one_line(&t.text), tier_w)
        };
        cells.push(Cell::from(text).style(theme.level(t.level)));
    }
    cells.push(known_count(theme, &row.alarms, Level::Critical));
    cells.push(known_count(theme, &row.deployments, Level::Warning));
    cells.push(findings_cell(theme, row));
    cells.push(cost_cell(theme, row));
    if width == Width::Wide {
        cells.push(match &row.identity {
            Ok(i) => Cell::from(fit_cell(
                &crate::text::one_line(&format!("{} {}", i.account, i.principal)),
                30,
            )),
            Err(_) => unknown(theme),
        });
    }
    let age = row.read_at.map_or("–".to_string(), |t| format_age(now - t));
    let age = if slot.reading.loading {
        format!("{age}⟳")
    } else {
        age
    };
    cells.push(Cell::from(age).style(theme.dim()));
    cells.push(match &row.problem {
        Some(p) if row.needs_mfa => Cell::from(p.clone()).style(theme.level(Level::Warning)),
        Some(p) => {
            Cell::from(crate::text::one_line(p).into_owned()).style(theme.level(Level::Critical))
        }
        None => Cell::from("fresh").style(theme.level(Level::Ok)),
    });
    Row::new(cells)
}
