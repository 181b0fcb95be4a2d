//! The Logs pane's keys: built-in and edited queries, cancel, range, sort, row detail,
//! copy, export, history and saved-query pickers, saving a query (typed confirmation on
//! protected environments), and the live tail.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::query::{BUILTINS, TextArea, TimeRange};
use super::results::row_text;
use super::sources::{LogsFetched, LogsSource};
use super::state::{EditField, LogsState, LogsView, Picker, PickerKind};
use crate::cloud::{Epoch, QueryDefinition};
use crate::level::Level;
use crate::panes::kit::{
    BindingGroup, ListState, PaneCtx, PaneState, Reply, Request, Schedule, Write, b,
};

fn ctrl(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
}

impl LogsState {
    /// Handle a key on the Logs pane (before the console's keys).
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<LogsSource> {
        let mut reply = Reply::handled();
        self.route_key(key, ctx, &mut reply);
        reply
    }

    fn route_key(&mut self, key: KeyEvent, ctx: &PaneCtx, reply: &mut Reply<LogsSource>) {
        let now = ctx.now;
        if self.save_confirm.is_some() {
            self.save_confirm_key(key, ctx, reply);
            return;
        }
        if self.save_name.is_some() {
            self.save_name_key(key, ctx, reply);
            return;
        }
        if let Some(picker) = self.picker {
            self.picker_key(picker, key, ctx, reply);
            return;
        }
        if let Some(scroll) = self.detail {
            match key.code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => self.detail = None,
                KeyCode::Char('j') | KeyCode::Down => self.detail = Some(scroll.saturating_add(1)),
                KeyCode::Char('k') | KeyCode::Up => self.detail = Some(scroll.saturating_sub(1)),
                KeyCode::PageDown => self.detail = Some(scroll.saturating_add(10)),
                KeyCode::PageUp => self.detail = Some(scroll.saturating_sub(10)),
                KeyCode::Char('y') => self.copy_row(reply),
                _ => {}
            }
            return;
        }
        if let Some(field) = self.editing {
            self.editor_key(field, key, ctx, reply);
            return;
        }
        if self.view == LogsView::Tail {
            self.tail.touch(now);
            self.tail_key(key, reply);
            return;
        }
        let len = self.visible_rows().len();
        match key.code {
            KeyCode::F(n @ 1..=4) => {
                let b = BUILTINS[usize::from(n - 1)];
                self.editor = TextArea::from_text(b.query);
                self.run_query(Some(b.name), ctx, reply);
            }
            KeyCode::Char('e') => self.editing = Some(EditField::Query),
            KeyCode::Char('x') => self.run_query(None, ctx, reply),
            KeyCode::Char('c') => {
                if self.cancel(now) {
                    reply.status = Some(("cancelling the query".into(), Level::Ok));
                }
            }
            KeyCode::Char(c @ ('[' | ']')) => {
                let range = TimeRange::parse(&self.range_input).unwrap_or_default();
                self.range_input = range.step(c == ']').label();
            }
            KeyCode::Char('s') => {
                if let Some(t) = self.results.as_mut() {
                    t.cycle_sort();
                }
                self.reshow();
            }
            KeyCode::Char('S') => {
                if let Some(t) = self.results.as_mut() {
                    t.flip_sort();
                }
                self.reshow();
            }
            KeyCode::Enter if self.selected_row().is_some() => self.detail = Some(0),
            KeyCode::Char('y') => self.copy_row(reply),
            KeyCode::Char(c @ ('w' | 'W')) => match self.export(&ctx.env.name, now, c == 'W') {
                Ok(e) => reply.requests.push(e),
                Err(m) => reply.status = Some((m, Level::Warning)),
            },
            KeyCode::Char('h') => {
                self.picker = Some(Picker {
                    kind: PickerKind::History,
                    cursor: 0,
                })
            }
            KeyCode::Char('o') => {
                self.picker = Some(Picker {
                    kind: PickerKind::Saved,
                    cursor: 0,
                })
            }
            KeyCode::Char('n') => {
                let name = self
                    .run
                    .as_ref()
                    .and_then(|r| r.name.clone())
                    .map(|n| format!("opsdeck/{n}"))
                    .unwrap_or_default();
                self.save_name = Some(name);
            }
            KeyCode::Char('t') => {
                self.view = LogsView::Tail;
                if !self.tail.active {
                    let groups = self.groups(&ctx.env.log_groups);
                    self.tail.start(groups, now);
                }
            }
            _ => {
                reply.handled = self.list.on_key(key.code, ctrl(&key), len);
            }
        }
    }

    fn run_query(&mut self, name: Option<&str>, ctx: &PaneCtx, reply: &mut Reply<LogsSource>) {
        let groups = self.groups(&ctx.env.log_groups);
        match self.start(name, groups, ctx.now) {
            Ok(_) => {
                self.editing = None;
                if let Some(e) = self.history_write(&ctx.env.name) {
                    reply.requests.push(e);
                }
            }
            Err(m) => reply.status = Some((m, Level::Warning)),
        }
    }

    fn copy_row(&self, reply: &mut Reply<LogsSource>) {
        match (self.results.as_ref(), self.selected_row()) {
            (Some(t), Some(i)) => {
                if let Some(row) = t.rows.get(i) {
                    reply
                        .requests
                        .push(Request::Copy(row_text(&t.columns, row)));
                }
            }
            _ => reply.status = Some(("no row to copy".into(), Level::Warning)),
        }
    }

    fn editor_key(
        &mut self,
        field: EditField,
        key: KeyEvent,
        ctx: &PaneCtx,
        reply: &mut Reply<LogsSource>,
    ) {
        match key.code {
            KeyCode::Esc => self.editing = None,
            KeyCode::Char('r') if ctrl(&key) => self.run_query(None, ctx, reply),
            KeyCode::Tab | KeyCode::BackTab => {
                let order = [EditField::Query, EditField::Groups, EditField::Range];
                let i = order.iter().position(|f| *f == field).unwrap_or(0);
                let next = if key.code == KeyCode::Tab {
                    i + 1
                } else {
                    i + 2
                };
                self.editing = Some(order[next % 3]);
            }
            _ if field == EditField::Query => match key.code {
                KeyCode::Enter => self.editor.insert('\n'),
                KeyCode::Backspace => self.editor.backspace(),
                KeyCode::Delete => self.editor.delete(),
                KeyCode::Left => self.editor.move_by(0, -1),
                KeyCode::Right => self.editor.move_by(0, 1),
                KeyCode::Up => self.editor.move_by(-1, 0),
                KeyCode::Down => self.editor.move_by(1, 0),
                KeyCode::Home => self.editor.home_end(false),
                KeyCode::End => self.editor.home_end(true),
                KeyCode::Char(c) if !ctrl(&key) => self.editor.insert(c),
                _ => {}
            },
            _ => {
                if key.code == KeyCode::Enter {
                    self.run_query(None, ctx, reply);
                    return;
                }
                let input = if field == EditField::Groups {
                    &mut self.groups_input
                } else {
                    &mut self.range_input
                };
                match key.code {
                    KeyCode::Backspace => {
                        input.pop();
                    }
                    KeyCode::Char(c) if !ctrl(&key) => input.push(c),
                    _ => {}
                }
            }
        }
    }

    fn tail_key(&mut self, key: KeyEvent, reply: &mut Reply<LogsSource>) {
        let len = self.tail.visible_len();
        if key.code == KeyCode::Char('t') {
            self.view = LogsView::Query;
            // Live Tail is billed by the minute: not kept open behind the query view.
            if let Some(call) = self.tail.leave() {
                self.pending.push(LogsSource::Live(call));
            }
            return;
        }
        let tail = &mut self.tail;
        match key.code {
            KeyCode::Char(' ') => {
                tail.paused = !tail.paused;
                let msg = if tail.paused {
                    "tail paused"
                } else {
                    "tail resumed"
                };
                reply.status = Some((msg.into(), Level::Ok));
            }
            KeyCode::Char('G') | KeyCode::End => {
                tail.follow = true;
                tail.list.cursor = len.saturating_sub(1);
            }
            _ => {
                let used = tail.list.on_key(key.code, ctrl(&key), len);
                if used {
                    tail.follow = tail.list.cursor + 1 >= len;
                }
                reply.handled = used;
            }
        }
    }

    fn picker_key(
        &mut self,
        picker: Picker,
        key: KeyEvent,
        ctx: &PaneCtx,
        reply: &mut Reply<LogsSource>,
    ) {
        let len = match picker.kind {
            PickerKind::History => self.history.len(),
            PickerKind::Saved => self.definitions.data.as_ref().map_or(0, Vec::len),
        };
        let mut list = ListState {
            cursor: picker.cursor,
            filter: String::new(),
        };
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => self.picker = None,
            KeyCode::Enter => {
                self.picker = None;
                let chosen = match picker.kind {
                    PickerKind::History => self
                        .history
                        .get(picker.cursor)
                        .map(|h| (h.query.clone(), h.log_groups.clone(), Some(h.range.clone()))),
                    PickerKind::Saved => self
                        .definitions
                        .data
                        .as_ref()
                        .and_then(|d| d.get(picker.cursor))
                        .map(|d| (d.query.clone(), d.log_groups.clone(), None)),
                };
                if let Some((query, groups, range)) = chosen {
                    self.editor = TextArea::from_text(&query);
                    self.groups_input = if groups == ctx.env.log_groups {
                        String::new()
                    } else {
                        groups.join(", ")
                    };
                    if let Some(r) = range {
                        self.range_input = r;
                    }
                    self.run_query(None, ctx, reply);
                }
            }
            code => {
                list.on_key(code, ctrl(&key), len);
                self.picker = Some(Picker {
                    cursor: list.cursor,
                    ..picker
                });
            }
        }
    }

    fn save_name_key(&mut self, key: KeyEvent, ctx: &PaneCtx, reply: &mut Reply<LogsSource>) {
        let Some(name) = self.save_name.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => self.save_name = None,
            KeyCode::Backspace => {
                name.pop();
            }
            KeyCode::Char(c) if !ctrl(&key) => name.push(c),
            KeyCode::Enter => {
                let name = name.trim().to_string();
                self.save_name = None;
                if name.is_empty() {
                    reply.status = Some(("a saved query needs a name".into(), Level::Warning));
                } else if ctx.read_only {
                    reply.status = Some((
                        "read-only: saving a query (PutQueryDefinition) is a write".into(),
                        Level::Warning,
                    ));
                } else {
                    let existing = self
                        .definitions
                        .data
                        .as_ref()
                        .and_then(|d| d.iter().find(|d| d.name == name))
                        .and_then(|d| d.id.clone());
                    let groups = self.groups(&ctx.env.log_groups);
                    let definition = QueryDefinition {
                        id: existing,
                        name,
                        query: self.editor.text().trim().to_string(),
                        log_groups: groups,
                    };
                    if ctx.protected() {
                        // A write on a protected environment: the environment's name is typed.
                        reply.status = Some((
                            format!(
                                "saving {:?} on {} (PutQueryDefinition, audited): type {} and enter, esc cancels",
                                definition.name, ctx.env.name, ctx.env.name
                            ),
                            Level::Warning,
                        ));
                        self.save_confirm = Some((definition, String::new()));
                    } else {
                        reply.requests.push(Request::Write(Write::SaveQuery {
                            definition,
                            confirmed: false,
                        }));
                    }
                }
            }
            _ => {}
        }
    }

    fn save_confirm_key(&mut self, key: KeyEvent, ctx: &PaneCtx, reply: &mut Reply<LogsSource>) {
        let Some((definition, typed)) = self.save_confirm.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                self.save_confirm = None;
                reply.status = Some(("not saved: nothing was changed".into(), Level::Ok));
            }
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) if !ctrl(&key) => typed.push(c),
            KeyCode::Enter if typed.as_str() == ctx.env.name => {
                let definition = definition.clone();
                self.save_confirm = None;
                reply.requests.push(Request::Write(Write::SaveQuery {
                    definition,
                    confirmed: true,
                }));
            }
            KeyCode::Enter => {
                reply.status = Some((
                    format!("type {} exactly to confirm", ctx.env.name),
                    Level::Warning,
                ));
            }
            _ => {}
        }
    }
}

