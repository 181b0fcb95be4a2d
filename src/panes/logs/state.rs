//! State of the Logs pane: the query editor (text, log groups, time range), the running
//! query and its polling, the results table, detail view, history, saved queries and the
//! live tail. `route_key` and `apply` are called by the reducer; `due` and
//! `mark_loading` by its scheduler, as for every pane.

use std::path::PathBuf;

use std::collections::HashMap;

use super::history::{self as logs_history, HistoryEntry, history_path};
use super::query::{BUILTINS, TextArea, TimeRange, build_query, format_instant, parse_groups};
use super::results::ResultsTable;
use super::sources::{LogsFetched, LogsSource};
use super::tail::TailState;
use crate::cloud::{
    CloudError, CloudResult, Epoch, InsightsQuery, QueryDefinition, QueryStatistics, QueryStatus,
};
use crate::level::Level;
use crate::panes::kit::{ListState, Loadable, Request, Schedule};

/// Seconds between polls of a running query, by poll number (then the last, repeated).
pub const POLL_BACKOFF: [i64; 6] = [1, 1, 2, 2, 3, 5];
/// Failed polls (throttling, network) retried before the run is given up.
pub const POLL_RETRIES: u32 = 3;
/// Saved queries are re-read this often while the pane is open.
pub const DEFINITIONS_REFRESH_SECONDS: i64 = 300;

/// Which part of the pane is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogsView {
    #[default]
    Query,
    Tail,
}

/// The editor field being typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditField {
    Query,
    Groups,
    Range,
}

/// A list to pick a query from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    History,
    Saved,
}

/// An open picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picker {
    pub kind: PickerKind,
    pub cursor: usize,
}

/// One query run: from `StartQuery` to a terminal status (or an error).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRun {
    pub id: u64,
    /// The built-in's name, when it is one.
    pub name: Option<String>,
    pub query: InsightsQuery,
    pub range_label: String,
    pub query_id: Option<String>,
    pub status: QueryStatus,
    pub started_at: Epoch,
    pub finished_at: Option<Epoch>,
    pub statistics: Option<QueryStatistics>,
    pub error: Option<CloudError>,
    pub polls: u32,
    pub failed_polls: u32,
    pub next_poll_at: Epoch,
    pub in_flight: bool,
    /// Cancelled before `StartQuery` answered: stop it as soon as it has an id.
    pub cancel_requested: bool,
}

impl QueryRun {
    /// Still waiting for a terminal status.
    pub fn is_running(&self) -> bool {
        self.error.is_none() && !self.status.is_terminal()
    }

    /// Seconds since it started (frozen when it finished).
    pub fn elapsed(&self, now: Epoch) -> i64 {
        (self.finished_at.unwrap_or(now) - self.started_at).max(0)
    }

    fn finish(&mut self, now: Epoch) {
        self.finished_at.get_or_insert(now);
        self.in_flight = false;
    }
}

/// Everything the Logs pane shows.
#[derive(Debug, Clone)]
pub struct LogsState {
    pub view: LogsView,
    pub editing: Option<EditField>,
    pub editor: TextArea,
    /// Comma-separated log groups; empty means the environment's.
    pub groups_input: String,
    /// As typed (`1h`, `FROM .. TO`).
    pub range_input: String,
    pub run: Option<QueryRun>,
    next_run: u64,
    /// Sources to request at the next scheduling round.
    pub(super) pending: Vec<LogsSource>,
    pub results: Option<ResultsTable>,
    /// Indices of the result rows passing the `/` filter, in sort order: computed when
    /// the results, the sort or the filter change (never while drawing).
    pub results_shown: Vec<usize>,
    /// What this session's Logs Insights queries scanned (kept across environments).
    pub spend: super::spend::ScanSpend,
    pub list: ListState,
    /// Scroll offset of the open row detail.
    pub detail: Option<u16>,
    pub history: Vec<HistoryEntry>,
    /// The history file was read (so writing it loses nothing).
    pub history_loaded: bool,
    pub(super) history_requested: bool,
    /// Where history and exports go; `None` keeps history in memory only (tests).
    pub data_dir: Option<PathBuf>,
    pub definitions: Loadable<Vec<QueryDefinition>>,
    pub(super) definitions_stale: bool,
    pub picker: Option<Picker>,
    /// The name being typed for `PutQueryDefinition`.
    pub save_name: Option<String>,
    /// A save waiting for the environment's name to be typed (protected environments).
    pub save_confirm: Option<(QueryDefinition, String)>,
    pub tail: TailState,
    /// When each source was last requested.
    pub requested: HashMap<LogsSource, Epoch>,
}

