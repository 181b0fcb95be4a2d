//! A scenario's faults resolved against what the operator did: each fault's onset, when
//! a write (or the drill's referee, for checklists) resolved it, and when it escalated;
//! and from those, how strongly it shows at any instant. Every reader of the simulated
//! account (metrics, alarms, logs, findings, cost) asks this one place.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::profile::{EnvProfile, security_group};
use super::scenario::{FaultKind, Scenario, SimFault};
use super::timeline::{Change, WriteOp};
use crate::cloud::types::Epoch;

/// Seconds a fault takes to show fully after its onset.
pub const RAMP: i64 = 90;
/// Seconds a fault's effect takes to fade once resolved.
pub const FADE: i64 = 120;

/// One fault as played so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Played {
    pub fault: SimFault,
    pub onset: Epoch,
    /// When the operator's response (or its own end) stopped it.
    pub resolved: Option<Epoch>,
    /// The write that resolved it (the sim's line), if one did.
    pub resolved_by: Option<String>,
}

impl Played {
    /// When it escalates (or escalated), unless it was resolved first.
    pub fn escalates_at(&self) -> Option<Epoch> {
        let esc = self.fault.escalation.as_ref()?;
        let at = self.onset.saturating_add(esc.after);
        match self.resolved {
            Some(r) if r <= at => None,
            _ => Some(at),
        }
    }

    /// True when it had escalated at `t`.
    pub fn escalated_by(&self, t: Epoch) -> bool {
        self.escalates_at().is_some_and(|at| at <= t)
    }

    /// The escalation factor in force at `t` (1 before).
    fn factor(&self, t: Epoch) -> f64 {
        match &self.fault.escalation {
            Some(e) if self.escalated_by(t) => e.factor,
            _ => 1.0,
        }
    }

    /// How strongly it shows at `t`: 0 before its onset, ramping to 1, times the
    /// escalation factor, fading to 0 after it was resolved.
    pub fn level(&self, t: Epoch) -> f64 {
        if t < self.onset {
            return 0.0;
        }
        let ramp = ((t - self.onset) as f64 / RAMP as f64).clamp(0.0, 1.0);
        let fade = match self.resolved {
            Some(r) if t >= r => 1.0 - ((t - r) as f64 / FADE as f64).clamp(0.0, 1.0),
            _ => 1.0,
        };
        ramp * fade * self.factor(t)
    }

    /// True when it shows at `t` (a resolved fault has faded out).
    pub fn active(&self, t: Epoch) -> bool {
        self.level(t) > 0.01
    }

    /// The fault's effect summed over time up to `t`, in minutes at level 1 (for what
    /// accumulates: storage used, money spent). Growth stops when it is resolved.
    pub fn accumulated_minutes(&self, t: Epoch) -> f64 {
        let end = self.resolved.map_or(t, |r| r.min(t));
        if end <= self.onset {
            return 0.0;
        }
        let (plain, escalated) = match self.escalates_at() {
            Some(at) if at < end => (at - self.onset, end - at),
            _ => (end - self.onset, 0),
        };
        let factor = self.fault.escalation.as_ref().map_or(1.0, |e| e.factor);
        (plain as f64 + escalated as f64 * factor) / 60.0
    }
}

/// The faults of one environment as played up to now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultClock {
    played: Vec<Played>,
}

/// What the faults are resolved against.
pub struct Facts<'a> {
    pub start: Epoch,
    pub now: Epoch,
    pub profile: &'a EnvProfile,
    pub ops: &'a [WriteOp],
    /// Every write to the environment: (sequence number, when, the sim's line).
    pub writes: &'a [(u64, Epoch, String)],
    /// Faults the drill's referee marked mitigated (checklists), by id.
    pub mitigated: &'a BTreeMap<String, Epoch>,
    /// The ENI of the task a `crypto_miner` fault runs in (None: any quarantine counts).
    pub miner_eni: Option<&'a str>,
}

impl FaultClock {
    /// The faults of `scenario` in `facts.profile`'s environment.
    pub fn resolve(scenario: Option<&Arc<Scenario>>, facts: &Facts<'_>) -> FaultClock {
        let Some(scenario) = scenario else {
            return FaultClock::default();
        };
        let played = scenario
            .in_env(&facts.profile.name)
            .map(|f| {
                let onset = facts.start.saturating_add(f.at);
                let (resolved, by) = match resolution(f, onset, facts) {
                    Some((at, by)) => (Some(at), Some(by)),
                    None => (None, None),
                };
                let own_end = f.lasts.map(|l| onset.saturating_add(l));
                let (resolved, by) = match (resolved, own_end) {
                    (Some(r), Some(e)) if e < r => (Some(e), None),
                    (None, Some(e)) => (Some(e), None),
                    (r, _) => (r, by),
                };
                Played {
                    fault: f.clone(),
                    onset,
                    resolved: resolved.filter(|r| *r <= facts.now),
                    resolved_by: by,
                }
            })
            .collect();
        FaultClock { played }
    }

    /// Every fault of the environment.
    pub fn played(&self) -> &[Played] {
        &self.played
    }

    /// The summed level of the faults of `kind` at `t`.
    pub fn level(&self, kind: FaultKind, t: Epoch) -> f64 {
        self.of(kind).map(|p| p.level(t) * p.fault.rate).sum()
    }

    /// The summed accumulation (rate × minutes) of the faults of `kind` up to `t`.
    pub fn accumulated(&self, kind: FaultKind, t: Epoch) -> f64 {
        self.of(kind)
            .map(|p| p.accumulated_minutes(t) * p.fault.rate)
            .sum()
    }

