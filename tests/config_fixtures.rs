//! Valid and invalid config files checked through the real binary: exit codes and
//! `file:line:column: message` on stderr.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

fn opsdeck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env_remove("OPSDECK_CONFIG")
        .output()
        .expect("run opsdeck")
}

#[test]
fn valid_configs_pass_check() {
    for path in fixtures("valid") {
        let out = opsdeck(&["config", "check", path.to_str().expect("utf-8 path")]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains(": ok"), "{stdout}");
        assert!(stdout.contains("prod"), "{stdout}");
    }
}

#[test]
fn invalid_configs_name_file_line_and_column() {
    for path in fixtures("invalid") {
        // Lossy: one fixture is deliberately not UTF-8 after its first line.
        let text =
            String::from_utf8_lossy(&std::fs::read(&path).expect("read fixture")).into_owned();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} lacks an # expect: line", path.display()));
        let p = path.to_str().expect("utf-8 path");
        let out = opsdeck(&["config", "check", p]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{p}: {stderr}");
        assert!(
            stderr.contains(&format!("{p}:{}", expect.trim_end())),
            "{p}: expected `{expect}` in stderr:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn global_flags_work_after_the_subcommand_and_config_flag_is_used() {
    let valid = fixtures("valid");
    let full = valid
        .iter()
        .find(|p| p.ends_with("full.toml"))
        .expect("full.toml");
    let out = opsdeck(&[
        "config",
        "check",
        "--config",
        full.to_str().expect("utf-8"),
        "--read-only",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("eu-west-1"));
}

#[test]
fn missing_config_file_is_an_error() {
    let out = opsdeck(&["config", "check", "/nonexistent/opsdeck.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/opsdeck.toml"));
}

#[test]
fn example_config_is_valid() {
    let out = opsdeck(&["config", "example"]);
    assert!(out.status.success());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("example.toml");
    std::fs::write(&path, &out.stdout).expect("write example");
    let check = opsdeck(&["config", "check", path.to_str().expect("utf-8")]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn console_refuses_unknown_environment_and_bad_theme_before_touching_the_terminal() {
    let out = opsdeck(&["--demo", "--env", "qa"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown environment \"qa\""));
    let dir = tempfile::tempdir().expect("tempdir");
    let theme = dir.path().join("broken.toml");
    std::fs::write(&theme, "ok = \"green\"\ncritical = \"#12\"\n").expect("write theme");
    let out = opsdeck(&["--demo", "--theme", theme.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.toml:2:12"), "{stderr}");
}

#[test]
fn completions_are_generated() {
    let out = opsdeck(&["completions", "bash"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("opsdeck"));
}
