//! What happened over a window on the simulated account (`HistoryRead`): the demo's prod
//! incident as alarm transitions and CloudTrail events, operator writes as trail events,
//! RDS events and scaling activities, and each read failing on its own.

use futures::executor::block_on;

use super::tests::{MIN, PROD_API, PROD_CLUSTER, T0, cloud, world};
use super::*;
use crate::cloud::{
    AlarmState, AlarmTransition, DataAct, HistoryRead, MetricsRead, TrailEvent, Window,
};

const PROD_5XX: &str = "cloudplatform-prod-alb-5xx-errors";
const PROD_DB: &str = "cloudplatform-prod-rds-postgres";

fn window(from_min: i64, to_min: i64) -> Window {
    Window {
        since: T0 + from_min * MIN,
        until: T0 + to_min * MIN,
    }
}

fn prod_names() -> Vec<String> {
    vec![
        PROD_CLUSTER.to_string(),
        PROD_API.to_string(),
        "cloudplatform-prod-fastapi".to_string(),
    ]
}

fn alarms(c: &SimCloud, w: Window) -> Vec<AlarmTransition> {
    block_on(c.alarm_history("cloudplatform-prod-", w))
        .expect("alarm history")
        .items
}

fn trail(c: &SimCloud, names: &[String], w: Window) -> Vec<TrailEvent> {
    block_on(c.trail_events(names, w)).expect("trail").items
}

#[test]
fn demo_prod_at_minute_20_deploys_42_before_the_5xx_alarm_fires_and_clears() {
    let w = world(42);
    w.set_elapsed(20 * MIN);
    let c = cloud(&w, "prod");
    let span = window(-30, 21);

    let events = trail(&c, &prod_names(), span);
    let register = events
        .iter()
        .find(|e| e.name == "RegisterTaskDefinition")
        .expect("the :42 registration");
    assert_eq!(register.at, T0 - 18 * MIN);
    assert!(register.resources.iter().any(|r| r.ends_with("fastapi:42")));
    let deploy = events
        .iter()
        .find(|e| e.name == "UpdateService")
        .expect("the :42 deploy");
    assert_eq!(deploy.at, T0 + 2 * MIN);
    assert_eq!(deploy.source, "ecs.amazonaws.com");
    assert_eq!(deploy.user.as_deref(), Some(trail::CI_DEPLOY_USER));
    assert!(
        deploy
            .resources
            .contains(&"cloudplatform-prod-fastapi:42".to_string())
    );
    assert_eq!(events.len(), 2, "{events:#?}");

    let mut history = alarms(&c, span);
    history.reverse();
    let five_xx: Vec<&AlarmTransition> = history.iter().filter(|t| t.alarm == PROD_5XX).collect();
    assert_eq!(five_xx.len(), 2, "fires once, clears once: {five_xx:#?}");
    let fired = five_xx[0];
    assert_eq!(
        (fired.from, fired.to),
        (Some(AlarmState::Ok), AlarmState::Alarm)
    );
    assert!(fired.at > deploy.at, "{fired:?} after {deploy:?}");
    assert_eq!(fired.at, T0 + 4 * MIN);
    assert!(fired.reason.starts_with("Threshold Crossed"), "{fired:?}");
    let cleared = five_xx[1];
    assert_eq!(
        (cleared.from, cleared.to),
        (Some(AlarmState::Alarm), AlarmState::Ok)
    );
    // The rollback starts at 12:00; the errors fall over three minutes.
    assert!(cleared.at > T0 + incident::CIRCUIT_BREAKER, "{cleared:?}");
    assert_eq!(cleared.at, T0 + 16 * MIN);
}

#[test]
fn the_5xx_alarm_fires_and_clears_once_whatever_the_seed_and_start() {
    for seed in 0..12 {
        let w = SimWorld::new(seed, SimClock::Fixed(T0 + seed as i64 * 17));
        w.set_elapsed(20 * MIN);
        let c = SimCloud::new(w.clone(), "prod");
        let start = w.start();
        let span = Window {
            since: start - 30 * MIN,
            until: start + 21 * MIN,
        };
        let five_xx: Vec<(Epoch, AlarmState)> = alarms(&c, span)
            .into_iter()
            .rev()
            .filter(|t| t.alarm == PROD_5XX)
            .map(|t| (t.at - start, t.to))
            .collect();
        assert_eq!(
            five_xx,
            vec![(4 * MIN, AlarmState::Alarm), (16 * MIN, AlarmState::Ok)],
            "seed {seed}"
        );
    }
}

