//! The IAM policies in `iam/` are the ones the action table generates, and the table
//! names every AWS operation the code calls (each call's error is mapped under its
//! operation name: `map_sdk_error("DescribeServices", …)`), so the policies cannot
//! drift from the code. Regenerate with
//! `for r in read-only operator break-glass; do opsdeck iam-policy --role $r > iam/$r.json; done`.

use std::path::Path;

use opsdeck::cloud::permissions::{PERMISSIONS, Role, policy_text};

#[test]
fn the_files_in_iam_are_generated_from_the_table() {
    for role in [Role::ReadOnly, Role::Operator, Role::BreakGlass] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("iam")
            .join(format!("{}.json", role.name()));
        let on_disk: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("iam policy file"))
                .expect("valid JSON");
        // Compared as JSON: key order depends on serde_json's features in each build.
        let generated: serde_json::Value =
            serde_json::from_str(&policy_text(role)).expect("generated JSON");
        assert_eq!(
            on_disk,
            generated,
            "{} is stale: regenerate it with opsdeck iam-policy --role {}",
            path.display(),
            role.name()
        );
    }
}

/// Every `map_sdk_error("Operation"` in the AWS code.
fn operations_called() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cloud/aws");
    let mut ops = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/cloud/aws") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        // Test modules map made-up operations ("Op").
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut rest = code;
        while let Some(i) = rest.find("map_sdk_error(") {
            rest = &rest[i + "map_sdk_error(".len()..];
            let trimmed = rest.trim_start();
            if let Some(quoted) = trimmed.strip_prefix('"') {
                let name: String = quoted.chars().take_while(|c| *c != '"').collect();
                ops.push(name);
            }
        }
    }
    ops.sort();
    ops.dedup();
    ops
}

#[test]
fn every_operation_the_code_calls_is_in_the_table() {
    let ops = operations_called();
    assert!(ops.len() > 40, "{ops:?}");
    let missing: Vec<&String> = ops
        .iter()
        .filter(|op| {
            !PERMISSIONS.iter().any(|p| {
                p.action
                    .split_once(':')
                    .is_some_and(|(_, a)| a == op.as_str())
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "called but not in the permission table: {missing:?}"
    );
}
