//! `opsdeck doctor` against moto: the reads moto serves are ✓ with what they found, and
//! an operation moto lacks (ListServiceDeployments answers a bare 500) is "could not
//! check" — exit 2, never a false ✓ and never "denied".

mod support;

use support::ecs_seed::seed;
use support::moto;

#[tokio::test(flavor = "multi_thread")]
async fn doctor_reports_each_read_against_moto() {
    let s = seed("doctor").await;
    let home = tempfile::tempdir().expect("tempdir");
    let cfg = s.write_config(home.path(), &moto::endpoint(), "");
    let out = support::cli::on_emu(home.path(), &cfg)
        .args(["doctor", "--json"])
        .output()
        .expect("run opsdeck");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let check = |what: &str| {
        report["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["what"] == what))
            .cloned()
            .unwrap_or_else(|| panic!("no check {what}: {report:#}"))
    };
    assert_eq!(check("identity")["ok"], true, "{report:#}");
    assert!(
        check("identity")["detail"]
            .as_str()
            .is_some_and(|d| d.contains(moto::ACCOUNT_ID))
    );
    let services = check("ECS services");
    assert_eq!(services["ok"], true, "{report:#}");
    assert!(
        services["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("1 services"))
    );
    let clock = check("clock");
    assert_eq!(clock["ok"], true, "{report:#}");
    assert!(
        clock["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("within ")),
        "{clock:#}"
    );
    assert!(
        report["signed_in_with"]
            .as_str()
            .is_some_and(|s| s.contains("AWS_ACCESS_KEY_ID")),
        "{report:#}"
    );
    let history = check("deployment history");
    assert_eq!(history["ok"], false);
    assert!(
        history["fix"]
            .as_str()
            .is_some_and(|f| f.contains("try again")),
        "{history:#}"
    );
    assert_eq!(report["exit"], 2);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
}
