//! End-to-end against the emulator: seed a cluster in moto, write a config whose
//! environment points at it (`endpoint_url`), run the real binary in a pseudo-terminal
//! and see the seeded service and its tasks on screen.

mod pty_support;
mod support;

use std::time::Duration;

use pty_support::Pty;
use support::ecs_seed::seed;
use support::moto;

#[tokio::test(flavor = "multi_thread")]
async fn console_shows_seeded_services_and_tasks_from_moto() {
    let seeded = seed("e2e").await;
    let home = tempfile::tempdir().expect("tempdir");
    let config = seeded.write_config(home.path(), &moto::endpoint(), "");
    let mut envs = support::cli::moto_env(home.path());
    envs.extend([
        ("AWS_PROFILE", String::new()),
        ("AWS_ENDPOINT_URL", String::new()),
    ]);
    let args = [
        "--config",
        config.to_str().expect("utf-8"),
        "--env",
        "emu",
        "--read-only",
    ];
    let mut p = Pty::spawn(&args, home.path(), &envs, 200, 50);
    p.send("2");
    p.wait_all(
        &[
            "EMU",
            moto::ACCOUNT_ID,
            seeded.service.as_str(),
            "RUNNING",
            "READ-ONLY",
        ],
        Duration::from_secs(60),
    );
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);
}
