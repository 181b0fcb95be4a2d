//! The simulated account's RDS events for its one DB instance: a nightly automated backup
//! (starting between 03:00 and 03:30 UTC, five to ten minutes long, drawn from the seed),
//! and the data writes of the world's write log — a manual snapshot (backed up at once,
//! as the sim's snapshots are available at once), a forced failover (the sim swaps the
//! zones at once), a stop and a start.

use super::rng;
use super::world::LoggedWrite;
use crate::cloud::{DbEvent, Epoch, Window};

const DAY: i64 = 86_400;

/// Events of `instance` in `window` up to `now`, oldest first.
pub fn events(
    seed: u64,
    instance: &str,
    writes: &[LoggedWrite],
    window: Window,
    now: Epoch,
) -> Vec<DbEvent> {
    let event = |at: Epoch, category: &str, message: &str| DbEvent {
        at,
        source_id: instance.to_string(),
        categories: vec![category.to_string()],
        message: message.to_string(),
    };
    let mut out = Vec::new();
    let mut day = window.since.div_euclid(DAY) - 1;
    while day * DAY < window.until {
        let mut r = rng::rng(seed, &[instance, "backup", &day.to_string()]);
        let start = day * DAY + 3 * 3600 + r.below(1800) as i64;
        let end = start + 300 + r.below(300) as i64;
        out.push(event(start, "backup", "Backing up DB instance"));
        out.push(event(end, "backup", "Finished DB instance backup"));
        day += 1;
    }
    for w in writes.iter().filter(|w| w.resource == instance) {
        let call = w.line.split_whitespace().nth(1).unwrap_or_default();
        match call {
            "CreateDBSnapshot" => {
                let snapshot = w.line.split_whitespace().nth(3).unwrap_or_default();
                out.push(event(
                    w.at,
                    "backup",
                    &format!("Backing up DB instance (manual snapshot {snapshot})"),
                ));
                out.push(event(w.at, "backup", "Finished DB instance backup"));
            }
            "RebootDBInstance" => {
                out.push(event(
                    w.at,
                    "failover",
                    "Multi-AZ instance failover started.",
                ));
                out.push(event(w.at, "availability", "DB instance restarted"));
                out.push(event(
                    w.at,
                    "failover",
                    "Multi-AZ instance failover completed",
                ));
            }
            "StopDBInstance" => out.push(event(w.at, "notification", "DB instance stopped")),
            "StartDBInstance" => out.push(event(w.at, "notification", "DB instance started")),
            _ => {}
        }
    }
    out.retain(|e| window.contains(e.at) && e.at <= now);
    out.sort_by_key(|e| e.at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_backup_a_night_inside_the_window_only() {
        let since = 1_750_000_000 - 1_750_000_000 % DAY;
        let w = Window {
            since,
            until: since + 2 * DAY,
        };
        let e = events(1, "db", &[], w, since + DAY + 4 * 3600);
        let starts: Vec<&DbEvent> = e
            .iter()
            .filter(|e| e.message == "Backing up DB instance")
            .collect();
        assert_eq!(starts.len(), 2, "{e:?}");
        for s in &starts {
            let hour = s.at.rem_euclid(DAY) / 3600;
            assert_eq!(hour, 3, "{s:?}");
        }
        assert!(e.iter().all(|x| w.contains(x.at) && x.source_id == "db"));
        assert_eq!(e, events(1, "db", &[], w, since + DAY + 4 * 3600));
    }
}
