//! The cloud's own records as timeline events: alarm state changes, CloudTrail
//! management events, findings first seen, scaling activities and RDS events.

use super::event::{EventKind, Jump, TimelineEvent};
use super::feed::Feed;
use crate::cloud::{
    AlarmState, AlarmTransition, DbEvent, Finding, ScalingActivity, Severity, ThreatFinding,
    TrailEvent, Window,
};
use crate::level::Level;

/// Alarm state changes.
pub fn alarms(transitions: &[AlarmTransition], window: Window) -> Vec<TimelineEvent> {
    transitions
        .iter()
        .filter(|t| window.contains(t.at))
        .map(|t| {
            let from = t.from.map_or("?", AlarmState::as_str);
            let (kind, level) = match (t.from, t.to) {
                (_, AlarmState::Alarm) => (EventKind::AlarmRaised, Level::Critical),
                (Some(AlarmState::Alarm), _) => (EventKind::AlarmCleared, Level::Ok),
                _ => (EventKind::AlarmOther, Level::Unknown),
            };
            TimelineEvent::new(
                t.at,
                Feed::Alarms,
                kind,
                &t.alarm,
                format!("{from} → {}", t.to.as_str()),
            )
            .level(level)
            .with("alarm", &t.alarm)
            .with("from", from)
            .with("to", t.to.as_str())
            .with("reason", &t.reason)
        })
        .collect()
}

/// CloudTrail management events, with who made them.
pub fn trail(events: &[TrailEvent], window: Window) -> Vec<TimelineEvent> {
    events
        .iter()
        .filter(|e| window.contains(e.at) && !e.read_only)
        .map(|e| {
            let service = e.source.trim_end_matches(".amazonaws.com");
            let resource = e
                .resources
                .last()
                .map_or(String::new(), |r| crate::cloud::last_segment(r).to_string());
            let mut summary = format!("{service}:{}", e.name);
            if let Some(code) = &e.error_code {
                summary.push_str(&format!(" failed ({code})"));
            }
            let mut ev = TimelineEvent::new(
                e.at,
                Feed::CloudTrail,
                EventKind::ConfigChange,
                resource,
                summary,
            )
            .level(if e.error_code.is_some() {
                Level::Unknown
            } else {
                Level::Ok
            })
            .by(e.user.clone())
            .with("event", &e.name)
            .with("source", &e.source)
            .with("event id", &e.id);
            for r in &e.resources {
                ev = ev.with("resource", r.clone());
            }
            if let Some(code) = &e.error_code {
                // A call that failed changed nothing: never a suspect.
                ev.kind = EventKind::Operator;
                ev = ev.with("error", code.clone());
            }
            ev
        })
        .collect()
}

/// Security Hub findings first seen in the window.
pub fn findings(findings: &[Finding], window: Window) -> Vec<TimelineEvent> {
    findings
        .iter()
        .filter_map(|f| {
            let at = f.first_seen.filter(|t| window.contains(*t))?;
            Some(
                TimelineEvent::new(
                    at,
                    Feed::Findings,
                    EventKind::Finding,
                    f.resource_id(),
                    format!("{} {}: {}", f.product_name, f.severity.label(), f.title),
                )
                .level(severity_level(f.severity))
                .with("finding", &f.id)
                .with("product", &f.product_name)
                .with("severity", f.severity.label())
                .with("resource type", f.resource_type())
                .jump(Jump::Finding(f.title.clone())),
            )
        })
        .collect()
}

/// GuardDuty findings first seen in the window.
pub fn threats(findings: &[ThreatFinding], window: Window) -> Vec<TimelineEvent> {
    findings
        .iter()
        .filter_map(|f| {
            let at = f.first_seen.filter(|t| window.contains(*t))?;
            let severity = f.severity();
            Some(
                TimelineEvent::new(
                    at,
                    Feed::Findings,
                    EventKind::Finding,
                    f.resource.label(),
                    format!("GuardDuty {}: {}", severity.label(), f.finding_type),
                )
                .level(severity_level(severity))
                .with("finding", &f.id)
                .with("title", &f.title)
                .with("severity", format!("{:.1}", f.severity_score))
                .with("count", f.count.to_string())
                .jump(Jump::Finding(f.finding_type.clone())),
            )
        })
        .collect()
}

fn severity_level(s: Severity) -> Level {
    match s {
        Severity::Critical | Severity::High => Level::Critical,
        Severity::Medium => Level::Warning,
        Severity::Low | Severity::Informational => Level::Ok,
    }
}

/// Scaling activities.
pub fn scaling(activities: &[ScalingActivity], window: Window) -> Vec<TimelineEvent> {
    activities
        .iter()
        .filter(|a| window.contains(a.at))
        .map(|a| {
            let service = a.resource_id.rsplit('/').next().unwrap_or(&a.resource_id);
            let failed = a.status.eq_ignore_ascii_case("failed");
            TimelineEvent::new(
                a.at,
                Feed::Scaling,
                EventKind::Scaling,
                service,
                format!("{} ({})", a.description, a.status),
            )
            .level(if failed { Level::Warning } else { Level::Ok })
            .with("resource", &a.resource_id)
            .with("status", &a.status)
            .with("cause", &a.cause)
            .with(
                "ended",
                a.ended_at.map_or("-".to_string(), crate::audit::rfc3339_at),
            )
            .jump(Jump::Service(service.to_string()))
        })
        .collect()
}

/// RDS events.
pub fn database(events: &[DbEvent], window: Window) -> Vec<TimelineEvent> {
    events
        .iter()
        .filter(|e| window.contains(e.at))
        .map(|e| {
            let serious = e
                .categories
                .iter()
                .any(|c| matches!(c.as_str(), "failover" | "failure" | "low storage"));
            TimelineEvent::new(
                e.at,
                Feed::Database,
                EventKind::Database,
                &e.source_id,
                &e.message,
            )
            .level(if serious { Level::Warning } else { Level::Ok })
            .with("source", &e.source_id)
            .with("categories", e.categories.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarm_transitions_are_raised_cleared_or_other() {
        let w = Window {
            since: 0,
            until: 100,
        };
        let t = |at, from, to| AlarmTransition {
            at,
            alarm: "x-5xx".into(),
            from,
            to,
            reason: String::new(),
        };
        let e = alarms(
            &[
                t(10, Some(AlarmState::Ok), AlarmState::Alarm),
                t(20, Some(AlarmState::Alarm), AlarmState::Ok),
                t(30, None, AlarmState::InsufficientData),
                t(300, Some(AlarmState::Ok), AlarmState::Alarm),
            ],
            w,
        );
        let kinds: Vec<EventKind> = e.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                EventKind::AlarmRaised,
                EventKind::AlarmCleared,
                EventKind::AlarmOther
            ]
        );
        assert_eq!(e[0].summary, "OK → ALARM");
    }

    #[test]
    fn a_failed_api_call_is_not_a_change() {
        let w = Window {
            since: 0,
            until: 100,
        };
        let e = trail(
            &[TrailEvent {
                id: "1".into(),
                at: 5,
                name: "UpdateService".into(),
                source: "ecs.amazonaws.com".into(),
                user: Some("alice".into()),
                resources: vec!["arn:aws:ecs:us-east-1:1:service/c/api".into()],
                read_only: false,
                error_code: Some("AccessDenied".into()),
            }],
            w,
        );
        assert_eq!(e[0].kind, EventKind::Operator);
        assert_eq!(e[0].summary, "ecs:UpdateService failed (AccessDenied)");
        assert_eq!(e[0].actor.as_deref(), Some("alice"));
        assert_eq!(e[0].resource, "api");
    }
}
