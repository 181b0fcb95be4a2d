//! Reads and writes of the incident runbooks (seed §5.5, §5.7): a secret's rotation
//! state (metadata only — never a value), a task's network interface and its security
//! groups, ALB target registration, task protection and tags, SNS alerts, and the
//! break-glass role assumption whose credentials stay inside an in-memory `CloudHandle`.

use std::fmt;

use async_trait::async_trait;

use super::{CloudHandle, CloudResult, Epoch, WriteReceipt};

/// The `AWSPENDING` staging label: a rotation has started and not finished.
pub const AWS_PENDING: &str = "AWSPENDING";
/// The `AWSCURRENT` staging label.
pub const AWS_CURRENT: &str = "AWSCURRENT";

/// A Secrets Manager secret as `DescribeSecret` reports it. Never holds a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretMeta {
    pub arn: String,
    pub name: String,
    pub rotation_enabled: bool,
    pub rotation_lambda: Option<String>,
    pub rotation_days: Option<i64>,
    pub last_rotated: Option<Epoch>,
    /// Version ids with their staging labels.
    pub versions: Vec<SecretVersion>,
}

/// One version of a secret and its staging labels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretVersion {
    pub id: String,
    pub stages: Vec<String>,
}

impl SecretMeta {
    /// The version labelled `AWSPENDING` but not `AWSCURRENT`: a rotation in progress.
    pub fn pending(&self) -> Option<&SecretVersion> {
        self.versions.iter().find(|v| {
            v.stages.iter().any(|s| s == AWS_PENDING) && !v.stages.iter().any(|s| s == AWS_CURRENT)
        })
    }

    /// The id of the `AWSCURRENT` version.
    pub fn current(&self) -> Option<&str> {
        self.versions
            .iter()
            .find(|v| v.stages.iter().any(|s| s == AWS_CURRENT))
            .map(|v| v.id.as_str())
    }

    /// True when a task definition's `valueFrom` points at this secret: its full ARN, the
    /// ARN without the random suffix, or its name (optionally with a JSON key suffix).
    pub fn referenced_by(&self, value_from: &str) -> bool {
        let matches = |prefix: &str| {
            !prefix.is_empty()
                && (value_from == prefix
                    || value_from
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with(':')))
        };
        let partial = self
            .arn
            .rsplit_once('-')
            .map(|(head, tail)| if tail.len() == 6 { head } else { &self.arn[..] })
            .unwrap_or(&self.arn);
        matches(&self.arn)
            || matches(partial)
            || matches(&self.name)
            || value_from.ends_with(&format!(":secret:{}", self.name))
    }
}

/// An ENI (`DescribeNetworkInterfaces`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkInterface {
    pub id: String,
    pub private_ip: Option<String>,
    /// Security group ids, in the order AWS lists them.
    pub groups: Vec<String>,
    pub status: String,
}

/// One registered ALB target: target group, target id (an IP for awsvpc tasks), port.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetRef {
    pub target_group: String,
    pub id: String,
    pub port: Option<i32>,
}

/// A value that must never be printed: `Debug` and `Display` show `<redacted>`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Redacted(pub String);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `sts:AssumeRole` with MFA for the break-glass runbook.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BreakGlassRequest {
    pub role_arn: String,
    pub mfa_serial: String,
    /// The MFA code the operator typed.
    pub token_code: Redacted,
    pub session_name: String,
    pub duration_seconds: i32,
}

/// An assumed break-glass session: a cloud that acts with its credentials, which exist
/// nowhere else (not on disk, not in the environment, not on screen).
#[derive(Clone)]
pub struct Elevation {
    pub handle: CloudHandle,
    /// `arn:aws:sts::…:assumed-role/<role>/<session>`.
    pub assumed_arn: String,
    pub expires_at: Epoch,
    pub receipt: WriteReceipt,
}

impl fmt::Debug for Elevation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Elevation")
            .field("assumed_arn", &self.assumed_arn)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Elevation {
    fn eq(&self, other: &Self) -> bool {
        self.assumed_arn == other.assumed_arn && self.expires_at == other.expires_at
    }
}

impl Eq for Elevation {}

/// An IAM user's access key as `GetAccessKeyLastUsed` and `ListAccessKeys` report it
/// (the key id only: the secret is never readable after creation).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessKey {
    pub id: String,
    /// The IAM user the key belongs to.
    pub user: String,
    /// `Active` or `Inactive`.
    pub status: String,
    pub created: Option<Epoch>,
    pub last_used: Option<Epoch>,
    pub last_service: Option<String>,
    pub last_region: Option<String>,
}

impl AccessKey {
    /// True while the key can sign requests.
    pub fn active(&self) -> bool {
        self.status == "Active"
    }
}

