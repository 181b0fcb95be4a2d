//! The event loop: input, ticks and fetch results in; coalesced redraws out.
//!
//! The UI never awaits I/O: fetches run as tokio tasks and report over a channel.
//! State changes set a dirty flag; frames are drawn at most once per frame interval.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::{Instant, interval, sleep_until};

use super::break_glass::{BreakGlassBanner, ElevatingConnector};
use super::connect::Connector;
use super::fetch::Fetcher;
use super::runbook_driver::RunbookDriver;
use super::state::AppState;
use super::update::{Effect, Event, due_fetches, update};
use crate::audit::AuditLog;
use crate::cloud::Epoch;
use crate::ui;
use crate::level::Level;
use crate::ui::theme::Theme;

/// Shortest time between two frames (~60 fps cap).
pub const FRAME_INTERVAL: Duration = Duration::from_millis(16);
/// How often the clock ticks (ages, schedules).
pub const TICK_INTERVAL: Duration = Duration::from_secs(1);

/// Current wall-clock time in Unix seconds.
pub fn wall_clock() -> Epoch {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as Epoch)
}

/// Run the console until the user quits.
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    mut state: AppState,
    connector: Box<dyn Connector>,
) -> io::Result<()>
where
    B::Error: Into<io::Error>,
{
    let connector = ElevatingConnector::new(connector);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut fetcher = Fetcher::new(connector.connect(&state.env), state.env.clone(), tx);
    let (runbook_tx, mut runbook_rx) = mpsc::unbounded_channel();
    let mut driver = RunbookDriver::new(runbook_tx, AuditLog::new(AuditLog::default_path()));
    let mut input = EventStream::new();
    let mut ticker = interval(TICK_INTERVAL);
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;

    state.now = wall_clock();
    state.logs.data_dir = super::logs_history::data_dir(state.demo);
    let initial = due_fetches(&mut state, false);
    apply(&mut state, &mut fetcher, &mut driver, &connector, initial);

    loop {
        let now = Instant::now();
        let next_frame = last_draw.map_or(now, |t| t + FRAME_INTERVAL);
        if dirty && now >= next_frame {
            terminal
                .draw(|frame| ui::draw(frame, &state))
                .map_err(Into::into)?;
            dirty = false;
            last_draw = Some(now);
        }
        let redraw_at = dirty.then_some(next_frame);
        let effects = tokio::select! {
            maybe = input.next() => match maybe {
                Some(Ok(TermEvent::Key(key))) => update(&mut state, Event::Key(key)),
                Some(Ok(TermEvent::Resize(_, _))) => update(&mut state, Event::Resize),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(done) = rx.recv() => {
                if !fetcher.finished(&done) {
                    continue;
                }
                update(&mut state, Event::Fetched(done.fetched))
            }
            Some(msg) = runbook_rx.recv() => update(&mut state, Event::Runbook(msg)),
            _ = ticker.tick() => update(&mut state, Event::Tick(wall_clock())),
            _ = sleep_until(redraw_at.unwrap_or(now)), if redraw_at.is_some() => continue,
        };
        dirty = true;
        apply(&mut state, &mut fetcher, &mut driver, &connector, effects);
        if state.quit {
            break;
        }
    }
    Ok(())
}

/// Perform the reducer's effects.
fn apply(
    state: &mut AppState,
    fetcher: &mut Fetcher,
    driver: &mut RunbookDriver,
    connector: &ElevatingConnector,
    effects: Vec<Effect>,
) {
    for effect in effects {
        match effect {
            Effect::Fetch(source) => fetcher.request(source),
            Effect::SwitchEnv(_) => {
                tracing::info!(env = %state.env.name, "switching environment");
                fetcher.switch(connector.connect(&state.env), state.env.clone());
            }
            Effect::SetTheme(name) => match Theme::load(&name) {
                Ok(theme) => {
                    state.theme = if state.no_color {
                        theme.without_color()
                    } else {
                        theme
                    };
                    state.status = Some((format!("theme {name}"), Level::Ok));
                }
                Err(e) => state.status = Some((e.to_string(), Level::Warning)),
            },
            Effect::SecurityWrite(write) => fetcher.perform_security_write(write, driver.audit()),
            Effect::Logs(e) => super::logs_effect::perform(state, fetcher, e),
            Effect::Runbook(request) => driver.handle(*request, &state.env, connector),
            Effect::Elevate { env, elevation } => {
                let banner = BreakGlassBanner::new(&env, &elevation, state.now);
                state.status = Some((
                    format!(
                        "break-glass: acting as {} on {env} (credentials in memory only)",
                        elevation.assumed_arn
                    ),
                    Level::Critical,
                ));
                state.break_glass = Some(banner);
                connector.open(&env, elevation.handle);
                if env == state.env.name {
                    fetcher.switch(connector.connect(&state.env), state.env.clone());
                }
            }
            Effect::DropElevation => {
                if connector.close() {
                    fetcher.switch(connector.connect(&state.env), state.env.clone());
                }
            }
            Effect::Quit => state.quit = true,
        }
    }
}
