//! `opsdeck doctor [--env NAME] [--json]`: who you are, how you signed in, where, and the
//! clock's skew against AWS's, then every read the
//! panes and runbooks need, each checked by calling it once (never a paid Cost Explorer
//! request, never a Logs Insights scan), with the IAM actions it needs and a fix per
//! failure. Unless `--read-only`, every write the runbooks make is checked with
//! `iam:SimulatePrincipalPolicy` (or, where that is not available, the caller's own
//! policies evaluated here). Exit 0 when every read and write is usable, 1 when something
//! is missing (denied, or a configured name does not exist), 2 when something could not
//! be checked (throttled, network, 5xx, no way to check the writes).

use std::process::ExitCode;

use serde_json::json;

use super::context::{Context, EXIT_ERROR, runtime};
use crate::cli::GlobalArgs;
use crate::cloud::permissions::{Access, PERMISSIONS};
use crate::cloud::policy_eval;
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::{
    CloudError, CloudRead, FilterRequest, MetricDataRequest, MetricQuery, MetricStat, QueryKind,
    Window,
};
use crate::config::Environment;

/// One read checked.
#[derive(Debug)]
pub struct Check {
    pub what: &'static str,
    pub actions: &'static [&'static str],
    pub result: Result<String, CloudError>,
    /// What to do, when the generic fix would not say it.
    pub note: Option<String>,
}

impl Check {
    /// 0 ok, 1 missing (denied or not found), 2 could not check.
    fn severity(&self) -> u8 {
        match &self.result {
            Ok(_) => 0,
            Err(CloudError::AccessDenied(_) | CloudError::NotFound(_)) => 1,
            Err(CloudError::Invalid(_)) if self.what == "clock" => 1,
            Err(_) => 2,
        }
    }

    /// What to do about a failure.
    fn fix(&self) -> Option<String> {
        let writes = self.actions.iter().all(|a| {
            PERMISSIONS
                .iter()
                .any(|p| p.action == *a && p.access == Access::Write)
        });
        match &self.result {
            Ok(_) => None,
            Err(_) if self.note.is_some() => self.note.clone(),
            Err(CloudError::AccessDenied(_)) if writes => Some(format!(
                "grant {} (iam/operator.json has every write the runbooks make)",
                self.actions.join(", ")
            )),
            Err(CloudError::AccessDenied(_)) => Some(format!(
                "grant {} (iam/read-only.json has every read opsdeck makes)",
                self.actions.join(", ")
            )),
            Err(CloudError::NotFound(_)) => {
                Some("check the environment's resource names in the config".into())
            }
            Err(CloudError::ExpiredCredentials(_) | CloudError::SsoExpired(_)) => {
                Some("sign in again (aws sso login, or refresh the profile's keys)".into())
            }
            Err(e) if e.is_transient() => Some("try again: the read failed for now".into()),
            Err(_) => None,
        }
    }
}

fn check<T>(
    what: &'static str,
    actions: &'static [&'static str],
    result: Result<T, CloudError>,
    describe: impl FnOnce(&T) -> String,
) -> Check {
    Check {
        what,
        actions,
        result: result.map(|v| describe(&v)),
        note: None,
    }
}

/// Requests signed this far off AWS's clock are refused.
const MAX_SKEW_SECONDS: crate::cloud::Epoch = 300;

/// The local clock against AWS's: more than five minutes off fails every request.
fn clock(skew: Result<crate::cloud::Epoch, CloudError>) -> Check {
    let (result, note) = match skew {
        Ok(s) if s.abs() > MAX_SKEW_SECONDS => (
            Err(CloudError::Invalid(format!(
                "the local clock is {} s {} AWS's: requests signed more than 300 s off are refused",
                s.abs(),
                if s > 0 { "behind" } else { "ahead of" }
            ))),
            Some("set the clock right (e.g. `timedatectl set-ntp true`)".to_string()),
        ),
        Ok(s) => (Ok(format!("within {} s of AWS's", s.abs())), None),
        Err(e) => (Err(e), None),
    };
    Check {
        what: "clock",
        actions: &["sts:GetCallerIdentity"],
        result,
        note,
    }
}

