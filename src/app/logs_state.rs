//! State of the Logs pane: the query editor (text, log groups, time range), the running
//! query and its polling, the results table, detail view, history, saved queries and the
//! live tail. `route_key` and `apply` are called by the reducer; `due` and
//! `mark_loading` by its scheduler, as for every pane.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::list::ListState;
use super::loadable::Loadable;
use super::logs_effect::LogsEffect;
use super::logs_history::{self, HistoryEntry, history_path};
use super::logs_query::{BUILTINS, TextArea, TimeRange, build_query, format_instant, parse_groups};
use super::logs_results::{ResultsTable, row_text};
use super::logs_source::{LogsFetched, LogsSource};
use super::logs_tail::TailState;
use super::schedule::Schedule;
use super::source::Source;
use super::state::AppState;
use super::update::Effect;
use crate::cloud::{
    CloudError, Epoch, InsightsQuery, QueryDefinition, QueryStatistics, QueryStatus,
};
use crate::level::Level;

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
    pending: Vec<LogsSource>,
    pub results: Option<ResultsTable>,
    pub list: ListState,
    /// Scroll offset of the open row detail.
    pub detail: Option<u16>,
    pub history: Vec<HistoryEntry>,
    /// The history file was read (so writing it loses nothing).
    pub history_loaded: bool,
    history_requested: bool,
    /// Where history and exports go; `None` keeps history in memory only (tests).
    pub data_dir: Option<PathBuf>,
    pub definitions: Loadable<Vec<QueryDefinition>>,
    definitions_stale: bool,
    pub picker: Option<Picker>,
    /// The name being typed for `PutQueryDefinition`.
    pub save_name: Option<String>,
    pub tail: TailState,
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
            tail: TailState::default(),
        }
    }
}

fn ctrl(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
}

