//! A secret's value never appears anywhere opsdeck writes: a secret with a known value
//! is seeded in moto and injected by a seeded ECS service; rotate-secret runs through
//! the CLI and through the console in a pseudo-terminal (the ECS pane with its task
//! definition's secret references is visited too); then every byte on screen, on stdout
//! and stderr, and in every file under the isolated home (audit log, its head, the
//! tracing log) is searched for the value.

mod pty_support;
mod support;

use std::path::Path;
use std::time::Duration;

use pty_support::Pty;
use support::ecs_seed::{SeedOptions, seed_with};
use support::moto;

const VALUE: &str = "Zq9-known-db-password-7Hx";

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_value_never_reaches_the_screen_the_logs_or_the_audit_log() {
    let name = format!("/emu/{}/database/credentials", moto::unique("never"));
    let arn = support::secrets::rotating_secret(&name, VALUE).await;
    let seeded = seed_with(
        "never",
        SeedOptions {
            secret_arn: Some(arn.clone()),
            ..Default::default()
        },
    )
    .await;
    let home = tempfile::tempdir().expect("tempdir");
    let cfg = home.path().join("opsdeck.toml");
    std::fs::write(
        &cfg,
        format!(
            "[environments.emu]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\ncluster = \"{}\"\nservice = \"{}\"\nsecrets = [\"{name}\"]\n",
            moto::endpoint(),
            seeded.cluster,
            seeded.service
        ),
    )
    .expect("config");
    let cfg_arg = cfg.to_str().expect("utf-8");

    // 1. The CLI.
    let out = support::cli::opsdeck(home.path())
        .args([
            "--config",
            cfg_arg,
            "--env",
            "emu",
            "runbook",
            "run",
            "rotate-secret",
        ])
        .args([
            "--param",
            &format!("secret={name}"),
            "--param",
            "timeout=10",
            "--yes",
        ])
        .output()
        .expect("run the CLI");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("RotateSecret"), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("not steady"),
        "moto never settles: {stdout}\n{stderr}"
    );
    assert!(!stdout.contains(VALUE) && !stderr.contains(VALUE));

    // 2. The console: the ECS pane (task definition secret references), then the
    // Runbooks pane: rotate-secret with its parameters typed, planned, confirmed, run.
    let mut envs = support::cli::moto_env(home.path());
    envs.extend([
        ("AWS_PROFILE", String::new()),
        ("AWS_ENDPOINT_URL", String::new()),
    ]);
    let mut p = Pty::spawn(
        &["--config", cfg_arg, "--env", "emu"],
        home.path(),
        &envs,
        200,
        60,
    );
    p.send("2");
    p.wait_all(
        &[seeded.service.as_str(), "RUNNING"],
        Duration::from_secs(60),
    );
    p.send("6");
    p.wait_all(&["rotate-secret"], Duration::from_secs(20));
    p.send("/rotate-secret\r");
    p.send("\r");
    p.wait_all(&["Parameters"], Duration::from_secs(20));
    p.send(&name);
    p.send("\t\x7f\x7f\x7f10\r");
    p.wait_all(&["RotateSecret"], Duration::from_secs(30));
    p.send("y");
    p.wait_all(&["Confirm"], Duration::from_secs(10));
    p.send("y");
    p.wait_all(&["not steady"], Duration::from_secs(60));
    let screen = p.transcript().to_string();
    // The rendered screens too: ratatui draws only changed cells, so a value on screen
    // can be split by cursor moves in the raw stream.
    let rendered = p.screens(200, 60);
    assert!(
        rendered.iter().any(|s| s.contains(&name)),
        "the secret's name is on a rendered screen"
    );
    assert!(
        rendered.iter().all(|s| !s.contains(VALUE)),
        "the value was on a rendered screen"
    );
    p.send("q");
    let (_, rest) = p.finish();
    assert!(screen.contains(&name), "the secret's name is shown");
    assert!(
        !screen.contains(VALUE) && !rest.contains(VALUE),
        "the value was on screen"
    );

    // 3. Every file opsdeck wrote.
    let mut files = Vec::new();
    files_under(home.path(), &mut files);
    let audit = files
        .iter()
        .find(|f| f.ends_with("opsdeck/audit.jsonl"))
        .expect("an audit log");
    let records = std::fs::read_to_string(audit).expect("audit");
    assert!(records.contains("RotateSecret"), "{records}");
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        assert!(
            !String::from_utf8_lossy(&bytes).contains(VALUE),
            "{} holds the secret's value",
            f.display()
        );
    }
}
