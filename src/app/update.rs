//! The reducer: applies one event to the state and returns the effects to run.
//!
//! It never does I/O; the event loop (`run.rs`) performs the effects (fetches,
//! environment and theme switches), so tests can drive the console key by key.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::palette::{self, PaletteCommand};
use super::pane::Pane;
use super::schedule::Schedule;
use super::source::{Fetched, Source};
use super::state::{AppState, IDENTITY_REFRESH_SECONDS, Mode};
use crate::cloud::Epoch;
use crate::level::Level;

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    /// A second passed; `now` is the current time.
    Tick(Epoch),
    /// A fetch finished.
    Fetched(Fetched),
    /// The terminal changed size (only a redraw is needed).
    Resize,
    /// Progress or a result of a runbook run.
    Runbook(super::runbooks_state::RunbookMsg),
}

/// Something the event loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Fetch(Source),
    /// The state already points at the new environment; rebuild the cloud for it.
    SwitchEnv(String),
    SetTheme(String),
    /// Perform a confirmed Security triage write through the acting side.
    SecurityWrite(super::security_triage::SecurityWrite),
    /// A Logs pane side effect (save a query, copy a row, write a file).
    Logs(super::logs_effect::LogsEffect),
    /// Plan, execute, roll back or cancel a runbook run.
    Runbook(Box<super::runbooks_state::RunbookRequest>),
    /// A break-glass session opened on `env`: act with it from now on.
    Elevate {
        env: String,
        elevation: Box<crate::cloud::Elevation>,
    },
    /// The break-glass session ended (expiry or `:drop-break-glass`): drop it.
    DropElevation,
    Quit,
}

/// Apply `event`, returning the effects to run (fetches that became due included).
pub fn update(state: &mut AppState, event: Event) -> Vec<Effect> {
    let mut effects = Vec::new();
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            let before = state.pane;
            on_key(state, key, &mut effects);
            if before == Pane::Logs && state.pane != Pane::Logs {
                let stops = state.logs.leave(state.now);
                effects.extend(stops.into_iter().map(Effect::Fetch));
            }
        }
        Event::Key(_) | Event::Resize => {}
        Event::Tick(now) => {
            state.now = now;
            if state.break_glass.as_ref().is_some_and(|b| b.expired(now)) {
                state.break_glass = None;
                state.status = Some((
                    "break-glass session expired: its credentials are dropped".into(),
                    Level::Warning,
                ));
                effects.push(Effect::DropElevation);
            }
        }
        Event::Fetched(f) => on_fetched(state, f),
        Event::Runbook(msg) => on_runbook(state, msg, &mut effects),
    }
    if !state.quit {
        effects.extend(due_fetches(state, false));
    }
    effects
}

/// A runbook message; a break-glass session a run opened leaves the summary (so it is
/// held in one place only) and becomes an `Elevate` effect.
fn on_runbook(
    state: &mut AppState,
    msg: super::runbooks_state::RunbookMsg,
    effects: &mut Vec<Effect>,
) {
    use super::runbooks_state::{Flow, RunbookMsg};
    let msg = match msg {
        RunbookMsg::Finished(mut summary) => {
            if let (Some(elevation), Flow::Running { prepared, .. }) =
                (summary.elevation.take(), &state.runbooks.flow)
            {
                effects.push(Effect::Elevate {
                    env: prepared.env.name.clone(),
                    elevation: Box::new(elevation),
                });
            }
            RunbookMsg::Finished(summary)
        }
        other => other,
    };
    state.runbooks.apply(msg, state.now);
}

fn on_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        quit(state, effects);
        return;
    }
    if state.mode == Mode::Normal && state.pane == Pane::Security && state.security.captures_keys()
    {
        super::security_state::route_key(state, key, effects);
        return;
    }
    if state.mode == Mode::Normal && state.pane == Pane::Runbooks && state.runbooks.captures_text()
    {
        runbook_key(state, key, effects);
        return;
    }
    if state.mode == Mode::Normal && state.pane == Pane::Logs && state.logs.captures_keys() {
        super::logs_state::route_key(state, key, effects);
        return;
    }
    match state.mode {
        Mode::Help => on_help_key(state, key),
        Mode::Filter => on_filter_key(state, key),
        Mode::Palette => on_palette_key(state, key, effects),
        Mode::Normal => on_normal_key(state, key, effects),
    }
}

