//! `--read-only` sends no mutating request: moto's request recorder captures everything
//! the binary sends while runbooks are refused and reads (console-free commands) run.
//! One test in its own binary, so no other test's requests are recorded.

mod support;

use std::path::Path;

use support::ecs_seed::seed;
use support::moto;

/// Operation names that change state, as they appear in recorded requests.
const MUTATING: &[&str] = &[
    "UpdateService",
    "RegisterTaskDefinition",
    "StopServiceDeployment",
    "BatchUpdateFindings",
    "ArchiveFindings",
    "PutQueryDefinition",
    "RunTask",
    "StopTask",
    "CreateService",
    "DeleteService",
];

fn opsdeck(home: &Path, args: &[&str]) -> std::process::Output {
    support::cli::opsdeck(home)
        .args(args)
        .output()
        .expect("run opsdeck")
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_sends_no_mutating_request() {
    let seeded = seed("ro").await;
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("opsdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[environments.emu]\nendpoint_url = \"{}\"\ncluster = \"{}\"\nservice = \"{}\"\n",
            moto::endpoint(),
            seeded.cluster,
            seeded.service
        ),
    )
    .expect("config");
    let cfg = config.to_str().expect("utf-8");
    moto::post_json("/moto-api/recorder/start-recording", "");
    for runbook in [
        ["scale", "--param", "count=3"],
        ["rollback", "--param", "revision=1"],
        ["restart", "--param", "timeout=60"],
    ] {
        let mut args = vec![
            "--read-only",
            "--config",
            cfg,
            "--env",
            "emu",
            "runbook",
            "run",
        ];
        args.extend(runbook);
        args.push("--yes");
        let out = opsdeck(home.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    }
    // Reads still work in read-only mode and are recorded.
    let listed = opsdeck(
        home.path(),
        &[
            "--readonly",
            "--config",
            cfg,
            "--env",
            "emu",
            "runbook",
            "list",
        ],
    );
    assert!(String::from_utf8_lossy(&listed.stdout).contains("unavailable: read-only"));
    let snapshot = opsdeck(
        home.path(),
        &[
            "--read-only",
            "--config",
            cfg,
            "--env",
            "emu",
            "snapshot",
            "--json",
        ],
    );
    assert!(
        !snapshot.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&snapshot.stderr)
    );
    moto::post_json("/moto-api/recorder/stop-recording", "");
    let recording = moto::get("/moto-api/recorder/download-recording");
    assert!(
        recording.contains("DescribeServices") || recording.contains("ListServices"),
        "the recorder saw the reads: {recording:.500}"
    );
    for op in MUTATING {
        assert!(!recording.contains(op), "read-only mode sent {op}");
    }
}
