//! Where the generated config goes: stdout, or `--write PATH` — created when absent,
//! never overwritten without `--force` (the difference is shown instead), replaced through
//! a temporary file renamed into place so a failed write leaves the old file whole.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::diff::unified;

/// What happened to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Printed to stdout.
    Printed,
    /// A new file.
    Created(PathBuf),
    /// An existing file replaced (`--force`); the diff of old and new.
    Replaced(PathBuf, String),
    /// The existing file says the same (apart from the generation date): left alone.
    Unchanged(PathBuf),
    /// The file exists and `--force` was not given: the diff of old and new.
    Refused(PathBuf, String),
}

/// The text without its first line (the header naming the generation date).
fn without_date(text: &str) -> &str {
    text.split_once('\n').map_or("", |(_, rest)| rest)
}

/// Print `text`, or write it to `path` (see the module doc). Errors name the file.
pub fn deliver(text: &str, path: Option<&Path>, force: bool) -> Result<Delivered, String> {
    let Some(path) = path else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| format!("stdout: {e}"))?;
        return Ok(Delivered::Printed);
    };
    let shown = path.display();
    match fs::symlink_metadata(path) {
        Ok(_) => {
            let old = fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
            if without_date(&old) == without_date(text) {
                return Ok(Delivered::Unchanged(path.to_path_buf()));
            }
            let diff = unified(
                &old,
                text,
                &format!("{shown} (existing)"),
                &format!("{shown} (generated)"),
            );
            if !force {
                return Ok(Delivered::Refused(path.to_path_buf(), diff));
            }
            replace(path, text)?;
            Ok(Delivered::Replaced(path.to_path_buf(), diff))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir)
                    .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
            }
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| format!("{shown}: cannot create: {e}"))?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| format!("{shown}: cannot write: {e}"))?;
            Ok(Delivered::Created(path.to_path_buf()))
        }
        Err(e) => Err(format!("{shown}: {e}")),
    }
}

/// Write `text` next to `path` and rename it over `path`.
fn replace(path: &Path, text: &str) -> Result<(), String> {
    let shown = path.display();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    let tmp = path.with_file_name(format!(".{name}.opsdeck-init-{}", std::process::id()));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| fs::rename(&tmp, path));
    written.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{shown}: cannot replace: {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_is_kept_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("c.toml");
        assert_eq!(
            deliver("# on day 1\na = 1\n", Some(&path), false),
            Ok(Delivered::Created(path.clone()))
        );
        assert_eq!(
            deliver("# on day 2\na = 1\n", Some(&path), false),
            Ok(Delivered::Unchanged(path.clone()))
        );
        let Ok(Delivered::Refused(_, diff)) = deliver("# on day 2\na = 2\n", Some(&path), false)
        else {
            panic!("not refused")
        };
        assert!(
            diff.contains("-a = 1\n") && diff.contains("+a = 2\n"),
            "{diff}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "# on day 1\na = 1\n");
        assert!(matches!(
            deliver("# on day 2\na = 2\n", Some(&path), true),
            Ok(Delivered::Replaced(..))
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "# on day 2\na = 2\n");
        assert_eq!(
            fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1,
            "no temp left"
        );
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = deliver("x", Some(dir.path()), false).unwrap_err();
        assert!(e.starts_with(&dir.path().display().to_string()), "{e}");
    }
}
