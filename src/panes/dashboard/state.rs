//! State of the dashboard pane: the selected time range and one `Loadable` per source
//! (metrics, alarms, recent errors, the ECS service, the ALB lookup, the database's
//! class and storage), and which sources
//! are due on the configured refresh schedule.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::derived::Judged;
use super::query::{AlbLookup, ERRORS_MAX_WINDOW, TimeRange, alb_lookup};
pub use super::sources::MetricsKey;
use super::sources::{DashboardFetched, DashboardSource};
use crate::cloud::{
    Alarm, AlarmState, DbInstance, EcsService, Epoch, MetricData, RecentErrors, alb_dimension,
};
use crate::config::{Environment, Thresholds};
use crate::panes::kit::schedule::RETRY_SECONDS;
use crate::panes::kit::{Loadable, Schedule};

/// While an alarm is in ALARM or a deployment is rolling out, the dashboard refreshes
/// this often (seconds), whatever the configured interval.
pub const HOT_REFRESH_SECONDS: i64 = 15;

/// Everything the dashboard shows.
#[derive(Debug, Clone, Default)]
pub struct DashboardState {
    pub range: TimeRange,
    pub metrics: Loadable<MetricData>,
    /// The key of the data in `metrics`.
    pub metrics_key: Option<MetricsKey>,
    pub alarms: Loadable<Vec<Alarm>>,
    pub errors: Loadable<RecentErrors>,
    pub services: Loadable<Vec<EcsService>>,
    /// `DescribeLoadBalancers`: the ALB's ARN, `None` when no such ALB exists.
    pub load_balancer: Loadable<Option<String>>,
    /// `DescribeDBInstances` of the environment's database.
    pub database: Loadable<DbInstance>,
    /// Verdicts and levels of the data above, computed when it arrives.
    pub judged: Judged,
    /// When each source was last requested.
    pub requested: HashMap<DashboardSource, Epoch>,
}

