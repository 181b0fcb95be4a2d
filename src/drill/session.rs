//! One run of a drill on a simulated world: starts the journal, records the panes the
//! operator opens, reveals hints, pauses and resumes the world's clock, referees the
//! responses that no write shows (checklists), and at the end writes how every fault
//! stood. The console and the headless driver both run a drill through this.

use std::path::Path;
use std::sync::Arc;

use super::journal::{Journal, JournalRecord, run_id};
use super::model::Drill;
use super::score::{Score, score};
use crate::audit::{AuditLog, RecordKind};
use crate::cloud::Epoch;
use crate::cloud::sim::{SimCloud, SimWorld};

/// What the banner shows of a running drill (no I/O, cheap to copy into the state).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrillBanner {
    pub name: String,
    /// Simulated seconds since the drill began, and its length.
    pub elapsed: i64,
    pub duration: i64,
    pub paused: bool,
    pub over: bool,
    /// The last hint revealed.
    pub hint: Option<String>,
}

impl DrillBanner {
    /// `DRILL bad-deployment 07:12/30:00` plus PAUSED or OVER.
    pub fn text(&self) -> String {
        let clock = |s: i64| format!("{:02}:{:02}", s.max(0) / 60, s.max(0) % 60);
        let state = if self.over {
            " OVER: opsdeck drill report"
        } else if self.paused {
            " PAUSED"
        } else {
            ""
        };
        format!(
            "DRILL {} {}/{}{state}",
            self.name,
            clock(self.elapsed.min(self.duration)),
            clock(self.duration)
        )
    }
}

/// A drill being played.
pub struct Session {
    pub drill: Drill,
    pub world: Arc<SimWorld>,
    journal: Journal,
    audit: AuditLog,
    audit_seq: u64,
    started: Epoch,
    last_pane: Option<String>,
    hints_shown: usize,
    hint: Option<String>,
    over: bool,
}

impl Session {
    /// Starts `drill` on `world` (whose start is the drill's minute 0): the journal goes to
    /// `drills/` beside `audit`.
    pub fn start(
        drill: Drill,
        world: Arc<SimWorld>,
        audit: AuditLog,
        seed: u64,
        speed: f64,
    ) -> std::io::Result<Session> {
        let started = world.start();
        let run = run_id(&drill.name, started);
        let journal = Journal::at(&Journal::dir_for(audit.path()), &run);
        let audit_seq = audit
            .read_all()
            .ok()
            .and_then(|r| r.last().map(|r| r.seq))
            .unwrap_or(0);
        journal.append(&JournalRecord::Start {
            run,
            drill: drill.name.clone(),
            source: drill.source.display().to_string(),
            env: drill.env.clone(),
            seed,
            speed,
            started,
            audit: audit.path().display().to_string(),
            audit_seq,
        })?;
        Ok(Session {
            drill,
            world,
            journal,
            audit,
            audit_seq,
            started,
            last_pane: None,
            hints_shown: 0,
            hint: None,
            over: false,
        })
    }

    /// The journal's file.
    pub fn journal_path(&self) -> &Path {
        self.journal.path()
    }

    /// The run's id.
    pub fn run(&self) -> String {
        self.journal.run()
    }

    fn log(&self, record: JournalRecord) {
        if let Err(e) = self.journal.append(&record) {
            tracing::warn!(error = %e, "drill journal not written");
        }
    }

    /// Records that the operator is looking at `pane` (once per switch).
    pub fn pane(&mut self, pane: &str) {
        if self.over || self.last_pane.as_deref() == Some(pane) {
            return;
        }
        self.last_pane = Some(pane.to_string());
        self.log(JournalRecord::Pane {
            at: self.world.now(),
            pane: pane.to_string(),
        });
    }