fn runbook_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    let (request, status) = state.runbooks.on_key(key, &state.env, state.read_only);
    if let Some(r) = request {
        effects.push(Effect::Runbook(Box::new(r)));
    }
    if let Some(s) = status {
        state.status = Some((s, Level::Warning));
    }
}

fn quit(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.quit = true;
    effects.push(Effect::Quit);
}

fn on_help_key(state: &mut AppState, key: KeyEvent) {
    match key.code {
        KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter => {
            state.mode = Mode::Normal;
            state.help_scroll = 0;
        }
        KeyCode::Char('j') | KeyCode::Down => {
            state.help_scroll = state.help_scroll.saturating_add(1)
        }
        KeyCode::Char('k') | KeyCode::Up => state.help_scroll = state.help_scroll.saturating_sub(1),
        _ => {}
    }
}

fn on_filter_key(state: &mut AppState, key: KeyEvent) {
    let Some(list) = state.focused_list() else {
        state.mode = Mode::Normal;
        return;
    };
    match key.code {
        KeyCode::Enter => state.mode = Mode::Normal,
        KeyCode::Esc => {
            list.filter.clear();
            list.cursor = 0;
            state.mode = Mode::Normal;
        }
        KeyCode::Backspace => {
            list.filter.pop();
            list.cursor = 0;
        }
        KeyCode::Char(c) if !c.is_control() => {
            list.filter.push(c);
            list.cursor = 0;
        }
        _ => {}
    }
}

fn on_palette_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Esc => state.mode = Mode::Normal,
        KeyCode::Backspace if state.palette_input.pop().is_none() => state.mode = Mode::Normal,
        KeyCode::Tab => {
            let envs = state.config.environment_names();
            let themes = crate::ui::theme::theme_names();
            if let Some(first) = palette::suggestions(&state.palette_input, &envs, &themes)
                .into_iter()
                .next()
            {
                state.palette_input = first;
            }
        }
        KeyCode::Enter => {
            state.mode = Mode::Normal;
            let line = std::mem::take(&mut state.palette_input);
            match palette::parse(&line) {
                Ok(cmd) => run_command(state, cmd, effects),
                Err(e) => state.status = Some((e, Level::Warning)),
            }
        }
        KeyCode::Char(c) if !c.is_control() => state.palette_input.push(c),
        _ => {}
    }
}

fn run_command(state: &mut AppState, cmd: PaletteCommand, effects: &mut Vec<Effect>) {
    match cmd {
        PaletteCommand::Env(name) => switch_env(state, &name, effects),
        PaletteCommand::Theme(name) => effects.push(Effect::SetTheme(name)),
        PaletteCommand::Pane(p) => state.pane = p,
        PaletteCommand::Refresh => effects.extend(due_fetches(state, true)),
        PaletteCommand::Help => state.mode = Mode::Help,
        PaletteCommand::DropBreakGlass => {
            if state.break_glass.take().is_some() {
                state.status = Some((
                    "break-glass session ended: its credentials are dropped".into(),
                    Level::Ok,
                ));
                effects.push(Effect::DropElevation);
            } else {
                state.status = Some(("no break-glass session is open".into(), Level::Ok));
            }
        }
        PaletteCommand::Quit => quit(state, effects),
    }
}

/// Point the state at environment `name` (if it exists) and ask the loop to reconnect.
pub fn switch_env(state: &mut AppState, name: &str, effects: &mut Vec<Effect>) {
    match state.config.environment(name) {
        Some(env) if env.name == state.env.name => {
            state.status = Some((format!("already on {name}"), Level::Ok));
        }
        Some(env) => {
            // A query still running in the old environment is stopped there.
            let stops = state.logs.leave(state.now);
            effects.extend(stops.into_iter().map(Effect::Fetch));
            state.env = env.clone();
            state.clear_data();
            state.status = Some((format!("switched to {name}"), Level::Ok));
            effects.push(Effect::SwitchEnv(name.to_string()));
        }
        None => {
            state.status = Some((
                format!(
                    "unknown environment {name:?}; known: {}",
                    state.config.environment_names().join(", ")
                ),
                Level::Warning,
            ));
        }
    }
}

