//! End-to-end: ECS Exec from the console, in a pseudo-terminal on the simulated account.
//! A fake `session-manager-plugin` first on PATH records its arguments (and whether it
//! got the terminal) and exits; the console must leave the alternate screen for it, come
//! back exactly as it was (alternate screen, redrawn), and audit the session's start and
//! end. A port forward opens the same fake plugin in the background, is listed, and is
//! closed (and audited) when the console quits.

mod pty_support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use pty_support::Pty;

const WAIT: Duration = Duration::from_secs(30);

/// How the fake plugin ends.
#[derive(Clone, Copy)]
enum Ends {
    AtOnce,
    /// Waits for a line typed on the terminal.
    OnALine,
    /// Stays up (a forward).
    Never,
}

/// A fake plugin writing its arguments to `$OPSDECK_FAKE_PLUGIN_LOG` (one per line).
fn fake_plugin(bin: &Path, ends: Ends) {
    let body = format!(
        r#"#!/bin/sh
if [ "$1" = "--version" ]; then echo 1.2.650.0; exit 0; fi
log="$OPSDECK_FAKE_PLUGIN_LOG.$$"
for a in "$@"; do printf '%s\n' "$a" >> "$log"; done
if [ -t 0 ]; then echo "stdin-tty" >> "$log"; fi
printf '%s' "$AWS_SSM_START_SESSION_RESPONSE" > "$log.session"
echo "FAKE PLUGIN RAN"
{}
exit 0
"#,
        match ends {
            Ends::AtOnce => "",
            Ends::OnALine => "read line; echo \"GOT $line\"",
            Ends::Never => "sleep 600",
        }
    );
    let path = bin.join("session-manager-plugin");
    std::fs::write(&path, body).expect("write plugin");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Every argument list the fake plugin recorded.
fn recorded(dir: &Path) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with("plugin.log.") && !name.ends_with(".session") {
            let text = std::fs::read_to_string(entry.path()).expect("log");
            out.push(text.lines().map(str::to_owned).collect());
        }
    }
    out
}

fn env_with_plugin(home: &Path, ends: Ends) -> Vec<(&'static str, String)> {
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    fake_plugin(&bin, ends);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    vec![
        ("PATH", path),
        (
            "OPSDECK_FAKE_PLUGIN_LOG",
            home.join("plugin.log").display().to_string(),
        ),
    ]
}

#[test]
fn exec_hands_the_terminal_to_the_plugin_and_comes_back() {
    let home = tempfile::tempdir().expect("tempdir");
    let envs = env_with_plugin(home.path(), Ends::AtOnce);
    let mut p = Pty::spawn(&["--demo", "--env", "dev"], home.path(), &envs, 160, 45);
    p.wait_all(&["DEV", "REQUESTS"], WAIT);
    p.send("2");
    p.wait_all(&["cloudplatform-dev-ecs-service", "RUNNING"], WAIT);
    p.send("\t"); // the tasks list
    p.send("x");
    p.wait_all(&["Exec into task", "/bin/sh"], WAIT);
    p.send("\r");
    p.wait_all(&["ExecuteCommandAgent", "preflight passed"], WAIT);
    let before = p.transcript().len();
    p.send("\r");
    p.wait_all(&["FAKE PLUGIN RAN"], WAIT);
    p.wait_all(&["session ended", "Tasks ("], WAIT);
    let after = &p.transcript()[before..];
    let left = after.find("\u{1b}[?1049l").expect("alternate screen left");
    let ran = after.find("FAKE PLUGIN RAN").expect("plugin output");
    let back = after
        .rfind("\u{1b}[?1049h")
        .expect("alternate screen entered again");
    assert!(
        left < ran && ran < back,
        "left, ran, came back: in that order"
    );
    // Redrawn: the pane is back after the plugin ran.
    assert!(after[back..].contains("Services ("));
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);

    let runs = recorded(home.path());
    assert_eq!(runs.len(), 1, "{runs:?}");
    let args = &runs[0];
    assert_eq!(args[0], "AWS_SSM_START_SESSION_RESPONSE");
    assert_eq!(args[1], "us-east-1");
    assert_eq!(args[2], "StartSession");
    assert_eq!(args[3], "");
    assert!(
        args[4].starts_with(r#"{"Target":"ecs:cloudplatform-dev-ecs-cluster_"#),
        "{args:?}"
    );
    assert_eq!(args[5], "https://ecs.us-east-1.amazonaws.com");
    assert_eq!(args.get(6).map(String::as_str), Some("stdin-tty"));
    let audit =
        std::fs::read_to_string(home.path().join("state/opsdeck/audit-demo.jsonl")).expect("audit");
    assert!(audit.contains("ecs:ExecuteCommand"));
    assert!(audit.contains("session ended (plugin exited 0)"));
    assert!(
        !audit.contains("sim-token"),
        "the session token is never audited"
    );
}

#[test]
fn forwards_are_listed_and_closed_on_exit() {
    let home = tempfile::tempdir().expect("tempdir");
    let envs = env_with_plugin(home.path(), Ends::Never);
    let mut p = Pty::spawn(&["--demo", "--env", "dev"], home.path(), &envs, 160, 45);
    p.wait_all(&["DEV", "REQUESTS"], WAIT);
    p.send("2");
    p.wait_all(&["cloudplatform-dev-ecs-service", "RUNNING"], WAIT);
    p.send("\t");
    p.send("p");
    p.wait_all(&["Forward a port through task", "local port"], WAIT);
    p.send("\r");
    p.wait_all(&["Forwards (1)", "localhost:15432"], WAIT);
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);
    let runs = recorded(home.path());
    assert_eq!(runs.len(), 1, "{runs:?}");
    let request: serde_json::Value = serde_json::from_str(&runs[0][4]).expect("request JSON");
    assert_eq!(
        request["DocumentName"],
        "AWS-StartPortForwardingSessionToRemoteHost"
    );
    assert_eq!(request["Parameters"]["portNumber"][0], "5432");
    assert_eq!(request["Parameters"]["localPortNumber"][0], "15432");
    assert_eq!(runs[0][5], "https://ssm.us-east-1.amazonaws.com");
    let audit =
        std::fs::read_to_string(home.path().join("state/opsdeck/audit-demo.jsonl")).expect("audit");
    assert!(audit.contains("ssm:StartSession"));
    assert!(
        audit.contains("closed by the operator; TerminateSession"),
        "closed on exit: {audit}"
    );
}

#[test]
fn ctrl_c_in_the_session_is_the_session_s_not_the_console_s() {
    let home = tempfile::tempdir().expect("tempdir");
    let envs = env_with_plugin(home.path(), Ends::OnALine);
    let mut p = Pty::spawn(&["--demo", "--env", "dev"], home.path(), &envs, 160, 45);
    p.wait_all(&["DEV", "REQUESTS"], WAIT);
    p.send("2");
    p.wait_all(&["cloudplatform-dev-ecs-service", "RUNNING"], WAIT);
    p.send("\t");
    p.send("x");
    p.wait_all(&["Exec into task"], WAIT);
    p.send("\r");
    p.wait_all(&["preflight passed"], WAIT);
    p.send("\r");
    p.wait_all(&["FAKE PLUGIN RAN"], WAIT);
    // Typed while the plugin has the terminal: the keys are its, ctrl-c included.
    p.send("\u{3}");
    p.send("hello\r");
    p.wait_all(&["GOT hello"], WAIT);
    p.wait_all(&["session ended", "Tasks ("], WAIT);
    // Still running after the session: the ctrl-c did not stop the console.
    p.pump(Duration::from_millis(1500));
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);
}
