//! The built-in step kinds: their names in runbook files, their typed inputs, which
//! sections they may appear in, and whether they write.

use super::value::Ty;

/// A built-in step kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    CheckServiceExists,
    CheckCaller,
    CheckNotProtected,
    EcsRollback,
    EcsScale,
    EcsDeploy,
    EcsRestart,
    EcsRestore,
    EcsWaitStable,
    ElbTargetsHealthy,
    RdsSnapshot,
    RdsFailover,
    RdsWaitAvailable,
    CacheTestFailover,
    CacheWaitAvailable,
    EcsRecordDesired,
    EcsRestoreRecorded,
    RdsStop,
    RdsStart,
    RdsWaitStopped,
    SecretsRotate,
    SecretsWaitRotated,
    SecretsPutValue,
    SecretsRestorePrevious,
    CacheRotateAuth,
    CacheSetAuth,
    EcsRestartSecretUsers,
    EcsWaitSecretUsers,
    Ec2QuarantineTask,
    ElbDeregisterTask,
    EcsProtectTask,
    EcsTagTask,
    EcsAddTaskCapacity,
    Ec2RestoreTaskGroups,
    ElbReregisterTask,
    Ec2TaskQuarantined,
    SnsNotify,
    StsBreakGlass,
    StsElevated,
    LogsExportErrors,
    IamDeactivateKey,
    IamReactivateKey,
    IamKeyInactive,
    Note,
}

/// The sections of a runbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Prerequisites,
    Procedure,
    Verification,
    Rollback,
}

impl Section {
    /// The section's key in a runbook file.
    pub fn key(self) -> &'static str {
        match self {
            Section::Prerequisites => "prerequisites",
            Section::Procedure => "procedure",
            Section::Verification => "verification",
            Section::Rollback => "rollback",
        }
    }
}

/// One declared input of a step kind.
#[derive(Debug, Clone, Copy)]
pub struct InputSpec {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
}

