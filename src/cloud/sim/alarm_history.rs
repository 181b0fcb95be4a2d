//! The simulated account's alarm history: the alarms `DescribeAlarms` shows, evaluated
//! once a minute (on the world start's minute grid) through the window, with a
//! transition wherever an alarm's state differs from the minute before. The history is
//! therefore the same story the Dashboard's alarms tell: prod's 5xx alarm goes to ALARM
//! a little after the `:42` deployment and back to OK after the rollback.

use super::metrics::{self, IncidentClock};
use super::profile::EnvProfile;
use crate::cloud::{AlarmState, AlarmTransition, Epoch, Window};

/// The evaluation step, in seconds.
const STEP: i64 = 60;

/// State changes of the alarms named `prefix…` in `window` up to `now`, newest first (as
/// CloudWatch answers).
pub fn transitions(
    seed: u64,
    clock: &IncidentClock,
    profile: &EnvProfile,
    prefix: &str,
    window: Window,
    now: Epoch,
) -> Vec<AlarmTransition> {
    let end = window.until.min(now.saturating_add(1));
    let first = window.since + (clock.start - window.since).rem_euclid(STEP);
    let states = |t: Epoch| -> Vec<(String, AlarmState, String)> {
        let mut alarms: Vec<_> = metrics::alarms(seed, clock, profile, t)
            .into_iter()
            .filter(|a| a.name.starts_with(prefix))
            .map(|a| (a.name, a.state, a.reason))
            .collect();
        alarms.sort_by(|a, b| a.0.cmp(&b.0));
        alarms
    };
    let mut out = Vec::new();
    if first >= end {
        return out;
    }
    let mut before = states(first - STEP);
    let mut t = first;
    while t < end {
        let now_states = states(t);
        for (name, state, reason) in &now_states {
            let old = before
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, s, _)| *s);
            if old != Some(*state) {
                out.push(AlarmTransition {
                    at: t,
                    alarm: name.clone(),
                    from: old,
                    to: *state,
                    reason: reason.clone(),
                });
            }
        }
        before = now_states;
        t += STEP;
    }
    out.reverse();
    out
}
