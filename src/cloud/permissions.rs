//! Every AWS action opsdeck calls, with what it is for, in one table: the least-privilege
//! IAM policies in `iam/` are generated from it (`opsdeck iam-policy --role …`), and a
//! test fails when the AWS code calls an action that is not in it.

use serde_json::{Value, json};

/// Whether an action only reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// One IAM action and what opsdeck uses it for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    /// `service:Action`, as IAM spells it.
    pub action: &'static str,
    pub access: Access,
    /// The panes, commands or runbook steps that call it.
    pub used_by: &'static str,
}

const fn read(action: &'static str, used_by: &'static str) -> Permission {
    Permission {
        action,
        access: Access::Read,
        used_by,
    }
}

const fn write(action: &'static str, used_by: &'static str) -> Permission {
    Permission {
        action,
        access: Access::Write,
        used_by,
    }
}

/// The table.
pub const PERMISSIONS: &[Permission] = &[
    read(
        "sts:GetCallerIdentity",
        "header identity, runbook check.caller",
    ),
    read("cloudwatch:GetMetricData", "dashboard, snapshot"),
    read("cloudwatch:DescribeAlarms", "dashboard alarms, snapshot"),
    read(
        "cloudwatch:DescribeAlarmHistory",
        "incident timeline (alarm state changes), doctor",
    ),
    read(
        "cloudtrail:LookupEvents",
        "incident timeline (who changed what), doctor",
    ),
    read(
        "logs:StartQuery",
        "Logs pane, dashboard recent errors, logs query",
    ),
    read(
        "logs:GetQueryResults",
        "Logs pane, dashboard recent errors, logs query",
    ),
    read("logs:StopQuery", "Logs pane (cancel, leaving the pane)"),
    read(
        "logs:FilterLogEvents",
        "Logs live tail, incident-response evidence",
    ),
    read("logs:DescribeQueryDefinitions", "Logs saved queries"),
    read(
        "logs:StartLiveTail",
        "Logs live tail (streaming; FilterLogEvents where unavailable)",
    ),
    read("ecs:ListServices", "ECS pane, dashboard, runbooks"),
    read(
        "ecs:DescribeServices",
        "ECS pane, dashboard, runbooks, verification, init",
    ),
    read("ecs:ListTasks", "ECS pane, isolate-task"),
    read("ecs:DescribeTasks", "ECS pane, isolate-task"),
    read(
        "ecs:DescribeTaskDefinition",
        "ECS pane, rollback, rotate-secret, init (log groups, secrets)",
    ),
    read("ecs:ListTaskDefinitions", "rollback (previous revision)"),
    read("ecs:ListServiceDeployments", "ECS deployments, rollback"),
    read("ecs:DescribeServiceRevisions", "ECS deployments, rollback"),
    read(
        "ecs:ListTagsForResource",
        "dev-scale-up (recorded desired count)",
    ),
    read(
        "application-autoscaling:DescribeScalableTargets",
        "scale (bounds)",
    ),
    read(
        "application-autoscaling:DescribeScalingActivities",
        "incident timeline (scaling activities), doctor",
    ),
    read(
        "elasticloadbalancing:DescribeLoadBalancers",
        "dashboard ALB dimension",
    ),
    read(
        "elasticloadbalancing:DescribeTargetHealth",
        "verification, isolate-task",
    ),
    read("rds:DescribeDBInstances", "dashboard database, db runbooks"),
    read("rds:DescribeDBSnapshots", "db-snapshot, db runbooks"),
    read(
        "rds:DescribeEvents",
        "incident timeline (database events), doctor",
    ),
    read(
        "elasticache:DescribeReplicationGroups",
        "cache-failover, rotate-redis-auth",
    ),
    read(
        "secretsmanager:DescribeSecret",
        "rotate-secret (never GetSecretValue)",
    ),
    read("ec2:DescribeNetworkInterfaces", "isolate-task"),
    read("securityhub:GetFindings", "Security pane, posture"),
    read(
        "securityhub:GetEnabledStandards",
        "Security pane standards, posture",
    ),
    read("securityhub:GetFindingHistory", "finding detail history"),
    read("guardduty:ListDetectors", "Security pane, posture"),
    read("guardduty:GetDetector", "Security pane, posture"),
    read("guardduty:ListFindings", "Security pane, posture"),
    read("guardduty:GetFindings", "Security pane, posture"),
    read(
        "tag:GetResources",
        "init (the resources tagged Project and Environment)",
    ),
    read("ce:GetCostAndUsage", "Cost pane, cost"),
    read("ce:GetCostForecast", "Cost pane, cost"),
    read("ce:GetAnomalies", "Cost pane, cost"),
    write(
        "ecs:UpdateService",
        "rollback, scale, deploy, restart, rotate-secret, rotate-redis-auth, isolate-task",
    ),
    write(
        "ecs:StopServiceDeployment",
        "rollback of an in-flight deployment",
    ),
    write("ecs:RegisterTaskDefinition", "deploy (a new image)"),
    write(
        "iam:PassRole",
        "deploy (the task definition's task and execution roles)",
    ),
    write("ecs:TagResource", "isolate-task, dev-scale-down"),
    write("ecs:UpdateTaskProtection", "isolate-task"),
    write(
        "ec2:ModifyNetworkInterfaceAttribute",
        "isolate-task (quarantine group)",
    ),
    write("elasticloadbalancing:DeregisterTargets", "isolate-task"),
    write(
        "elasticloadbalancing:RegisterTargets",
        "isolate-task rollback",
    ),
    write("secretsmanager:RotateSecret", "rotate-secret"),
    write(
        "secretsmanager:GetRandomPassword",
        "rotate-secret, rotate-redis-auth (a new value, never shown)",
    ),
    write(
        "secretsmanager:PutSecretValue",
        "rotate-secret, rotate-redis-auth (staged AWSPENDING)",
    ),
    write(
        "secretsmanager:UpdateSecretVersionStage",
        "rotate-secret, rotate-redis-auth (promotion and rollback)",
    ),
    write(
        "elasticache:ModifyReplicationGroup",
        "rotate-redis-auth (AuthToken, ROTATE then SET)",
    ),
    write("rds:CreateDBSnapshot", "db-snapshot, incident-response"),
    write("rds:RebootDBInstance", "db-failover (ForceFailover)"),
    write("rds:StopDBInstance", "dev-scale-down"),
    write("rds:StartDBInstance", "dev-scale-up"),
    write("elasticache:TestFailover", "cache-failover"),
    write(
        "sns:Publish",
        "alerts of isolate-task, break-glass, incident-response",
    ),
    write("sts:AssumeRole", "break-glass (with MFA)"),
    write("securityhub:BatchUpdateFindings", "Security triage"),
    write("guardduty:ArchiveFindings", "Security triage (GuardDuty)"),
    write("logs:PutQueryDefinition", "Logs saved queries"),
    write("ecs:ExecuteCommand", "ECS exec (x), opsdeck exec"),
    write(
        "ssm:StartSession",
        "port forwarding through a task (p), opsdeck forward",
    ),
    write(
        "ssm:TerminateSession",
        "closing port forwards and exec sessions",
    ),
    read(
        "iam:GetAccessKeyLastUsed",
        "deactivate-access-key: whose key, when and where it was last used",
    ),
    read(
        "iam:ListAccessKeys",
        "deactivate-access-key: the key's status",
    ),
    write(
        "iam:UpdateAccessKey",
        "deactivate-access-key (and its rollback)",
    ),
    read(
        "iam:SimulatePrincipalPolicy",
        "doctor: whether the caller may make each write",
    ),
    read(
        "iam:GetRole",
        "doctor: the role behind an assumed-role session",
    ),
    read(
        "iam:ListUserPolicies",
        "doctor: the caller's policies, where simulation is not available",
    ),
    read("iam:GetUserPolicy", "doctor: the caller's policies"),
    read(
        "iam:ListAttachedUserPolicies",
        "doctor: the caller's policies",
    ),
    read("iam:ListGroupsForUser", "doctor: the caller's policies"),
    read("iam:ListGroupPolicies", "doctor: the caller's policies"),
    read("iam:GetGroupPolicy", "doctor: the caller's policies"),
    read(
        "iam:ListAttachedGroupPolicies",
        "doctor: the caller's policies",
    ),
    read("iam:ListRolePolicies", "doctor: the caller's policies"),
    read("iam:GetRolePolicy", "doctor: the caller's policies"),
    read(
        "iam:ListAttachedRolePolicies",
        "doctor: the caller's policies",
    ),
    read("iam:GetPolicy", "doctor: the caller's managed policies"),
    read(
        "iam:GetPolicyVersion",
        "doctor: the caller's managed policies",
    ),
];

