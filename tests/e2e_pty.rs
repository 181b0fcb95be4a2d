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
    // Opens on the dashboard.
    p.wait_all(&["PRODUCTION", "REQUESTS", "DATABASE"], WAIT);
    p.send("2");
    p.wait_all(&["cloudplatform-prod-ecs-service", "RUNNING"], WAIT);
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

#[test]
fn runbook_from_plan_to_verified_result_in_the_demo() {
    let home = tempfile::tempdir().expect("tempdir");
    let speed = [("OPSDECK_DEMO_SPEED", "30".to_string())];
    let mut p = Pty::spawn(&["--demo", "--env", "dev"], home.path(), &speed, 160, 45);
    p.wait_all(&["DEV", "REQUESTS"], WAIT);
    p.send("6");
    p.wait_all(&["Runbooks ("], WAIT);
    p.send("G"); // the last by name: scale
    p.send("\r");
    p.wait_all(&["Parameters · scale on dev"], WAIT);
    p.send("2\r");
    p.wait_all(&["desiredCount 1 → 2", "confirm and run"], WAIT);
    p.send("y");
    p.wait_all(&["Confirm"], WAIT);
    p.send("y");
    p.wait_all(&["done: verified"], Duration::from_secs(60));
    p.send("\u{1b}");
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);
    assert!(
        !home.path().join("state/opsdeck/audit.jsonl").exists(),
        "demo writes stay out of the real audit log"
    );
    let audit = std::fs::read_to_string(home.path().join("state/opsdeck/audit-demo.jsonl"))
        .expect("demo audit log");
    assert_eq!(
        audit.lines().count(),
        3,
        "intent, outcome, verified: {audit}"
    );
    assert!(audit.contains("\"kind\":\"intent\"") && audit.contains("\"kind\":\"outcome\""));
    assert!(audit.contains("\"kind\":\"verified\""), "{audit}");
}

/// Resize the terminal so the console redraws every cell.
fn redraw(p: &mut Pty, cols: u16, rows: u16) {
    p.session
        .get_process_mut()
        .set_window_size(cols, rows)
        .expect("window size");
}

#[test]
fn break_glass_in_the_demo_console_shows_the_session_and_drops_it() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = Pty::spawn(&["--demo", "--env", "prod"], home.path(), &[], 200, 50);
    p.wait_all(&["PRODUCTION", "REQUESTS"], WAIT);
    p.send("6");
    p.wait_all(&["Runbooks ("], WAIT);
    p.send("g\r"); // the first by name: break-glass
    p.wait_all(&["Parameters · break-glass on prod"], WAIT);
    p.send("314159\tpty test of the break-glass flow\r");
    p.wait_all(&["TokenCode=<redacted>", "DurationSeconds=1800"], WAIT);
    p.send("y");
    p.wait_all(&["Confirm"], WAIT);
    p.send("prod\r");
    p.wait_all(&["BREAK-GLASS"], WAIT);
    // ratatui sends only changed cells: a resize makes it draw the whole screen again.
    std::thread::sleep(Duration::from_millis(500));
    redraw(&mut p, 201, 50);
    p.wait_all(
        &[
            "BREAK-GLASS cloudplatform-prod-break-glass",
            "done: verified",
            // The header's identity is now the session's (fetched with its credentials).
            "oncall@example.com-no-incident",
        ],
        WAIT,
    );
    // esc alone (sent with ':' in one write, a terminal reads it as alt-':').
    p.send("\u{1b}");
    p.pump(Duration::from_millis(300));
    p.send(":drop-break-glass\r");
    std::thread::sleep(Duration::from_millis(500));
    redraw(&mut p, 200, 50);
    p.wait_all(&["break-glass session ended"], WAIT);
    let screen = p.transcript().to_string();
    let rendered = p.screens(200, 50);
    assert!(rendered.iter().any(|s| s.contains("BREAK-GLASS")));
    assert!(
        rendered.iter().all(|s| !s.contains("314159")),
        "the MFA code was on a rendered screen"
    );
    p.send("q");
    let ok = p.exited_ok();
    let (status, rest) = p.finish();
    assert_eq!(status, ok);
    assert!(
        !screen.contains("314159") && !rest.contains("314159"),
        "the MFA code was on screen"
    );
    let audit = std::fs::read_to_string(home.path().join("state/opsdeck/audit-demo.jsonl"))
        .expect("demo audit log");
    assert!(
        !audit.contains("314159"),
        "the MFA code reached the audit log"
    );
    assert!(audit.contains("AssumeRole"), "{audit}");
}

