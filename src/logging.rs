//! Logging via `tracing` to a file in the XDG state dir, never to the screen.

use std::path::PathBuf;

/// `$XDG_STATE_HOME/opsdeck` (falling back to the cache dir, then `~/.opsdeck`; never a
/// shared directory such as `/tmp`: with no home at all it is `.opsdeck` in the current
/// directory, made 0700 like the others).
pub fn state_dir() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .map(|d| d.join("opsdeck"))
        .or_else(|| dirs::home_dir().map(|h| h.join(".opsdeck")))
        .unwrap_or_else(|| PathBuf::from(".opsdeck"))
}

/// Start logging to `opsdeck.log` in the state dir; returns the file's path.
/// The level comes from `OPSDECK_LOG` (default `info`). Failure to open the file
/// disables logging rather than failing the console.
pub fn init() -> Option<PathBuf> {
    let path = state_dir().join("opsdeck.log");
    let file = crate::private_file::open_append(&path).ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("OPSDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}
