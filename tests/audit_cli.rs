//! The audit log through the real binary: `audit verify` detects tampering, and a
//! process killed (SIGKILL) between a write's intent and its outcome is reported by
//! the next start. The kill is made reliable by a proxy in front of moto that holds
//! the `UpdateService` request forever.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use std::time::{Duration, Instant};

use opsdeck::audit::{AuditLog, Entry, RecordKind};
use support::ecs_seed::seed;
use support::moto;

fn opsdeck(home: &Path) -> Command {
    support::cli::opsdeck(home)
}

fn audit_path(home: &Path) -> PathBuf {
    home.join("state/opsdeck/audit.jsonl")
}

#[test]
fn verify_detects_an_edited_record() {
    let home = tempfile::tempdir().expect("tempdir");
    let log = AuditLog::new(audit_path(home.path()));
    for i in 0..3 {
        let entry = Entry {
            id: format!("r/{i}"),
            env: "prod".into(),
            runbook: "scale".into(),
            step: "ecs.scale".into(),
            plan: vec!["ecs:UpdateService desiredCount 3 → 5".into()],
            ..Default::default()
        };
        log.append(RecordKind::Intent, entry).expect("append");
    }
    let ok = opsdeck(home.path())
        .args(["audit", "verify"])
        .output()
        .expect("run");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("3 records, hash chain intact"));
    let shown = opsdeck(home.path())
        .args(["audit", "show", "--env", "prod", "--since", "1h"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&shown.stdout).lines().count(), 3);

    let text = std::fs::read_to_string(log.path()).expect("read");
    std::fs::write(
        log.path(),
        text.replacen("desiredCount 3 → 5", "desiredCount 3 → 50", 1),
    )
    .expect("tamper");
    let bad = opsdeck(home.path())
        .args(["audit", "verify"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("was edited"));
}

/// Forwards requests to moto, except `UpdateService`, which it holds open forever.
fn stalling_proxy(moto_port: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || proxy_one(stream, moto_port));
        }
    });
    port
}

fn proxy_one(mut client: TcpStream, moto_port: u16) {
    let mut request = Vec::new();
    let mut buf = [0u8; 8192];
    let header_end = loop {
        let Ok(n) = client.read(&mut buf) else { return };
        if n == 0 {
            return;
        }
        request.extend_from_slice(&buf[..n]);
        if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..header_end]).to_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while request.len() < header_end + length {
        let Ok(n) = client.read(&mut buf) else { return };
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    if head.contains("updateservice") {
        // Never answer: the caller is killed while waiting.
        std::thread::sleep(Duration::from_secs(600));
        return;
    }
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", moto_port)) else {
        return;
    };
    let _ = upstream.write_all(&request);
    let mut response = Vec::new();
    let _ = upstream.read_to_end(&mut response);
    let _ = client.write_all(&response);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kill_between_intent_and_outcome_is_reported_at_the_next_start() {
    let seeded = seed("audit-kill").await;
    let proxy = stalling_proxy(moto::port());
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("opsdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[environments.emu]\nendpoint_url = \"http://127.0.0.1:{proxy}\"\ncluster = \"{}\"\nservice = \"{}\"\n",
            seeded.cluster, seeded.service
        ),
    )
    .expect("config");
    let cfg = config.to_str().expect("utf-8");
    let mut child = opsdeck(home.path())
        .args([
            "--config", cfg, "--env", "emu", "runbook", "run", "scale", "--param", "count=3",
            "--yes",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let path = audit_path(home.path());
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&path).is_ok_and(|t| t.contains("\"kind\":\"intent\"")) {
        assert!(Instant::now() < deadline, "no intent record was written");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("wait");
    let log = AuditLog::new(&path);
    assert_eq!(
        log.interrupted().expect("read").len(),
        1,
        "intent without outcome"
    );

    let next = opsdeck(home.path())
        .args([
            "--config",
            cfg,
            "--env",
            "emu",
            "runbook",
            "run",
            "scale",
            "--param",
            "count=3",
            "--dry-run",
        ])
        .output()
        .expect("next start");
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert!(stderr.contains("interrupted write"), "{stderr}");
    assert!(stderr.contains("scale on emu"), "{stderr}");
    // Reported once: the log now records it, and the chain is intact.
    assert!(log.interrupted().expect("read").is_empty());
    let again = opsdeck(home.path())
        .args([
            "--config",
            cfg,
            "--env",
            "emu",
            "runbook",
            "run",
            "scale",
            "--param",
            "count=3",
            "--dry-run",
        ])
        .output()
        .expect("again");
    assert!(!String::from_utf8_lossy(&again.stderr).contains("interrupted write"));
    assert_eq!(log.verify(), Ok(2));
}

/// `opsdeck audit show --json | head -2` and `opsdeck completions powershell | head`: the
/// reader going away ends the command quietly (SIGPIPE), never with a panic.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    let home = tempfile::tempdir().expect("tempdir");
    let log = AuditLog::new(audit_path(home.path()));
    for i in 0..50 {
        let entry = Entry {
            id: format!("r/{i}"),
            env: "prod".into(),
            runbook: "scale".into(),
            step: "ecs.scale".into(),
            ..Default::default()
        };
        log.append(RecordKind::Intent, entry).expect("append");
    }
    for args in [
        &["audit", "show", "--json"][..],
        &["completions", "powershell"][..],
    ] {
        let mut child = opsdeck(home.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // The reader goes away before (or while) the command writes.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
    }
}
