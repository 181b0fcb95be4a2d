//! Planning runbooks in tests: a temporary audit log, AWS behind a read-write handle,
//! and parameters resolved the way the CLI resolves `--param key=value`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use opsdeck::audit::AuditLog;
use opsdeck::cloud::CloudHandle;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::config::Environment;
use opsdeck::runbook::engine::prepare;
use opsdeck::runbook::library::Library;
use opsdeck::runbook::model::Runbook;
use opsdeck::runbook::params::resolve_params;
use opsdeck::runbook::plan::{Prepared, RunContext, RunError};

use super::moto;

/// An audit log in a temporary directory (kept alive by the returned guard).
pub fn temp_audit() -> (tempfile::TempDir, AuditLog) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    (dir, log)
}

/// A run context for `env` over `cloud`, auditing into a temporary directory (kept alive
/// by the returned guard), polling waits every `poll`.
pub fn run_context(
    env: Environment,
    cloud: CloudHandle,
    poll: Duration,
) -> (tempfile::TempDir, RunContext) {
    let (dir, audit) = temp_audit();
    let ctx = RunContext {
        env,
        cloud,
        audit,
        events: None,
        poll,
        cancel: Arc::new(AtomicBool::new(false)),
    };
    (dir, ctx)
}

/// AWS (over `clients`) with both the reading and the acting side.
pub fn read_write(clients: AwsClients) -> CloudHandle {
    CloudHandle::new(Arc::new(AwsCloud::from_clients(clients)), false)
}

/// AWS pointed at moto, read-write.
pub async fn moto_handle() -> CloudHandle {
    read_write(AwsClients::from_sdk_config(&moto::sdk_config().await, None))
}

/// Resolve `params` for `rb` and prepare (prerequisites + plan) it.
pub async fn prepare_with(
    ctx: &RunContext,
    rb: &Runbook,
    params: &[(&str, &str)],
) -> Result<Prepared, RunError> {
    let raw: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let params = resolve_params(rb, &ctx.env, &raw).map_err(RunError::Refused)?;
    prepare(rb, params, ctx).await
}

/// Prepare the shipped runbook `name`.
pub async fn plan_shipped(
    ctx: &RunContext,
    name: &str,
    params: &[(&str, &str)],
) -> Result<Prepared, RunError> {
    let lib = Library::load(None);
    let rb = lib.get(name).expect("shipped runbook");
    prepare_with(ctx, rb, params).await
}
