//! Property tests: the config, theme, runbook and drill parsers, the Logs JSON-message
//! renderer, ARN classification and `init`'s Terraform outputs reader never panic,
//! whatever the input; file errors never carry raw control characters and quote at most
//! 200 characters of a value; whatever Terraform outputs say, the config `init` writes
//! from them loads.

use std::path::Path;

use opsdeck::cloud::discovery::classify;
use opsdeck::commands::init::candidates::{Key, decide};
use opsdeck::commands::init::discover::EnvFindings;
use opsdeck::commands::init::render::{Header, Reach, render};
use opsdeck::commands::init::terraform;
use opsdeck::config::{Config, FileError};
use opsdeck::drill::file::parse as parse_drill;
use opsdeck::drill::library::SHIPPED as SHIPPED_DRILLS;
use opsdeck::panes::logs::results::{detail_lines, pretty_json};
use opsdeck::runbook::file::parse as parse_runbook;
use opsdeck::runbook::library::SHIPPED;
use opsdeck::ui::theme::Theme;
use proptest::prelude::*;

/// Text that looks like TOML often enough to reach past the tokenizer.
fn tomlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("[environments.prod]\n".to_string()),
        Just("[environments.PROD]\n".to_string()),
        Just("[[procedure]]\n".to_string()),
        Just("[params.n]\n".to_string()),
        Just("[thresholds]\n".to_string()),
        "(region|endpoint_url|theme|mfa_serial|target_group|secrets|type|min|max|default|values|kind|name|ok|critical) = ",
        "\"[a-z0-9:/.\\-{}\\[\\]\u{1b}\u{7f}é]{0,40}\"",
        "-?[0-9]{1,20}",
        Just("[\"a\", 1]".to_string()),
        Just("{ a = 1 }".to_string()),
        ".{0,12}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// ARN-shaped text, often enough of a known kind.
fn arnish() -> impl Strategy<Value = String> {
    prop_oneof![
        "arn:aws:(ecs|rds|sns|ec2|logs|secretsmanager|elasticache|elasticloadbalancing|s3):(us-east-1|x y|)?:(123456789012|1|)?:(cluster/|service/a/|db:|replicationgroup:|security-group/sg-|secret:|log-group:|loadbalancer/app/a/|targetgroup/t/)?[a-z0-9/:*\\-_ \u{1b}\u{202e}\\\\\"é]{0,30}",
        ".{0,40}",
    ]
}

/// `terraform output -json` text: well-known names (some with an environment in them)
/// with strings, lists, per-environment objects or junk as values.
fn outputs_json() -> impl Strategy<Value = String> {
    let names: Vec<String> = terraform::WELL_KNOWN
        .iter()
        .flat_map(|(n, _)| [n.to_string(), format!("prod_{n}"), format!("{n}_staging")])
        .chain(["project".to_string(), "other".to_string()])
        .collect();
    let value = prop_oneof![
        arnish().prop_map(serde_json::Value::from),
        prop::collection::vec(arnish(), 0..3).prop_map(serde_json::Value::from),
        (arnish(), arnish()).prop_map(|(a, b)| serde_json::json!({"prod": a, "dev": b})),
        any::<i64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
    ];
    let entry = (prop::sample::select(names), value, any::<bool>()).prop_map(|(n, v, s)| {
        (
            n,
            serde_json::json!({"value": v, "type": "string", "sensitive": s}),
        )
    });
    prop::collection::vec(entry, 0..12).prop_map(|entries| {
        let map: serde_json::Map<String, serde_json::Value> = entries.into_iter().collect();
        serde_json::Value::Object(map).to_string()
    })
}

/// A shipped runbook with one stretch replaced by arbitrary text.
fn mutated_runbook() -> impl Strategy<Value = String> {
    mutated(SHIPPED)
}

/// A shipped drill with a stretch replaced by arbitrary text.
fn mutated_drill() -> impl Strategy<Value = String> {
    mutated(SHIPPED_DRILLS)
}

/// One of `files` with a stretch replaced by arbitrary text.
fn mutated(files: &'static [(&'static str, &'static str)]) -> impl Strategy<Value = String> {
    (
        0..files.len(),
        any::<prop::sample::Index>(),
        0usize..40,
        ".{0,20}",
    )
        .prop_map(move |(i, at, len, insert)| {
            let text = files[i].1;
            let mut start = at.index(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}{insert}{}", &text[..start], &text[end..])
        })
}