const fn req(name: &'static str, ty: Ty) -> InputSpec {
    InputSpec {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: Ty) -> InputSpec {
    InputSpec {
        name,
        ty,
        required: false,
    }
}

const DB: InputSpec = req("db_instance", Ty::Str);
const CACHE: InputSpec = req("replication_group", Ty::Str);

const SECRET: InputSpec = req("secret", Ty::Str);
const CLUSTER: InputSpec = req("cluster", Ty::Str);
const TASK: InputSpec = req("task", Ty::Str);

/// Where a new secret value comes from: `value` = `generate` (GetRandomPassword with the
/// policy below) or `prompt` (typed at a hidden prompt).
const VALUE: [InputSpec; 4] = [
    opt("value", Ty::Str),
    opt("length", Ty::Int),
    opt("exclude_characters", Ty::Str),
    opt("exclude_punctuation", Ty::Bool),
];

const SERVICE: [InputSpec; 2] = [req("cluster", Ty::Str), req("service", Ty::Str)];

impl StepKind {
    /// Every kind.
    pub const ALL: [StepKind; 44] = [
        StepKind::CheckServiceExists,
        StepKind::CheckCaller,
        StepKind::CheckNotProtected,
        StepKind::EcsRollback,
        StepKind::EcsScale,
        StepKind::EcsDeploy,
        StepKind::EcsRestart,
        StepKind::EcsRestore,
        StepKind::EcsWaitStable,
        StepKind::ElbTargetsHealthy,
        StepKind::RdsSnapshot,
        StepKind::RdsFailover,
        StepKind::RdsWaitAvailable,
        StepKind::CacheTestFailover,
        StepKind::CacheWaitAvailable,
        StepKind::EcsRecordDesired,
        StepKind::EcsRestoreRecorded,
        StepKind::RdsStop,
        StepKind::RdsStart,
        StepKind::RdsWaitStopped,
        StepKind::SecretsRotate,
        StepKind::SecretsWaitRotated,
        StepKind::SecretsPutValue,
        StepKind::SecretsRestorePrevious,
        StepKind::CacheRotateAuth,
        StepKind::CacheSetAuth,
        StepKind::EcsRestartSecretUsers,
        StepKind::EcsWaitSecretUsers,
        StepKind::Ec2QuarantineTask,
        StepKind::ElbDeregisterTask,
        StepKind::EcsProtectTask,
        StepKind::EcsTagTask,
        StepKind::EcsAddTaskCapacity,
        StepKind::Ec2RestoreTaskGroups,
        StepKind::ElbReregisterTask,
        StepKind::Ec2TaskQuarantined,
        StepKind::SnsNotify,
        StepKind::StsBreakGlass,
        StepKind::StsElevated,
        StepKind::LogsExportErrors,
        StepKind::IamDeactivateKey,
        StepKind::IamReactivateKey,
        StepKind::IamKeyInactive,
        StepKind::Note,
    ];

    /// The name used in runbook files.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::CheckServiceExists => "check.service_exists",
            StepKind::CheckCaller => "check.caller",
            StepKind::CheckNotProtected => "check.not_protected",
            StepKind::EcsRollback => "ecs.rollback",
            StepKind::EcsScale => "ecs.scale",
            StepKind::EcsDeploy => "ecs.deploy",
            StepKind::EcsRestart => "ecs.restart",
            StepKind::EcsRestore => "ecs.restore",
            StepKind::EcsWaitStable => "ecs.wait_stable",
            StepKind::ElbTargetsHealthy => "elb.targets_healthy",
            StepKind::RdsSnapshot => "rds.snapshot",
            StepKind::RdsFailover => "rds.failover",
            StepKind::RdsWaitAvailable => "rds.wait_available",
            StepKind::CacheTestFailover => "elasticache.test_failover",
            StepKind::CacheWaitAvailable => "elasticache.wait_available",
            StepKind::EcsRecordDesired => "ecs.record_desired",
            StepKind::EcsRestoreRecorded => "ecs.restore_recorded",
            StepKind::RdsStop => "rds.stop",
            StepKind::RdsStart => "rds.start",
            StepKind::RdsWaitStopped => "rds.wait_stopped",
            StepKind::SecretsRotate => "secrets.rotate",
            StepKind::SecretsWaitRotated => "secrets.wait_rotated",
            StepKind::SecretsPutValue => "secrets.put_value",
            StepKind::SecretsRestorePrevious => "secrets.restore_previous",
            StepKind::CacheRotateAuth => "elasticache.rotate_auth_token",
            StepKind::CacheSetAuth => "elasticache.set_auth_token",
            StepKind::EcsRestartSecretUsers => "ecs.restart_secret_users",
            StepKind::EcsWaitSecretUsers => "ecs.wait_secret_users_stable",
            StepKind::Ec2QuarantineTask => "ec2.quarantine_task",
            StepKind::ElbDeregisterTask => "elb.deregister_task",
            StepKind::EcsProtectTask => "ecs.protect_task",
            StepKind::EcsTagTask => "ecs.tag_task",
            StepKind::EcsAddTaskCapacity => "ecs.add_task_capacity",
            StepKind::Ec2RestoreTaskGroups => "ec2.restore_task_groups",
            StepKind::ElbReregisterTask => "elb.reregister_task",
            StepKind::Ec2TaskQuarantined => "ec2.task_quarantined",
            StepKind::SnsNotify => "sns.notify",
            StepKind::StsBreakGlass => "sts.break_glass",
            StepKind::StsElevated => "sts.elevated_identity",
            StepKind::LogsExportErrors => "logs.export_errors",
            StepKind::IamDeactivateKey => "iam.deactivate_key",
            StepKind::IamReactivateKey => "iam.reactivate_key",
            StepKind::IamKeyInactive => "iam.key_inactive",
            StepKind::Note => "note",
        }
    }

    /// The kind called `name`.
    pub fn from_name(name: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The inputs the kind takes.
    pub fn inputs(self) -> Vec<InputSpec> {
        let mut v: Vec<InputSpec> = match self {
            StepKind::CheckCaller | StepKind::CheckNotProtected => return vec![],
            StepKind::RdsSnapshot => return vec![DB, opt("incident", Ty::Str)],
            StepKind::RdsFailover | StepKind::RdsStop | StepKind::RdsStart => return vec![DB],
            StepKind::RdsWaitStopped => return vec![DB, opt("timeout", Ty::Int)],
            StepKind::RdsWaitAvailable => return vec![DB, opt("timeout", Ty::Int)],
            StepKind::CacheTestFailover => return vec![CACHE, opt("node_group", Ty::Str)],
            StepKind::CacheWaitAvailable => return vec![CACHE, opt("timeout", Ty::Int)],
            StepKind::SecretsRotate | StepKind::SecretsPutValue => {
                return [vec![SECRET], VALUE.to_vec()].concat();
            }
            StepKind::SecretsRestorePrevious => return vec![SECRET],
            StepKind::CacheRotateAuth => return [vec![CACHE], VALUE.to_vec()].concat(),
            StepKind::CacheSetAuth => return vec![CACHE],
            StepKind::SecretsWaitRotated => return vec![SECRET, opt("timeout", Ty::Int)],
            StepKind::EcsRestartSecretUsers => return vec![CLUSTER, SECRET],
            StepKind::EcsWaitSecretUsers => {
                return vec![CLUSTER, SECRET, opt("timeout", Ty::Int)];
            }
            StepKind::Ec2QuarantineTask | StepKind::Ec2TaskQuarantined => {
                return vec![CLUSTER, TASK, opt("security_group", Ty::Str)];
            }
            StepKind::ElbDeregisterTask
            | StepKind::EcsAddTaskCapacity
            | StepKind::Ec2RestoreTaskGroups
            | StepKind::ElbReregisterTask => return vec![CLUSTER, TASK],
            StepKind::EcsProtectTask => return vec![CLUSTER, TASK, opt("minutes", Ty::Int)],
            StepKind::EcsTagTask => {
                return vec![TASK, req("reason", Ty::Str), opt("incident", Ty::Str)];
            }
            StepKind::SnsNotify => return vec![opt("topic", Ty::Str), req("event", Ty::Str)],
            StepKind::StsBreakGlass => {
                return vec![
                    opt("role_arn", Ty::Str),
                    opt("mfa_serial", Ty::Str),
                    req("token", Ty::Str),
                    req("duration", Ty::Int),
                    opt("incident", Ty::Str),
                ];
            }
            StepKind::StsElevated => return vec![],
            StepKind::LogsExportErrors => {
                return vec![opt("minutes", Ty::Int), opt("incident", Ty::Str)];
            }
            StepKind::IamDeactivateKey | StepKind::IamReactivateKey | StepKind::IamKeyInactive => {
                return vec![req("key", Ty::Str)];
            }
            StepKind::Note => return vec![req("text", Ty::Str)],
            _ => SERVICE.to_vec(),
        };
        match self {
            StepKind::EcsRollback => v.push(opt("revision", Ty::Int)),
            StepKind::EcsScale => {
                v.push(req("count", Ty::Int));
                v.push(opt("allow_below_minimum", Ty::Bool));
            }
            StepKind::EcsDeploy => {
                v.push(opt("image", Ty::Str));
                v.push(opt("revision", Ty::Int));
                v.push(opt("container", Ty::Str));
            }
            StepKind::EcsWaitStable => v.push(opt("timeout", Ty::Int)),
            StepKind::ElbTargetsHealthy => v.push(opt("target_group", Ty::Str)),
            _ => {}
        }
        v
    }

    /// True when the kind changes state (needs confirmation, audit and a non-read-only console).
    pub fn writes(self) -> bool {
        matches!(
            self,
            StepKind::EcsRollback
                | StepKind::EcsScale
                | StepKind::EcsDeploy
                | StepKind::EcsRestart
                | StepKind::EcsRestore
                | StepKind::RdsSnapshot
                | StepKind::RdsFailover
                | StepKind::CacheTestFailover
                | StepKind::EcsRecordDesired
                | StepKind::EcsRestoreRecorded
                | StepKind::RdsStop
                | StepKind::RdsStart
                | StepKind::SecretsRotate
                | StepKind::SecretsPutValue
                | StepKind::SecretsRestorePrevious
                | StepKind::CacheRotateAuth
                | StepKind::CacheSetAuth
                | StepKind::EcsRestartSecretUsers
                | StepKind::Ec2QuarantineTask
                | StepKind::ElbDeregisterTask
                | StepKind::EcsProtectTask
                | StepKind::EcsTagTask
                | StepKind::EcsAddTaskCapacity
                | StepKind::Ec2RestoreTaskGroups
                | StepKind::ElbReregisterTask
                | StepKind::SnsNotify
                | StepKind::StsBreakGlass
                | StepKind::IamDeactivateKey
                | StepKind::IamReactivateKey
        )
    }

    /// True when the kind writes to ECS, EC2, ELB, IAM, STS, Secrets Manager, RDS or an
    /// ElastiCache AUTH token: on a protected environment such a step needs the typed
    /// confirmation whatever risk the runbook file declares (a file cannot lower it).
    pub fn guarded_write(self) -> bool {
        self.writes() && !matches!(self, StepKind::SnsNotify | StepKind::CacheTestFailover)
    }

    /// True when the kind takes a new secret value (`value` = generate or prompt); the
    /// value typed at a hidden prompt reaches it as its `typed_value` input.
    pub fn takes_value(self) -> bool {
        matches!(
            self,
            StepKind::SecretsRotate | StepKind::SecretsPutValue | StepKind::CacheRotateAuth
        )
    }

    /// True when a failure of this step is reported and the run goes on (task protection:
    /// the containment before it must stand and the alerting after it must still happen).
    pub fn continues_on_failure(self) -> bool {
        matches!(self, StepKind::EcsProtectTask)
    }

    /// Whether the kind may appear in `section`.
    pub fn allowed_in(self, section: Section) -> bool {
        let check = matches!(
            self,
            StepKind::CheckServiceExists | StepKind::CheckCaller | StepKind::CheckNotProtected
        );
        let verify = matches!(
            self,
            StepKind::EcsWaitStable
                | StepKind::ElbTargetsHealthy
                | StepKind::RdsWaitAvailable
                | StepKind::CacheWaitAvailable
                | StepKind::RdsWaitStopped
                | StepKind::SecretsWaitRotated
                | StepKind::EcsWaitSecretUsers
                | StepKind::Ec2TaskQuarantined
                | StepKind::StsElevated
                | StepKind::IamKeyInactive
        );
        match section {
            Section::Prerequisites => check,
            Section::Verification => verify,
            Section::Procedure | Section::Rollback => !check,
        }
    }
}
