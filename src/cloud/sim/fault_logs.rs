//! The application's log lines a drill's faults cause (the API's `/ecs/{env}/fastapi`
//! group), each at a deterministic instant while the fault shows; none once it faded.

use super::incident_clock::IncidentClock;
use super::rng;
use super::scenario::FaultKind;
use crate::cloud::types::Epoch;

/// One line every this many seconds while a fault shows fully (sparser when faint).
const STEP: i64 = 11;

/// What the API logs while `kind` shows (none for faults it cannot see).
pub fn lines(kind: FaultKind) -> &'static [&'static str] {
    match kind {
        FaultKind::DbStorage => &[
            "ERROR app.db: could not extend file \"base/16384/2619\": No space left on device (INSERT INTO audit_events)",
            "WARN app.jobs: export batch slow: write latency 40ms on audit_events",
        ],
        FaultKind::CachePressure => &[
            "ERROR app.cache: OOM command not allowed when used memory > 'maxmemory' (SET session:*)",
            "WARN app.cache: cache miss storm: falling back to the database for GET catalog:*",
        ],
        FaultKind::DbConnections => &[
            "ERROR app.db: connection pool exhausted (size=20) waiting for a connection",
            "ERROR app.db: FATAL: remaining connection slots are reserved for non-replication superuser connections",
        ],
        FaultKind::Dependency5xx => &[
            "ERROR app.payments: POST https://api.payments.example.com/v2/charges 503 Service Unavailable",
            "ERROR app.main: POST /api/v1/checkout 502 upstream payments answered 503",
        ],
        FaultKind::BadDeploy
        | FaultKind::CryptoMiner
        | FaultKind::LeakedKey
        | FaultKind::NatCost => &[],
    }
}

/// The fault lines in `[start, end]`, oldest first.
pub fn rows(
    seed: u64,
    clock: &IncidentClock,
    env: &str,
    start: Epoch,
    end: Epoch,
) -> Vec<(Epoch, &'static str)> {
    let mut out = Vec::new();
    for played in clock.faults.played() {
        let texts = lines(played.fault.kind);
        if texts.is_empty() {
            continue;
        }
        let from = start.max(played.onset);
        let mut t = played.onset + (from - played.onset).div_euclid(STEP) * STEP;
        while t <= end && out.len() < 5_000 {
            let level = played.level(t);
            let k = rng::key(seed, &[env, "fault", &played.fault.id, &t.to_string()]);
            // Faint faults log less: a line when the draw is under the level.
            if t >= start && level > 0.05 && ((k % 100) as f64) < level * 100.0 {
                out.push((t, texts[(k % texts.len() as u64) as usize]));
            }
            t += STEP;
        }
    }
    out.sort_by_key(|r| r.0);
    out
}
