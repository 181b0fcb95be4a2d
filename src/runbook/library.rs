//! Where runbooks come from: the ones shipped in `runbooks/` (embedded in the binary)
//! and the user's in `~/.config/opsdeck/runbooks/*.toml`, which may add new ones or
//! replace a shipped one of the same name.

use std::path::{Path, PathBuf};

use super::file::parse;
use super::model::Runbook;
use crate::config::FileError;

/// Runbooks shipped with opsdeck, as (file name, text).
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "rollback.toml",
        include_str!("../../runbooks/rollback.toml"),
    ),
    ("scale.toml", include_str!("../../runbooks/scale.toml")),
    ("deploy.toml", include_str!("../../runbooks/deploy.toml")),
    ("restart.toml", include_str!("../../runbooks/restart.toml")),
    (
        "db-snapshot.toml",
        include_str!("../../runbooks/db-snapshot.toml"),
    ),
    (
        "db-failover.toml",
        include_str!("../../runbooks/db-failover.toml"),
    ),
    (
        "cache-failover.toml",
        include_str!("../../runbooks/cache-failover.toml"),
    ),
    (
        "dev-scale-down.toml",
        include_str!("../../runbooks/dev-scale-down.toml"),
    ),
    (
        "dev-scale-up.toml",
        include_str!("../../runbooks/dev-scale-up.toml"),
    ),
    (
        "rotate-secret.toml",
        include_str!("../../runbooks/rotate-secret.toml"),
    ),
    (
        "isolate-task.toml",
        include_str!("../../runbooks/isolate-task.toml"),
    ),
    (
        "break-glass.toml",
        include_str!("../../runbooks/break-glass.toml"),
    ),
    (
        "incident-response.toml",
        include_str!("../../runbooks/incident-response.toml"),
    ),
];

/// The user's runbook directory.
pub fn user_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("opsdeck").join("runbooks"))
}

/// Every runbook that loaded, sorted by name, and the errors of those that did not.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub runbooks: Vec<Runbook>,
    pub errors: Vec<FileError>,
}

impl Library {
    /// Shipped runbooks plus those in `user` (if it exists).
    pub fn load(user: Option<&Path>) -> Library {
        let mut lib = Library::default();
        for (name, text) in SHIPPED {
            let path = PathBuf::from("runbooks").join(name);
            match parse(&path, text) {
                Ok(rb) => lib.runbooks.push(rb),
                Err(e) => lib.errors.push(e),
            }
        }
        if let Some(dir) = user
            && let Ok(entries) = std::fs::read_dir(dir)
        {
            let mut paths: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            paths.sort();
            for path in paths {
                match std::fs::read_to_string(&path)
                    .map_err(|e| FileError::whole(&path, format!("cannot read runbook: {e}")))
                    .and_then(|text| parse(&path, &text))
                {
                    Ok(rb) => {
                        lib.runbooks.retain(|r| r.name != rb.name);
                        lib.runbooks.push(rb);
                    }
                    Err(e) => lib.errors.push(e),
                }
            }
        }
        lib.runbooks.sort_by(|a, b| a.name.cmp(&b.name));
        lib
    }

    /// Shipped plus the user's XDG directory.
    pub fn load_default() -> Library {
        Library::load(user_dir().as_deref())
    }

    /// The runbook called `name`.
    pub fn get(&self, name: &str) -> Option<&Runbook> {
        self.runbooks.iter().find(|r| r.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_runbooks_are_valid() {
        let lib = Library::load(None);
        assert!(lib.errors.is_empty(), "{:?}", lib.errors);
        for name in [
            "deploy",
            "restart",
            "rollback",
            "scale",
            "db-snapshot",
            "db-failover",
            "cache-failover",
            "dev-scale-down",
            "dev-scale-up",
        ] {
            assert!(lib.get(name).is_some(), "{name}");
        }
    }

    #[test]
    fn user_runbooks_override_and_errors_are_collected() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("bad.toml"), "name = 3\n").expect("write");
        let lib = Library::load(Some(dir.path()));
        assert_eq!(lib.errors.len(), 1);
        assert!(
            lib.errors[0].to_string().contains("bad.toml:1:"),
            "{}",
            lib.errors[0]
        );
    }
}
