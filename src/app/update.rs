//! The reducer: applies one event to the state and returns the effects to run.
//!
//! It never does I/O; the event loop (`run.rs`) performs the effects (fetches, writes,
//! environment and theme switches) and reports back as events, so tests can drive the
//! console key by key. Keys go to the pane first (so a pane owns `esc` while it shows a
//! plan, a detail or a popup), then to the console's own keys.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::dispatch::{Fetched, Source};
pub use super::event::{Effect, Event, WriteDone};
use super::palette::{self, PaletteCommand};
use super::state::{AppState, IDENTITY_REFRESH_SECONDS, Mode, STATUS_TICKS};
use crate::level::Level;
use crate::panes::Pane;
use crate::panes::kit::{PaneState, Reply, Request};
use crate::panes::runbooks::request::RunbookMsg;
use crate::{pane_ctx, with_pane};

/// Apply `event`, returning the effects to run (fetches that became due included).
pub fn update(state: &mut AppState, event: Event) -> Vec<Effect> {
    let mut effects = Vec::new();
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            // A status message lasts until the next action.
            state.status = None;
            let before = state.pane;
            on_key(state, key, &mut effects);
            if before != state.pane {
                leave_pane(state, before, &mut effects);
            }
        }
        Event::Key(_) | Event::Resize => {}
        Event::Tick(now) => on_tick(state, now, &mut effects),
        Event::Fetched(f) => on_fetched(state, f, &mut effects),
        Event::Runbook(msg) => on_runbook(state, msg, &mut effects),
        Event::Written(done) => on_written(state, done, &mut effects),
        Event::Performed(text, level) => state.set_status(text, level),
        Event::Reconnect(text, level) => {
            state.clear_data();
            state.set_status(text, level);
            effects.push(Effect::SwitchEnv(state.env.name.clone()));
        }
        Event::MfaAsked { profile, serial } => {
            state.mfa_prompt = Some(super::mfa_prompt::MfaPrompt::new(profile, serial));
        }
    }
    if !state.quit {
        effects.extend(due_fetches(state, false));
    }
    effects
}

fn on_tick(state: &mut AppState, now: crate::cloud::Epoch, effects: &mut Vec<Effect>) {
    state.now = now;
    if state.status.is_some() {
        state.status_age = state.status_age.saturating_add(1);
        if state.status_age >= STATUS_TICKS {
            state.status = None;
        }
    }
    if state.break_glass.as_ref().is_some_and(|b| b.expired(now)) {
        state.break_glass = None;
        state.set_status(
            "break-glass session expired: its credentials are dropped",
            Level::Warning,
        );
        effects.push(Effect::DropElevation);
    }
}

/// Leaving pane `left`: what it sends on the way out (a running query is stopped).
fn leave_pane(state: &mut AppState, left: Pane, effects: &mut Vec<Effect>) {
    let s = state;
    let stops: Vec<Source> = with_pane!(s, left, |p, ctx| p
        .leave(&ctx)
        .into_iter()
        .map(Source::from)
        .collect());
    effects.extend(stops.into_iter().map(Effect::Fetch));
}

/// A runbook message; a break-glass session a run opened leaves the summary (so it is
/// held in one place only) and becomes an `Elevate` effect — only when the run ended
/// verified (the announcement was published); otherwise its credentials are dropped.
fn on_runbook(state: &mut AppState, msg: RunbookMsg, effects: &mut Vec<Effect>) {
    use crate::panes::runbooks::state::Flow;
    let msg = match msg {
        RunbookMsg::Finished(mut summary) => {
            let elevation = summary.elevation.take();
            if let (Some(elevation), Flow::Running { prepared, .. }) =
                (elevation, &state.runbooks.flow)
            {
                if summary.status == crate::runbook::engine::RunStatus::Verified {
                    let env = prepared.env.name.clone();
                    state.break_glass = Some(super::break_glass::BreakGlassBanner::new(
                        &env, &elevation, state.now,
                    ));
                    state.status = Some((
                        format!(
                            "break-glass: acting as {} on {env} (credentials in memory only)",
                            elevation.assumed_arn
                        ),
                        Level::Critical,
                    ));
                    state.status_age = 0;
                    effects.push(Effect::Elevate {
                        env: prepared.env.name.clone(),
                        elevation: Box::new(elevation),
                    });
                } else {
                    drop(elevation);
                    state.set_status(
                        "break-glass run did not verify: its session was dropped, nothing is elevated",
                        Level::Warning,
                    );
                }
            }
            RunbookMsg::Finished(summary)
        }
        other => other,
    };
    state.runbooks.apply(msg, state.now);
}

