//! The chrome around every pane: the environment frame, header, tabs and footer.
//! A protected environment (prod) gets a thick frame in its colour and a
//! PRODUCTION badge, so it cannot be mistaken for another.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use crate::app::Mode;
use crate::panes::Pane;
use crate::panes::kit::loadable::format_age;
use crate::ui::theme::Level;
use crate::ui::view::View;
use crate::ui::widgets::table::fit_cell;

/// Draw the outer frame (protected environments only) and return the area inside it.
pub fn draw_frame(frame: &mut Frame, area: Rect, state: &View) -> Rect {
    if !state.protected() {
        return area;
    }
    let color = state.theme.env_color(&state.env.name);
    // During a drill the frame says so too: the simulated "prod" is not prod.
    let drill = if state.drill.is_some() {
        "DRILL · simulated "
    } else {
        ""
    };
    let title = Line::from(Span::styled(
        format!(
            " {drill}{} · PROTECTED ({}) · writes need typed confirmation ",
            env_label(state),
            if state.env.protected_by_config {
                "config"
            } else {
                "by name"
            }
        ),
        Style::default().fg(color).add_modifier(Modifier::BOLD),
    ));
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(Style::default().fg(color))
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// "PRODUCTION" for prod, otherwise the upper-cased environment name.
pub fn env_label(state: &View) -> String {
    match state.env.name.as_str() {
        "prod" | "production" => "PRODUCTION".to_string(),
        other => other.to_uppercase(),
    }
}

/// Environment badge, account, region, identity, data age, mode flags. When the full
/// line does not fit, a compact one keeps the environment, DEMO/READ-ONLY, a shortened
/// identity and account, and drops the region.
pub fn draw_header(frame: &mut Frame, area: Rect, state: &View) {
    let full = header_spans(state, false);
    let fits = full.iter().map(Span::width).sum::<usize>() <= usize::from(area.width);
    let spans = if fits {
        full
    } else {
        header_spans(state, true)
    };
    let theme = &state.theme;
    let style = Style::default().bg(theme.header_bg).fg(theme.header_fg);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(style), area);
}

fn header_spans<'a>(state: &View, compact: bool) -> Vec<Span<'a>> {
    let theme = &state.theme;
    let env_color = theme.env_color(&state.env.name);
    let badge = Style::default()
        .fg(theme.header_fg)
        .bg(env_color)
        .add_modifier(Modifier::BOLD | Modifier::REVERSED);
    let sep = Span::styled(" │ ", theme.dim());
    let mut spans = vec![
        Span::styled(
            " opsdeck ",
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!(" {} ", env_label(state)), badge),
    ];
    if let Some(b) = state
        .break_glass
        .as_ref()
        .filter(|b| b.env == state.env.name)
    {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" {} ", b.text(state.now)),
            theme
                .level(Level::Critical)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ));
    }
    let identity = &state.identity;
    let (account, who) = match (&identity.data, &identity.error) {
        _ if state.sso_login_needed() => (
            "?".to_string(),
            "⚠ SSO session expired: L runs aws sso login".to_string(),
        ),
        (Some(id), _) => (id.account.clone(), id.short_name().to_string()),
        (None, Some(e)) => ("?".to_string(), format!("⚠ {}", e.kind())),
        (None, None) => ("…".to_string(), "…".to_string()),
    };
    // "loading" only while something loads; no data and nothing loading says so.
    let age = match (state.pane_data_age(), state.loading()) {
        (Some(a), _) => Some(format!("data {}", format_age(a))),
        (None, true) => Some("loading".to_string()),
        (None, false) if state.pane_fetches() => Some("no data".to_string()),
        (None, false) => None,
    };
    if let Some(age) = age {
        spans.push(Span::styled(format!(" {age}"), theme.dim()));
    }
    if compact {
        // The flags that change what a keypress does come before anything cut.
        if state.demo {
            spans.push(Span::raw(" "));
            spans.push(Span::styled("DEMO", theme.level(Level::Warning)));
        }
        if state.read_only {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                "READ-ONLY",
                theme.level(Level::Ok).add_modifier(Modifier::BOLD),
            ));
        }
    }
    spans.push(sep.clone());
    let account = match account.chars().count() {
        n if compact && n > 4 => format!("…{}", account.chars().skip(n - 4).collect::<String>()),
        _ => account,
    };
    spans.push(Span::styled(format!("acct {account}"), theme.text()));
    if let (Some(expected), Some(id)) = (&state.env.account_id, &identity.data)
        && expected != &id.account
    {
        spans.push(Span::styled(
            format!(" ≠ {expected}!"),
            theme.level(Level::Critical),
        ));
    }
    if !compact {
        spans.push(sep.clone());
        spans.push(Span::styled(state.env.region.clone(), theme.text()));
    }
    spans.push(sep.clone());
    let who = if compact { fit_cell(&who, 18) } else { who };
    let who_style = if identity.error.is_some() {
        theme.level(Level::Warning)
    } else {
        theme.text()
    };
    spans.push(Span::styled(who, who_style));
    if let Some(ends) = identity.data.as_ref().and_then(|i| i.session_expires) {
        spans.push(session_span(theme, ends - state.now, compact));
    }
    if let Some(counts) = state.security.summary() {
        spans.push(sep.clone());
        spans.extend(crate::panes::security::view::header_spans(theme, &counts));
    }
    if state.read_only && !compact {
        spans.push(sep.clone());
        spans.push(Span::styled(
            "READ-ONLY",
            theme.level(Level::Ok).add_modifier(Modifier::BOLD),
        ));
    }
    if state.demo && !compact {
        spans.push(sep);
        spans.push(Span::styled(
            "DEMO (simulated account)",
            theme.level(Level::Warning),
        ));
    }
    spans
}

