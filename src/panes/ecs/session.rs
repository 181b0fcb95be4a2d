//! The ECS pane's way into a container: `x` asks for the command (and the container when
//! the task has several), shows the exec preflight with each failure's fix, takes the
//! typed confirmation on a protected environment and opens the session; `p` asks where
//! to forward a local port to; `P` closes the newest forward. Keeps the open forwards.

use crossterm::event::{KeyCode, KeyEvent};

use super::sources::EcsSource;
use crate::cloud::EcsTask;
use crate::exec::flow::{ForwardAsk, exec_request};
use crate::exec::forwards::ForwardInfo;
use crate::exec::preflight::Preflight;
use crate::exec::target::ForwardTo;
use crate::level::Level;
use crate::panes::kit::{PaneCtx, Reply, Request, Write};

pub use crate::exec::flow::DEFAULT_COMMAND;

/// Exec or forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Exec,
    Forward,
}

/// Where the prompt is.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Typing the command (exec) or the destination (forward).
    Input,
    /// The preflight is running.
    Checking,
    /// The preflight's verdicts.
    Checked(Box<Preflight>),
    /// The session is being opened.
    Starting,
}

/// The text field that has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Input,
    LocalPort,
    Confirm,
}

/// The exec or forward popup.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionPrompt {
    pub kind: PromptKind,
    pub task_arn: String,
    pub containers: Vec<String>,
    pub container: usize,
    /// The command (exec) or `db` / `cache` / `HOST:PORT` (forward).
    pub input: String,
    /// The local port (forward; empty: the remote port + 10000).
    pub local_port: String,
    /// The environment's name, typed on a protected environment.
    pub confirm: String,
    pub field: Field,
    pub stage: Stage,
    /// What is wrong with the input.
    pub error: Option<String>,
}

impl SessionPrompt {
    fn new(kind: PromptKind, task: &EcsTask, input: &str) -> SessionPrompt {
        SessionPrompt {
            kind,
            task_arn: task.arn.clone(),
            containers: task.containers.iter().map(|c| c.name.clone()).collect(),
            container: 0,
            input: input.to_string(),
            local_port: String::new(),
            confirm: String::new(),
            field: Field::Input,
            stage: Stage::Input,
            error: None,
        }
    }

    /// The short task id.
    pub fn task_id(&self) -> &str {
        crate::cloud::last_segment(&self.task_arn)
    }

    /// The chosen container's name (None when the task lists none).
    pub fn container_name(&self) -> Option<&str> {
        self.containers.get(self.container).map(String::as_str)
    }

    fn field_mut(&mut self) -> Option<&mut String> {
        match (&self.stage, self.field) {
            (Stage::Input, Field::Input) => Some(&mut self.input),
            (Stage::Input, Field::LocalPort) => Some(&mut self.local_port),
            (Stage::Input | Stage::Checked(_), Field::Confirm) => Some(&mut self.confirm),
            _ => None,
        }
    }

    /// The fields tab cycles through at the input stage.
    fn fields(&self, protected: bool) -> Vec<Field> {
        let mut f = vec![Field::Input];
        if self.kind == PromptKind::Forward {
            f.push(Field::LocalPort);
            if protected {
                f.push(Field::Confirm);
            }
        }
        f
    }
}

/// The ECS pane's sessions: the popup and the open forwards.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionState {
    pub prompt: Option<SessionPrompt>,
    pub forwards: Vec<ForwardInfo>,
    /// Forwards that closed before their opening was reported (a plugin that exits at once).
    closed_early: Vec<u32>,
}

/// `read-only` refusal of the session keys.
const READ_ONLY: &str =
    "read-only: exec and port forwarding are operator actions (start opsdeck without --read-only)";

impl SessionState {
    /// True while the popup takes every key.
    pub fn captures(&self) -> bool {
        self.prompt.is_some()
    }

    /// `x`, `p` or `P` on `task` (the task under the cursor or in the open detail).
    pub fn key(
        &mut self,
        key: KeyEvent,
        task: Option<&EcsTask>,
        ctx: &PaneCtx,
    ) -> Option<Reply<EcsSource>> {
        let kind = match key.code {
            KeyCode::Char('x') => PromptKind::Exec,
            KeyCode::Char('p') => PromptKind::Forward,
            KeyCode::Char('P') => return Some(self.close_newest()),
            _ => return None,
        };
        let task = task?;
        if ctx.read_only {
            return Some(Reply::handled().status(READ_ONLY, Level::Warning));
        }
        if task.last_status != "RUNNING" {
            return Some(Reply::handled().status(
                format!(
                    "task {} is {}: exec and forwards need a RUNNING task",
                    task.id(),
                    task.last_status
                ),
                Level::Warning,
            ));
        }
        let input = match kind {
            PromptKind::Exec => DEFAULT_COMMAND,
            PromptKind::Forward => "db",
        };
        self.prompt = Some(SessionPrompt::new(kind, task, input));
        Some(Reply::handled())
    }

    fn close_newest(&mut self) -> Reply<EcsSource> {
        match self.forwards.last() {
            Some(f) => Reply::handled()
                .request(Request::Write(Write::CloseForward(f.id)))
                .status(format!("closing {}", f.line()), Level::Ok),
            None => Reply::handled().status("no open forward", Level::Unknown),
        }
    }

