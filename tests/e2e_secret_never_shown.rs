//! A secret's value never appears anywhere opsdeck writes: a secret with a known value
//! is seeded in moto and injected by a seeded ECS service; rotate-secret runs through
//! the CLI and through the console in a pseudo-terminal (the ECS pane with its task
//! definition's secret references is visited too); then every byte on screen, on stdout
//! and stderr, and in every file under the isolated home (audit log, its head, the
//! tracing log) is searched for the value. The same for a secret rotated by hand: the
//! value GetRandomPassword generated, one typed at the CLI's hidden `/dev/tty` prompt and
//! one typed in the console's hidden popup are each found in moto afterwards and nowhere
//! opsdeck wrote.

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

/// Waits until the rendered screen (not the raw stream, where ratatui's partial redraws
/// can split a word) shows `needle`.
fn wait_screen(p: &mut Pty, needle: &str, secs: u64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        p.pump(Duration::from_millis(250));
        if p.screens(200, 60)
            .last()
            .is_some_and(|s| s.contains(needle))
        {
            return;
        }
    }
    panic!(
        "timed out waiting for {needle:?}; the screen:\n{}",
        p.screens(200, 60).last().cloned().unwrap_or_default()
    );
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
    // secret, value, length, exclude_characters, then timeout.
    p.send("\t\t\t\t\x7f\x7f\x7f10\r");
    p.wait_all(&["RotateSecret"], Duration::from_secs(30));
    p.send("y");
    wait_screen(&mut p, "Confirm", 10);
    p.send("y");
    wait_screen(&mut p, "not steady", 60);
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

/// The AWSCURRENT value in moto (read by the test; opsdeck never reads a value).
async fn current_value(name: &str) -> String {
    aws_sdk_secretsmanager::Client::new(&moto::sdk_config().await)
        .get_secret_value()
        .secret_id(name)
        .version_stage("AWSCURRENT")
        .send()
        .await
        .expect("GetSecretValue")
        .secret_string()
        .expect("string")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_and_typed_values_never_reach_the_screen_the_logs_or_the_audit_log() {
    const FIRST: &str = "Zq9-first-api-key-value-3Kd";
    const TYPED_CLI: &str = "Cli-typed-value-8Rw2pLq";
    const TYPED_CONSOLE: &str = "Console-typed-value-5Tn7vXe";
    let name = format!("/emu/{}/app/api-key", moto::unique("hand"));
    let arn = aws_sdk_secretsmanager::Client::new(&moto::sdk_config().await)
        .create_secret()
        .name(&name)
        .secret_string(FIRST)
        .send()
        .await
        .expect("CreateSecret")
        .arn()
        .expect("arn")
        .to_owned();
    let seeded = seed_with(
        "hand",
        SeedOptions {
            secret_arn: Some(arn),
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
    let mut envs = support::cli::moto_env(home.path());
    envs.extend([
        ("AWS_PROFILE", String::new()),
        ("AWS_ENDPOINT_URL", String::new()),
    ]);
    let mut shown = String::new();

    // 1. The CLI, generated (the default).
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
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("GetRandomPassword"), "{stdout}");
    assert!(stdout.contains("UpdateSecretVersionStage"), "{stdout}");
    shown.push_str(&stdout);
    shown.push_str(&String::from_utf8_lossy(&out.stderr));
    let generated = current_value(&name).await;
    assert_ne!(generated, FIRST, "a new value is AWSCURRENT");

    // 2. The CLI, typed twice at the hidden /dev/tty prompt.
    let mut p = Pty::spawn(
        &[
            "--config",
            cfg_arg,
            "--env",
            "emu",
            "runbook",
            "run",
            "rotate-secret",
            "--param",
            &format!("secret={name}"),
            "--param",
            "value=prompt",
            "--param",
            "timeout=10",
            "--yes",
        ],
        home.path(),
        &envs,
        200,
        60,
    );
    p.wait_all(&["New value for"], Duration::from_secs(30));
    p.send(&format!("{TYPED_CLI}\r"));
    p.wait_all(&["Type it again"], Duration::from_secs(10));
    p.send(&format!("{TYPED_CLI}\r"));
    p.wait_all(&["typed at the hidden prompt"], Duration::from_secs(30));
    // moto's services never settle: the rollback section is offered; not now.
    p.wait_all(&["Proceed?"], Duration::from_secs(60));
    p.send("n\r");
    shown.push_str(p.transcript());
    let (_, rest) = p.finish();
    shown.push_str(&rest);
    assert_eq!(
        current_value(&name).await,
        TYPED_CLI,
        "the typed value is AWSCURRENT"
    );

    // 3. The console: value=prompt in the form, the value typed twice in the popup.
    let mut p = Pty::spawn(
        &["--config", cfg_arg, "--env", "emu"],
        home.path(),
        &envs,
        200,
        60,
    );
    p.send("6");
    p.wait_all(&["rotate-secret"], Duration::from_secs(30));
    p.send("/rotate-secret\r");
    p.send("\r");
    p.wait_all(&["Parameters"], Duration::from_secs(20));
    p.send(&name);
    // value: "generate" → "prompt"; then timeout (three fields on) → 10.
    p.send("\t\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7fprompt");
    p.send("\t\t\t\x7f\x7f\x7f10\r");
    wait_screen(&mut p, "hidden value", 20);
    p.send(&format!("{TYPED_CONSOLE}\r"));
    wait_screen(&mut p, "type it again", 10);
    p.send(&format!("{TYPED_CONSOLE}\r"));
    wait_screen(&mut p, "UpdateSecretVersionStage", 30);
    p.send("y");
    wait_screen(&mut p, "Confirm", 10);
    p.send("y");
    wait_screen(&mut p, "not steady", 60);
    let rendered = p.screens(200, 60);
    shown.push_str(p.transcript());
    p.send("q");
    let (_, rest) = p.finish();
    shown.push_str(&rest);
    assert_eq!(current_value(&name).await, TYPED_CONSOLE);

    for value in [FIRST, generated.as_str(), TYPED_CLI, TYPED_CONSOLE] {
        assert!(
            !shown.contains(value),
            "a value was on screen or stdout/stderr"
        );
        assert!(
            rendered.iter().all(|s| !s.contains(value)),
            "a value was on a rendered screen"
        );
    }
    let mut files = Vec::new();
    files_under(home.path(), &mut files);
    let audit = files
        .iter()
        .find(|f| f.ends_with("opsdeck/audit.jsonl"))
        .expect("an audit log");
    let records = std::fs::read_to_string(audit).expect("audit");
    assert!(
        records.matches("PutSecretValue").count() >= 3,
        "three hand rotations audited"
    );
    for f in &files {
        let text = String::from_utf8_lossy(&std::fs::read(f).expect("read")).into_owned();
        for value in [FIRST, generated.as_str(), TYPED_CLI, TYPED_CONSOLE] {
            assert!(
                !text.contains(value),
                "{} holds a secret value",
                f.display()
            );
        }
    }
}
