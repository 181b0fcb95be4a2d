//! One task's detail over the ECS pane's tasks and events: its status, started and
//! stopped times, the full stopped reason, and each container's status, exit code,
//! reason, image and image digest, scrolled with j/k. `l` opens its log stream, `esc`
//! closes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use crate::cloud::{EcsTask, Epoch};
use crate::panes::kit::loadable::format_age;
use crate::panes::logs::query::format_instant;
use crate::ui::theme::Level;
use crate::ui::view::View;

/// A time and how long ago it was: `2026-09-01 00:05:10 UTC (3m ago)`; `–` when absent.
fn when(t: Option<Epoch>, now: Epoch) -> String {
    t.map_or("–".to_string(), |t| {
        format!("{} UTC ({} ago)", format_instant(t), format_age(now - t))
    })
}

/// Draw `task`'s detail into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View, task: &EcsTask) {
    let theme = &state.theme;
    let label = |s: &str| Span::styled(format!("{s:<16}"), theme.dim());
    let status_level = match task.last_status.as_str() {
        "RUNNING" => Level::Ok,
        "STOPPED" | "DEPROVISIONING" => Level::Critical,
        _ => Level::Warning,
    };
    let mut lines = vec![
        Line::from(vec![
            label("status"),
            Span::styled(
                format!("{} (desired {})", task.last_status, task.desired_status),
                theme.level(status_level),
            ),
            Span::styled(
                task.health
                    .as_deref()
                    .map(|h| format!("  health {h}"))
                    .unwrap_or_default(),
                theme.text(),
            ),
        ]),
        Line::from(vec![
            label("task definition"),
            Span::styled(task.task_definition().to_string(), theme.text()),
        ]),
        Line::from(vec![
            label("started"),
            Span::styled(when(task.started_at, state.now), theme.text()),
        ]),
        Line::from(vec![
            label("stopped"),
            Span::styled(when(task.stopped_at, state.now), theme.text()),
        ]),
    ];
    if let Some(reason) = &task.stopped_reason {
        lines.push(Line::from(vec![
            label("stopped reason"),
            Span::styled(reason.clone(), theme.level(Level::Warning)),
        ]));
    }
    lines.push(Line::from(vec![
        label("network"),
        Span::styled(
            format!(
                "{} · {} · {}",
                task.availability_zone.as_deref().unwrap_or("–"),
                task.private_ip.as_deref().unwrap_or("–"),
                task.eni_id.as_deref().unwrap_or("–")
            ),
            theme.text(),
        ),
    ]));
    lines.push(Line::from(""));
    if task.containers.is_empty() {
        lines.push(Line::from(Span::styled(
            "no containers reported by DescribeTasks",
            theme.dim(),
        )));
    }
    for c in &task.containers {
        let exit = match c.exit_code {
            Some(0) => Span::styled("exit 0".to_string(), theme.text()),
            Some(code) => Span::styled(format!("exit {code}"), theme.level(Level::Critical)),
            None => Span::styled("no exit code".to_string(), theme.dim()),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("container {}  ", c.name),
                theme.text().add_modifier(ratatui::style::Modifier::BOLD),
            ),
            Span::styled(format!("{}  ", c.last_status), theme.text()),
            exit,
        ]));
        if let Some(reason) = &c.reason {
            lines.push(Line::from(vec![
                label("  reason"),
                Span::styled(reason.clone(), theme.level(Level::Warning)),
            ]));
        }
        lines.push(Line::from(vec![
            label("  image"),
            Span::styled(c.image.clone(), theme.text()),
        ]));
        lines.push(Line::from(vec![
            label("  digest"),
            Span::styled(
                c.image_digest.clone().unwrap_or_else(|| "–".into()),
                theme.text(),
            ),
        ]));
    }
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(format!(" Task {} ", task.id()))
        .title_bottom(" l logs of this task · j k scroll · esc back ");
    // Scrolled at most to the last line, whatever the size.
    let last = u16::try_from(lines.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let scroll = state.ecs.detail_scroll.min(last);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}
