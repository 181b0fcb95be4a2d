//! The event loop: input, ticks, fetch results and write outcomes in; coalesced redraws
//! out. The UI never awaits I/O: fetches run as tokio tasks (the fetcher), writes in the
//! write actor, and both report over channels. State changes set a dirty flag; frames
//! are drawn at most once per frame interval by the `draw` callback.

use std::collections::VecDeque;
use std::io;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, interval, sleep_until};

use super::actor::WriteActor;
use super::break_glass::ElevatingConnector;
use super::connect::Connector;
use super::event::{Effect, Event};
use super::fetch::Fetcher;
use super::state::AppState;
use super::update::{due_fetches, update};
use crate::audit::AuditLog;
use crate::cloud::mfa::MfaRequest;
use crate::drill::session::Session;
use crate::exec::flow::ExecReady;
use crate::level::Level;

/// Shortest time between two frames (~60 fps cap).
pub const FRAME_INTERVAL: Duration = Duration::from_millis(16);
/// How often the clock ticks (ages, schedules).
pub const TICK_INTERVAL: Duration = Duration::from_secs(1);

/// What the loop needs from the terminal side: drawing a frame, switching the theme,
/// copying to the clipboard. The `ui` layer implements it; the loop never names `ui`.
pub trait Frontend {
    /// Draw one frame of `state`.
    fn draw(&mut self, state: &AppState) -> io::Result<()>;
    /// Load theme `name`; an error message when it cannot be loaded.
    fn set_theme(&mut self, name: &str, no_color: bool) -> Result<(), String>;
    /// Put `text` on the clipboard (OSC 52).
    fn copy(&mut self, text: &str) -> io::Result<()>;
    /// Leave the screen to `command` (cooked mode, normal screen), wait for it, take the
    /// screen back and redraw everything.
    fn run_outside(
        &mut self,
        command: &mut std::process::Command,
    ) -> io::Result<std::process::ExitStatus>;
}

