//! CloudTrail `LookupEvents`: the management events that name the environment's resources
//! over a window.
//!
//! The API takes one lookup attribute a call, so each resource name is looked up on its
//! own (`ResourceName=<name>`), every page, and events are merged by event id (an event
//! naming two of the resources is kept once). Read-only events are dropped (the
//! `ReadOnly` attribute, else the record's `readOnly`). The user is `Username`, else the
//! record's `userIdentity.arn`; the error code comes from the record's `errorCode`.
//! CloudTrail allows 2 `LookupEvents` a second per account and region: calls are paced
//! [`PACE`] apart, and reading stops after [`MAX_PAGES`] pages in all (the listing is then
//! partial) so that a busy resource cannot hold the timeline for minutes.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types::{Event, LookupAttribute, LookupAttributeKey};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::Value;
use tokio::time::Instant;

use super::convert::{opt, owned};
use super::error_map::map_sdk_error;
use super::paging::next_token;
use crate::cloud::{CloudResult, Listing, TrailEvent, Window};

/// The least time between two `LookupEvents` calls (CloudTrail's limit is 2 a second).
pub const PACE: Duration = Duration::from_millis(500);
/// The most `LookupEvents` pages one read makes over all its resource names (50 s at the
/// pace; 5 000 events).
pub const MAX_PAGES: usize = 100;
/// Events asked for per page (the API's maximum).
const PAGE_SIZE: i32 = 50;

/// Write events in `window` that name one of `resources`, oldest first, each once.
pub async fn trail_events(
    client: &Client,
    resources: &[String],
    window: Window,
    pace: Duration,
) -> CloudResult<Listing<TrailEvent>> {
    let mut names: Vec<&str> = Vec::new();
    for name in resources.iter().map(String::as_str) {
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut pages = 0;
    let mut last_call: Option<Instant> = None;
    let mut complete = true;
    'names: for name in names {
        let mut token: Option<String> = None;
        loop {
            if pages == MAX_PAGES {
                complete = false;
                break 'names;
            }
            if let Some(last) = last_call {
                tokio::time::sleep_until(last + pace).await;
            }
            last_call = Some(Instant::now());
            pages += 1;
            let page = client
                .lookup_events()
                .lookup_attributes(
                    LookupAttribute::builder()
                        .attribute_key(LookupAttributeKey::ResourceName)
                        .attribute_value(name)
                        .build()
                        .map_err(|e| crate::cloud::CloudError::Invalid(e.to_string()))?,
                )
                .start_time(DateTime::from_secs(window.since))
                .end_time(DateTime::from_secs(window.until))
                .max_results(PAGE_SIZE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| map_sdk_error("LookupEvents", e))?;
            for event in page.events().iter().filter_map(trail_event) {
                if !event.read_only && seen.insert(dedupe_key(&event)) {
                    out.push(event);
                }
            }
            token = next_token(page.next_token());
            if token.is_none() {
                break;
            }
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    Ok(if complete {
        Listing::complete(out)
    } else {
        Listing::partial(out)
    })
}

/// The event id, or (for an event without one) its time, name and source.
fn dedupe_key(e: &TrailEvent) -> String {
    if e.id.is_empty() {
        format!("{}/{}/{}", e.at, e.name, e.source)
    } else {
        e.id.clone()
    }
}

/// One looked-up event; `None` when neither the event nor its record says when it happened.
pub fn trail_event(e: &Event) -> Option<TrailEvent> {
    let record = e
        .cloud_trail_event()
        .and_then(|r| serde_json::from_str::<Value>(r).ok())
        .filter(Value::is_object);
    let field = |key: &str| record.as_ref().and_then(|r| r.get(key));
    let at = e.event_time().map(DateTime::secs).or_else(|| {
        field("eventTime")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::from_str(t, Format::DateTime).ok())
            .map(|t| t.secs())
    })?;
    let read_only = match e.read_only() {
        Some(r) => r.eq_ignore_ascii_case("true"),
        None => field("readOnly").and_then(Value::as_bool).unwrap_or(false),
    };
    Some(TrailEvent {
        id: owned(e.event_id()),
        at,
        name: opt(e.event_name())
            .or_else(|| {
                field("eventName")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_default(),
        source: opt(e.event_source())
            .or_else(|| {
                field("eventSource")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_default(),
        user: opt(e.username()).or_else(|| {
            field("userIdentity")
                .and_then(|u| u.get("arn"))
                .and_then(Value::as_str)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
        }),
        resources: e
            .resources()
            .iter()
            .filter_map(|r| opt(r.resource_name()))
            .collect(),
        read_only,
        error_code: field("errorCode")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudtrail::types::Resource;

    use super::*;

    fn event(record: Option<&str>) -> aws_sdk_cloudtrail::types::builders::EventBuilder {
        Event::builder()
            .event_id("e1")
            .event_name("UpdateService")
            .event_source("ecs.amazonaws.com")
            .event_time(DateTime::from_secs(1_000))
            .resources(
                Resource::builder()
                    .resource_type("AWS::ECS::Service")
                    .resource_name("svc")
                    .build(),
            )
            .set_cloud_trail_event(record.map(str::to_owned))
    }

    #[test]
    fn the_record_gives_the_error_code_and_the_user_when_username_is_missing() {
        let record = r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole",
            "arn":"arn:aws:sts::1:assumed-role/Deploy/ci"},"errorCode":"AccessDenied","readOnly":false}"#;
        let e = trail_event(&event(Some(record)).read_only("false").build()).expect("event");
        assert_eq!(
            e.user.as_deref(),
            Some("arn:aws:sts::1:assumed-role/Deploy/ci")
        );
        assert_eq!(e.error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(e.resources, vec!["svc".to_string()]);
        assert!(!e.read_only);
        let named = trail_event(&event(Some(record)).username("ci").build()).expect("event");
        assert_eq!(named.user.as_deref(), Some("ci"));
    }

    #[test]
    fn a_malformed_record_is_ignored_and_read_only_comes_from_either_place() {
        for record in [Some("{oops"), Some("[1,2]"), Some("\"x\""), Some(""), None] {
            let e = trail_event(&event(record).build()).expect("event");
            assert_eq!((e.user, e.error_code, e.read_only), (None, None, false));
            assert_eq!(e.name, "UpdateService");
        }
        let ro = trail_event(&event(Some(r#"{"readOnly":true}"#)).build()).expect("event");
        assert!(ro.read_only);
        let attr = trail_event(&event(None).read_only("true").build()).expect("event");
        assert!(attr.read_only);
    }

    #[test]
    fn the_time_comes_from_the_record_when_the_event_has_none() {
        let e = Event::builder()
            .event_id("e2")
            .cloud_trail_event(r#"{"eventTime":"2026-09-01T12:00:00Z","eventName":"RotateSecret","eventSource":"secretsmanager.amazonaws.com"}"#)
            .build();
        let t = trail_event(&e).expect("event");
        assert_eq!(t.at, 1_788_264_000);
        assert_eq!(
            (t.name.as_str(), t.source.as_str()),
            ("RotateSecret", "secretsmanager.amazonaws.com")
        );
        assert_eq!(trail_event(&Event::builder().event_id("e3").build()), None);
    }
}
