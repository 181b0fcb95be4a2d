//! The Security pane's detail views: one Security Hub finding (description,
//! remediation, resources, note, the runbooks it offers and its history) or one GuardDuty
//! finding (resource, counts, description, offers). Page keys scroll it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::cloud::{Finding, ThreatFinding};
use crate::panes::kit::loadable::format_age;
use crate::panes::security::offers::{RunbookOffer, finding_offers, threat_offers};
use crate::panes::security::view::{age, severity_level};
use crate::ui::theme::Theme;
use crate::ui::view::View;
use crate::ui::widgets::safe_text::{safe_lines, text_lines};
use crate::ui::widgets::source_block::source_block;

/// A dim, fixed-width label and its value.
pub fn field<'a>(theme: &Theme, name: &str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{name:<12}"), theme.dim()),
        Span::styled(value, theme.text()),
    ])
}

fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "-".to_string()
    } else {
        s.to_string()
    }
}

/// Draw the detail of the finding (or GuardDuty finding) open in the detail view.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let sec = &state.security;
    let (what, offers, lines) = if let Some(f) = sec.detail_finding() {
        let offers = !finding_offers(f).is_empty();
        ("Finding detail", offers, finding_lines(state, f))
    } else if let Some(t) = sec.detail_threat() {
        let offers = !threat_offers(t).is_empty();
        ("GuardDuty finding", offers, threat_lines(state, t))
    } else {
        return;
    };
    // Wrapped lines take more rows; the estimate only bounds the scroll.
    let inner_w = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum();
    let visible = usize::from(area.height.saturating_sub(2));
    let max_scroll = u16::try_from(rows.saturating_sub(1)).unwrap_or(u16::MAX);
    let scroll = sec.detail_scroll.min(max_scroll);
    let mut title = format!("{what} · esc back");
    if offers {
        title.push_str(" · o runbook");
    }
    if rows > visible + usize::from(scroll) {
        title.push_str(" · pgdn more");
    } else if scroll > 0 {
        title.push_str(" · pgup back");
    }
    let block = if sec.detail_finding().is_some() {
        source_block(theme, title, true, &sec.findings, state.now)
    } else {
        source_block(theme, title, true, &sec.threats, state.now)
    };
    frame.render_widget(
        Paragraph::new(safe_lines(lines))
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

/// The "Runbooks" section: each offer as `N runbook  param=value…` and why.
fn offer_lines<'a>(state: &View, offers: &[RunbookOffer], lines: &mut Vec<Line<'a>>) {
    if offers.is_empty() {
        return;
    }
    let theme = &state.theme;
    let bold = theme.text().add_modifier(Modifier::BOLD);
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("Runbooks", bold),
        Span::styled(
            if offers.len() > 1 {
                "  o: choose one, its form filled in (Runbooks pane)"
            } else {
                "  o: open its form, filled in (Runbooks pane)"
            },
            theme.dim(),
        ),
    ]));
    for (i, o) in offers.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", i + 1), theme.dim()),
            Span::styled(o.runbook.clone(), Style::default().fg(theme.accent)),
            Span::raw(
                o.params
                    .iter()
                    .map(|(k, v)| format!("  {k}={v}"))
                    .collect::<String>(),
            ),
        ]));
        lines.push(Line::from(Span::styled(
            format!("  {}", o.why),
            theme.dim(),
        )));
    }
}

fn finding_lines<'a>(state: &View, f: &Finding) -> Vec<Line<'a>> {
    let theme = &state.theme;
    let bold = theme.text().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                format!("{} ", f.severity.label()),
                theme.level(severity_level(f.severity)),
            ),
            Span::styled(or_dash(&f.title), bold),
        ]),
        field(
            theme,
            "status",
            format!(
                "workflow {} · record {} · compliance {}",
                f.workflow.as_str(),
                f.record_state.as_str(),
                f.compliance.as_deref().unwrap_or("-")
            ),
        ),
        field(
            theme,
            "product",
            format!(
                "{} · generator {}",
                or_dash(&f.product_name),
                or_dash(&f.generator_id)
            ),
        ),
        field(
            theme,
            "control",
            format!(
                "{}{}",
                f.control_id.as_deref().unwrap_or("-"),
                if f.standards.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", f.standards.join(", "))
                }
            ),
        ),
        field(
            theme,
            "where",
            format!("account {} · {}", or_dash(&f.account), or_dash(&f.region)),
        ),
        field(
            theme,
            "seen",
            format!(
                "first {} ago · last {} ago",
                age(state.now, f.first_seen),
                age(state.now, f.seen())
            ),
        ),
        field(theme, "type", f.types.join(", ")),
    ];
    for r in &f.resources {
        lines.push(field(
            theme,
            "resource",
            format!(
                "{} {}{}",
                or_dash(&r.resource_type),
                or_dash(&r.id),
                r.region
                    .as_deref()
                    .map_or(String::new(), |g| format!(" ({g})"))
            ),
        ));
        if !r.tags.is_empty() {
            let tags: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            lines.push(field(theme, "  tags", tags.join(" ")));
        }
    }
    if f.resources.is_empty() {
        lines.push(field(theme, "resource", "-".into()));
    }
    offer_lines(state, &finding_offers(f), &mut lines);
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Description", bold)));
    lines.extend(text_lines(f.description.as_deref().unwrap_or("-")));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Remediation", bold)));
    lines.extend(text_lines(f.remediation_text.as_deref().unwrap_or("-")));
    if let Some(url) = &f.remediation_url {
        lines.push(Line::from(Span::styled(
            url.clone(),
            Style::default().fg(theme.accent),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Note", bold)));
    match &f.note {
        Some(n) => lines.push(Line::from(format!(
            "{} — {}{}",
            n.text,
            n.updated_by.as_deref().unwrap_or("?"),
            n.updated_at.map_or(String::new(), |t| format!(
                ", {} ago",
                format_age(state.now - t)
            ))
        ))),
        None => lines.push(Line::from(Span::styled("(none)", theme.dim()))),
    }
    lines.push(Line::default());
    super::history_view::lines(state, f, &mut lines);
    lines
}

fn threat_lines<'a>(state: &View, t: &ThreatFinding) -> Vec<Line<'a>> {
    let theme = &state.theme;
    let bold = theme.text().add_modifier(Modifier::BOLD);
    let sev = t.severity();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                format!("{} ", sev.label()),
                theme.level(severity_level(sev)),
            ),
            Span::styled(or_dash(&t.title), bold),
        ]),
        field(theme, "type", or_dash(&t.finding_type)),
        field(
            theme,
            "severity",
            format!("{:.1} · count {}", t.severity_score, t.count),
        ),
        field(theme, "resource", t.resource.label()),
        field(
            theme,
            "where",
            format!("account {} · {}", or_dash(&t.account), or_dash(&t.region)),
        ),
        field(
            theme,
            "seen",
            format!(
                "first {} ago · last {} ago",
                age(state.now, t.first_seen),
                age(state.now, t.last_seen)
            ),
        ),
        field(
            theme,
            "finding",
            format!("{} · detector {}", or_dash(&t.id), or_dash(&t.detector_id)),
        ),
    ];
    offer_lines(state, &threat_offers(t), &mut lines);
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Description", bold)));
    lines.extend(text_lines(t.description.as_deref().unwrap_or("-")));
    lines
}
