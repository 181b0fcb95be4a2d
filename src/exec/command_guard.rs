//! What an exec command may hold. The command travels to AWS in the `ExecuteCommand`
//! request, lands in CloudTrail and in opsdeck's audit log, so a secret typed into it
//! would be copied to all three. opsdeck never reads secret values (it knows only their
//! names), so it cannot look for known values; instead it refuses a command that gives
//! a secret-looking name a literal value (`PGPASSWORD=…`, `--password=…`,
//! `--token …`, `postgres://user:pass@…`). A reference the container expands itself
//! (`$DB_PASSWORD`, `${TOKEN}`) is fine: the value stays inside the container.

/// Name fragments that mark a secret (compared upper-case, `-` as `_`).
const SECRET_WORDS: [&str; 9] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
];

fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace('-', "_");
    // `--password-file /run/secrets/x` names a file, not a value.
    if upper.ends_with("_FILE") || upper.ends_with("_PATH") {
        return false;
    }
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// A value the container expands itself (a variable reference) or none at all.
fn harmless(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    v.is_empty() || v.starts_with('$')
}

/// Why `command` is refused, or None when it may be sent.
pub fn refusal(command: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let bare = word.trim_start_matches('-');
        if let Some((name, value)) = bare.split_once('=')
            && secret_name(name)
            && !harmless(value)
        {
            return Some(format!(
                "the command gives {name} a literal value: it would be copied into CloudTrail and the audit log; use the container's own variable (e.g. ${name}) instead"
            ));
        }
        if word.starts_with("--")
            && !bare.contains('=')
            && secret_name(bare)
            && let Some(next) = words.get(i + 1)
            && !next.starts_with('-')
            && !harmless(next)
        {
            return Some(format!(
                "the command passes a literal value to {word}: it would be copied into CloudTrail and the audit log; pass a variable the container expands instead"
            ));
        }
        if let Some((_, rest)) = word.split_once("://")
            && let Some((userinfo, _)) = rest.split_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
            && !harmless(password)
        {
            return Some(
                "the command holds a URL with a password: it would be copied into CloudTrail and the audit log; build the URL from the container's variables instead".to_string(),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn literal_secrets_are_refused() {
        for c in [
            "PGPASSWORD=hunter2 psql -h db",
            "mysql --password=hunter2",
            "curl --token abc123 https://x",
            "psql postgres://app:hunter2@db:5432/app",
            "env API_KEY='k-1' ./run",
        ] {
            assert!(refusal(c).is_some(), "{c}");
        }
    }

    #[test]
    fn references_and_plain_commands_pass() {
        for c in [
            "/bin/sh",
            "PGPASSWORD=$DB_PASSWORD psql -h db",
            "psql postgres://app:${DB_PASSWORD}@db/app",
            "python manage.py shell",
            "cat /etc/hosts",
            "ls --password-file /run/x",
        ] {
            assert!(refusal(c).is_none(), "{c}");
        }
    }
}
