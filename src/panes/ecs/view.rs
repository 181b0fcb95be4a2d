//! The ECS pane: services, the selected service's deployments and task definition,
//! its tasks (status, revision, AZ, IP, ENI) and its event stream.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::cloud::{EcsDeployment, EcsService, EcsTask, ServiceDeploymentRecord, last_segment};
use crate::panes::ecs::state::EcsFocus;
use crate::panes::kit::loadable::format_age;
use crate::panes::kit::row_window::row_window;
use crate::ui::view::View;

/// Names without the `{project}-{env}-` prefix every resource shares (seed Appendix A);
/// the full names stay in block titles.
struct Names {
    prefix: String,
}

impl Names {
    fn new(state: &View) -> Names {
        Names {
            prefix: format!("{}-{}-", state.config.project, state.env.name),
        }
    }

    fn short(&self, name: &str) -> String {
        let name = last_segment(name);
        name.strip_prefix(&self.prefix).unwrap_or(name).to_string()
    }
}
use crate::ui::theme::{Level, Theme};
use crate::ui::widgets::source_block::{placeholder, source_block};
use crate::ui::widgets::table::{column_width, filter_suffix, fit_cell, header_row};

/// Draw the pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let ecs = &state.ecs;
    let services = ecs.visible_services();
    let selected = ecs.selected_service();
    let deployment_rows = selected.map_or(1, |s| s.deployments.len().max(1)) as u16 + 1;
    let services_h = (services.len().max(1) as u16 + 3).min(8);
    let deploy_h = (deployment_rows + 3).min(7);
    let rest = area.height.saturating_sub(services_h + deploy_h);
    let tasks_h = (ecs.visible_tasks().len().max(1) as u16 + 3).clamp(4, (rest * 3 / 5).max(4));
    let [services_area, deploy_area, tasks_area, events_area] = Layout::vertical([
        Constraint::Length(services_h),
        Constraint::Length(deploy_h),
        Constraint::Length(tasks_h),
        Constraint::Min(3),
    ])
    .areas(area);
    draw_services(frame, services_area, state, &services);
    if deploy_area.width >= 120 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(deploy_area);
        draw_deployments(frame, left, state, selected);
        draw_task_definition(frame, right, state, selected);
    } else {
        draw_deployments(frame, deploy_area, state, selected);
    }
    let events_area = super::session_view::draw_forwards(frame, events_area, state);
    if let Some(task) = ecs.detail_task() {
        let below = tasks_area.union(events_area);
        super::task_view::draw(frame, below, state, task);
    } else {
        draw_tasks(frame, tasks_area, state);
        draw_events(frame, events_area, state, selected);
    }
    super::session_view::draw_prompt(frame, area, state);
}

fn rollout_level(state: Option<&str>) -> Level {
    match state {
        Some("COMPLETED") => Level::Ok,
        Some("IN_PROGRESS") => Level::Warning,
        Some("FAILED") => Level::Critical,
        _ => Level::Unknown,
    }
}