impl LogsState {
    /// A fresh state for another environment, keeping where files go.
    pub fn reset(&mut self) {
        let dir = self.data_dir.take();
        *self = LogsState {
            data_dir: dir,
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
    pub fn visible_rows(&self) -> Vec<usize> {
        self.results
            .as_ref()
            .map_or_else(Vec::new, |t| t.visible(&self.list.filter))
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
    pub fn leave(&mut self, now: Epoch) -> Vec<Source> {
        self.cancel(now);
        self.tail.in_flight = false;
        let stops: Vec<Source> = self
            .pending
            .iter()
            .filter(|s| matches!(s, LogsSource::Stop(_)))
            .cloned()
            .map(Source::Logs)
            .collect();
        self.pending.retain(|s| !matches!(s, LogsSource::Stop(_)));
        stops
    }

    /// This pane's sources that are due.
    pub fn due(&self, schedule: &Schedule, env: &str) -> Vec<Source> {
        let mut due: Vec<Source> = self.pending.iter().cloned().map(Source::Logs).collect();
        if let Some(run) = &self.run
            && run.is_running()
            && !run.in_flight
            && schedule.now >= run.next_poll_at
            && let Some(qid) = &run.query_id
        {
            due.push(Source::Logs(LogsSource::Results(run.id, qid.clone())));
        }
        if self.view == LogsView::Tail
            && let Some(req) = self.tail.due(schedule.now)
        {
            due.push(Source::Logs(LogsSource::Tail(req)));
        }
        let defs = Source::Logs(LogsSource::Definitions);
        let unsupported = matches!(self.definitions.error, Some(CloudError::Unsupported(_)));
        if !self.definitions.loading
            && !unsupported
            && (self.definitions_stale
                || schedule.is_due(
                    &defs,
                    self.definitions.error.is_some(),
                    DEFINITIONS_REFRESH_SECONDS,
                ))
        {
            due.push(defs);
        }
        if !self.history_requested
            && let Some(dir) = &self.data_dir
        {
            due.push(Source::Logs(LogsSource::History(history_path(dir, env))));
        }
        due
    }

    /// Note that `source` is being fetched.
    pub fn mark_loading(&mut self, source: &Source) {
        let Source::Logs(s) = source else { return };
        self.pending.retain(|p| p != s);
        match s {
            LogsSource::Results(id, _) => {
                if let Some(run) = self.run.as_mut().filter(|r| r.id == *id) {
                    run.in_flight = true;
                }
            }
            LogsSource::Tail(_) => self.tail.in_flight = true,
            LogsSource::Definitions => {
                self.definitions.loading = true;
                self.definitions_stale = false;
            }
            LogsSource::History(_) => self.history_requested = true,
            LogsSource::Start(..) | LogsSource::Stop(_) | LogsSource::Save(_) => {}
        }
    }

    /// Store an answer; a footer message when it deserves one.
    pub fn apply(&mut self, fetched: LogsFetched, now: Epoch) -> Option<(String, Level)> {
        match fetched {
            LogsFetched::Started(id, _, r) => self.started(id, r, now),
            LogsFetched::Results(id, _, r) => self.polled(id, r, now),
            LogsFetched::Stopped(qid, r) => Some(match r {
                Ok(true) => (format!("query {qid} stopped"), Level::Ok),
                Ok(false) => (format!("query {qid} had already finished"), Level::Ok),
                Err(e) => (format!("StopQuery: {e}"), Level::Warning),
            }),
            LogsFetched::Tail(_, r) => {
                self.tail.apply(r, now);
                if self.tail.follow {
                    let n = self.tail.visible().len();
                    self.tail.list.cursor = n.saturating_sub(1);
                }
                None
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
            LogsFetched::Saved(def, r) => Some(match r {
                Ok(_) => {
                    self.definitions_stale = true;
                    (format!("saved query {:?}", def.name), Level::Ok)
                }
                Err(e) => (format!("PutQueryDefinition: {e}"), Level::Warning),
            }),
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
    fn history_write(&self, env: &str) -> Option<Effect> {
        let dir = self.data_dir.as_ref()?;
        if !self.history_loaded {
            return None;
        }
        Some(Effect::Logs(LogsEffect::Write {
            paths: vec![history_path(dir, env)],
            contents: logs_history::to_json(&self.history),
            announce: false,
        }))
    }

    fn export(&self, env: &str, now: Epoch, json: bool) -> Result<Effect, String> {
        let table = self.results.as_ref().ok_or("no results to export")?;
        let rows = self.visible_rows();
        let stamp: String = format_instant(now)
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == ' ')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let ext = if json { "json" } else { "csv" };
        let name = format!("opsdeck-logs-{env}-{stamp}.{ext}");
        let mut paths = vec![PathBuf::from(&name)];
        if let Some(dir) = &self.data_dir {
            paths.push(dir.join("exports").join(&name));
        }
        let contents = if json {
            table.to_json(&rows)
        } else {
            table.to_csv(&rows)
        };
        Ok(Effect::Logs(LogsEffect::Write {
            paths,
            contents,
            announce: true,
        }))
    }
}

/// Handle a key on the Logs pane (global keys were handled before, unless the pane
/// captures keys).
pub fn route_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    let now = state.now;
    let logs = &mut state.logs;
    if logs.save_name.is_some() {
        save_name_key(state, key, effects);
        return;
    }
    if let Some(picker) = logs.picker {
        picker_key(state, picker, key, effects);
        return;
    }
    if let Some(scroll) = logs.detail {
        match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => logs.detail = None,
            KeyCode::Char('j') | KeyCode::Down => logs.detail = Some(scroll.saturating_add(1)),
            KeyCode::Char('k') | KeyCode::Up => logs.detail = Some(scroll.saturating_sub(1)),
            KeyCode::Char('y') => copy_row(state, effects),
            _ => {}
        }
        return;
    }
    if let Some(field) = logs.editing {
        editor_key(state, field, key, effects);
        return;
    }
    if logs.view == LogsView::Tail {
        tail_key(state, key);
        return;
    }
    let len = logs.visible_rows().len();
    match key.code {
        KeyCode::F(n @ 1..=4) => {
            let b = BUILTINS[usize::from(n - 1)];
            logs.editor = TextArea::from_text(b.query);
            run_query(state, Some(b.name), effects);
        }
        KeyCode::Char('e') => logs.editing = Some(EditField::Query),
        KeyCode::Char('x') => run_query(state, None, effects),
        KeyCode::Char('c') => {
            if logs.cancel(now) {
                state.status = Some(("cancelling the query".into(), Level::Ok));
            }
        }
        KeyCode::Char(c @ ('[' | ']')) => {
            let range = TimeRange::parse(&logs.range_input).unwrap_or_default();
            logs.range_input = range.step(c == ']').label();
        }
        KeyCode::Char('s') => {
            if let Some(t) = logs.results.as_mut() {
                t.cycle_sort();
            }
        }
        KeyCode::Char('S') => {
            if let Some(t) = logs.results.as_mut() {
                t.flip_sort();
            }
        }
        KeyCode::Enter if logs.selected_row().is_some() => logs.detail = Some(0),
        KeyCode::Char('y') => copy_row(state, effects),
        KeyCode::Char(c @ ('w' | 'W')) => match logs.export(&state.env.name, now, c == 'W') {
            Ok(e) => effects.push(e),
            Err(m) => state.status = Some((m, Level::Warning)),
        },
        KeyCode::Char('h') => {
            logs.picker = Some(Picker {
                kind: PickerKind::History,
                cursor: 0,
            })
        }
        KeyCode::Char('o') => {
            logs.picker = Some(Picker {
                kind: PickerKind::Saved,
                cursor: 0,
            })
        }
        KeyCode::Char('n') => {
            let name = logs
                .run
                .as_ref()
                .and_then(|r| r.name.clone())
                .map(|n| format!("opsdeck/{n}"))
                .unwrap_or_default();
            logs.save_name = Some(name);
        }
        KeyCode::Char('t') => {
            logs.view = LogsView::Tail;
            if !logs.tail.active {
                let groups = logs.groups(&state.env.log_groups);
                logs.tail.start(groups, now);
            }
        }
        _ => {
            logs.list.on_key(key.code, ctrl(&key), len);
        }
    }
}

fn run_query(state: &mut AppState, name: Option<&str>, effects: &mut Vec<Effect>) {
    let groups = state.logs.groups(&state.env.log_groups);
    match state.logs.start(name, groups, state.now) {
        Ok(_) => {
            state.logs.editing = None;
            if let Some(e) = state.logs.history_write(&state.env.name) {
                effects.push(e);
            }
        }
        Err(m) => state.status = Some((m, Level::Warning)),
    }
}

fn copy_row(state: &mut AppState, effects: &mut Vec<Effect>) {
    let logs = &state.logs;
    match (logs.results.as_ref(), logs.selected_row()) {
        (Some(t), Some(i)) => {
            if let Some(row) = t.rows.get(i) {
                effects.push(Effect::Logs(LogsEffect::Copy(row_text(&t.columns, row))));
            }
        }
        _ => state.status = Some(("no row to copy".into(), Level::Warning)),
    }
}

fn editor_key(state: &mut AppState, field: EditField, key: KeyEvent, effects: &mut Vec<Effect>) {
    let logs = &mut state.logs;
    match key.code {
        KeyCode::Esc => logs.editing = None,
        KeyCode::Char('r') if ctrl(&key) => run_query(state, None, effects),
        KeyCode::Tab | KeyCode::BackTab => {
            let order = [EditField::Query, EditField::Groups, EditField::Range];
            let i = order.iter().position(|f| *f == field).unwrap_or(0);
            let next = if key.code == KeyCode::Tab {
                i + 1
            } else {
                i + 2
            };
            logs.editing = Some(order[next % 3]);
        }
        _ if field == EditField::Query => match key.code {
            KeyCode::Enter => logs.editor.insert('\n'),
            KeyCode::Backspace => logs.editor.backspace(),
            KeyCode::Delete => logs.editor.delete(),
            KeyCode::Left => logs.editor.move_by(0, -1),
            KeyCode::Right => logs.editor.move_by(0, 1),
            KeyCode::Up => logs.editor.move_by(-1, 0),
            KeyCode::Down => logs.editor.move_by(1, 0),
            KeyCode::Home => logs.editor.home_end(false),
            KeyCode::End => logs.editor.home_end(true),
            KeyCode::Char(c) if !ctrl(&key) => logs.editor.insert(c),
            _ => {}
        },
        _ => {
            let input = if field == EditField::Groups {
                &mut logs.groups_input
            } else {
                &mut logs.range_input
            };
            match key.code {
                KeyCode::Enter => run_query(state, None, effects),
                KeyCode::Backspace => {
                    input.pop();
                }
                KeyCode::Char(c) if !ctrl(&key) => input.push(c),
                _ => {}
            }
        }
    }
}

fn tail_key(state: &mut AppState, key: KeyEvent) {
    let tail = &mut state.logs.tail;
    let len = tail.visible().len();
    match key.code {
        KeyCode::Char('t') => state.logs.view = LogsView::Query,
        KeyCode::Char(' ') => {
            tail.paused = !tail.paused;
            let msg = if tail.paused {
                "tail paused"
            } else {
                "tail resumed"
            };
            state.status = Some((msg.into(), Level::Ok));
        }
        KeyCode::Char('G') | KeyCode::End => {
            tail.follow = true;
            tail.list.cursor = len.saturating_sub(1);
        }
        _ => {
            if tail.list.on_key(key.code, ctrl(&key), len) {
                tail.follow = tail.list.cursor + 1 >= len;
            }
        }
    }
}

fn picker_key(state: &mut AppState, picker: Picker, key: KeyEvent, effects: &mut Vec<Effect>) {
    let logs = &mut state.logs;
    let len = match picker.kind {
        PickerKind::History => logs.history.len(),
        PickerKind::Saved => logs.definitions.data.as_ref().map_or(0, Vec::len),
    };
    let mut list = ListState {
        cursor: picker.cursor,
        filter: String::new(),
    };
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => logs.picker = None,
        KeyCode::Enter => {
            logs.picker = None;
            let chosen = match picker.kind {
                PickerKind::History => logs
                    .history
                    .get(picker.cursor)
                    .map(|h| (h.query.clone(), h.log_groups.clone(), Some(h.range.clone()))),
                PickerKind::Saved => logs
                    .definitions
                    .data
                    .as_ref()
                    .and_then(|d| d.get(picker.cursor))
                    .map(|d| (d.query.clone(), d.log_groups.clone(), None)),
            };
            if let Some((query, groups, range)) = chosen {
                logs.editor = TextArea::from_text(&query);
                logs.groups_input = if groups == state.env.log_groups {
                    String::new()
                } else {
                    groups.join(", ")
                };
                if let Some(r) = range {
                    logs.range_input = r;
                }
                run_query(state, None, effects);
            }
        }
        code => {
            list.on_key(code, ctrl(&key), len);
            logs.picker = Some(Picker {
                cursor: list.cursor,
                ..picker
            });
        }
    }
}

fn save_name_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    let logs = &mut state.logs;
    let Some(name) = logs.save_name.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Esc => logs.save_name = None,
        KeyCode::Backspace => {
            name.pop();
        }
        KeyCode::Char(c) if !ctrl(&key) => name.push(c),
        KeyCode::Enter => {
            let name = name.trim().to_string();
            logs.save_name = None;
            if name.is_empty() {
                state.status = Some(("a saved query needs a name".into(), Level::Warning));
            } else if state.read_only {
                state.status = Some((
                    "read-only: saving a query (PutQueryDefinition) is a write".into(),
                    Level::Warning,
                ));
            } else {
                let existing = logs
                    .definitions
                    .data
                    .as_ref()
                    .and_then(|d| d.iter().find(|d| d.name == name))
                    .and_then(|d| d.id.clone());
                let groups = logs.groups(&state.env.log_groups);
                effects.push(Effect::Logs(LogsEffect::Save(QueryDefinition {
                    id: existing,
                    name,
                    query: logs.editor.text().trim().to_string(),
                    log_groups: groups,
                })));
            }
        }
        _ => {}
    }
}