#[test]
fn the_last_transition_of_each_alarm_is_its_state_now() {
    let w = world(7);
    for minute in [3, 6, 13, 20] {
        w.set_elapsed(minute * MIN);
        let c = cloud(&w, "prod");
        let now = block_on(c.describe_alarms("cloudplatform-prod-")).expect("alarms");
        let history = alarms(&c, window(-60, 60));
        for alarm in &now {
            if let Some(last) = history.iter().find(|t| t.alarm == alarm.name) {
                assert_eq!(
                    last.to, alarm.state,
                    "minute {minute}: {last:?} vs {alarm:?}"
                );
            } else {
                assert_eq!(alarm.state, AlarmState::Ok, "minute {minute}: {alarm:?}");
            }
        }
    }
}

#[test]
fn calm_environments_have_no_alarm_transitions_over_a_day() {
    let w = world(3);
    for env in ["dev", "staging"] {
        let c = cloud(&w, env);
        let h = block_on(c.alarm_history("", window(-24 * 60, 1))).expect("history");
        assert!(h.complete);
        assert!(h.is_empty(), "{env}: {:#?}", h.items);
    }
}

#[test]
fn an_operator_rollback_clears_the_alarm_early_and_is_in_the_trail() {
    let w = world(42);
    w.set_elapsed(6 * MIN);
    let c = cloud(&w, "prod");
    let rollback = ServiceUpdate {
        task_definition: Some("cloudplatform-prod-fastapi:41".into()),
        ..Default::default()
    };
    block_on(c.update_service(PROD_CLUSTER, PROD_API, &rollback)).expect("rollback");
    w.set_elapsed(20 * MIN);
    let events = trail(&c, &[PROD_API.to_string()], window(0, 21));
    let names: Vec<(&str, Option<&str>, Epoch)> = events
        .iter()
        .map(|e| (e.name.as_str(), e.user.as_deref(), e.at - T0))
        .collect();
    assert_eq!(
        names,
        vec![
            ("UpdateService", Some(trail::CI_DEPLOY_USER), 2 * MIN),
            ("UpdateService", Some("oncall@example.com"), 6 * MIN),
        ]
    );
    assert!(
        events[1]
            .resources
            .contains(&"cloudplatform-prod-fastapi:41".to_string())
    );
    let cleared = alarms(&c, window(0, 21))
        .into_iter()
        .find(|t| t.alarm == PROD_5XX)
        .expect("5xx history");
    assert_eq!(cleared.to, AlarmState::Ok);
    assert!(cleared.at < T0 + incident::CIRCUIT_BREAKER, "{cleared:?}");
}

#[test]
fn data_and_scale_writes_are_trail_events_db_events_and_scaling_activities() {
    let w = world(5);
    w.set_elapsed(30 * MIN);
    let c = cloud(&w, "prod");
    let scale = ServiceUpdate {
        desired_count: Some(5),
        ..Default::default()
    };
    block_on(c.update_service(PROD_CLUSTER, PROD_API, &scale)).expect("scale");
    w.advance(60);
    block_on(c.create_db_snapshot(PROD_DB, "snap-inc-1", &[])).expect("snapshot");
    w.advance(60);
    block_on(c.failover_db_instance(PROD_DB)).expect("failover");
    w.advance(60);
    let span = window(25, 40);

    let events = trail(&c, &[PROD_API.to_string(), PROD_DB.to_string()], span);
    let got: Vec<(&str, &str, Epoch)> = events
        .iter()
        .map(|e| (e.name.as_str(), e.source.as_str(), e.at - T0))
        .collect();
    assert_eq!(
        got,
        vec![
            ("UpdateService", "ecs.amazonaws.com", 30 * MIN),
            ("CreateDBSnapshot", "rds.amazonaws.com", 31 * MIN),
            ("RebootDBInstance", "rds.amazonaws.com", 32 * MIN),
        ]
    );
    assert!(
        events
            .iter()
            .all(|e| !e.read_only && e.error_code.is_none())
    );
    let ids: std::collections::HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 3);

    let db = block_on(c.db_events(PROD_DB, span)).expect("db events");
    let messages: Vec<&str> = db.iter().map(|e| e.message.as_str()).collect();
    assert!(
        messages[0].starts_with("Backing up DB instance (manual snapshot snap-inc-1)"),
        "{messages:?}"
    );
    assert!(messages.contains(&"Multi-AZ instance failover completed"));
    assert!(db.iter().all(|e| e.source_id == PROD_DB));
    assert!(
        block_on(c.db_events("other-db", span))
            .expect("unknown instance")
            .is_empty()
    );

    let scaling = block_on(c.scaling_activities(PROD_CLUSTER, PROD_API, span)).expect("scaling");
    assert_eq!(scaling.len(), 1, "{scaling:#?}");
    assert_eq!(scaling[0].at, T0 + 30 * MIN);
    assert_eq!(
        scaling[0].resource_id,
        format!("service/{PROD_CLUSTER}/{PROD_API}")
    );
    assert_eq!(scaling[0].description, "Setting desired count to 5.");
    assert!(
        block_on(c.scaling_activities(PROD_CLUSTER, PROD_API, window(0, 29)))
            .expect("before")
            .is_empty()
    );
}