/// Run the console until the user quits (or `stop` resolves: a signal).
pub async fn run(
    screen: &mut dyn Frontend,
    mut state: AppState,
    connector: Box<dyn Connector>,
    stop: impl std::future::Future<Output = ()>,
    mut drill: Option<Session>,
) -> io::Result<()> {
    let connector = ElevatingConnector::new(connector);
    // Before the first cloud is made: its credential provider asks the console.
    let mut mfa_inbox = connector.ask_mfa_in_console();
    let mut mfa_waiting: VecDeque<MfaRequest> = VecDeque::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let fleet = crate::panes::fleet::readers::FleetReaders::new(
        connector.fleet_readers(),
        state.config.fleet_concurrency,
    );
    let mut fetcher = Fetcher::new(connector.connect(&state.env), state.env.clone(), tx)
        .with_fleet(fleet, state.config.clone());
    let (actor_tx, mut actor_rx) = mpsc::unbounded_channel();
    let mut actor = WriteActor::new(
        actor_tx,
        AuditLog::for_mode(state.demo).with_clock(connector.audit_clock()),
    );
    let mut input = EventStream::new();
    let mut ticker = interval(TICK_INTERVAL);
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    tokio::pin!(stop);

    state.now = connector.now();
    state.logs.data_dir = crate::panes::logs::history::data_dir(state.demo);
    state.timeline.audit_path = Some(actor.audit().path().to_path_buf());
    let initial = due_fetches(&mut state, false);
    let mut outside: Vec<ExecReady> = Vec::new();
    follow_drill(&mut state, drill.as_mut(), false);
    let mut io = Io {
        fetcher: &mut fetcher,
        actor: &mut actor,
        connector: &connector,
        mfa_waiting: &mut mfa_waiting,
        outside: &mut outside,
        drill: drill.as_mut(),
    };
    io.apply(&mut state, screen, initial);

    loop {
        let now = Instant::now();
        let next_frame = last_draw.map_or(now, |t| t + FRAME_INTERVAL);
        if dirty && now >= next_frame {
            screen.draw(&state)?;
            dirty = false;
            last_draw = Some(now);
        }
        let redraw_at = dirty.then_some(next_frame);
        let event = tokio::select! {
            () = &mut stop => break,
            maybe = input.next() => match maybe {
                Some(Ok(TermEvent::Key(key))) => Event::Key(key),
                Some(Ok(TermEvent::Resize(_, _))) => Event::Resize,
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(done) = rx.recv() => {
                if !fetcher.finished(&done) {
                    continue;
                }
                Event::Fetched(done.fetched)
            }
            Some(event) = actor_rx.recv() => event,
            Some(request) = next_mfa_request(&mut mfa_inbox) => {
                let asked = asked_for(&request);
                mfa_waiting.push_back(request);
                if mfa_waiting.len() > 1 {
                    continue;
                }
                asked
            }
            _ = ticker.tick() => Event::Tick(connector.now()),
            _ = sleep_until(redraw_at.unwrap_or(now)), if redraw_at.is_some() => continue,
        };
        // Every event sees the clock as it is now, not as of the last tick: a key typed
        // after the loop was held up (a blocked terminal, a suspended laptop) must not
        // build a query range or an age from a stale instant.
        state.now = connector.now();
        let tick = matches!(event, Event::Tick(_));
        let effects = update(&mut state, event);
        dirty = true;
        let mut io = Io {
            fetcher: &mut fetcher,
            actor: &mut actor,
            connector: &connector,
            mfa_waiting: &mut mfa_waiting,
            outside: &mut outside,
            drill: drill.as_mut(),
        };
        io.apply(&mut state, screen, effects);
        // Exec sessions take the terminal: the input stream is dropped first (its
        // reader thread would otherwise eat the keys meant for the shell) and made anew
        // once the console has the screen back.
        while let Some(ready) = outside.pop() {
            drop(input);
            // The session can last an hour: let the runtime move its other work (forward
            // watchers, fetches) off this worker while it waits.
            let audit = actor.audit();
            let multi = tokio::runtime::Handle::try_current()
                .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
            let event = if multi {
                tokio::task::block_in_place(|| run_plugin(screen, &ready, &audit))
            } else {
                run_plugin(screen, &ready, &audit)
            };
            input = EventStream::new();
            let effects = update(&mut state, event);
            dirty = true;
            let mut io = Io {
                fetcher: &mut fetcher,
                actor: &mut actor,
                connector: &connector,
                mfa_waiting: &mut mfa_waiting,
                outside: &mut outside,
                drill: drill.as_mut(),
            };
            io.apply(&mut state, screen, effects);
        }
        follow_drill(&mut state, drill.as_mut(), tick);
        if state.quit {
            break;
        }
    }
    if let Some(session) = drill.as_mut() {
        session.finish();
    }
    actor.shutdown().await;
    tracing::info!(env = %state.env.name, "console stopped");
    Ok(())
}

/// Hand the terminal to an exec session's plugin, take it back, and write the session's
/// end: what to tell the operator.
fn run_plugin(screen: &mut dyn Frontend, ready: &ExecReady, audit: &AuditLog) -> Event {
    tracing::info!(plugin = %ready.plugin.shown(), "handing the terminal to an exec session");
    let status = screen.run_outside(&mut ready.plugin.command());
    let outcome = crate::exec::flow::exec_outcome(&status);
    ready.record.ended(audit, outcome.clone());
    match outcome {
        Ok(text) => Event::Performed(format!("exec {}: {text}", ready.what), Level::Ok),
        Err(e) => Event::Performed(format!("exec {}: {e}", ready.what), Level::Warning),
    }
}

/// The loop's I/O, borrowed for one batch of effects.
struct Io<'a> {
    fetcher: &'a mut Fetcher,
    actor: &'a mut WriteActor,
    connector: &'a ElevatingConnector,
    /// MFA requests not answered yet (the first is on screen).
    mfa_waiting: &'a mut VecDeque<MfaRequest>,
    /// Exec sessions waiting to be handed the terminal (after this batch of effects).
    outside: &'a mut Vec<ExecReady>,
    /// The drill being played, if any.
    drill: Option<&'a mut Session>,
}

/// Journals the pane the operator looks at, ends the drill when its time is up (on a
/// tick), and copies its banner into the state.
fn follow_drill(state: &mut AppState, drill: Option<&mut Session>, tick: bool) {
    let Some(session) = drill else {
        return;
    };
    session.pane(state.pane.name());
    if tick && session.tick() {
        state.set_status(
            format!(
                "drill over: `opsdeck drill report {}` writes the debrief",
                session.run()
            ),
            Level::Warning,
        );
    }
    state.drill = Some(session.banner());
}

/// The event that puts `request` on screen.
fn asked_for(request: &MfaRequest) -> Event {
    Event::MfaAsked {
        profile: request.profile.clone(),
        serial: request.serial.clone(),
    }
}

