//! Every shipped drill played headless to its end twice — with the expected response
//! (full score, every fault resolved, the simulated account back to calm) and with none
//! (the faults escalate as the file says, score zero) — plus the README's example drill,
//! invalid drill files located at file:line:col, and the debrief through the binary.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use opsdeck::cloud::sim::{FaultKind, SimCloud, SimWorld};
use opsdeck::cloud::{AlarmState, CostAnomalyRequest, MetricsRead, SecurityRead, ThreatResource};
use opsdeck::drill::Drill;
use opsdeck::drill::file::parse;
use opsdeck::drill::headless::Headless;
use opsdeck::drill::library::{DrillLibrary, runbook_names};
use opsdeck::drill::score::Score;
use opsdeck::runbook::engine::RunStatus;
use opsdeck::runbook::library::Library;

/// 2026-11-22 13:30:00 UTC.
const T0: i64 = 1_795_354_200;

fn shipped(name: &str) -> Drill {
    let lib = DrillLibrary::load(None, &Library::load(None));
    assert!(lib.errors.is_empty(), "{:?}", lib.errors);
    lib.get(name).cloned().expect("shipped drill")
}

fn shipped_text(name: &str) -> String {
    opsdeck::drill::library::SHIPPED
        .iter()
        .find(|(file, _)| *file == format!("{name}.toml"))
        .map(|(_, text)| text.to_string())
        .expect("shipped file")
}

fn cloud(world: &Arc<SimWorld>, env: &str) -> SimCloud {
    SimCloud::new(Arc::clone(world), env)
}

async fn alarm(world: &Arc<SimWorld>, env: &str, name: &str) -> AlarmState {
    let full = format!("cloudplatform-{env}-{name}");
    cloud(world, env)
        .describe_alarms(&format!("cloudplatform-{env}-"))
        .await
        .expect("alarms")
        .into_iter()
        .find(|a| a.name == full)
        .map(|a| a.state)
        .unwrap_or_else(|| panic!("no alarm {full}"))
}

/// The GuardDuty finding of the drill's miner: its task and how often it was seen.
async fn miner(world: &Arc<SimWorld>) -> Option<(String, i32)> {
    let c = cloud(world, "prod");
    let detector = c.guardduty_detectors().await.expect("detectors")[0]
        .id
        .clone();
    c.guardduty_findings(&detector)
        .await
        .expect("findings")
        .items
        .into_iter()
        .find(|t| t.finding_type.starts_with("CryptoCurrency"))
        .and_then(|t| match t.resource {
            ThreatResource::EcsTask { task_arn, .. } => Some((task_arn, t.count)),
            _ => None,
        })
}

/// The API service's event messages since the drill began, newest first.
async fn api_events(world: &Arc<SimWorld>) -> Vec<String> {
    let start = world.start();
    use opsdeck::cloud::EcsRead;
    cloud(world, "prod")
        .list_services("cloudplatform-prod-ecs-cluster")
        .await
        .expect("services")
        .into_iter()
        .find(|s| s.name == "cloudplatform-prod-ecs-service")
        .map(|s| {
            s.events
                .into_iter()
                .filter(|e| e.created_at.is_some_and(|t| t >= start))
                .map(|e| e.message)
                .collect()
        })
        .unwrap_or_default()
}

async fn run_ok(h: &mut Headless, env: &str, runbook: &str, params: &[(&str, &str)]) {
    let out = h.run(env, runbook, params).await;
    assert_eq!(
        out.status,
        Some(RunStatus::Verified),
        "{runbook} on {env}: {out:?}"
    );
}