fn draw_services(frame: &mut Frame, area: Rect, state: &View, services: &[&EcsService]) {
    let theme = &state.theme;
    let ecs = &state.ecs;
    let focused = ecs.focus == EcsFocus::Services;
    let title = format!(
        "Services ({}){}",
        services.len(),
        filter_suffix(&ecs.service_list.filter)
    );
    let block = source_block(theme, title, focused, &ecs.services, state.now);
    if ecs.services.data.is_none() {
        frame.render_widget(
            Paragraph::new(placeholder(&ecs.services))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let names = Names::new(state);
    // Only the rows that fit are built (a cluster may hold hundreds of services).
    let window = row_window(
        services.len(),
        ecs.service_list.cursor,
        usize::from(area.height.saturating_sub(3)),
    );
    let services = &services[window.start..window.end];
    // Columns sized to their content; the service name takes what is left, and a cell
    // that does not fit ends in `…`.
    let short_names: Vec<String> = services.iter().map(|s| names.short(&s.name)).collect();
    let task_defs: Vec<String> = services
        .iter()
        .map(|s| names.short(&s.task_definition))
        .collect();
    let rollouts: Vec<&str> = services
        .iter()
        .map(|s| {
            s.primary_deployment()
                .and_then(|d| d.rollout_state.as_deref())
                .unwrap_or("-")
        })
        .collect();
    let td_width = column_width("TASK DEF", task_defs.iter().map(String::as_str), 40);
    let rollout_width = column_width("ROLLOUT", rollouts.iter().copied(), 24);
    let fixed = 8 + 7 + 4 + 4 + td_width + rollout_width + 7;
    let room = area.width.saturating_sub(2 + fixed).max(8);
    let name_width = column_width("SERVICE", short_names.iter().map(String::as_str), room);
    let rows = services.iter().enumerate().map(|(i, s)| {
        let rollout = s
            .primary_deployment()
            .and_then(|d| d.rollout_state.as_deref());
        let count_level = if s.running < s.desired {
            Level::Warning
        } else {
            Level::Ok
        };
        Row::new(vec![
            Cell::from(fit_cell(&short_names[i], usize::from(name_width))),
            Cell::from(s.status.clone()),
            Cell::from(format!("{}/{}", s.running, s.desired)).style(theme.level(count_level)),
            Cell::from(s.pending.to_string()),
            Cell::from(fit_cell(&task_defs[i], usize::from(td_width))),
            Cell::from(fit_cell(rollouts[i], usize::from(rollout_width)))
                .style(theme.level(rollout_level(rollout))),
            Cell::from(s.deployments.len().to_string()).style(theme.level(
                if s.deployments.len() > 1 {
                    Level::Warning
                } else {
                    Level::Ok
                },
            )),
        ])
    });
    let widths = [
        Constraint::Length(name_width),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(4),
        Constraint::Length(td_width),
        Constraint::Length(rollout_width),
        Constraint::Length(4),
    ];
    let table = Table::new(rows, widths)
        .header(header_row(
            theme,
            &[
                "SERVICE", "STATUS", "RUN/DES", "PEND", "TASK DEF", "ROLLOUT", "DEPS",
            ],
        ))
        .block(block)
        .row_highlight_style(theme.selected());
    let mut ts = TableState::default().with_selected(window.selected);
    frame.render_stateful_widget(table, area, &mut ts);
}

/// Widths of the deployments table's content-sized columns.
struct DeployWidths {
    task_def: u16,
    rollout: u16,
    /// What is left for the rollout reason.
    reason: u16,
}

fn deployment_row<'a>(
    theme: &Theme,
    names: &Names,
    d: &EcsDeployment,
    now: i64,
    w: &DeployWidths,
) -> Row<'a> {
    let rollout = d.rollout_state.as_deref();
    let updated = d
        .updated_at
        .or(d.created_at)
        .map_or("-".to_string(), |t| format_age(now - t));
    let failed_style = if d.failed > 0 {
        theme.level(Level::Critical)
    } else {
        theme.text()
    };
    Row::new(vec![
        Cell::from(d.status.clone()),
        Cell::from(fit_cell(
            &names.short(&d.task_definition),
            usize::from(w.task_def),
        )),
        Cell::from(fit_cell(rollout.unwrap_or("-"), usize::from(w.rollout)))
            .style(theme.level(rollout_level(rollout))),
        Cell::from(format!("{}/{}/{}", d.running, d.desired, d.pending)),
        Cell::from(d.failed.to_string()).style(failed_style),
        Cell::from(updated),
        Cell::from(fit_cell(
            d.rollout_reason.as_deref().unwrap_or_default(),
            usize::from(w.reason),
        )),
    ])
}

