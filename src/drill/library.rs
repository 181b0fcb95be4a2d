//! The drills opsdeck knows: the shipped ones (`drills/*.toml`, embedded in the binary)
//! and the user's (`~/.config/opsdeck/drills/*.toml`, which replace shipped ones of the
//! same name). Files that do not load are kept as located errors.

use std::path::{Path, PathBuf};

use super::file::parse;
use super::model::Drill;
use crate::config::FileError;
use crate::runbook::library::{Library, toml_files};

/// The shipped drill files, by file name.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "bad-deployment.toml",
        include_str!("../../drills/bad-deployment.toml"),
    ),
    (
        "database-storage.toml",
        include_str!("../../drills/database-storage.toml"),
    ),
    (
        "cache-pressure.toml",
        include_str!("../../drills/cache-pressure.toml"),
    ),
    (
        "compromised-task.toml",
        include_str!("../../drills/compromised-task.toml"),
    ),
    (
        "leaked-credentials.toml",
        include_str!("../../drills/leaked-credentials.toml"),
    ),
    (
        "cost-spike.toml",
        include_str!("../../drills/cost-spike.toml"),
    ),
];

/// The user's drill directory (beside the runbooks, in the same config dir).
pub fn user_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("opsdeck").join("drills"))
}

/// Every drill that loaded, sorted by name, and the errors of those that did not.
#[derive(Debug, Clone, Default)]
pub struct DrillLibrary {
    pub drills: Vec<Drill>,
    pub errors: Vec<FileError>,
}

impl DrillLibrary {
    /// Shipped drills plus those in `user`, checked against `runbooks`.
    pub fn load(user: Option<&Path>, runbooks: &Library) -> DrillLibrary {
        let names = runbook_names(runbooks);
        let mut lib = DrillLibrary::default();
        for (file, text) in SHIPPED {
            match parse(&PathBuf::from("drills").join(file), text, Some(&names)) {
                Ok(d) => lib.drills.push(d),
                Err(e) => lib.errors.push(e),
            }
        }
        if let Some(dir) = user {
            for path in toml_files(dir) {
                match load_file(&path, runbooks) {
                    Ok(d) => {
                        lib.drills.retain(|x| x.name != d.name);
                        lib.drills.push(d);
                    }
                    Err(e) => lib.errors.push(e),
                }
            }
        }
        lib.drills.sort_by(|a, b| a.name.cmp(&b.name));
        lib
    }

    /// Shipped plus the user's directory, against the default runbook library.
    pub fn load_default() -> DrillLibrary {
        DrillLibrary::load(user_dir().as_deref(), &Library::load_default())
    }

    /// The drill called `name`.
    pub fn get(&self, name: &str) -> Option<&Drill> {
        self.drills.iter().find(|d| d.name == name)
    }
}

/// The names of the runbooks in `lib`.
pub fn runbook_names(lib: &Library) -> Vec<String> {
    lib.runbooks.iter().map(|r| r.name.clone()).collect()
}

/// One drill file that is not installed (`--drill FILE`), checked against `runbooks`.
pub fn load_file(path: &Path, runbooks: &Library) -> Result<Drill, FileError> {
    let text = FileError::read_text(path, "drill")?;
    let mut drill = parse(path, &text, Some(&runbook_names(runbooks)))?;
    drill.user = true;
    Ok(drill)
}
