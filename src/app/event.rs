//! What happens to the console (`Event`, fed to the reducer) and what the reducer asks
//! the loop to do (`Effect`). Effects that perform I/O report back as events; only the
//! reducer changes state.

use std::path::PathBuf;

use crossterm::event::KeyEvent;

use super::dispatch::{Fetched, Source};
use crate::cloud::{CloudResult, Elevation, Epoch, QueryDefinition, WriteReceipt};
use crate::exec::flow::ExecReady;
use crate::exec::forwards::ForwardInfo;
use crate::level::Level;
use crate::panes::kit::Write;
use crate::panes::runbooks::request::RunbookMsg;

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    /// A second of wall time passed; `now` is the console's clock.
    Tick(Epoch),
    /// A fetch finished.
    Fetched(Fetched),
    /// The terminal changed size (only a redraw is needed).
    Resize,
    /// Progress or a result of a runbook run.
    Runbook(RunbookMsg),
    /// A write other than a runbook run finished (from the write actor).
    Written(WriteDone),
    /// A side effect of the loop (clipboard, a file) finished: what to tell the operator.
    Performed(String, Level),
    /// New credentials may be in place (after `aws sso login`): drop the data and fetch
    /// everything again with fresh clients; what to tell the operator.
    Reconnect(String, Level),
    /// A role profile's credential provider asks for an MFA code.
    MfaAsked {
        profile: String,
        serial: String,
    },
}

/// The outcome of a write the actor performed.
#[derive(Debug, Clone)]
pub enum WriteDone {
    Triage(CloudResult<WriteReceipt>),
    SavedQuery(QueryDefinition, CloudResult<String>),
    /// ECS Exec's preflight finished.
    ExecChecked(Box<crate::exec::preflight::Preflight>),
    /// An exec session is open (or why not): the loop hands it the terminal.
    ExecReady(Result<Box<ExecReady>, String>),
    /// A port forward opened (or why not).
    Forwarded(Result<ForwardInfo, String>),
    /// A port forward closed, and how.
    ForwardClosed(ForwardInfo, String),
}

/// Something the event loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Fetch(Source),
    /// Open incident `Some(id)` on the environment, or close its open one (`None`).
    Incident(Option<String>),
    /// The state already points at the new environment; rebuild the cloud for it.
    SwitchEnv(String),
    /// Hand the terminal to `aws sso login [--profile P]`, then reconnect.
    SsoLogin(Option<String>),
    SetTheme(String),
    /// Hand a write to the write actor.
    Write(Write),
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Write `contents` to the first of `paths` that works.
    WriteFile {
        paths: Vec<PathBuf>,
        contents: String,
        export: bool,
    },
    /// A break-glass session opened on `env`: act with it from now on.
    Elevate {
        env: String,
        elevation: Box<Elevation>,
    },
    /// The break-glass session ended (expiry or `:drop-break-glass`): drop it.
    DropElevation,
    /// Hand the terminal to the `session-manager-plugin` of an open exec session, then
    /// take it back exactly as it was and write the session's end to the audit log.
    RunPlugin(Box<ExecReady>),
    /// Answer the MFA prompt (`None`: cancelled).
    MfaAnswer(Option<MfaCode>),
    /// Something for the drill being played.
    Drill(DrillControl),
    Quit,
}

/// What the operator asks of a drill (only while one plays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrillControl {
    /// Reveal the next hint.
    Hint,
    /// Pause, or resume, the simulated account's clock.
    Pause,
}

/// A code on its way to the credential provider; its `Debug` never prints the digits.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaCode(pub String);

impl std::fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaCode(******)")
    }
}