/// Plays the expected response of shipped drill `name`.
async fn respond(name: &str, h: &mut Headless) {
    match name {
        "bad-deployment" => {
            h.at_minute(4);
            h.open("dashboard");
            h.at_minute(6);
            h.open("timeline");
            run_ok(h, "prod", "rollback", &[]).await;
        }
        "database-storage" => {
            h.at_minute(3);
            h.open("dashboard");
            run_ok(h, "prod", "db-snapshot", &[("incident", "DRILL-1")]).await;
            h.at_minute(5);
            run_ok(h, "prod", "db-storage-cleanup", &[]).await;
        }
        "cache-pressure" => {
            h.at_minute(5);
            h.open("dashboard");
            run_ok(h, "prod", "cache-failover", &[]).await;
            h.at_minute(8);
            run_ok(h, "prod", "restart", &[]).await;
        }
        "compromised-task" => {
            h.at_minute(4);
            h.open("security");
            let (task, _) = miner(h.world()).await.expect("the miner's finding");
            h.at_minute(6);
            run_ok(
                h,
                "prod",
                "isolate-task",
                &[
                    ("task", task.as_str()),
                    ("reason", "GuardDuty CryptoCurrency:Runtime/BitcoinTool.B"),
                ],
            )
            .await;
        }
        "leaked-credentials" => {
            h.at_minute(3);
            h.open("security");
            run_ok(
                h,
                "prod",
                "deactivate-access-key",
                &[("key", "AKIA4Q2CIDEPLOY7X3ZB")],
            )
            .await;
            h.at_minute(7);
            run_ok(
                h,
                "prod",
                "rotate-secret",
                &[("secret", "/prod/database/credentials")],
            )
            .await;
        }
        "cost-spike" => {
            h.at_minute(7);
            h.open("cost");
            run_ok(h, "dev", "dev-scale-down", &[]).await;
        }
        other => panic!("no response scripted for {other}"),
    }
}

fn headless(drill: &Drill) -> (tempfile::TempDir, Headless) {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = Headless::new(drill, 42, T0, dir.path()).expect("headless");
    (dir, h)
}

async fn play(name: &str, respond_to_it: bool) -> (Score, Headless, tempfile::TempDir) {
    let drill = shipped(name);
    let (dir, mut h) = headless(&drill);
    if respond_to_it {
        respond(name, &mut h).await;
    }
    let score = h.finish();
    (score, h, dir)
}

/// What the simulated account shows at the end: calm when answered, the fault's
/// consequences when not.
async fn check_world(name: &str, world: &Arc<SimWorld>, answered: bool) {
    let firing = |s: AlarmState| (s == AlarmState::Alarm) != answered;
    match name {
        "bad-deployment" => {
            assert!(firing(alarm(world, "prod", "alb-5xx-errors").await));
            let services = cloud(world, "prod")
                .list_services("cloudplatform-prod-ecs-cluster")
                .await
                .expect("services");
            use opsdeck::cloud::EcsRead;
            let api = services
                .iter()
                .find(|s| s.name == "cloudplatform-prod-ecs-service")
                .expect("api");
            let primary = api.deployments.iter().find(|d| d.status == "PRIMARY");
            let td = primary
                .map(|d| d.task_definition.clone())
                .unwrap_or_default();
            assert_eq!(td.ends_with(":41"), answered, "{td}");
            let now = world.now();
            let errors = cloud(world, "prod")
                .recent_errors(&["/ecs/prod/fastapi".into()], now - 300, now)
                .await
                .expect("errors");
            let crash = errors
                .iter()
                .any(|e| e.message.contains("FEATURE_FLAGS_URL"));
            assert_eq!(crash, !answered, "{errors:?}");
        }
        "database-storage" => {
            assert!(firing(alarm(world, "prod", "rds-free-storage-low").await));
            use opsdeck::cloud::DataRead;
            let snaps = cloud(world, "prod")
                .db_snapshots("cloudplatform-prod-rds-postgres")
                .await
                .expect("snapshots");
            assert_eq!(!snaps.is_empty(), answered, "{snaps:?}");
        }
        "cache-pressure" => {
            assert!(firing(alarm(world, "prod", "redis-memory-high").await));
            assert!(firing(alarm(world, "prod", "rds-connections-high").await));
            // Once the connections ran out, the ALB's health checks got 500s.
            let events = api_events(world).await;
            let failing = events.iter().any(|e| e.contains("codes: [500]"));
            assert_eq!(failing, !answered, "{events:?}");
        }
        "compromised-task" => {
            // Escalated, the miner's threads trip the service's CPU alarm.
            assert!(firing(alarm(world, "prod", "ecs-cpu-high").await));
            let events = api_events(world).await;
            let left = events.iter().any(|e| e.contains("deregistered 1 targets"));
            assert_eq!(left, answered, "{events:?}");
            let (_, count_now) = miner(world).await.expect("finding");
            world.advance(600);
            let (_, count_later) = miner(world).await.expect("finding");
            // Isolated: GuardDuty stops seeing it; not: it is seen every two minutes.
            assert_eq!(
                count_later == count_now,
                answered,
                "{count_now} {count_later}"
            );
        }
        "leaked-credentials" => {
            use opsdeck::cloud::IncidentRead;
            let key = cloud(world, "prod")
                .access_key("AKIA4Q2CIDEPLOY7X3ZB")
                .await
                .expect("key");
            assert_eq!(key.status == "Inactive", answered);
            // Unanswered, the key is seen twice as often once the fault escalated: 20
            // minutes after the drill's end it has been active 43 minutes, worth 76 at
            // the escalated rate: 3 repeats of 20 minutes (2 without the escalation).
            world.advance(20 * 60);
            let c = cloud(world, "prod");
            let detector = c.guardduty_detectors().await.expect("detectors")[0]
                .id
                .clone();
            let seen = c
                .guardduty_findings(&detector)
                .await
                .expect("findings")
                .items
                .into_iter()
                .find(|t| t.finding_type.starts_with("CredentialAccess"))
                .map(|t| t.count)
                .expect("the key's finding");
            assert_eq!(seen, if answered { 1 } else { 4 }, "{seen}");
        }
        "cost-spike" => {
            use opsdeck::cloud::CostRead;
            let now = world.now();
            let impact = |a: &opsdeck::cloud::CostAnomalies| {
                a.anomalies
                    .iter()
                    .filter(|x| x.start.is_some_and(|s| s > now - 86_400))
                    .map(|x| x.total_impact)
                    .sum::<f64>()
            };
            let req = CostAnomalyRequest {
                start: now - 86_400,
                end: now + 1,
                account: None,
            };
            let before = impact(&cloud(world, "dev").cost_anomalies(&req).await.expect("a"));
            world.advance(3600);
            let after = impact(&cloud(world, "dev").cost_anomalies(&req).await.expect("a"));
            assert!(before > 0.0);
            assert_eq!(after == before, answered, "{before} {after}");
        }
        other => panic!("no check for {other}"),
    }
}

