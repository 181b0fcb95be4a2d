//! The simulated clock: fixed for tests, or running from a start instant for the demo.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::cloud::types::Epoch;

/// Where simulated time comes from.
#[derive(Debug, Clone, Copy)]
pub enum SimClock {
    /// Time stands still at this instant (tests, snapshots).
    Fixed(Epoch),
    /// Time runs from `start` (the simulated epoch at the real instant `started`), `speed`
    /// simulated seconds per real second.
    Live {
        start: Epoch,
        started: Instant,
        speed: f64,
    },
}

impl SimClock {
    /// A clock that runs from the real wall clock now, `speed` times real time.
    pub fn live(speed: f64) -> Self {
        SimClock::Live {
            start: wall_clock_now(),
            started: Instant::now(),
            speed,
        }
    }

    /// The simulated time now.
    pub fn now(&self) -> Epoch {
        match *self {
            SimClock::Fixed(t) => t,
            SimClock::Live {
                start,
                started,
                speed,
            } => {
                let speed = if speed.is_finite() && speed > 0.0 {
                    speed
                } else {
                    0.0
                };
                let elapsed = started.elapsed().as_secs_f64() * speed;
                start.saturating_add(elapsed.floor() as i64)
            }
        }
    }

    /// The instant the clock starts from (the Fixed time, or the Live start).
    pub fn start(&self) -> Epoch {
        match *self {
            SimClock::Fixed(t) => t,
            SimClock::Live { start, .. } => start,
        }
    }

    /// The same clock moved by `secs` simulated seconds.
    pub fn shifted(self, secs: i64) -> Self {
        match self {
            SimClock::Fixed(t) => SimClock::Fixed(t.saturating_add(secs)),
            SimClock::Live {
                start,
                started,
                speed,
            } => SimClock::Live {
                start: start.saturating_add(secs),
                started,
                speed,
            },
        }
    }
}

/// The real wall clock in Unix seconds (0 if the system clock is before 1970).
pub fn wall_clock_now() -> Epoch {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_stands_still() {
        let c = SimClock::Fixed(1_700_000_000);
        assert_eq!(c.now(), 1_700_000_000);
        assert_eq!(c.start(), 1_700_000_000);
        assert_eq!(c.shifted(60).now(), 1_700_000_060);
    }

    #[test]
    fn live_clock_starts_at_its_start() {
        let c = SimClock::Live {
            start: 1_000,
            started: Instant::now(),
            speed: 1.0,
        };
        assert!(c.now() >= 1_000 && c.now() < 1_010);
        assert_eq!(c.start(), 1_000);
        let bad = SimClock::Live {
            start: 5,
            started: Instant::now(),
            speed: f64::NAN,
        };
        assert_eq!(bad.now(), 5);
        assert!(SimClock::live(1.0).start() > 1_600_000_000);
    }
}
