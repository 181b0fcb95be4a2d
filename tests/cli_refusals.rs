//! What the CLI refuses before anything is planned or written: break-glass (its
//! credentials would die with the process), with exit 1 and no audit record.

use std::process::Command;

#[test]
fn the_cli_refuses_to_run_break_glass() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args([
            "--demo",
            "--env",
            "prod",
            "runbook",
            "run",
            "break-glass",
            "--param",
            "token=123456",
            "--param",
            "reason=cli test",
            "--yes",
            "--confirm-env",
            "prod",
        ])
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("OPSDECK_CONFIG")
        .output()
        .expect("run opsdeck");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("console's Runbooks pane"), "{stderr}");
    assert!(!stderr.contains("123456") && !String::from_utf8_lossy(&out.stdout).contains("123456"));
    let audit = home.path().join("state/opsdeck/audit-demo.jsonl");
    assert!(
        std::fs::read_to_string(&audit).map_or(true, |t| t.trim().is_empty()),
        "nothing audited"
    );
}