async fn full_and_none(name: &str) {
    let drill = shipped(name);
    let (score, h, _dir) = play(name, true).await;
    assert_eq!(
        (score.points, score.max),
        (drill.max_points(), drill.max_points()),
        "{score:#?}"
    );
    assert!(score.max > 0);
    assert!(score.wrong.is_empty(), "{:?}", score.wrong);
    assert!(score.undone.is_empty(), "{:?}", score.undone);
    for f in &score.faults {
        assert!(f.resolved.is_some(), "{} not resolved: {score:#?}", f.id);
        assert!(f.escalated.is_none(), "{} escalated", f.id);
        assert!(f.detected.is_some(), "{} not detected", f.id);
    }
    check_world(name, h.world(), true).await;

    let (score, h, _dir) = play(name, false).await;
    assert_eq!(score.points, 0, "{score:#?}");
    assert_eq!(
        score.undone.len(),
        drill.expected.len() + 2 * drill.faults.len()
    );
    for f in &drill.faults {
        let r = score
            .faults
            .iter()
            .find(|r| r.id == f.sim.id)
            .expect("fault");
        assert!(r.resolved.is_none(), "{} resolved by itself", r.id);
        let esc = f.sim.escalation.as_ref().expect("shipped faults escalate");
        assert_eq!(r.escalated, Some(r.onset + esc.after), "{}", r.id);
        // As the file says: the fault now shows `factor` times as strongly.
        let played = cloud(h.world(), &f.sim.env).fault_clock();
        let p = played
            .played()
            .iter()
            .find(|p| p.fault.id == f.sim.id)
            .expect("played");
        assert!((p.level(h.world().now()) - esc.factor).abs() < 1e-9);
    }
    check_world(name, h.world(), false).await;
}

#[tokio::test]
async fn bad_deployment() {
    full_and_none("bad-deployment").await;
}

#[tokio::test]
async fn database_storage() {
    full_and_none("database-storage").await;
}

#[tokio::test]
async fn cache_pressure() {
    full_and_none("cache-pressure").await;
}

#[tokio::test]
async fn compromised_task() {
    full_and_none("compromised-task").await;
}

#[tokio::test]
async fn leaked_credentials() {
    full_and_none("leaked-credentials").await;
}

