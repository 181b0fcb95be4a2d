//! The drill journal: what a run of a drill did that the audit log does not show — which
//! pane the operator opened when, hints revealed, pauses — one JSON line each, in
//! `drills/<run>.jsonl` beside the audit log. Its first line says which drill, seed and
//! speed, and where the audit log stood when the run began.

use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cloud::Epoch;

/// One line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JournalRecord {
    /// The run began (simulated time `started`).
    Start {
        run: String,
        drill: String,
        source: String,
        env: String,
        seed: u64,
        speed: f64,
        started: Epoch,
        /// The audit log the run's writes go to, and its last sequence number before.
        audit: String,
        audit_seq: u64,
    },
    /// The operator opened a pane.
    Pane {
        at: Epoch,
        pane: String,
    },
    /// A hint was revealed.
    Hint {
        at: Epoch,
        fault: String,
    },
    Pause {
        at: Epoch,
    },
    Resume {
        at: Epoch,
    },
    /// How a fault stood when the run ended (written just before `End`).
    Outcome {
        fault: String,
        onset: Epoch,
        escalated: Option<Epoch>,
        resolved: Option<Epoch>,
        resolved_by: Option<String>,
    },
    /// The drill's time was up (or the console was closed).
    End {
        at: Epoch,
    },
}

/// The journal of one run.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// Where journals live: `drills/` beside the audit log at `audit`.
    pub fn dir_for(audit: &Path) -> PathBuf {
        audit
            .parent()
            .map_or_else(|| PathBuf::from("drills"), |d| d.join("drills"))
    }

    /// The journal of run `run` in `dir`.
    pub fn at(dir: &Path, run: &str) -> Journal {
        Journal {
            path: dir.join(format!("{run}.jsonl")),
        }
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record (the file is created 0600 on the first).
    pub fn append(&self, record: &JournalRecord) -> io::Result<()> {
        let mut file = crate::private_file::open_append(&self.path)?;
        let mut line = serde_json::to_string(record).map_err(io::Error::other)?;
        line.push('\n');
        file.write_all(line.as_bytes())
    }

    /// Every record that reads; lines that do not are skipped.
    pub fn read(&self) -> io::Result<Vec<JournalRecord>> {
        let file = std::fs::File::open(&self.path)?;
        Ok(BufReader::new(file)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str(&l).ok())
            .collect())
    }

    /// The run id (the file name without `.jsonl`).
    pub fn run(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The most recently modified journal in `dir`.
    pub fn latest(dir: &Path) -> Option<Journal> {
        let mut newest: Option<(std::time::SystemTime, PathBuf)> = None;
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|x| x != "jsonl") {
                continue;
            }
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            if newest
                .as_ref()
                .is_none_or(|(t, p)| (modified, &path) > (*t, p))
            {
                newest = Some((modified, path));
            }
        }
        newest.map(|(_, path)| Journal { path })
    }
}

/// A run id: the drill's name and the simulated start, `bad-deployment-20261203T061500`.
pub fn run_id(drill: &str, started: Epoch) -> String {
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]");
    let stamp = time::OffsetDateTime::from_unix_timestamp(started)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| started.to_string());
    format!("{drill}-{stamp}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let j = Journal::at(dir.path(), "x-1");
        j.append(&JournalRecord::Pane {
            at: 5,
            pane: "security".into(),
        })
        .expect("append");
        j.append(&JournalRecord::End { at: 9 }).expect("append");
        assert_eq!(j.read().expect("read").len(), 2);
        assert_eq!(
            Journal::latest(dir.path()).map(|j| j.run()),
            Some("x-1".into())
        );
        assert_eq!(run_id("d", 0), "d-19700101T000000");
    }
}
