//! The Security pane: a posture line (open findings by severity across Security Hub and
//! GuardDuty, standard scores, detector status, filters), the Security Hub findings list
//! (or its groups, or one finding's detail), and GuardDuty findings. The triage popup is
//! drawn by `security_popup`.

use crate::panes::kit::row_window::row_window;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::{
    detail_view as security_detail, offer_popup_view as security_offer_popup,
    triage_view as security_popup,
};
use crate::cloud::security_score::OpenCounts;
use crate::cloud::{Finding, Severity, last_segment};
use crate::panes::kit::count;
use crate::panes::kit::loadable::format_age;
use crate::panes::security::state::{SecurityFocus, SecurityState};
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::source_block::{placeholder, source_block};
use crate::ui::widgets::table::{filter_suffix, header_row};

/// The theme level of a severity.
pub fn severity_level(s: Severity) -> Level {
    match s {
        Severity::Critical | Severity::High => Level::Critical,
        Severity::Medium => Level::Warning,
        Severity::Low => Level::Unknown,
        Severity::Informational => Level::Unknown,
    }
}

/// Draw the pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let sec = &state.security;
    let threats_h = (sec.visible_threats().len().max(1) as u16 + 3).min(8);
    if sec.detail_finding().is_some() || sec.detail_threat().is_some() {
        let [summary, detail] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(3)]).areas(area);
        draw_summary(frame, summary, state);
        security_detail::draw(frame, detail, state);
    } else {
        let [summary, list, threats] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(5),
            Constraint::Length(threats_h),
        ])
        .areas(area);
        draw_summary(frame, summary, state);
        if sec.showing_groups() {
            draw_groups(frame, list, state);
        } else {
            draw_findings(frame, list, state);
        }
        draw_threats(frame, threats, state);
    }
    if let Some(triage) = &sec.triage {
        security_popup::draw(frame, area, state, triage);
    }
    if let Some(pick) = &sec.offer_pick {
        security_offer_popup::draw(frame, area, state, pick);
    }
}

fn counts_spans<'a>(theme: &Theme, sec: &SecurityState) -> Vec<Span<'a>> {
    let Some(open) = sec.summary() else {
        return vec![Span::styled("open findings …", theme.dim())];
    };
    let mut spans = vec![Span::styled("open ", theme.dim())];
    for s in Severity::ALL {
        let n = open.counts.get(s);
        // A lower bound is never dimmed: unread findings may be of any severity.
        let style = if n > 0 || !open.complete {
            theme.level(severity_level(s))
        } else {
            theme.dim()
        };
        spans.push(Span::styled(
            format!("{} {}  ", s.short(), count(n, open.complete)),
            style,
        ));
    }
    spans
}

/// The block-title note of a listing that was cut short.
fn cut_short_note(complete: bool) -> &'static str {
    if complete {
        ""
    } else {
        " · NOT ALL READ: more exist (paging guard hit)"
    }
}

