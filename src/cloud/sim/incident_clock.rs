//! When things go wrong in one environment: the bad deployment's timing (the built-in
//! prod incident, or a drill's `bad_deploy`) and a drill's other faults, each resolved
//! against the operator's writes. Metrics, alarms and logs read everything through this.

use super::faults::FaultClock;
use super::scenario::FaultKind;
use crate::cloud::types::Epoch;

/// The built-in prod incident's deployment starts this long after the world's start.
const BUILT_IN_DEPLOY: i64 = 120;
/// A crash-looping deployment's circuit breaker fires this long after it started.
const BREAKER_AFTER: i64 = 600;

/// How things stand in one environment of the world.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncidentClock {
    pub start: Epoch,
    /// When (seconds after the start) an operator's rollback took the API off the bad
    /// revision, if one did.
    pub recovered: Option<i64>,
    /// When (seconds after the start) the bad deployment starts, if this environment has
    /// one.
    pub deploy_at: Option<i64>,
    /// The circuit breaker ends the crash loop by itself (the built-in incident).
    pub breaker: bool,
    /// A drill's faults (empty outside drills).
    pub faults: FaultClock,
    /// True when the world plays a drill.
    pub drill: bool,
    /// The API's desired count over time: (from, count), oldest first.
    pub api_desired: Vec<(Epoch, i32)>,
}

impl IncidentClock {
    /// The built-in incident's clock for prod with no operator rollback (tests).
    #[cfg(test)]
    pub fn scripted(start: Epoch) -> IncidentClock {
        IncidentClock::built_in(start, "prod", None)
    }

    /// The built-in demo's clock for `env` (only prod has the incident).
    pub fn built_in(start: Epoch, env: &str, recovered: Option<i64>) -> IncidentClock {
        IncidentClock {
            start,
            recovered,
            deploy_at: (env == "prod").then_some(BUILT_IN_DEPLOY),
            breaker: true,
            ..IncidentClock::default()
        }
    }

    /// How bad the bad deployment makes the API at `t` (0 calm … 1 at the worst).
    pub fn badness(&self, _env: &str, t: Epoch) -> f64 {
        let Some(deploy) = self.deploy_at else {
            return 0.0;
        };
        let since = t - self.start - deploy;
        let recovered = self.recovered.map(|r| r - deploy);
        badness_since_deploy(since, recovered, self.breaker)
    }

    /// A drill fault's summed level at `t`, rate included.
    pub fn fault(&self, kind: FaultKind, t: Epoch) -> f64 {
        self.faults.level(kind, t)
    }

    /// A drill fault's level at `t` without its rate: 0 calm, 1 fully shown, more once
    /// escalated.
    pub fn norm(&self, kind: FaultKind, t: Epoch) -> f64 {
        self.faults.of(kind).map(|p| p.level(t)).sum()
    }

    /// The bad deployment's escalation factor in force at `t` (1 before or without one).
    pub fn deploy_factor(&self, t: Epoch) -> f64 {
        self.faults
            .of(FaultKind::BadDeploy)
            .filter(|p| p.escalated_by(t) && p.resolved.is_none_or(|r| r > t))
            .filter_map(|p| p.fault.escalation.as_ref().map(|e| e.factor))
            .fold(1.0, f64::max)
    }

    /// The API's desired count at `t` and at the start (per-task figures scale with it).
    pub fn desired_ratio(&self, t: Epoch) -> f64 {
        let first = self.api_desired.first().map_or(1, |d| d.1).max(1);
        let now = self
            .api_desired
            .iter()
            .take_while(|(at, _)| *at <= t)
            .last()
            .map_or(first, |d| d.1)
            .max(1);
        f64::from(first) / f64::from(now)
    }
}

/// How bad prod is `e` seconds after the world's start in the built-in incident (its
/// deployment at 2:00): 0 calm … 1 at the worst. `recovered`: when an operator rolled
/// back (else the circuit breaker's 12:00).
#[cfg(test)]
pub fn badness(env: &str, e: i64, recovered: Option<i64>) -> f64 {
    if env != "prod" {
        return 0.0;
    }
    let recovered = recovered
        .filter(|r| *r >= BUILT_IN_DEPLOY)
        .map(|r| r - BUILT_IN_DEPLOY);
    badness_since_deploy(e - BUILT_IN_DEPLOY, recovered, true)
}

/// Errors start 30 s after the deployment begins, peak 90 s later, and fall over three
/// minutes from the operator's rollback or (with the breaker on) the breaker's 10:00.
fn badness_since_deploy(since: i64, recovered: Option<i64>, breaker: bool) -> f64 {
    let ramp = |from: i64, to: i64| ((since - from) as f64 / (to - from) as f64).clamp(0.0, 1.0);
    let fall = match (recovered.filter(|r| *r >= 0), breaker) {
        (Some(r), true) => r.min(BREAKER_AFTER),
        (Some(r), false) => r,
        (None, true) => BREAKER_AFTER,
        (None, false) => return ramp(30, 120),
    };
    ramp(30, 120) * (1.0 - ramp(fall, fall + 180))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_breaker_the_crash_loop_goes_on() {
        let c = IncidentClock {
            start: 0,
            deploy_at: Some(300),
            drill: true,
            ..IncidentClock::default()
        };
        assert_eq!(c.badness("staging", 300), 0.0);
        assert_eq!(c.badness("staging", 300 + 3600), 1.0);
        let rolled = IncidentClock {
            recovered: Some(900),
            ..c
        };
        assert_eq!(rolled.badness("staging", 900 + 180), 0.0);
    }

    #[test]
    fn desired_ratio_follows_scaling() {
        let c = IncidentClock {
            api_desired: vec![(0, 3), (100, 6)],
            ..IncidentClock::default()
        };
        assert_eq!(c.desired_ratio(50), 1.0);
        assert_eq!(c.desired_ratio(100), 0.5);
    }
}
