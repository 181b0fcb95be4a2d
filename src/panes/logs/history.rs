//! The Logs pane's query history: the last [`HISTORY_LIMIT`] queries per environment,
//! newest first, persisted as JSON in the XDG data dir (`opsdeck/logs-history/ENV.json`).
//! Reading happens in a fetch task, writing through an effect: the reducer does no I/O.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cloud::{CloudError, CloudResult, Epoch};

/// Queries kept per environment.
pub const HISTORY_LIMIT: usize = 100;

/// One query that was run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub query: String,
    pub log_groups: Vec<String>,
    /// As typed (`1h`, `FROM .. TO`).
    pub range: String,
    pub ran_at: Epoch,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub rows: usize,
}

/// The data dir opsdeck keeps its files under (`$XDG_DATA_HOME/opsdeck`), or the demo's
/// subdirectory of it.
pub fn data_dir(demo: bool) -> Option<PathBuf> {
    let base = dirs::data_dir()?.join("opsdeck");
    Some(if demo { base.join("demo") } else { base })
}

/// The history file of `env` under `dir`.
pub fn history_path(dir: &Path, env: &str) -> PathBuf {
    let safe: String = env
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join("logs-history").join(format!("{safe}.json"))
}

/// Add `entry` at the front; an identical earlier query (text, groups, range) moves up.
pub fn push(history: &mut Vec<HistoryEntry>, entry: HistoryEntry) {
    history.retain(|h| {
        !(h.query == entry.query && h.log_groups == entry.log_groups && h.range == entry.range)
    });
    history.insert(0, entry);
    history.truncate(HISTORY_LIMIT);
}

/// The file's contents for `history`.
pub fn to_json(history: &[HistoryEntry]) -> String {
    serde_json::to_string_pretty(history).unwrap_or_else(|_| "[]".into())
}

/// Parse a history file (a missing file is an empty history; a corrupt one is an error).
pub fn parse(text: &str) -> CloudResult<Vec<HistoryEntry>> {
    let mut h: Vec<HistoryEntry> = serde_json::from_str(text)
        .map_err(|e| CloudError::Invalid(format!("history file: {e}")))?;
    h.truncate(HISTORY_LIMIT);
    Ok(h)
}

/// Read the history at `path` (async; a missing file is empty).
pub async fn load(path: &Path) -> CloudResult<Vec<HistoryEntry>> {
    match tokio::fs::read_to_string(path).await {
        Ok(text) => parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(CloudError::Invalid(format!("{}: {e}", path.display()))),
    }
}

/// Write `contents` to the first of `paths` that works (creating its directory 0700, the
/// file 0600, never through a symlink): a new file for an `export` (never over one), else
/// a replacement. The path written.
pub fn write_first(paths: &[PathBuf], contents: &str, export: bool) -> Result<PathBuf, String> {
    let mut last = String::from("no path to write to");
    for p in paths {
        let written = if export {
            crate::private_file::write_unique(p, contents.as_bytes())
        } else {
            crate::private_file::replace(p, contents.as_bytes()).map(|()| p.clone())
        };
        match written {
            Ok(path) => return Ok(path),
            Err(e) => last = format!("{}: {e}", p.display()),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(q: &str, t: Epoch) -> HistoryEntry {
        HistoryEntry {
            query: q.into(),
            log_groups: vec!["/ecs/prod/fastapi".into()],
            range: "1h".into(),
            ran_at: t,
            status: "Complete".into(),
            rows: 3,
        }
    }

    #[test]
    fn keeps_the_last_hundred_newest_first_without_duplicates() {
        let mut h = Vec::new();
        for i in 0..150 {
            push(&mut h, entry(&format!("q{i}"), i));
        }
        assert_eq!(h.len(), HISTORY_LIMIT);
        assert_eq!(h[0].query, "q149");
        push(&mut h, entry("q120", 200));
        assert_eq!(h.len(), HISTORY_LIMIT);
        assert_eq!((h[0].query.as_str(), h[0].ran_at), ("q120", 200));
        assert_eq!(h.iter().filter(|e| e.query == "q120").count(), 1);
    }

    #[tokio::test]
    async fn persists_round_trip_in_a_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = history_path(dir.path(), "prod/../x");
        assert!(path.ends_with("logs-history/prod____x.json"));
        assert_eq!(load(&path).await, Ok(Vec::new()), "missing is empty");
        let h = vec![entry("fields @message\n| limit 5", 1), entry("q \"x\"", 2)];
        let written = write_first(std::slice::from_ref(&path), &to_json(&h), false).expect("write");
        assert_eq!(written, path);
        assert_eq!(load(&path).await, Ok(h));
        std::fs::write(&path, "{not json").expect("corrupt");
        assert!(load(&path).await.is_err());
        assert!(parse("[]").is_ok_and(|h| h.is_empty()));
    }

    #[test]
    fn write_first_falls_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").expect("write");
        let bad = blocker.join("sub").join("out.csv");
        let good = dir.path().join("out.csv");
        assert_eq!(write_first(&[bad, good.clone()], "a", true), Ok(good));
        assert!(write_first(&[], "a", true).is_err());
    }
}