    /// Reveals the next hint of a fault that has begun (they cycle); None before any has.
    pub fn reveal_hint(&mut self) -> Option<String> {
        let elapsed = self.world.now() - self.started;
        let begun: Vec<_> = self
            .drill
            .faults
            .iter()
            .filter(|f| f.sim.at <= elapsed && !f.hint.is_empty())
            .collect();
        if begun.is_empty() {
            self.hint = Some("nothing has happened yet: watch the dashboard".into());
            return self.hint.clone();
        }
        let fault = begun[self.hints_shown % begun.len()];
        self.hints_shown += 1;
        self.log(JournalRecord::Hint {
            at: self.world.now(),
            fault: fault.sim.id.clone(),
        });
        self.hint = Some(fault.hint.clone());
        self.hint.clone()
    }

    /// Pauses or resumes the world's clock; true when now paused.
    pub fn toggle_pause(&mut self) -> bool {
        let at = self.world.now();
        if self.world.is_paused() {
            self.world.resume();
            self.log(JournalRecord::Resume { at });
            false
        } else {
            self.world.pause();
            self.log(JournalRecord::Pause { at });
            true
        }
    }

    /// The banner's view of the run.
    pub fn banner(&self) -> DrillBanner {
        DrillBanner {
            name: self.drill.name.clone(),
            elapsed: self.world.now() - self.started,
            duration: self.drill.duration_minutes * 60,
            paused: self.world.is_paused(),
            over: self.over,
            hint: self.hint.clone(),
        }
    }

    /// Referees checklist responses, and ends the run once its time is up. True when
    /// this call ended it.
    pub fn tick(&mut self) -> bool {
        if self.over {
            return false;
        }
        self.referee();
        if self.world.now() - self.started >= self.drill.duration_minutes * 60 {
            self.finish();
            return true;
        }
        false
    }

    /// Marks checklist faults mitigated once their expected runbook was verified: no
    /// write shows those responses to the simulated account.
    pub fn referee(&self) {
        let mitigated = self.world.mitigated();
        let waiting = self
            .drill
            .faults
            .iter()
            .any(|f| f.sim.kind.mitigated_by_checklist() && !mitigated.contains_key(&f.sim.id));
        // Only read the audit log while a checklist response is still awaited.
        if !waiting {
            return;
        }
        let Ok(records) = self.audit.read_all() else {
            return;
        };
        for e in &self.drill.expected {
            let Some(fault) = self.drill.fault(&e.fault) else {
                continue;
            };
            if !fault.sim.kind.mitigated_by_checklist() {
                continue;
            }
            let onset = self.started + fault.sim.at;
            let done = records.iter().any(|r| {
                r.seq > self.audit_seq
                    && r.kind == RecordKind::Verified
                    && r.entry.error.is_none()
                    && r.entry.runbook == e.runbook
                    && r.entry.env == e.env
                    && super::score::record_time(r).is_some_and(|t| t >= onset)
            });
            if done {
                self.world.mitigate(&fault.sim.id);
            }
        }
    }

    /// Writes how every fault stands and ends the run (once).
    pub fn finish(&mut self) {
        if self.over {
            return;
        }
        self.referee();
        let mut envs: Vec<&str> = self
            .drill
            .faults
            .iter()
            .map(|f| f.sim.env.as_str())
            .collect();
        envs.sort();
        envs.dedup();
        for env in envs {
            let clock = SimCloud::new(Arc::clone(&self.world), env).fault_clock();
            for p in clock.played() {
                self.log(JournalRecord::Outcome {
                    fault: p.fault.id.clone(),
                    onset: p.onset,
                    escalated: p.escalates_at().filter(|at| *at <= self.world.now()),
                    resolved: p.resolved,
                    resolved_by: p.resolved_by.clone(),
                });
            }
        }
        self.log(JournalRecord::End {
            at: self.world.now(),
        });
        self.over = true;
    }

    /// True once the run has ended.
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// The run's score from its journal and the audit log so far.
    pub fn score(&self) -> Score {
        let journal = self.journal.read().unwrap_or_default();
        let audit = self.audit.read_all().unwrap_or_default();
        score(&self.drill, &journal, &audit)
    }
}