/// The time left of an MFA role session: warning under ten minutes, critical once over
/// (the next AWS call asks for a code again).
fn session_span<'a>(theme: &crate::ui::theme::Theme, left: i64, compact: bool) -> Span<'a> {
    let (text, level) = if left <= 0 {
        ("session expired".to_string(), Level::Critical)
    } else {
        let text = match left {
            3600.. => format!("{}h{:02}m", left / 3600, (left % 3600) / 60),
            60.. => format!("{}m", left / 60),
            _ => format!("{left}s"),
        };
        let level = if left < 600 {
            Level::Warning
        } else {
            Level::Ok
        };
        (text, level)
    };
    let text = if compact {
        format!(" ⏱{text}")
    } else {
        format!(" ⏱ session {text}")
    };
    Span::styled(text, theme.level(level))
}

/// Pane tabs with their number keys.
pub fn draw_tabs(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let mut spans = Vec::new();
    // The fleet is above the environment's tabs: named only while it is shown.
    if state.pane == Pane::Fleet {
        spans.push(Span::styled(
            format!(" {} {} ", Pane::Fleet.key(), Pane::Fleet.title()),
            theme.selected(),
        ));
        spans.push(Span::raw(" "));
    }
    for pane in Pane::ALL.iter() {
        let label = format!(" {} {} ", pane.key(), pane.title());
        let style = if *pane == state.pane {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        format!("cluster {}", state.env.cluster),
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The keys the footer offers on `pane`: only keys that pane acts on (no `/ filter` where
/// there is no list, no `tab` where there are no sections).
pub fn footer_hints(pane: Pane) -> &'static str {
    match pane {
        Pane::Dashboard => "? help  : command  t T range  r refresh  q quit",
        Pane::Ecs => {
            "? help  : command  / filter  tab section  enter open  R S X runbooks  r refresh  q quit"
        }
        Pane::Cost => "? help  : command  m metric  r refresh  q quit",
        Pane::Security => {
            "? help  : command  / filter  tab GuardDuty  enter detail  T triage  r refresh  q quit"
        }
        Pane::Logs => "? help  : command  F1-F4 queries  e edit  / filter  enter row  q quit",
        Pane::Runbooks => "? help  : command  / filter  enter open  q quit",
        Pane::Timeline => {
            "? help  : command  / filter  s source  w window  enter event  o open  S R suspect  q quit"
        }
        Pane::Fleet => "? help  : command  / filter  enter open environment  r refresh  q quit",
    }
}

/// Key hints, the filter or palette being typed, or the last status message.
pub fn draw_footer(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let line = match state.mode {
        // The MFA popup takes every key: the footer offers only its own.
        _ if state.mfa_prompt.is_some() => Line::from(Span::styled(
            "0-9 MFA code · backspace · enter sign in · esc cancel",
            theme.dim(),
        )),
        Mode::Filter => {
            let filter = match state.pane {
                Pane::Ecs => {
                    let ecs = &state.ecs;
                    match ecs.focus {
                        crate::panes::ecs::state::EcsFocus::Services => &ecs.service_list.filter,
                        crate::panes::ecs::state::EcsFocus::Tasks => &ecs.task_list.filter,
                        crate::panes::ecs::state::EcsFocus::Events => &ecs.event_list.filter,
                    }
                }
                Pane::Dashboard | Pane::Cost => "",
                Pane::Security => state.security.focused_filter(),
                Pane::Logs => state.logs.filter_text(),
                Pane::Runbooks => &state.runbooks.list.filter,
                Pane::Timeline => &state.timeline.list.filter,
                Pane::Fleet => &state.fleet.list.filter,
            };
            Line::from(vec![
                Span::styled("/", Style::default().fg(theme.accent)),
                Span::styled(format!("{filter}█"), theme.text()),
                Span::styled("   enter keep · esc clear", theme.dim()),
            ])
        }
        Mode::Palette => Line::from(vec![
            Span::styled(":", Style::default().fg(theme.accent)),
            Span::styled(format!("{}█", state.palette_input), theme.text()),
            Span::styled("   tab complete · enter run · esc cancel", theme.dim()),
        ]),
        Mode::Normal | Mode::Help => match &state.status {
            Some((msg, level)) => Line::from(Span::styled(msg.clone(), theme.level(*level))),
            None => Line::from(Span::styled(footer_hints(state.pane), theme.dim())),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}