#[test]
fn each_history_read_fails_on_its_own_and_can_be_cut_short() {
    let w = world(1);
    w.set_elapsed(20 * MIN);
    let c = cloud(&w, "prod");
    let span = window(-30, 21);
    let names = prod_names();
    let sources = [
        SimSource::AlarmHistory,
        SimSource::TrailEvents,
        SimSource::DbEvents,
        SimSource::ScalingActivities,
    ];
    for failing in sources {
        w.fail(failing, CloudError::AccessDenied(format!("{failing:?}")));
        let results = [
            block_on(c.alarm_history("", span)).map(|_| ()),
            block_on(c.trail_events(&names, span)).map(|_| ()),
            block_on(c.db_events(PROD_DB, span)).map(|_| ()),
            block_on(c.scaling_activities(PROD_CLUSTER, PROD_API, span)).map(|_| ()),
        ];
        for (source, result) in sources.iter().zip(results) {
            assert_eq!(
                result.is_err(),
                *source == failing,
                "{source:?} with {failing:?}"
            );
        }
        w.heal(failing);
    }
    w.cut_short(SimSource::TrailEvents, 1);
    let cut = block_on(c.trail_events(&names, span)).expect("trail");
    assert_eq!((cut.len(), cut.complete), (1, false));
}

#[test]
fn every_kind_of_sim_write_is_a_trail_event_naming_its_resource() {
    use crate::cloud::IncidentAct;
    let w = world(9);
    w.set_elapsed(30 * MIN);
    let c = cloud(&w, "prod");
    block_on(c.update_service(
        PROD_CLUSTER,
        PROD_API,
        &ServiceUpdate {
            force_new_deployment: true,
            ..Default::default()
        },
    ))
    .expect("restart");
    block_on(c.create_db_snapshot(PROD_DB, "snap-1", &[])).expect("snapshot");
    block_on(c.failover_db_instance(PROD_DB)).expect("failover");
    block_on(c.stop_db_instance(PROD_DB)).expect("stop");
    block_on(c.start_db_instance(PROD_DB)).expect("start");
    block_on(c.test_cache_failover("cloudplatform-prod-redis", "0001")).expect("cache");
    block_on(c.tag_service(&c.profile.service_arn(PROD_API), "k", "v")).expect("tag");
    block_on(c.rotate_secret("/prod/database/credentials", "tok")).expect("rotate");
    block_on(c.set_access_key_status(SIM_ACCESS_KEY.1, SIM_ACCESS_KEY.0, false)).expect("key");
    block_on(c.publish_alert(
        "arn:aws:sns:us-east-1:333333333333:cloudplatform-prod-alerts",
        "subject",
        "message",
    ))
    .expect("alert");
    let logged = w.logged_writes("prod");
    assert_eq!(logged.len(), 10);
    let ctx = c.ctx();
    for write in &logged {
        let e = trail::from_write(ctx, write).unwrap_or_else(|| panic!("{write:?}"));
        assert!(!e.source.is_empty() && !e.resources.is_empty(), "{e:?}");
        assert_eq!(e.user.as_deref(), Some("oncall@example.com"));
        let named = trail(&c, &e.resources[..1], window(29, 31));
        assert!(
            named.iter().any(|n| n.id == e.id),
            "{e:?} not found by {:?}",
            e.resources[0]
        );
    }
}
