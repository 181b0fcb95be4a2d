//! What `init` tells the operator on stderr: per environment, each key, what was found and
//! where (tags, the service's settings, terraform, `--set`), or that it was not found and
//! which naming-convention name stays in effect.

use super::candidates::{Finding, Outcome};
use super::discover::EnvFindings;
use crate::text::one_line;

/// One key's line (and its notes).
fn key_line(f: &Finding) -> String {
    let mut out = match &f.outcome {
        Outcome::Found { values, source } => format!(
            "  ✓ {:<26} {}  [{}: {}]\n",
            f.key.name(),
            one_line(&values.join(", ")),
            source.kind(),
            one_line(&source.describe())
        ),
        Outcome::NotFound { guess: Some(g) } => format!(
            "  ✗ {:<26} not found → naming convention {} (left commented out)\n",
            f.key.name(),
            one_line(&g.join(", "))
        ),
        Outcome::NotFound { guess: None } => {
            format!("  ✗ {:<26} not found (left commented out)\n", f.key.name())
        }
    };
    for n in &f.notes {
        out.push_str(&format!("      note: {}\n", one_line(n)));
    }
    out
}

/// The whole report: a heading, then each environment.
pub fn report(heading: &str, project: &str, envs: &[EnvFindings]) -> String {
    let mut out = format!("{}\n", one_line(heading));
    for e in envs {
        out.push_str(&format!(
            "{}: {} resources tagged Project={} Environment={}\n",
            e.name,
            e.tagged,
            one_line(project),
            e.name
        ));
        for n in &e.notes {
            out.push_str(&format!("  note: {}\n", one_line(n)));
        }
        for f in &e.findings {
            out.push_str(&key_line(f));
        }
        let found = e.findings.iter().filter(|f| f.is_found()).count();
        out.push_str(&format!("  {found} of {} keys found\n", e.findings.len()));
    }
    out
}

/// Keys not found, over every environment.
pub fn missing(envs: &[EnvFindings]) -> usize {
    envs.iter()
        .flat_map(|e| &e.findings)
        .filter(|f| !f.is_found())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::init::candidates::{Key, Source};

    #[test]
    fn each_key_says_what_and_where() {
        let env = EnvFindings {
            name: "prod".into(),
            findings: vec![
                Finding {
                    key: Key::Cluster,
                    outcome: Outcome::Found {
                        values: vec!["c".into()],
                        source: Source::Terraform {
                            output: "cluster_name".into(),
                            from: "o.json".into(),
                        },
                    },
                    notes: vec!["tag X says d".into()],
                },
                Finding {
                    key: Key::Service,
                    outcome: Outcome::NotFound {
                        guess: Some(vec!["p-prod-ecs-service".into()]),
                    },
                    notes: vec![],
                },
                Finding {
                    key: Key::TargetGroup,
                    outcome: Outcome::NotFound { guess: None },
                    notes: vec![],
                },
            ],
            tagged: 0,
            notes: vec![],
        };
        let r = report("opsdeck init", "p", std::slice::from_ref(&env));
        assert!(r.contains("✓ cluster"), "{r}");
        assert!(
            r.contains("[terraform: terraform output cluster_name (o.json)]"),
            "{r}"
        );
        assert!(r.contains("note: tag X says d"), "{r}");
        assert!(
            r.contains("not found → naming convention p-prod-ecs-service"),
            "{r}"
        );
        assert!(r.contains("✗ target_group"), "{r}");
        assert!(r.contains("1 of 3 keys found"), "{r}");
        assert_eq!(missing(&[env]), 2);
    }
}