fn on_written(state: &mut AppState, done: WriteDone, effects: &mut Vec<Effect>) {
    let (text, level) = match done {
        WriteDone::Triage(r) => state.security.written(r),
        WriteDone::SavedQuery(def, r) => state.logs.saved(&def, &r),
        WriteDone::ExecChecked(pre) => state.ecs.session.checked(*pre),
        WriteDone::ExecReady(Ok(ready)) => {
            state.ecs.session.started();
            let text = format!(
                "exec {}: handing the terminal to session-manager-plugin",
                ready.what
            );
            effects.push(Effect::RunPlugin(ready));
            (text, Level::Ok)
        }
        WriteDone::ExecReady(Err(e)) => {
            state.ecs.session.started();
            (e, Level::Warning)
        }
        WriteDone::Forwarded(r) => state.ecs.session.forwarded(r),
        WriteDone::ForwardClosed(info, how) => state.ecs.session.forward_closed(&info, &how),
    };
    state.set_status(text, level);
}

fn on_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        quit(state, effects);
        return;
    }
    if let Some(prompt) = state.mfa_prompt.as_mut() {
        if let Some(answer) = prompt.on_key(key) {
            state.mfa_prompt = None;
            effects.push(answer);
        }
        return;
    }
    match state.mode {
        Mode::Help => return on_help_key(state, key),
        Mode::Filter => return on_filter_key(state, key),
        Mode::Palette => return on_palette_key(state, key, effects),
        Mode::Normal => {}
    }
    // The pane first: it may own the key (esc leaving its plan, a popup, typed text).
    let pane = state.pane;
    let s = &mut *state;
    let reply: Reply<Source> = with_pane!(s, pane, |p, ctx| {
        let r = p.on_key(key, &ctx);
        p.record_fetches(&ctx, &r.fetch);
        r.map(Source::from)
    });
    let captured = {
        let s = &*state;
        crate::with_pane_ref!(s, pane, |p| p.captures_keys())
    };
    let handled = reply.handled;
    apply_reply(state, reply, effects);
    if handled || captured {
        return;
    }
    on_console_key(state, key, effects);
}

/// Carry out a pane's reply: fetches, status line and requests.
pub fn apply_reply(state: &mut AppState, reply: Reply<Source>, effects: &mut Vec<Effect>) {
    // The pane recorded its fetches as requested before mapping them.
    effects.extend(reply.fetch.into_iter().map(Effect::Fetch));
    if let Some((text, level)) = reply.status {
        state.set_status(text, level);
    }
    for request in reply.requests {
        match request {
            Request::GoTo(p) => state.pane = p,
            Request::OpenRunbook {
                runbook,
                fields,
                announce,
            } => match state
                .runbooks
                .open_with(&runbook, &fields, &state.env, state.read_only)
            {
                Ok(()) => {
                    state.pane = Pane::Runbooks;
                    state.set_status(announce, Level::Ok);
                }
                Err(why) => state.set_status(why, Level::Warning),
            },
            Request::QueryLogs {
                name,
                query,
                announce,
            } => {
                let groups = state.env.log_groups.clone();
                match state.logs.run_text(&name, &query, &groups, state.now) {
                    Ok(_) => {
                        state.pane = Pane::Logs;
                        state.set_status(announce, Level::Ok);
                    }
                    Err(why) => state.set_status(why, Level::Warning),
                }
            }
            Request::Write(w) => effects.push(Effect::Write(w)),
            Request::Copy(text) => effects.push(Effect::Copy(text)),
            Request::WriteFile {
                paths,
                contents,
                export,
            } => effects.push(Effect::WriteFile {
                paths,
                contents,
                export,
            }),
            Request::Refresh => effects.extend(due_fetches(state, true)),
            Request::Show { pane, filter } => {
                state.pane = pane;
                if let Some(list) = state.focused_list() {
                    list.filter = filter;
                    list.cursor = 0;
                }
                filter_changed(state);
            }
            Request::OpenEnvironment(name) => {
                if name != state.env.name {
                    switch_env(state, &name, effects);
                }
                if state.env.name == name {
                    state.pane = Pane::Dashboard;
                }
            }
        }
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
        KeyCode::PageDown => state.help_scroll = state.help_scroll.saturating_add(10),
        KeyCode::PageUp => state.help_scroll = state.help_scroll.saturating_sub(10),
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
    filter_changed(state);
}

fn filter_changed(state: &mut AppState) {
    let pane = state.pane;
    let s = state;
    with_pane!(s, pane, |p, _ctx| p.filter_changed());
}

fn on_palette_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Esc => state.mode = Mode::Normal,
        KeyCode::Backspace if state.palette_input.pop().is_none() => state.mode = Mode::Normal,
        KeyCode::Tab => {
            let envs = state.config.environment_names();
            if let Some(first) = palette::suggestions(
                &state.palette_input,
                &envs,
                &state.theme_names,
                &state.profile_names,
            )
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
                Err(e) => state.set_status(e, Level::Warning),
            }
        }
        KeyCode::Char(c) if !c.is_control() => state.palette_input.push(c),
        _ => {}
    }
}

