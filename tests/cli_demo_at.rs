//! `--demo-at MINUTES` starts the simulated account that far in, for subcommands as for
//! the console: at minute 6 prod's bad deployment is crash-looping (the ALB tier is
//! critical); at minute 0 it has not started; without `--demo` the flag is an error.

use std::process::{Command, Stdio};

fn snapshot(home: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .args(["--env", "prod", "snapshot", "--json"])
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("OPSDECK_CONFIG")
        .stdin(Stdio::null())
        .output()
        .expect("run opsdeck");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn alb_level(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).expect("snapshot JSON");
    v["verdicts"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["tier"] == "ALB"))
        .and_then(|t| t["level"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn demo_at_starts_the_simulated_account_minutes_in() {
    let home = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = snapshot(home.path(), &["--demo", "--demo-at", "6"]);
    assert_eq!(code, Some(1), "degraded mid-incident: {out}{err}");
    assert_eq!(alb_level(&out), "critical", "{out}");
    let (code, out, err) = snapshot(home.path(), &["--demo", "--demo-at", "0"]);
    assert_eq!(code, Some(0), "before the deployment: {out}{err}");
    assert_eq!(alb_level(&out), "ok", "{out}");
    let (code, _, err) = snapshot(home.path(), &["--demo-at", "6"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("add --demo"), "{err}");
}