fn on_normal_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Char('q') => quit(state, effects),
        KeyCode::Char('?') => state.mode = Mode::Help,
        KeyCode::Char(':') => {
            state.palette_input.clear();
            state.mode = Mode::Palette;
        }
        KeyCode::Char('/') if state.focused_list().is_some() => state.mode = Mode::Filter,
        KeyCode::Char(c @ '1'..='9') => {
            if let Some(p) = Pane::ALL.get(c as usize - '1' as usize) {
                state.pane = *p;
            }
        }
        KeyCode::Char('r') => {
            effects.extend(due_fetches(state, true));
            state.status = Some(("refreshing".into(), Level::Ok));
        }
        KeyCode::Esc if state.pane == Pane::Security && state.security.back() => {}
        KeyCode::Esc => {
            if let Some(list) = state.focused_list() {
                list.filter.clear();
            }
            state.status = None;
        }
        _ => match state.pane {
            Pane::Ecs => state.ecs.on_key(key),
            Pane::Cost => state.cost.on_key(key),
            Pane::Dashboard => state.dashboard.on_key(key),
            Pane::Security => super::security_state::route_key(state, key, effects),
            Pane::Logs => super::logs_state::route_key(state, key, effects),
            Pane::Runbooks => runbook_key(state, key, effects),
        },
    }
}

fn on_fetched(state: &mut AppState, fetched: Fetched) {
    let now = state.now;
    match (fetched.source().pane(), fetched) {
        (_, Fetched::Identity(r)) => state.identity.set(r, now),
        (_, Fetched::SecurityWritten(r)) => state.status = Some(state.security.written(r)),
        (Some(Pane::Security), f) => state.security.apply(f, now),
        (Some(Pane::Ecs), f) => state.ecs.apply(f, now),
        (Some(Pane::Cost), f) => state.cost.apply(f, now),
        (Some(Pane::Dashboard), f) => state.dashboard.apply(f, now),
        (Some(Pane::Runbooks), _) => {}
        (Some(Pane::Logs), f) => {
            if let Fetched::Logs(f) = f {
                super::logs_state::apply(state, f);
            }
        }
        (None, _) => {}
    }
}

