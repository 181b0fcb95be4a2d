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
    (
        "db-storage-cleanup.toml",
        include_str!("../../runbooks/db-storage-cleanup.toml"),
    ),
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
        "rotate-redis-auth.toml",
        include_str!("../../runbooks/rotate-redis-auth.toml"),
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
    (
        "deactivate-access-key.toml",
        include_str!("../../runbooks/deactivate-access-key.toml"),
    ),
];

/// Two of the user's files name the same runbook: an error at the second's name that
/// names the first file (which is the one kept).
fn duplicate(second: &Runbook, first: &Path) -> FileError {
    FileError {
        path: second.source.clone(),
        line: second.name_at.0,
        column: second.name_at.1,
        message: format!(
            "runbook name {} is also used by {}; this file is skipped",
            crate::text::quote(&second.name),
            crate::text::escape_clipped(&first.display().to_string(), 1000)
        ),
    }
}

/// The `*.toml` files in `dir`, sorted by name (none when it cannot be read).
pub fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
}

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
        if let Some(dir) = user {
            let mut users: Vec<(String, PathBuf)> = Vec::new();
            for path in toml_files(dir) {
                match FileError::read_text(&path, "runbook").and_then(|text| parse(&path, &text)) {
                    Ok(rb) => {
                        if let Some((_, first)) = users.iter().find(|(n, _)| *n == rb.name) {
                            lib.errors.push(duplicate(&rb, first));
                            continue;
                        }
                        users.push((rb.name.clone(), path.clone()));
                        let mut rb = rb;
                        rb.replaces_shipped = lib.runbooks.iter().any(|r| r.name == rb.name);
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
    /// (A user file may replace a shipped runbook; two user files may not share a name.)
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

    #[test]
    fn a_user_file_replacing_a_shipped_runbook_is_marked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, scale) = SHIPPED
            .iter()
            .find(|(f, _)| *f == "scale.toml")
            .expect("scale");
        // Claims low risk; the mark and the risk floor still apply.
        std::fs::write(dir.path().join("scale.toml"), scale).expect("write");
        let lib = Library::load(Some(dir.path()));
        let rb = lib.get("scale").expect("scale");
        assert!(rb.replaces_shipped);
        let note = rb.origin_note().expect("a note");
        assert!(note.contains("replaces the shipped scale"), "{note}");
        assert!(!lib.get("rollback").expect("shipped").replaces_shipped);
    }

    #[test]
    fn two_user_runbooks_with_one_name_are_an_error_naming_both_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, scale) = SHIPPED
            .iter()
            .find(|(f, _)| *f == "scale.toml")
            .expect("scale");
        let renamed = scale.replace("name = \"scale\"", "name = \"my-scale\"");
        assert_ne!(&renamed, scale);
        std::fs::write(dir.path().join("a.toml"), &renamed).expect("write");
        std::fs::write(dir.path().join("b.toml"), &renamed).expect("write");
        let lib = Library::load(Some(dir.path()));
        assert_eq!(lib.errors.len(), 1, "{:?}", lib.errors);
        let shown = lib.errors[0].to_string();
        assert!(shown.contains("b.toml:"), "{shown}");
        assert!(shown.contains("a.toml"), "{shown}");
        assert!(shown.contains("\"my-scale\" is also used by"), "{shown}");
        assert_eq!(
            lib.runbooks.iter().filter(|r| r.name == "my-scale").count(),
            1
        );
        assert!(
            lib.get("my-scale")
                .expect("kept")
                .source
                .ends_with("a.toml")
        );
    }

    #[test]
    fn a_runbook_file_that_is_not_utf8_is_an_error_at_line_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("bin.toml"), b"name = \"x\"\n\xff\xfe").expect("write");
        let lib = Library::load(Some(dir.path()));
        let shown = lib.errors[0].to_string();
        assert!(
            shown.contains("bin.toml:1:1: runbook is not UTF-8"),
            "{shown}"
        );
        assert!(shown.contains("line 2, column 1"), "{shown}");
    }
}
