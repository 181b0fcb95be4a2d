//! End-to-end: the real binary in a pseudo-terminal, on the simulated account.
//! Opens prod, waits for the ECS pane to fill, navigates, opens help, switches
//! environment through the command palette, and quits cleanly.

mod pty_support;

use std::time::Duration;

use pty_support::Pty;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn demo_console_navigates_and_quits_cleanly() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = Pty::spawn(&["--demo", "--env", "prod"], home.path(), &[], 160, 45);
    p.wait_all(
        &[
            "PRODUCTION",
            "cloudplatform-prod-ecs-service",
            "RUNNING",
            "333333333333",
        ],
        WAIT,
    );
    p.send("2");
    p.send("j");
    p.send("\t");
    p.send("?");
    p.wait_all(&["Help"], WAIT);
    p.send("q");
    p.send(":env staging\r");
    p.wait_all(
        &[
            "STAGING",
            "cloudplatform-staging-ecs-service",
            "222222222222",
        ],
        WAIT,
    );
    p.send("q");
    let ok = p.exited_ok();
    let (status, tail) = p.finish();
    assert_eq!(status, ok);
    // The terminal is restored: alternate screen left.
    assert!(
        tail.contains("\u{1b}[?1049l"),
        "alternate screen not left: {tail:?}"
    );
    // Logs go to a file in the state dir, never to the screen.
    assert!(home.path().join("state/opsdeck/opsdeck.log").exists());
}

#[test]
fn tiny_terminal_does_not_panic_and_ctrl_c_quits() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = Pty::spawn(&["--demo", "--read-only"], home.path(), &[], 20, 5);
    p.wait_all(&["too small"], WAIT);
    p.send("\u{3}");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);
}