fn draw_deployments(frame: &mut Frame, area: Rect, state: &View, service: Option<&EcsService>) {
    let theme = &state.theme;
    let ecs = &state.ecs;
    let Some(service) = service else {
        let block = source_block(theme, "Deployments".into(), false, &ecs.services, state.now);
        frame.render_widget(Paragraph::new("no service selected").block(block), area);
        return;
    };
    let names = Names::new(state);
    let history = ecs.deployments.get(&service.name);
    let mut title = "Deployments".to_string();
    let shown_history: Vec<&ServiceDeploymentRecord> = history
        .and_then(|h| h.data.as_ref())
        .map(|d| d.iter().take(3).collect())
        .unwrap_or_default();
    // Columns sized to what they hold (a ROLLBACK_IN_PROGRESS status is never cut while
    // a task-definition column stands half empty); the reason takes the rest.
    let task_defs: Vec<String> = service
        .deployments
        .iter()
        .map(|d| names.short(&d.task_definition))
        .chain(shown_history.iter().map(|r| {
            r.target_task_definition
                .as_deref()
                .map_or("-".to_string(), |t| names.short(t))
        }))
        .collect();
    let rollouts: Vec<&str> = service
        .deployments
        .iter()
        .map(|d| d.rollout_state.as_deref().unwrap_or("-"))
        .chain(shown_history.iter().map(|r| r.status.as_str()))
        .collect();
    let task_def = column_width("TASK DEF", task_defs.iter().map(String::as_str), 40);
    let rollout = column_width("ROLLOUT", rollouts.iter().copied(), 24);
    // Borders, the fixed columns and one space between each of the seven.
    let used = 2 + 8 + task_def + rollout + 6 + 4 + 4 + 6;
    let w = DeployWidths {
        task_def,
        rollout,
        reason: area.width.saturating_sub(used),
    };
    let mut rows: Vec<Row> = service
        .deployments
        .iter()
        .map(|d| deployment_row(theme, &names, d, state.now, &w))
        .collect();
    match history {
        Some(h) if h.data.is_some() => {
            for r in &shown_history {
                let when = r
                    .finished_at
                    .or(r.started_at)
                    .map_or("-".into(), |t| format_age(state.now - t));
                let level = if r.status.contains("FAIL") || r.status.starts_with("ROLLBACK") {
                    Level::Warning
                } else {
                    Level::Unknown
                };
                rows.push(
                    Row::new(vec![
                        Cell::from("history"),
                        Cell::from(fit_cell(
                            &r.target_task_definition
                                .as_deref()
                                .map_or("-".to_string(), |t| names.short(t)),
                            usize::from(w.task_def),
                        )),
                        Cell::from(fit_cell(&r.status, usize::from(w.rollout)))
                            .style(theme.level(level)),
                        Cell::from(""),
                        Cell::from(""),
                        Cell::from(when),
                        Cell::from(""),
                    ])
                    .style(theme.dim()),
                );
            }
        }
        Some(h) if h.error.is_some() => {
            title.push_str(" · history n/a");
        }
        _ => {}
    }
    let block = source_block(theme, title, false, &ecs.services, state.now);
    let widths = [
        Constraint::Length(8),
        Constraint::Length(w.task_def),
        Constraint::Length(w.rollout),
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Min(0),
    ];
    let table = Table::new(rows, widths)
        .header(header_row(
            theme,
            &[
                "STATUS", "TASK DEF", "ROLLOUT", "R/D/P", "FAIL", "AGE", "REASON",
            ],
        ))
        .block(block);
    frame.render_widget(table, area);
}

