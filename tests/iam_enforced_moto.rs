//! The generated policies against moto with IAM enforced (`/moto-api/reset-auth`: every
//! request after it is checked against the caller's policies). A user with no policy
//! opens the console in a pty: widgets say AccessDenied, and it quits cleanly. Two users hold exactly
//! `iam/read-only.json` and `iam/operator.json`: `doctor` names every write the read-only
//! user lacks and exits 1, and passes for the operator; the read-only user reads the
//! dashboard and is refused a runbook's write (the service is unchanged); the operator
//! runs it; and for every other shipped write runbook the read-only user's first write
//! is refused and the operator's lands. One test: enforcement is server-wide, so nothing else runs in this binary.
//! What moto cannot answer under enforcement is answered empty by the proxy
//! ([`EmptyWhereMotoCannot`]), so `doctor` exits 0 for the operator on the policies alone.

mod pty_support;
mod support;

use std::sync::Arc;

use opsdeck::cloud::permissions::{Access, PERMISSIONS, Role, policy_text};
use support::ecs_seed::{SeedOptions, describe, seed_with};
use support::iam_seed::{alert_topic, user_with_key};
use support::moto;
use support::proxy::{HttpRequest, HttpResponse, Proxy, Transform, operation_of};

/// What moto cannot answer under enforcement, answered empty by the proxy so `doctor`
/// reports the policies, not the emulator's gaps: the operations moto does not implement
/// (ListServiceDeployments, DescribeQueryDefinitions, LookupEvents,
/// DescribeScalingActivities); CloudWatch, whose CBOR protocol
/// moto does not speak (the test translator re-encodes the body, which breaks the
/// signature moto checks under enforcement); and GuardDuty, which moto 5.2.5 refuses under
/// enforcement whoever signs (botocore included).
struct EmptyWhereMotoCannot;

impl Transform for EmptyWhereMotoCannot {
    fn request(&self, req: HttpRequest) -> Result<HttpRequest, String> {
        Ok(req)
    }

