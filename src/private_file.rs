//! Files opsdeck writes hold operational data (the audit log, the tracing log, exports,
//! query history, the cost cache, evidence): directories are made 0700, files 0600, and
//! nothing is written through a symlink — appends open with `O_NOFOLLOW`, new files with
//! `create_new`, replacements go to a fresh temporary file renamed into place.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Create `dir` (and its parents) with mode 0700 for what is created; an existing `dir`
/// is tightened to 0700 when opsdeck owns it.
pub fn ensure_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)?;
    #[cfg(unix)]
    {
        let meta = fs::symlink_metadata(dir)?;
        if meta.file_type().is_symlink() {
            return Err(io::Error::other(format!(
                "{} is a symlink: refusing to write through it",
                dir.display()
            )));
        }
        if meta.permissions().mode() & 0o077 != 0 {
            // Not ours to change (another user's directory) is not fatal.
            let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
        }
    }
    Ok(())
}

fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    options
}

fn refuse_symlink(path: &Path, e: io::Error) -> io::Error {
    // O_NOFOLLOW on a symlink fails with ELOOP.
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        io::Error::other(format!(
            "{} is a symlink: refusing to write through it",
            path.display()
        ))
    } else {
        e
    }
}

/// Open `path` for appending (created 0600), never through a symlink.
pub fn open_append(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        ensure_dir(dir)?;
    }
    private(OpenOptions::new().create(true).append(true))
        .open(path)
        .map_err(|e| refuse_symlink(path, e))
}

/// Write a file that must not exist yet (0600); `AlreadyExists` when it does (a symlink
/// counts as existing).
pub fn write_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        ensure_dir(dir)?;
    }
    let mut file = private(OpenOptions::new().write(true).create_new(true)).open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Replace `path` with `contents`: written to a new temporary file beside it (0600,
/// `create_new`, so a planted symlink is never followed), synced, renamed into place.
pub fn replace(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        ensure_dir(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for attempt in 0..100u32 {
        let tmp = path.with_file_name(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match write_new(&tmp, contents) {
            Ok(()) => {
                return fs::rename(&tmp, path).inspect_err(|_| {
                    let _ = fs::remove_file(&tmp);
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "no free temporary name beside {}",
        path.display()
    )))
}

/// Write `contents` to a new file named like `path`, adding `-1`, `-2`… before the
/// extension when the name is taken: never over an existing file. The path written.
pub fn write_unique(path: &Path, contents: &[u8]) -> io::Result<PathBuf> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 0..1000u32 {
        let candidate = if n == 0 {
            path.to_path_buf()
        } else {
            path.with_file_name(format!("{stem}-{n}{ext}"))
        };
        match write_new(&candidate, contents) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "no free name like {}",
        path.display()
    )))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn files_are_0600_in_0700_directories() {
        let d = tempfile::tempdir().expect("tempdir");
        let dir = d.path().join("a/b");
        let log = dir.join("x.jsonl");
        open_append(&log)
            .expect("append")
            .write_all(b"x")
            .expect("w");
        assert_eq!(mode(&log), 0o600);
        assert_eq!(mode(&dir), 0o700);
        replace(&dir.join("h.json"), b"{}").expect("replace");
        assert_eq!(mode(&dir.join("h.json")), 0o600);
        let p = write_unique(&dir.join("e.csv"), b"1").expect("new");
        let q = write_unique(&dir.join("e.csv"), b"2").expect("new");
        assert_eq!(p, dir.join("e.csv"));
        assert_eq!(q, dir.join("e-1.csv"));
        assert_eq!(mode(&q), 0o600);
    }

    #[test]
    fn symlinks_are_refused_not_followed() {
        let d = tempfile::tempdir().expect("tempdir");
        let victim = d.path().join("victim");
        fs::write(&victim, "keep").expect("w");
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).expect("symlink");
        assert!(open_append(&link).is_err());
        assert!(write_new(&link, b"x").is_err());
        // A replacement renames over the link itself; the target is untouched.
        replace(&link, b"new").expect("replace");
        assert_eq!(fs::read_to_string(&victim).expect("r"), "keep");
        assert!(
            !fs::symlink_metadata(&link)
                .expect("m")
                .file_type()
                .is_symlink()
        );
    }
}