/// The next MFA request, or never when this cloud does not ask in the console.
async fn next_mfa_request(
    inbox: &mut Option<mpsc::UnboundedReceiver<MfaRequest>>,
) -> Option<MfaRequest> {
    match inbox {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

impl Io<'_> {
    /// Perform the reducer's effects; what they report goes back through the reducer.
    fn apply(&mut self, state: &mut AppState, screen: &mut dyn Frontend, effects: Vec<Effect>) {
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next = Vec::new();
            for effect in queue {
                if let Some(event) = self.perform(state, screen, effect) {
                    next.extend(update(state, event));
                }
            }
            queue = next;
        }
    }

    fn perform(
        &mut self,
        state: &mut AppState,
        screen: &mut dyn Frontend,
        effect: Effect,
    ) -> Option<Event> {
        match effect {
            Effect::Fetch(source) => self.fetcher.request(source, state.now),
            Effect::SwitchEnv(_) => {
                tracing::info!(env = %state.env.name, "switching environment");
                self.fetcher
                    .switch(self.connector.connect(&state.env), state.env.clone());
            }
            Effect::SetTheme(name) => {
                return Some(match screen.set_theme(&name, state.no_color) {
                    Ok(()) => {
                        state.theme_name = name.clone();
                        Event::Performed(format!("theme {name}"), Level::Ok)
                    }
                    Err(e) => Event::Performed(e, Level::Warning),
                });
            }
            Effect::Write(write) => self.actor.perform(write, &state.env, self.connector),
            Effect::Incident(open) => {
                let audit = self.actor.audit();
                let log = crate::incidents::IncidentLog::beside(audit.path());
                let now = audit.now_epoch();
                let who = state
                    .identity
                    .data
                    .as_ref()
                    .map(|i| i.short_name().to_string());
                let env = state.env.name.clone();
                return Some(match open {
                    Some(id) => match log.start(&id, &env, now, who, ":incident start") {
                        Ok(true) => Event::Performed(
                            format!(
                                "incident {id} open on {env}: `opsdeck postmortem {id}` writes its report"
                            ),
                            Level::Ok,
                        ),
                        Ok(false) => {
                            Event::Performed(format!("incident {id} is already open"), Level::Ok)
                        }
                        Err(e) => Event::Performed(e, Level::Warning),
                    },
                    None => match log.end(&env, now, who, ":incident end") {
                        Ok(i) => Event::Performed(format!("incident {} closed", i.id), Level::Ok),
                        Err(e) => Event::Performed(e, Level::Warning),
                    },
                });
            }
            Effect::Copy(text) => {
                return Some(match screen.copy(&text) {
                    Ok(()) => Event::Performed(
                        format!(
                            "copied {} bytes (OSC 52; the terminal must allow it)",
                            text.len()
                        ),
                        Level::Ok,
                    ),
                    Err(e) => Event::Performed(format!("copy failed: {e}"), Level::Warning),
                });
            }
            Effect::WriteFile {
                paths,
                contents,
                export,
            } => {
                return match crate::panes::logs::history::write_first(&paths, &contents, export) {
                    Ok(path) if export => {
                        let path = std::path::absolute(&path).unwrap_or(path);
                        Some(Event::Performed(
                            format!("wrote {}", path.display()),
                            Level::Ok,
                        ))
                    }
                    Ok(_) => None,
                    Err(e) => Some(Event::Performed(
                        format!("write failed: {e}"),
                        Level::Warning,
                    )),
                };
            }
            Effect::SsoLogin(profile) => {
                let mut cmd = std::process::Command::new("aws");
                cmd.args(["sso", "login"]);
                if let Some(p) = &profile {
                    cmd.args(["--profile", p]);
                }
                let shown = match &profile {
                    Some(p) => format!("aws sso login --profile {p}"),
                    None => "aws sso login".to_string(),
                };
                tracing::info!(command = %shown, "handing the terminal over");
                return Some(match screen.run_outside(&mut cmd) {
                    Ok(status) if status.success() => Event::Reconnect(
                        format!("{shown} succeeded: reading everything again"),
                        Level::Ok,
                    ),
                    Ok(status) => {
                        Event::Performed(format!("{shown} exited with {status}"), Level::Warning)
                    }
                    Err(e) => Event::Performed(format!("{shown}: {e}"), Level::Warning),
                });
            }
            Effect::Elevate { env, elevation } => {
                self.connector.open(&env, elevation.handle);
                if env == state.env.name {
                    self.fetcher
                        .switch(self.connector.connect(&state.env), state.env.clone());
                }
            }
            Effect::DropElevation => {
                if self.connector.close() {
                    self.fetcher
                        .switch(self.connector.connect(&state.env), state.env.clone());
                }
            }
            Effect::MfaAnswer(code) => {
                if let Some(request) = self.mfa_waiting.pop_front() {
                    let _ = request.reply.send(code.map(|c| c.0));
                }
                if let Some(next) = self.mfa_waiting.front() {
                    return Some(asked_for(next));
                }
            }
            Effect::RunPlugin(ready) => self.outside.push(*ready),
            Effect::Drill(control) => {
                let session = self.drill.as_deref_mut()?;
                return Some(match control {
                    super::event::DrillControl::Hint => Event::Performed(
                        format!(
                            "hint: {}",
                            session.reveal_hint().unwrap_or_else(|| "none".into())
                        ),
                        Level::Warning,
                    ),
                    super::event::DrillControl::Pause => {
                        let paused = session.toggle_pause();
                        state.drill = Some(session.banner());
                        Event::Performed(
                            if paused {
                                "drill paused: F8 resumes".to_string()
                            } else {
                                "drill resumed".to_string()
                            },
                            Level::Ok,
                        )
                    }
                });
            }
            Effect::Quit => state.quit = true,
        }
        None
    }
}
