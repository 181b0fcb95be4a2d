//! The severity vocabulary shared by every layer: how healthy a value is, or how loud a
//! message must be. Meaning lives here; the UI's theme maps each level to a style.

/// How healthy a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Unknown,
    Ok,
    Warning,
    Critical,
}
