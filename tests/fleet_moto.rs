//! `opsdeck fleet` against moto: environments in two accounts (moto tells accounts apart
//! by access key: account B's key comes from an `AssumeRole` into a role of account
//! 222222222222), each with its own profile, and one environment at a dead endpoint.
//! The live rows are fresh and say which account they read; the dead one is an error,
//! never zeros; each row's status and the exit code are `opsdeck snapshot`'s. A timing
//! test compares `opsdeck fleet` over 20 environments with the slowest single
//! environment's `opsdeck snapshot`, both measured in the same run.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_cloudwatch::types::{ComparisonOperator, StateValue, Statistic};
use aws_sdk_ecs::types::{Compatibility, ContainerDefinition};
use aws_types::region::Region;
use serde_json::Value;
use support::cbor_cloudwatch::CborCloudWatch;
use support::moto;
use support::proxy::Proxy;

const ACCOUNT_B: &str = "222222222222";

/// SDK config for moto (or a proxy in front of it) signing with access key `key`.
async fn sdk(url: &str, key: &str) -> aws_types::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(moto::REGION))
        .credentials_provider(Credentials::new(key, "testing", None, None, "fleet-test"))
        .endpoint_url(url)
        .load()
        .await
}

/// An access key moto maps to account B.
async fn account_b_key() -> String {
    let sts = aws_sdk_sts::Client::new(&moto::sdk_config().await);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT_B}:role/fleet-test"))
        .role_session_name("fleet-test")
        .send()
        .await
        .expect("AssumeRole");
    out.credentials()
        .map(|c| c.access_key_id().to_string())
        .expect("credentials")
}

