//! The writes of manual secret rotation and Redis AUTH rotation as the executor performs
//! them. The new value is made (or taken from the prompt) by the first step that needs
//! it and kept, redacted, for the later steps of the same run: the AUTH token set on the
//! replication group is the one stored in the secret.

use super::value_source::ValueSource;
use crate::cloud::{AuthTokenStrategy, StageMove};

/// A planned rotation write, carried by `Action::Rotation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotationAction {
    /// `PutSecretValue` (`AWSPENDING`, version id = `version`), then
    /// `UpdateSecretVersionStage` moving `AWSCURRENT` from `previous` to it, then a
    /// `DescribeSecret` read-back.
    PutAndPromote {
        secret: String,
        version: String,
        previous: String,
        source: ValueSource,
    },
    /// `ModifyReplicationGroup AuthToken AuthTokenUpdateStrategy ApplyImmediately=true`;
    /// `source` None: the value this run already made (the `SET` after a `ROTATE`).
    AuthToken {
        group: String,
        strategy: AuthTokenStrategy,
        source: Option<ValueSource>,
    },
    /// One `UpdateSecretVersionStage` (the rollback: `AWSCURRENT` back to the version
    /// that held it, or a staged `AWSPENDING` cleared).
    Stage(StageMove),
}
