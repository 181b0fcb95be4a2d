//! `opsdeck timeline` and `opsdeck postmortem` on the simulated account, through the
//! binary: a rollback run with `--param incident=INC-42` during the demo's incident opens
//! the incident; `--demo-at 20 postmortem INC-42` then lists the :42 deployment (the
//! suspect), the 5xx alarm, the rollback run and its verification, the impact in numbers
//! and the audit log's SHA-256; the Markdown stays a table whatever AWS's text holds.

use std::path::Path;
use std::process::{Command, Stdio};

fn opsdeck(home: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("OPSDECK_CONFIG")
        // The rollback's waits pass ten times faster on the simulated clock.
        .env("OPSDECK_DEMO_SPEED", "10")
        .stdin(Stdio::null())
        .output()
        .expect("run opsdeck");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_rollback_during_the_incident_makes_a_postmortem_with_numbers() {
    let home = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = opsdeck(
        home.path(),
        &[
            "--demo",
            "--demo-at",
            "5",
            "--env",
            "prod",
            "runbook",
            "run",
            "rollback",
            "--param",
            "incident=INC-42",
            "--yes",
            "--confirm-env",
            "prod",
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("incident INC-42 opened on prod"), "{out}");

    let report = home.path().join("INC-42.md");
    let (code, out, err) = opsdeck(
        home.path(),
        &["--demo", "--demo-at", "20", "postmortem", "INC-42", "--out"],
    );
    assert_eq!(code, Some(2), "--out needs a file: {out}{err}");
    let (code, out, err) = opsdeck(
        home.path(),
        &[
            "--demo",
            "--demo-at",
            "20",
            "postmortem",
            "INC-42",
            "--out",
            report.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    let md = std::fs::read_to_string(&report).expect("report written");
    for want in [
        "# Postmortem: INC-42 (prod)",
        "## Summary",
        "## Detection",
        "## Timeline",
        "## Containment, eradication and recovery",
        "## Impact",
        "## Evidence",
        "## Follow-ups",
        "**Suspect change:** deploy of :42 to cloudplatform-prod-ecs-service",
        "**suspect:** deploy of :42 (from :41)",
        "cloudplatform-prod-alb-5xx-errors | OK → ALARM",
        "| rollback | ecs.rollback (ecs.rollback) | ok |",
        "| rollback | verification | verified |",
        "**verified**",
        "audit-demo.jsonl",
    ] {
        assert!(md.contains(want), "{want:?} missing:\n{md}");
    }
    for number in [
        "- Requests: ",
        "- 5xx responses: ",
        "- 5xx rate: ",
        "- p99 latency, worst minute: ",
    ] {
        let line = md.lines().find(|l| l.starts_with(number)).expect(number);
        let value = line.trim_start_matches(number);
        assert!(
            value.chars().next().is_some_and(|c| c.is_ascii_digit()),
            "{number} is a number: {line}"
        );
    }
    // Every table row has as many cells as its header (nothing AWS wrote broke one).
    let mut columns = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        match columns {
            None => columns = Some(cells),
            Some(n) => assert_eq!(cells, n, "row breaks its table: {line}"),
        }
    }

    let (code, out, err) = opsdeck(
        home.path(),
        &[
            "--demo",
            "--demo-at",
            "20",
            "--env",
            "prod",
            "timeline",
            "--markdown",
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("**Suspect change:** deploy of :42"), "{out}");
    assert!(
        out.contains("| operator | rollback |"),
        "the run is in the timeline: {out}"
    );
    let (code, out, err) = opsdeck(
        home.path(),
        &[
            "--demo",
            "--demo-at",
            "20",
            "--env",
            "prod",
            "timeline",
            "--json",
            "--source",
            "alarm",
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("timeline JSON");
    let events = v["events"].as_array().expect("events");
    assert!(events.iter().all(|e| e["feed"] == "alarms"), "{out}");
    assert!(
        events
            .iter()
            .any(|e| e["resource"] == "cloudplatform-prod-alb-5xx-errors")
    );
}

#[test]
fn an_unknown_incident_or_source_is_an_error() {
    let home = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = opsdeck(home.path(), &["--demo", "postmortem", "INC-404"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no incident \"INC-404\""), "{err}");
    let (code, _, err) = opsdeck(
        home.path(),
        &["--demo", "--env", "prod", "timeline", "--source", "nope"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("one of deploy, alarm"), "{err}");
}