/// The write actions checked: every one the runbooks and triage make, except assuming
/// the break-glass role (granted with an MFA condition no simulation can satisfy; the
/// break-glass runbook checks it when it runs).
fn checked_writes() -> Vec<&'static crate::cloud::permissions::Permission> {
    PERMISSIONS
        .iter()
        .filter(|p| p.access == Access::Write && p.action != "sts:AssumeRole")
        .collect()
}

/// Whether the caller may make each write: `iam:SimulatePrincipalPolicy` where allowed,
/// else the caller's own policies evaluated here (resources and conditions not
/// evaluated). One ✗ per missing action, one ✓ line for the rest; "could not check"
/// when neither works.
pub async fn write_checks(read: &dyn CloudRead, caller_arn: Option<&str>) -> Vec<Check> {
    let writes = checked_writes();
    let actions: Vec<&str> = writes.iter().map(|p| p.action).collect();
    let could_not = |why: String| {
        Check {
        what: "write actions",
        actions: &[],
        result: Err(CloudError::Unsupported(why)),
        note: Some(
            "grant iam:SimulatePrincipalPolicy (it is in iam/read-only.json), or pass --read-only when you only read"
                .into(),
        ),
    }
    };
    let Some(arn) = caller_arn else {
        return vec![could_not("the caller's identity is unknown".into())];
    };
    let (allowed, how): (Vec<(String, bool)>, &str) = match read
        .simulate_principal(arn, &actions)
        .await
    {
        Ok(v) => (v, "policy simulation"),
        Err(simulated) => match read.principal_policies(arn).await {
            Ok(docs) => (
                actions
                    .iter()
                    .map(|a| (a.to_string(), policy_eval::decide(&docs, a).allowed()))
                    .collect(),
                "the caller's policies, evaluated here: resources, conditions and SCPs not evaluated",
            ),
            Err(policies) => {
                return vec![could_not(format!(
                    "SimulatePrincipalPolicy: {simulated}; reading the caller's policies: {policies}"
                ))];
            }
        },
    };
    let is_allowed = |action: &str| allowed.iter().any(|(a, ok)| a == action && *ok);
    let mut out: Vec<Check> = writes
        .iter()
        .filter(|p| !is_allowed(p.action))
        .map(|p| Check {
            what: p.used_by,
            actions: std::slice::from_ref(&p.action),
            result: Err(CloudError::AccessDenied(format!(
                "{} not allowed ({how})",
                p.action
            ))),
            note: None,
        })
        .collect();
    let granted = writes.len() - out.len();
    out.insert(
        0,
        Check {
            what: "write actions",
            actions: &[],
            result: Ok(format!("{granted} of {} allowed ({how})", writes.len())),
            note: None,
        },
    );
    out
}