/// Each stop signal restores the terminal (alternate screen left, cursor shown, raw mode
/// off) and exits with 128 + the signal's number.
#[test]
fn stop_signals_restore_the_terminal_and_exit_128_plus_n() {
    for (signal, number) in [
        (expectrl::Signal::SIGTERM, 15),
        (expectrl::Signal::SIGHUP, 1),
        (expectrl::Signal::SIGINT, 2),
        (expectrl::Signal::SIGQUIT, 3),
    ] {
        let home = tempfile::tempdir().expect("tempdir");
        let mut p = Pty::spawn(&["--demo", "--env", "dev"], home.path(), &[], 120, 40);
        p.wait_all(&["DEV", "REQUESTS"], WAIT);
        p.session
            .get_process_mut()
            .kill(signal)
            .expect("send the signal");
        let pid = p.session.get_process().pid();
        let (status, tail) = p.finish();
        assert_eq!(
            status,
            expectrl::WaitStatus::Exited(pid, 128 + number),
            "{signal:?}"
        );
        assert!(
            tail.contains("\u{1b}[?1049l"),
            "{signal:?}: alternate screen not left: {tail:?}"
        );
        assert!(
            tail.contains("\u{1b}[?25h"),
            "{signal:?}: cursor not shown again: {tail:?}"
        );
    }
}

/// Growing the window and quitting writes nothing after the alternate screen is left:
/// the normal screen keeps no lines of the UI.
#[test]
fn quitting_after_the_window_grew_leaves_nothing_on_the_normal_screen() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = Pty::spawn(&["--demo", "--env", "dev"], home.path(), &[], 80, 24);
    p.wait_all(&["DEV", "Health"], WAIT);
    for (cols, rows) in [(100, 30), (140, 45), (160, 50)] {
        redraw(&mut p, cols, rows);
        p.pump(Duration::from_millis(300));
    }
    p.send("q");
    let ok = p.exited_ok();
    let (status, tail) = p.finish();
    assert_eq!(status, ok);
    let left = tail
        .rfind("\u{1b}[?1049l")
        .unwrap_or_else(|| panic!("alternate screen not left: {tail:?}"));
    let after = &tail[left + "\u{1b}[?1049l".len()..];
    let printable: String = strip_escapes(after)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(printable.is_empty(), "written after leaving: {after:?}");
    let before = &tail[..left];
    assert!(
        !before.contains("\u{1b}[?1049l"),
        "the alternate screen was left twice (something drew in between): {tail:?}"
    );
}

/// `s` without CSI/OSC escape sequences.
fn strip_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                for c in chars.by_ref() {
                    if c == '\u{7}' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A write a previous run left between intent and outcome is reported when the console
/// starts (once), and the log records that it was.
#[test]
fn the_console_reports_an_interrupted_write_at_start() {
    let home = tempfile::tempdir().expect("tempdir");
    let log = opsdeck::audit::AuditLog::new(home.path().join("state/opsdeck/audit-demo.jsonl"));
    log.append(
        opsdeck::audit::RecordKind::Intent,
        opsdeck::audit::Entry {
            id: "run-x/0/0".into(),
            env: "dev".into(),
            runbook: "scale".into(),
            step: "scale the service (ecs.scale)".into(),
            ..Default::default()
        },
    )
    .expect("append");
    let mut p = Pty::spawn(&["--demo", "--env", "dev"], home.path(), &[], 200, 50);
    p.wait_all(&["interrupted write", "scale"], WAIT);
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);
    assert!(
        log.interrupted().expect("read").is_empty(),
        "recorded as reported"
    );
}
