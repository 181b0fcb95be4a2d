//! Private files: what opsdeck writes (audit log and head, tracing log) is 0600 in 0700
//! directories even under umask 022, and a symlink planted where it writes is refused or
//! replaced, never followed (the file it points at is untouched).

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

fn opsdeck(home: &Path, args: &[&str]) -> Output {
    // umask 022 for the child: files would be 0644 without explicit modes.
    let script = format!(
        "umask 022; exec \"$0\" {}",
        args.iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_opsdeck"))
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("OPSDECK_DEMO_SPEED", "30")
        .env_remove("OPSDECK_CONFIG")
        .output()
        .expect("run opsdeck")
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

const SCALE: [&str; 9] = [
    "--demo", "--env", "dev", "runbook", "run", "scale", "--param", "count=2", "--yes",
];

#[test]
fn audit_and_tracing_logs_are_private() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = opsdeck(home.path(), &SCALE);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = home.path().join("state/opsdeck");
    assert_eq!(mode(&dir), 0o700);
    for f in ["audit-demo.jsonl", "audit-demo.head", "opsdeck.log"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
}

#[test]
fn a_symlink_planted_at_the_audit_log_is_refused_and_nothing_runs() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("state/opsdeck");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let victim = home.path().join("victim");
    std::fs::write(&victim, "keep").expect("write");
    std::os::unix::fs::symlink(&victim, dir.join("audit-demo.jsonl")).expect("symlink");
    std::os::unix::fs::symlink(&victim, dir.join("opsdeck.log")).expect("symlink");
    let out = opsdeck(home.path(), &SCALE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("symlink"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
}

#[test]
fn a_symlink_planted_at_the_audit_head_is_replaced_not_followed() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("state/opsdeck");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let victim = home.path().join("victim");
    std::fs::write(&victim, "keep").expect("write");
    std::os::unix::fs::symlink(&victim, dir.join("audit-demo.head")).expect("symlink");
    let out = opsdeck(home.path(), &SCALE);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
    let head = dir.join("audit-demo.head");
    assert!(
        !std::fs::symlink_metadata(&head)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(mode(&head), 0o600);
}
