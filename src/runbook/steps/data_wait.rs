//! `rds.wait_available` / `rds.wait_stopped`: poll DescribeDBInstances (and the
//! instance's manual snapshots) until the instance is `available` (`stopped`) and no
//! snapshot is still being made;
//! `elasticache.wait_available`: poll DescribeReplicationGroups until the group and its
//! node groups are `available`.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::super::kinds::StepKind;
use super::super::plan::{RunContext, RunEvent};
use super::super::value::Value;
use super::inputs;

/// The string input `key`, or empty.
fn text(inputs: &BTreeMap<String, Value>, key: &str) -> String {
    inputs::text(inputs, key).unwrap_or_default()
}

fn db(inputs: &BTreeMap<String, Value>) -> String {
    text(inputs, "db_instance")
}

fn timeout(inputs: &BTreeMap<String, Value>) -> Duration {
    match inputs.get("timeout") {
        Some(Value::Int(s)) if *s > 0 => Duration::from_secs(s.unsigned_abs()),
        _ => Duration::from_secs(600),
    }
}

/// The plan line of `rds.wait_available` / `rds.wait_stopped`.
pub fn describe(kind: StepKind, inputs: &BTreeMap<String, Value>) -> Vec<String> {
    let target = if kind == StepKind::RdsWaitStopped {
        "stopped"
    } else {
        "available"
    };
    vec![format!(
        "rds:DescribeDBInstances {} and its manual snapshots (DescribeDBSnapshots) every poll until the instance is {target} and no snapshot is creating (timeout {} s)",
        db(inputs),
        timeout(inputs).as_secs()
    )]
}

/// Wait until the instance's status is `target`; Ok(detail) then, Err(detail) on
/// timeout, cancel or a failed snapshot.
pub async fn wait_db(
    ctx: &RunContext,
    inputs: &BTreeMap<String, Value>,
    target: &str,
) -> Result<String, String> {
    let id = db(inputs);
    let limit = timeout(inputs);
    let started = tokio::time::Instant::now();
    loop {
        let inst = ctx
            .cloud
            .read
            .db_instance(&id)
            .await
            .map_err(|e| e.to_string())?;
        let snapshots = ctx
            .cloud
            .read
            .db_snapshots(&id)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(s) = snapshots.iter().find(|s| s.status == "failed") {
            return Err(format!("snapshot {} failed", s.id));
        }
        let pending: Vec<String> = snapshots
            .iter()
            .filter(|s| s.status != "available")
            .map(|s| format!("{} {}", s.id, s.status))
            .collect();
        if inst.status == target && pending.is_empty() {
            let newest = snapshots
                .iter()
                .map(|s| s.id.as_str())
                .max()
                .map_or_else(String::new, |s| format!("; newest snapshot {s} available"));
            return Ok(format!("{id} {target}{newest}"));
        }
        ctx.emit(RunEvent::Log(format!(
            "waiting: {id} {}{}{}",
            inst.status,
            if pending.is_empty() { "" } else { ", " },
            pending.join(", ")
        )));
        if started.elapsed() >= limit {
            return Err(format!(
                "{id} not {target} after {} s (now {})",
                limit.as_secs(),
                inst.status
            ));
        }
        if ctx.cancel.load(Ordering::SeqCst) {
            return Err("cancelled while waiting".into());
        }
        tokio::time::sleep(ctx.poll).await;
    }
}

/// The plan line of `elasticache.wait_available`.
pub fn describe_cache(inputs: &BTreeMap<String, Value>) -> Vec<String> {
    vec![format!(
        "elasticache:DescribeReplicationGroups {} every poll until the group and every node group are available (timeout {} s)",
        text(inputs, "replication_group"),
        timeout(inputs).as_secs()
    )]
}

/// Wait until the replication group and its node groups are `available`.
pub async fn wait_cache_available(
    ctx: &RunContext,
    inputs: &BTreeMap<String, Value>,
) -> Result<String, String> {
    let id = text(inputs, "replication_group");
    let limit = timeout(inputs);
    let started = tokio::time::Instant::now();
    loop {
        let g = ctx
            .cloud
            .read
            .cache_replication_group(&id)
            .await
            .map_err(|e| e.to_string())?;
        let busy: Vec<String> = g
            .node_groups
            .iter()
            .filter(|n| n.status != "available")
            .map(|n| format!("node group {} {}", n.id, n.status))
            .collect();
        if g.status == "available" && busy.is_empty() {
            let primaries: Vec<String> = g
                .node_groups
                .iter()
                .map(|n| format!("{} primary {}", n.id, n.primary.as_deref().unwrap_or("?")))
                .collect();
            return Ok(format!("{id} available; {}", primaries.join(", ")));
        }
        ctx.emit(RunEvent::Log(format!(
            "waiting: {id} {} {}",
            g.status,
            busy.join(", ")
        )));
        if started.elapsed() >= limit {
            return Err(format!(
                "{id} not available after {} s (now {})",
                limit.as_secs(),
                g.status
            ));
        }
        if ctx.cancel.load(Ordering::SeqCst) {
            return Err("cancelled while waiting".into());
        }
        tokio::time::sleep(ctx.poll).await;
    }
}
