//! The selected environment under the fleet table: who we are there and where, each
//! tier's verdict line, and every value with what it was read for and how old it is,
//! then each failed read in full.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::gather::{EnvReading, GuardDutyRead};
use super::row::{CostCell, FleetRow, dollars};
use super::state::FleetSlot;
use crate::cloud::Epoch;
use crate::panes::kit::loadable::format_age;
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;

fn ago(now: Epoch, at: Epoch) -> String {
    format!("{} ago", format_age(now - at))
}

fn safe(s: &str) -> String {
    crate::text::one_line(s).into_owned()
}

/// Draw the selected environment's detail into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let Some(slot) = state.fleet.selected() else {
        return;
    };
    let block = Block::bordered()
        .border_style(theme.border(false))
        .title(Line::from(Span::styled(
            format!(" {} · enter opens it ", slot.env),
            theme.text().add_modifier(Modifier::BOLD),
        )));
    let lines = match (&slot.row, slot.reading.data.as_ref()) {
        (Some(row), Some(reading)) if slot.reading.error.is_none() => {
            lines_of(theme, row, reading, state.now)
        }
        (Some(row), _) => failed_lines(theme, slot, row),
        (None, _) => vec![Line::from(Span::styled(
            if slot.reading.loading {
                "reading…"
            } else {
                "waiting for a place in the pool"
            },
            theme.dim(),
        ))],
    };
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

fn failed_lines<'a>(theme: &Theme, slot: &FleetSlot, row: &FleetRow) -> Vec<Line<'a>> {
    let mut out = vec![Line::from(Span::styled(
        format!(
            "could not be read: {}",
            safe(row.problem.as_deref().unwrap_or("unknown error"))
        ),
        theme.level(if row.needs_mfa {
            Level::Warning
        } else {
            Level::Critical
        }),
    ))];
    if slot.reading.data.is_some() {
        out.push(Line::from(Span::styled(
            "every value is unknown until it is read again",
            theme.dim(),
        )));
    }
    out
}

fn lines_of<'a>(theme: &Theme, row: &FleetRow, r: &EnvReading, now: Epoch) -> Vec<Line<'a>> {
    let s = &r.scope;
    let who = match &row.identity {
        Ok(i) => format!("account {} as {}", i.account, i.principal),
        Err(k) => format!("identity unknown ({k})"),
    };
    let mut out = vec![Line::from(vec![
        Span::styled(safe(&who), theme.text()),
        Span::styled(
            format!(
                " · {} · profile {}{}",
                s.region,
                s.profile.as_deref().unwrap_or("(default)"),
                s.endpoint_url
                    .as_deref()
                    .map_or(String::new(), |u| format!(" · {u}"))
            ),
            theme.dim(),
        ),
    ])];
    for t in &row.tiers {
        out.push(Line::from(Span::styled(
            safe(&t.line),
            theme.level(t.level),
        )));
    }
    out.push(Line::from(Span::styled(
        format!(
            "health: last {} of {}/{} · read {}",
            s.range,
            s.cluster,
            s.service,
            ago(now, r.health_at)
        ),
        theme.dim(),
    )));
    let alarms = match &row.alarms {
        Ok(n) => format!("{n} in ALARM"),
        Err(k) => format!("unknown ({k})"),
    };
    let deployments = match &row.deployments {
        Ok(n) => format!("{n} in flight"),
        Err(k) => format!("unknown ({k})"),
    };
    out.push(Line::from(vec![
        Span::raw(format!("alarms {}* {alarms}", s.alarm_prefix)),
        Span::raw(format!(" · deployments {deployments}")),
    ]));
    let findings = match &row.findings {
        Ok(f) => {
            let b = if f.complete { "" } else { "≥ " };
            format!("{b}{} critical, {b}{} high open", f.critical, f.high)
        }
        Err(k) => format!("unknown ({k})"),
    };
    let guardduty = match &r.guardduty {
        GuardDutyRead::Read => "",
        GuardDutyRead::NoDetector => " (no GuardDuty detector)",
        GuardDutyRead::Failed(_) => " (GuardDuty not read: lower bound)",
    };
    out.push(Line::from(vec![
        Span::raw(format!("findings {findings}{guardduty}")),
        Span::styled(
            format!(" · {} · read {}", s.findings, ago(now, r.findings.at)),
            theme.dim(),
        ),
    ]));
    let cost = match &row.cost {
        CostCell::Unknown(k) => format!("unknown ({k})"),
        CostCell::Missing(why) => why.clone(),
        CostCell::Spent {
            spent,
            budget,
            data_at,
            fresh,
            ..
        } => {
            let of = budget.map_or(" (no monthly_budget_usd)".to_string(), |b| {
                format!(" of {} ({:.0}%)", dollars(b), spent / b * 100.0)
            });
            let age = data_at.map_or(String::new(), |t| {
                format!(
                    ", answered {}{}",
                    ago(now, t),
                    if *fresh { "" } else { ", stale" }
                )
            });
            format!("{} this month{of}{age}", dollars(*spent))
        }
    };
    out.push(Line::from(vec![
        Span::raw(format!("cost {cost}")),
        Span::styled(
            format!(
                " · {} · {}",
                s.cost.as_deref().unwrap_or("filter unknown"),
                s.cost_source
            ),
            theme.dim(),
        ),
    ]));
    for f in &row.failures {
        out.push(Line::from(Span::styled(
            format!("✗ {}", safe(f)),
            theme.level(Level::Critical),
        )));
    }
    out
}
