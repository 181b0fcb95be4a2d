//! `HistoryRead` on AWS: what happened over a window, behind the incident timeline.
//!
//! moto 5.2.5 serves RDS `DescribeEvents` (it ignores `StartTime`/`EndTime` and does not
//! page), so that read runs against moto. It implements neither CloudWatch
//! `DescribeAlarmHistory`, CloudTrail `LookupEvents` nor Application Auto Scaling
//! `DescribeScalingActivities`: those are tested with `aws-smithy-mocks`, asserting the
//! requests built (dates, filters, lookup attributes, pages, the CloudTrail pace and page
//! guard) and the mapping (HistoryData JSON, malformed included; CloudTrail records), and
//! against moto only for what opsdeck says when an endpoint lacks them.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use aws_types::region::Region;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::{AlarmState, CloudError, HistoryRead, Window};
use support::moto;

const SINCE: i64 = 1_788_220_800;
const UNTIL: i64 = SINCE + 3_600;
const WINDOW: Window = Window {
    since: SINCE,
    until: UNTIL,
};

fn interceptor(rules: &[&Rule]) -> MockResponseInterceptor {
    let mut i = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        i = i.with_rule(rule);
    }
    i
}

/// A client of `$krate` answering from `$rules`.
macro_rules! mocked {
    ($krate:ident, $rules:expr) => {
        $krate::Client::from_conf(
            $krate::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(Credentials::new("a", "b", None, None, "t"))
                .http_client(create_mock_http_client())
                .interceptor(interceptor($rules))
                .build(),
        )
    };
}

fn secs(t: Option<&DateTime>) -> Option<i64> {
    t.map(DateTime::secs)
}

mod alarm_history {
    use aws_sdk_cloudwatch::operation::describe_alarm_history::{
        DescribeAlarmHistoryError, DescribeAlarmHistoryOutput,
    };
    use aws_sdk_cloudwatch::types::{AlarmHistoryItem, AlarmType, HistoryItemType};

    use super::*;

    fn cloud(rules: &[&Rule]) -> AwsCloud {
        AwsCloud::from_clients(AwsClients {
            cloudwatch: mocked!(aws_sdk_cloudwatch, rules),
            ..AwsClients::unreachable()
        })
    }

    fn item(name: &str, at: i64, summary: &str, data: Option<&str>) -> AlarmHistoryItem {
        AlarmHistoryItem::builder()
            .alarm_name(name)
            .alarm_type(AlarmType::MetricAlarm)
            .history_item_type(HistoryItemType::StateUpdate)
            .timestamp(DateTime::from_secs(at))
            .history_summary(summary)
            .set_history_data(data.map(str::to_owned))
            .build()
    }