impl Default for LogsState {
    fn default() -> Self {
        LogsState {
            view: LogsView::Query,
            editing: None,
            editor: TextArea::from_text(BUILTINS[0].query),
            groups_input: String::new(),
            range_input: "1h".into(),
            run: None,
            next_run: 1,
            pending: Vec::new(),
            results: None,
            results_shown: Vec::new(),
            spend: Default::default(),
            list: ListState::default(),
            detail: None,
            history: Vec::new(),
            history_loaded: false,
            history_requested: false,
            data_dir: None,
            definitions: Loadable::default(),
            definitions_stale: true,
            picker: None,
            save_name: None,
            save_confirm: None,
            tail: TailState::default(),
            requested: HashMap::new(),
        }
    }
}

impl LogsState {
    /// A fresh state for another environment, keeping where files go.
    pub fn reset(&mut self) {
        let dir = self.data_dir.take();
        *self = LogsState {
            data_dir: dir,
            spend: self.spend,
            ..LogsState::default()
        };
    }

    /// Age of what the pane shows: the tail's last poll, or the query's end.
    pub fn data_age(&self, now: Epoch) -> Option<i64> {
        let at = match self.view {
            LogsView::Tail => self.tail.fetched_at,
            LogsView::Query => self.run.as_ref().and_then(|r| r.finished_at),
        };
        at.map(|t| (now - t).max(0))
    }

    /// True while a popup or the editor takes every key.
    pub fn captures_keys(&self) -> bool {
        self.editing.is_some()
            || self.detail.is_some()
            || self.picker.is_some()
            || self.save_name.is_some()
            || self.save_confirm.is_some()
    }

    /// The `/` filter being typed (for the footer).
    pub fn filter_text(&self) -> &str {
        match self.view {
            LogsView::Query => &self.list.filter,
            LogsView::Tail => &self.tail.list.filter,
        }
    }

    /// The list `/` and the movement keys act on.
    pub fn focused_list(&mut self) -> &mut ListState {
        match self.view {
            LogsView::Query => &mut self.list,
            LogsView::Tail => &mut self.tail.list,
        }
    }

    /// The log groups a query runs over.
    pub fn groups(&self, env_groups: &[String]) -> Vec<String> {
        let typed = parse_groups(&self.groups_input);
        if typed.is_empty() {
            env_groups.to_vec()
        } else {
            typed
        }
    }

    /// Visible result rows (indices into the table), filtered and sorted.
    pub fn visible_rows(&self) -> &[usize] {
        &self.results_shown
    }

    /// Recompute the visible result rows (after the results, the sort or the filter
    /// changed).
    pub fn reshow(&mut self) {
        self.results_shown = self
            .results
            .as_ref()
            .map_or_else(Vec::new, |t| t.visible(&self.list.filter));
    }

    /// The row under the cursor.
    pub fn selected_row(&self) -> Option<usize> {
        let rows = self.visible_rows();
        rows.get(self.list.cursor.min(rows.len().saturating_sub(1)))
            .copied()
    }