fn run_command(state: &mut AppState, cmd: PaletteCommand, effects: &mut Vec<Effect>) {
    match cmd {
        PaletteCommand::Env(name) => switch_env(state, &name, effects),
        PaletteCommand::Profile(name) => switch_account(state, Some(name), None, effects),
        PaletteCommand::Region(name) => switch_account(state, None, Some(name), effects),
        PaletteCommand::Theme(name) => effects.push(Effect::SetTheme(name)),
        PaletteCommand::Pane(p) => go_to(state, p, effects),
        PaletteCommand::Refresh => effects.extend(due_fetches(state, true)),
        PaletteCommand::Help => state.mode = Mode::Help,
        PaletteCommand::DropBreakGlass => {
            if state.break_glass.take().is_some() {
                state.set_status(
                    "break-glass session ended: its credentials are dropped",
                    Level::Ok,
                );
                effects.push(Effect::DropElevation);
            } else {
                state.set_status("no break-glass session is open", Level::Ok);
            }
        }
        PaletteCommand::IncidentStart(id) => effects.push(Effect::Incident(Some(id))),
        PaletteCommand::IncidentEnd => effects.push(Effect::Incident(None)),
        PaletteCommand::DrillHint | PaletteCommand::DrillPause if state.drill.is_none() => {
            state.set_status(
                "no drill is playing (opsdeck drill run NAME)",
                Level::Warning,
            );
        }
        PaletteCommand::DrillHint => effects.push(Effect::Drill(super::event::DrillControl::Hint)),
        PaletteCommand::DrillPause => {
            effects.push(Effect::Drill(super::event::DrillControl::Pause));
        }
        PaletteCommand::Quit => quit(state, effects),
    }
}

fn go_to(state: &mut AppState, pane: Pane, effects: &mut Vec<Effect>) {
    let before = state.pane;
    state.pane = pane;
    if before != pane {
        leave_pane(state, before, effects);
    }
}

/// Use another AWS profile or region for the current environment, this session only
/// (`:env` reloads the config's), and reconnect: every pane's data is fetched anew.
pub fn switch_account(
    state: &mut AppState,
    profile: Option<String>,
    region: Option<String>,
    effects: &mut Vec<Effect>,
) {
    if let Some(r) = &region
        && !crate::config::shapes::is_region(r)
    {
        state.set_status(
            format!("{r:?} is not a region name (e.g. eu-west-1)"),
            Level::Warning,
        );
        return;
    }
    let stops = state.logs.leave_now(state.now);
    effects.extend(stops.into_iter().map(|s| Effect::Fetch(Source::Logs(s))));
    let what = match (&profile, &region) {
        (Some(p), _) => format!("profile {p}"),
        (_, Some(r)) => format!("region {r}"),
        _ => return,
    };
    if let Some(p) = profile {
        state.env.profile = Some(p);
    }
    if let Some(r) = region {
        state.env.region = r;
    }
    state.clear_data();
    let note = if state.demo {
        " (the simulated account answers whatever the profile)"
    } else {
        ""
    };
    state.set_status(
        format!("{what} on {} for this session{note}", state.env.name),
        Level::Ok,
    );
    effects.push(Effect::SwitchEnv(state.env.name.clone()));
}