    #[tokio::test]
    async fn every_page_is_read_and_only_the_prefix_is_kept() {
        let asks = |r: &aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryInput| {
            r.alarm_types() == [AlarmType::MetricAlarm]
                && r.history_item_type() == Some(&HistoryItemType::StateUpdate)
                && secs(r.start_date()) == Some(SINCE)
                && secs(r.end_date()) == Some(UNTIL)
                && r.alarm_name().is_none()
        };
        let page1 = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history)
            .match_requests(move |r| asks(r) && r.next_token().is_none())
            .then_output(|| {
                DescribeAlarmHistoryOutput::builder()
                    .alarm_history_items(item(
                        "cloudplatform-prod-alb-5xx-errors",
                        SINCE + 900,
                        "Alarm updated from ALARM to OK",
                        Some(r#"{"version":"1.0","oldState":{"stateValue":"ALARM"},"newState":{"stateValue":"OK","stateReason":"Threshold Crossed: 1 datapoint [0.4] was not greater than the threshold (10.0)."}}"#),
                    ))
                    .alarm_history_items(item(
                        "cloudplatform-staging-alb-5xx-errors",
                        SINCE + 800,
                        "Alarm updated from OK to ALARM",
                        None,
                    ))
                    .next_token("p2")
                    .build()
            });
        let page2 = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history)
            .match_requests(move |r| asks(r) && r.next_token() == Some("p2"))
            .then_output(|| {
                DescribeAlarmHistoryOutput::builder()
                    .alarm_history_items(item(
                        "cloudplatform-prod-alb-5xx-errors",
                        SINCE + 240,
                        "Alarm updated from OK to ALARM",
                        Some("{truncated"),
                    ))
                    .alarm_history_items(item(
                        "cloudplatform-prod-ecs-cpu-high",
                        SINCE + 200,
                        "Alarm updated",
                        Some("{}"),
                    ))
                    .build()
            });
        let history = cloud(&[&page1, &page2])
            .alarm_history("cloudplatform-prod-", WINDOW)
            .await
            .expect("history");
        assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1));
        assert!(history.complete);
        let got: Vec<(i64, Option<AlarmState>, AlarmState, &str)> = history
            .iter()
            .map(|t| (t.at - SINCE, t.from, t.to, t.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    900,
                    Some(AlarmState::Alarm),
                    AlarmState::Ok,
                    "Threshold Crossed: 1 datapoint [0.4] was not greater than the threshold (10.0)."
                ),
                // Malformed HistoryData: the summary says both states.
                (
                    240,
                    Some(AlarmState::Ok),
                    AlarmState::Alarm,
                    "Alarm updated from OK to ALARM"
                ),
            ]
        );
        assert!(
            history
                .iter()
                .all(|t| t.alarm == "cloudplatform-prod-alb-5xx-errors")
        );
    }

    #[tokio::test]
    async fn an_endless_next_token_stops_at_the_guard_as_partial() {
        let endless = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history)
            .sequence()
            .output(|| {
                DescribeAlarmHistoryOutput::builder()
                    .alarm_history_items(item("p-a", SINCE, "Alarm updated from OK to ALARM", None))
                    .next_token("again")
                    .build()
            })
            .repeatedly()
            .build();
        let history = cloud(&[&endless])
            .alarm_history("p-", WINDOW)
            .await
            .expect("history");
        assert_eq!(endless.num_calls(), opsdeck::cloud::aws::MAX_PAGES);
        assert!(!history.complete);
        assert_eq!(history.len(), opsdeck::cloud::aws::MAX_PAGES);
    }

    #[tokio::test]
    async fn access_denied_is_mapped() {
        let rule = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history).then_error(|| {
            DescribeAlarmHistoryError::generic(
                ErrorMetadata::builder()
                    .code("AccessDenied")
                    .message("not authorized to perform: cloudwatch:DescribeAlarmHistory")
                    .build(),
            )
        });
        let err = cloud(&[&rule])
            .alarm_history("p-", WINDOW)
            .await
            .unwrap_err();
        assert!(matches!(err, CloudError::AccessDenied(_)), "{err:?}");
    }
}

mod cloudtrail {
    use aws_sdk_cloudtrail::operation::lookup_events::{LookupEventsError, LookupEventsOutput};
    use aws_sdk_cloudtrail::types::{Event, LookupAttributeKey, Resource};

    use super::*;

    fn cloud(rules: &[&Rule], pace: Duration) -> AwsCloud {
        AwsCloud::from_clients(AwsClients {
            cloudtrail: mocked!(aws_sdk_cloudtrail, rules),
            ..AwsClients::unreachable()
        })
        .with_trail_pace(pace)
    }

    fn event(id: &str, at: i64, name: &str, read_only: &str, record: &str) -> Event {
        Event::builder()
            .event_id(id)
            .event_name(name)
            .event_source("ecs.amazonaws.com")
            .event_time(DateTime::from_secs(at))
            .read_only(read_only)
            .resources(
                Resource::builder()
                    .resource_type("AWS::ECS::Service")
                    .resource_name("svc")
                    .build(),
            )
            .cloud_trail_event(record)
            .build()
    }

    /// The one lookup attribute of a request: ResourceName's value.
    fn looked_up(
        r: &aws_sdk_cloudtrail::operation::lookup_events::LookupEventsInput,
    ) -> Option<String> {
        match r.lookup_attributes() {
            [a] if a.attribute_key() == &LookupAttributeKey::ResourceName => {
                Some(a.attribute_value().to_string())
            }
            _ => None,
        }
    }