    /// Start `text` over `groups` in the typed range; the history entry to persist.
    pub fn start(
        &mut self,
        name: Option<&str>,
        groups: Vec<String>,
        now: Epoch,
    ) -> Result<HistoryEntry, String> {
        let range = TimeRange::parse(&self.range_input)?;
        let text = self.editor.text();
        if text.trim().is_empty() {
            return Err("the query is empty".into());
        }
        if groups.is_empty() {
            return Err("no log groups: type some (tab in the editor) or set log_groups".into());
        }
        self.cancel(now);
        let query = build_query(&text, &groups, range, now);
        let id = self.next_run;
        self.next_run += 1;
        self.pending.push(LogsSource::Start(id, query.clone()));
        self.run = Some(QueryRun {
            id,
            name: name.map(str::to_string),
            query,
            range_label: range.label(),
            query_id: None,
            status: QueryStatus::Scheduled,
            started_at: now,
            finished_at: None,
            statistics: None,
            error: None,
            polls: 0,
            failed_polls: 0,
            next_poll_at: now,
            in_flight: true,
            cancel_requested: false,
        });
        self.list.cursor = 0;
        self.detail = None;
        let entry = HistoryEntry {
            query: text.trim().to_string(),
            log_groups: groups,
            range: self.range_input.trim().to_string(),
            ran_at: now,
            status: String::new(),
            rows: 0,
        };
        logs_history::push(&mut self.history, entry.clone());
        Ok(entry)
    }

    /// Put `query` in the editor and start it over the environment's groups (or the typed
    /// ones): a query another pane asked for.
    pub fn run_text(
        &mut self,
        name: &str,
        query: &str,
        env_groups: &[String],
        now: Epoch,
    ) -> Result<HistoryEntry, String> {
        self.editor = TextArea::from_text(query);
        self.editing = None;
        let groups = self.groups(env_groups);
        self.start(Some(name), groups, now)
    }

    /// Cancel the running query (StopQuery once it has an id). True if one was running.
    pub fn cancel(&mut self, now: Epoch) -> bool {
        let Some(run) = self.run.as_mut().filter(|r| r.is_running()) else {
            return false;
        };
        match &run.query_id {
            Some(qid) => self.pending.push(LogsSource::Stop(qid.clone())),
            None => run.cancel_requested = true,
        }
        run.status = QueryStatus::Cancelled;
        run.finish(now);
        true
    }

    /// Leaving the pane: cancel a running query; the stop to send now (the pane's
    /// scheduler does not run while it is hidden).
    pub fn leave_now(&mut self, now: Epoch) -> Vec<LogsSource> {
        self.cancel(now);
        let live_stop = self.tail.leave().map(LogsSource::Live);
        let mut stops: Vec<LogsSource> = self
            .pending
            .iter()
            .filter(|s| matches!(s, LogsSource::Stop(_)))
            .cloned()
            .collect();
        self.pending.retain(|s| !matches!(s, LogsSource::Stop(_)));
        stops.extend(live_stop);
        stops
    }

    /// This pane's sources that are due.
    pub fn due_sources(&self, schedule: &Schedule<LogsSource>, env: &str) -> Vec<LogsSource> {
        let mut due: Vec<LogsSource> = self.pending.clone();
        if let Some(run) = &self.run
            && run.is_running()
            && !run.in_flight
            && schedule.now >= run.next_poll_at
            && let Some(qid) = &run.query_id
        {
            due.push(LogsSource::Results(run.id, qid.clone()));
        }
        if self.view == LogsView::Tail
            && let Some(req) = self.tail.due(schedule.now)
        {
            due.push(LogsSource::Tail(req));
        }
        if self.view == LogsView::Tail
            && let Some(call) = self.tail.live_due(schedule.now)
        {
            due.push(LogsSource::Live(call));
        }
        let defs = LogsSource::Definitions;
        if !self.definitions.loading
            && (self.definitions_stale
                || schedule.is_due(
                    &defs,
                    self.definitions.error.as_ref(),
                    DEFINITIONS_REFRESH_SECONDS,
                ))
        {
            due.push(defs);
        }
        if !self.history_requested
            && let Some(dir) = &self.data_dir
        {
            due.push(LogsSource::History(history_path(dir, env)));
        }
        due
    }

