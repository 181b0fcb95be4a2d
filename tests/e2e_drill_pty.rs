//! End-to-end: `opsdeck drill run compromised-task --speed 60` in a pseudo-terminal. The
//! DRILL banner is on screen from the start; after the miner begins (minute 3, three real
//! seconds), the Security pane shows its GuardDuty finding, F9 reveals the hint and F8
//! pauses; after `q`, `opsdeck drill report` writes the debrief from the journal the
//! console kept (the Security pane opened, the hint, nothing done: score 0).

mod pty_support;

use std::time::Duration;

use pty_support::Pty;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn a_drill_in_the_console_is_journaled_and_debriefed() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = Pty::spawn(
        &["drill", "run", "compromised-task", "--speed", "60"],
        home.path(),
        &[],
        200,
        50,
    );
    p.wait_all(
        &["DRILL compromised-task", "not real AWS", "PRODUCTION"],
        WAIT,
    );
    p.pump(Duration::from_secs(5));
    p.send("4");
    p.wait_all(&["BitcoinTool"], WAIT);
    p.send("\u{1b}[20~"); // F9
    p.wait_all(&["hint: The Security pane"], WAIT);
    p.send("\u{1b}[19~"); // F8
    p.wait_all(&["PAUSED"], WAIT);
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["drill", "report"])
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("report");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "`compromised-task`",
        "**Score: 0 / 10**",
        "opened dashboard",
        "opened security",
        "hint for miner",
        "isolate-task on prod (for miner) was not run to a verified end",
        "the console was closed",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
}
