//! `rds.wait_available`: poll DescribeDBInstances (and the instance's manual
//! snapshots) until the instance is `available` and no snapshot is still being made.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::super::plan::{RunContext, RunEvent};
use super::super::value::Value;

fn db(inputs: &BTreeMap<String, Value>) -> String {
    match inputs.get("db_instance") {
        Some(Value::Str(s)) => s.clone(),
        _ => String::new(),
    }
}

fn timeout(inputs: &BTreeMap<String, Value>) -> Duration {
    match inputs.get("timeout") {
        Some(Value::Int(s)) if *s > 0 => Duration::from_secs(s.unsigned_abs()),
        _ => Duration::from_secs(600),
    }
}

/// The plan line.
pub fn describe(inputs: &BTreeMap<String, Value>) -> Vec<String> {
    vec![format!(
        "rds:DescribeDBInstances {} and its manual snapshots (DescribeDBSnapshots) every poll until the instance is available and no snapshot is creating (timeout {} s)",
        db(inputs),
        timeout(inputs).as_secs()
    )]
}

/// Wait; Ok(detail) when available, Err(detail) on timeout, cancel or a failed snapshot.
pub async fn wait_available(
    ctx: &RunContext,
    inputs: &BTreeMap<String, Value>,
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
        if inst.status == "available" && pending.is_empty() {
            let newest = snapshots
                .iter()
                .map(|s| s.id.as_str())
                .max()
                .map_or_else(String::new, |s| format!("; newest snapshot {s} available"));
            return Ok(format!("{id} available{newest}"));
        }
        ctx.emit(RunEvent::Log(format!(
            "waiting: {id} {}{}{}",
            inst.status,
            if pending.is_empty() { "" } else { ", " },
            pending.join(", ")
        )));
        if started.elapsed() >= limit {
            return Err(format!(
                "{id} not available after {} s (now {})",
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
