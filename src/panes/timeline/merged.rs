//! The timeline as shown: every feed's events in time order (oldest first), the
//! suspect among them, and the rows passing the source and text filters. Computed when
//! an answer arrives or a filter changes, never while drawing.

use std::collections::BTreeMap;

use super::event::TimelineEvent;
use super::feed::Feed;
use super::suspect::{self, Suspect};
use crate::panes::kit::ListState;

/// The merged timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// Every event, oldest first (ties: feed order).
    pub events: Vec<TimelineEvent>,
    pub suspect: Option<Suspect>,
    /// Indices into `events` of the rows shown.
    pub visible: Vec<usize>,
}

/// Merge the events of each feed, in time order.
pub fn merge<'a>(
    feeds: impl IntoIterator<Item = (Feed, &'a [TimelineEvent])>,
) -> Vec<TimelineEvent> {
    let by_feed: BTreeMap<Feed, &[TimelineEvent]> = feeds.into_iter().collect();
    let mut events: Vec<TimelineEvent> = by_feed.values().flat_map(|e| e.iter().cloned()).collect();
    events.sort_by_key(|e| (e.at, e.feed));
    events
}

impl Merged {
    /// The merged view of `events` (sorted) under the filters.
    pub fn new(events: Vec<TimelineEvent>, only: Option<Feed>, list: &ListState) -> Merged {
        let suspect = suspect::find(&events);
        let mut m = Merged {
            events,
            suspect,
            visible: Vec::new(),
        };
        m.refilter(only, list);
        m
    }

    /// Recompute the visible rows (after a filter changed).
    pub fn refilter(&mut self, only: Option<Feed>, list: &ListState) {
        self.visible = self
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| only.is_none_or(|f| e.feed == f))
            .filter(|(_, e)| {
                list.matches(&[
                    &e.resource,
                    &e.summary,
                    e.actor.as_deref().unwrap_or(""),
                    e.feed.label(),
                ])
            })
            .map(|(i, _)| i)
            .collect();
    }

    /// The event of visible row `row`.
    pub fn row(&self, row: usize) -> Option<&TimelineEvent> {
        self.visible.get(row).and_then(|&i| self.events.get(i))
    }

    /// True when event `index` is the suspect change.
    pub fn is_suspect(&self, index: usize) -> bool {
        self.suspect.as_ref().is_some_and(|s| s.change == index)
    }
}
