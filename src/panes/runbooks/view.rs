//! The Runbooks pane: the library (writing runbooks marked unavailable in read-only
//! mode), a runbook's template sections, and one run's parameters, plan,
//! confirmation, live progress and result.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, List, ListItem, ListState, Paragraph, Wrap};

use crate::panes::runbooks::state::{Flow, StepProgress, StepState};
use crate::runbook::describe;
use crate::runbook::engine::RunStatus;
use crate::runbook::plan::{Phase, Prepared};
use crate::text::{multi_line, one_line};
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;
use crate::ui::widgets::safe_text::safe_lines;
use crate::ui::widgets::table::{filter_suffix, fit_cell};

/// Spinner frames for a running step.
const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// Draw the pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)]).areas(area);
    draw_library(frame, left, state);
    let rb = &state.runbooks;
    match &rb.flow {
        Flow::Browse | Flow::Params { .. } | Flow::TypeValue(_) => draw_text(
            frame,
            right,
            state.theme,
            "Runbook",
            rb.selected()
                .map_or_else(|| "no runbooks".into(), describe::text),
        ),
        Flow::Planning(name) => draw_text(
            frame,
            right,
            state.theme,
            "Plan",
            format!("planning {name}: running prerequisites and reading current state…"),
        ),
        Flow::PlanFailed(e) => draw_text(
            frame,
            right,
            state.theme,
            "Plan",
            format!("cannot plan: {e}\n\nesc: back"),
        ),
        Flow::Planned(p) | Flow::Confirm { prepared: p, .. } => draw_plan(frame, right, state, p),
        Flow::Running {
            prepared,
            steps,
            log,
            started_at,
            cancelling,
        } => {
            let elapsed = if *started_at == 0 {
                0
            } else {
                state.now - started_at
            };
            let footer = if *cancelling {
                "cancelling after the current step…"
            } else {
                "c: cancel between steps"
            };
            draw_progress(
                frame,
                right,
                state,
                prepared,
                steps,
                log,
                &format!("running {}s · {footer}", elapsed.max(0)),
            );
        }
        Flow::Done {
            prepared,
            summary,
            log,
            rolled_back,
        } => {
            let (text, level) = match &summary.status {
                RunStatus::Verified if *rolled_back => {
                    ("rollback section done".to_string(), Level::Warning)
                }
                RunStatus::Verified => ("done: verified".to_string(), Level::Ok),
                RunStatus::VerificationFailed(m) => {
                    (format!("verification FAILED: {m}"), Level::Critical)
                }
                RunStatus::Failed(m) => (format!("FAILED: {m}"), Level::Critical),
                RunStatus::Cancelled => ("cancelled".to_string(), Level::Warning),
            };
            let mut lines = vec![Line::from(Span::styled(text, state.theme.level(level)))];
            lines.extend(summary.lines.iter().map(|l| Line::from(l.clone())));
            if !matches!(summary.status, RunStatus::Verified) || *rolled_back {
                lines.push(Line::default());
                lines.push(Line::from(Span::styled(
                    format!("escalation: {}", summary.escalation),
                    state.theme.level(Level::Warning),
                )));
            }
            let offer_rollback = matches!(summary.status, RunStatus::VerificationFailed(_))
                && !prepared.runbook.rollback.is_empty()
                && !rolled_back;
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                if offer_rollback {
                    "R: plan the rollback section · esc: back"
                } else {
                    "esc: back"
                },
                state.theme.dim(),
            )));
            lines.extend(
                log.iter()
                    .rev()
                    .take(20)
                    .map(|l| Line::from(Span::styled(l.clone(), state.theme.dim()))),
            );
            let block = block(
                state.theme,
                format!(
                    "Result · {} on {}",
                    prepared.runbook.name, prepared.env.name
                ),
                true,
            );
            frame.render_widget(
                Paragraph::new(safe_lines(lines))
                    .block(block)
                    .wrap(Wrap { trim: false }),
                right,
            );
        }
    }
    match &rb.flow {
        Flow::Params {
            runbook,
            fields,
            cursor,
        } => draw_params(frame, area, state, &runbook.name, fields, *cursor),
        Flow::Confirm {
            prepared,
            typed,
            rollback,
        } => draw_confirm(frame, area, state, prepared, typed, rollback.is_some()),
        Flow::TypeValue(entry) => super::value_popup::draw(frame, area, state, entry),
        _ => {}
    }
}

fn block<'a>(theme: &Theme, title: String, focused: bool) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(focused))
        .title(format!(" {} ", one_line(&title)))
}

fn draw_text(frame: &mut Frame, area: Rect, theme: &Theme, title: &str, text: String) {
    frame.render_widget(
        Paragraph::new(multi_line(&text).into_owned())
            .block(block(theme, title.to_string(), false))
            .wrap(Wrap { trim: false })
            .style(theme.text()),
        area,
    );
}