/// Call every read once for `env`.
pub async fn checks(read: &dyn CloudRead, env: &Environment, project: &str) -> Vec<Check> {
    let now = read.metrics_now();
    let metric = MetricDataRequest {
        queries: vec![MetricQuery {
            id: "cpu".into(),
            label: "cpu".into(),
            kind: QueryKind::Metric(MetricStat {
                namespace: "AWS/ECS".into(),
                metric_name: "CPUUtilization".into(),
                dimensions: vec![
                    ("ClusterName".into(), env.cluster.clone()),
                    ("ServiceName".into(), env.service.clone()),
                ],
                stat: "Average".into(),
            }),
            return_data: true,
        }],
        start: now - 600,
        end: now,
        period: 60,
        account_id: None,
    };
    let alarms = format!("{project}-{}-", env.name);
    let alb = format!("{project}-{}-alb", env.name);
    let findings = FindingFilters {
        severities: vec![crate::cloud::Severity::Critical],
        ..FindingFilters::default()
    };
    let mut out = vec![
        check(
            "identity",
            &["sts:GetCallerIdentity"],
            read.caller_identity().await,
            |id| match id.session_expires {
                Some(ends) => format!(
                    "{} (role session: {} min left)",
                    id.arn,
                    (ends - now).max(0) / 60
                ),
                None => id.arn.clone(),
            },
        ),
        clock(read.clock_skew().await),
        check(
            "dashboard metrics",
            &["cloudwatch:GetMetricData"],
            read.get_metric_data(&metric).await,
            |d| format!("{} series", d.series.len()),
        ),
        check(
            "dashboard alarms",
            &["cloudwatch:DescribeAlarms"],
            read.describe_alarms(&alarms).await,
            |a| format!("{} alarms named {alarms}*", a.len()),
        ),
        check(
            "load balancer",
            &["elasticloadbalancing:DescribeLoadBalancers"],
            read.find_load_balancer(&alb).await,
            |lb| {
                lb.as_deref()
                    .map_or(format!("no {alb} (set load_balancer)"), str::to_string)
            },
        ),
        check(
            "ECS services",
            &["ecs:ListServices", "ecs:DescribeServices"],
            read.list_services(&env.cluster).await,
            |s| format!("{} services in {}", s.len(), env.cluster),
        ),
        check(
            "ECS tasks",
            &["ecs:ListTasks", "ecs:DescribeTasks"],
            read.list_tasks(&env.cluster).await,
            |t| format!("{} tasks", t.len()),
        ),
        check(
            "deployment history",
            &["ecs:ListServiceDeployments", "ecs:DescribeServiceRevisions"],
            read.list_service_deployments(&env.cluster, &env.service)
                .await,
            |d| format!("{} deployments of {}", d.len(), env.service),
        ),
        check(
            "database",
            &["rds:DescribeDBInstances"],
            read.db_instance(&env.db_instance).await,
            |db| format!("{} {}", db.id, db.status),
        ),
        check(
            "cache",
            &["elasticache:DescribeReplicationGroups"],
            read.cache_replication_group(&env.cache_replication_group)
                .await,
            |g| format!("{} {}", g.id, g.status),
        ),
        check(
            "Security Hub findings",
            &["securityhub:GetFindings"],
            read.security_findings(&findings).await,
            |f| {
                format!(
                    "{} open critical",
                    crate::panes::kit::count(f.len(), f.complete)
                )
            },
        ),
        check(
            "GuardDuty",
            &["guardduty:ListDetectors", "guardduty:GetDetector"],
            read.guardduty_detectors().await,
            |d| format!("{} detector(s)", d.len()),
        ),
        check(
            "saved queries",
            &["logs:DescribeQueryDefinitions"],
            read.describe_query_definitions().await,
            |d| format!("{} saved", d.len()),
        ),
    ];
    out.extend(history_checks(read, env, &alarms, now).await);
    if let Some(group) = env.log_groups.first() {
        let request = FilterRequest {
            log_group: group.clone(),
            start_ms: (now - 300) * 1000,
            end_ms: Some(now * 1000),
            pattern: String::new(),
            limit: 1,
        };
        out.push(check(
            "log events",
            &["logs:FilterLogEvents"],
            read.filter_log_events(&request).await,
            |_| format!("{group} readable"),
        ));
    }
    if let Some(secret) = env.secrets.first() {
        out.push(check(
            "secret metadata",
            &["secretsmanager:DescribeSecret"],
            read.describe_secret(secret).await,
            |s| {
                format!(
                    "{} (rotation {})",
                    s.name,
                    if s.rotation_enabled { "on" } else { "off" }
                )
            },
        ));
    }
    out
}