#[tokio::test]
async fn cost_spike() {
    full_and_none("cost-spike").await;
}

#[test]
fn at_least_six_drills_ship_covering_the_seeds_incidents() {
    let lib = DrillLibrary::load(None, &Library::load(None));
    assert!(lib.errors.is_empty(), "{:?}", lib.errors);
    assert!(lib.drills.len() >= 6);
    let kinds: Vec<FaultKind> = lib
        .drills
        .iter()
        .flat_map(|d| d.faults.iter().map(|f| f.sim.kind))
        .collect();
    for k in [
        FaultKind::BadDeploy,
        FaultKind::DbStorage,
        FaultKind::CachePressure,
        FaultKind::CryptoMiner,
        FaultKind::LeakedKey,
        FaultKind::NatCost,
    ] {
        assert!(kinds.contains(&k), "{k:?}");
    }
}

/// Wrong actions cost points: scaling when a rollback was expected, a write on an
/// environment the drill does not involve; a late response earns half.
#[tokio::test]
async fn wrong_and_late_actions_are_scored() {
    let drill = shipped("bad-deployment");
    let (_dir, mut h) = headless(&drill);
    h.at_minute(1);
    h.open("ecs");
    // Before the deploy, so that the scale settles (a crash-looping service never does).
    run_ok(&mut h, "prod", "scale", &[("count", "4")]).await;
    run_ok(&mut h, "staging", "restart", &[]).await;
    h.at_minute(15);
    run_ok(&mut h, "prod", "rollback", &[]).await;
    let score = h.finish();
    assert_eq!(score.wrong.len(), 2, "{:?}", score.wrong);
    assert!(
        score
            .wrong
            .iter()
            .any(|w| w.runbook == "scale" && w.reason.contains("roll back"))
    );
    assert!(score.wrong.iter().any(|w| w.env == "staging"));
    // Late: 5 of 10, minus 5 and 5.
    assert_eq!(score.responses[0].points, 5);
    assert_eq!(score.points, 0);
    assert!(score.faults[0].escalated.is_some());
    assert!(score.faults[0].resolved.is_some());
}

/// The README's annotated example, written from the README's format alone, plays.
#[tokio::test]
async fn the_readme_example_drill_plays() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let start = readme
        .find("<!-- drill-example -->")
        .expect("the README marks its drill example");
    let block = &readme[start..];
    let body = block
        .split_once("```toml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(toml, _)| toml)
        .expect("a toml block");
    let names = runbook_names(&Library::load(None));
    let drill = parse(Path::new("README.md"), body, Some(&names)).expect("the example parses");
    let (_dir, mut h) = headless(&drill);
    h.at_minute(5);
    h.open("dashboard");
    run_ok(&mut h, "prod", "db-snapshot", &[]).await;
    run_ok(&mut h, "prod", "db-storage-cleanup", &[]).await;
    let score = h.finish();
    assert_eq!(score.points, score.max, "{score:#?}");
    assert!(
        score.faults.iter().all(|f| f.resolved.is_some()),
        "{score:#?}"
    );
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drills")
}

/// Each invalid fixture's first line says where its error is: `# expect: LINE:COL: text`.
#[test]
fn invalid_drill_files_are_located() {
    let names = runbook_names(&Library::load(None));
    let mut seen = 0;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("invalid-"))
        })
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .expect("an expect line")
            .to_string();
        let err = parse(&path, &text, Some(&names)).expect_err("invalid");
        let shown = err.to_string();
        let want = format!("{}:{expect}", path.display());
        assert!(shown.starts_with(&want), "{shown}\n  wanted {want}");
        seen += 1;
    }
    assert!(seen >= 6, "{seen} fixtures");
}

fn opsdeck(home: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("OPSDECK_CONFIG")
        .output()
        .expect("opsdeck runs")
}