    fn response(&self, req: &HttpRequest, resp: HttpResponse) -> HttpResponse {
        let json =
            |body: &[u8]| HttpResponse::new(200, "application/x-amz-json-1.1", body.to_vec());
        match operation_of(req).as_str() {
            "ListServiceDeployments" => json(br#"{"serviceDeployments":[]}"#),
            "DescribeQueryDefinitions" => json(br#"{"queryDefinitions":[]}"#),
            "LookupEvents" => json(br#"{"Events":[]}"#),
            "DescribeScalingActivities" => json(br#"{"ScalingActivities":[]}"#),
            "GET /detector" => {
                HttpResponse::new(200, "application/json", br#"{"detectorIds":[]}"#.to_vec())
            }
            "GetMetricData" | "DescribeAlarms" | "DescribeAlarmHistory" => {
                let mut r = HttpResponse::new(200, "application/cbor", vec![0xa0]);
                r.headers
                    .push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
                r
            }
            _ => resp,
        }
    }
}

/// Turns enforcement off again when the test ends, even on a failed assertion.
struct EnforcementOff;

impl Drop for EnforcementOff {
    fn drop(&mut self) {
        let _ = moto::http(moto::port(), "POST", "/moto-api/reset-auth", "inf");
    }
}

fn run(
    home: &std::path::Path,
    cfg: &std::path::Path,
    key: &(String, String),
    args: &[&str],
) -> (i32, String, String) {
    let out = support::cli::on_emu(home, cfg)
        .env("AWS_ACCESS_KEY_ID", &key.0)
        .env("AWS_SECRET_ACCESS_KEY", &key.1)
        .args(args)
        .output()
        .expect("run opsdeck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn doctor(
    home: &std::path::Path,
    cfg: &std::path::Path,
    key: &(String, String),
) -> serde_json::Value {
    let (_, stdout, stderr) = run(home, cfg, key, &["doctor", "--json"]);
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("doctor JSON ({e}): {stdout}\n{stderr}"))
}

/// The actions of the checks refused with "access denied".
fn denied(report: &serde_json::Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            c["ok"] == false
                && c["detail"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("access denied"))
        })
        .flat_map(|c| c["actions"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_and_operator_policies_are_enough_and_no_more() {
    let s = seed_with(
        "iam",
        SeedOptions {
            target_group: true,
            ..SeedOptions::default()
        },
    )
    .await;
    let config = moto::sdk_config().await;
    let group = format!("/ecs/{}", s.service);
    aws_sdk_cloudwatchlogs::Client::new(&config)
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .expect("CreateLogGroup");
    // What the other runbooks act on.
    let db = moto::unique("iam-db");
    aws_sdk_rds::Client::new(&config)
        .create_db_instance()
        .db_instance_identifier(&db)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("app")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .expect("CreateDBInstance");
    let cache = moto::unique("iam-cache");
    aws_sdk_elasticache::Client::new(&config)
        .create_replication_group()
        .replication_group_id(&cache)
        .replication_group_description("cache")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(2)
        .send()
        .await
        .expect("CreateReplicationGroup");
    let secret = support::secrets::rotating_secret(&moto::unique("iam-secret"), "v1").await;
    // Rotated by hand (no rotation Lambda).
    let plain_secret = moto::unique("iam-plain-secret");
    aws_sdk_secretsmanager::Client::new(&moto::sdk_config().await)
        .create_secret()
        .name(&plain_secret)
        .secret_string("v1")
        .send()
        .await
        .expect("CreateSecret");
    let quarantine = aws_sdk_ec2::Client::new(&config)
        .create_security_group()
        .group_name(moto::unique("quarantine"))
        .description("no rules")
        .vpc_id(&s.vpc_id)
        .send()
        .await
        .expect("quarantine sg")
        .group_id()
        .expect("id")
        .to_owned();
    let topic = alert_topic("alerts").await;
    let task = aws_sdk_ecs::Client::new(&config)
        .list_tasks()
        .cluster(&s.cluster)
        .send()
        .await
        .expect("ListTasks")
        .task_arns()
        .first()
        .expect("a task")
        .clone();
    let (leaked, _) = user_with_key(&moto::unique("leaky"), None).await;
    let nobody = user_with_key("opsdeck-nobody", None).await;
    let read_only = user_with_key("opsdeck-read-only", Some(&policy_text(Role::ReadOnly))).await;
    let operator = user_with_key("opsdeck-operator", Some(&policy_text(Role::Operator))).await;
    let proxy = Proxy::with_transform(&moto::endpoint(), None, Arc::new(EmptyWhereMotoCannot));
    let home = tempfile::tempdir().expect("tempdir");
    let cfg = s.write_config(
        home.path(),
        &proxy.url,
        &format!(
            "log_groups = [\"{group}\"]\nsecrets = [\"{secret}\"]\ntarget_group = \"{}\"\n\
             db_instance = \"{db}\"\ncache_replication_group = \"{cache}\"\nquarantine_security_group = \"{quarantine}\"\n\
             alert_topic_arn = \"{topic}\"\n",
            s.target_group.clone().unwrap_or_default()
        ),
    );

    moto::post_json("/moto-api/reset-auth", "0");
    let _off = EnforcementOff;

    // An unknown key is refused: enforcement is on.
    let (code, _, stderr) = run(
        home.path(),
        &cfg,
        &("AKIANOBODY".into(), "x".into()),
        &["snapshot"],
    );
    assert_ne!(code, 0, "{stderr}");

    // The console as a user with no policy at all: every widget says AccessDenied, the
    // console stays up and quits cleanly.
    let cfg_text = cfg.display().to_string();
    let mut envs = support::cli::moto_env(home.path());
    envs.retain(|(k, _)| !k.starts_with("AWS_ACCESS_KEY_ID") && !k.starts_with("AWS_SECRET"));
    envs.push(("AWS_ACCESS_KEY_ID", nobody.0.clone()));
    envs.push(("AWS_SECRET_ACCESS_KEY", nobody.1.clone()));
    let mut pty = pty_support::Pty::spawn(
        &["--config", &cfg_text, "--env", "emu"],
        home.path(),
        &envs,
        120,
        40,
    );
    pty.wait_all(&["AccessDenied"], std::time::Duration::from_secs(30));
    pty.send("2");
    pty.wait_all(&["AccessDenied"], std::time::Duration::from_secs(30));
    pty.send("q");
    let ok = pty.exited_ok();
    let (status, _) = pty.finish();
    assert_eq!(status, ok, "the console quit cleanly");

    // doctor, read-only: every write missing, every read there.
    let report = doctor(home.path(), &cfg, &read_only);
    let missing = denied(&report);
    let writes: Vec<&str> = PERMISSIONS
        .iter()
        .filter(|p| p.access == Access::Write && p.action != "sts:AssumeRole")
        .map(|p| p.action)
        .collect();
    for w in &writes {
        assert!(
            missing.iter().any(|m| m == w),
            "{w} not reported missing: {report:#}"
        );
    }
    let missing_reads: Vec<&String> = missing
        .iter()
        .filter(|m| !writes.contains(&m.as_str()))
        .collect();
    assert!(
        missing_reads.is_empty(),
        "reads denied: {missing_reads:?}\n{report:#}"
    );
    assert_ne!(report["exit"], 0, "{report:#}");

    // doctor, operator: nothing missing, exit 0.
    let report = doctor(home.path(), &cfg, &operator);
    assert!(denied(&report).is_empty(), "{report:#}");
    assert_eq!(report["exit"], 0, "{report:#}");
    let writes_line = report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["what"] == "write actions"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        writes_line["detail"]
            .as_str()
            .unwrap_or_default()
            .split(" allowed")
            .next(),
        Some(format!("{} of {}", writes.len(), writes.len()).as_str()),
        "{report:#}"
    );

    // The read-only user reads the dashboard and is refused the scale runbook's write.
    let (code, stdout, stderr) = run(home.path(), &cfg, &read_only, &["snapshot", "--json"]);
    // (CloudWatch speaks CBOR, which moto does not: those reads are "not supported".)
    assert!(
        (0..=2).contains(&code),
        "snapshot exit {code}: {stdout}\n{stderr}"
    );
    assert!(
        !stdout.to_lowercase().contains("denied") && stdout.contains("\"desired\": 2"),
        "{stdout}"
    );
    let scale = ["runbook", "run", "scale", "--param", "count=3", "--yes"];
    let (code, stdout, stderr) = run(home.path(), &cfg, &read_only, &scale);
    assert_ne!(code, 0, "{stdout}\n{stderr}");
    assert!(
        format!("{stdout}{stderr}")
            .to_lowercase()
            .contains("denied"),
        "{stdout}\n{stderr}"
    );
    drop(_off);
    assert_eq!(describe(&s).await.desired_count(), 2, "nothing changed");
    moto::post_json("/moto-api/reset-auth", "0");
    let _off = EnforcementOff;

    // The operator runs it: the write lands (its audit outcome is ok). The verification
    // waits for a steady state moto's services never reach, so the run is stopped there.
    let audit = home.path().join("state/opsdeck/audit.jsonl");
    let before = std::fs::read_to_string(&audit).unwrap_or_default().len();
    let mut child = support::cli::on_emu(home.path(), &cfg)
        .env("AWS_ACCESS_KEY_ID", &operator.0)
        .env("AWS_SECRET_ACCESS_KEY", &operator.1)
        .args(scale)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let outcome = loop {
        let text = std::fs::read_to_string(&audit).unwrap_or_default();
        if let Some(line) = text[before.min(text.len())..]
            .lines()
            .find(|l| l.contains("\"kind\":\"outcome\""))
        {
            break line.to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no outcome record: {text}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let _ = child.kill();
    let _ = child.wait();
    drop(_off);
    assert!(!outcome.to_lowercase().contains("denied"), "{outcome}");
    assert_eq!(describe(&s).await.desired_count(), 3, "{outcome}");

    // Every shipped runbook that writes (break-glass needs an MFA device; the failovers
    // need a Multi-AZ database and a two-node cache moto cannot make): the read-only user
    // is refused its first write, the operator's lands.
    let task_param = format!("task={task}");
    let secret_param = format!("secret={secret}");
    let plain_param = format!("secret={plain_secret}");
    let key_param = format!("key={leaked}");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("restart", vec![]),
        ("deploy", vec!["image=nginx:2"]),
        ("rotate-secret", vec![secret_param.as_str()]),
        ("rotate-secret", vec![plain_param.as_str()]),
        ("db-snapshot", vec![]),
        ("incident-response", vec!["incident=INC-7"]),
        ("dev-scale-down", vec![]),
        ("isolate-task", vec![task_param.as_str(), "reason=drill"]),
        ("deactivate-access-key", vec![key_param.as_str()]),
    ];
    for (name, params) in &cases {
        for (who, key) in [("read-only", &read_only), ("operator", &operator)] {
            let mut args = vec!["runbook", "run", name];
            for p in params {
                args.extend(["--param", p]);
            }
            args.push("--yes");
            moto::post_json("/moto-api/reset-auth", "0");
            let off = EnforcementOff;
            let outcome = first_outcome(home.path(), &cfg, key, &args);
            drop(off);
            assert_eq!(outcome["runbook"], *name, "{outcome:#}");
            eprintln!("{name} as {who}: {} {}", outcome["step"], outcome["error"]);
            let error = outcome["error"].as_str().unwrap_or_default().to_lowercase();
            match who {
                "read-only" => assert!(
                    error.contains("denied"),
                    "{name} as {who}: the first write was not refused: {outcome:#}"
                ),
                _ => assert!(
                    outcome["error"].is_null() && !outcome["result"].is_null(),
                    "{name} as {who}: the first write did not land: {outcome:#}"
                ),
            }
        }
    }
}

/// Runs `args` as the user of `key` until the run's first audit outcome is on disk (the
/// waits after it are for states moto never reaches), then stops it; that outcome.
fn first_outcome(
    home: &std::path::Path,
    cfg: &std::path::Path,
    key: &(String, String),
    args: &[&str],
) -> serde_json::Value {
    let audit = home.join("state/opsdeck/audit.jsonl");
    let before = std::fs::read_to_string(&audit).unwrap_or_default().len();
    let mut child = support::cli::on_emu(home, cfg)
        .env("AWS_ACCESS_KEY_ID", &key.0)
        .env("AWS_SECRET_ACCESS_KEY", &key.1)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let outcome = loop {
        let text = std::fs::read_to_string(&audit).unwrap_or_default();
        let fresh = text.get(before..).unwrap_or_default();
        if let Some(record) = fresh
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|r| r["kind"] == "outcome")
        {
            break record;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("{args:?} exited {status} without an outcome record: {err}\n{fresh}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{args:?}: no outcome record: {fresh}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let _ = child.kill();
    let _ = child.wait();
    outcome
}
