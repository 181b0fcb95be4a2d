//! Writes of manual secret rotation and Redis AUTH token rotation (seed §5.5.2: API keys,
//! the JWT secret and dev/staging database credentials are rotated by hand; the Redis AUTH
//! token "manual with rolling update"): a value from `GetRandomPassword`, staged with
//! `PutSecretValue` (`AWSPENDING`), promoted with `UpdateSecretVersionStage`, and an
//! ElastiCache AUTH token changed with `ModifyReplicationGroup` (`ROTATE`, then `SET`).
//! Every value travels as a [`Redacted`]: it never prints.

use async_trait::async_trait;

use super::{CloudResult, Redacted, WriteReceipt};

/// The `AWSPREVIOUS` staging label.
pub const AWS_PREVIOUS: &str = "AWSPREVIOUS";

/// What `GetRandomPassword` is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// `PasswordLength` (1–4096).
    pub length: i64,
    /// `ExcludeCharacters` (printable ASCII).
    pub exclude_characters: String,
    /// `ExcludePunctuation`.
    pub exclude_punctuation: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            length: 32,
            exclude_characters: String::new(),
            exclude_punctuation: false,
        }
    }
}

impl PasswordPolicy {
    /// The request's fields as the plan shows them.
    pub fn describe(&self) -> String {
        let mut s = format!("PasswordLength={}", self.length);
        if !self.exclude_characters.is_empty() {
            s.push_str(&format!(" ExcludeCharacters={:?}", self.exclude_characters));
        }
        if self.exclude_punctuation {
            s.push_str(" ExcludePunctuation=true");
        }
        s
    }
}

/// One `UpdateSecretVersionStage`: move `stage` to `move_to` and/or off `remove_from`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageMove {
    pub secret: String,
    pub stage: String,
    pub move_to: Option<String>,
    pub remove_from: Option<String>,
}

/// `AuthTokenUpdateStrategy` of `ModifyReplicationGroup`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthTokenStrategy {
    /// The new token is accepted alongside the old one.
    Rotate,
    /// Only the given token is accepted from now on (the old one is dropped).
    Set,
}

impl AuthTokenStrategy {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthTokenStrategy::Rotate => "ROTATE",
            AuthTokenStrategy::Set => "SET",
        }
    }
}

/// The rotation writes. Absent in read-only mode (part of `CloudAct`).
#[async_trait]
pub trait RotationAct: Send + Sync {
    /// `secretsmanager:GetRandomPassword`. Changes nothing, but only a rotation needs it.
    async fn random_password(&self, policy: &PasswordPolicy) -> CloudResult<Redacted>;
    /// `secretsmanager:PutSecretValue` with `ClientRequestToken=version` (the new version's
    /// id, the same on a retry) and `VersionStages=[AWSPENDING]`.
    async fn put_secret_pending(
        &self,
        secret: &str,
        version: &str,
        value: &Redacted,
    ) -> CloudResult<WriteReceipt>;
    /// `secretsmanager:UpdateSecretVersionStage`.
    async fn move_secret_stage(&self, change: &StageMove) -> CloudResult<WriteReceipt>;
    /// `elasticache:ModifyReplicationGroup` with `AuthToken`, `AuthTokenUpdateStrategy`
    /// and `ApplyImmediately=true`.
    async fn modify_auth_token(
        &self,
        replication_group: &str,
        token: &Redacted,
        strategy: AuthTokenStrategy,
    ) -> CloudResult<WriteReceipt>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_describes_its_fields() {
        let p = PasswordPolicy {
            length: 64,
            exclude_characters: "/@\"".into(),
            exclude_punctuation: true,
        };
        assert_eq!(
            p.describe(),
            "PasswordLength=64 ExcludeCharacters=\"/@\\\"\" ExcludePunctuation=true"
        );
        assert_eq!(AuthTokenStrategy::Set.as_str(), "SET");
    }
}
