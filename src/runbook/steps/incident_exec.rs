//! Executing `Action::Incident`: each call goes through the engine's audited path (intent
//! fsync'd before, outcome after). Several targets mean several audited calls; the
//! break-glass call hands back the elevated cloud; the evidence export writes a file.

use sha2::{Digest, Sha256};

use super::super::audited::{audited, receipt};
use super::super::plan::{PlannedStep, Prepared, RunContext};
use super::incident_action::IncidentAction;
use super::read_back::{self, Reconciled};
use crate::cloud::{CloudAct, CloudResult, Elevation, FilterRequest, ServiceUpdate, WriteReceipt};

/// What a write produced: the detail line, the task definition it deployed (ECS), and a
/// break-glass session it opened.
pub struct Performed {
    pub detail: String,
    pub deployed: Option<String>,
    pub elevation: Option<Elevation>,
}

impl Performed {
    /// A write that may have deployed a task definition.
    pub fn deployed(detail: String, deployed: Option<String>) -> Performed {
        Performed {
            detail,
            deployed,
            elevation: None,
        }
    }
}

fn done(detail: String) -> Performed {
    Performed::deployed(detail, None)
}

/// Perform one planned incident write.
pub async fn perform(
    prepared: &Prepared,
    ctx: &RunContext,
    index: usize,
    step: &PlannedStep,
    action: &IncidentAction,
) -> Result<Performed, String> {
    let id = |call: usize| format!("{}/{index}/{call}", prepared.run_id);
    if let IncidentAction::ExportLogs {
        groups,
        minutes,
        pattern,
        path,
    } = action
    {
        let r = audited(prepared, ctx, id(0), step, || async {
            let r = export_logs(ctx, groups, *minutes, pattern, path).await?;
            Ok((r.summary.clone(), r))
        })
        .await?;
        return Ok(done(r));
    }
    let actor = ctx.cloud.actor().map_err(|e| e.to_string())?.clone();
    let act: &dyn CloudAct = actor.as_ref();
    let read = ctx.cloud.read.as_ref();
    let since = read.metrics_now();
    match action {
        IncidentAction::RotateSecret { secret, token } => Ok(done(
            receipt(
                prepared,
                ctx,
                id(0),
                step,
                act.rotate_secret(secret, token),
                read_back::rotation(read, secret, token),
            )
            .await?,
        )),
        IncidentAction::RestartServices { cluster, services } => {
            let update = ServiceUpdate {
                force_new_deployment: true,
                ..Default::default()
            };
            let mut lines = Vec::new();
            for (k, service) in services.iter().enumerate() {
                lines.push(
                    receipt(
                        prepared,
                        ctx,
                        id(k),
                        step,
                        act.update_service(cluster, service, &update),
                        read_back::service_update(read, cluster, service, &update, since),
                    )
                    .await?,
                );
            }
            Ok(done(lines.join("; ")))
        }
        IncidentAction::SetGroups { eni, groups } => Ok(done(
            receipt(
                prepared,
                ctx,
                id(0),
                step,
                act.set_security_groups(eni, groups),
                read_back::eni_groups(read, eni, groups),
            )
            .await?,
        )),
        IncidentAction::Deregister(targets) | IncidentAction::Register(targets) => {
            let register = matches!(action, IncidentAction::Register(_));
            let mut lines = Vec::new();
            for (k, t) in targets.iter().enumerate() {
                let call = if register {
                    act.register_target(t)
                } else {
                    act.deregister_target(t)
                };
                let check = read_back::registration(read, t, register);
                lines.push(receipt(prepared, ctx, id(k), step, call, check).await?);
            }
            Ok(done(lines.join("; ")))
        }
        IncidentAction::ProtectTask {
            cluster,
            task,
            minutes,
        } => Ok(done(
            receipt(
                prepared,
                ctx,
                id(0),
                step,
                act.protect_task(cluster, task, *minutes),
                unread(
                    "ecs:UpdateTaskProtection",
                    "ecs get-task-protection shows it",
                ),
            )
            .await?,
        )),
        IncidentAction::TagTask { task, tags } => Ok(done(
            receipt(
                prepared,
                ctx,
                id(0),
                step,
                act.tag_task(task, tags),
                unread("ecs:TagResource", "ecs list-tags-for-resource shows it"),
            )
            .await?,
        )),
        IncidentAction::SetDesired {
            cluster,
            service,
            desired,
        } => {
            let update = ServiceUpdate {
                desired_count: Some(*desired),
                ..Default::default()
            };
            Ok(done(
                receipt(
                    prepared,
                    ctx,
                    id(0),
                    step,
                    act.update_service(cluster, service, &update),
                    read_back::service_update(read, cluster, service, &update, since),
                )
                .await?,
            ))
        }
        IncidentAction::Publish {
            topic,
            subject,
            message,
        } => Ok(done(
            receipt(
                prepared,
                ctx,
                id(0),
                step,
                act.publish_alert(topic, subject, message),
                unread(
                    "sns:Publish",
                    "a sent message leaves nothing to read; ask the topic's subscribers",
                ),
            )
            .await?,
        )),
        IncidentAction::AssumeRole(request) => {
            let elevation = audited(prepared, ctx, id(0), step, || async {
                let e = act.assume_break_glass(request).await?;
                let receipt = e.receipt.clone();
                Ok((e, receipt))
            })
            .await?;
            Ok(Performed {
                deployed: None,
                detail: format!(
                    "acting as {} until {}",
                    elevation.assumed_arn,
                    super::secret_plan::when(Some(elevation.expires_at))
                ),
                elevation: Some(elevation),
            })
        }
        IncidentAction::ExportLogs { .. } => Err("unreachable: export handled above".into()),
    }
}

/// A write opsdeck does not read back: an unknown outcome stays unknown, saying how to
/// look.
async fn unread(call: &str, how: &str) -> Reconciled {
    read_back::not_readable(call, how)
}

/// Filter the last `minutes` of `groups` for `pattern` and write them to `path` (mode
/// 0600), one line per event: time, group, stream, message. Returns a receipt naming the
/// file, the event count and the file's SHA-256.
async fn export_logs(
    ctx: &RunContext,
    groups: &[String],
    minutes: i64,
    pattern: &str,
    path: &std::path::Path,
) -> CloudResult<WriteReceipt> {
    let now = ctx.cloud.read.metrics_now();
    let mut events = Vec::new();
    for group in groups {
        let request = FilterRequest {
            log_group: group.clone(),
            start_ms: (now - minutes * 60) * 1000,
            end_ms: Some(now * 1000),
            pattern: pattern.to_string(),
            limit: 10_000,
        };
        events.extend(ctx.cloud.read.filter_log_events(&request).await?);
    }
    events.sort_by_key(|e| e.timestamp_ms);
    let mut text = String::new();
    for e in &events {
        let at =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(e.timestamp_ms) * 1_000_000)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_else(|| e.timestamp_ms.to_string());
        text.push_str(&format!(
            "{at}\t{}\t{}\t{}\n",
            e.log_group,
            e.log_stream,
            e.message.trim_end()
        ));
    }
    write_private(path, text.as_bytes()).map_err(|e| {
        crate::cloud::CloudError::Service(format!("cannot write {}: {e}", path.display()))
    })?;
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    Ok(WriteReceipt {
        request_id: None,
        summary: format!(
            "{} events from {} log group(s) → {} (sha256 {digest})",
            events.len(),
            groups.len(),
            path.display()
        ),
    })
}

/// Evidence is written once: a new private file, never over one or through a symlink.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::private_file::write_new(path, bytes)
}