    /// A key while the popup is open.
    pub fn prompt_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<EcsSource> {
        let Some(p) = self.prompt.as_mut() else {
            return Reply::ignored();
        };
        match key.code {
            KeyCode::Esc => {
                self.prompt = None;
                return Reply::handled();
            }
            KeyCode::Tab if p.stage == Stage::Input => {
                let fields = p.fields(ctx.protected());
                let at = fields.iter().position(|f| *f == p.field).unwrap_or(0);
                if p.kind == PromptKind::Exec && p.containers.len() > 1 {
                    p.container = (p.container + 1) % p.containers.len();
                } else {
                    p.field = fields[(at + 1) % fields.len()];
                }
                return Reply::handled();
            }
            KeyCode::Backspace => {
                if let Some(f) = p.field_mut() {
                    f.pop();
                }
                return Reply::handled();
            }
            KeyCode::Char(c) => {
                if let Some(f) = p.field_mut() {
                    f.push(c);
                }
                return Reply::handled();
            }
            KeyCode::Enter => {}
            _ => return Reply::handled(),
        }
        self.enter(ctx)
    }

    fn enter(&mut self, ctx: &PaneCtx) -> Reply<EcsSource> {
        let Some(p) = self.prompt.as_mut() else {
            return Reply::handled();
        };
        let confirmed = ctx.protected();
        let stage = p.stage.clone();
        match (&stage, p.kind) {
            (Stage::Input, PromptKind::Exec) => {
                if let Some(why) = crate::exec::command_guard::refusal(&p.input) {
                    p.error = Some(why);
                    return Reply::handled();
                }
                if p.input.trim().is_empty() {
                    p.input = DEFAULT_COMMAND.to_string();
                }
                p.error = None;
                p.stage = Stage::Checking;
                Reply::handled().request(Request::Write(Write::ExecCheck {
                    task: p.task_arn.clone(),
                    container: p.container_name().map(str::to_owned),
                }))
            }
            (Stage::Checked(pre), PromptKind::Exec) => {
                if pre.blocked() {
                    self.prompt = None;
                    return Reply::handled();
                }
                if confirmed && p.confirm != ctx.env.name {
                    p.field = Field::Confirm;
                    p.error = Some(format!("type {} to confirm", ctx.env.name));
                    return Reply::handled();
                }
                match exec_request(ctx.env, pre, p.input.trim()) {
                    Ok(request) => {
                        p.stage = Stage::Starting;
                        Reply::handled().request(Request::Write(Write::Exec { request, confirmed }))
                    }
                    Err(e) => {
                        p.error = Some(e);
                        Reply::handled()
                    }
                }
            }
            (Stage::Input, PromptKind::Forward) => {
                let to = match ForwardTo::parse(&p.input) {
                    Ok(t) => t,
                    Err(e) => {
                        p.error = Some(e);
                        return Reply::handled();
                    }
                };
                let local_port = match p.local_port.trim() {
                    "" => None,
                    text => match text.parse::<u16>() {
                        Ok(n) if n > 0 => Some(n),
                        _ => {
                            p.error = Some(format!("{text:?} is not a local port"));
                            return Reply::handled();
                        }
                    },
                };
                if confirmed && p.confirm != ctx.env.name {
                    p.field = Field::Confirm;
                    p.error = Some(format!("type {} to confirm", ctx.env.name));
                    return Reply::handled();
                }
                p.error = None;
                p.stage = Stage::Starting;
                Reply::handled().request(Request::Write(Write::Forward(ForwardAsk {
                    task: p.task_arn.clone(),
                    container: p.container_name().map(str::to_owned),
                    to,
                    local_port,
                    confirmed,
                })))
            }
            _ => Reply::handled(),
        }
    }

    /// The preflight came back: show it (when its popup is still open).
    pub fn checked(&mut self, pre: Preflight) -> (String, Level) {
        let status = if pre.blocked() {
            (
                format!("exec into {}: preflight failed (fixes listed)", pre.task_id),
                Level::Warning,
            )
        } else {
            (
                format!("exec into {}: preflight passed", pre.task_id),
                Level::Ok,
            )
        };
        if let Some(p) = self.prompt.as_mut()
            && p.stage == Stage::Checking
            && p.task_id() == pre.task_id
        {
            p.field = Field::Confirm;
            p.stage = Stage::Checked(Box::new(pre));
        }
        status
    }

    /// The exec session opened or failed: the popup's work is done.
    pub fn started(&mut self) {
        if self
            .prompt
            .as_ref()
            .is_some_and(|p| p.kind == PromptKind::Exec)
        {
            self.prompt = None;
        }
    }

    /// A forward opened (or why not).
    pub fn forwarded(&mut self, result: Result<ForwardInfo, String>) -> (String, Level) {
        if self
            .prompt
            .as_ref()
            .is_some_and(|p| p.kind == PromptKind::Forward && p.stage == Stage::Starting)
        {
            self.prompt = None;
        }
        match result {
            Ok(info) => {
                let text = format!("forwarding {} through task {}", info.line(), info.task_id);
                if let Some(i) = self.closed_early.iter().position(|id| *id == info.id) {
                    self.closed_early.remove(i);
                    return (
                        format!("{text}: closed at once (see the audit log)"),
                        Level::Warning,
                    );
                }
                self.forwards.push(info);
                (text, Level::Ok)
            }
            Err(e) => (format!("forward: {e}"), Level::Warning),
        }
    }

    /// A forward closed.
    pub fn forward_closed(&mut self, info: &ForwardInfo, how: &str) -> (String, Level) {
        let before = self.forwards.len();
        self.forwards.retain(|f| f.id != info.id);
        if self.forwards.len() == before {
            self.closed_early.push(info.id);
        }
        (format!("forward {} closed: {how}", info.line()), Level::Ok)
    }
}