/// Sources that should be fetched now (all of the pane's when `force`).
pub fn due_fetches(state: &mut AppState, force: bool) -> Vec<Effect> {
    let schedule = Schedule {
        now: state.now,
        last_requested: &state.last_requested,
        force,
    };
    let mut due = Vec::new();
    if schedule.is_due(
        &Source::Identity,
        state.identity.error.is_some(),
        IDENTITY_REFRESH_SECONDS,
    ) {
        due.push(Source::Identity);
    }
    match state.pane {
        Pane::Ecs => due.extend(state.ecs.due(&schedule)),
        Pane::Cost => {
            let filter = super::cost_state::cost_filter(&state.env, state.identity.data.as_ref());
            due.extend(state.cost.due(&schedule, filter.as_ref(), state.demo));
        }
        Pane::Dashboard => due.extend(state.dashboard.due(
            &schedule,
            &state.env,
            &state.config.project,
            i64::try_from(state.config.refresh_seconds).unwrap_or(i64::MAX),
        )),
        Pane::Security => due.extend(state.security.due(&schedule)),
        Pane::Logs => due.extend(state.logs.due(&schedule, &state.env.name)),
        Pane::Runbooks => {}
    }
    let now = state.now;
    due.into_iter()
        .map(|s| {
            state.last_requested.insert(s.clone(), now);
            match s.pane() {
                None => state.identity.loading = true,
                Some(Pane::Ecs) => state.ecs.mark_loading(&s),
                Some(Pane::Cost) => state.cost.mark_loading(&s),
                Some(Pane::Dashboard) => state.dashboard.mark_loading(&s),
                Some(Pane::Security) => state.security.mark_loading(&s),
                Some(Pane::Logs) => state.logs.mark_loading(&s),
                Some(Pane::Runbooks) => {}
            }
            Effect::Fetch(s)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keys::GROUPS;
    use crate::cloud::CloudError;
    use crate::config::Config;
    use crate::ui::theme::Theme;

    fn state() -> AppState {
        let config = Config::default();
        let env = config.environment("dev").cloned().expect("dev");
        let mut s = AppState::new(config, env, Theme::default_theme(), 1000);
        s.pane = Pane::Ecs;
        s
    }

    fn press(s: &mut AppState, c: KeyCode) -> Vec<Effect> {
        update(s, Event::Key(KeyEvent::new(c, KeyModifiers::NONE)))
    }

    #[test]
    fn every_handled_key_is_in_help() {
        let help: String = GROUPS
            .iter()
            .flat_map(|g| g.bindings.iter().map(|b| format!(" {} ", b.keys)))
            .collect();
        for k in [
            "q", "?", ":", "/", "1", "r", "j", "k", "g", "G", "a", "tab", "enter", "esc", "o",
            "pgdn",
        ] {
            assert!(
                help.contains(&format!(" {k} ")) || help.contains(&format!(" {k}  ")),
                "{k} missing from help"
            );
        }
    }

    #[test]
    fn first_update_fetches_identity_and_pane_sources_once() {
        let mut s = state();
        let effects = update(&mut s, Event::Tick(1000));
        assert!(effects.contains(&Effect::Fetch(Source::Identity)));
        assert!(effects.contains(&Effect::Fetch(Source::EcsServices)));
        assert!(effects.contains(&Effect::Fetch(Source::EcsTasks)));
        // Nothing new is due a second later.
        assert!(update(&mut s, Event::Tick(1001)).is_empty());
        // The schedule comes round again.
        let later = update(
            &mut s,
            Event::Tick(1000 + crate::app::state::ECS_REFRESH_SECONDS),
        );
        assert!(later.contains(&Effect::Fetch(Source::EcsServices)));
    }

    #[test]
    fn r_refreshes_now() {
        let mut s = state();
        update(&mut s, Event::Tick(1000));
        let effects = press(&mut s, KeyCode::Char('r'));
        assert!(effects.contains(&Effect::Fetch(Source::EcsServices)));
    }

    #[test]
    fn palette_switches_environment_and_clears_data() {
        let mut s = state();
        update(&mut s, Event::Fetched(Fetched::EcsServices(Ok(vec![]))));
        press(&mut s, KeyCode::Char(':'));
        for c in "env prod".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        let effects = press(&mut s, KeyCode::Enter);
        assert_eq!(effects.first(), Some(&Effect::SwitchEnv("prod".into())));
        assert_eq!(s.env.name, "prod");
        assert!(s.ecs.services.data.is_none());
        assert!(effects.contains(&Effect::Fetch(Source::EcsServices)));
    }

    #[test]
    fn unknown_environment_is_a_status_message() {
        let mut s = state();
        let mut effects = Vec::new();
        switch_env(&mut s, "qa", &mut effects);
        assert!(effects.is_empty());
        assert!(
            s.status
                .as_ref()
                .is_some_and(|(m, _)| m.contains("unknown environment"))
        );
    }

    #[test]
    fn q_and_ctrl_c_quit() {
        let mut s = state();
        assert!(press(&mut s, KeyCode::Char('q')).contains(&Effect::Quit));
        let mut s = state();
        s.mode = Mode::Palette;
        let e = update(
            &mut s,
            Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        );
        assert!(e.contains(&Effect::Quit));
    }

    #[test]
    fn unsupported_deployment_history_is_not_refetched() {
        let mut s = state();
        let svc = crate::cloud::EcsService {
            name: "web".into(),
            ..Default::default()
        };
        update(&mut s, Event::Fetched(Fetched::EcsServices(Ok(vec![svc]))));
        update(
            &mut s,
            Event::Fetched(Fetched::ServiceDeployments(
                "web".into(),
                Err(CloudError::Unsupported("ListServiceDeployments".into())),
            )),
        );
        let effects = update(&mut s, Event::Tick(100_000));
        assert!(!effects.contains(&Effect::Fetch(Source::ServiceDeployments("web".into()))));
    }
}
