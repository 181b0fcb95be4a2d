//! The suspect change: the last deployment or configuration change before the first
//! alarm of the window, with the evidence an operator reads aloud on the bridge
//! ("deploy of :42 at 02:00, 5xx alarm at 02:03").

use serde::Serialize;

use super::event::{EventKind, RevisionChange, TimelineEvent};
use crate::cloud::Epoch;

/// How far back before the first alarm a change is still a suspect, in seconds.
pub const SUSPECT_LOOKBACK: i64 = 6 * 3600;

/// A CloudTrail call and a deployment this close together are the same change, in seconds.
pub const SAME_CHANGE: i64 = 120;

/// The suspect and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suspect {
    /// Index of the change in the events it was found in.
    pub change: usize,
    /// Index of the first alarm raised.
    pub alarm: usize,
    pub evidence: String,
    /// The revision a rollback would undo, when the change is a deployment.
    pub revision: Option<RevisionChange>,
}

/// The suspect among `events` (sorted by time), if an alarm was raised after a change.
pub fn find(events: &[TimelineEvent]) -> Option<Suspect> {
    let alarm = events
        .iter()
        .position(|e| e.kind == EventKind::AlarmRaised)?;
    let raised = events[alarm].at;
    let change = events[..=alarm]
        .iter()
        .rposition(|e| e.kind.is_change() && e.at <= raised && raised - e.at <= SUSPECT_LOOKBACK)?;
    // CloudTrail's UpdateService and the deployment it started are one change: name the
    // deployment (it knows the revision a rollback undoes) and who made it.
    let trail_actor = events[change].actor.clone();
    let change = if events[change].kind == EventKind::ConfigChange {
        events[..=alarm]
            .iter()
            .rposition(|e| {
                e.kind == EventKind::DeployStarted
                    && e.at <= raised
                    && (e.at - events[change].at).abs() <= SAME_CHANGE
            })
            .unwrap_or(change)
    } else {
        change
    };
    let c = &events[change];
    let a = &events[alarm];
    let actor = c.actor.clone().or(trail_actor);
    let what = match &c.revision {
        Some(r) => format!("deploy of :{} to {}", r.revision, r.service),
        None => format!("{} on {}", c.summary, c.resource),
    };
    let by = actor
        .as_deref()
        .map(|a| format!(" by {a}"))
        .unwrap_or_default();
    let evidence = format!(
        "{what}{by} at {}, {} alarm at {} ({} later)",
        clock(c.at),
        a.resource,
        clock(a.at),
        gap(a.at - c.at)
    );
    Some(Suspect {
        change,
        alarm,
        evidence,
        revision: c.revision.clone(),
    })
}

/// `HH:MM` (UTC) of an instant.
pub fn clock(t: Epoch) -> String {
    let s = t.rem_euclid(86_400);
    format!("{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

fn gap(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panes::timeline::feed::Feed;

    fn ev(at: Epoch, kind: EventKind, resource: &str) -> TimelineEvent {
        TimelineEvent::new(at, Feed::Deployments, kind, resource, "x")
    }

    #[test]
    fn the_last_change_before_the_first_alarm() {
        let mut deploy = ev(7200, EventKind::DeployStarted, "api");
        deploy.revision = Some(RevisionChange {
            service: "api".into(),
            family: "api".into(),
            revision: 42,
            previous: Some(41),
        });
        let events = vec![
            ev(3600, EventKind::DeployStarted, "worker"),
            deploy,
            ev(7300, EventKind::ServiceEvent, "api"),
            ev(7380, EventKind::AlarmRaised, "cloudplatform-prod-alb-5xx"),
            ev(7400, EventKind::ConfigChange, "api"),
            ev(7500, EventKind::AlarmRaised, "other"),
        ];
        let s = find(&events).expect("a suspect");
        assert_eq!((s.change, s.alarm), (1, 3));
        assert_eq!(
            s.evidence,
            "deploy of :42 to api at 02:00, cloudplatform-prod-alb-5xx alarm at 02:03 (3m00s later)"
        );
    }

    #[test]
    fn no_alarm_or_no_change_means_no_suspect() {
        assert!(find(&[ev(1, EventKind::DeployStarted, "a")]).is_none());
        assert!(find(&[ev(1, EventKind::AlarmRaised, "a")]).is_none());
        let far = vec![
            ev(0, EventKind::DeployStarted, "a"),
            ev(SUSPECT_LOOKBACK + 1, EventKind::AlarmRaised, "b"),
        ];
        assert!(find(&far).is_none());
    }
}
