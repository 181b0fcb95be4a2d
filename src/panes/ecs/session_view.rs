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
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;

/// Draw the open forwards at the top of `area` (when there are any) and return what is
/// left for the events.
pub fn draw_forwards(frame: &mut Frame, area: Rect, state: &View) -> Rect {
    let forwards = &state.ecs.session.forwards;
    if forwards.is_empty() || area.height < 3 {
        return area;
    }
    let theme = &state.theme;
    let full = forwards.len() as u16 + 2;
    // The whole list when the events keep three rows; else one line of local ports.
    let compact = area.height < full + 3;
    let height = if compact { 3 } else { full };
    let [top, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
    let lines: Vec<Line> = if compact {
        let mut spans = Vec::new();
        for f in forwards {
            spans.push(Span::styled(
                format!(":{}", f.local_port),
                theme.level(Level::Ok),
            ));
            spans.push(Span::raw(format!(
                " {}  ",
                f.what.split(' ').next().unwrap_or_default()
            )));
        }
        vec![Line::from(spans)]
    } else {
        forwards
            .iter()
            .map(|f| {
                let other_env = if f.env == state.env.name {
                    String::new()
                } else {
                    format!(" {}", f.env)
                };
                Line::from(vec![
                    Span::styled(
                        format!("localhost:{:<6}", f.local_port),
                        theme.level(Level::Ok),
                    ),
                    Span::raw(format!(" →{other_env} {} ", f.what)),
                    Span::styled(
                        format!(
                            "· {} · task {} · {}:{}",
                            format_age(state.now - f.opened_at),
                            f.task_id.chars().take(12).collect::<String>(),
                            f.host,
                            f.remote_port,
                        ),
                        theme.dim(),
                    ),
                ])
            })
            .collect()
    };
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
    let mut lines = prompt_lines(p, theme, state.env.protected, &state.env.name, inner, false);
    if lines.len() as u16 + 2 > area.height {
        lines = prompt_lines(p, theme, state.env.protected, &state.env.name, inner, true);
    }
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

/// `text` in lines of at most `width` characters, broken at spaces; a word longer than a
/// line (a URL, a command) is split across lines, never cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        let wlen = word.chars().count();
        if len > 0 && len + 1 + wlen <= width {
            line.push(' ');
            line.push_str(word);
            continue;
        }
        if len > 0 {
            out.push(std::mem::take(&mut line));
        }
        let chars: Vec<char> = word.chars().collect();
        let mut chunks = chars.chunks(width).peekable();
        while let Some(chunk) = chunks.next() {
            let piece: String = chunk.iter().collect();
            if chunks.peek().is_some() {
                out.push(piece);
            } else {
                line = piece;
            }
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
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
    compact: bool,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let container = p.container_name().unwrap_or("-");
    let several = p.containers.len() > 1;
    // Small terminals: the verdicts matter more than the fields above them.
    if !(compact && matches!(p.stage, Stage::Checked(_))) {
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
        Stage::Checked(pre) if compact => {
            for c in &pre.checks {
                lines.push(Line::from(Span::styled(
                    format!("{:<7} {}", c.status.word(), c.name),
                    theme.level(c.status.level()),
                )));
            }
        }
        Stage::Checked(pre) => {
            lines.push(Line::from(""));
            for c in &pre.checks {
                let head = format!("{:<7} {}: ", c.status.word(), c.name);
                for (i, part) in wrap(&format!("{head}{}", c.detail), width)
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
                    for part in wrap(&format!("fix: {fix}"), width.saturating_sub(8).max(10)) {
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
        for part in wrap(e, width) {
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
