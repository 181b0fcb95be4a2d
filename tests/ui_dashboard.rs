//! TestBackend + insta snapshots of the dashboard pane on the simulated account: prod
//! healthy (minute 1), degraded (minute 6, the `:42` crash loop), one source failing, at
//! 80x24, 200x60 and 240x70, plus every size down to 1x1 without a panic.

mod ui_support;

use crossterm::event::KeyCode;
use opsdeck::cloud::CloudError;
use opsdeck::cloud::sim::SimSource;
use opsdeck::panes::Pane;
use opsdeck::panes::dashboard::query::TimeRange;
use opsdeck::ui::theme::{Level, Theme};
use ui_support::{console_on, key, render, text};

const SIZES: [(u16, u16); 3] = [(80, 24), (200, 60), (240, 70)];

#[tokio::test]
async fn dashboard_prod_healthy() {
    let state = console_on(Pane::Dashboard, "prod", 1, |_| {}).await;
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("ALB: OK"), "{screen}");
    assert!(screen.contains("DB: OK"), "{screen}");
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("dashboard_prod_healthy_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
}

#[tokio::test]
async fn dashboard_prod_degraded_during_the_incident() {
    let state = console_on(Pane::Dashboard, "prod", 6, |_| {}).await;
    let buf = render(&state, 200, 60);
    let screen = text(&buf);
    assert!(screen.contains("ALB: p99 latency"), "{screen}");
    assert!(screen.contains("ALARM"), "{screen}");
    // The Requests tier header is drawn in the theme's critical colour.
    let theme = Theme::default_theme();
    let (x, y) = find(&screen, " REQUESTS ").expect("requests header");
    assert_eq!(
        buf[(x + 1, y)].fg,
        theme.level(Level::Critical).fg.unwrap_or_default()
    );
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("dashboard_prod_degraded_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
}

#[tokio::test]
async fn dashboard_recovers_after_the_rollback() {
    let state = console_on(Pane::Dashboard, "prod", 20, |_| {}).await;
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("ALB: OK"), "{screen}");
}

#[tokio::test]
async fn staging_database_is_short_of_storage() {
    let state = console_on(Pane::Dashboard, "staging", 1, |_| {}).await;
    let screen = text(&render(&state, 200, 60));
    assert!(
        screen.contains("DB: FreeStorageSpace 3.1 GB < 5 GB"),
        "{screen}"
    );
}

#[tokio::test]
async fn dashboard_with_alarms_failing_keeps_the_rest() {
    let state = console_on(Pane::Dashboard, "prod", 1, |w| {
        w.fail(
            SimSource::Alarms,
            CloudError::AccessDenied("cloudwatch:DescribeAlarms".into()),
        );
    })
    .await;
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("AccessDenied"), "{screen}");
    assert!(screen.contains("ALB: OK"), "{screen}");
    // A failed read is unknown, never a count computed from nothing.
    assert!(!screen.contains("0 in ALARM"), "{screen}");
    assert!(screen.contains("Alarms (unknown)"), "{screen}");
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("dashboard_prod_alarms_denied_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
}

/// A throttled source says when it asks again (the schedule's back-off, from the error).
#[tokio::test]
async fn a_throttled_source_says_when_it_retries() {
    let state = console_on(Pane::Dashboard, "prod", 1, |w| {
        w.fail(
            SimSource::Alarms,
            CloudError::Throttled("DescribeAlarms: Throttling: Rate exceeded".into()),
        );
    })
    .await;
    let wait =
        opsdeck::panes::kit::schedule::throttle_wait("DescribeAlarms: Throttling: Rate exceeded");
    // Fetched at T0+60, drawn 5 s later.
    let expected = format!("throttled, retrying in {}s", wait - 5);
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains(&expected), "{expected} in {screen}");
}

#[tokio::test]
async fn missing_alb_says_how_to_configure_it() {
    let state = console_on(Pane::Dashboard, "dev", 1, |w| {
        w.fail(SimSource::LoadBalancers, CloudError::NotFound("x".into()));
    })
    .await;
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("set load_balancer in config"), "{screen}");
    assert!(screen.contains("ECS: OK"), "{screen}");
}

#[tokio::test]
async fn t_switches_the_time_range() {
    let mut state = console_on(Pane::Dashboard, "prod", 6, |_| {}).await;
    key(&mut state, KeyCode::Char('t'));
    assert_eq!(state.dashboard.range, TimeRange::H3);
    assert!(text(&render(&state, 200, 60)).contains("last 3h"));
}

#[tokio::test]
async fn every_size_renders_without_panic() {
    let state = console_on(Pane::Dashboard, "prod", 7, |_| {}).await;
    for w in [1, 2, 10, 39, 40, 41, 79, 80, 99, 100, 120, 300] {
        for h in [1, 2, 5, 9, 10, 11, 24, 29, 30, 31, 70] {
            render(&state, w, h);
        }
    }
    insta::assert_snapshot!("dashboard_prod_20x5", text(&render(&state, 20, 5)));
}

fn find(screen: &str, needle: &str) -> Option<(u16, u16)> {
    screen.lines().enumerate().find_map(|(y, l)| {
        l.find(needle)
            .map(|bx| (l[..bx].chars().count() as u16, y as u16))
    })
}

#[tokio::test]
async fn every_tier_is_drawn_at_every_height_from_24_rows() {
    let state = console_on(Pane::Dashboard, "prod", 6, |_| {}).await;
    for w in [100, 120, 160] {
        for h in 24..=60 {
            let screen = text(&render(&state, w, h));
            let full = ["REQUESTS", "COMPUTE", "DATABASE", "CACHE"]
                .iter()
                .all(|t| screen.contains(t));
            // Below the full layout each tier is one line of numbers, with its verdict.
            let compact = ["ALB   req", "ECS   cpu", "DB    free", "Cache hit"]
                .iter()
                .all(|t| screen.contains(t))
                && ["ALB:", "ECS:", "DB:", "Cache:"]
                    .iter()
                    .all(|t| screen.contains(t));
            assert!(full || compact, "a tier is missing at {w}x{h}:\n{screen}");
        }
    }
}