/// The Logs pane's keys, as the help popup lists them.
pub const HELP: BindingGroup = BindingGroup {
    title: "Logs pane",
    bindings: &[
        b(
            "F1 F2 F3 F4",
            "run recent-errors / errors-by-endpoint / slow-requests / status-volume",
        ),
        b(
            "e",
            "edit the query (tab: groups, range; ctrl-r runs; esc leaves)",
        ),
        b(
            "x  c",
            "run the edited query / cancel the running one (StopQuery)",
        ),
        b("[  ]", "time range shorter / longer"),
        b("s  S", "sort by the next column / reverse the sort"),
        b("enter", "row detail (JSON pretty-printed; esc closes)"),
        b("y", "copy the row (OSC 52)"),
        b("w  W", "export the results as CSV / JSON"),
        b("h  o", "history / saved queries (enter runs)"),
        b("n", "save the query (PutQueryDefinition; audited)"),
        b("t", "live tail on / off"),
        b("space", "tail: pause / resume"),
    ],
};

impl PaneState for LogsState {
    type Source = LogsSource;
    type Fetched = LogsFetched;

    fn requested(&self) -> &HashMap<LogsSource, Epoch> {
        &self.requested
    }

    fn requested_mut(&mut self) -> &mut HashMap<LogsSource, Epoch> {
        &mut self.requested
    }

