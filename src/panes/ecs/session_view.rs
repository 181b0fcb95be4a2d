//! Drawing the ECS pane's sessions: the exec / forward popup (input, the preflight's
//! verdicts with their fixes, the typed confirmation) and the open forwards with their
//! local ports. Reads the pane's state only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::session::{Field, PromptKind, SessionPrompt, Stage};
use crate::panes::kit::loadable::format_age;
use crate::ui::popups::wrap_words;
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;

/// Draw the open forwards at the top of `area` (when there are any) and return what is
/// left for the events.
pub fn draw_forwards(frame: &mut Frame, area: Rect, state: &View) -> Rect {
    let forwards = &state.ecs.session.forwards;
    if forwards.is_empty() || area.height < 4 {
        return area;
    }
    let theme = &state.theme;
    let height = (forwards.len() as u16 + 2).min(area.height / 2).max(3);
    let [top, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
    let lines: Vec<Line> = forwards
        .iter()
        .map(|f| {
            Line::from(vec![
                Span::styled(
                    format!("localhost:{:<6}", f.local_port),
                    theme.level(Level::Ok),
                ),
                Span::raw(format!(" → {} ", f.what)),
                Span::styled(
                    format!(
                        "({}:{}) via {} · {}",
                        f.host,
                        f.remote_port,
                        f.task_id.chars().take(12).collect::<String>(),
                        format_age(state.now - f.opened_at)
                    ),
                    theme.dim(),
                ),
            ])
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(false))
        .title(format!(
            " Forwards ({}) · P closes the newest · all close on exit ",
            forwards.len()
        ));
    frame.render_widget(Paragraph::new(lines).block(block), top);
    rest
}

/// Draw the exec / forward popup over `area`, if open.
pub fn draw_prompt(frame: &mut Frame, area: Rect, state: &View) {
    let Some(p) = &state.ecs.session.prompt else {
        return;
    };
    let theme = &state.theme;
    let width = area.width.min(96);
    let inner = usize::from(width.saturating_sub(2)).max(10);
    let lines = prompt_lines(p, theme, state.env.protected, &state.env.name, inner);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, width, height);
    let title = match p.kind {
        PromptKind::Exec => format!(" Exec into task {} ", short(p.task_id())),
        PromptKind::Forward => format!(" Forward a port through task {} ", short(p.task_id())),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(title);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

fn short(id: &str) -> String {
    id.chars().take(12).collect()
}

fn field_line<'a>(theme: &Theme, label: &str, value: &str, focused: bool) -> Line<'a> {
    let cursor = if focused { "▏" } else { "" };
    Line::from(vec![
        Span::styled(format!("{label:<11}"), theme.dim()),
        Span::styled(
            format!("{value}{cursor}"),
            if focused {
                theme.text().add_modifier(Modifier::BOLD)
            } else {
                theme.text()
            },
        ),
    ])
}

/// The popup's lines (wrapped to `width`).
fn prompt_lines<'a>(
    p: &SessionPrompt,
    theme: &Theme,
    protected: bool,
    env: &str,
    width: usize,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let container = p.container_name().unwrap_or("-");
    let several = p.containers.len() > 1;
    match p.kind {
        PromptKind::Exec => {
            lines.push(field_line(
                theme,
                "command",
                &p.input,
                p.stage == Stage::Input,
            ));
            lines.push(field_line(
                theme,
                "container",
                &format!(
                    "{container}{}",
                    if several && p.stage == Stage::Input {
                        format!("  (tab: next of {})", p.containers.len())
                    } else {
                        String::new()
                    }
                ),
                false,
            ));
        }
        PromptKind::Forward => {
            let local = if p.local_port.is_empty() && p.field != Field::LocalPort {
                "(remote port + 10000)".to_string()
            } else {
                p.local_port.clone()
            };
            lines.push(field_line(
                theme,
                "to",
                &p.input,
                p.stage == Stage::Input && p.field == Field::Input,
            ));
            lines.push(field_line(
                theme,
                "local port",
                &local,
                p.stage == Stage::Input && p.field == Field::LocalPort,
            ));
            lines.push(field_line(theme, "container", container, false));
        }
    }
    match &p.stage {
        Stage::Input => {}
        Stage::Checking => lines.push(Line::from(Span::styled(
            "checking: DescribeTasks, DescribeServices, SimulatePrincipalPolicy, the plugin…",
            theme.level(Level::Unknown),
        ))),
        Stage::Starting => lines.push(Line::from(Span::styled(
            match p.kind {
                PromptKind::Exec => "opening the session (ExecuteCommand)…",
                PromptKind::Forward => "checking the task and opening the session (StartSession)…",
            },
            theme.level(Level::Unknown),
        ))),
        Stage::Checked(pre) => {
            lines.push(Line::from(""));
            for c in &pre.checks {
                let head = format!("{:<7} {}: ", c.status.word(), c.name);
                for (i, part) in wrap_words(&format!("{head}{}", c.detail), width)
                    .into_iter()
                    .enumerate()
                {
                    let style = if i == 0 {
                        theme.level(c.status.level())
                    } else {
                        theme.text()
                    };
                    lines.push(Line::from(Span::styled(part, style)));
                }
                if let Some(fix) = &c.fix {
                    for part in wrap_words(&format!("fix: {fix}"), width.saturating_sub(8).max(10)) {
                        lines.push(Line::from(Span::styled(
                            format!("        {part}"),
                            theme.dim(),
                        )));
                    }
                }
            }
        }
    }
    let confirm_shown = protected
        && (matches!(p.stage, Stage::Checked(ref pre) if !pre.blocked())
            || (p.kind == PromptKind::Forward && p.stage == Stage::Input));
    if confirm_shown {
        lines.push(field_line(
            theme,
            "confirm",
            &p.confirm,
            p.field == Field::Confirm,
        ));
        lines.push(Line::from(Span::styled(
            format!("{env} is protected: type its name to confirm"),
            theme.level(Level::Warning),
        )));
    }
    if let Some(e) = &p.error {
        for part in wrap_words(e, width) {
            lines.push(Line::from(Span::styled(part, theme.level(Level::Warning))));
        }
    }
    let hint = match (&p.stage, p.kind) {
        (Stage::Input, PromptKind::Exec) => "enter: check, then confirm · esc: cancel",
        (Stage::Input, PromptKind::Forward) => {
            "enter: open the forward · tab: next field · esc: cancel"
        }
        (Stage::Checked(pre), _) if pre.blocked() => "exec cannot work yet · esc: close",
        (Stage::Checked(_), _) => {
            "enter: start the session (the console comes back when it ends) · esc: cancel"
        }
        _ => "esc: close (the result is still reported)",
    };
    lines.push(Line::from(Span::styled(hint, theme.dim())));
    lines
}
