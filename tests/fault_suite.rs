//! The real binary against moto behind the fault-injecting proxy (CloudWatch through the
//! CBOR↔JSON translator): `opsdeck snapshot` under 30 % faults (5xx with garbage,
//! throttling, stalls, resets, truncated 200s) never panics, always prints valid JSON,
//! and exits 2 exactly when its JSON lists errors; a throttled `GetCallerIdentity` in a
//! runbook's prerequisites is "could not check" (exit 2), not a refusal, and nothing is
//! written. Stalls last 2 s (the proxy then closes), not 30.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use support::cbor_cloudwatch::CborCloudWatch;
use support::ecs_seed::{Seeded, seed};
use support::moto;
use support::proxy::{Fault, FaultPlan, Proxy};

const ALL_FAULTS: [Fault; 5] = [
    Fault::ServerErrorGarbage,
    Fault::Throttle,
    Fault::Stall,
    Fault::Reset,
    Fault::TruncatedOk,
];

fn plan(seed: u64, rate: f64, kinds: &[Fault], only: Option<&str>) -> FaultPlan {
    FaultPlan {
        seed,
        rate,
        kinds: kinds.to_vec(),
        stall: Duration::from_secs(2),
        only_targets: only.map(|o| vec![o.to_string()]),
    }
}

/// A translator-and-faults proxy in front of moto.
fn proxy(plan: Option<FaultPlan>) -> Proxy {
    let t = CborCloudWatch::from_venv(&moto::venv()).expect("botocore CloudWatch model");
    Proxy::with_transform(&moto::endpoint(), plan, Arc::new(t))
}

/// The seeded service's log group.
fn log_group(s: &Seeded) -> String {
    format!("/ecs/{}/fastapi", s.cluster)
}

/// Create the seeded service's log group in moto.
async fn create_log_group(s: &Seeded) {
    aws_sdk_cloudwatchlogs::Client::new(&moto::sdk_config().await)
        .create_log_group()
        .log_group_name(log_group(s))
        .send()
        .await
        .expect("CreateLogGroup");
}

/// A config whose `emu` environment is the seeded cluster, reached through `url`.
fn config(home: &Path, s: &Seeded, url: &str) -> PathBuf {
    s.write_config(home, url, &format!("log_groups = [\"{}\"]\n", log_group(s)))
}

fn run(home: &Path, config: &Path, args: &[&str]) -> Output {
    support::cli::on_emu(home, config)
        .args(args)
        .output()
        .expect("run opsdeck")
}

/// Exit code, parsed JSON and stderr of one `snapshot --json`; panics on invalid JSON or
/// a panic in the binary.
fn snapshot(home: &Path, config: &Path) -> (i32, serde_json::Value, String) {
    let out = run(home, config, &["snapshot", "--json"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {stdout}\n{stderr}"));
    (out.status.code().expect("exit code"), json, stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_under_thirty_percent_faults_exits_by_its_errors() {
    let s = seed("faults").await;
    create_log_group(&s).await;
    let home = tempfile::tempdir().expect("tempdir");
    let clean = proxy(None);
    let (code, json, stderr) = snapshot(home.path(), &config(home.path(), &s, &clean.url));
    assert!(
        json["errors"].as_array().is_some_and(|e| e.is_empty()),
        "without faults nothing fails: {json:#}\n{stderr}"
    );
    assert!(code == 0 || code == 1, "{code}");
    let (mut injected, mut runs_with_errors) = (0, 0);
    for seed_no in 1..=6 {
        let faulty = proxy(Some(plan(seed_no, 0.3, &ALL_FAULTS, None)));
        let cfg = config(home.path(), &s, &faulty.url);
        let (code, json, _) = snapshot(home.path(), &cfg);
        let errors = json["errors"].as_array().expect("errors list").len();
        injected += faulty.faults_injected();
        if errors > 0 {
            runs_with_errors += 1;
            assert_eq!(code, 2, "seed {seed_no}: errors listed, exit 2: {json:#}");
        } else {
            assert!(code == 0 || code == 1, "seed {seed_no}: {code} {json:#}");
        }
        // Every failed read names what it was, and none is called "not supported".
        for e in json["errors"].as_array().into_iter().flatten() {
            let e = e.as_str().unwrap_or_default();
            assert!(!e.contains("not supported"), "seed {seed_no}: {e}");
        }
    }
    eprintln!(
        "snapshot under faults: {injected} faults injected over 6 runs, {runs_with_errors} runs exited 2 with errors listed, 0 panics"
    );
    assert!(injected > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_prerequisite_is_could_not_check_not_a_refusal() {
    let s = seed("cnc").await;
    let home = tempfile::tempdir().expect("tempdir");
    let p = proxy(Some(plan(
        3,
        1.0,
        &[Fault::Throttle],
        Some("GetCallerIdentity"),
    )));
    let cfg = config(home.path(), &s, &p.url);
    let out = run(
        home.path(),
        &cfg,
        &["runbook", "run", "scale", "--param", "count=3", "--yes"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stdout.contains("COULD NOT CHECK"), "{stdout}");
    assert!(stderr.contains("could not check"), "{stderr}");
    assert!(!stderr.contains("refused"), "{stderr}");
    assert_eq!(p.count("UpdateService"), 0, "nothing was written");
}
