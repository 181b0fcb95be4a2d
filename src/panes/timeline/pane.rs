//! The Timeline pane behind the pane interface: its feeds (each on its own schedule),
//! keys (span, feed filter, detail, jump, suspect, rollback) and help lines.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::event::Jump;
use super::feed::Feed;
use super::sources::{TimelineFetched, TimelineSource};
use super::state::{TimelineState, span_label};
use crate::cloud::Epoch;
use crate::level::Level;
use crate::panes::Pane;
use crate::panes::dashboard::state::alarm_prefix;
use crate::panes::kit::{BindingGroup, ListState, PaneCtx, PaneState, Reply, Request, Schedule, b};

/// How often each feed is read again, in seconds (at least the console's refresh).
pub const TIMELINE_REFRESH_SECONDS: i64 = 60;

/// The Timeline pane's keys, as the help popup lists them.
pub const HELP: BindingGroup = BindingGroup {
    title: "Timeline pane",
    bindings: &[
        b("enter  esc", "the whole event / close it"),
        b(
            "s",
            "show one source (deploy, alarm, trail, finding, scaling, rds, operator) or all",
        ),
        b("w", "window: 30m, 1h, 2h, 6h, 24h"),
        b("o", "open the event's service (ECS) or finding (Security)"),
        b("S", "go to the suspect change"),
        b(
            "R",
            "roll back the suspect deployment (opens the rollback runbook)",
        ),
    ],
};

impl TimelineState {
    /// The source of `feed` for the console's environment and the current span.
    fn source(&self, ctx: &PaneCtx, feed: Feed) -> TimelineSource {
        TimelineSource {
            feed,
            span: self.span,
            alarm_prefix: alarm_prefix(ctx.env, &ctx.config.project),
            audit: self.audit_path.clone(),
        }
    }

    fn handle_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<TimelineSource> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.detail {
            match key.code {
                KeyCode::Esc | KeyCode::Enter => {
                    self.detail = false;
                    return Reply::handled();
                }
                KeyCode::Char('j') | KeyCode::Down => {
                    self.detail_scroll = self.detail_scroll.saturating_add(1);
                    return Reply::handled();
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    self.detail_scroll = self.detail_scroll.saturating_sub(1);
                    return Reply::handled();
                }
                _ => {}
            }
        }
        match key.code {
            KeyCode::Enter if self.selected().is_some() => {
                self.detail = true;
                self.detail_scroll = 0;
                Reply::handled()
            }
            KeyCode::Char('s') => {
                self.only = self.next_only();
                self.list.cursor = 0;
                self.refilter();
                let shown = self
                    .only
                    .map_or("every source".to_string(), |f| f.describe().to_string());
                Reply::handled().status(format!("timeline: {shown}"), Level::Ok)
            }
            KeyCode::Char('w') => {
                self.set_span(self.next_span());
                let mut reply = Reply::handled().status(
                    format!("timeline: the last {}", span_label(self.span)),
                    Level::Ok,
                );
                reply.fetch = self.poll(ctx, true);
                reply
            }
            KeyCode::Char('o') => self.jump(),
            KeyCode::Char('S') => match self.merged.suspect.as_ref().map(|s| s.change) {
                Some(index) => {
                    self.only = None;
                    self.list.filter.clear();
                    self.refilter();
                    if let Some(row) = self.merged.visible.iter().position(|&i| i == index) {
                        self.list.cursor = row;
                    }
                    Reply::handled()
                }
                None => Reply::handled().status(
                    "no suspect: no alarm was raised after a change in this window",
                    Level::Ok,
                ),
            },
            KeyCode::Char('R') => self.offer_rollback(),
            code => Reply::used(self.list.on_key(code, ctrl, self.merged.visible.len())),
        }
    }

    fn jump(&self) -> Reply<TimelineSource> {
        let Some(e) = self.selected() else {
            return Reply::handled();
        };
        match &e.jump {
            Some(Jump::Service(name)) => Reply::handled().request(Request::Show {
                pane: Pane::Ecs,
                filter: name.clone(),
            }),
            Some(Jump::Finding(text)) => Reply::handled().request(Request::Show {
                pane: Pane::Security,
                filter: text.clone(),
            }),
            Some(Jump::Runbooks) => Reply::handled().request(Request::GoTo(Pane::Runbooks)),
            None => Reply::handled().status(
                format!("{} events have no pane of their own", e.feed.label()),
                Level::Ok,
            ),
        }
    }

    fn offer_rollback(&self) -> Reply<TimelineSource> {
        let Some(suspect) = &self.merged.suspect else {
            return Reply::handled().status(
                "no suspect change in this window: nothing to roll back",
                Level::Warning,
            );
        };
        let Some(r) = &suspect.revision else {
            return Reply::handled().status(
                format!(
                    "the suspect is not a deployment ({}): undo it by hand",
                    suspect.evidence
                ),
                Level::Warning,
            );
        };
        let mut fields = vec![("service".to_string(), r.service.clone())];
        if let Some(previous) = r.previous {
            fields.push(("revision".to_string(), previous.to_string()));
        }
        Reply::handled().request(Request::OpenRunbook {
            runbook: "rollback".into(),
            fields,
            announce: format!(
                "rollback of {} from :{} — suspect: {}",
                r.service, r.revision, suspect.evidence
            ),
        })
    }
}

impl PaneState for TimelineState {
    type Source = TimelineSource;
    type Fetched = TimelineFetched;

    fn requested(&self) -> &HashMap<TimelineSource, Epoch> {
        &self.requested
    }

    fn requested_mut(&mut self) -> &mut HashMap<TimelineSource, Epoch> {
        &mut self.requested
    }

    fn due(&self, ctx: &PaneCtx, schedule: &Schedule<TimelineSource>) -> Vec<TimelineSource> {
        let interval = ctx.refresh_seconds().max(TIMELINE_REFRESH_SECONDS);
        Feed::ALL
            .into_iter()
            .filter(|f| {
                let l = &self.feeds[f];
                !l.loading && schedule.is_due(&self.source(ctx, *f), l.error.as_ref(), interval)
            })
            .map(|f| self.source(ctx, f))
            .collect()
    }

    fn mark_loading(&mut self, source: &TimelineSource) {
        self.feeds.entry(source.feed).or_default().loading = true;
    }

    fn apply(&mut self, fetched: TimelineFetched, ctx: &PaneCtx) -> Reply<TimelineSource> {
        self.store(fetched, ctx.now);
        Reply::handled()
    }

    fn on_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<TimelineSource> {
        self.handle_key(key, ctx)
    }

    fn focused_list(&mut self) -> Option<&mut ListState> {
        Some(&mut self.list)
    }

    fn filter_changed(&mut self) {
        self.refilter();
    }

    fn data_age(&self, now: Epoch) -> Option<i64> {
        TimelineState::data_age(self, now)
    }

    fn loading(&self) -> bool {
        self.feeds.values().any(|l| l.loading)
    }

    fn help(&self) -> BindingGroup {
        HELP
    }
}