    #[tokio::test]
    async fn one_lookup_per_name_every_page_writes_only_each_event_once() {
        let dated = |r: &aws_sdk_cloudtrail::operation::lookup_events::LookupEventsInput| {
            secs(r.start_time()) == Some(SINCE) && secs(r.end_time()) == Some(UNTIL)
        };
        let svc1 = mock!(aws_sdk_cloudtrail::Client::lookup_events)
            .match_requests(move |r| {
                dated(r) && looked_up(r).as_deref() == Some("svc") && r.next_token().is_none()
            })
            .then_output(|| {
                LookupEventsOutput::builder()
                    .events(event(
                        "e1",
                        SINCE + 120,
                        "UpdateService",
                        "false",
                        r#"{"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/ci/deploy"}}"#,
                    ))
                    .events(event("r1", SINCE + 130, "DescribeServices", "true", "{}"))
                    .next_token("p2")
                    .build()
            });
        let svc2 = mock!(aws_sdk_cloudtrail::Client::lookup_events)
            .match_requests(move |r| {
                dated(r) && looked_up(r).as_deref() == Some("svc") && r.next_token() == Some("p2")
            })
            .then_output(|| {
                LookupEventsOutput::builder()
                    .events(event(
                        "e0",
                        SINCE + 60,
                        "RegisterTaskDefinition",
                        "false",
                        r#"{"errorCode":"AccessDenied","errorMessage":"no"}"#,
                    ))
                    .build()
            });
        let cluster = mock!(aws_sdk_cloudtrail::Client::lookup_events)
            .match_requests(move |r| dated(r) && looked_up(r).as_deref() == Some("cluster"))
            .then_output(|| {
                LookupEventsOutput::builder()
                    // The same event as svc's first: kept once.
                    .events(event("e1", SINCE + 120, "UpdateService", "false", "{}"))
                    .events(event(
                        "e2",
                        SINCE + 600,
                        "UpdateService",
                        "false",
                        "not json",
                    ))
                    .build()
            });
        let names = vec!["svc".to_string(), "cluster".to_string(), "svc".to_string()];
        let pace = Duration::from_millis(150);
        let started = Instant::now();
        let events = cloud(&[&svc1, &svc2, &cluster], pace)
            .trail_events(&names, WINDOW)
            .await
            .expect("events");
        let took = started.elapsed();
        assert_eq!(
            (svc1.num_calls(), svc2.num_calls(), cluster.num_calls()),
            (1, 1, 1),
            "a name asked twice is looked up once"
        );
        assert!(
            took >= pace * 2,
            "three calls paced {pace:?} apart took {took:?}"
        );
        assert!(events.complete);
        let got: Vec<(&str, i64, &str)> = events
            .iter()
            .map(|e| (e.id.as_str(), e.at - SINCE, e.name.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("e0", 60, "RegisterTaskDefinition"),
                ("e1", 120, "UpdateService"),
                ("e2", 600, "UpdateService"),
            ]
        );
        assert_eq!(events[0].error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(
            events[1].user.as_deref(),
            Some("arn:aws:sts::1:assumed-role/ci/deploy")
        );
        assert_eq!(events[1].resources, vec!["svc".to_string()]);
        assert!(events.iter().all(|e| !e.read_only));
    }

    #[tokio::test]
    async fn lookups_are_paced_half_a_second_apart_by_default() {
        let rule = mock!(aws_sdk_cloudtrail::Client::lookup_events)
            .then_output(|| LookupEventsOutput::builder().build());
        let cloud = AwsCloud::from_clients(AwsClients {
            cloudtrail: mocked!(aws_sdk_cloudtrail, &[&rule]),
            ..AwsClients::unreachable()
        });
        let started = Instant::now();
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let events = cloud.trail_events(&names, WINDOW).await.expect("events");
        let took = started.elapsed();
        assert!(events.is_empty() && events.complete);
        assert_eq!(rule.num_calls(), 3);
        assert!(took >= Duration::from_millis(1_000), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }

    #[tokio::test]
    async fn the_page_guard_stops_reading_and_says_partial() {
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&calls);
        let endless = mock!(aws_sdk_cloudtrail::Client::lookup_events)
            .match_requests(move |_| {
                seen.fetch_add(1, Ordering::Relaxed);
                true
            })
            .sequence()
            .output(|| {
                let n = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos());
                LookupEventsOutput::builder()
                    .events(event(
                        &format!("e{n}"),
                        SINCE,
                        "UpdateService",
                        "false",
                        "{}",
                    ))
                    .next_token("again")
                    .build()
            })
            .repeatedly()
            .build();
        let names = vec!["svc".to_string(), "never-reached".to_string()];
        let events = cloud(&[&endless], Duration::ZERO)
            .trail_events(&names, WINDOW)
            .await
            .expect("events");
        assert_eq!(calls.load(Ordering::Relaxed), 100);
        assert!(!events.complete);
        assert!(!events.is_empty());
    }