/// Through the binary: `drill list`, an invalid `--drill FILE` refused with its location,
/// and `drill report` writing the Markdown debrief of a run played headless into the
/// same state directory.
#[tokio::test]
async fn the_binary_lists_refuses_and_reports() {
    let home = tempfile::tempdir().expect("home");
    let out = opsdeck(home.path(), &["drill", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{listed}");
    for name in ["bad-deployment", "cost-spike", "compromised-task"] {
        assert!(listed.contains(name), "{listed}");
    }

    let bad = fixtures().join("invalid-kind.toml");
    let out = opsdeck(
        home.path(),
        &["--demo", "--drill", bad.to_str().expect("utf-8")],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("invalid-kind.toml:8:8: unknown fault kind"),
        "{err}"
    );

    let out = opsdeck(home.path(), &["drill", "run", "no-such-drill"]);
    assert_eq!(out.status.code(), Some(2));

    // The user's drills (the config dir's drills/): one replaces a shipped drill, one is
    // broken and listed as an error with its location (exit 2).
    let user = home.path().join("config").join("opsdeck").join("drills");
    std::fs::create_dir_all(&user).expect("user dir");
    let mine = shipped_text("cost-spike").replace("NAT gateway cost spike in dev", "My NAT drill");
    std::fs::write(user.join("cost-spike.toml"), mine).expect("write");
    std::fs::copy(
        fixtures().join("invalid-minute.toml"),
        user.join("broken.toml"),
    )
    .expect("copy");
    let out = opsdeck(home.path(), &["drill", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{listed}{err}");
    assert!(listed.contains("yours: My NAT drill"), "{listed}");
    assert!(
        err.contains("broken.toml:8:13: at_minute 30 is outside the drill"),
        "{err}"
    );
    std::fs::remove_file(user.join("broken.toml")).expect("remove");

    // The console's journal directory: drills/ beside the demo audit log.
    let state = home.path().join("state").join("opsdeck");
    let drill = shipped("bad-deployment");
    let mut h = Headless::new(&drill, 42, T0, &state).expect("headless");
    h.at_minute(4);
    h.open("dashboard");
    run_ok(&mut h, "prod", "rollback", &[]).await;
    h.finish();
    let md = home.path().join("debrief.md");
    let out = opsdeck(
        home.path(),
        &["drill", "report", "--out", md.to_str().expect("utf-8")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).expect("debrief");
    let run = h.session.run();
    let by_id = opsdeck(home.path(), &["drill", "report", &run]);
    assert_eq!(String::from_utf8_lossy(&by_id.stdout), text);
    let bad = opsdeck(home.path(), &["drill", "report", "../audit-demo"]);
    assert_eq!(bad.status.code(), Some(2));
    for expected in [
        "# Drill debrief: A deployment crash-loops the API (`bad-deployment`)",
        "**Score: 10 / 10**",
        "| fault | began | detected (time to detect) | resolved (time to mitigate) | escalated |",
        "| time | faults | operator |",
        "**deploy** begins",
        "opened dashboard",
        "`rollback` on prod: verified",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    // Every table row has as many cells as its header.
    for table in text.split("\n\n").filter(|t| t.starts_with('|')) {
        let cols = |l: &str| l.matches(" | ").count();
        let mut lines = table.lines();
        let header = cols(lines.next().unwrap_or_default());
        for l in lines.filter(|l| l.starts_with("| ")) {
            assert_eq!(cols(l), header, "{l}");
        }
    }
}

/// Quarantining a task other than the miner's leaves the miner mining: the fault is
/// resolved only by the miner's own ENI moving to the quarantine group.
#[tokio::test]
async fn isolating_the_wrong_task_leaves_the_miner() {
    use opsdeck::cloud::EcsRead;
    let drill = shipped("compromised-task");
    let (_dir, mut h) = headless(&drill);
    h.at_minute(4);
    h.open("security");
    let (miner_task, _) = miner(h.world()).await.expect("the miner's finding");
    let other = cloud(h.world(), "prod")
        .list_tasks("cloudplatform-prod-ecs-cluster")
        .await
        .expect("tasks")
        .into_iter()
        .find(|t| {
            t.last_status == "RUNNING"
                && t.arn != miner_task
                && t.service_name() == Some("cloudplatform-prod-ecs-service")
        })
        .expect("another API task");
    run_ok(
        &mut h,
        "prod",
        "isolate-task",
        &[("task", other.arn.as_str()), ("reason", "wrong task")],
    )
    .await;
    let score = h.finish();
    assert!(score.faults[0].resolved.is_none(), "{score:#?}");
    assert!(score.faults[0].escalated.is_some());
    assert!(
        score.undone.iter().any(|u| u.contains("still active")),
        "{:?}",
        score.undone
    );
}
