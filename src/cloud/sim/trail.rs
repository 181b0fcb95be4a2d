//! The simulated account's CloudTrail: management (write) events derived from what the
//! sim already shows.
//!
//! - The scripted history: every task definition revision's `RegisterTaskDefinition` (at
//!   its registration time) and every scripted deploy's `UpdateService`, made by the CI
//!   deploy role ([`CI_DEPLOY_USER`]) — prod's `:42` is registered 18 minutes before the
//!   world's start and deployed 2 minutes after it.
//! - Every write applied through the acting traits (the world's write log), made by the
//!   on-call engineer (the session name of the sim's caller, `oncall@example.com`):
//!   `UpdateService`, RDS snapshots, failovers, stops and starts, cache failovers, tags,
//!   secret rotations, security groups, targets, access key status, alerts, triage.
//!
//! The ECS circuit breaker's rollback is ECS's own doing and is not a CloudTrail event
//! here (the timeline has it from the deployments). Each event lists resource names; a
//! lookup name matches a resource equal to it, an ARN or `cluster/service` ending in
//! `/<name>`, or a task definition `<name>:<revision>` of the family `<name>`.

use super::rng;
use super::timeline::Ctx;
use super::world::LoggedWrite;
use crate::cloud::{Epoch, TrailEvent, Window};

/// Who the scripted deploys are made by (the CI pipeline's deploy role session).
pub const CI_DEPLOY_USER: &str = "cloudplatform-ci-deploy";

/// The write events in `window` up to `now` naming one of `names`, oldest first.
pub fn events(
    ctx: Ctx<'_>,
    writes: &[LoggedWrite],
    names: &[String],
    window: Window,
    now: Epoch,
) -> Vec<TrailEvent> {
    let mut all = scripted(ctx);
    all.extend(writes.iter().filter_map(|w| from_write(ctx, w)));
    let mut out: Vec<TrailEvent> = all
        .into_iter()
        .filter(|e| window.contains(e.at) && e.at <= now)
        .filter(|e| {
            e.resources
                .iter()
                .any(|r| names.iter().any(|n| matches_name(r, n)))
        })
        .collect();
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    out
}

/// True when the lookup name `name` names `resource`.
fn matches_name(resource: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    resource == name
        || resource
            .rsplit_once('/')
            .is_some_and(|(_, last)| last == name)
        || resource
            .strip_prefix(name)
            .and_then(|r| r.strip_prefix(':'))
            .is_some_and(|rev| !rev.is_empty() && rev.chars().all(|c| c.is_ascii_digit()))
}

fn event(
    ctx: Ctx<'_>,
    key: &[&str],
    at: Epoch,
    name: &str,
    user: String,
    resources: Vec<String>,
) -> TrailEvent {
    let mut parts = vec![ctx.profile.name.as_str(), "trail"];
    parts.extend_from_slice(key);
    TrailEvent {
        id: rng::rng(ctx.seed, &parts).uuid(),
        at,
        name: name.to_string(),
        source: source_of(name).to_string(),
        user: Some(user),
        resources,
        read_only: false,
        error_code: None,
    }
}

/// The scripted registrations and deploys, by the CI deploy role.
fn scripted(ctx: Ctx<'_>) -> Vec<TrailEvent> {
    let p = ctx.profile;
    let mut out = Vec::new();
    for family in &p.families {
        for r in &family.revisions {
            let td = format!("{}:{}", family.name, r.number);
            out.push(event(
                ctx,
                &["register", &td],
                ctx.start.saturating_add(r.registered),
                "RegisterTaskDefinition",
                CI_DEPLOY_USER.to_string(),
                vec![family.name.clone(), td.clone()],
            ));
        }
    }
    for svc in &p.services {
        for (i, d) in svc.script.iter().enumerate() {
            let td = format!("{}:{}", svc.family, d.revision);
            out.push(event(
                ctx,
                &["deploy", &svc.name, &i.to_string()],
                ctx.start.saturating_add(d.at),
                "UpdateService",
                CI_DEPLOY_USER.to_string(),
                vec![p.cluster(), svc.name.clone(), td.clone()],
            ));
        }
    }
    out
}

/// The on-call engineer's name in CloudTrail (`Username`: the role session's name).
fn operator(ctx: Ctx<'_>) -> String {
    let arn = ctx.profile.caller_arn();
    arn.rsplit('/').next().unwrap_or(&arn).to_string()
}