fn draw_task_definition(frame: &mut Frame, area: Rect, state: &View, service: Option<&EcsService>) {
    let theme = &state.theme;
    let arn = service
        .map(|s| s.task_definition.clone())
        .unwrap_or_default();
    let loaded = state
        .ecs
        .task_definitions
        .get(&arn)
        .cloned()
        .unwrap_or_default();
    let block = source_block(
        theme,
        format!("Task def {}", last_segment(&arn)),
        false,
        &loaded,
        state.now,
    );
    let Some(td) = &loaded.data else {
        let text = if arn.is_empty() {
            "-".to_string()
        } else {
            placeholder(&loaded)
        };
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("cpu ", theme.dim()),
        Span::raw(td.cpu.clone().unwrap_or("-".into())),
        Span::styled("  mem ", theme.dim()),
        Span::raw(td.memory.clone().unwrap_or("-".into())),
        Span::styled("  ", theme.dim()),
        Span::raw(td.status.clone()),
    ])];
    for c in &td.containers {
        let image = c.image.rsplit('/').next().unwrap_or(&c.image).to_string();
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} ", c.name),
                theme.text().add_modifier(Modifier::BOLD),
            ),
            Span::raw(image),
        ]));
        if !c.secret_refs.is_empty() {
            let names: Vec<&str> = c.secret_refs.iter().map(|s| secret_name(s)).collect();
            lines.push(Line::from(Span::styled(
                format!("  secrets {}", names.join(", ")),
                theme.dim(),
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// The readable part of a secret reference (`…:secret:/prod/db-AbCdEf` → `/prod/db-AbCdEf`).
fn secret_name(reference: &str) -> &str {
    reference.split(":secret:").nth(1).unwrap_or(reference)
}

fn task_row<'a>(theme: &Theme, names: &Names, t: &EcsTask, now: i64, wide: bool) -> Row<'a> {
    let status_level = match t.last_status.as_str() {
        "RUNNING" => Level::Ok,
        "STOPPED" | "DEPROVISIONING" | "STOPPING" => Level::Critical,
        _ => Level::Warning,
    };
    let health = t.health.clone().unwrap_or_else(|| "-".into());
    let health_level = match health.as_str() {
        "HEALTHY" => Level::Ok,
        "UNHEALTHY" => Level::Critical,
        _ => Level::Unknown,
    };
    let id: String = t.id().chars().take(12).collect();
    let mut cells = vec![
        Cell::from(id),
        Cell::from(t.last_status.clone()).style(theme.level(status_level)),
        Cell::from(health).style(theme.level(health_level)),
        Cell::from(names.short(t.task_definition())),
        Cell::from(t.availability_zone.clone().unwrap_or("-".into())),
        Cell::from(t.private_ip.clone().unwrap_or("-".into())),
        Cell::from(t.started_at.map_or("-".into(), |s| format_age(now - s))),
    ];
    if wide {
        cells.push(Cell::from(t.eni_id.clone().unwrap_or("-".into())));
        cells.push(Cell::from(t.stopped_reason.clone().unwrap_or_default()));
    }
    Row::new(cells)
}

fn draw_tasks(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let ecs = &state.ecs;
    let tasks = ecs.visible_tasks();
    let scope = if ecs.all_tasks {
        "cluster".to_string()
    } else {
        ecs.selected_service()
            .map_or("-".into(), |s| s.name.clone())
    };
    let title = format!(
        "Tasks ({}) · {scope}{}",
        tasks.len(),
        filter_suffix(&ecs.task_list.filter)
    );
    let focused = ecs.focus == EcsFocus::Tasks;
    let block = source_block(theme, title, focused, &ecs.tasks, state.now);
    if ecs.tasks.data.is_none() {
        frame.render_widget(
            Paragraph::new(placeholder(&ecs.tasks))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let names = Names::new(state);
    // Below 110 columns the ENI and stop reason give way to what triage needs first.
    let wide = area.width >= 110;
    let rows = tasks
        .iter()
        .map(|t| task_row(theme, &names, t, state.now, wide));
    let mut widths = vec![
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(9),
        Constraint::Min(10),
        Constraint::Length(10),
        Constraint::Length(15),
        Constraint::Length(4),
    ];
    let mut headers = vec![
        "TASK",
        "STATUS",
        "HEALTH",
        "TASK DEF",
        "AZ",
        "PRIVATE IP",
        "AGE",
    ];
    if wide {
        widths.extend([Constraint::Length(21), Constraint::Min(0)]);
        headers.extend(["ENI", "STOPPED REASON"]);
    }
    let table = Table::new(rows, widths)
        .header(header_row(theme, &headers))
        .block(block)
        .row_highlight_style(if focused {
            theme.selected()
        } else {
            Style::default()
        });
    let mut ts = TableState::default().with_selected(Some(ecs.task_list.cursor));
    frame.render_stateful_widget(table, area, &mut ts);
}

fn draw_events(frame: &mut Frame, area: Rect, state: &View, service: Option<&EcsService>) {
    let theme = &state.theme;
    let ecs = &state.ecs;
    let events = ecs.visible_events();
    let focused = ecs.focus == EcsFocus::Events;
    let title = format!(
        "Events · {}{}",
        service.map_or("-", |s| s.name.as_str()),
        filter_suffix(&ecs.event_list.filter)
    );
    let block = source_block(theme, title, focused, &ecs.services, state.now);
    let rows = events.iter().map(|e| {
        let level = if e.message.contains("fail") || e.message.contains("unhealthy") {
            Level::Warning
        } else {
            Level::Unknown
        };
        Row::new(vec![
            Cell::from(
                e.created_at
                    .map_or("-".into(), |t| format_age(state.now - t)),
            ),
            Cell::from(crate::text::one_line(&e.message).into_owned())
                .style(theme.level(level).remove_modifier(Modifier::BOLD)),
        ])
    });
    let table = Table::new(rows, [Constraint::Length(4), Constraint::Min(0)])
        .block(block)
        .row_highlight_style(if focused {
            theme.selected()
        } else {
            Style::default()
        });
    let mut ts = TableState::default().with_selected(focused.then_some(ecs.event_list.cursor));
    frame.render_stateful_widget(table, area, &mut ts);
}
