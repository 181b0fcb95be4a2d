//! Runs fetches as tokio tasks: at most one in flight per source, with one queued
//! behind it; results come back over a channel tagged with the source they were made
//! for and the environment generation, so that answers for a previous environment are
//! dropped. The fleet's sources read other environments with their own readers: they
//! survive an environment switch. Reads only: writes go to the write actor.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use super::dispatch::{Fetched, Source, run_fetch_streamed, run_fetch_with_fleet};
use crate::cloud::{CloudHandle, Epoch};
use crate::config::{Config, Environment};
use crate::panes::fleet::readers::FleetReaders;

/// A finished fetch on its way back to the loop, or a partial answer of one still in
/// flight (`partial`: the first pages of a long listing).
#[derive(Debug)]
pub struct FetchDone {
    pub generation: u64,
    pub source: Source,
    pub fetched: Fetched,
    pub partial: bool,
}

/// Schedules fetches against the current environment's cloud.
pub struct Fetcher {
    cloud: CloudHandle,
    env: Environment,
    generation: u64,
    tx: UnboundedSender<FetchDone>,
    in_flight: HashSet<Source>,
    /// Queued behind the one in flight, with the clock at the request.
    queued: std::collections::HashMap<Source, Epoch>,
    /// The fleet's readers and the config whose environments they read.
    fleet: Option<(Arc<FleetReaders>, Arc<Config>)>,
}

impl Fetcher {
    /// A fetcher sending results to `tx`.
    pub fn new(cloud: CloudHandle, env: Environment, tx: UnboundedSender<FetchDone>) -> Fetcher {
        Fetcher {
            cloud,
            env,
            generation: 0,
            tx,
            in_flight: HashSet::new(),
            queued: std::collections::HashMap::new(),
            fleet: None,
        }
    }

    /// With the fleet's per-environment readers over `config`'s environments.
    pub fn with_fleet(mut self, readers: Arc<FleetReaders>, config: Config) -> Fetcher {
        self.fleet = Some((readers, Arc::new(config)));
        self
    }

    /// The current generation; results of older ones are stale.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The cloud fetches go to.
    pub fn cloud(&self) -> &CloudHandle {
        &self.cloud
    }

    /// Point at another environment; everything in flight becomes stale except the
    /// fleet's reads (they are about every environment, not the current one).
    pub fn switch(&mut self, cloud: CloudHandle, env: Environment) {
        self.cloud = cloud;
        self.env = env;
        self.generation += 1;
        self.in_flight.retain(|s| matches!(s, Source::Fleet(_)));
        self.queued.retain(|s, _| matches!(s, Source::Fleet(_)));
    }

    /// Fetch `source` now, or once the fetch in flight for it finishes.
    pub fn request(&mut self, source: Source, now: Epoch) {
        if self.in_flight.contains(&source) {
            self.queued.insert(source, now);
        } else {
            self.spawn(source, now);
        }
    }

    /// Note that a fetch finished; starts the queued one, if any.
    /// Returns false for a stale result (another environment's), which must be dropped.
    pub fn finished(&mut self, done: &FetchDone) -> bool {
        if done.generation != self.generation && !matches!(done.source, Source::Fleet(_)) {
            return false;
        }
        if done.partial {
            return true;
        }
        self.in_flight.remove(&done.source);
        if let Some(now) = self.queued.remove(&done.source) {
            self.spawn(done.source.clone(), now);
        }
        true
    }

    /// Number of fetches in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Number of fetches queued behind one in flight.
    pub fn queued(&self) -> usize {
        self.queued.len()
    }

