//! The append-only audit log of writes: JSON lines in the XDG state dir, hash-chained.
//!
//! Every write gets an *intent* record, flushed and fsync'd before the API call, and an
//! *outcome* record after it. Each record holds the hash of the one before it, and a
//! head file holds the last record's sequence number and hash, so `verify` detects
//! edited, deleted, reordered and truncated records. An intent with no outcome means
//! the process died mid-call; the next start reports it and records that it did.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The chain's starting hash.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    /// About to call the API.
    Intent,
    /// The call returned (result or error).
    Outcome,
    /// An intent found without an outcome at a later start.
    Interrupted,
    /// After an outcome that was UNKNOWN: what reading back the state showed
    /// (`reconciled: landed | not landed | unknown`).
    Reconciled,
    /// A runbook run's verification section finished: `result` when every check passed,
    /// `error` naming the check that failed.
    Verified,
}

/// What a write's audited plan adds when it was confirmed by typing the environment's
/// name (protected environments), else nothing.
pub fn confirmation_note(confirmed: bool) -> &'static str {
    if confirmed {
        " (confirmed by typing the environment's name)"
    } else {
        ""
    }
}

/// The fields a caller supplies for a record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Pairs an intent with its outcome: `<run id>/<step>/<call>`.
    pub id: String,
    pub env: String,
    pub runbook: String,
    pub step: String,
    pub params: BTreeMap<String, String>,
    pub plan: Vec<String>,
    pub caller: Option<String>,
    pub request_id: Option<String>,
    pub result: Option<String>,
    pub error: Option<String>,
    /// Set when the runbook came from a user file that replaced the shipped one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    /// RFC 3339, UTC.
    pub time: String,
    pub kind: RecordKind,
    #[serde(flatten)]
    pub entry: Entry,
    pub prev: String,
    pub hash: String,
}

impl Record {
    fn compute_hash(&self) -> String {
        let mut unhashed = self.clone();
        unhashed.hash = String::new();
        let bytes = serde_json::to_vec(&unhashed).unwrap_or_default();
        hex::encode(Sha256::digest(bytes))
    }
}

/// What `verify` found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditProblem {
    #[error("{path}: line {line} is not a valid audit record: {reason}")]
    Unreadable {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("{path}: line {line} (seq {seq}) was edited: its hash does not match its contents")]
    Edited { path: String, line: usize, seq: u64 },
    #[error(
        "{path}: line {line} (seq {seq}) does not follow the record before it: a record was deleted or reordered"
    )]
    Broken { path: String, line: usize, seq: u64 },
    #[error(
        "{path}: the log ends at seq {found} but its head says seq {expected}: records were truncated"
    )]
    Truncated {
        path: String,
        expected: u64,
        found: u64,
    },
    #[error("{path}: cannot read: {reason}")]
    Io { path: String, reason: String },
}

/// Where a record's time comes from: the wall clock, or the simulated account's clock in
/// demo mode (Unix seconds).
pub type AuditClock = std::sync::Arc<dyn Fn() -> i64 + Send + Sync>;

/// The audit log at a path (and its head file beside it).
#[derive(Clone)]
pub struct AuditLog {
    path: PathBuf,
    clock: Option<AuditClock>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("path", &self.path)
            .field("simulated_clock", &self.clock.is_some())
            .finish()
    }
}

impl AuditLog {
    /// A log at `path`; nothing is created until the first append.
    pub fn new(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog {
            path: path.into(),
            clock: None,
        }
    }

    /// The same log, its records timed by `clock` (the simulated account's, in demo mode)
    /// instead of the wall clock.
    pub fn with_clock(mut self, clock: Option<AuditClock>) -> AuditLog {
        self.clock = clock;
        self
    }