fn draw_library(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let rb = &state.runbooks;
    // Names line up in one column as wide as the longest, leaving room for the risk;
    // a name that does not fit ends in `…`.
    let room = usize::from(area.width.saturating_sub(2 + 5)).max(4);
    let name_width = rb
        .visible()
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(room);
    let items: Vec<ListItem> = rb
        .visible()
        .iter()
        .map(|r| {
            let unavailable = r.writes() && state.read_only;
            let risk = describe::risk(r);
            let style = if unavailable {
                theme.dim()
            } else {
                theme.text()
            };
            let mut spans = vec![
                Span::styled(
                    format!("{:<name_width$}", fit_cell(&r.name, name_width)),
                    style.add_modifier(Modifier::BOLD),
                ),
                Span::styled(
                    format!(" {risk:<4}"),
                    if risk == "high" {
                        theme.level(Level::Warning)
                    } else {
                        theme.dim()
                    },
                ),
            ];
            if r.replaces_shipped {
                spans.push(Span::styled(" yours:", theme.level(Level::Warning)));
            }
            if unavailable {
                spans.push(Span::styled(" unavailable (read-only)", theme.dim()));
            } else {
                spans.push(Span::styled(
                    format!(" {}", one_line(&r.title)),
                    theme.dim(),
                ));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut title = format!("Runbooks ({})", items.len());
    title.push_str(&filter_suffix(&rb.list.filter));
    if !rb.library.errors.is_empty() {
        title.push_str(&format!(" · ⚠ {} invalid", rb.library.errors.len()));
    }
    let list = List::new(items)
        .block(block(theme, title, matches!(rb.flow, Flow::Browse)))
        .highlight_style(theme.selected());
    let mut ls = ListState::default().with_selected(Some(rb.list.cursor));
    frame.render_stateful_widget(list, area, &mut ls);
}

fn draw_plan(frame: &mut Frame, area: Rect, state: &View, p: &Prepared) {
    let theme = &state.theme;
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::from(vec![
        Span::styled(
            format!("{} on ", p.runbook.name),
            theme.text().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            p.env.name.to_uppercase(),
            Style::default()
                .fg(theme.env_color(&p.env.name))
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
        Span::styled(
            format!("  as {}", p.caller.as_deref().unwrap_or("?")),
            theme.dim(),
        ),
    ]));
    if let Some(note) = p.runbook.origin_note() {
        lines.push(Line::from(Span::styled(
            format!("! {note}"),
            theme.level(Level::Warning),
        )));
    }
    lines.push(Line::from(Span::styled(
        "Prerequisites",
        theme.text().add_modifier(Modifier::BOLD),
    )));
    for c in &p.checks {
        let (mark, level, note) = match (c.ok, c.unchecked) {
            (true, _) => ("✓", Level::Ok, ""),
            (false, true) => ("?", Level::Warning, " (could not check)"),
            (false, false) => ("✗", Level::Critical, ""),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {mark} "), theme.level(level)),
            Span::raw(format!("{}: {}{note}", c.label, c.detail)),
        ]));
    }
    for (title, steps) in [
        ("Procedure", &p.procedure),
        ("Verification", &p.verification),
    ] {
        lines.push(Line::from(Span::styled(
            title,
            theme.text().add_modifier(Modifier::BOLD),
        )));
        for (i, s) in steps.iter().enumerate() {
            lines.push(Line::from(format!("  {}. {}", i + 1, s.label)));
            for c in &s.calls {
                lines.push(Line::from(Span::styled(
                    format!("     {c}"),
                    Style::default().fg(theme.accent),
                )));
            }
            for w in &s.warnings {
                lines.push(Line::from(Span::styled(
                    format!("     ! {w}"),
                    theme.level(Level::Warning),
                )));
            }
        }
    }
    lines.push(Line::default());
    let hint = if p.could_not_check() {
        Span::styled(
            "a prerequisite could not be checked (a transient failure): esc, then plan again",
            theme.level(Level::Warning),
        )
    } else if !p.runnable() {
        Span::styled(
            "a prerequisite failed: this run cannot start · esc: back",
            theme.level(Level::Critical),
        )
    } else if p.writes() {
        Span::styled(
            "enter/y: confirm and run · esc: back (nothing has changed)",
            theme.dim(),
        )
    } else {
        Span::styled("enter/y: run (read-only steps) · esc: back", theme.dim())
    };
    lines.push(Line::from(hint));
    let title = format!("Plan · {}", p.runbook.title);
    frame.render_widget(
        Paragraph::new(safe_lines(lines))
            .block(block(theme, title, true))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn step_line<'a>(theme: &Theme, s: &StepProgress, now: i64) -> Line<'a> {
    let phase = match s.phase {
        Phase::Procedure => "do",
        Phase::Verification => "verify",
        Phase::Rollback => "rollback",
    };
    let (mark, level, detail) = match &s.state {
        StepState::Pending => ("·".to_string(), Level::Unknown, String::new()),
        StepState::Running => (
            SPINNER[(now.rem_euclid(4)) as usize].to_string(),
            Level::Warning,
            String::new(),
        ),
        StepState::Done(d) => ("✓".to_string(), Level::Ok, d.clone()),
        StepState::Failed(d) => ("✗".to_string(), Level::Critical, d.clone()),
    };
    Line::from(vec![
        Span::styled(format!(" {mark} "), theme.level(level)),
        Span::styled(format!("{phase:<8} {}", s.label), theme.text()),
        Span::styled(
            if detail.is_empty() {
                String::new()
            } else {
                format!("  {detail}")
            },
            theme.dim(),
        ),
    ])
}

fn draw_progress(
    frame: &mut Frame,
    area: Rect,
    state: &View,
    p: &Prepared,
    steps: &[StepProgress],
    log: &[String],
    footer: &str,
) {
    let theme = &state.theme;
    let [top, bottom] = Layout::vertical([
        Constraint::Length(steps.len() as u16 + 3),
        Constraint::Min(3),
    ])
    .areas(area);
    let mut lines: Vec<Line> = steps
        .iter()
        .map(|s| step_line(theme, s, state.now))
        .collect();
    lines.push(Line::from(Span::styled(footer.to_string(), theme.dim())));
    frame.render_widget(
        Paragraph::new(lines).block(block(
            theme,
            format!("Running {} on {}", p.runbook.name, p.env.name),
            true,
        )),
        top,
    );
    let height = bottom.height.saturating_sub(2) as usize;
    let start = log.len().saturating_sub(height);
    let log_lines: Vec<Line> = log[start..].iter().map(|l| Line::from(l.clone())).collect();
    frame.render_widget(
        Paragraph::new(log_lines)
            .block(block(theme, "Service events and waits".into(), false))
            .wrap(Wrap { trim: true }),
        bottom,
    );
}

fn draw_params(
    frame: &mut Frame,
    area: Rect,
    state: &View,
    name: &str,
    fields: &[(String, String)],
    cursor: usize,
) {
    let theme = &state.theme;
    let rb = state.runbooks.library.get(name);
    let mut lines = Vec::new();
    for (i, (k, v)) in fields.iter().enumerate() {
        let spec = rb.and_then(|r| r.param(k));
        let secret = spec.is_some_and(|s| s.ty == crate::runbook::model::ParamType::Secret);
        let shown = if secret {
            "•".repeat(v.chars().count())
        } else {
            v.clone()
        };
        let style = if i == cursor {
            theme.selected()
        } else {
            theme.text()
        };
        let required = spec.is_some_and(|s| s.required);
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {:<10}{} ", k, if required { "*" } else { " " }),
                style,
            ),
            Span::styled(
                format!("{shown}{}", if i == cursor { "█" } else { "" }),
                theme.text(),
            ),
            Span::styled(
                format!("  {}", spec.map_or("", |s| s.help.as_str())),
                theme.dim(),
            ),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "tab/↓ ↑: field · type to edit · enter: plan (nothing changes yet) · esc: cancel",
        theme.dim(),
    )));
    let popup = centered(area, 100, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block(
            theme,
            format!("Parameters · {name} on {}", state.env.name),
            true,
        )),
        popup,
    );
}

