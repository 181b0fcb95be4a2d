//! CloudWatch `DescribeAlarmHistory`: the state changes of the environment's metric alarms
//! over a window.
//!
//! The API filters by one exact `AlarmName`, not by a prefix, so every state update of
//! every metric alarm in the window is read (every page) and those whose name starts with
//! the prefix are kept. Each item's `HistoryData` is JSON written by CloudWatch
//! (`oldState.stateValue`, `newState.stateValue`, `newState.stateReason`); it is read
//! defensively: a missing or malformed document falls back to the summary text
//! (`Alarm updated from OK to ALARM`), and an item saying neither is left out.

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmHistoryItem, AlarmType, HistoryItemType, ScanBy};
use aws_smithy_types::DateTime;
use serde_json::Value;

use super::convert::owned;
use super::error_map::map_sdk_error;
use super::paging::{MAX_PAGES, next_token};
use crate::cloud::{AlarmState, AlarmTransition, CloudResult, Listing, Window};

/// Items asked for per page (the API's maximum).
const PAGE_SIZE: i32 = 100;

/// State updates of metric alarms named `prefix…` in `window`, newest first (every page;
/// a listing cut at the paging guard is partial).
pub async fn alarm_history(
    client: &Client,
    prefix: &str,
    window: Window,
) -> CloudResult<Listing<AlarmTransition>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .describe_alarm_history()
            .alarm_types(AlarmType::MetricAlarm)
            .history_item_type(HistoryItemType::StateUpdate)
            .start_date(DateTime::from_secs(window.since))
            .end_date(DateTime::from_secs(window.until))
            .scan_by(ScanBy::TimestampDescending)
            .max_records(PAGE_SIZE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeAlarmHistory", e))?;
        out.extend(
            page.alarm_history_items()
                .iter()
                .filter(|i| i.alarm_name().unwrap_or_default().starts_with(prefix))
                .filter_map(transition),
        );
        token = next_token(page.next_token());
        if token.is_none() {
            return Ok(Listing::complete(out));
        }
    }
    Ok(Listing::partial(out))
}

/// One history item as a transition; `None` when neither its data nor its summary says
/// which state the alarm went to.
pub fn transition(item: &AlarmHistoryItem) -> Option<AlarmTransition> {
    let summary = owned(item.history_summary());
    let data = item
        .history_data()
        .and_then(|d| serde_json::from_str::<Value>(d).ok());
    let state_of = |which: &str| {
        data.as_ref()
            .and_then(|d| d.get(which))
            .and_then(|s| s.get("stateValue"))
            .and_then(Value::as_str)
            .and_then(parse_state)
    };
    let (summary_from, summary_to) = from_summary(&summary);
    let to = state_of("newState").or(summary_to)?;
    let from = state_of("oldState").or(summary_from);
    let reason = data
        .as_ref()
        .and_then(|d| d.get("newState"))
        .and_then(|s| s.get("stateReason"))
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .map_or(summary, str::to_owned);
    Some(AlarmTransition {
        at: item.timestamp().map_or(0, DateTime::secs),
        alarm: owned(item.alarm_name()),
        from,
        to,
        reason,
    })
}

/// A state as the API spells it.
pub fn parse_state(s: &str) -> Option<AlarmState> {
    match s {
        "ALARM" => Some(AlarmState::Alarm),
        "OK" => Some(AlarmState::Ok),
        "INSUFFICIENT_DATA" => Some(AlarmState::InsufficientData),
        _ => None,
    }
}

/// The states named by a summary `Alarm updated from OK to ALARM`.
fn from_summary(summary: &str) -> (Option<AlarmState>, Option<AlarmState>) {
    let Some(rest) = summary.split_once(" from ").map(|(_, r)| r) else {
        return (None, None);
    };
    match rest.split_once(" to ") {
        Some((from, to)) => (
            parse_state(from.trim()),
            parse_state(to.trim().trim_end_matches('.')),
        ),
        None => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(summary: Option<&str>, data: Option<&str>) -> AlarmHistoryItem {
        AlarmHistoryItem::builder()
            .alarm_name("p-prod-alb-5xx-errors")
            .timestamp(DateTime::from_secs(1_000))
            .set_history_summary(summary.map(str::to_owned))
            .set_history_data(data.map(str::to_owned))
            .build()
    }

    #[test]
    fn history_data_gives_both_states_and_the_reason() {
        let data = r#"{"version":"1.0","oldState":{"stateValue":"OK","stateReason":"fine"},
            "newState":{"stateValue":"ALARM","stateReason":"Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0)."}}"#;
        let t = transition(&item(Some("Alarm updated from OK to ALARM"), Some(data)))
            .expect("transition");
        assert_eq!((t.from, t.to), (Some(AlarmState::Ok), AlarmState::Alarm));
        assert!(t.reason.starts_with("Threshold Crossed"), "{}", t.reason);
        assert_eq!((t.at, t.alarm.as_str()), (1_000, "p-prod-alb-5xx-errors"));
    }

    #[test]
    fn malformed_history_data_falls_back_to_the_summary() {
        for data in [
            Some("{not json"),
            Some("[]"),
            Some(r#"{"newState":{"stateValue":42}}"#),
            Some(r#"{"newState":"ALARM"}"#),
            Some(""),
            None,
        ] {
            let t = transition(&item(Some("Alarm updated from ALARM to OK"), data))
                .unwrap_or_else(|| panic!("{data:?}"));
            assert_eq!((t.from, t.to), (Some(AlarmState::Alarm), AlarmState::Ok));
            assert_eq!(t.reason, "Alarm updated from ALARM to OK");
        }
    }

    #[test]
    fn an_item_that_names_no_new_state_is_left_out() {
        assert_eq!(transition(&item(Some("Alarm updated"), Some("{}"))), None);
        assert_eq!(transition(&item(None, None)), None);
        assert_eq!(
            transition(&item(Some("Alarm updated from OK to PURPLE"), None)),
            None
        );
        // Data without the old state: the summary still gives it.
        let t = transition(&item(
            Some("Alarm updated from INSUFFICIENT_DATA to OK"),
            Some(r#"{"newState":{"stateValue":"OK"}}"#),
        ))
        .expect("transition");
        assert_eq!(t.from, Some(AlarmState::InsufficientData));
        assert_eq!(t.reason, "Alarm updated from INSUFFICIENT_DATA to OK");
    }
}