    fn spawn(&mut self, source: Source, now: Epoch) {
        self.in_flight.insert(source.clone());
        let read = self.cloud.read.clone();
        let env = self.env.clone();
        let tx = self.tx.clone();
        let generation = self.generation;
        let fleet = self.fleet.clone();
        // Failures logged inside (the SDK error mapping) carry the environment and source.
        let span = tracing::warn_span!("fetch", env = %env.name, source = ?source);
        tokio::spawn(tracing::Instrument::instrument(
            async move {
                let fetched = match (&fleet, &source) {
                    (Some((readers, config)), Source::Fleet(_)) => {
                        run_fetch_with_fleet(
                            read.as_ref(),
                            &env,
                            readers,
                            config,
                            source.clone(),
                            now,
                        )
                        .await
                    }
                    _ => {
                        let progress = |fetched| {
                            let _ = tx.send(FetchDone {
                                generation,
                                source: source.clone(),
                                fetched,
                                partial: true,
                            });
                        };
                        run_fetch_streamed(read.as_ref(), &env, source.clone(), now, &progress)
                            .await
                    }
                };
                // The loop may have exited; nothing to do then.
                let _ = tx.send(FetchDone {
                    generation,
                    source,
                    fetched,
                    partial: false,
                });
            },
            span,
        ));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::sync::mpsc;

    use super::*;
    use crate::cloud::sim::{self, SimClock, SimWorld};
    use crate::config::Config;
    use crate::panes::ecs::sources::EcsSource;

    fn setup(env: &str) -> (Fetcher, mpsc::UnboundedReceiver<FetchDone>, Arc<SimWorld>) {
        let world = SimWorld::new(42, SimClock::Fixed(1_788_220_800));
        let config = Config::default();
        let environment = config.environment(env).cloned().expect("env");
        let (tx, rx) = mpsc::unbounded_channel();
        let cloud = sim::handle(Arc::clone(&world), env, false);
        (Fetcher::new(cloud, environment, tx), rx, world)
    }

    #[tokio::test]
    async fn one_fetch_in_flight_per_source_and_one_queued() {
        let (mut f, mut rx, _w) = setup("dev");
        let s = Source::Ecs(EcsSource::Services);
        f.request(s.clone(), 0);
        f.request(s.clone(), 0);
        f.request(s.clone(), 0);
        assert_eq!(
            (f.in_flight(), f.queued()),
            (1, 1),
            "one in flight, one queued"
        );
        let first = rx.recv().await.expect("answer");
        assert!(f.finished(&first));
        assert_eq!(
            (f.in_flight(), f.queued()),
            (1, 0),
            "the queued one started"
        );
        let second = rx.recv().await.expect("answer");
        assert!(f.finished(&second));
        assert_eq!(f.in_flight(), 0);
    }

    #[tokio::test]
    async fn a_partial_answer_is_applied_while_the_fetch_stays_in_flight() {
        use crate::panes::security::sources::{SecurityFetched, SecuritySource};
        let (mut f, mut rx, _w) = setup("dev");
        let s = Source::Security(SecuritySource::Findings(Default::default()));
        f.request(s.clone(), 0);
        let page = FetchDone {
            generation: f.generation(),
            source: s.clone(),
            fetched: Fetched::Security(SecurityFetched::FindingsPage(
                Default::default(),
                Vec::new(),
            )),
            partial: true,
        };
        assert!(f.finished(&page), "applied");
        assert_eq!(f.in_flight(), 1, "still in flight until the whole answer");
        let whole = rx.recv().await.expect("answer");
        assert!(!whole.partial);
        assert!(f.finished(&whole));
        assert_eq!(f.in_flight(), 0);
    }

    #[tokio::test]
    async fn answers_for_an_environment_left_are_dropped() {
        let (mut f, mut rx, world) = setup("dev");
        f.request(Source::Ecs(EcsSource::Services), 0);
        let config = Config::default();
        let prod = config.environment("prod").cloned().expect("prod");
        f.switch(sim::handle(world, "prod", false), prod);
        let stale = rx.recv().await.expect("answer");
        assert!(!f.finished(&stale), "dev's answer after switching to prod");
        f.request(Source::Ecs(EcsSource::Services), 0);
        let fresh = rx.recv().await.expect("answer");
        assert!(f.finished(&fresh));
    }

    #[tokio::test]
    async fn fleet_answers_survive_an_environment_switch() {
        use crate::app::connect::{Connector, SimConnector};
        use crate::panes::fleet::sources::FleetSource;
        let (f, mut rx, world) = setup("dev");
        let readers = crate::panes::fleet::readers::FleetReaders::new(
            SimConnector {
                world: Arc::clone(&world),
                read_only: true,
            }
            .fleet_readers(),
            8,
        );
        let mut f = f.with_fleet(readers, Config::default());
        let fleet = Source::Fleet(FleetSource::Env("staging".into()));
        f.request(fleet.clone(), 0);
        f.request(Source::Ecs(EcsSource::Services), 0);
        let prod = Config::default()
            .environment("prod")
            .cloned()
            .expect("prod");
        f.switch(sim::handle(Arc::clone(&world), "prod", false), prod);
        assert_eq!(f.in_flight(), 1, "the fleet's read is still in flight");
        let mut kept = Vec::new();
        for _ in 0..2 {
            let done = rx.recv().await.expect("answer");
            if f.finished(&done) {
                kept.push(done);
            }
        }
        assert_eq!(kept.len(), 1, "dev's ECS answer dropped, the fleet's kept");
        match &kept[0].fetched {
            Fetched::Fleet(r) => {
                assert_eq!(r.env, "staging");
                assert!(r.result.is_ok(), "{:?}", r.result);
            }
            other => panic!("{other:?}"),
        }
    }
}
