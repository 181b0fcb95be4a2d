//! TestBackend + insta snapshots of the Cost pane on the simulated account on
//! 2026-09-15 10:00 UTC: prod over its budget (NAT spike), dev under it, no data, and
//! Cost Explorer denied; plus the consent popup for paid requests outside the sim.

mod ui_support;

use crossterm::event::KeyCode;
use opsdeck::app::AppState;
use opsdeck::app::dispatch::{Fetched, Source};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::cloud::sim::SimSource;
use opsdeck::cloud::{CloudError, CostAnomalies, CostForecast, CostUsage};
use opsdeck::config::Config;
use opsdeck::panes::Pane;
use opsdeck::panes::cost::fetch::{CostAccess, CostAnswer, CostData, CostFetch, CostQuery};
use opsdeck::panes::cost::sources::CostFetched;
use opsdeck::panes::cost::state::cost_filter;
use opsdeck::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ui_support::{T0, console_on, key, render, text};

/// Minutes after T0 to 2026-09-15 10:00 UTC: half a month of cost to look at.
const MID_MONTH: i64 = 14 * 24 * 60 + 600;
const SIZES: [(u16, u16); 3] = [(80, 24), (200, 60), (40, 10)];

fn has_colour(buf: &Buffer, colour: ratatui::style::Color) -> bool {
    buf.content()
        .iter()
        .any(|c| c.fg == colour || c.bg == colour)
}

#[tokio::test]
async fn prod_forecast_over_budget() {
    let state = console_on(Pane::Cost, "prod", MID_MONTH, |_| {}).await;
    let screen = text(&render(&state, 200, 60));
    for want in [
        "over budget",
        "EC2 - Other",
        "NatGateway",
        "VPC endpoints",
        "simulated",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
    assert!(
        has_colour(&render(&state, 200, 60), Theme::default_theme().critical),
        "the gauge turns critical"
    );
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("cost_prod_over_budget_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
}

#[tokio::test]
async fn dev_under_budget_with_the_night_lever() {
    let state = console_on(Pane::Cost, "dev", MID_MONTH, |_| {}).await;
    let buf = render(&state, 200, 60);
    let screen = text(&buf);
    assert!(screen.contains("within budget"), "{screen}");
    assert!(screen.contains("dev-scale-down"), "{screen}");
    assert!(screen.contains("no anomalies"), "{screen}");
    assert!(
        !has_colour(&buf, Theme::default_theme().critical),
        "{screen}"
    );
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("cost_dev_under_budget_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
}

/// Answer each of the pane's cost sources with empty data.
fn answer_empty(state: &mut AppState) {
    let filter = cost_filter(&state.env, None).expect("tag filter");
    for query in CostQuery::all(state.now, &filter, state.cost.metric) {
        let data = match &query {
            CostQuery::Usage(_) => CostData::Usage(CostUsage::default()),
            CostQuery::Forecast(_) => CostData::Forecast(CostForecast::default()),
            CostQuery::Anomalies(_) => CostData::Anomalies(CostAnomalies::default()),
        };
        let fetch = CostFetch {
            query,
            access: CostAccess::Simulated,
        };
        update(
            state,
            Event::Fetched(Fetched::Cost(CostFetched {
                fetch,
                result: Ok(CostAnswer {
                    data: Some(data),
                    stored_at: None,
                    fresh: true,
                    requests_made: 1,
                }),
            })),
        );
    }
}

#[tokio::test]
async fn no_data() {
    let mut state = console_on(Pane::Cost, "staging", MID_MONTH, |_| {}).await;
    answer_empty(&mut state);
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("no cost recorded"), "{screen}");
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("cost_no_data_{w}x{h}"), text(&render(&state, w, h)));
    }
}

#[tokio::test]
async fn cost_explorer_denied() {
    let state = console_on(Pane::Cost, "prod", MID_MONTH, |w| {
        // Each operation denied with its own message, as AWS words it.
        for (s, op) in [
            (SimSource::CostUsage, "GetCostAndUsage"),
            (SimSource::CostForecast, "GetCostForecast"),
            (SimSource::CostAnomalies, "GetAnomalies"),
        ] {
            w.fail(
                s,
                CloudError::AccessDenied(format!(
                    "{op}: AccessDeniedException: User: arn:aws:sts::333333333333:assumed-role/OnCallEngineer/oncall is not authorized to perform: ce:{op}"
                )),
            );
        }
    })
    .await;
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("AccessDenied"), "{screen}");
    assert!(
        screen.contains("OnCallEngineer") || screen.contains("oncall"),
        "the header's identity is unaffected:\n{screen}"
    );
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("cost_denied_{w}x{h}"), text(&render(&state, w, h)));
    }
}

#[tokio::test]
async fn one_denied_operation_leaves_the_other_widgets_alone() {
    let state = console_on(Pane::Cost, "prod", MID_MONTH, |w| {
        w.fail(
            SimSource::CostAnomalies,
            CloudError::AccessDenied("GetAnomalies".into()),
        );
    })
    .await;
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("AccessDenied"), "{screen}");
    assert!(screen.contains("over budget"), "{screen}");
    assert!(screen.contains("Relational Database Service"), "{screen}");
    assert!(state.cost.usage.error.is_none());
}

#[tokio::test]
async fn m_switches_to_amortized() {
    let mut state = console_on(Pane::Cost, "prod", MID_MONTH, |_| {}).await;
    key(&mut state, KeyCode::Char('m'));
    assert!(text(&render(&state, 200, 60)).contains("amortized"));
}

/// Outside the sim, nothing is paid for before the user says yes.
#[tokio::test]
async fn paid_requests_wait_for_consent() {
    let config = Config::default();
    let env = config.environment("prod").expect("prod").clone();
    let now = T0 + MID_MONTH * 60;
    let mut state = AppState::new(config, env, now);
    state.pane = Pane::Cost;
    let cost_fetches = |effects: &[Effect]| -> Vec<CostFetch> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Fetch(Source::Cost(f)) => Some(f.clone()),
                _ => None,
            })
            .collect()
    };
    let first = cost_fetches(&update(&mut state, Event::Tick(now)));
    assert_eq!(first.len(), 3);
    assert!(first.iter().all(|f| f.access == CostAccess::CacheOnly));
    for fetch in first {
        update(
            &mut state,
            Event::Fetched(Fetched::Cost(CostFetched {
                fetch,
                result: Ok(CostAnswer {
                    data: None,
                    stored_at: None,
                    fresh: false,
                    requests_made: 0,
                }),
            })),
        );
    }
    assert!(state.cost.asking());
    let screen = text(&render(&state, 80, 24));
    assert!(screen.contains("3 paid Cost Explorer requests"), "{screen}");
    insta::assert_snapshot!("cost_consent_80x24", screen);

    key(&mut state, KeyCode::Char('n'));
    assert!(!state.cost.asking());
    let effects = update(&mut state, Event::Tick(now + 1));
    assert!(
        cost_fetches(&effects).is_empty(),
        "no paid fetch without consent"
    );

    // `r` asks again; `y` allows paid requests for the rest of the session.
    key(&mut state, KeyCode::Char('r'));
    assert!(state.cost.asking());
    let mut effects = Vec::new();
    effects.extend(update(
        &mut state,
        Event::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('y'),
            crossterm::event::KeyModifiers::NONE,
        )),
    ));
    let paid = cost_fetches(&effects);
    assert_eq!(paid.len(), 3, "{effects:?}");
    assert!(paid.iter().all(|f| f.access == CostAccess::Paid));
}
