//! Planning the data write steps: `rds.snapshot` (a tagged manual snapshot named
//! `{db}-{incident or manual}-{yyyymmddhhmm}`), `rds.failover` (Multi-AZ only, refused
//! on a single-AZ instance with the reason read from DescribeDBInstances), `rds.stop` and
//! `rds.start`; dispatches the cache and recorded-desired-count kinds. Reads only.

use super::super::kinds::StepKind;
use super::super::plan::{Action, PlannedStep, RunContext, RunError};
use super::data_action::DataAction;

use super::inputs::{Inputs, text};

/// True for the write kinds planned here.
pub fn handles(kind: StepKind) -> bool {
    matches!(
        kind,
        StepKind::RdsSnapshot
            | StepKind::RdsFailover
            | StepKind::RdsStop
            | StepKind::RdsStart
            | StepKind::CacheTestFailover
            | StepKind::EcsRecordDesired
            | StepKind::EcsRestoreRecorded
            | StepKind::IamDeactivateKey
            | StepKind::IamReactivateKey
    )
}

/// `yyyymmddhhmm` (UTC) of an epoch second; `000000000000` if out of range.
pub fn stamp(epoch: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(epoch).map_or_else(
        |_| "000000000000".to_string(),
        |t| {
            format!(
                "{:04}{:02}{:02}{:02}{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        },
    )
}

/// A snapshot identifier: `{db}-{incident or manual}-{stamp}`, lowercase letters, digits
/// and single hyphens only (RDS's rules), at most 255 characters.
pub fn snapshot_name(db: &str, incident: Option<&str>, stamp: &str) -> String {
    let raw = format!("{db}-{}-{stamp}", incident.unwrap_or("manual"));
    let mut out = String::new();
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "db-");
    }
    out.truncate(255);
    out.trim_end_matches('-').to_string()
}

/// Plan one data write step.
pub async fn plan(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &Inputs,
) -> Result<PlannedStep, RunError> {
    match kind {
        StepKind::CacheTestFailover => return super::cache_plan::plan(ctx, label, inputs).await,
        StepKind::IamDeactivateKey | StepKind::IamReactivateKey => {
            return super::key_plan::plan(ctx, kind, label, inputs).await;
        }
        StepKind::EcsRecordDesired | StepKind::EcsRestoreRecorded => {
            return super::scale_memory::plan(ctx, kind, label, inputs).await;
        }
        _ => {}
    }
    let db_id = text(inputs, "db_instance").unwrap_or_default();
    let db = ctx.cloud.read.db_instance(&db_id).await?;
    let mut p = PlannedStep {
        kind,
        label: label.to_string(),
        calls: vec![format!(
            "rds:DescribeDBInstances {}: {} {}, {}, primary in {}",
            db.id,
            db.engine,
            db.status,
            if db.multi_az { "Multi-AZ" } else { "single-AZ" },
            db.availability_zone.as_deref().unwrap_or("?")
        )],
        warnings: Vec::new(),
        action: None,
        inputs: inputs.clone(),
    };
    match kind {
        StepKind::RdsSnapshot => {
            if !matches!(db.status.as_str(), "available" | "stopped") {
                return Err(RunError::Refused(format!(
                    "{} is {}: a snapshot needs it available (or stopped)",
                    db.id, db.status
                )));
            }
            let incident = text(inputs, "incident");
            let snapshot = snapshot_name(
                &db.id,
                incident.as_deref(),
                &stamp(ctx.cloud.read.metrics_now()),
            );
            let tags = vec![
                (
                    "opsdeck:incident".to_string(),
                    incident.unwrap_or_else(|| "manual".into()),
                ),
                ("opsdeck:created-by".to_string(), "opsdeck".to_string()),
            ];
            let tag_text: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            p.calls.push(format!(
                "rds:CreateDBSnapshot DBInstanceIdentifier={} DBSnapshotIdentifier={snapshot} Tags {}",
                db.id,
                tag_text.join(", ")
            ));
            p.action = Some(Action::Data(DataAction::CreateDbSnapshot {
                instance: db.id,
                snapshot,
                tags,
            }));
        }
        StepKind::RdsFailover => {
            if !db.multi_az {
                return Err(RunError::Refused(format!(
                    "{} is single-AZ (DescribeDBInstances MultiAZ=false): it has no standby to fail over to, and a forced failover is rejected; a plain reboot would only cause downtime",
                    db.id
                )));
            }
            if db.status != "available" {
                return Err(RunError::Refused(format!(
                    "{} is {}: fail over only an available instance",
                    db.id, db.status
                )));
            }
            p.calls.push(format!(
                "rds:RebootDBInstance DBInstanceIdentifier={} ForceFailover=true (primary {} → standby {}; connections drop for about a minute)",
                db.id,
                db.availability_zone.as_deref().unwrap_or("?"),
                db.secondary_availability_zone.as_deref().unwrap_or("?")
            ));
            p.action = Some(Action::Data(DataAction::FailoverDb { instance: db.id }));
        }
        StepKind::RdsStop | StepKind::RdsStart => {
            let (stop, from, to) = if kind == StepKind::RdsStop {
                (true, "available", "stopped")
            } else {
                (false, "stopped", "available")
            };
            if db.status == to {
                p.calls
                    .push(format!("nothing to do: {} is already {to}", db.id));
            } else if db.status != from {
                return Err(RunError::Refused(format!(
                    "{} is {}: it must be {from} to be {}",
                    db.id,
                    db.status,
                    if stop { "stopped" } else { "started" }
                )));
            } else if stop {
                p.calls.push(format!(
                    "rds:StopDBInstance DBInstanceIdentifier={} (status available → stopped)",
                    db.id
                ));
                p.warnings.push(
                    "AWS starts a stopped instance again after 7 days; run dev-scale-down again then"
                        .into(),
                );
                p.action = Some(Action::Data(DataAction::StopDb { instance: db.id }));
            } else {
                p.calls.push(format!(
                    "rds:StartDBInstance DBInstanceIdentifier={} (status stopped → available)",
                    db.id
                ));
                p.action = Some(Action::Data(DataAction::StartDb { instance: db.id }));
            }
        }
        other => {
            return Err(RunError::Refused(format!(
                "{} is not a data write step",
                other.name()
            )));
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_names_follow_rds_rules() {
        assert_eq!(stamp(0), "197001010000");
        assert_eq!(
            snapshot_name("app-db", Some("INC-812"), "202611221330"),
            "app-db-inc-812-202611221330"
        );
        assert_eq!(
            snapshot_name("app-db", None, "202611221330"),
            "app-db-manual-202611221330"
        );
        assert_eq!(
            snapshot_name("app-db", Some(" inc_7 / x--"), "1"),
            "app-db-inc-7-x-1"
        );
        assert_eq!(snapshot_name("9db", Some("--"), "1"), "db-9db-1");
    }
}
