//! The shared simulated world: seed, clock, the writes applied through `CloudAct`, and the
//! failures and cut-short listings tests inject. Everything else is derived from these on
//! each call.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::clock::SimClock;
use super::data::DataLedger;
use super::incident_runbooks::IncidentLedger;
use super::rng;
use super::scenario::Scenario;
use super::security_ledger::Ledger;
use super::source::SimSource;
use super::timeline::{Change, WriteOp};
use crate::cloud::error::{CloudError, CloudResult};
use crate::cloud::listing::Listing;
use crate::cloud::types::Epoch;

/// A write as the world recorded it: when, in which environment, on what, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedWrite {
    pub seq: u64,
    pub at: Epoch,
    pub env: String,
    /// What `record` was told the write is about (a service, a DB instance, …; may be empty).
    pub resource: String,
    /// `prod UpdateService cluster/service taskDefinition=…`.
    pub line: String,
}

/// The mutable part of the world, behind one lock (never held across `.await`).
#[derive(Debug)]
struct State {
    clock: SimClock,
    ops: Vec<WriteOp>,
    writes: Vec<LoggedWrite>,
    failures: BTreeMap<SimSource, CloudError>,
    /// Failures of one environment's calls only.
    env_failures: BTreeMap<(String, SimSource), CloudError>,
    /// Listings that stop after this many items, as where a paging guard is hit.
    cut_short: BTreeMap<SimSource, usize>,
    security: Ledger,
    data: DataLedger,
    incident: IncidentLedger,
    /// Faults the drill's referee marked mitigated (checklist responses), by id.
    mitigated: BTreeMap<String, Epoch>,
    /// The speed to resume with while paused.
    paused: Option<f64>,
}

/// One deterministic simulated AWS estate (dev, staging, prod), shared by every
/// `SimCloud`.
#[derive(Debug)]
pub struct SimWorld {
    seed: u64,
    start: Epoch,
    /// A drill's faults, played instead of the built-in prod incident.
    scenario: Option<Arc<Scenario>>,
    state: Mutex<State>,
}

impl SimWorld {
    /// A world for `seed` whose incident starts at the clock's start instant.
    pub fn new(seed: u64, clock: SimClock) -> Arc<Self> {
        Self::build(seed, clock, None)
    }

    /// A world for `seed` playing `scenario`'s faults (a drill) instead of the built-in
    /// prod incident.
    pub fn with_scenario(seed: u64, clock: SimClock, scenario: Scenario) -> Arc<Self> {
        Self::build(seed, clock, Some(Arc::new(scenario)))
    }