/// Point the state at environment `name` (if it exists) and ask the loop to reconnect.
pub fn switch_env(state: &mut AppState, name: &str, effects: &mut Vec<Effect>) {
    match state.config.environment(name) {
        Some(env) if env.name == state.env.name => {
            state.set_status(format!("already on {name}"), Level::Ok);
        }
        Some(env) => {
            // A query still running in the old environment is stopped there.
            let stops = state.logs.leave_now(state.now);
            effects.extend(stops.into_iter().map(|s| Effect::Fetch(Source::Logs(s))));
            state.env = env.clone();
            state.clear_data();
            state.set_status(format!("switched to {name}"), Level::Ok);
            effects.push(Effect::SwitchEnv(name.to_string()));
        }
        None => {
            state.set_status(
                format!(
                    "unknown environment {name:?}; known: {}",
                    state.config.environment_names().join(", ")
                ),
                Level::Warning,
            );
        }
    }
}

fn on_console_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Char('q') => quit(state, effects),
        KeyCode::Char('?') => state.mode = Mode::Help,
        // `?` is help, so a drill's hint is F9 (and F8 pauses): no pane uses either.
        KeyCode::F(9) if state.drill.is_some() => {
            effects.push(Effect::Drill(super::event::DrillControl::Hint));
        }
        KeyCode::F(8) if state.drill.is_some() => {
            effects.push(Effect::Drill(super::event::DrillControl::Pause));
        }
        KeyCode::Char('L') if state.sso_login_needed() => {
            effects.push(Effect::SsoLogin(state.env.profile.clone()));
        }
        KeyCode::Char(':') => {
            state.palette_input.clear();
            state.mode = Mode::Palette;
        }
        KeyCode::Char('/') if state.focused_list().is_some() => state.mode = Mode::Filter,
        KeyCode::Char(c @ '0'..='9') => {
            if let Some(p) = Pane::from_key(c) {
                go_to(state, p, effects);
            }
        }
        KeyCode::Char('r') => {
            effects.extend(due_fetches(state, true));
            state.set_status("refreshing", Level::Ok);
        }
        KeyCode::Esc => {
            if let Some(list) = state.focused_list() {
                list.filter.clear();
            }
            filter_changed(state);
        }
        _ => {}
    }
}

fn on_fetched(state: &mut AppState, fetched: Fetched, effects: &mut Vec<Effect>) {
    if let Fetched::Identity(r) = fetched {
        let now = state.now;
        state.identity.set(r, now);
        return;
    }
    if let Fetched::Dashboard(crate::panes::dashboard::sources::DashboardFetched::Errors(
        _,
        Ok(answer),
    )) = &fetched
    {
        state.logs.spend.add_dashboard(answer.scanned_bytes);
    }
    let s = &mut *state;
    let ctx = pane_ctx!(s);
    /// Apply to pane `$p`, recording the fetches its reply asks for.
    macro_rules! to {
        ($p:expr, $f:expr) => {{
            let r = $p.apply($f, &ctx);
            $p.record_fetches(&ctx, &r.fetch);
            r.map(Source::from)
        }};
    }
    let reply: Reply<Source> = match fetched {
        Fetched::Identity(_) => return,
        Fetched::Dashboard(f) => to!(s.dashboard, f),
        Fetched::Ecs(f) => to!(s.ecs, f),
        Fetched::Cost(f) => to!(s.cost, f),
        Fetched::Security(f) => to!(s.security, f),
        Fetched::Logs(f) => to!(s.logs, f),
        Fetched::Timeline(f) => to!(s.timeline, f),
        Fetched::Fleet(f) => to!(s.fleet, f),
    };
    apply_reply(state, reply, effects);
}

/// Sources that should be fetched now (all of the pane's when `force`).
pub fn due_fetches(state: &mut AppState, force: bool) -> Vec<Effect> {
    let mut due = Vec::new();
    let identity_due = force
        || match state.identity_requested {
            None => true,
            Some(t) => {
                let wait = if state.identity.error.is_some() {
                    crate::panes::kit::schedule::RETRY_SECONDS
                } else {
                    IDENTITY_REFRESH_SECONDS
                };
                state.now - t >= wait
            }
        };
    if identity_due && !state.identity.loading {
        state.identity_requested = Some(state.now);
        state.identity.loading = true;
        due.push(Source::Identity);
    }
    let pane = state.pane;
    let s = state;
    let own: Vec<Source> = with_pane!(s, pane, |p, ctx| p
        .poll(&ctx, force)
        .into_iter()
        .map(Source::from)
        .collect());
    due.extend(own);
    due.into_iter().map(Effect::Fetch).collect()
}
