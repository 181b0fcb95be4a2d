//! Reading back what a write was to change when its outcome is unknown (a timeout or
//! reset after the request was sent, an unreadable answer, a server error): each write
//! kind names the state that shows whether it landed, and reads it once.

use crate::cloud::{CloudRead, Epoch, ServiceUpdate, TargetRef, last_segment};

use super::data_action::DataAction;

/// Seconds a deployment may seem to predate the call (our clock against AWS's).
const CLOCK_SLACK: i64 = 5;

/// What the read-back showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconciled {
    /// The state the write was to make is there.
    Landed(String),
    /// The state is as it was: the write did not take effect.
    NotLanded(String),
    /// The read-back could not tell (it failed, or the write leaves nothing to read).
    Unknown(String),
}

impl Reconciled {
    /// `landed` / `not landed` / `unknown`, as the audit log's `reconciled` record says.
    pub fn word(&self) -> &'static str {
        match self {
            Reconciled::Landed(_) => "landed",
            Reconciled::NotLanded(_) => "not landed",
            Reconciled::Unknown(_) => "unknown",
        }
    }

    /// What was read.
    pub fn detail(&self) -> &str {
        match self {
            Reconciled::Landed(d) | Reconciled::NotLanded(d) | Reconciled::Unknown(d) => d,
        }
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> Reconciled {
    Reconciled::Unknown(format!("{what} could not be read back: {e}"))
}

/// `ecs:UpdateService`: DescribeServices shows the desired count and task definition
/// asked for, and a forced deployment created at or after `since`.
pub async fn service_update(
    read: &dyn CloudRead,
    cluster: &str,
    service: &str,
    update: &ServiceUpdate,
    since: Epoch,
) -> Reconciled {
    let services = match read.list_services(cluster).await {
        Ok(s) => s,
        Err(e) => return failed("the service", e),
    };
    let Some(svc) = services.iter().find(|s| s.name == service) else {
        return Reconciled::Unknown(format!("service {service} is not in {cluster}"));
    };
    let mut seen = Vec::new();
    let mut landed = true;
    if let Some(n) = update.desired_count {
        seen.push(format!("desiredCount {}", svc.desired));
        landed &= svc.desired == n;
    }
    if let Some(td) = &update.task_definition {
        seen.push(format!(
            "taskDefinition {}",
            last_segment(&svc.task_definition)
        ));
        landed &= last_segment(&svc.task_definition) == last_segment(td);
    }
    if update.force_new_deployment {
        let newest = svc
            .deployments
            .iter()
            .filter_map(|d| d.created_at)
            .max()
            .unwrap_or(i64::MIN);
        seen.push(format!(
            "newest deployment {}",
            if newest >= since.saturating_sub(CLOCK_SLACK) {
                "started after the call"
            } else {
                "older than the call"
            }
        ));
        landed &= newest >= since.saturating_sub(CLOCK_SLACK);
    }
    let what = format!("{service}: {}", seen.join(", "));
    if landed {
        Reconciled::Landed(what)
    } else {
        Reconciled::NotLanded(what)
    }
}

/// `ecs:StopServiceDeployment`: the deployment's status has left IN_PROGRESS/PENDING.
pub async fn stop_deployment(
    read: &dyn CloudRead,
    cluster: &str,
    service: &str,
    arn: &str,
) -> Reconciled {
    let history = match read.list_service_deployments(cluster, service).await {
        Ok(h) => h,
        Err(e) => return failed("the service deployment", e),
    };
    let Some(d) = history.iter().find(|d| d.arn == arn) else {
        return Reconciled::Unknown(format!("deployment {} is not listed", last_segment(arn)));
    };
    let what = format!("deployment {} is {}", last_segment(arn), d.status);
    if d.status.starts_with("STOP") || d.status.starts_with("ROLLBACK") {
        Reconciled::Landed(what)
    } else {
        Reconciled::NotLanded(what)
    }
}

/// A data write: the snapshot exists, the instance is stopping/starting/rebooting, the
/// replication group is modifying, the tag is on the service.
pub async fn data(read: &dyn CloudRead, action: &DataAction) -> Reconciled {
    match action {
        DataAction::CreateDbSnapshot {
            instance, snapshot, ..
        } => match read.db_snapshots(instance).await {
            Ok(list) => match list.iter().find(|s| &s.id == snapshot) {
                Some(s) => Reconciled::Landed(format!("snapshot {snapshot} is {}", s.status)),
                None => Reconciled::NotLanded(format!("no snapshot {snapshot} of {instance}")),
            },
            Err(e) => failed("the snapshots", e),
        },
        DataAction::FailoverDb { instance } => db_status(read, instance, &["rebooting"], &[]).await,
        DataAction::StopDb { instance } => {
            db_status(read, instance, &["stopping", "stopped"], &["available"]).await
        }
        DataAction::StartDb { instance } => {
            db_status(read, instance, &["starting", "available"], &["stopped"]).await
        }
        DataAction::TestCacheFailover { group, .. } => {
            match read.cache_replication_group(group).await {
                Ok(g) if g.status == "modifying" => {
                    Reconciled::Landed(format!("{group} is modifying"))
                }
                Ok(g) => Reconciled::Unknown(format!(
                    "{group} is {} (a failover may already be over: see its events)",
                    g.status
                )),
                Err(e) => failed("the replication group", e),
            }
        }
        DataAction::SetAccessKeyStatus { key, active, .. } => match read.access_key(key).await {
            Ok(k) if k.active() == *active => Reconciled::Landed(format!("{key} is {}", k.status)),
            Ok(k) => Reconciled::NotLanded(format!("{key} is still {}", k.status)),
            Err(e) => failed("the access key", e),
        },
        DataAction::TagService { arn, key, value } => match read.service_tags(arn).await {
            Ok(tags) if tags.iter().any(|(k, v)| k == key && v == value) => {
                Reconciled::Landed(format!("tag {key}={value} is on the service"))
            }
            Ok(_) => Reconciled::NotLanded(format!("no tag {key}={value} on the service")),
            Err(e) => failed("the service's tags", e),
        },
    }
}

async fn db_status(
    read: &dyn CloudRead,
    instance: &str,
    landed: &[&str],
    not_landed: &[&str],
) -> Reconciled {
    match read.db_instance(instance).await {
        Ok(db) => {
            let what = format!("{instance} is {}", db.status);
            if landed.contains(&db.status.as_str()) {
                Reconciled::Landed(what)
            } else if not_landed.contains(&db.status.as_str()) {
                Reconciled::NotLanded(what)
            } else {
                Reconciled::Unknown(what)
            }
        }
        Err(e) => failed("the instance", e),
    }
}

/// `secretsmanager:RotateSecret`: a version with the run's token exists.
pub async fn rotation(read: &dyn CloudRead, secret: &str, token: &str) -> Reconciled {
    match read.describe_secret(secret).await {
        Ok(meta) => match meta.versions.iter().find(|v| v.id == token) {
            Some(v) => {
                Reconciled::Landed(format!("version {token} exists ({})", v.stages.join(", ")))
            }
            None => Reconciled::NotLanded(format!("no version {token} of {}", meta.name)),
        },
        Err(e) => failed("the secret", e),
    }
}

/// `ec2:ModifyNetworkInterfaceAttribute`: the ENI has exactly `groups`.
pub async fn eni_groups(read: &dyn CloudRead, eni: &str, groups: &[String]) -> Reconciled {
    match read.network_interface(eni).await {
        Ok(n) => {
            let mut have = n.groups.clone();
            let mut want = groups.to_vec();
            have.sort();
            want.sort();
            let what = format!("{eni} has {}", n.groups.join(", "));
            if have == want {
                Reconciled::Landed(what)
            } else {
                Reconciled::NotLanded(what)
            }
        }
        Err(e) => failed("the network interface", e),
    }
}

/// `elasticloadbalancing:Register/DeregisterTargets`: whether the target is registered
/// (a draining target counts as deregistered).
pub async fn registration(read: &dyn CloudRead, target: &TargetRef, register: bool) -> Reconciled {
    match read.target_health(&target.target_group).await {
        Ok(health) => {
            let registered = health
                .iter()
                .any(|h| h.id == target.id && h.state != "draining" && h.state != "unused");
            let what = format!(
                "{} is {}registered in {}",
                target.id,
                if registered { "" } else { "not " },
                last_segment(&target.target_group)
            );
            if registered == register {
                Reconciled::Landed(what)
            } else {
                Reconciled::NotLanded(what)
            }
        }
        Err(e) => failed("the target group", e),
    }
}

/// Writes that leave nothing opsdeck reads: say which read would tell.
pub fn not_readable(call: &str, how: &str) -> Reconciled {
    Reconciled::Unknown(format!("{call} is not read back here: {how}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_audit_vocabulary() {
        assert_eq!(Reconciled::Landed("x".into()).word(), "landed");
        assert_eq!(Reconciled::NotLanded("x".into()).word(), "not landed");
        assert_eq!(Reconciled::Unknown("x".into()).detail(), "x");
    }
}