    fn build(seed: u64, clock: SimClock, scenario: Option<Arc<Scenario>>) -> Arc<Self> {
        Arc::new(Self {
            seed,
            start: clock.start(),
            scenario,
            state: Mutex::new(State {
                clock,
                ops: Vec::new(),
                writes: Vec::new(),
                failures: BTreeMap::new(),
                env_failures: BTreeMap::new(),
                cut_short: BTreeMap::new(),
                security: Ledger::default(),
                data: DataLedger::default(),
                incident: IncidentLedger::default(),
                mitigated: BTreeMap::new(),
                paused: None,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The seed everything random is drawn from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The incident start instant (the clock's start when the world was created).
    pub fn start(&self) -> Epoch {
        self.start
    }

    /// Simulated time now.
    pub fn now(&self) -> Epoch {
        self.lock().clock.now()
    }

    /// Seconds since the world's start (negative if the clock was set before it).
    pub fn elapsed(&self) -> i64 {
        self.now() - self.start
    }

    /// The current clock.
    pub fn clock(&self) -> SimClock {
        self.lock().clock
    }

    /// Replaces the clock (the incident start stays where it was).
    pub fn set_clock(&self, clock: SimClock) {
        self.lock().clock = clock;
    }

    /// Stops time at `t`.
    pub fn set_time(&self, t: Epoch) {
        self.set_clock(SimClock::Fixed(t));
    }

    /// Stops time `secs` after the world's start.
    pub fn set_elapsed(&self, secs: i64) {
        self.set_time(self.start.saturating_add(secs));
    }

    /// Moves the clock by `secs` simulated seconds (a live clock keeps running).
    pub fn advance(&self, secs: i64) {
        let mut state = self.lock();
        state.clock = state.clock.shifted(secs);
    }

    /// The drill's faults, if the world plays a drill.
    pub fn scenario(&self) -> Option<&Arc<Scenario>> {
        self.scenario.as_ref()
    }

    /// Marks the fault `id` mitigated now (a checklist response the referee saw verified).
    pub fn mitigate(&self, id: &str) {
        let mut state = self.lock();
        let now = state.clock.now();
        state.mitigated.entry(id.to_string()).or_insert(now);
    }

    /// The faults marked mitigated, with when.
    pub fn mitigated(&self) -> BTreeMap<String, Epoch> {
        self.lock().mitigated.clone()
    }

    /// Stops a running clock where it is (a live clock's speed is kept for `resume`).
    pub fn pause(&self) {
        let mut state = self.lock();
        if state.paused.is_some() {
            return;
        }
        let speed = match state.clock {
            SimClock::Live { speed, .. } => speed,
            SimClock::Fixed(_) => 0.0,
        };
        state.paused = Some(speed);
        state.clock = SimClock::Fixed(state.clock.now());
    }

    /// Lets a paused clock run again from where it stopped.
    pub fn resume(&self) {
        let mut state = self.lock();
        if let Some(speed) = state.paused.take()
            && speed > 0.0
        {
            state.clock = SimClock::Live {
                start: state.clock.now(),
                started: std::time::Instant::now(),
                speed,
            };
        }
    }

    /// True while paused.
    pub fn is_paused(&self) -> bool {
        self.lock().paused.is_some()
    }

    /// Every write applied so far, oldest first, e.g.
    /// `prod UpdateService cloudplatform-prod-ecs-cluster/cloudplatform-prod-ecs-service taskDefinition=cloudplatform-prod-fastapi:41`.
    pub fn writes(&self) -> Vec<String> {
        self.lock().writes.iter().map(|w| w.line.clone()).collect()
    }

    /// The writes applied to `env`, oldest first, with when they were made.
    pub(crate) fn logged_writes(&self, env: &str) -> Vec<LoggedWrite> {
        let state = self.lock();
        state
            .writes
            .iter()
            .filter(|w| w.env == env)
            .cloned()
            .collect()
    }

    /// Makes every call to `source` fail with `err` until healed.
    pub fn fail(&self, source: SimSource, err: CloudError) {
        self.lock().failures.insert(source, err);
    }

    /// Lets `source` answer again.
    pub fn heal(&self, source: SimSource) {
        self.lock().failures.remove(&source);
    }

    /// Makes every call to `source` in environment `env` (only) fail with `err`.
    pub fn fail_in(&self, env: &str, source: SimSource, err: CloudError) {
        self.lock()
            .env_failures
            .insert((env.to_string(), source), err);
    }

    /// Lets `source` in `env` answer again.
    pub fn heal_in(&self, env: &str, source: SimSource) {
        self.lock().env_failures.remove(&(env.to_string(), source));
    }

    /// Makes the listings of `source` stop after `keep` items and say they are incomplete,
    /// as a real listing does when its paging guard is hit (for tests and demos of the
    /// `≥ N` display).
    pub fn cut_short(&self, source: SimSource, keep: usize) {
        self.lock().cut_short.insert(source, keep);
    }

    /// `items` as a listing of `source`: complete, unless `source` was cut short.
    pub(crate) fn listing<T>(&self, source: SimSource, mut items: Vec<T>) -> Listing<T> {
        match self.lock().cut_short.get(&source) {
            Some(&keep) => {
                items.truncate(keep);
                Listing::partial(items)
            }
            None => Listing::complete(items),
        }
    }

    /// The injected error for `source`, if any.
    pub(crate) fn check(&self, source: SimSource) -> CloudResult<()> {
        match self.lock().failures.get(&source) {
            Some(err) => Err(err.clone()),
            None => Ok(()),
        }
    }

    /// The injected error for `source` in `env` (everywhere, or in `env` only), if any.
    pub(crate) fn check_in(&self, env: &str, source: SimSource) -> CloudResult<()> {
        let state = self.lock();
        match state
            .failures
            .get(&source)
            .or_else(|| state.env_failures.get(&(env.to_string(), source)))
        {
            Some(err) => Err(err.clone()),
            None => Ok(()),
        }
    }

    /// The Security Hub / GuardDuty triage writes, copied out of the lock.
    pub(crate) fn security_ledger(&self) -> Ledger {
        self.lock().security.clone()
    }

    /// Changes the triage writes under the lock.
    pub(crate) fn update_security(&self, f: impl FnOnce(&mut Ledger)) {
        f(&mut self.lock().security);
    }

    /// The data runbooks' writes (RDS snapshots, failovers), copied out of the lock.
    pub(crate) fn data_ledger(&self) -> DataLedger {
        self.lock().data.clone()
    }

    /// Changes the data runbooks' writes under the lock.
    pub(crate) fn update_data(&self, f: impl FnOnce(&mut DataLedger)) {
        f(&mut self.lock().data);
    }

    /// The incident runbooks' writes (rotations, ENI groups, targets, tags, alerts).
    pub fn incident_ledger(&self) -> IncidentLedger {
        self.lock().incident.clone()
    }

    /// Changes the incident runbooks' writes under the lock.
    pub(crate) fn update_incident(&self, f: impl FnOnce(&mut IncidentLedger)) {
        f(&mut self.lock().incident);
    }

    /// The time now and the writes applied to `env`, copied out of the lock.
    pub(crate) fn snapshot(&self, env: &str) -> (Epoch, Vec<WriteOp>) {
        let state = self.lock();
        let ops = state.ops.iter().filter(|o| o.env == env).cloned().collect();
        (state.clock.now(), ops)
    }

    /// Records a write at the current time; returns its deterministic request id.
    pub(crate) fn record(
        &self,
        env: &str,
        service: &str,
        change: Option<Change>,
        line: String,
    ) -> String {
        let mut state = self.lock();
        let seq = state.writes.len() as u64;
        let at = state.clock.now();
        if let Some(change) = change {
            state.ops.push(WriteOp {
                seq,
                at,
                env: env.to_string(),
                service: service.to_string(),
                change,
            });
        }
        state.writes.push(LoggedWrite {
            seq,
            at,
            env: env.to_string(),
            resource: service.to_string(),
            line,
        });
        rng::rng(self.seed, &["request", &seq.to_string()]).uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_moves_but_start_stays() {
        let w = SimWorld::new(1, SimClock::Fixed(1_000));
        assert_eq!((w.start(), w.now()), (1_000, 1_000));
        w.advance(90);
        assert_eq!((w.start(), w.now(), w.elapsed()), (1_000, 1_090, 90));
        w.set_elapsed(600);
        assert_eq!(w.now(), 1_600);
        w.set_time(5);
        assert_eq!(w.elapsed(), -995);
    }

    #[test]
    fn failures_are_injected_and_healed() {
        let w = SimWorld::new(1, SimClock::Fixed(0));
        assert!(w.check(SimSource::EcsTasks).is_ok());
        w.fail(
            SimSource::EcsTasks,
            CloudError::Throttled("Rate exceeded".into()),
        );
        assert_eq!(
            w.check(SimSource::EcsTasks),
            Err(CloudError::Throttled("Rate exceeded".into()))
        );
        assert!(w.check(SimSource::Identity).is_ok());
        w.heal(SimSource::EcsTasks);
        assert!(w.check(SimSource::EcsTasks).is_ok());
    }

    #[test]
    fn request_ids_are_deterministic() {
        let a = SimWorld::new(3, SimClock::Fixed(0));
        let b = SimWorld::new(3, SimClock::Fixed(0));
        let ra = a.record("dev", "svc", None, "x".into());
        let rb = b.record("dev", "svc", None, "x".into());
        assert_eq!(ra, rb);
        assert_ne!(ra, a.record("dev", "svc", None, "y".into()));
        assert_eq!(a.writes(), vec!["x".to_string(), "y".to_string()]);
    }
}