/// An error a person can read safely: no raw controls, no quoted stretch over 200 chars.
fn assert_safe(e: &FileError) {
    let shown = e.to_string();
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    for part in shown.split(['"', '`']).skip(1).step_by(2) {
        assert!(
            part.chars().count() <= 201,
            "{} chars quoted",
            part.chars().count()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn config_parser_never_panics(text in prop_oneof![tomlish(), ".{0,200}"]) {
        if let Err(e) = Config::parse(Path::new("c.toml"), &text) {
            assert_safe(&e);
            prop_assert!(e.line >= 1, "{e}");
        }
    }

    #[test]
    fn theme_parser_never_panics(text in prop_oneof![tomlish(), ".{0,200}"]) {
        if let Err(e) = Theme::parse("t", Path::new("t.toml"), &text) {
            assert_safe(&e);
        }
    }

    #[test]
    fn runbook_parser_never_panics(text in prop_oneof![tomlish(), mutated_runbook()]) {
        if let Err(e) = parse_runbook(Path::new("r.toml"), &text) {
            assert_safe(&e);
        }
    }

    #[test]
    fn drill_parser_never_panics(text in prop_oneof![tomlish(), mutated_drill()]) {
        let names = vec!["rollback".to_string(), "db-snapshot".to_string()];
        if let Err(e) = parse_drill(Path::new("d.toml"), &text, Some(&names)) {
            assert_safe(&e);
        }
    }

    #[test]
    fn arn_classification_never_panics(arn in arnish()) {
        let _ = classify(&arn);
        let _ = opsdeck::cloud::discovery::resource_type(&arn);
        for key in Key::ALL {
            let _ = key.check(&key.normalize(&arn));
        }
    }

    #[test]
    fn init_writes_a_config_that_loads_whatever_terraform_says(
        text in prop_oneof![outputs_json(), ".{0,80}"],
    ) {
        let Ok(outputs) = terraform::parse("o.json", &text) else {
            return Ok(());
        };
        let mut notes = Vec::new();
        let candidates = terraform::candidates(&outputs, "prod", true, &mut notes);
        let findings = Key::ALL
            .into_iter()
            .map(|key| {
                let tier: Vec<_> = candidates
                    .iter()
                    .filter(|(k, _)| *k == key)
                    .map(|(_, c)| c.clone())
                    .collect();
                decide(key, &[tier], key.convention("p", "prod"), |_| Ok::<_, ()>(0))
                    .expect("picks the first")
            })
            .collect();
        let env = EnvFindings { name: "prod".into(), findings, tagged: 0, notes };
        let reach = Reach { region: "us-east-1".into(), profile: None, endpoint_url: None };
        let project = terraform::project(&outputs).unwrap_or_else(|| "p".into());
        let file = render(&project, "terraform", &Header::default(), &[(reach, env)]);
        let loaded = Config::parse(Path::new("init.toml"), &file);
        prop_assert!(loaded.is_ok(), "{:?}\n{file}", loaded.err());
    }

    #[test]
    fn json_message_renderer_never_panics(
        prefix in ".{0,10}",
        json in "[\\[\\]{}\":,0-9a-z\\\\ \u{1b}]{0,80}",
    ) {
        let message = format!("{prefix}{json}");
        let _ = pretty_json(&message);
        let row = vec![("@message".to_string(), message)];
        prop_assert!(!detail_lines(&["@message".to_string()], &row).is_empty());
    }
}

#[test]
fn deep_nesting_is_an_error_with_a_location_not_a_crash() {
    let deep = format!("a = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let e = Config::parse(Path::new("c.toml"), &deep).expect_err("too deep");
    assert!(e.line >= 1 && e.column >= 1, "{e}");
    let e = Theme::parse("t", Path::new("t.toml"), &deep).expect_err("too deep");
    assert!(e.line >= 1, "{e}");
    let e = parse_runbook(Path::new("r.toml"), &deep).expect_err("too deep");
    assert!(e.line >= 1, "{e}");
    let inline = format!("a = {}1{}\n", "{ b = ".repeat(10_000), " }".repeat(10_000));
    assert!(Config::parse(Path::new("c.toml"), &inline).is_err());
    let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(pretty_json(&json), None);
}