    /// The instant a record written now carries, in Unix seconds.
    pub fn now_epoch(&self) -> i64 {
        match &self.clock {
            Some(clock) => clock(),
            None => time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    /// The time a record written now carries.
    fn now(&self) -> String {
        match &self.clock {
            Some(clock) => rfc3339_at(clock()),
            None => now_rfc3339(),
        }
    }

    /// `$XDG_STATE_HOME/opsdeck/audit.jsonl`.
    pub fn default_path() -> PathBuf {
        crate::logging::state_dir().join("audit.jsonl")
    }

    /// The log a console or command writes to: the simulated account's writes go to
    /// `audit-demo.jsonl` beside the real one, never into it.
    pub fn for_mode(demo: bool) -> AuditLog {
        let path = Self::default_path();
        if demo {
            AuditLog::new(path.with_file_name("audit-demo.jsonl"))
        } else {
            AuditLog::new(path)
        }
    }

    /// The log file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn head_path(&self) -> PathBuf {
        self.path.with_extension("head")
    }

    fn read_head(&self) -> Option<(u64, String)> {
        let text = std::fs::read_to_string(self.head_path()).ok()?;
        let (seq, hash) = text.trim().split_once(' ')?;
        Some((seq.parse().ok()?, hash.to_string()))
    }

    /// Append a record and fsync it (and the head) before returning.
    pub fn append(&self, kind: RecordKind, entry: Entry) -> io::Result<Record> {
        let mut file = crate::private_file::open_append(&self.path)?;
        file.lock()?;
        let (seq, prev) = match self.read_head() {
            Some((seq, hash)) => (seq + 1, hash),
            None => match self.last_record()? {
                Some(r) => (r.seq + 1, r.hash),
                None => (1, GENESIS.to_string()),
            },
        };
        let mut record = Record {
            seq,
            time: self.now(),
            kind,
            entry,
            prev,
            hash: String::new(),
        };
        record.hash = record.compute_hash();
        let mut line = serde_json::to_string(&record).map_err(io::Error::other)?;
        line.push('\n');
        file.write_all(line.as_bytes())?;
        file.sync_all()?;
        crate::private_file::replace(
            &self.head_path(),
            format!("{} {}\n", record.seq, record.hash).as_bytes(),
        )?;
        file.unlock()?;
        Ok(record)
    }

    fn last_record(&self) -> io::Result<Option<Record>> {
        Ok(self
            .read_all()
            .map_err(|e| io::Error::other(e.to_string()))?
            .pop())
    }

    /// Every record, in order; a missing log is empty.
    pub fn read_all(&self) -> Result<Vec<Record>, AuditProblem> {
        let path = self.path.display().to_string();
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(AuditProblem::Io {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        let mut out = Vec::new();
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| AuditProblem::Io {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let record: Record =
                serde_json::from_str(&line).map_err(|e| AuditProblem::Unreadable {
                    path: path.clone(),
                    line: i + 1,
                    reason: e.to_string(),
                })?;
            out.push(record);
        }
        Ok(out)
    }

    /// Check the whole chain and the head; returns the number of records.
    pub fn verify(&self) -> Result<usize, AuditProblem> {
        let path = self.path.display().to_string();
        let records = self.read_all()?;
        let mut prev = GENESIS.to_string();
        let mut expected_seq = 1;
        for (i, r) in records.iter().enumerate() {
            let line = i + 1;
            if r.compute_hash() != r.hash {
                return Err(AuditProblem::Edited {
                    path,
                    line,
                    seq: r.seq,
                });
            }
            if r.prev != prev || r.seq != expected_seq {
                return Err(AuditProblem::Broken {
                    path,
                    line,
                    seq: r.seq,
                });
            }
            prev = r.hash.clone();
            expected_seq = r.seq + 1;
        }
        let found = records.last().map_or(0, |r| r.seq);
        match self.read_head() {
            Some((seq, hash)) if seq == found && (found == 0 || hash == prev) => {}
            Some((seq, _)) => {
                return Err(AuditProblem::Truncated {
                    path,
                    expected: seq,
                    found,
                });
            }
            None if found > 0 => {
                return Err(AuditProblem::Truncated {
                    path,
                    expected: found,
                    found: 0,
                });
            }
            None => {}
        }
        Ok(records.len())
    }

    /// Intents with no outcome and not yet reported as interrupted.
    pub fn interrupted(&self) -> Result<Vec<Record>, AuditProblem> {
        let records = self.read_all()?;
        let closed: HashSet<&str> = records
            .iter()
            .filter(|r| r.kind != RecordKind::Intent)
            .map(|r| r.entry.id.as_str())
            .collect();
        Ok(records
            .iter()
            .filter(|r| r.kind == RecordKind::Intent && !closed.contains(r.entry.id.as_str()))
            .cloned()
            .collect())
    }

    /// Report interrupted intents once: append an `interrupted` record for each and return them.
    pub fn close_interrupted(&self) -> io::Result<Vec<Record>> {
        let open = self
            .interrupted()
            .map_err(|e| io::Error::other(e.to_string()))?;
        for r in &open {
            self.append(
                RecordKind::Interrupted,
                Entry {
                    error: Some("the process ended between intent and outcome; the call's effect is unknown: check the resource".into()),
                    ..r.entry.clone()
                },
            )?;
        }
        Ok(open)
    }
}

/// Perform `call` as an audited write: the intent is on disk before the call leaves (no
/// audit, no call), the outcome after it; `done` names a success's request id and result.
pub async fn audited<T>(
    log: &AuditLog,
    entry: Entry,
    call: impl std::future::Future<Output = crate::cloud::CloudResult<T>>,
    done: impl FnOnce(&T) -> (Option<String>, String),
) -> crate::cloud::CloudResult<T> {
    log.append(RecordKind::Intent, entry.clone()).map_err(|e| {
        crate::cloud::CloudError::Invalid(format!(
            "audit log not writable, nothing was called: {e}"
        ))
    })?;
    let result = call.await;
    log.append_outcome(entry, &result, done);
    result
}

impl AuditLog {
    /// Append the outcome of a call made under `entry`'s intent: its request id and
    /// summary, or its error (`outcome UNKNOWN: …` when the call may still have landed).
    /// A failure to write it is logged: the call has happened either way.
    pub fn append_outcome<T>(
        &self,
        entry: Entry,
        result: &crate::cloud::CloudResult<T>,
        done: impl FnOnce(&T) -> (Option<String>, String),
    ) {
        let outcome = match result {
            Ok(v) => {
                let (request_id, summary) = done(v);
                Entry {
                    request_id,
                    result: Some(summary),
                    ..entry
                }
            }
            Err(e) if e.may_have_landed() => Entry {
                error: Some(format!("outcome UNKNOWN: {e}")),
                ..entry
            },
            Err(e) => Entry {
                error: Some(e.to_string()),
                ..entry
            },
        };
        if let Err(e) = self.append(RecordKind::Outcome, outcome) {
            tracing::error!("audit outcome not written: {e}");
        }
    }
}

/// Unix seconds `t` as RFC 3339 UTC.
pub fn rfc3339_at(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The current UTC time as RFC 3339.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        (dir, log)
    }

    fn entry(id: &str) -> Entry {
        Entry {
            id: id.into(),
            env: "prod".into(),
            runbook: "scale".into(),
            step: "ecs.scale".into(),
            plan: vec!["ecs:UpdateService desiredCount 3 → 5".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_demo_log_is_timed_by_the_simulated_clock() {
        let (_d, log) = log();
        let log = log.with_clock(Some(std::sync::Arc::new(|| 1_788_220_800 + 90)));
        let r = log
            .append(RecordKind::Intent, entry("r1/0/0"))
            .expect("append");
        assert_eq!(r.time, "2026-09-01T00:01:30Z");
        assert_eq!(log.verify(), Ok(1));
    }

    #[test]
    fn chain_verifies_and_pairs_intents() {
        let (_d, log) = log();
        log.append(RecordKind::Intent, entry("r1/0/0"))
            .expect("append");
        log.append(RecordKind::Outcome, entry("r1/0/0"))
            .expect("append");
        log.append(RecordKind::Intent, entry("r2/0/0"))
            .expect("append");
        assert_eq!(log.verify(), Ok(3));
        let open = log.interrupted().expect("read");
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].entry.id, "r2/0/0");
        assert_eq!(log.close_interrupted().expect("close").len(), 1);
        assert!(log.interrupted().expect("read").is_empty());
        assert_eq!(log.verify(), Ok(4));
    }

    #[test]
    fn edits_deletions_and_truncation_are_detected() {
        let (_d, log) = log();
        for i in 0..3 {
            log.append(RecordKind::Intent, entry(&format!("r/{i}")))
                .expect("append");
        }
        let text = std::fs::read_to_string(log.path()).expect("read");
        let lines: Vec<&str> = text.lines().collect();

        std::fs::write(log.path(), text.replace("desiredCount 3", "desiredCount 9")).expect("w");
        assert!(matches!(log.verify(), Err(AuditProblem::Edited { .. })));

        std::fs::write(log.path(), format!("{}\n{}\n", lines[0], lines[2])).expect("w");
        assert!(matches!(log.verify(), Err(AuditProblem::Broken { .. })));

        // Reordered: every record intact, the chain out of order.
        std::fs::write(
            log.path(),
            format!("{}\n{}\n{}\n", lines[0], lines[2], lines[1]),
        )
        .expect("w");
        assert!(matches!(
            log.verify(),
            Err(AuditProblem::Broken { line: 2, .. })
        ));

        std::fs::write(log.path(), format!("{}\n{}\n", lines[0], lines[1])).expect("w");
        assert!(matches!(log.verify(), Err(AuditProblem::Truncated { .. })));

        std::fs::write(log.path(), format!("{}\nnot json\n", lines[0])).expect("w");
        assert!(matches!(
            log.verify(),
            Err(AuditProblem::Unreadable { line: 2, .. })
        ));
    }
}
