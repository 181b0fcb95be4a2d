//! State of the ECS pane: fetched services, tasks, deployments and task definitions,
//! plus selection, focus and filters.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::sources::{EcsFetched, EcsSource};
use crate::cloud::{
    EcsService, EcsTask, Epoch, ServiceDeploymentRecord, ServiceEvent, TaskDefinition,
};
use crate::panes::kit::schedule::RETRY_SECONDS;
use crate::panes::kit::{
    BindingGroup, ListState, Loadable, PaneCtx, PaneState, Reply, Request, Schedule, b,
};

/// How often the ECS pane refreshes, in seconds.
pub const ECS_REFRESH_SECONDS: i64 = 15;
/// How often a service's deployment history refreshes, in seconds.
pub const HISTORY_REFRESH_SECONDS: i64 = 60;

/// Which section of the ECS pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EcsFocus {
    #[default]
    Services,
    Tasks,
    Events,
}

impl EcsFocus {
    /// The next section (tab).
    pub fn next(self) -> EcsFocus {
        match self {
            EcsFocus::Services => EcsFocus::Tasks,
            EcsFocus::Tasks => EcsFocus::Events,
            EcsFocus::Events => EcsFocus::Services,
        }
    }

    /// The previous section (shift-tab).
    pub fn prev(self) -> EcsFocus {
        match self {
            EcsFocus::Services => EcsFocus::Events,
            EcsFocus::Tasks => EcsFocus::Services,
            EcsFocus::Events => EcsFocus::Tasks,
        }
    }
}

/// Everything the ECS pane shows.
#[derive(Debug, Clone, Default)]
pub struct EcsState {
    pub services: Loadable<Vec<EcsService>>,
    pub tasks: Loadable<Vec<EcsTask>>,
    /// `ListServiceDeployments` per service name.
    pub deployments: HashMap<String, Loadable<Vec<ServiceDeploymentRecord>>>,
    /// `DescribeTaskDefinition` per ARN (immutable once fetched).
    pub task_definitions: HashMap<String, Loadable<TaskDefinition>>,
    pub focus: EcsFocus,
    pub service_list: ListState,
    pub task_list: ListState,
    pub event_list: ListState,
    /// Show every task of the cluster instead of the selected service's.
    pub all_tasks: bool,
    /// When each source was last requested.
    pub requested: HashMap<EcsSource, Epoch>,
    /// The task whose detail is open (its ARN), over the tasks and events.
    pub task_detail: Option<String>,
    /// Lines the task detail is scrolled down by.
    pub detail_scroll: u16,
    /// Exec and port forwarding: the popup and the open forwards.
    pub session: super::session::SessionState,
}

impl EcsState {
    /// Services passing the services filter, in API order.
    pub fn visible_services(&self) -> Vec<&EcsService> {
        let all = self.services.data.as_deref().unwrap_or_default();
        all.iter()
            .filter(|s| {
                self.service_list.matches(&[
                    &s.name,
                    &s.status,
                    &s.task_definition,
                    s.primary_deployment()
                        .and_then(|d| d.rollout_state.as_deref())
                        .unwrap_or(""),
                ])
            })
            .collect()
    }

    /// The service under the cursor.
    pub fn selected_service(&self) -> Option<&EcsService> {
        let visible = self.visible_services();
        visible
            .get(
                self.service_list
                    .cursor
                    .min(visible.len().saturating_sub(1)),
            )
            .copied()
    }

    /// Tasks of the selected service (or all tasks), passing the tasks filter.
    /// Running tasks first, then by start time, newest first.
    pub fn visible_tasks(&self) -> Vec<&EcsTask> {
        let selected = self.selected_service().map(|s| s.name.clone());
        let all = self.tasks.data.as_deref().unwrap_or_default();
        let mut tasks: Vec<&EcsTask> = all
            .iter()
            .filter(|t| {
                self.all_tasks
                    || selected
                        .as_deref()
                        .is_none_or(|name| t.service_name() == Some(name))
            })
            .filter(|t| {
                self.task_list.matches(&[
                    t.id(),
                    &t.last_status,
                    t.health.as_deref().unwrap_or(""),
                    t.task_definition(),
                    t.availability_zone.as_deref().unwrap_or(""),
                    t.private_ip.as_deref().unwrap_or(""),
                    t.eni_id.as_deref().unwrap_or(""),
                ])
            })
            .collect();
        tasks.sort_by_key(|t| (t.last_status != "RUNNING", std::cmp::Reverse(t.started_at)));
        tasks
    }

