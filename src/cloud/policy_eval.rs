//! Whether IAM identity policies allow an action, evaluated locally from their documents:
//! the fallback of `opsdeck doctor` where `iam:SimulatePrincipalPolicy` is not available.
//! An explicit `Deny` wins over any `Allow`; `Action`/`NotAction` with `*` and `?`
//! wildcards (case-insensitive) are honoured; resources, permission boundaries, SCPs and
//! resource policies are not, and an `Allow` with a `Condition` is reported as conditional.

use serde_json::Value;

/// The decision for one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Some statement allows it (`conditional`: only under a `Condition`).
    Allowed { conditional: bool },
    /// No statement allows it.
    ImplicitDeny,
    /// A `Deny` statement names it.
    ExplicitDeny,
}

impl Decision {
    /// True when the action may be called.
    pub fn allowed(self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

/// The decision for `action` under every statement of `documents` (policy JSON texts;
/// unreadable ones are skipped).
pub fn decide(documents: &[String], action: &str) -> Decision {
    let mut allow: Option<bool> = None;
    for doc in documents {
        let Ok(v) = serde_json::from_str::<Value>(doc) else {
            continue;
        };
        for statement in statements(&v) {
            if !names(statement, action) {
                continue;
            }
            let conditional = statement.get("Condition").is_some();
            match statement.get("Effect").and_then(Value::as_str) {
                Some("Deny") if !conditional => return Decision::ExplicitDeny,
                Some("Allow") => allow = Some(allow.unwrap_or(true) && conditional),
                _ => {}
            }
        }
    }
    match allow {
        Some(conditional) => Decision::Allowed { conditional },
        None => Decision::ImplicitDeny,
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

/// True when `statement`'s `Action` matches `action` (or its `NotAction` does not).
fn names(statement: &Value, action: &str) -> bool {
    let any = |key: &str| -> Option<bool> {
        let list = match statement.get(key)? {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        Some(list.iter().any(|p| wildcard(p, action)))
    };
    match (any("Action"), any("NotAction")) {
        (Some(hit), _) => hit,
        (None, Some(hit)) => !hit,
        (None, None) => false,
    }
}

/// IAM's action matching: case-insensitive, `*` any run, `?` one character.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(statements: &str) -> Vec<String> {
        vec![format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        )]
    }

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard("ecs:*", "ecs:UpdateService"));
        assert!(wildcard("ECS:update*", "ecs:UpdateService"));
        assert!(wildcard("*", "sns:Publish"));
        assert!(wildcard(
            "ec2:Describe?etworkInterfaces",
            "ec2:DescribeNetworkInterfaces"
        ));
        assert!(!wildcard("ecs:Describe*", "ecs:UpdateService"));
        assert!(!wildcard("ecs:List", "ecs:ListTasks"));
    }

    #[test]
    fn deny_wins_and_conditions_are_flagged() {
        let d = doc(r#"{"Effect":"Allow","Action":"ecs:*","Resource":"*"},
               {"Effect":"Deny","Action":["ecs:DeleteCluster"],"Resource":"*"},
               {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#);
        assert_eq!(
            decide(&d, "ecs:UpdateService"),
            Decision::Allowed { conditional: false }
        );
        assert_eq!(decide(&d, "ecs:DeleteCluster"), Decision::ExplicitDeny);
        assert_eq!(
            decide(&d, "sts:AssumeRole"),
            Decision::Allowed { conditional: true }
        );
        assert_eq!(decide(&d, "sns:Publish"), Decision::ImplicitDeny);
    }

    #[test]
    fn not_action_and_single_statements_and_garbage() {
        let single = vec![
            r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#.to_string(),
            "not json".to_string(),
        ];
        assert!(decide(&single, "ecs:UpdateService").allowed());
        assert!(!decide(&single, "iam:CreateUser").allowed());
        assert!(!decide(&[], "ecs:UpdateService").allowed());
    }
}