    #[tokio::test]
    async fn no_names_make_no_call_and_throttling_is_mapped() {
        let rule = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_error(|| {
            LookupEventsError::generic(
                ErrorMetadata::builder()
                    .code("ThrottlingException")
                    .message("Rate exceeded")
                    .build(),
            )
        });
        let cloud = cloud(&[&rule], Duration::ZERO);
        let none = cloud.trail_events(&[], WINDOW).await.expect("no names");
        assert!(none.is_empty() && none.complete);
        assert_eq!(rule.num_calls(), 0);
        let err = cloud
            .trail_events(&["svc".to_string()], WINDOW)
            .await
            .unwrap_err();
        assert!(matches!(err, CloudError::Throttled(_)), "{err:?}");
    }
}

mod scaling {
    use aws_sdk_applicationautoscaling::operation::describe_scaling_activities::DescribeScalingActivitiesOutput;
    use aws_sdk_applicationautoscaling::types::{
        ScalableDimension, ScalingActivity, ScalingActivityStatusCode, ServiceNamespace,
    };

    use super::*;

    fn cloud(rules: &[&Rule]) -> AwsCloud {
        AwsCloud::from_clients(AwsClients {
            autoscaling: mocked!(aws_sdk_applicationautoscaling, rules),
            ..AwsClients::unreachable()
        })
    }

    fn activity(id: &str, at: i64) -> ScalingActivity {
        ScalingActivity::builder()
            .activity_id(id)
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id("service/c/s")
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .description(format!("Setting desired count to {id}."))
            .cause("monitor alarm cpu-high in state ALARM triggered policy scale-out")
            .start_time(DateTime::from_secs(at))
            .end_time(DateTime::from_secs(at + 60))
            .status_code(ScalingActivityStatusCode::Successful)
            .build()
            .expect("activity")
    }

    #[tokio::test]
    async fn pages_are_read_until_older_than_the_window_and_filtered_to_it() {
        let asks = |r: &aws_sdk_applicationautoscaling::operation::describe_scaling_activities::DescribeScalingActivitiesInput| {
            r.service_namespace() == Some(&ServiceNamespace::Ecs)
                && r.resource_id() == Some("service/c/s")
                && r.scalable_dimension() == Some(&ScalableDimension::EcsServiceDesiredCount)
        };
        let page1 = mock!(aws_sdk_applicationautoscaling::Client::describe_scaling_activities)
            .match_requests(move |r| asks(r) && r.next_token().is_none())
            .then_output(|| {
                DescribeScalingActivitiesOutput::builder()
                    .scaling_activities(activity("9", UNTIL + 60))
                    .scaling_activities(activity("6", SINCE + 1_800))
                    .next_token("p2")
                    .build()
            });
        let page2 = mock!(aws_sdk_applicationautoscaling::Client::describe_scaling_activities)
            .match_requests(move |r| asks(r) && r.next_token() == Some("p2"))
            .then_output(|| {
                DescribeScalingActivitiesOutput::builder()
                    .scaling_activities(activity("5", SINCE + 60))
                    .scaling_activities(activity("3", SINCE - 60))
                    .next_token("p3")
                    .build()
            });
        let page3 = mock!(aws_sdk_applicationautoscaling::Client::describe_scaling_activities)
            .match_requests(move |r| r.next_token() == Some("p3"))
            .then_output(|| DescribeScalingActivitiesOutput::builder().build());
        let got = cloud(&[&page1, &page2, &page3])
            .scaling_activities("c", "s", WINDOW)
            .await
            .expect("activities");
        assert_eq!(
            (page1.num_calls(), page2.num_calls(), page3.num_calls()),
            (1, 1, 0),
            "an activity older than the window ends the reading"
        );
        let seen: Vec<(i64, &str, &str)> = got
            .iter()
            .map(|a| (a.at - SINCE, a.description.as_str(), a.status.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (1_800, "Setting desired count to 6.", "Successful"),
                (60, "Setting desired count to 5.", "Successful")
            ]
        );
        assert_eq!(got[0].ended_at, Some(SINCE + 1_860));
        assert_eq!(got[0].resource_id, "service/c/s");
        assert!(got[0].cause.contains("cpu-high"));
    }
}

mod rds_events {
    use aws_sdk_rds::operation::describe_events::DescribeEventsOutput;
    use aws_sdk_rds::types::{Event, SourceType};

    use super::*;

