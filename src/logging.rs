//! Logging via `tracing` to a file in the XDG state dir, never to the screen.

use std::path::PathBuf;

/// `$XDG_STATE_HOME/opsdeck` (falling back to the cache dir, then the temp dir).
pub fn state_dir() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("opsdeck")
}

/// Start logging to `opsdeck.log` in the state dir; returns the file's path.
/// The level comes from `OPSDECK_LOG` (default `info`). Failure to open the file
/// disables logging rather than failing the console.
pub fn init() -> Option<PathBuf> {
    let dir = state_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("opsdeck.log");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
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