/// The incident timeline's reads over the last ten minutes: alarm history, CloudTrail
/// (one lookup, the service's name), database events and scaling activities.
async fn history_checks(
    read: &dyn CloudRead,
    env: &Environment,
    alarms: &str,
    now: crate::cloud::Epoch,
) -> Vec<Check> {
    let window = Window {
        since: now - 600,
        until: now,
    };
    vec![
        check(
            "alarm history",
            &["cloudwatch:DescribeAlarmHistory"],
            read.alarm_history(alarms, window).await,
            |t| {
                format!(
                    "{} state changes in 10 min",
                    crate::panes::kit::count(t.len(), t.complete)
                )
            },
        ),
        check(
            "CloudTrail events",
            &["cloudtrail:LookupEvents"],
            read.trail_events(std::slice::from_ref(&env.service), window)
                .await,
            |e| {
                format!(
                    "{} writes to {} in 10 min",
                    crate::panes::kit::count(e.len(), e.complete),
                    env.service
                )
            },
        ),
        check(
            "database events",
            &["rds:DescribeEvents"],
            read.db_events(&env.db_instance, window).await,
            |e| format!("{} events of {} in 10 min", e.len(), env.db_instance),
        ),
        check(
            "scaling activities",
            &["application-autoscaling:DescribeScalingActivities"],
            read.scaling_activities(&env.cluster, &env.service, window)
                .await,
            |a| format!("{} in 10 min", a.len()),
        ),
    ]
}

/// The exit code for `checks`.
pub fn exit_code(checks: &[Check]) -> u8 {
    checks.iter().map(Check::severity).max().unwrap_or(0)
}

/// The report as text.
pub fn text(env: &Environment, checks: &[Check], demo: bool) -> String {
    let mut out = if demo {
        format!(
            "opsdeck doctor · {} · the simulated account (--demo)\n",
            env.name
        )
    } else {
        format!(
            "opsdeck doctor · {} · region {} · profile {} · endpoint {}\n",
            env.name,
            env.region,
            env.profile.as_deref().unwrap_or("(default chain)"),
            env.endpoint_url.as_deref().unwrap_or("AWS")
        ) + &format!("signed in with {}\n", signed_in_with(env))
    };
    for c in checks {
        let (mark, detail) = match &c.result {
            Ok(d) => ("✓", d.clone()),
            Err(e) if c.severity() == 2 => ("?", format!("could not check: {e}")),
            Err(e) => ("✗", e.to_string()),
        };
        out.push_str(&format!("{mark} {:<22} {detail}\n", c.what));
        if let Some(fix) = c.fix() {
            out.push_str(&format!("    → {fix}\n"));
        }
    }
    let writes_checked = checks.iter().any(|c| c.what == "write actions");
    let writes = if writes_checked {
        String::new()
    } else {
        format!(
            ", and the {} write actions (--read-only; grant them with iam/operator.json)",
            checked_writes().len()
        )
    };
    out.push_str(&format!(
        "  not checked: Cost Explorer (every request costs $0.01; the Cost pane asks first), Logs Insights (billed per GB scanned){writes}; assuming the break-glass role is checked when its runbook runs (MFA)\n"
    ));
    out
}

/// How `env`'s credentials sign in, in words.
fn signed_in_with(env: &Environment) -> String {
    use crate::cloud::mfa::chain::{ProfileFiles, env_keys_set};
    ProfileFiles::load().describe_source(env.profile.as_deref(), env_keys_set())
}

/// The report as JSON.
pub fn to_json(env: &Environment, checks: &[Check]) -> serde_json::Value {
    json!({
        "environment": env.name,
        "region": env.region,
        "profile": env.profile,
        "signed_in_with": signed_in_with(env),
        "checks": checks.iter().map(|c| json!({
            "what": c.what,
            "actions": c.actions,
            "ok": c.result.is_ok(),
            "detail": match &c.result { Ok(d) => d.clone(), Err(e) => e.to_string() },
            "fix": c.fix(),
        })).collect::<Vec<_>>(),
        "exit": exit_code(checks),
    })
}

