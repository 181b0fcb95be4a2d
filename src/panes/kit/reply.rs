//! What a pane answers to a key or a result: whether it used the key, sources to fetch
//! now, a status line, and requests for the console (switch pane, open a runbook, a
//! write for the write actor, a clipboard copy or a file to write). Panes never perform
//! I/O; the loop performs requests and reports back as events.

use std::path::PathBuf;

use super::super::runbooks::request::RunbookRequest;
use super::super::security::triage::SecurityWrite;
use crate::cloud::QueryDefinition;
use crate::level::Level;
use crate::panes::Pane;

/// A write, performed by the write actor (plan → confirm happened in the pane; the actor
/// audits, calls and reports the outcome).
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Security Hub / GuardDuty triage.
    Triage(SecurityWrite),
    /// `PutQueryDefinition` (saving a Logs query).
    SaveQuery {
        definition: QueryDefinition,
        /// True when the operator confirmed it on a protected environment.
        confirmed: bool,
    },
    /// Plan, execute, roll back or cancel a runbook run.
    Runbook(Box<RunbookRequest>),
    /// ECS Exec's preflight for a task (reads only; refused read-only all the same).
    ExecCheck {
        task: String,
        container: Option<String>,
    },
    /// Open an ECS Exec session (after a passed preflight) and hand it the terminal.
    Exec {
        request: crate::cloud::ExecRequest,
        /// True when the operator typed the protected environment's name.
        confirmed: bool,
    },
    /// Forward a local port through a task.
    Forward(crate::exec::flow::ForwardAsk),
    /// Close open forward `id`.
    CloseForward(u32),
}

/// Something a pane asks the console to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Show another pane.
    GoTo(Pane),
    /// Open runbook `runbook`'s form with `fields` filled in, on the Runbooks pane.
    OpenRunbook {
        runbook: String,
        fields: Vec<(String, String)>,
        /// The status line once it is open.
        announce: String,
    },
    /// Hand a write to the write actor.
    Write(Write),
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Write `contents` to the first of `paths` that works. An `export` is a new private
    /// file (never over one: `-1`, `-2`… when the name is taken) and is announced;
    /// otherwise the file is replaced, silently.
    WriteFile {
        paths: Vec<PathBuf>,
        contents: String,
        export: bool,
    },
    /// Run a Logs Insights query (`name` in the history) on the Logs pane.
    QueryLogs {
        name: String,
        query: String,
        announce: String,
    },
    /// Refresh the current pane now.
    Refresh,
    /// Show `pane` with its focused list filtered by `filter` (the timeline's jump to
    /// the service or finding an event is about).
    Show { pane: Pane, filter: String },
    /// Switch the console to environment `name` (as `:env`) and show its dashboard.
    OpenEnvironment(String),
}

/// A pane's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<S> {
    /// False when the pane did not use the key (the console's keys then apply).
    pub handled: bool,
    pub fetch: Vec<S>,
    pub requests: Vec<Request>,
    pub status: Option<(String, Level)>,
}

impl<S> Default for Reply<S> {
    fn default() -> Self {
        Reply {
            handled: true,
            fetch: Vec::new(),
            requests: Vec::new(),
            status: None,
        }
    }
}

impl<S> Reply<S> {
    /// The key was used (or the result applied); nothing else to do.
    pub fn handled() -> Self {
        Reply::default()
    }

    /// The key was not the pane's.
    pub fn ignored() -> Self {
        Reply {
            handled: false,
            ..Reply::default()
        }
    }

    /// `handled()` or `ignored()`.
    pub fn used(used: bool) -> Self {
        if used {
            Reply::handled()
        } else {
            Reply::ignored()
        }
    }

    /// With a status line.
    pub fn status(mut self, text: impl Into<String>, level: Level) -> Self {
        self.status = Some((text.into(), level));
        self
    }

    /// With `status` when there is one.
    pub fn maybe_status(mut self, status: Option<(String, Level)>) -> Self {
        if status.is_some() {
            self.status = status;
        }
        self
    }

    /// With a source to fetch now.
    pub fn fetch(mut self, source: S) -> Self {
        self.fetch.push(source);
        self
    }

    /// With a request for the console.
    pub fn request(mut self, request: Request) -> Self {
        self.requests.push(request);
        self
    }

    /// The same reply for another source type (for panes that wrap sub-replies).
    pub fn map<T>(self, f: impl FnMut(S) -> T) -> Reply<T> {
        Reply {
            handled: self.handled,
            fetch: self.fetch.into_iter().map(f).collect(),
            requests: self.requests,
            status: self.status,
        }
    }
}