    fn due(&self, ctx: &PaneCtx, schedule: &Schedule<LogsSource>) -> Vec<LogsSource> {
        self.due_sources(schedule, &ctx.env.name)
    }

    fn mark_loading(&mut self, source: &LogsSource) {
        self.mark_source_loading(source);
    }

    fn apply(&mut self, fetched: LogsFetched, ctx: &PaneCtx) -> Reply<LogsSource> {
        let status = self.store(fetched, ctx.now);
        Reply::handled().maybe_status(status)
    }

    fn on_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<LogsSource> {
        let mut reply = self.handle_key(key, ctx);
        // What the key queued (a query to start, a stop) leaves at once.
        let queued = self.poll(ctx, false);
        reply.fetch.extend(queued);
        reply
    }

    fn captures_keys(&self) -> bool {
        LogsState::captures_keys(self)
    }

    fn focused_list(&mut self) -> Option<&mut ListState> {
        Some(LogsState::focused_list(self))
    }

    fn filter_changed(&mut self) {
        self.reshow();
        self.tail.refilter();
    }

    fn data_age(&self, now: Epoch) -> Option<i64> {
        LogsState::data_age(self, now)
    }

    fn loading(&self) -> bool {
        self.definitions.loading
            || self.tail.in_flight
            || self.run.as_ref().is_some_and(|r| r.in_flight)
    }

    fn help(&self) -> BindingGroup {
        HELP
    }

    fn leave(&mut self, ctx: &PaneCtx) -> Vec<LogsSource> {
        self.leave_now(ctx.now)
    }
}