impl DashboardState {
    /// The environment's ECS service (the one the config names).
    pub fn service<'a>(&'a self, env: &Environment) -> Option<&'a EcsService> {
        self.services
            .data
            .as_deref()
            .and_then(|all| all.iter().find(|s| s.name == env.service))
    }

    /// The ALB dimension to chart, once known; `Err` says why there is none yet.
    pub fn alb(&self, env: &Environment, project: &str) -> Result<String, String> {
        match alb_lookup(env, project) {
            AlbLookup::Known(d) => Ok(d),
            AlbLookup::ByName(name) => {
                match (&self.load_balancer.data, &self.load_balancer.error) {
                    (Some(Some(arn)), _) => alb_dimension(arn).ok_or_else(|| {
                        format!("{name}: unexpected ARN {arn}; set load_balancer in config")
                    }),
                    (Some(None), _) => Err(format!(
                        "no load balancer named {name}; set load_balancer in config"
                    )),
                    (None, Some(e)) => Err(format!(
                        "DescribeLoadBalancers {name}: {e}; set load_balancer in config"
                    )),
                    (None, None) => Err(format!("looking up load balancer {name}…")),
                }
            }
        }
    }

    /// The default `max_connections` of the database, once its class is known.
    pub fn max_connections(&self) -> Option<i64> {
        self.database.data.as_ref().and_then(|db| {
            crate::panes::dashboard::db_capacity::default_max_connections(
                &db.engine,
                db.instance_class.as_deref()?,
            )
        })
    }

    /// `base` with connections judged against the database's max, once known.
    pub fn thresholds(&self, base: &Thresholds) -> Thresholds {
        base.with_max_connections(self.max_connections())
    }

    /// Handle a pane key: `t` / `T` pick a longer / shorter time range.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('t') => self.range = self.range.next(),
            KeyCode::Char('T') => self.range = self.range.prev(),
            _ => return false,
        }
        true
    }

    /// Store a fetch result that belongs to this pane.
    pub fn store(&mut self, fetched: DashboardFetched, now: Epoch) {
        match fetched {
            // A range the user has left since is dropped: keep what is shown.
            DashboardFetched::Metrics(key, r) if key.range == self.range => {
                if r.is_ok() {
                    self.metrics_key = Some(key);
                }
                self.metrics.set(r, now);
            }
            DashboardFetched::Metrics(..) => {}
            DashboardFetched::Alarms(_, r) => self.alarms.set(r, now),
            DashboardFetched::Errors(_, r) => self.errors.set(r, now),
            DashboardFetched::Services(r) => self.services.set(r, now),
            DashboardFetched::LoadBalancer(_, r) => self.load_balancer.set(r, now),
            DashboardFetched::Database(r) => self.database.set(r, now),
        }
    }

    /// Recompute the verdicts and levels from the data (after it changed).
    pub fn judge(&mut self, env: &Environment, base: &Thresholds) {
        self.judged = Judged::new(
            self.metrics.data.as_ref(),
            self.service(env),
            &self.thresholds(base),
            env.min_tasks,
        );
    }

    /// Mark a source of this pane as being fetched.
    pub fn mark_source_loading(&mut self, source: &DashboardSource) {
        match source {
            DashboardSource::Metrics(_) => self.metrics.loading = true,
            DashboardSource::Alarms(_) => self.alarms.loading = true,
            DashboardSource::Errors(_) => self.errors.loading = true,
            DashboardSource::Services => self.services.loading = true,
            DashboardSource::LoadBalancer(_) => self.load_balancer.loading = true,
            DashboardSource::Database => self.database.loading = true,
        }
    }

    /// True while something is wrong enough to watch closely: an alarm in ALARM or a
    /// deployment of the environment's service rolling out.
    pub fn hot(&self, env: &Environment) -> bool {
        let alarming = self
            .alarms
            .data
            .as_deref()
            .is_some_and(|a| a.iter().any(|a| a.state == AlarmState::Alarm));
        let deploying = self.service(env).is_some_and(|s| {
            s.deployments.len() > 1
                || s.primary_deployment()
                    .and_then(|d| d.rollout_state.as_deref())
                    .is_some_and(|r| r == "IN_PROGRESS")
        });
        alarming || deploying
    }

    /// This pane's sources that are due under `schedule`, refreshing every `refresh`
    /// seconds (every 15 s while `hot`).
    pub fn due_sources(
        &self,
        schedule: &Schedule<DashboardSource>,
        env: &Environment,
        project: &str,
        refresh: i64,
    ) -> Vec<DashboardSource> {
        let refresh = refresh.max(10);
        let refresh = if self.hot(env) {
            refresh.min(HOT_REFRESH_SECONDS)
        } else {
            refresh
        };
        let mut due = Vec::new();
        let lookup = alb_lookup(env, project);
        if let AlbLookup::ByName(name) = &lookup {
            let source = DashboardSource::LoadBalancer(name.clone());
            // The ALB does not move: look it up once, retry failures, again on `r`.
            if (self.load_balancer.data.is_none() || schedule.force)
                && schedule.is_due(&source, self.load_balancer.error.as_ref(), RETRY_SECONDS)
            {
                due.push(source);
            }
        }
        let waiting_for_alb = matches!(lookup, AlbLookup::ByName(_))
            && self.load_balancer.data.is_none()
            && self.load_balancer.error.is_none();
        if !waiting_for_alb {
            let key = MetricsKey {
                range: self.range,
                load_balancer: self.alb(env, project).ok(),
            };
            let source = DashboardSource::Metrics(key);
            if schedule.is_due(&source, self.metrics.error.as_ref(), refresh) {
                due.push(source);
            }
        }
        // The instance class and storage rarely change: every ten refreshes.
        if schedule.is_due(
            &DashboardSource::Database,
            self.database.error.as_ref(),
            refresh * 10,
        ) {
            due.push(DashboardSource::Database);
        }
        let prefix = alarm_prefix(env, project);
        for (source, error) in [
            (DashboardSource::Alarms(prefix), self.alarms.error.as_ref()),
            (
                DashboardSource::Errors(self.range.seconds().min(ERRORS_MAX_WINDOW)),
                self.errors.error.as_ref(),
            ),
            (DashboardSource::Services, self.services.error.as_ref()),
        ] {
            if schedule.is_due(&source, error, refresh) {
                due.push(source);
            }
        }
        due
    }
}