/// Run `opsdeck doctor`.
pub fn run(global: &GlobalArgs, json_out: bool) -> ExitCode {
    let context = match Context::load(global) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("opsdeck: {}", crate::text::one_line(&e.to_string()));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("opsdeck: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let cloud = context.cloud();
    let read_only = global.read_only;
    let results = runtime.block_on(async {
        let read = cloud.read.as_ref();
        let mut results = checks(read, &context.env, &context.config.project).await;
        if !read_only {
            let arn = results
                .iter()
                .find(|c| c.what == "identity")
                .and_then(|c| c.result.as_ref().ok())
                .and_then(|d| d.split_whitespace().next().map(str::to_string));
            results.extend(write_checks(read, arn.as_deref()).await);
        }
        results
    });
    if json_out {
        let text =
            serde_json::to_string_pretty(&to_json(&context.env, &results)).unwrap_or_default();
        println!("{}", crate::text::json_printed(&text));
    } else {
        print!(
            "{}",
            crate::text::printed(&text(&context.env, &results, context.demo))
        );
    }
    ExitCode::from(exit_code(&results))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::cloud::sim::{self, SimClock, SimSource, SimWorld, demo_incident_settings};

    async fn doctor(tweak: impl Fn(&SimWorld)) -> (u8, String) {
        let world = SimWorld::new(42, SimClock::Fixed(1_788_220_800));
        tweak(&world);
        let mut env = Environment::with_defaults("cloudplatform", "prod");
        demo_incident_settings(&mut env);
        let cloud = sim::handle(Arc::clone(&world), "prod", true);
        let results = checks(cloud.read.as_ref(), &env, "cloudplatform").await;
        (exit_code(&results), text(&env, &results, true))
    }

    #[tokio::test]
    async fn every_read_works_on_the_simulated_account() {
        let (code, text) = doctor(|_| {}).await;
        assert_eq!(code, 0, "{text}");
        assert!(text.contains("✓ ECS services"), "{text}");
        assert!(text.contains("not checked: Cost Explorer"), "{text}");
        for timeline in [
            "✓ alarm history",
            "✓ CloudTrail events",
            "✓ database events",
            "✓ scaling activities",
        ] {
            assert!(text.contains(timeline), "{timeline}: {text}");
        }
    }

    #[tokio::test]
    async fn a_denied_timeline_read_names_its_action() {
        let (code, text) = doctor(|w| {
            w.fail(
                SimSource::TrailEvents,
                CloudError::AccessDenied("LookupEvents: AccessDeniedException".into()),
            )
        })
        .await;
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("✗ CloudTrail events"), "{text}");
        assert!(text.contains("grant cloudtrail:LookupEvents"), "{text}");
        assert!(text.contains("✓ alarm history"), "{text}");
    }

    #[tokio::test]
    async fn writes_are_checked_by_simulation_and_unknown_callers_cannot_be() {
        let world = SimWorld::new(42, SimClock::Fixed(1_788_220_800));
        let cloud = sim::handle(world, "prod", true);
        let read = cloud.read.as_ref();
        let checks = write_checks(read, Some("arn:aws:iam::1:user/alice")).await;
        assert_eq!(checks.len(), 1);
        let n = checked_writes().len();
        assert_eq!(
            checks[0].result.as_deref(),
            Ok(format!("{n} of {n} allowed (policy simulation)").as_str())
        );
        let unknown = write_checks(read, None).await;
        assert_eq!(exit_code(&unknown), 2);
        assert!(unknown[0].fix().is_some_and(|f| f.contains("--read-only")));
    }

    #[tokio::test]
    async fn a_denied_read_names_its_actions_and_exits_1() {
        let (code, text) = doctor(|w| {
            w.fail(
                SimSource::Alarms,
                CloudError::AccessDenied("DescribeAlarms: AccessDeniedException".into()),
            )
        })
        .await;
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("✗ dashboard alarms"), "{text}");
        assert!(text.contains("grant cloudwatch:DescribeAlarms"), "{text}");
        let (code, text) = doctor(|w| {
            w.fail(
                SimSource::EcsTasks,
                CloudError::Throttled("ListTasks".into()),
            )
        })
        .await;
        assert_eq!(code, 2, "{text}");
        assert!(text.contains("? ECS tasks"), "{text}");
    }
}