/// Store a Logs answer in the state.
pub fn apply(state: &mut AppState, fetched: LogsFetched) {
    if matches!(fetched, LogsFetched::Tail(..)) {
        // Each tail poll is its own source; keep the request log from growing.
        state
            .last_requested
            .retain(|s, _| !matches!(s, Source::Logs(LogsSource::Tail(_))));
    }
    if let Some(msg) = state.logs.apply(fetched, state.now) {
        state.status = Some(msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::QueryResults;

    fn schedule(now: Epoch) -> (Epoch, std::collections::HashMap<Source, Epoch>) {
        (now, std::collections::HashMap::new())
    }

    fn due(l: &LogsState, now: Epoch) -> Vec<Source> {
        let (now, last) = schedule(now);
        l.due(
            &Schedule {
                now,
                last_requested: &last,
                force: false,
            },
            "prod",
        )
    }

    fn started(l: &mut LogsState, now: Epoch) -> u64 {
        l.start(Some("recent-errors"), vec!["/g".into()], now)
            .expect("starts");
        let id = l.run.as_ref().map(|r| r.id).unwrap_or_default();
        let src = Source::Logs(LogsSource::Start(
            id,
            l.run.as_ref().map(|r| r.query.clone()).unwrap_or_default(),
        ));
        assert!(due(l, now).contains(&src));
        l.mark_loading(&src);
        l.apply(
            LogsFetched::Started(id, InsightsQuery::default(), Ok("q1".into())),
            now,
        );
        id
    }

    #[test]
    fn a_query_polls_with_back_off_until_complete() {
        let mut l = LogsState::default();
        let id = started(&mut l, 100);
        let poll = Source::Logs(LogsSource::Results(id, "q1".into()));
        assert!(due(&l, 100).contains(&poll), "first poll at once");
        l.mark_loading(&poll);
        assert!(!due(&l, 100).contains(&poll), "one poll in flight");
        let running = QueryResults {
            status: QueryStatus::Running,
            statistics: Some(QueryStatistics {
                records_matched: 1.0,
                records_scanned: 10.0,
                bytes_scanned: 1000.0,
            }),
            rows: vec![],
        };
        l.apply(
            LogsFetched::Results(id, "q1".into(), Ok(running.clone())),
            100,
        );
        assert!(!due(&l, 100).contains(&poll));
        assert!(due(&l, 101).contains(&poll), "1 s back-off");
        l.mark_loading(&poll);
        l.apply(LogsFetched::Results(id, "q1".into(), Ok(running)), 101);
        assert!(due(&l, 102).contains(&poll));
        l.mark_loading(&poll);
        l.apply(
            LogsFetched::Results(
                id,
                "q1".into(),
                Ok(QueryResults {
                    status: QueryStatus::Running,
                    statistics: None,
                    rows: vec![],
                }),
            ),
            102,
        );
        assert!(!due(&l, 103).contains(&poll), "2 s back-off");
        assert!(due(&l, 104).contains(&poll));
        l.mark_loading(&poll);
        let done = QueryResults {
            status: QueryStatus::Complete,
            statistics: None,
            rows: vec![vec![("@message".into(), "x".into())]],
        };
        l.apply(LogsFetched::Results(id, "q1".into(), Ok(done)), 104);
        let run = l.run.as_ref().expect("run");
        assert_eq!(run.status, QueryStatus::Complete);
        assert_eq!(run.elapsed(999), 4);
        assert_eq!(run.statistics.map(|s| s.records_scanned), Some(10.0));
        assert_eq!(l.results.as_ref().map(|t| t.rows.len()), Some(1));
        assert!(!due(&l, 200).contains(&poll));
        assert_eq!(l.history[0].status, "Complete");
    }

    #[test]
    fn cancelling_and_leaving_stop_the_query() {
        let mut l = LogsState::default();
        started(&mut l, 100);
        let stops = l.leave(101);
        assert_eq!(stops, vec![Source::Logs(LogsSource::Stop("q1".into()))]);
        assert_eq!(
            l.run.as_ref().map(|r| r.status),
            Some(QueryStatus::Cancelled)
        );
        assert!(l.leave(102).is_empty(), "only once");

        // Cancelled before StartQuery answered: stopped when the id arrives.
        let mut l = LogsState::default();
        l.start(None, vec!["/g".into()], 5).expect("starts");
        assert!(l.cancel(6));
        let id = l.run.as_ref().map(|r| r.id).unwrap_or_default();
        l.apply(
            LogsFetched::Started(id, InsightsQuery::default(), Ok("q9".into())),
            7,
        );
        assert!(due(&l, 7).contains(&Source::Logs(LogsSource::Stop("q9".into()))));
    }

    #[test]
    fn failures_and_transient_errors() {
        let mut l = LogsState::default();
        let id = started(&mut l, 0);
        l.apply(
            LogsFetched::Results(id, "q1".into(), Err(CloudError::Throttled("slow".into()))),
            0,
        );
        assert!(l.run.as_ref().is_some_and(QueryRun::is_running), "retried");
        l.apply(
            LogsFetched::Results(
                id,
                "q1".into(),
                Ok(QueryResults {
                    status: QueryStatus::Failed,
                    statistics: None,
                    rows: vec![],
                }),
            ),
            6,
        );
        assert!(!l.run.as_ref().is_some_and(QueryRun::is_running));
        let mut l = LogsState::default();
        l.start(None, vec!["/g".into()], 0).expect("starts");
        let id = l.run.as_ref().map(|r| r.id).unwrap_or_default();
        l.apply(
            LogsFetched::Started(
                id,
                InsightsQuery::default(),
                Err(CloudError::Invalid("bad".into())),
            ),
            1,
        );
        assert_eq!(l.run.as_ref().map(|r| r.status), Some(QueryStatus::Failed));
        assert!(l.start(None, vec![], 0).is_err(), "no groups");
        l.range_input = "soon".into();
        assert!(l.start(None, vec!["/g".into()], 0).is_err(), "bad range");
    }
}