fn draw_confirm(
    frame: &mut Frame,
    area: Rect,
    state: &View,
    p: &Prepared,
    typed: &str,
    rollback: bool,
) {
    let theme = &state.theme;
    let env_style = Style::default()
        .fg(theme.env_color(&p.env.name))
        .add_modifier(Modifier::BOLD | Modifier::REVERSED);
    let what = if rollback {
        format!("the ROLLBACK section of {}", p.runbook.name)
    } else {
        p.runbook.name.clone()
    };
    let mut lines = vec![Line::from(vec![
        Span::raw(format!("Run {what} on ")),
        Span::styled(format!(" {} ", p.env.name.to_uppercase()), env_style),
        Span::raw(format!(" ({} risk)?", describe::risk(&p.runbook))),
    ])];
    // The prompt comes first so that it stays visible on the smallest terminal.
    if p.needs_typed_confirmation() {
        lines.push(Line::from(vec![
            Span::raw(format!("Type {} to confirm: ", p.env.name)),
            Span::styled(
                format!("{typed}█"),
                theme.text().add_modifier(Modifier::BOLD),
            ),
        ]));
        lines.push(Line::from(Span::styled(
            "enter: run · esc: cancel",
            theme.dim(),
        )));
    } else {
        lines.push(Line::from(Span::styled(
            "y/enter: run · n/esc: cancel",
            theme.dim(),
        )));
    }
    if !rollback {
        lines.push(Line::default());
        for w in p.procedure.iter().flat_map(|s| s.calls.iter()).take(6) {
            lines.push(Line::from(Span::styled(
                format!("  {w}"),
                Style::default().fg(theme.accent),
            )));
        }
    }
    let width = usize::from(area.width.min(90).saturating_sub(2).max(1));
    let wrapped: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let height = u16::try_from(wrapped).unwrap_or(u16::MAX).saturating_add(2);
    let popup = centered(area, 90, height);
    frame.render_widget(Clear, popup);
    let border = if p.env.protected {
        Style::default().fg(theme.env_color(&p.env.name))
    } else {
        theme.border(true)
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::bordered()
                    .border_type(BorderType::Thick)
                    .border_style(border)
                    .title(" Confirm "),
            )
            .wrap(Wrap { trim: true }),
        popup,
    );
}
