//! The incident runbooks' writes as the executor performs them. Most are one call; a
//! restart of several services or a change to several target groups is one audited
//! call per target. The evidence export writes a local file (audited like a call).

use std::path::PathBuf;

use crate::cloud::{BreakGlassRequest, TargetRef};

/// A planned incident write, carried by `Action::Incident`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentAction {
    /// `secretsmanager:RotateSecret` (RotateImmediately, idempotency token).
    RotateSecret { secret: String, token: String },
    /// `ecs:UpdateService forceNewDeployment` for each service.
    RestartServices {
        cluster: String,
        services: Vec<String>,
    },
    /// `ec2:ModifyNetworkInterfaceAttribute Groups`.
    SetGroups { eni: String, groups: Vec<String> },
    /// `elasticloadbalancing:DeregisterTargets`, one call per target.
    Deregister(Vec<TargetRef>),
    /// `elasticloadbalancing:RegisterTargets`, one call per target.
    Register(Vec<TargetRef>),
    /// `ecs:UpdateTaskProtection`.
    ProtectTask {
        cluster: String,
        task: String,
        minutes: i32,
    },
    /// `ecs:TagResource` of a task.
    TagTask {
        task: String,
        tags: Vec<(String, String)>,
    },
    /// `ecs:UpdateService desiredCount` (capacity for an isolated task).
    SetDesired {
        cluster: String,
        service: String,
        desired: i32,
    },
    /// `sns:Publish`.
    Publish {
        topic: String,
        subject: String,
        message: String,
    },
    /// `sts:AssumeRole` with MFA; the credentials stay inside the returned cloud.
    AssumeRole(BreakGlassRequest),
    /// `logs:FilterLogEvents` over the last `minutes` into a local evidence file.
    ExportLogs {
        groups: Vec<String>,
        minutes: i64,
        pattern: String,
        path: PathBuf,
    },
}