/// A logged write as its CloudTrail event (`None` for a line this does not know).
pub(super) fn from_write(ctx: Ctx<'_>, w: &LoggedWrite) -> Option<TrailEvent> {
    let mut tokens = w.line.split_whitespace();
    let _env = tokens.next()?;
    let name = tokens.next()?;
    let rest: Vec<&str> = tokens.collect();
    let arg = |i: usize| rest.get(i).map(|s| s.to_string());
    let resources: Vec<String> = match name {
        "UpdateService" => {
            let mut r: Vec<String> = rest
                .first()
                .map(|cs| cs.split('/').map(str::to_string).collect())
                .unwrap_or_default();
            r.extend(
                rest.iter()
                    .filter_map(|t| t.strip_prefix("taskDefinition="))
                    .map(str::to_string),
            );
            r
        }
        "CreateDBSnapshot" | "UpdateAccessKey" => [arg(0), arg(1)].into_iter().flatten().collect(),
        "DeregisterTargets" | "RegisterTargets" => [arg(2), arg(0)].into_iter().flatten().collect(),
        "Publish" => arg(1)
            .map(|t| t.trim_end_matches(':').to_string())
            .into_iter()
            .collect(),
        "ArchiveFindings" => rest
            .iter()
            .filter_map(|t| t.strip_prefix("detector="))
            .map(str::to_string)
            .collect(),
        "BatchUpdateFindings" => Vec::new(),
        _ if source_of(name).is_empty() => return None,
        _ => arg(0).into_iter().collect(),
    };
    Some(event(
        ctx,
        &["write", &w.seq.to_string()],
        w.at,
        name,
        operator(ctx),
        resources,
    ))
}

/// The service that records `api` (empty for an API this does not know).
fn source_of(api: &str) -> &'static str {
    match api {
        "UpdateService"
        | "RegisterTaskDefinition"
        | "TagResource"
        | "UpdateTaskProtection"
        | "StopServiceDeployment" => "ecs.amazonaws.com",
        "CreateDBSnapshot" | "RebootDBInstance" | "StopDBInstance" | "StartDBInstance" => {
            "rds.amazonaws.com"
        }
        "TestFailover" => "elasticache.amazonaws.com",
        "RotateSecret" => "secretsmanager.amazonaws.com",
        "UpdateAccessKey" => "iam.amazonaws.com",
        "ModifyNetworkInterfaceAttribute" => "ec2.amazonaws.com",
        "RegisterTargets" | "DeregisterTargets" => "elasticloadbalancing.amazonaws.com",
        "Publish" => "sns.amazonaws.com",
        "AssumeRole" => "sts.amazonaws.com",
        "BatchUpdateFindings" => "securityhub.amazonaws.com",
        "ArchiveFindings" => "guardduty.amazonaws.com",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::profile::EnvProfile;

    const T0: Epoch = 1_750_000_000;

    #[test]
    fn names_match_resources_by_name_arn_tail_and_family() {
        assert!(matches_name("svc", "svc"));
        assert!(matches_name("arn:aws:ecs:us-east-1:1:service/c/svc", "svc"));
        assert!(matches_name("fam:42", "fam"));
        assert!(matches_name("fam:42", "fam:42"));
        assert!(!matches_name("fam:42x", "fam"));
        assert!(!matches_name("family:42", "fam"));
        assert!(!matches_name("svc", ""));
    }

    #[test]
    fn an_unknown_write_line_is_not_an_event() {
        let p = EnvProfile::for_env("prod");
        let ctx = Ctx {
            seed: 1,
            start: T0,
            profile: &p,
        };
        let w = |line: &str| LoggedWrite {
            seq: 0,
            at: T0,
            env: "prod".into(),
            resource: String::new(),
            line: line.into(),
        };
        assert_eq!(from_write(ctx, &w("prod Frobnicate x")), None);
        assert_eq!(from_write(ctx, &w("prod")), None);
        let e = from_write(ctx, &w("prod Publish to arn:aws:sns:us-east-1:1:t: hi")).expect("e");
        assert_eq!(e.resources, vec!["arn:aws:sns:us-east-1:1:t".to_string()]);
        assert_eq!(e.user.as_deref(), Some("oncall@example.com"));
    }
}