    /// Note that `source` is being fetched.
    pub fn mark_source_loading(&mut self, s: &LogsSource) {
        self.pending.retain(|p| p != s);
        match s {
            LogsSource::Results(id, _) => {
                if let Some(run) = self.run.as_mut().filter(|r| r.id == *id) {
                    run.in_flight = true;
                }
            }
            LogsSource::Tail(_) => self.tail.in_flight = true,
            LogsSource::Live(call) => self.tail.live_sent(call),
            LogsSource::Definitions => {
                self.definitions.loading = true;
                self.definitions_stale = false;
            }
            LogsSource::History(_) => self.history_requested = true,
            LogsSource::Start(..) | LogsSource::Stop(_) => {}
        }
    }

    /// Store an answer; a footer message when it deserves one.
    pub fn store(&mut self, fetched: LogsFetched, now: Epoch) -> Option<(String, Level)> {
        match fetched {
            LogsFetched::Started(id, _, r) => self.started(id, r, now),
            LogsFetched::Results(id, _, r) => self.polled(id, r, now),
            LogsFetched::Stopped(qid, r) => Some(match r {
                Ok(true) => (format!("query {qid} stopped"), Level::Ok),
                Ok(false) => (format!("query {qid} had already finished"), Level::Ok),
                Err(e) => (format!("StopQuery: {e}"), Level::Warning),
            }),
            LogsFetched::Tail(_, r) => {
                // Each tail poll is its own source; keep the request log from growing.
                self.requested
                    .retain(|s, _| !matches!(s, LogsSource::Tail(_)));
                self.tail.apply(r, now);
                if self.tail.follow {
                    let n = self.tail.visible_len();
                    self.tail.list.cursor = n.saturating_sub(1);
                }
                None
            }
            LogsFetched::LiveStarted(r) => {
                self.requested
                    .retain(|s, _| !matches!(s, LogsSource::Live(_)));
                let failed = r.as_ref().err().map(|e| e.to_string());
                self.tail.live_started(r, now);
                match failed {
                    Some(e) => Some((
                        format!("Live Tail not available ({e}): polling FilterLogEvents instead"),
                        Level::Unknown,
                    )),
                    None => Some((
                        format!(
                            "Live Tail streaming (billed by the minute; closes when you leave or after {} idle minutes)",
                            super::tail::LIVE_IDLE_SECONDS / 60
                        ),
                        Level::Ok,
                    )),
                }
            }
            LogsFetched::LiveRead(id, r) => {
                self.requested
                    .retain(|s, _| !matches!(s, LogsSource::Live(_)));
                let failed = r.as_ref().err().map(|e| e.to_string());
                self.tail.live_read(&id, r, now);
                if self.tail.follow {
                    let n = self.tail.visible_len();
                    self.tail.list.cursor = n.saturating_sub(1);
                }
                failed.map(|e| {
                    (
                        format!("Live Tail ended ({e}): polling FilterLogEvents instead"),
                        Level::Warning,
                    )
                })
            }
            LogsFetched::LiveStopped(_) => {
                self.requested
                    .retain(|s, _| !matches!(s, LogsSource::Live(_)));
                self.tail.idle_closed.then(|| {
                    (
                        format!(
                            "Live Tail closed after {} idle minutes (billed by the minute): space starts it again",
                            super::tail::LIVE_IDLE_SECONDS / 60
                        ),
                        Level::Unknown,
                    )
                })
            }
            LogsFetched::Definitions(r) => {
                self.definitions.set(r, now);
                None
            }
            LogsFetched::History(_, r) => match r {
                Ok(loaded) => {
                    let mine = std::mem::take(&mut self.history);
                    self.history = loaded;
                    for e in mine.into_iter().rev() {
                        logs_history::push(&mut self.history, e);
                    }
                    self.history_loaded = true;
                    None
                }
                Err(e) => Some((format!("history not loaded: {e}"), Level::Warning)),
            },
        }
    }

    /// A save (`PutQueryDefinition`) finished: the footer message.
    pub fn saved(&mut self, def: &QueryDefinition, r: &CloudResult<String>) -> (String, Level) {
        match r {
            Ok(_) => {
                self.definitions_stale = true;
                (format!("saved query {:?}", def.name), Level::Ok)
            }
            Err(e) => (format!("PutQueryDefinition: {e}"), Level::Warning),
        }
    }