fn draw_summary(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let sec = &state.security;
    let mut first = counts_spans(theme, sec);
    first.push(Span::styled("│ GuardDuty ", theme.dim()));
    match (sec.detector(), &sec.detectors.error) {
        (Some(d), _) => first.push(Span::styled(
            d.status.clone(),
            theme.level(if d.enabled() {
                Level::Ok
            } else {
                Level::Warning
            }),
        )),
        (None, Some(e)) => first.push(Span::styled(
            format!("⚠ {}", e.kind()),
            theme.level(Level::Critical),
        )),
        (None, None) if sec.detectors.data.is_some() => {
            first.push(Span::styled("no detector", theme.level(Level::Warning)))
        }
        (None, None) => first.push(Span::styled("…", theme.dim())),
    }
    let mut second = vec![Span::styled("standards ", theme.dim())];
    match (&sec.compliance.data, &sec.compliance.error) {
        (Some(scores), _) if scores.is_empty() => second.push(Span::raw("none enabled")),
        (Some(scores), _) => {
            for s in scores {
                let name = s.standard.display_name();
                let short = if name.starts_with("AWS Foundational") {
                    "FSBP".to_string()
                } else if name.starts_with("CIS") {
                    "CIS".to_string()
                } else {
                    name
                };
                let (text, level) = match s.percent() {
                    Some(p) => (
                        format!("{short} {p}% ({}/{})  ", s.passed, s.passed + s.failed),
                        if p >= 90 {
                            Level::Ok
                        } else if p >= 70 {
                            Level::Warning
                        } else {
                            Level::Critical
                        },
                    ),
                    None => (format!("{short} -  "), Level::Unknown),
                };
                second.push(Span::styled(text, theme.level(level)));
            }
        }
        (None, Some(e)) => second.push(Span::styled(
            format!("⚠ {}  ", e.kind()),
            theme.level(Level::Critical),
        )),
        (None, None) => second.push(Span::styled("…  ", theme.dim())),
    }
    if sec.compliance.data.as_ref().is_some_and(|l| !l.complete) {
        second.push(Span::styled(
            "(partial: not every control finding read)  ",
            theme.level(Level::Warning),
        ));
    }
    let described = sec.filters.describe();
    second.push(Span::styled("│ filters ", theme.dim()));
    second.push(Span::raw(if described.is_empty() {
        "active, unmuted".to_string()
    } else {
        described
    }));
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn short_resource(id: &str) -> String {
    let s = last_segment(id);
    let s = s.rsplit(':').next().unwrap_or(s);
    if s.is_empty() {
        id.to_string()
    } else {
        s.to_string()
    }
}

/// "4m", or "-" without a time.
pub fn age(now: i64, t: Option<i64>) -> String {
    t.map_or("-".to_string(), |t| format_age(now - t))
}

/// What the findings box says while it holds no answer for the filters shown: loading,
/// the error, or how to ask (never an empty list that reads as "0 findings").
fn not_current_text(sec: &SecurityState) -> String {
    if sec.findings.loading {
        "loading findings for these filters…".to_string()
    } else if sec.findings.error.is_some() {
        placeholder(&sec.findings)
    } else {
        "no answer for these filters yet (r fetches)".to_string()
    }
}

fn findings_title(sec: &SecurityState, n: usize) -> String {
    // A count only from an answer to the filters shown.
    let mut title = if sec.findings_current() && sec.paging {
        format!(
            "Security Hub findings ({}) · reading more pages…",
            count(n, false)
        )
    } else if sec.findings_current() {
        format!(
            "Security Hub findings ({}){}",
            count(n, sec.findings_complete()),
            cut_short_note(sec.findings_complete())
        )
    } else {
        "Security Hub findings (…)".to_string()
    };
    if let Some(g) = &sec.group {
        title.push_str(&format!(" · {} {g}", sec.grouping.label()));
    }
    if !sec.marked.is_empty() {
        title.push_str(&format!(" · {} marked", sec.marked.len()));
    }
    title.push_str(&filter_suffix(&sec.finding_list.filter));
    title
}

fn draw_findings(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let sec = &state.security;
    let findings = sec.visible_findings();
    let focused = sec.focus == SecurityFocus::Findings;
    let block = source_block(
        theme,
        findings_title(sec, findings.len()),
        focused,
        &sec.findings,
        state.now,
    );
    if sec.findings.data.is_none() || !sec.findings_current() {
        let text = if sec.findings.data.is_none() {
            placeholder(&sec.findings)
        } else {
            not_current_text(sec)
        };
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let wide = area.width >= 140;
    let window = row_window(findings.len(), sec.finding_list.cursor, table_rows(area));
    let rows = findings[window.start..window.end]
        .iter()
        .map(|f| finding_row(theme, sec, f, state.now, wide));
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(4),
        Constraint::Length(10),
        Constraint::Min(20),
        Constraint::Length(22),
        Constraint::Length(12),
        Constraint::Length(4),
    ];
    let mut headers = vec![
        "", "SEV", "WORKFLOW", "TITLE", "RESOURCE", "PRODUCT", "SEEN",
    ];
    if wide {
        widths.extend([
            Constraint::Length(4),
            Constraint::Length(13),
            Constraint::Length(10),
        ]);
        headers.extend(["1ST", "ACCOUNT", "REGION"]);
    }
    let table = Table::new(rows, widths)
        .header(header_row(theme, &headers))
        .block(block)
        .row_highlight_style(if focused {
            theme.selected()
        } else {
            Style::default()
        });
    let mut ts = TableState::default().with_selected(window.selected);
    frame.render_stateful_widget(table, area, &mut ts);
}

fn finding_row<'a>(
    theme: &Theme,
    sec: &SecurityState,
    f: &Finding,
    now: i64,
    wide: bool,
) -> Row<'a> {
    let mark = if sec.marked.contains(&f.id) {
        "●"
    } else {
        " "
    };
    let mut cells = vec![
        Cell::from(mark),
        Cell::from(f.severity.short()).style(theme.level(severity_level(f.severity))),
        Cell::from(f.workflow.as_str()),
        Cell::from(if f.title.is_empty() {
            "-".to_string()
        } else {
            crate::text::one_line(&f.title).into_owned()
        }),
        Cell::from(short_resource(f.resource_id())),
        Cell::from(if f.product_name.is_empty() {
            "-".to_string()
        } else {
            f.product_name.clone()
        }),
        Cell::from(age(now, f.seen())),
    ];
    if wide {
        cells.push(Cell::from(age(now, f.first_seen)));
        cells.push(Cell::from(f.account.clone()));
        cells.push(Cell::from(f.region.clone()));
    }
    let row = Row::new(cells);
    if f.workflow == crate::cloud::WorkflowStatus::Suppressed {
        row.style(theme.dim())
    } else {
        row
    }
}

