//! State of the Timeline pane: each feed's answer (with its window and age), the span
//! shown, the filters, the cursor and the detail view, and the merged rows derived from
//! them on arrival.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::event::TimelineEvent;
use super::feed::Feed;
use super::gather::FeedAnswer;
use super::merged::{Merged, merge};
use super::sources::{TimelineFetched, TimelineSource};
use crate::cloud::{Epoch, Window};
use crate::panes::kit::{ListState, Loadable};

/// The spans `w` cycles through, in seconds.
pub const SPANS: [i64; 5] = [1800, 3600, 2 * 3600, 6 * 3600, 24 * 3600];
/// The span shown first: the "last 2 hours".
pub const DEFAULT_SPAN: i64 = 2 * 3600;

/// One feed's answer and the window it was read for.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedData {
    pub answer: FeedAnswer,
    pub window: Window,
}

/// Everything the Timeline pane shows.
#[derive(Debug, Clone)]
pub struct TimelineState {
    /// How far back the window reaches from now, in seconds.
    pub span: i64,
    pub feeds: BTreeMap<Feed, Loadable<FeedData>>,
    pub requested: HashMap<TimelineSource, Epoch>,
    pub list: ListState,
    /// Show only this feed (`s` cycles).
    pub only: Option<Feed>,
    /// The detail of the event under the cursor is open.
    pub detail: bool,
    pub detail_scroll: u16,
    /// The audit log the operators' feed reads (set by the console at start).
    pub audit_path: Option<PathBuf>,
    /// Derived from `feeds`, `only` and `list.filter` when one of them changes.
    pub merged: Merged,
}

impl Default for TimelineState {
    fn default() -> Self {
        TimelineState {
            span: DEFAULT_SPAN,
            feeds: Feed::ALL
                .into_iter()
                .map(|f| (f, Loadable::default()))
                .collect(),
            requested: HashMap::new(),
            list: ListState::default(),
            only: None,
            detail: false,
            detail_scroll: 0,
            audit_path: None,
            merged: Merged::default(),
        }
    }
}

impl TimelineState {
    /// Store an answer (dropped when it was read for another span) and re-derive.
    pub fn store(&mut self, fetched: TimelineFetched, now: Epoch) {
        if fetched.source.span != self.span {
            return;
        }
        let window = fetched.window;
        let entry = self.feeds.entry(fetched.source.feed).or_default();
        entry.set(
            fetched.result.map(|answer| FeedData { answer, window }),
            now,
        );
        self.remerge();
    }

    /// Recompute the merged rows from the feeds (keeping the cursor on its event).
    pub fn remerge(&mut self) {
        let keep = self.selected().map(|e| (e.at, e.feed, e.summary.clone()));
        let events = merge(
            self.feeds
                .iter()
                .filter_map(|(f, l)| l.data.as_ref().map(|d| (*f, d.answer.events.as_slice()))),
        );
        self.merged = Merged::new(events, self.only, &self.list);
        if let Some(k) = keep
            && let Some(row) = self.merged.visible.iter().position(|&i| {
                let e = &self.merged.events[i];
                (e.at, e.feed, e.summary.as_str()) == (k.0, k.1, k.2.as_str())
            })
        {
            self.list.cursor = row;
        }
        self.list.clamp(self.merged.visible.len());
    }

    /// Re-derive the visible rows after a filter changed.
    pub fn refilter(&mut self) {
        self.merged.refilter(self.only, &self.list);
        self.list.clamp(self.merged.visible.len());
    }

    /// The event under the cursor.
    pub fn selected(&self) -> Option<&TimelineEvent> {
        self.merged.row(self.list.cursor)
    }

    /// True when the event under the cursor is the suspect.
    pub fn selected_is_suspect(&self) -> bool {
        self.merged
            .visible
            .get(self.list.cursor)
            .is_some_and(|&i| self.merged.is_suspect(i))
    }

    /// Move to a new span: everything is read again for it.
    pub fn set_span(&mut self, span: i64) {
        self.span = span;
        for l in self.feeds.values_mut() {
            *l = Loadable::default();
        }
        self.requested.clear();
        self.remerge();
    }

    /// The next span `w` picks.
    pub fn next_span(&self) -> i64 {
        let i = SPANS.iter().position(|s| *s == self.span).unwrap_or(0);
        SPANS[(i + 1) % SPANS.len()]
    }

    /// The next feed filter `s` picks (all, then each feed).
    pub fn next_only(&self) -> Option<Feed> {
        match self.only {
            None => Some(Feed::ALL[0]),
            Some(f) => {
                let i = Feed::ALL.iter().position(|x| *x == f).unwrap_or(0);
                Feed::ALL.get(i + 1).copied()
            }
        }
    }

    /// Age in seconds of the oldest feed answer shown.
    pub fn data_age(&self, now: Epoch) -> Option<i64> {
        self.feeds.values().filter_map(|l| l.age(now)).max()
    }
}

/// `30m`, `2h`, `24h`: a span as the title shows it.
pub fn span_label(span: i64) -> String {
    if span % 3600 == 0 {
        format!("{}h", span / 3600)
    } else {
        format!("{}m", span / 60)
    }
}
