//! Incidents an operator opened and closed (`:incident start INC-123`, `:incident end`, or
//! a runbook run's `incident` parameter): JSON lines beside the audit log, so the
//! postmortem knows the window to report on. Opening or closing is not a write to AWS;
//! the runbooks an incident's responders ran are in the audit log itself.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cloud::Epoch;

/// One line of the incident log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRecord {
    pub id: String,
    pub env: String,
    /// `start` or `end`.
    pub action: String,
    pub at: Epoch,
    pub by: Option<String>,
    /// How it was opened or closed (`:incident start`, `runbook rollback`).
    pub via: String,
}

/// One incident, from its records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    pub id: String,
    pub env: String,
    pub started: Epoch,
    pub ended: Option<Epoch>,
    pub opened_by: Option<String>,
    pub opened_via: String,
}

/// The incident log at a path.
#[derive(Debug, Clone)]
pub struct IncidentLog {
    path: PathBuf,
}

/// True for ids an operator would type: `INC-123`, `2026-12-02-db`; no spaces or slashes.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl IncidentLog {
    /// The log beside `audit` (the audit log's path): `incidents.jsonl`, or
    /// `incidents-demo.jsonl` beside the demo's audit log.
    pub fn beside(audit: &Path) -> IncidentLog {
        let demo = audit
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains("demo"));
        let name = if demo {
            "incidents-demo.jsonl"
        } else {
            "incidents.jsonl"
        };
        IncidentLog {
            path: audit.with_file_name(name),
        }
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every incident, oldest first. A line that does not parse is skipped (it is named
    /// in the error list).
    pub fn incidents(&self) -> (Vec<Incident>, Vec<String>) {
        let mut out: Vec<Incident> = Vec::new();
        let mut problems = Vec::new();
        let Ok(file) = std::fs::File::open(&self.path) else {
            return (out, problems);
        };
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            let r: IncidentRecord = match serde_json::from_str(&line) {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{}:{}: {e}", self.path.display(), n + 1));
                    continue;
                }
            };
            match r.action.as_str() {
                "start" if !out.iter().any(|i| i.id == r.id && i.ended.is_none()) => {
                    out.push(Incident {
                        id: r.id,
                        env: r.env,
                        started: r.at,
                        ended: None,
                        opened_by: r.by,
                        opened_via: r.via,
                    })
                }
                "end" => {
                    if let Some(i) = out
                        .iter_mut()
                        .rev()
                        .find(|i| i.id == r.id && i.ended.is_none())
                    {
                        i.ended = Some(r.at);
                    }
                }
                _ => {}
            }
        }
        (out, problems)
    }

    /// The open incident of `env`, if any (the newest).
    pub fn open_on(&self, env: &str) -> Option<Incident> {
        self.incidents()
            .0
            .into_iter()
            .rev()
            .find(|i| i.env == env && i.ended.is_none())
    }

    /// The newest incident called `id`.
    pub fn find(&self, id: &str) -> Option<Incident> {
        self.incidents().0.into_iter().rev().find(|i| i.id == id)
    }

    fn append(&self, record: &IncidentRecord) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let line = serde_json::to_string(record).map_err(std::io::Error::other)?;
        writeln!(f, "{line}")?;
        f.sync_all()
    }

    /// Open incident `id` on `env` at `at`; an id already open is left as it is (Ok(false)).
    pub fn start(
        &self,
        id: &str,
        env: &str,
        at: Epoch,
        by: Option<String>,
        via: &str,
    ) -> Result<bool, String> {
        if !valid_id(id) {
            return Err(format!(
                "incident id {id:?}: letters, digits, - _ . only (e.g. INC-123)"
            ));
        }
        if self
            .incidents()
            .0
            .iter()
            .any(|i| i.id == id && i.ended.is_none())
        {
            return Ok(false);
        }
        let record = IncidentRecord {
            id: id.into(),
            env: env.into(),
            action: "start".into(),
            at,
            by,
            via: via.into(),
        };
        self.append(&record)
            .map(|()| true)
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }

    /// Close the open incident of `env`; the closed one, or an error saying none is open.
    pub fn end(
        &self,
        env: &str,
        at: Epoch,
        by: Option<String>,
        via: &str,
    ) -> Result<Incident, String> {
        let Some(mut open) = self.open_on(env) else {
            return Err(format!("no incident is open on {env}"));
        };
        let record = IncidentRecord {
            id: open.id.clone(),
            env: env.into(),
            action: "end".into(),
            at,
            by,
            via: via.into(),
        };
        self.append(&record)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        open.ended = Some(at);
        Ok(open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_end_and_reopen() {
        let dir = tempfile::tempdir().expect("dir");
        let log = IncidentLog::beside(&dir.path().join("audit-demo.jsonl"));
        assert!(log.path().ends_with("incidents-demo.jsonl"));
        assert_eq!(
            log.start(
                "INC-1",
                "prod",
                100,
                Some("alice".into()),
                ":incident start"
            ),
            Ok(true)
        );
        assert_eq!(
            log.start("INC-1", "prod", 150, None, "runbook rollback"),
            Ok(false)
        );
        assert_eq!(log.open_on("prod").map(|i| i.started), Some(100));
        assert!(log.open_on("dev").is_none());
        let closed = log.end("prod", 400, None, ":incident end").expect("closed");
        assert_eq!((closed.id.as_str(), closed.ended), ("INC-1", Some(400)));
        assert!(log.end("prod", 500, None, ":incident end").is_err());
        assert!(log.start("bad id", "prod", 1, None, "x").is_err());
        assert_eq!(
            log.find("INC-1").map(|i| (i.started, i.ended)),
            Some((100, Some(400)))
        );
    }
}