    #[tokio::test]
    async fn the_request_names_the_instance_and_window_and_pages_are_followed() {
        let asks = |r: &aws_sdk_rds::operation::describe_events::DescribeEventsInput| {
            r.source_type() == Some(&SourceType::DbInstance)
                && r.source_identifier() == Some("db")
                && secs(r.start_time()) == Some(SINCE)
                && secs(r.end_time()) == Some(UNTIL)
        };
        let ev = |at: i64, msg: &str| {
            Event::builder()
                .source_identifier("db")
                .source_type(SourceType::DbInstance)
                .message(msg)
                .event_categories("failover")
                .date(DateTime::from_secs(at))
                .build()
        };
        let page1 = mock!(aws_sdk_rds::Client::describe_events)
            .match_requests(move |r| asks(r) && r.marker().is_none())
            .then_output(move || {
                DescribeEventsOutput::builder()
                    .events(ev(SINCE + 10, "Multi-AZ instance failover started."))
                    .marker("m2")
                    .build()
            });
        let page2 = mock!(aws_sdk_rds::Client::describe_events)
            .match_requests(move |r| asks(r) && r.marker() == Some("m2"))
            .then_output(move || {
                DescribeEventsOutput::builder()
                    .events(ev(SINCE + 70, "Multi-AZ instance failover completed"))
                    .events(Event::builder().message("no date").build())
                    .build()
            });
        let cloud = AwsCloud::from_clients(AwsClients {
            rds: mocked!(aws_sdk_rds, &[&page1, &page2]),
            ..AwsClients::unreachable()
        });
        let events = cloud.db_events("db", WINDOW).await.expect("events");
        let got: Vec<(i64, &str)> = events
            .iter()
            .map(|e| (e.at - SINCE, e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (10, "Multi-AZ instance failover started."),
                (70, "Multi-AZ instance failover completed")
            ]
        );
        assert_eq!(events[0].categories, vec!["failover".to_string()]);
    }
}

mod against_moto {
    use super::*;

    fn cloud_on_moto(config: &aws_types::SdkConfig) -> AwsCloud {
        AwsCloud::from_clients(AwsClients::from_sdk_config(config, None))
            .with_trail_pace(Duration::ZERO)
    }

    fn around_now() -> Window {
        let now = opsdeck::cloud::sim::wall_clock_now();
        Window {
            since: now - 600,
            until: now + 600,
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn db_events_of_one_instance_from_moto() {
        let config = moto::sdk_config().await;
        let rds = aws_sdk_rds::Client::new(&config);
        let mut ids = Vec::new();
        for prefix in ["events", "other"] {
            let id = moto::unique(prefix);
            rds.create_db_instance()
                .db_instance_identifier(&id)
                .db_instance_class("db.t3.micro")
                .engine("postgres")
                .allocated_storage(20)
                .master_username("app")
                .master_user_password("not-a-secret-1")
                .send()
                .await
                .expect("CreateDBInstance");
            ids.push(id);
        }
        let cloud = cloud_on_moto(&config);
        let events = cloud
            .db_events(&ids[0], around_now())
            .await
            .expect("events");
        assert!(
            events
                .iter()
                .any(|e| e.message == "DB instance created" && e.categories == ["creation"]),
            "{events:#?}"
        );
        assert!(events.iter().all(|e| e.source_id == ids[0]), "{events:#?}");
        let nothing = cloud
            .db_events("no-such-instance", around_now())
            .await
            .expect("unknown instance");
        assert!(nothing.is_empty());
        // moto ignores the dates; opsdeck keeps only the window.
        let past = Window {
            since: SINCE - 3_600,
            until: SINCE,
        };
        assert!(
            cloud
                .db_events(&ids[0], past)
                .await
                .expect("past")
                .is_empty()
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn what_moto_lacks_is_a_server_error_never_a_panic_or_an_empty_answer() {
        let cloud = cloud_on_moto(&moto::sdk_config().await);
        let trail = cloud
            .trail_events(&["svc".to_string()], around_now())
            .await
            .unwrap_err();
        let scaling = cloud
            .scaling_activities("c", "s", around_now())
            .await
            .unwrap_err();
        for (what, err) in [
            ("LookupEvents", trail),
            ("DescribeScalingActivities", scaling),
        ] {
            // A bare 500: a server error (asked again at the next refresh), not "not
            // supported" for the session, and never an empty list.
            assert_eq!(
                err,
                CloudError::Server(format!("{what}: HTTP 500")),
                "{what}"
            );
        }
    }
}
