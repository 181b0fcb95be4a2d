//! End-to-end: the real binary in a pseudo-terminal, on the simulated account.
//! Opens prod, waits for the ECS pane to fill, navigates, opens help, switches
//! environment through the command palette, and quits cleanly.

use std::process::Command;
use std::time::Duration;

use expectrl::{Eof, Session, WaitStatus};

fn spawn_demo(args: &[&str]) -> (Session, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("TERM", "xterm-256color")
        .env_remove("OPSDECK_CONFIG")
        .env_remove("NO_COLOR");
    let mut session = Session::spawn(cmd).expect("spawn opsdeck in a pty");
    session
        .get_process_mut()
        .set_window_size(160, 45)
        .expect("window size");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    (session, home)
}

#[test]
fn demo_console_navigates_and_quits_cleanly() {
    let (mut s, home) = spawn_demo(&["--demo", "--env", "prod"]);
    s.expect("PRODUCTION").expect("prod badge");
    s.expect("cloudplatform-prod-ecs-service")
        .expect("services loaded");
    s.expect("Tasks").expect("tasks block");
    s.send("j").expect("send j");
    s.send("\t").expect("send tab");
    s.send("?").expect("send ?");
    s.expect("Help").expect("help popup");
    s.send("q").expect("close help");
    s.send(":env staging\r").expect("palette");
    s.expect("STAGING").expect("switched to staging");
    s.expect("cloudplatform-staging-ecs-service")
        .expect("staging services");
    s.send("q").expect("send q");
    let rest = s.expect(Eof).expect("exit");
    let pid = s.get_process().pid();
    assert_eq!(
        s.get_process().wait().expect("wait"),
        WaitStatus::Exited(pid, 0)
    );
    // The terminal is restored: alternate screen left, cursor shown.
    let tail = String::from_utf8_lossy(rest.as_bytes());
    assert!(
        tail.contains("\u{1b}[?1049l"),
        "alternate screen not left: {tail:?}"
    );
    // Logs go to a file in the state dir, never to the screen.
    assert!(home.path().join("state/opsdeck/opsdeck.log").exists());
}

#[test]
fn tiny_terminal_does_not_panic_and_ctrl_c_quits() {
    let (mut s, _home) = spawn_demo(&["--demo", "--read-only"]);
    s.get_process_mut()
        .set_window_size(20, 5)
        .expect("window size");
    s.expect("too small").expect("too-small notice");
    s.send("\u{3}").expect("ctrl-c");
    s.expect(Eof).expect("exit");
    let pid = s.get_process().pid();
    assert_eq!(
        s.get_process().wait().expect("wait"),
        WaitStatus::Exited(pid, 0)
    );
}
