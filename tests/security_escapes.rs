//! Terminal escapes in AWS data never reach the terminal through the CLI: moto is seeded
//! with a Security Hub finding whose title carries an OSC title change, a screen clear,
//! an OSC 8 link and a bidi override, and a log line carrying the same; an audit record
//! holds them too. `posture`, `snapshot` (text and JSON), `logs query` and `audit show`
//! print none of them.

mod support;

use std::path::Path;

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Resource, Severity as SdkSeverity, SeverityLabel,
};
use support::moto;

const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]8;;http://evil.example\u{7}click\u{1b}]8;;\u{7}\u{202e}gnp.exe\u{9b}31m";

/// The characters that must never reach a terminal from data.
fn dirty(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn assert_clean(what: &str, out: &std::process::Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        if let Some(c) = text.chars().find(|c| dirty(*c)) {
            panic!("{what} {stream} carries {c:?}: {text:?}");
        }
    }
}

async fn seed(prefix: &str) -> (String, String) {
    let config = moto::sdk_config().await;
    let hub = aws_sdk_securityhub::Client::new(&config);
    let _ = hub.enable_security_hub().send().await;
    let id = moto::unique(prefix);
    let finding = AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(&id)
        .product_arn(format!(
            "arn:aws:securityhub:us-east-1:{0}:product/{0}/default",
            moto::ACCOUNT_ID
        ))
        .generator_id("escapes")
        .aws_account_id(moto::ACCOUNT_ID)
        .types("Software and Configuration Checks")
        .created_at("2026-09-01T00:00:00Z")
        .updated_at("2026-09-01T01:00:00Z")
        .severity(
            SdkSeverity::builder()
                .label(SeverityLabel::Critical)
                .build(),
        )
        .title(format!("title {HOSTILE}"))
        .description(format!("description {HOSTILE}"))
        .resources(
            Resource::builder()
                .r#type("AwsEcsTask")
                .id(format!("task-{HOSTILE}"))
                .region("us-east-1")
                .build(),
        )
        .build();
    hub.batch_import_findings()
        .findings(finding)
        .send()
        .await
        .expect("BatchImportFindings");
    let group = format!("/ecs/{id}/fastapi");
    let now = opsdeck::cloud::sim::wall_clock_now();
    support::logs::group_with_line(&group, &format!("ERROR {HOSTILE}"), now - 60).await;
    (id, group)
}

fn config(home: &Path, group: &str) -> std::path::PathBuf {
    let path = home.join("opsdeck.toml");
    std::fs::write(
        &path,
        format!(
            "[environments.emu]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\nlog_groups = [\"{group}\"]\n",
            moto::endpoint()
        ),
    )
    .expect("config");
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_output_carries_no_escapes_from_aws_data() {
    let (_id, group) = seed("esc").await;
    let home = tempfile::tempdir().expect("tempdir");
    let cfg = config(home.path(), &group);
    let run = |args: &[&str]| {
        support::cli::on_emu(home.path(), &cfg)
            .args(args)
            .output()
            .expect("run opsdeck")
    };
    let posture = run(&["posture"]);
    assert!(
        String::from_utf8_lossy(&posture.stdout).contains("title"),
        "{}",
        String::from_utf8_lossy(&posture.stdout)
    );
    assert_clean("posture", &posture);
    assert_clean("posture --json", &run(&["posture", "--json"]));
    assert_clean("snapshot", &run(&["snapshot"]));
    assert_clean("snapshot --json", &run(&["snapshot", "--json"]));
    assert_clean("logs query", &run(&["logs", "query"]));

    // An audit record carrying the same text (a runbook parameter, a finding id).
    let log = opsdeck::audit::AuditLog::new(home.path().join("state/opsdeck/audit.jsonl"));
    log.append(
        opsdeck::audit::RecordKind::Intent,
        opsdeck::audit::Entry {
            id: "r/0/0".into(),
            env: "emu".into(),
            runbook: "security-triage".into(),
            step: format!("securityhub:BatchUpdateFindings {HOSTILE}"),
            plan: vec![format!("finding {HOSTILE}")],
            ..Default::default()
        },
    )
    .expect("append");
    let shown = run(&["audit", "show"]);
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("security-triage"),
        "{shown:?}"
    );
    assert_clean("audit show", &shown);
}
