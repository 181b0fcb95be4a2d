//! TestBackend + insta snapshots of the Timeline pane on the simulated account, 20
//! minutes into prod's incident: the :42 deployment marked as the suspect before the
//! 5xx alarm, each feed failing on its own while the others still show, the detail
//! view, the source filter, `R` opening the rollback runbook and every size down to 1x1.

mod ui_support;

use crossterm::event::KeyCode;
use opsdeck::cloud::CloudError;
use opsdeck::cloud::sim::SimSource;
use opsdeck::panes::Pane;
use opsdeck::panes::runbooks::RunbooksState;
use opsdeck::panes::timeline::feed::Feed;
use opsdeck::runbook::library::Library;
use ui_support::{console_on, key, render, text};

const SIZES: [(u16, u16); 3] = [(80, 24), (200, 60), (40, 10)];

#[tokio::test]
async fn the_incident_with_its_suspect() {
    let state = console_on(Pane::Timeline, "prod", 20, |_| {}).await;
    let t = &state.timeline;
    let s = t.merged.suspect.as_ref().expect("a suspect");
    assert!(
        s.evidence
            .starts_with("deploy of :42 to cloudplatform-prod-ecs-service"),
        "{}",
        s.evidence
    );
    let screen = text(&render(&state, 200, 60));
    for want in [
        "suspect: deploy of :42",
        "OK → ALARM",
        "alb-5xx-errors",
        "rollback to :41",
        "ecs:UpdateService",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
    // Time order, whatever the feed.
    let times: Vec<i64> = t.merged.events.iter().map(|e| e.at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("timeline_prod_incident_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
}

#[tokio::test]
async fn each_feed_fails_on_its_own_and_the_others_still_show() {
    for (source, feed) in [
        (SimSource::AlarmHistory, Feed::Alarms),
        (SimSource::TrailEvents, Feed::CloudTrail),
        (SimSource::EcsServices, Feed::Deployments),
        (SimSource::DbEvents, Feed::Database),
    ] {
        let state = console_on(Pane::Timeline, "prod", 20, |w| {
            w.fail(source, CloudError::AccessDenied("not allowed".into()))
        })
        .await;
        let t = &state.timeline;
        assert!(t.feeds[&feed].error.is_some(), "{feed:?} shows its error");
        let others: Vec<Feed> = [Feed::Alarms, Feed::CloudTrail, Feed::Deployments]
            .into_iter()
            .filter(|f| *f != feed)
            .collect();
        for f in others {
            assert!(
                t.merged.events.iter().any(|e| e.feed == f),
                "{f:?} still shows while {feed:?} fails"
            );
        }
        let screen = text(&render(&state, 200, 60));
        assert!(screen.contains("⚠ AccessDenied"), "{screen}");
    }
}

#[tokio::test]
async fn detail_filter_and_rollback_offer() {
    let mut state = console_on(Pane::Timeline, "prod", 20, |_| {}).await;
    key(&mut state, KeyCode::Char('S'));
    assert!(state.timeline.selected_is_suspect());
    key(&mut state, KeyCode::Enter);
    let screen = text(&render(&state, 120, 40));
    assert!(screen.contains("task definition"), "{screen}");
    insta::assert_snapshot!("timeline_suspect_detail_120x40", screen);
    key(&mut state, KeyCode::Esc);
    assert!(!state.timeline.detail);
    key(&mut state, KeyCode::Char('s'));
    assert!(
        state
            .timeline
            .merged
            .visible
            .iter()
            .all(|&i| state.timeline.merged.events[i].feed == Feed::Deployments)
    );
    state.runbooks = RunbooksState::new(Library::load(None));
    key(&mut state, KeyCode::Char('R'));
    assert_eq!(state.pane, Pane::Runbooks);
    let status = state
        .status
        .as_ref()
        .map(|s| s.0.clone())
        .unwrap_or_default();
    assert!(
        status.starts_with("rollback of cloudplatform-prod-ecs-service from :42"),
        "{status}"
    );
    insta::assert_snapshot!(
        "timeline_rollback_offer_120x40",
        text(&render(&state, 120, 40))
    );
}

#[tokio::test]
async fn every_size_without_a_panic() {
    let mut state = console_on(Pane::Timeline, "prod", 20, |_| {}).await;
    key(&mut state, KeyCode::Enter);
    for w in [1, 2, 5, 10, 20, 40, 80] {
        for h in [1, 2, 3, 5, 8, 24] {
            let _ = render(&state, w, h);
        }
    }
}
