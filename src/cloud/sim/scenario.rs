//! A drill's faults as the simulated account plays them: what goes wrong, where, when
//! (seconds after the world's start), how hard, and how it escalates when nobody acts.
//! Plain data; `faults.rs` resolves them against the operator's writes.

/// The kinds of fault the simulated account can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// A deployment of a bad revision of the API: its tasks crash-loop, 5xx and p99 rise.
    /// In a drill the circuit breaker is off, so it lasts until someone rolls back.
    BadDeploy,
    /// RDS free storage falls by `rate` GB a minute.
    DbStorage,
    /// Redis memory pressure: memory towards 100 %, evictions, misses, database load.
    CachePressure,
    /// Database connections rise by `rate` (a connection leak in the API).
    DbConnections,
    /// A crypto-miner in one API task: its CPU, GuardDuty findings every two minutes.
    CryptoMiner,
    /// The CI deployer's access key used from an unknown network: GuardDuty findings.
    LeakedKey,
    /// NAT gateway data processing costing `rate` USD an hour more.
    NatCost,
    /// A dependency answering 5xx: `rate` 5xx a minute through the API.
    Dependency5xx,
}

impl FaultKind {
    /// Every kind, in the order the README lists them.
    pub const ALL: [FaultKind; 8] = [
        FaultKind::BadDeploy,
        FaultKind::DbStorage,
        FaultKind::CachePressure,
        FaultKind::DbConnections,
        FaultKind::CryptoMiner,
        FaultKind::LeakedKey,
        FaultKind::NatCost,
        FaultKind::Dependency5xx,
    ];

    /// The name drill files use (`bad_deploy`, `db_storage`, …).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::BadDeploy => "bad_deploy",
            FaultKind::DbStorage => "db_storage",
            FaultKind::CachePressure => "cache_pressure",
            FaultKind::DbConnections => "db_connections",
            FaultKind::CryptoMiner => "crypto_miner",
            FaultKind::LeakedKey => "leaked_key",
            FaultKind::NatCost => "nat_cost",
            FaultKind::Dependency5xx => "dependency_5xx",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<FaultKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The `rate` a fault of this kind has when its file gives none.
    pub fn default_rate(self) -> f64 {
        match self {
            FaultKind::BadDeploy | FaultKind::CachePressure | FaultKind::CryptoMiner => 1.0,
            FaultKind::LeakedKey => 1.0,
            FaultKind::DbStorage => 3.0,
            FaultKind::DbConnections => 1500.0,
            FaultKind::NatCost => 40.0,
            FaultKind::Dependency5xx => 60.0,
        }
    }

    /// True when no write shows the operator's response to the sim (a checklist), so the
    /// drill's referee marks it mitigated when the expected runbook is verified.
    pub fn mitigated_by_checklist(self) -> bool {
        matches!(self, FaultKind::DbStorage)
    }

    /// The pane that shows this fault first (the dashboard, security or cost).
    pub fn pane(self) -> &'static str {
        match self {
            FaultKind::CryptoMiner | FaultKind::LeakedKey => "security",
            FaultKind::NatCost => "cost",
            _ => "dashboard",
        }
    }
}

/// How a fault gets worse when nobody acts: `after` seconds after its onset its effect
/// is multiplied by `factor` (unless it was resolved before).
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    pub after: i64,
    pub factor: f64,
    pub note: String,
}

/// One fault of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct SimFault {
    /// The drill's name for it (`deploy`, `miner`, …).
    pub id: String,
    pub kind: FaultKind,
    /// The environment it hits.
    pub env: String,
    /// Seconds after the world's start.
    pub at: i64,
    /// How hard (the kind says in what unit).
    pub rate: f64,
    pub escalation: Option<Escalation>,
    /// Seconds after its onset it ends by itself (a dependency recovering), if ever.
    pub lasts: Option<i64>,
}

/// The faults a world plays instead of the built-in prod incident.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scenario {
    pub faults: Vec<SimFault>,
}

impl Scenario {
    /// The faults hitting `env`.
    pub fn in_env<'a>(&'a self, env: &'a str) -> impl Iterator<Item = &'a SimFault> + 'a {
        self.faults.iter().filter(move |f| f.env == env)
    }

    /// The first fault of `kind` in `env`.
    pub fn first(&self, env: &str, kind: FaultKind) -> Option<&SimFault> {
        self.faults.iter().find(|f| f.env == env && f.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in FaultKind::ALL {
            assert_eq!(FaultKind::from_name(k.name()), Some(k));
        }
        assert_eq!(FaultKind::from_name("meteor"), None);
    }
}