    /// Events of the selected service passing the events filter, newest first.
    pub fn visible_events(&self) -> Vec<&ServiceEvent> {
        self.selected_service()
            .map(|s| {
                s.events
                    .iter()
                    .filter(|e| self.event_list.matches(&[&e.message]))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The list that has the keyboard.
    pub fn focused_list(&mut self) -> &mut ListState {
        match self.focus {
            EcsFocus::Services => &mut self.service_list,
            EcsFocus::Tasks => &mut self.task_list,
            EcsFocus::Events => &mut self.event_list,
        }
    }

    /// Length of the list that has the keyboard.
    pub fn focused_len(&self) -> usize {
        match self.focus {
            EcsFocus::Services => self.visible_services().len(),
            EcsFocus::Tasks => self.visible_tasks().len(),
            EcsFocus::Events => self.visible_events().len(),
        }
    }
}

impl EcsState {
    /// Handle a pane key; false when it is not the pane's.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.focused_len();
        let before = self.selected_service().map(|s| s.name.clone());
        let mut used = true;
        match key.code {
            KeyCode::Tab => self.focus = self.focus.next(),
            KeyCode::BackTab => self.focus = self.focus.prev(),
            KeyCode::Enter if self.focus == EcsFocus::Services => {
                self.focus = EcsFocus::Tasks;
                self.task_list.cursor = 0;
            }
            KeyCode::Enter if self.focus == EcsFocus::Tasks => {
                self.task_detail = self.selected_task().map(|t| t.arn.clone());
                self.detail_scroll = 0;
            }
            KeyCode::Char('a') => {
                self.all_tasks = !self.all_tasks;
                self.task_list.cursor = 0;
            }
            _ => used = self.focused_list().on_key(key.code, ctrl, len),
        }
        let after = self.selected_service().map(|s| s.name.clone());
        if before != after {
            self.task_list.cursor = 0;
            self.event_list.cursor = 0;
        }
        used
    }

    /// The task under the cursor in the tasks list.
    pub fn selected_task(&self) -> Option<&EcsTask> {
        self.visible_tasks().get(self.task_list.cursor).copied()
    }

    /// The task whose detail is open, while it is still listed.
    pub fn detail_task(&self) -> Option<&EcsTask> {
        let arn = self.task_detail.as_deref()?;
        self.tasks.data.as_ref()?.iter().find(|t| t.arn == arn)
    }

    /// A key while a task's detail is open: `esc` closes it, `l` queries its log stream.
    fn detail_key(&mut self, key: KeyEvent) -> Option<Reply<EcsSource>> {
        self.task_detail.as_ref()?;
        match key.code {
            KeyCode::Esc => {
                self.task_detail = None;
                Some(Reply::handled())
            }
            KeyCode::Char('l') => {
                let task = self.detail_task()?;
                Some(Reply::handled().request(task_logs_request(task)))
            }
            KeyCode::Char('j') | KeyCode::Down => {
                self.detail_scroll = self.detail_scroll.saturating_add(1);
                Some(Reply::handled())
            }
            KeyCode::Char('k') | KeyCode::Up => {
                self.detail_scroll = self.detail_scroll.saturating_sub(1);
                Some(Reply::handled())
            }
            KeyCode::PageDown => {
                self.detail_scroll = self.detail_scroll.saturating_add(10);
                Some(Reply::handled())
            }
            KeyCode::PageUp => {
                self.detail_scroll = self.detail_scroll.saturating_sub(10);
                Some(Reply::handled())
            }
            _ => None,
        }
    }

    /// `R` rollback, `S` scale, `X` restart on the selected service: that runbook's form,
    /// filled in for the service (nothing changes before its plan is confirmed).
    pub fn runbook_key(&self, key: KeyEvent) -> Option<Request> {
        let runbook = match key.code {
            KeyCode::Char('R') => "rollback",
            KeyCode::Char('S') => "scale",
            KeyCode::Char('X') => "restart",
            _ => return None,
        };
        let service = self.selected_service()?;
        let mut fields = vec![("service".to_string(), service.name.clone())];
        if runbook == "scale" {
            fields.push(("count".to_string(), service.desired.to_string()));
        }
        Some(Request::OpenRunbook {
            runbook: runbook.to_string(),
            fields,
            announce: format!(
                "{runbook} {}: parameters filled in; enter plans (nothing changes yet)",
                service.name
            ),
        })
    }

    /// Store a fetch result that belongs to this pane.
    pub fn store(&mut self, fetched: EcsFetched, now: Epoch) {
        match fetched {
            EcsFetched::Services(r) => {
                self.services.set(r, now);
                let n = self.visible_services().len();
                self.service_list.clamp(n);
            }
            EcsFetched::Tasks(r) => {
                self.tasks.set(r, now);
                let n = self.visible_tasks().len();
                self.task_list.clamp(n);
            }
            EcsFetched::Deployments(service, r) => {
                self.deployments.entry(service).or_default().set(r, now);
            }
            EcsFetched::TaskDefinition(arn, r) => {
                self.task_definitions.entry(arn).or_default().set(r, now);
            }
        }
    }
}

/// The Logs Insights query for one task's log stream (awslogs names the stream
/// `prefix/container/task-id`, so the task id finds it).
pub fn task_logs_request(task: &EcsTask) -> Request {
    let id = task.id();
    Request::QueryLogs {
        name: format!("task {}", &id[..id.len().min(12)]),
        query: format!(
            "fields @timestamp, @logStream, @message\n| filter @logStream like \"{id}\"\n| sort @timestamp desc\n| limit 200"
        ),
        announce: format!("Logs of task {id} (its log stream)"),
    }
}

/// The ECS pane's keys, as the help popup lists them.
pub const HELP: BindingGroup = BindingGroup {
    title: "ECS pane",
    bindings: &[
        b("enter", "on a service: show its tasks"),
        b("a", "tasks: this service's / whole cluster"),
        b(
            "enter",
            "on a task: its detail (containers, exit codes, stopped reason, digest)",
        ),
        b("l", "in a task's detail: its log stream in the Logs pane"),
        b("j k pgdn pgup", "in a task's detail: scroll"),
        b(
            "R  S  X",
            "on a service: rollback / scale / restart (form filled in, plan first)",
        ),
        b(
            "x",
            "on a task: exec into it (command, container; preflight with fixes first)",
        ),
        b(
            "p",
            "on a task: forward a local port through it (db, cache or HOST:PORT)",
        ),
        b("P", "close the newest port forward"),
    ],
};

impl PaneState for EcsState {
    type Source = EcsSource;
    type Fetched = EcsFetched;

    fn requested(&self) -> &HashMap<EcsSource, Epoch> {
        &self.requested
    }

    fn requested_mut(&mut self) -> &mut HashMap<EcsSource, Epoch> {
        &mut self.requested
    }

    fn mark_loading(&mut self, source: &EcsSource) {
        match source {
            EcsSource::Services => self.services.loading = true,
            EcsSource::Tasks => self.tasks.loading = true,
            EcsSource::Deployments(s) => {
                self.deployments.entry(s.clone()).or_default().loading = true;
            }
            EcsSource::TaskDefinition(a) => {
                self.task_definitions.entry(a.clone()).or_default().loading = true;
            }
        }
    }

    fn due(&self, _ctx: &PaneCtx, schedule: &Schedule<EcsSource>) -> Vec<EcsSource> {
        let mut due = Vec::new();
        for (source, error) in [
            (EcsSource::Services, self.services.error.as_ref()),
            (EcsSource::Tasks, self.tasks.error.as_ref()),
        ] {
            if schedule.is_due(&source, error, ECS_REFRESH_SECONDS) {
                due.push(source);
            }
        }
        let Some(service) = self.selected_service() else {
            return due;
        };
        let history = self.deployments.get(&service.name);
        let source = EcsSource::Deployments(service.name.clone());
        // An endpoint without ListServiceDeployments is asked again after ten minutes
        // (the schedule's wait for Unsupported), never on every refresh.
        if schedule.is_due(
            &source,
            history.and_then(|h| h.error.as_ref()),
            HISTORY_REFRESH_SECONDS,
        ) {
            due.push(source);
        }
        for d in &service.deployments {
            let known = self.task_definitions.get(&d.task_definition);
            let fetched = known.is_some_and(|k| k.data.is_some());
            let source = EcsSource::TaskDefinition(d.task_definition.clone());
            // Task definitions never change: fetch each once, retrying failures.
            if !d.task_definition.is_empty()
                && !fetched
                && schedule.is_due_ignoring_force(
                    &source,
                    known.and_then(|k| k.error.as_ref()),
                    RETRY_SECONDS,
                )
            {
                due.push(source);
            }
        }
        due
    }

    fn apply(&mut self, fetched: EcsFetched, ctx: &PaneCtx) -> Reply<EcsSource> {
        self.store(fetched, ctx.now);
        Reply::handled()
    }

    fn captures_keys(&self) -> bool {
        self.session.captures()
    }

    fn on_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<EcsSource> {
        if self.session.captures() {
            return self.session.prompt_key(key, ctx);
        }
        let task = if self.task_detail.is_some() {
            self.detail_task().cloned()
        } else if self.focus == EcsFocus::Tasks {
            self.selected_task().cloned()
        } else {
            None
        };
        if let Some(reply) = self.session.key(key, task.as_ref(), ctx) {
            return reply;
        }
        if let Some(reply) = self.detail_key(key) {
            return reply;
        }
        if let Some(request) = self.runbook_key(key) {
            return Reply::handled().request(request);
        }
        Reply::used(self.handle_key(key))
    }

    fn focused_list(&mut self) -> Option<&mut ListState> {
        Some(EcsState::focused_list(self))
    }

    fn data_age(&self, now: Epoch) -> Option<i64> {
        self.services.age(now).max(self.tasks.age(now))
    }

    fn loading(&self) -> bool {
        self.services.loading
            || self.tasks.loading
            || self.deployments.values().any(|d| d.loading)
            || self.task_definitions.values().any(|d| d.loading)
    }

    fn help(&self) -> BindingGroup {
        HELP
    }
}