fn draw_groups(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let sec = &state.security;
    let groups = sec.visible_groups();
    let current = sec.findings_current();
    let mut title = if current {
        format!(
            "Security Hub findings by {} ({} groups){}",
            sec.grouping.label(),
            count(groups.len(), sec.findings_complete()),
            cut_short_note(sec.findings_complete())
        )
    } else {
        format!("Security Hub findings by {} (…)", sec.grouping.label())
    };
    title.push_str(&filter_suffix(&sec.group_list.filter));
    let focused = sec.focus == SecurityFocus::Findings;
    let block = source_block(theme, title, focused, &sec.findings, state.now);
    if sec.findings.data.is_none() || !current {
        let text = if sec.findings.data.is_none() {
            placeholder(&sec.findings)
        } else {
            not_current_text(sec)
        };
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let window = row_window(groups.len(), sec.group_list.cursor, table_rows(area));
    let rows = groups[window.start..window.end].iter().map(|g| {
        let mut cells = vec![Cell::from(short_resource(&g.key))];
        for s in Severity::ALL {
            let n = g.counts.get(s);
            cells.push(Cell::from(n.to_string()).style(if n > 0 {
                theme.level(severity_level(s))
            } else {
                theme.dim()
            }));
        }
        cells.push(Cell::from(g.counts.total().to_string()));
        cells.push(Cell::from(crate::text::one_line(&g.label).into_owned()));
        Row::new(cells)
    });
    let widths = [
        Constraint::Length(24),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(5),
        Constraint::Min(10),
    ];
    let table = Table::new(rows, widths)
        .header(header_row(
            theme,
            &[
                "GROUP", "CRIT", "HIGH", "MED", "LOW", "INFO", "TOTAL", "TITLE",
            ],
        ))
        .block(block)
        .row_highlight_style(if focused {
            theme.selected()
        } else {
            Style::default()
        });
    let mut ts = TableState::default().with_selected(window.selected);
    frame.render_stateful_widget(table, area, &mut ts);
}

fn draw_threats(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let sec = &state.security;
    let threats = sec.visible_threats();
    let focused = sec.focus == SecurityFocus::GuardDuty;
    let mut title = if sec.threats_paging {
        format!(
            "GuardDuty findings ({}) · reading more pages…",
            count(threats.len(), false)
        )
    } else {
        format!(
            "GuardDuty findings ({}){}",
            count(threats.len(), sec.threats_complete()),
            cut_short_note(sec.threats_complete())
        )
    };
    if let Some(d) = sec.detector() {
        title.push_str(&format!(
            " · detector {}",
            d.id.chars().take(8).collect::<String>()
        ));
    }
    title.push_str(&filter_suffix(&sec.threat_list.filter));
    let block = source_block(theme, title, focused, &sec.threats, state.now);
    if sec.threats.data.is_none() {
        let text = match (&sec.detectors.data, &sec.detectors.error) {
            (Some(d), _) if d.is_empty() => "GuardDuty has no detector in this region".to_string(),
            (_, Some(e)) => e.to_string(),
            _ => placeholder(&sec.threats),
        };
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let cursor = if focused { sec.threat_list.cursor } else { 0 };
    let window = row_window(threats.len(), cursor, table_rows(area));
    let rows = threats[window.start..window.end].iter().map(|t| {
        let sev = t.severity();
        Row::new(vec![
            Cell::from(if sec.marked.contains(&t.id) {
                "●"
            } else {
                " "
            }),
            Cell::from(sev.short()).style(theme.level(severity_level(sev))),
            Cell::from(format!("{:.1}", t.severity_score)),
            Cell::from(t.finding_type.clone()),
            Cell::from(t.resource.label()),
            Cell::from(t.count.to_string()),
            Cell::from(age(state.now, t.last_seen)),
        ])
    });
    let widths = [
        Constraint::Length(1),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Min(20),
        Constraint::Min(20),
        Constraint::Length(5),
        Constraint::Length(4),
    ];
    let table = Table::new(rows, widths)
        .header(header_row(
            theme,
            &["", "SEV", "SCORE", "TYPE", "RESOURCE", "COUNT", "SEEN"],
        ))
        .block(block)
        .row_highlight_style(if focused {
            theme.selected()
        } else {
            Style::default()
        });
    let mut ts = TableState::default().with_selected(window.selected.filter(|_| focused));
    frame.render_stateful_widget(table, area, &mut ts);
}

/// Data rows a bordered table with a header row shows in `area`.
fn table_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

/// The header's security summary: open critical and high findings across both sources
/// (`≥ N` when a listing was cut short; never green then).
pub fn header_spans<'a>(theme: &Theme, open: &OpenCounts) -> Vec<Span<'a>> {
    let crit = open.counts.get(Severity::Critical);
    let high = open.counts.get(Severity::High);
    let style = |n: usize| {
        if n > 0 {
            theme.level(Level::Critical)
        } else if open.complete {
            theme.level(Level::Ok)
        } else {
            theme.level(Level::Warning)
        }
    };
    vec![
        Span::styled(
            format!("sec {} crit", count(crit, open.complete)),
            style(crit),
        ),
        Span::styled(format!(" {} high", count(high, open.complete)), style(high)),
    ]
}
