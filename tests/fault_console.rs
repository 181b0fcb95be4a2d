//! The console's reducer and fetches (headless) against moto behind the fault-injecting
//! proxy, through 50 refreshes of 30 simulated seconds while walking the panes: no panic,
//! every pane renders at every refresh, and no source is silenced by a 500 — every
//! operation that got a garbage 500 is asked again later.

mod support;
mod ui_support;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::AppState;
use opsdeck::app::dispatch::{Source, run_fetch};
use opsdeck::app::update::Effect;
use opsdeck::app::update::{Event, update};
use opsdeck::cloud::CloudHandle;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::config::Config;
use support::cbor_cloudwatch::CborCloudWatch;
use support::ecs_seed::seed;
use support::moto;
use support::proxy::{Fault, FaultPlan, Proxy};
use ui_support::{render, text};

const ROUNDS: usize = 50;

/// Run the reducer's fetches concurrently (as the console's fetcher does) until nothing
/// more is due.
async fn settle(state: &mut AppState, cloud: &CloudHandle, mut effects: Vec<Effect>) {
    for _ in 0..10 {
        let fetches: Vec<Source> = effects
            .drain(..)
            .filter_map(|e| match e {
                Effect::Fetch(s) => Some(s),
                _ => None,
            })
            .collect();
        if fetches.is_empty() {
            return;
        }
        let (env, now) = (state.env.clone(), state.now);
        let done = futures::future::join_all(
            fetches
                .into_iter()
                .map(|s| run_fetch(cloud.read.as_ref(), &env, s, now)),
        )
        .await;
        for f in done {
            effects.extend(update(state, Event::Fetched(f)));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_refreshes_under_faults_never_panic_or_silence_a_source() {
    let s = seed("fault-console").await;
    let t = CborCloudWatch::from_venv(&moto::venv()).expect("botocore CloudWatch model");
    let proxy = Proxy::with_transform(
        &moto::endpoint(),
        Some(FaultPlan {
            seed: 11,
            rate: 0.3,
            kinds: vec![
                Fault::ServerErrorGarbage,
                Fault::Throttle,
                Fault::Stall,
                Fault::Reset,
                Fault::TruncatedOk,
            ],
            stall: Duration::from_millis(200),
            only_targets: None,
        }),
        Arc::new(t),
    );
    let conf = moto::sdk_config_at(&proxy.url).await;
    let cloud = CloudHandle::new(
        Arc::new(AwsCloud::from_clients(AwsClients::from_sdk_config(
            &conf, None,
        ))),
        true,
    );
    let env = s.env();
    let start = opsdeck::cloud::sim::wall_clock_now();
    let mut state = AppState::new(Config::default(), env, start);
    let keys = ['1', '2', '3', '4', '5'];
    for round in 0..ROUNDS {
        let now = start + 30 * round as i64;
        let pane_key = keys[round % keys.len()];
        let mut effects = update(
            &mut state,
            Event::Key(KeyEvent::new(KeyCode::Char(pane_key), KeyModifiers::NONE)),
        );
        effects.extend(update(&mut state, Event::Tick(now)));
        settle(&mut state, &cloud, effects).await;
        for (w, h) in [(120, 40), (80, 24), (20, 5)] {
            let screen = text(&render(&state, w, h));
            assert!(!screen.trim().is_empty(), "round {round} {w}x{h}");
        }
        // A widget whose last read failed says so (⚠ and the error kind or the retry),
        // and one with data says its age.
        let screen = text(&render(&state, 200, 60));
        let failed = match pane_key {
            '1' => [
                state.dashboard.metrics.error.is_some(),
                state.dashboard.alarms.error.is_some(),
                state.dashboard.errors.error.is_some(),
            ]
            .contains(&true),
            '2' => state.ecs.services.error.is_some() || state.ecs.tasks.error.is_some(),
            _ => false,
        };
        if failed {
            assert!(
                screen.contains('⚠'),
                "round {round}: an error not shown:\n{screen}"
            );
        }
        if pane_key == '2' && state.ecs.services.data.is_some() {
            assert!(screen.contains(" ago"), "round {round}: no age:\n{screen}");
        }
    }
    let requests = proxy.requests();
    let injected = proxy.faults_injected();
    // Every operation that got a garbage 500 before the last fifth of the run was asked
    // again after it.
    let cutoff = requests.len() * 4 / 5;
    let mut silenced = Vec::new();
    for (i, r) in requests.iter().enumerate().take(cutoff) {
        if r.fault == Some(Fault::ServerErrorGarbage)
            && !requests[i + 1..]
                .iter()
                .any(|later| later.operation == r.operation)
        {
            silenced.push(r.operation.clone());
        }
    }
    eprintln!(
        "console under faults: {} requests, {injected} faults injected, silenced by a 500: {silenced:?}",
        requests.len()
    );
    assert!(injected > 0);
    assert!(silenced.is_empty(), "{silenced:?}");
}