/// Alarms of an environment are named `{project}-{env}-…`.
pub fn alarm_prefix(env: &Environment, project: &str) -> String {
    format!("{project}-{}-", env.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::CloudError;
    use crate::config::Config;
    use crossterm::event::KeyModifiers;

    fn prod() -> Environment {
        Config::default()
            .environment("prod")
            .cloned()
            .expect("prod")
    }

    fn due(
        d: &DashboardState,
        last: &HashMap<DashboardSource, Epoch>,
        now: Epoch,
    ) -> Vec<DashboardSource> {
        let s = Schedule {
            now,
            last_requested: last,
            force: false,
        };
        d.due_sources(&s, &prod(), "cloudplatform", 60)
    }

    #[test]
    fn metrics_wait_for_the_alb_lookup_then_refresh_on_schedule() {
        let mut d = DashboardState::default();
        let mut last = HashMap::new();
        let first = due(&d, &last, 1000);
        assert!(first.contains(&DashboardSource::LoadBalancer(
            "cloudplatform-prod-alb".into()
        )));
        assert!(
            !first
                .iter()
                .any(|s| matches!(s, DashboardSource::Metrics(_)))
        );
        for s in &first {
            last.insert(s.clone(), 1000);
        }
        d.store(
            DashboardFetched::LoadBalancer(
                "cloudplatform-prod-alb".into(),
                Ok(Some(
                    "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1".into(),
                )),
            ),
            1001,
        );
        let next = due(&d, &last, 1001);
        let key = MetricsKey {
            range: TimeRange::H1,
            load_balancer: Some("app/x/1".into()),
        };
        assert_eq!(next, vec![DashboardSource::Metrics(key.clone())]);
        last.insert(DashboardSource::Metrics(key.clone()), 1001);
        assert!(
            due(&d, &last, 1030).is_empty(),
            "no overlap before the period"
        );
        assert!(due(&d, &last, 1061).contains(&DashboardSource::Metrics(key)));
    }

    #[test]
    fn a_missing_alb_still_charts_the_other_tiers() {
        let mut d = DashboardState::default();
        d.store(
            DashboardFetched::LoadBalancer("cloudplatform-prod-alb".into(), Ok(None)),
            1,
        );
        let err = d.alb(&prod(), "cloudplatform").unwrap_err();
        assert!(err.contains("set load_balancer in config"), "{err}");
        let next = due(&d, &HashMap::new(), 2);
        assert!(next.contains(&DashboardSource::Metrics(MetricsKey {
            range: TimeRange::H1,
            load_balancer: None
        })));
        d.store(
            DashboardFetched::LoadBalancer(
                "x".into(),
                Err(CloudError::AccessDenied("elasticloadbalancing".into())),
            ),
            3,
        );
        assert!(d.alb(&prod(), "cloudplatform").is_err());
    }

    #[test]
    fn t_cycles_the_range_and_stale_ranges_are_dropped() {
        let mut d = DashboardState::default();
        d.handle_key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::NONE));
        assert_eq!(d.range, TimeRange::H3);
        d.handle_key(KeyEvent::new(KeyCode::Char('T'), KeyModifiers::SHIFT));
        assert_eq!(d.range, TimeRange::H1);
        let stale = MetricsKey {
            range: TimeRange::D7,
            load_balancer: None,
        };
        d.store(
            DashboardFetched::Metrics(stale, Ok(MetricData::default())),
            5,
        );
        assert!(d.metrics.data.is_none());
    }
}