    /// The faults of `kind`.
    pub fn of(&self, kind: FaultKind) -> impl Iterator<Item = &Played> {
        self.played.iter().filter(move |p| p.fault.kind == kind)
    }
}

/// When and by which write the operator's response resolved `fault`.
fn resolution(fault: &SimFault, onset: Epoch, facts: &Facts<'_>) -> Option<(Epoch, String)> {
    if let Some(at) = facts.mitigated.get(&fault.id) {
        return Some((*at, format!("{} mitigated (checklist)", fault.id)));
    }
    let api = facts.profile.services.first().map(|s| s.name.as_str());
    let after = |at: Epoch| at >= onset;
    let op_line = |op: &WriteOp| {
        facts
            .writes
            .iter()
            .find(|w| w.0 == op.seq)
            .map(|w| w.2.clone())
            .unwrap_or_default()
    };
    let line = |pred: &dyn Fn(&str) -> bool| {
        facts
            .writes
            .iter()
            .find(|w| after(w.1) && pred(&w.2))
            .map(|w| (w.1, w.2.clone()))
    };
    match fault.kind {
        FaultKind::BadDeploy => facts
            .ops
            .iter()
            .find(|op| {
                after(op.at)
                    && Some(op.service.as_str()) == api
                    && matches!(&op.change, Change::Deploy { target: Some((family, revision)), .. }
                    if !facts.profile.family(family).is_some_and(|f| {
                        f.revisions.iter().any(|r| r.number == *revision && r.bad)
                    }))
            })
            .map(|op| (op.at, op_line(op))),
        // A new deployment of the API (a restart) recycles the leaked connections.
        FaultKind::DbConnections => facts
            .ops
            .iter()
            .find(|op| {
                after(op.at)
                    && Some(op.service.as_str()) == api
                    && matches!(op.change, Change::Deploy { .. })
            })
            .map(|op| (op.at, op_line(op))),
        // A failover promotes the replica: a fresh primary without the fragmented memory.
        FaultKind::CachePressure => line(&|l| l.contains(" TestFailover ")),
        // Quarantine cuts the miner off its pool: the process idles.
        FaultKind::CryptoMiner => {
            let quarantine = format!("Groups=[{}]", security_group(&fault.env, "quarantine"));
            let eni = facts.miner_eni.map(|e| format!(" {e} "));
            line(&|l| {
                l.contains(" ModifyNetworkInterfaceAttribute ")
                    && l.ends_with(&quarantine)
                    && eni.as_ref().is_none_or(|e| l.contains(e.as_str()))
            })
        }
        FaultKind::LeakedKey => {
            line(&|l| l.contains(" UpdateAccessKey ") && l.ends_with("Status=Inactive"))
        }
        // Scaling the environment's compute to zero stops the job behind the traffic.
        FaultKind::NatCost => facts
            .ops
            .iter()
            .find(|op| {
                after(op.at)
                    && matches!(
                        op.change,
                        Change::Scale { desired: 0 }
                            | Change::Deploy {
                                desired: Some(0),
                                ..
                            }
                    )
            })
            .map(|op| (op.at, op_line(op))),
        FaultKind::DbStorage | FaultKind::Dependency5xx => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::scenario::Escalation;
    use super::*;

    fn fault(kind: FaultKind, at: i64) -> SimFault {
        SimFault {
            id: "f".into(),
            kind,
            env: "prod".into(),
            at,
            rate: 2.0,
            escalation: Some(Escalation {
                after: 600,
                factor: 3.0,
                note: "worse".into(),
            }),
            lasts: None,
        }
    }

    #[test]
    fn level_ramps_escalates_and_fades() {
        let mut p = Played {
            fault: fault(FaultKind::DbStorage, 60),
            onset: 60,
            resolved: None,
            resolved_by: None,
        };
        assert_eq!(p.level(0), 0.0);
        assert_eq!(p.level(60 + RAMP), 1.0);
        assert_eq!(p.level(60 + 600), 3.0);
        assert!((p.accumulated_minutes(60 + 720) - (10.0 + 2.0 * 3.0)).abs() < 1e-9);
        p.resolved = Some(300);
        assert_eq!(p.escalates_at(), None);
        assert_eq!(p.level(300 + FADE), 0.0);
        assert!((p.accumulated_minutes(2000) - 4.0).abs() < 1e-9);
    }

    #[test]
    fn a_rollback_resolves_a_bad_deploy() {
        let profile = EnvProfile::for_env("prod");
        let scenario = Arc::new(Scenario {
            faults: vec![fault(FaultKind::BadDeploy, 120)],
        });
        let op = WriteOp {
            seq: 0,
            at: 400,
            env: "prod".into(),
            service: profile.services[0].name.clone(),
            change: Change::Deploy {
                target: Some((profile.families[0].name.clone(), 41)),
                desired: None,
            },
        };
        let none = BTreeMap::new();
        let facts = Facts {
            start: 0,
            now: 500,
            profile: &profile,
            ops: std::slice::from_ref(&op),
            writes: &[],
            mitigated: &none,
            miner_eni: None,
        };
        let clock = FaultClock::resolve(Some(&scenario), &facts);
        assert_eq!(clock.played()[0].resolved, Some(400));
        let before = Facts { ops: &[], ..facts };
        assert_eq!(
            FaultClock::resolve(Some(&scenario), &before).played()[0].resolved,
            None
        );
    }
}
