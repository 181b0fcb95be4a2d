//! `opsdeck exec` and `opsdeck forward` on the simulated account: refused with
//! --read-only and for a command holding a literal secret (nothing audited), the
//! preflight failing without a plugin (exit 1, the install hint), a protected
//! environment without --confirm-env refused, and sessions run through a fake
//! `session-manager-plugin` (exit 0, start and end audited; a forward terminated).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use opsdeck::cloud::sim::{self, SimClock, SimWorld};

/// A RUNNING task id of `env` in the demo account as the CLI will see it.
fn running_task(env: &str) -> String {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let cloud = sim::handle(SimWorld::new(42, SimClock::live(1.0)), env, true);
    let cluster = format!("cloudplatform-{env}-ecs-cluster");
    let tasks = rt.block_on(cloud.read.list_tasks(&cluster)).expect("tasks");
    tasks
        .iter()
        .find(|t| t.last_status == "RUNNING")
        .map(|t| t.id().to_string())
        .expect("a running task")
}

fn opsdeck(home: &Path, path: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("PATH", path)
        .env("OPSDECK_FAKE_PLUGIN_LOG", home.join("plugin.log"))
        .env_remove("OPSDECK_CONFIG")
        .output()
        .expect("run opsdeck")
}

fn audit(home: &Path) -> String {
    std::fs::read_to_string(home.join("state/opsdeck/audit-demo.jsonl")).unwrap_or_default()
}

fn fake_plugin(home: &Path) -> String {
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let path = bin.join("session-manager-plugin");
    std::fs::write(
        &path,
        "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo 1.2.650.0; exit 0; fi\nprintf '%s\\n' \"$@\" > \"$OPSDECK_FAKE_PLUGIN_LOG\"\nexit 0\n",
    )
    .expect("plugin");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    format!("{}:/usr/bin:/bin", bin.display())
}

#[test]
fn read_only_and_secret_commands_are_refused_before_anything() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = fake_plugin(home.path());
    let out = opsdeck(
        home.path(),
        &path,
        &[
            "--demo",
            "--read-only",
            "--env",
            "dev",
            "exec",
            "--task",
            "t1",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    let out = opsdeck(
        home.path(),
        &path,
        &[
            "--demo",
            "--read-only",
            "--env",
            "dev",
            "forward",
            "--task",
            "t1",
            "--to",
            "db",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = opsdeck(
        home.path(),
        &path,
        &[
            "--demo",
            "--env",
            "dev",
            "exec",
            "--task",
            "t1",
            "--",
            "env",
            "PGPASSWORD=hunter2",
            "psql",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("PGPASSWORD"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the value is not repeated: {stderr}"
    );
    assert!(audit(home.path()).is_empty(), "nothing audited");
    assert!(!home.path().join("plugin.log").exists());
}

#[test]
fn exec_runs_the_plugin_and_audits_start_and_end() {
    let home = tempfile::tempdir().expect("tempdir");
    let task = running_task("dev");
    // No plugin: the preflight fails (exit 1) with the install hint.
    let out = opsdeck(
        home.path(),
        "/usr/bin:/bin",
        &["--demo", "--env", "dev", "exec", "--task", &task],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("FAIL    session-manager-plugin"),
        "{stderr}"
    );
    assert!(stderr.contains("fix:"), "{stderr}");
    // With the plugin: the session runs, exit 0.
    let path = fake_plugin(home.path());
    let out = opsdeck(
        home.path(),
        &path,
        &[
            "--demo", "--env", "dev", "exec", "--task", &task, "--", "ls", "-la",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let args = std::fs::read_to_string(home.path().join("plugin.log")).expect("plugin ran");
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args[0], "AWS_SSM_START_SESSION_RESPONSE");
    assert!(args[4].contains(&format!("cloudplatform-dev-ecs-cluster_{task}_")));
    let log = audit(home.path());
    assert!(log.contains("\"command\":\"ls -la\""), "{log}");
    assert!(log.contains("session ended (plugin exited 0)"), "{log}");
}

#[test]
fn a_protected_environment_needs_its_name() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = fake_plugin(home.path());
    let task = running_task("prod");
    let out = opsdeck(
        home.path(),
        &path,
        &["--demo", "--env", "prod", "exec", "--task", &task],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--confirm-env prod"), "{stderr}");
    assert!(!audit(home.path()).contains("ExecuteCommand"));
    let out = opsdeck(
        home.path(),
        &path,
        &[
            "--demo",
            "--env",
            "prod",
            "exec",
            "--task",
            &task,
            "--confirm-env",
            "prod",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(audit(home.path()).contains("confirmed by typing the environment's name"));
}

#[test]
fn forward_runs_the_plugin_and_terminates_the_session() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = fake_plugin(home.path());
    let task = running_task("dev");
    let out = opsdeck(
        home.path(),
        &path,
        &[
            "--demo", "--env", "dev", "forward", "--task", &task, "--to", "cache", "--local",
            "7000",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("localhost:7000"), "{stderr}");
    let args = std::fs::read_to_string(home.path().join("plugin.log")).expect("plugin ran");
    let args: Vec<&str> = args.lines().collect();
    let request: serde_json::Value = serde_json::from_str(args[4]).expect("request");
    assert_eq!(request["Parameters"]["portNumber"][0], "6379");
    assert_eq!(request["Parameters"]["localPortNumber"][0], "7000");
    let log = audit(home.path());
    assert!(log.contains("ssm:StartSession"), "{log}");
    assert!(log.contains("TerminateSession sim-forward"), "{log}");
}