    fn started(
        &mut self,
        id: u64,
        r: Result<String, CloudError>,
        now: Epoch,
    ) -> Option<(String, Level)> {
        let run = self.run.as_mut().filter(|run| run.id == id);
        match (run, r) {
            (Some(run), Ok(qid)) => {
                run.in_flight = false;
                run.query_id = Some(qid.clone());
                if run.cancel_requested {
                    self.pending.push(LogsSource::Stop(qid));
                } else {
                    run.status = QueryStatus::Running;
                    run.next_poll_at = now;
                }
                None
            }
            (Some(run), Err(e)) => {
                run.error = Some(e);
                run.status = QueryStatus::Failed;
                run.finish(now);
                None
            }
            // A query of an earlier run answered late: stop it.
            (None, Ok(qid)) => {
                self.pending.push(LogsSource::Stop(qid));
                None
            }
            (None, Err(_)) => None,
        }
    }

    fn polled(
        &mut self,
        id: u64,
        r: Result<crate::cloud::QueryResults, CloudError>,
        now: Epoch,
    ) -> Option<(String, Level)> {
        let run = self.run.as_mut().filter(|run| run.id == id)?;
        run.in_flight = false;
        if !run.is_running() {
            return None;
        }
        match r {
            Ok(res) => {
                run.failed_polls = 0;
                run.status = res.status;
                if res.statistics.is_some() {
                    run.statistics = res.statistics;
                }
                let backoff = POLL_BACKOFF[(run.polls as usize).min(POLL_BACKOFF.len() - 1)];
                run.polls = run.polls.saturating_add(1);
                run.next_poll_at = now.saturating_add(backoff);
                let status = run.status;
                if status.is_terminal() {
                    run.finish(now);
                    self.spend.add_pane(run.statistics.map(|s| s.bytes_scanned));
                }
                if let Some(h) = self.history.first_mut() {
                    h.status = status.as_str().to_string();
                    h.rows = res.rows.len();
                }
                if !res.rows.is_empty() || status.is_terminal() {
                    let sort = self.results.as_ref().and_then(|t| t.sort);
                    let mut table = ResultsTable::new(res.rows);
                    if sort.is_some_and(|s| s.column < table.columns.len()) {
                        table.sort = sort;
                    }
                    self.results = Some(table);
                    self.reshow();
                    let n = self.visible_rows().len();
                    self.list.clamp(n);
                }
                None
            }
            Err(e) => {
                let transient = matches!(e, CloudError::Throttled(_) | CloudError::Network(_));
                run.failed_polls += 1;
                if transient && run.failed_polls <= POLL_RETRIES {
                    run.next_poll_at = now.saturating_add(5);
                    Some((format!("GetQueryResults: {e}; retrying"), Level::Warning))
                } else {
                    run.error = Some(e);
                    run.finish(now);
                    None
                }
            }
        }
    }

    /// The history file write for the current history (when it was loaded from disk).
    pub(super) fn history_write(&self, env: &str) -> Option<Request> {
        let dir = self.data_dir.as_ref()?;
        if !self.history_loaded {
            return None;
        }
        Some(Request::WriteFile {
            paths: vec![history_path(dir, env)],
            contents: logs_history::to_json(&self.history),
            export: false,
        })
    }

    pub(super) fn export(&self, env: &str, now: Epoch, json: bool) -> Result<Request, String> {
        let table = self.results.as_ref().ok_or("no results to export")?;
        let rows = self.visible_rows();
        let stamp: String = format_instant(now)
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == ' ')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let ext = if json { "json" } else { "csv" };
        let name = format!("opsdeck-logs-{env}-{stamp}.{ext}");
        // The data directory first; the current directory only without one.
        let mut paths = Vec::new();
        if let Some(dir) = &self.data_dir {
            paths.push(dir.join("exports").join(&name));
        }
        paths.push(PathBuf::from(&name));
        let contents = if json {
            table.to_json(rows)
        } else {
            table.to_csv(rows)
        };
        Ok(Request::WriteFile {
            paths,
            contents,
            export: true,
        })
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