/// The seed's cluster and service of `env` (named by the convention), in the account of
/// `key`; with `alarm`, an alarm of the environment in ALARM.
async fn seed_env(proxy: &str, key: &str, project: &str, env: &str, alarm: bool) {
    let conf = sdk(&moto::endpoint(), key).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let cluster = format!("{project}-{env}-ecs-cluster");
    ecs.create_cluster()
        .cluster_name(&cluster)
        .send()
        .await
        .expect("CreateCluster");
    let family = format!("{project}-{env}-fastapi");
    ecs.register_task_definition()
        .family(&family)
        .requires_compatibilities(Compatibility::Ec2)
        .container_definitions(
            ContainerDefinition::builder()
                .name("app")
                .image("nginx:1.27")
                .memory(128)
                .essential(true)
                .build(),
        )
        .send()
        .await
        .expect("RegisterTaskDefinition");
    ecs.create_service()
        .cluster(&cluster)
        .service_name(format!("{project}-{env}-ecs-service"))
        .task_definition(&family)
        .desired_count(0)
        .send()
        .await
        .expect("CreateService");
    aws_sdk_cloudwatchlogs::Client::new(&conf)
        .create_log_group()
        .log_group_name(log_group(project, env))
        .send()
        .await
        .expect("CreateLogGroup");
    if alarm {
        let cw = aws_sdk_cloudwatch::Client::new(&sdk(proxy, key).await);
        let name = format!("{project}-{env}-alb-5xx");
        cw.put_metric_alarm()
            .alarm_name(&name)
            .namespace("AWS/ApplicationELB")
            .metric_name("HTTPCode_ELB_5XX_Count")
            .statistic(Statistic::Sum)
            .period(60)
            .evaluation_periods(1)
            .threshold(10.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .send()
            .await
            .expect("PutMetricAlarm");
        cw.set_alarm_state()
            .alarm_name(&name)
            .state_value(StateValue::Alarm)
            .state_reason("Threshold Crossed")
            .send()
            .await
            .expect("SetAlarmState");
    }
}

/// The AWS CLI files: profile `acct-a` signs as moto's default account, `acct-b` with
/// account B's key.
fn aws_files(home: &Path, key_b: &str) -> (PathBuf, PathBuf) {
    let credentials = home.join("aws-credentials");
    std::fs::write(
        &credentials,
        format!(
            "[acct-a]\naws_access_key_id = {}\naws_secret_access_key = testing\n\n\
             [acct-b]\naws_access_key_id = {key_b}\naws_secret_access_key = testing\n",
            moto::ACCESS_KEY
        ),
    )
    .expect("credentials");
    let config = home.join("aws-config");
    std::fs::write(
        &config,
        "[profile acct-a]\nregion = us-east-1\n\n[profile acct-b]\nregion = us-east-1\n",
    )
    .expect("aws config");
    (credentials, config)
}

/// A port nothing listens on.
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// `opsdeck --config CONFIG ARGS…` with the profiles of [`aws_files`] and no keys in
/// the environment (each environment signs with its own profile).
fn opsdeck(home: &Path, files: &(PathBuf, PathBuf), config: &Path, args: &[&str]) -> Command {
    let mut cmd = support::cli::opsdeck(home);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_SHARED_CREDENTIALS_FILE", &files.0)
        .env("AWS_CONFIG_FILE", &files.1)
        .arg("--config")
        .arg(config)
        .args(args);
    cmd
}

fn run(mut cmd: Command) -> Output {
    cmd.output().expect("run opsdeck")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// One `[environments.NAME]` table of `project` (its log group is [`log_group`]; no
/// task is required of its service, which moto never starts).
fn env_table(project: &str, name: &str, profile: &str, endpoint: &str) -> String {
    format!(
        "[environments.{name}]\nregion = \"us-east-1\"\nprofile = \"{profile}\"\n\
         endpoint_url = \"{endpoint}\"\nmin_tasks = 0\nlog_groups = [\"{}\"]\n\n",
        log_group(project, name)
    )
}

fn log_group(project: &str, env: &str) -> String {
    format!("/ecs/{project}/{env}")
}

fn translator_proxy() -> Proxy {
    let t = CborCloudWatch::from_venv(&moto::venv()).expect("botocore CloudWatch model");
    Proxy::with_transform(&moto::endpoint(), None, Arc::new(t))
}

#[tokio::test(flavor = "multi_thread")]
async fn two_accounts_fresh_and_a_dead_endpoint_failing_exit_as_snapshot() {
    let proxy = translator_proxy();
    let project = moto::unique("fleet");
    let key_b = account_b_key().await;
    seed_env(&proxy.url, moto::ACCESS_KEY, &project, "a1", false).await;
    seed_env(&proxy.url, moto::ACCESS_KEY, &project, "a2", false).await;
    seed_env(&proxy.url, &key_b, &project, "b1", true).await;
    let home = tempfile::tempdir().expect("tempdir");
    let files = aws_files(home.path(), &key_b);
    let dead = format!("http://127.0.0.1:{}", dead_port());
    let live_envs = [("a1", "acct-a"), ("a2", "acct-a"), ("b1", "acct-b")];
    let mut toml = format!("project = \"{project}\"\ndefault_environment = \"a1\"\n\n");
    for (name, profile) in live_envs {
        toml.push_str(&env_table(&project, name, profile, &proxy.url));
    }
    toml.push_str(&env_table(&project, "dead", "acct-a", &dead));
    let config = home.path().join("opsdeck.toml");
    std::fs::write(&config, &toml).expect("config");

    let out = run(opsdeck(home.path(), &files, &config, &["fleet", "--json"]));
    let stdout = text(&out.stdout);
    let rows: Vec<Value> = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", text(&out.stderr)));
    assert_eq!(out.status.code(), Some(2), "a read failed: {stdout}");
    let names: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["environment"].as_str())
        .collect();
    assert_eq!(names, vec!["a1", "a2", "b1", "dead"], "config order");
    let by = |name: &str| rows.iter().find(|r| r["environment"] == name).expect(name);
    for (name, account) in [
        ("a1", moto::ACCOUNT_ID),
        ("a2", moto::ACCOUNT_ID),
        ("b1", ACCOUNT_B),
    ] {
        let row = by(name);
        assert_eq!(
            row["errors"],
            serde_json::json!([]),
            "{name} fresh: {row:#}"
        );
        assert_eq!(row["identity"]["account"], account, "{row:#}");
        assert_eq!(
            row["identity"]["for"]["profile"],
            if name == "b1" { "acct-b" } else { "acct-a" }
        );
        assert!(
            row["identity"]["fetched"]["age_seconds"]
                .as_i64()
                .is_some_and(|a| a < 60),
            "{row:#}"
        );
        assert_eq!(row["findings"]["critical"], 0, "{row:#}");
        assert_eq!(row["findings"]["guardduty"], "no detector", "{row:#}");
        assert_eq!(
            row["cost"]["missing"]
                .as_str()
                .map(|m| m.starts_with("not cached")),
            Some(true),
            "the cache only, never a paid request: {row:#}"
        );
        assert_eq!(
            row["deployments_in_flight"]["for"]["service"],
            format!("{project}-{name}-ecs-service")
        );
    }
    assert_eq!(by("a1")["alarms_in_alarm"]["count"], 0);
    assert_eq!(by("b1")["alarms_in_alarm"]["count"], 1, "{:#}", by("b1"));
    assert_eq!(by("b1")["status"], "degraded");
    let dead_row = by("dead");
    assert_eq!(dead_row["status"], "error", "{dead_row:#}");
    assert_eq!(dead_row["identity"]["account"], Value::Null);
    assert_eq!(
        dead_row["alarms_in_alarm"]["count"],
        Value::Null,
        "unknown, never 0: {dead_row:#}"
    );
    assert_eq!(dead_row["findings"]["critical"], Value::Null);
    assert!(
        dead_row["errors"].as_array().is_some_and(|e| e
            .iter()
            .any(|e| e.as_str().is_some_and(|e| e.contains("network")))),
        "{dead_row:#}"
    );

    // Each row's status is what `opsdeck snapshot` says of that environment.
    for name in ["a1", "a2", "b1", "dead"] {
        let snap = run(opsdeck(
            home.path(),
            &files,
            &config,
            &["--env", name, "snapshot", "--json"],
        ));
        let json: Value = serde_json::from_slice(&snap.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&snap.stderr)));
        assert_eq!(json["status"], by(name)["status"], "{name}: {json:#}");
    }

    // The text form, and without the dead environment the worst status is degraded.
    let out = run(opsdeck(home.path(), &files, &config, &["fleet"]));
    let shown = text(&out.stdout);
    assert!(shown.contains("ERROR     dead"), "{shown}");
    assert!(shown.contains("DEGRADED  b1 "), "{shown}");
    assert!(shown.contains(ACCOUNT_B), "{shown}");
    let mut live_only = format!("project = \"{project}\"\n\n");
    for (name, profile) in live_envs {
        live_only.push_str(&env_table(&project, name, profile, &proxy.url));
    }
    let config_live = home.path().join("live.toml");
    std::fs::write(&config_live, live_only).expect("config");
    let out = run(opsdeck(home.path(), &files, &config_live, &["fleet"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
}

/// `opsdeck fleet` over 20 environments (two accounts, the default pool of 8) against the
/// slowest of their `opsdeck snapshot`s, both measured here through a proxy adding
/// `latency` to each request; prints both and returns the ratio.
async fn fleet_against_slowest_snapshot(latency: Duration, concurrency: &str) -> f64 {
    let t = CborCloudWatch::from_venv(&moto::venv()).expect("botocore CloudWatch model");
    let proxy = Proxy::with_latency(&moto::endpoint(), Arc::new(t), latency);
    let project = moto::unique("fleet20");
    let key_b = account_b_key().await;
    let envs: Vec<(String, &str)> = (0..20)
        .map(|i| {
            let profile = if i % 2 == 0 { "acct-a" } else { "acct-b" };
            (format!("e{i:02}"), profile)
        })
        .collect();
    for (name, profile) in &envs {
        let key = if *profile == "acct-a" {
            moto::ACCESS_KEY
        } else {
            key_b.as_str()
        };
        seed_env(&proxy.url, key, &project, name, false).await;
    }
    let home = tempfile::tempdir().expect("tempdir");
    let files = aws_files(home.path(), &key_b);
    let mut toml = format!("project = \"{project}\"\n\n");
    for (name, profile) in &envs {
        toml.push_str(&env_table(&project, name, profile, &proxy.url));
    }
    let config = home.path().join("opsdeck.toml");
    std::fs::write(&config, &toml).expect("config");
    let timed = |args: &[&str]| {
        let start = Instant::now();
        let out = run(opsdeck(home.path(), &files, &config, args));
        (start.elapsed(), out)
    };
    // Warm moto's backends (its first call to each service of an account loads it).
    let (_, warm) = timed(&["--env", "e00", "snapshot"]);
    assert!(
        matches!(warm.status.code(), Some(0 | 1)),
        "{}",
        text(&warm.stdout)
    );
    let (first, warm) = timed(&["fleet"]);
    assert!(
        matches!(warm.status.code(), Some(0 | 1)),
        "{}",
        text(&warm.stdout)
    );
    eprintln!(
        "fleet over 20 environments, moto cold: {:.0} ms",
        first.as_secs_f64() * 1e3
    );

    let mut slowest = Duration::ZERO;
    for (name, _) in &envs {
        let (took, out) = timed(&["--env", name, "snapshot", "--json"]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {}",
            text(&out.stdout)
        );
        slowest = slowest.max(took);
    }
    let (fleet_took, out) = timed(&["fleet", "--json", "--concurrency", concurrency]);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("fleet json");
    assert_eq!(rows.len(), 20);
    assert!(
        rows.iter().all(|r| r["errors"] == serde_json::json!([])),
        "{}",
        text(&out.stdout)
    );
    let ratio = fleet_took.as_secs_f64() / slowest.as_secs_f64();
    eprintln!(
        "{} ms added per request: fleet over 20 environments, {concurrency} at once, {:.0} ms; slowest single snapshot {:.0} ms; ratio {ratio:.2}",
        latency.as_millis(),
        fleet_took.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3
    );
    ratio
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_environments_against_the_slowest_snapshot() {
    // moto as it is (a few ms a request, on this machine's two cores shared with moto):
    // the fleet makes 20 times the requests, so this measures throughput, not waiting.
    let raw = fleet_against_slowest_snapshot(Duration::ZERO, "8").await;
    // A network round trip's worth per request, as against AWS: the fleet waits for
    // environments side by side, 8 at once (the default) and all 20 at once.
    let wan = fleet_against_slowest_snapshot(Duration::from_millis(50), "8").await;
    let wide = fleet_against_slowest_snapshot(Duration::from_millis(50), "20").await;
    eprintln!(
        "ratios: raw moto {raw:.2}; 50 ms a request: 8 at once {wan:.2}, 20 at once {wide:.2} (target 1.5)"
    );
    // Bounds loose enough for a loaded CI machine (4.4× was seen with a benchmark running
    // beside the suite) that still catch environments read one after another (~20×);
    // the README records what was measured.
    assert!(wan <= 10.0, "8 at once: {wan:.2}× the slowest snapshot");
    assert!(wide <= 10.0, "20 at once: {wide:.2}× the slowest snapshot");
}
