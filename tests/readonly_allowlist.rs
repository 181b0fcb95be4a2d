//! `--read-only` lets only reads leave, proved by an allowlist: every request the binary
//! and the console's write actor send goes through the harness's recording proxy (which
//! names query-protocol, JSON, REST and CBOR operations alike), while every shipped
//! runbook that writes is run read-only through the CLI and planned through the
//! console, and the console's other writes (triage, GuardDuty archive, a saved query)
//! are attempted. Any recorded operation that is not a read fails the test.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use opsdeck::app::actor::WriteActor;
use opsdeck::app::connect::Connector;
use opsdeck::app::update::{Event, WriteDone};
use opsdeck::audit::AuditLog;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::{CloudError, CloudHandle, FindingRef, QueryDefinition, WorkflowStatus};
use opsdeck::config::Environment;
use opsdeck::panes::kit::Write;
use opsdeck::panes::runbooks::request::{RunbookMsg, RunbookRequest};
use opsdeck::panes::security::triage::SecurityWrite;
use opsdeck::runbook::library::Library;
use opsdeck::runbook::model::{ParamType, Runbook};
use support::cbor_cloudwatch::CborCloudWatch;
use support::ecs_seed::seed;
use support::moto;
use support::proxy::Proxy;

/// True for an operation that only reads (as the proxy names it).
fn is_read(op: &str) -> bool {
    const READ_PREFIXES: [&str; 6] = ["Describe", "List", "Get", "Filter", "Lookup", "BatchGet"];
    // Logs Insights queries read; StopQuery stops one of our own queries.
    const READS: [&str; 3] = ["StartQuery", "StopQuery", "GetQueryResults"];
    if READ_PREFIXES.iter().any(|p| op.starts_with(p)) || READS.contains(&op) {
        return true;
    }
    // REST operations are named "METHOD path".
    match op.split_once(' ') {
        Some(("GET", _)) => true,
        Some(("POST", path)) => {
            let path = path.split('?').next().unwrap_or(path);
            // Security Hub GetFindings, GetEnabledStandards (`/standards/get`); GuardDuty
            // ListFindings / GetFindings.
            path == "/findings" || path.ends_with("/list") || path.ends_with("/get")
        }
        _ => false,
    }
}

/// A value of the right type for each parameter without a default.
fn params(rb: &Runbook) -> Vec<(String, String)> {
    rb.params
        .iter()
        .filter(|p| p.default.is_none() && p.default_from.is_none())
        .map(|p| {
            let v = match &p.ty {
                ParamType::Int { min, max } => {
                    let v = min.unwrap_or(1).max(1);
                    max.map_or(v, |m| v.min(m)).to_string()
                }
                ParamType::Enum(values) => values.first().cloned().unwrap_or_default(),
                ParamType::TaskArn => {
                    format!(
                        "arn:aws:ecs:us-east-1:{}:task/c/0123456789abcdef",
                        moto::ACCOUNT_ID
                    )
                }
                ParamType::SecretId => "database/credentials".into(),
                ParamType::Secret => "123456".into(),
                _ => "INC-1".into(),
            };
            (p.name.clone(), v)
        })
        .collect()
}

/// The console's connector: AWS through the proxy, read-only.
struct ReadOnlyThroughProxy(AwsClients);

impl Connector for ReadOnlyThroughProxy {
    fn connect(&self, _env: &Environment) -> CloudHandle {
        CloudHandle::new(Arc::new(AwsCloud::from_clients(self.0.clone())), true)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_sends_only_reads_from_the_cli_and_the_console() {
    let s = seed("ro-allow").await;
    let t = CborCloudWatch::from_venv(&moto::venv()).expect("botocore CloudWatch model");
    let proxy = Proxy::with_transform(&moto::endpoint(), None, Arc::new(t));
    let home = tempfile::tempdir().expect("tempdir");
    let cfg = s.write_config(home.path(), &proxy.url, "");
    let cli = |args: &[String]| {
        support::cli::on_emu(home.path(), &cfg)
            .arg("--read-only")
            .args(args)
            .output()
            .expect("run opsdeck")
    };
    let library = Library::load(None);
    let writers: Vec<&Runbook> = library.runbooks.iter().filter(|r| r.writes()).collect();
    assert!(writers.len() >= 10, "{}", writers.len());
    for rb in &writers {
        let mut args = vec!["runbook".to_string(), "run".into(), rb.name.clone()];
        for (k, v) in params(rb) {
            args.push("--param".into());
            args.push(format!("{k}={v}"));
        }
        args.push("--yes".into());
        let out = cli(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", rb.name);
        assert!(stderr.contains("read-only"), "{}: {stderr}", rb.name);
    }
    // Reads work read-only.
    for args in [
        vec!["snapshot", "--json"],
        vec!["posture"],
        vec!["logs", "query"],
        vec!["runbook", "list"],
    ] {
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        let _ = cli(&args);
    }

    // The console's write actor, read-only through the same proxy.
    let conf = moto::sdk_config_at(&proxy.url).await;
    let connector = ReadOnlyThroughProxy(AwsClients::from_sdk_config(&conf, None));
    let audit_dir = tempfile::tempdir().expect("tempdir");
    let audit = AuditLog::new(audit_dir.path().join("audit.jsonl"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut actor = WriteActor::new(tx, audit.clone());
    let env = s.env();
    let writes = vec![
        Write::Triage(SecurityWrite::Workflow {
            findings: vec![FindingRef {
                id: "f-1".into(),
                product_arn: "arn:aws:securityhub:us-east-1::product/aws/securityhub".into(),
            }],
            status: WorkflowStatus::Resolved,
            note: "read-only test".into(),
            updated_by: "test".into(),
        }),
        Write::Triage(SecurityWrite::Archive {
            detector_id: "d-1".into(),
            finding_ids: vec!["g-1".into()],
        }),
        Write::SaveQuery {
            definition: QueryDefinition {
                id: None,
                name: "q".into(),
                query: "fields @message".into(),
                log_groups: vec!["/ecs/emu/fastapi".into()],
            },
            confirmed: true,
        },
    ];
    let expected = writes.len() + writers.len();
    for w in writes {
        actor.perform(w, &env, &connector);
    }
    for rb in &writers {
        let raw: BTreeMap<String, String> = params(rb).into_iter().collect();
        actor.perform(
            Write::Runbook(Box::new(RunbookRequest::Plan {
                runbook: Box::new((*rb).clone()),
                raw,
                typed: None,
            })),
            &env,
            &connector,
        );
    }
    for _ in 0..expected {
        let event = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("the actor answers")
            .expect("an event");
        match event {
            Event::Written(WriteDone::Triage(r)) => {
                assert_eq!(r, Err(CloudError::ReadOnly));
            }
            Event::Written(WriteDone::SavedQuery(_, r)) => {
                assert_eq!(r, Err(CloudError::ReadOnly));
            }
            Event::Runbook(RunbookMsg::Planned(r)) => {
                let e = r.expect_err("refused");
                assert!(e.to_string().contains("read-only"), "{e}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        audit.read_all().expect("audit").is_empty(),
        "nothing refused reaches the audit log"
    );

    let requests = proxy.requests();
    assert!(
        requests.iter().any(|r| r.operation == "DescribeServices"),
        "the reads went through the proxy: {:?}",
        requests.iter().map(|r| &r.operation).collect::<Vec<_>>()
    );
    let writes: Vec<&str> = requests
        .iter()
        .map(|r| r.operation.as_str())
        .filter(|op| !is_read(op))
        .collect();
    assert!(writes.is_empty(), "read-only sent: {writes:?}");
}