/// The roles a policy is generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The console and the read-only commands: every read, no write.
    ReadOnly,
    /// An on-call operator: every read and every runbook and triage write, and assuming
    /// the break-glass role (with MFA).
    Operator,
    /// The break-glass role itself: reads and writes, not assuming further roles.
    BreakGlass,
}

impl Role {
    /// `read-only`, `operator`, `break-glass`.
    pub fn name(self) -> &'static str {
        match self {
            Role::ReadOnly => "read-only",
            Role::Operator => "operator",
            Role::BreakGlass => "break-glass",
        }
    }

    /// The role called `name`.
    pub fn from_name(name: &str) -> Option<Role> {
        [Role::ReadOnly, Role::Operator, Role::BreakGlass]
            .into_iter()
            .find(|r| r.name() == name)
    }

    fn allows(self, p: &Permission) -> bool {
        match self {
            Role::ReadOnly => p.access == Access::Read,
            Role::Operator => true,
            Role::BreakGlass => p.action != "sts:AssumeRole",
        }
    }
}

/// The IAM policy document for `role` (reads and writes in separate statements; AssumeRole
/// only for roles named `*break-glass*` and only with MFA).
pub fn policy(role: Role) -> Value {
    let actions = |access: Access| -> Vec<&str> {
        PERMISSIONS
            .iter()
            .filter(|p| p.access == access && role.allows(p) && p.action != "sts:AssumeRole")
            .map(|p| p.action)
            .collect()
    };
    let mut statements = vec![json!({
        "Sid": "OpsdeckReads",
        "Effect": "Allow",
        "Action": actions(Access::Read),
        "Resource": "*",
    })];
    let writes = actions(Access::Write);
    if !writes.is_empty() {
        statements.push(json!({
            "Sid": "OpsdeckWrites",
            "Effect": "Allow",
            "Action": writes,
            "Resource": "*",
        }));
    }
    if role == Role::Operator {
        statements.push(json!({
            "Sid": "OpsdeckBreakGlass",
            "Effect": "Allow",
            "Action": ["sts:AssumeRole"],
            "Resource": "arn:aws:iam::*:role/*break-glass*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The policy as the files in `iam/` hold it (pretty JSON, newline-terminated).
pub fn policy_text(role: Role) -> String {
    let mut s = serde_json::to_string_pretty(&policy(role)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_unique_and_read_only_has_no_write() {
        let mut seen = std::collections::HashSet::new();
        assert!(PERMISSIONS.iter().all(|p| seen.insert(p.action)));
        let text = policy_text(Role::ReadOnly);
        for p in PERMISSIONS.iter().filter(|p| p.access == Access::Write) {
            assert!(!text.contains(&format!("\"{}\"", p.action)), "{}", p.action);
        }
        assert!(policy_text(Role::Operator).contains("MultiFactorAuthPresent"));
        assert!(!policy_text(Role::BreakGlass).contains("sts:AssumeRole"));
    }
}