/// Reads the incident runbooks plan and verify with.
#[async_trait]
pub trait IncidentRead: Send + Sync {
    /// `secretsmanager:DescribeSecret` (never `GetSecretValue`).
    async fn describe_secret(&self, id: &str) -> CloudResult<SecretMeta>;
    /// `ec2:DescribeNetworkInterfaces` for one ENI.
    async fn network_interface(&self, eni: &str) -> CloudResult<NetworkInterface>;
    /// `iam:GetAccessKeyLastUsed` (whose user, last use) + `iam:ListAccessKeys` (status).
    async fn access_key(&self, key_id: &str) -> CloudResult<AccessKey>;
}

/// Writes of the incident runbooks. Absent in read-only mode (part of `CloudAct`).
#[async_trait]
pub trait IncidentAct: Send + Sync {
    /// `secretsmanager:RotateSecret` with `RotateImmediately=true` and an idempotency token.
    async fn rotate_secret(
        &self,
        id: &str,
        client_request_token: &str,
    ) -> CloudResult<WriteReceipt>;
    /// `ec2:ModifyNetworkInterfaceAttribute` replacing the ENI's security groups.
    async fn set_security_groups(&self, eni: &str, groups: &[String]) -> CloudResult<WriteReceipt>;
    /// `elasticloadbalancing:DeregisterTargets` of one target.
    async fn deregister_target(&self, target: &TargetRef) -> CloudResult<WriteReceipt>;
    /// `elasticloadbalancing:RegisterTargets` of one target.
    async fn register_target(&self, target: &TargetRef) -> CloudResult<WriteReceipt>;
    /// `ecs:UpdateTaskProtection` (protectionEnabled, expiresInMinutes).
    async fn protect_task(
        &self,
        cluster: &str,
        task_arn: &str,
        minutes: i32,
    ) -> CloudResult<WriteReceipt>;
    /// `ecs:TagResource` of a task.
    async fn tag_task(
        &self,
        task_arn: &str,
        tags: &[(String, String)],
    ) -> CloudResult<WriteReceipt>;
    /// `sns:Publish` to an alert topic.
    async fn publish_alert(
        &self,
        topic_arn: &str,
        subject: &str,
        message: &str,
    ) -> CloudResult<WriteReceipt>;
    /// `iam:UpdateAccessKey` to `Active` or `Inactive` (a leaked key is made inactive: it
    /// stops signing at once and can be made active again; deleting it cannot be undone).
    async fn set_access_key_status(
        &self,
        user: &str,
        key_id: &str,
        active: bool,
    ) -> CloudResult<WriteReceipt>;
    /// `sts:AssumeRole` with MFA; the returned handle acts with the session's credentials.
    async fn assume_break_glass(&self, request: &BreakGlassRequest) -> CloudResult<Elevation>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> SecretMeta {
        SecretMeta {
            arn: "arn:aws:secretsmanager:us-east-1:1:secret:/prod/database/credentials-AbCdEf"
                .into(),
            name: "/prod/database/credentials".into(),
            ..Default::default()
        }
    }

    #[test]
    fn secret_references_match_by_arn_partial_arn_or_name() {
        let m = meta();
        assert!(m.referenced_by(&m.arn.clone()));
        assert!(m.referenced_by(&format!("{}:password::", m.arn)));
        assert!(
            m.referenced_by("arn:aws:secretsmanager:us-east-1:1:secret:/prod/database/credentials")
        );
        assert!(m.referenced_by("/prod/database/credentials"));
        assert!(m.referenced_by("/prod/database/credentials:password::"));
        assert!(!m.referenced_by("/prod/database/credentials-old"));
        assert!(!m.referenced_by("/prod/redis/auth-token"));
        assert!(!m.referenced_by(""));
    }

    #[test]
    fn pending_is_a_version_staged_pending_but_not_current() {
        let mut m = meta();
        m.versions = vec![
            SecretVersion {
                id: "a".into(),
                stages: vec![AWS_CURRENT.into(), AWS_PENDING.into()],
            },
            SecretVersion {
                id: "b".into(),
                stages: vec!["AWSPREVIOUS".into()],
            },
        ];
        assert_eq!(m.pending(), None);
        assert_eq!(m.current(), Some("a"));
        m.versions.push(SecretVersion {
            id: "c".into(),
            stages: vec![AWS_PENDING.into()],
        });
        assert_eq!(m.pending().map(|v| v.id.as_str()), Some("c"));
    }

    #[test]
    fn redacted_never_prints() {
        let r = BreakGlassRequest {
            token_code: Redacted("123456".into()),
            ..Default::default()
        };
        assert!(!format!("{r:?}").contains("123456"));
        assert_eq!(Redacted("x".into()).to_string(), "<redacted>");
    }
}
