//! The profile names in the AWS CLI's files (`~/.aws/config`, `~/.aws/credentials`, or
//! `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`), for the palette's `:profile` picker.

use std::path::PathBuf;

/// Profile names, sorted and deduplicated (`default` included when present).
pub fn profile_names() -> Vec<String> {
    let home = dirs::home_dir().unwrap_or_default();
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("config"));
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("credentials"));
    let mut names = Vec::new();
    for (path, in_config) in [(config, true), (credentials, false)] {
        if let Ok(text) = std::fs::read_to_string(path) {
            names.extend(sections(&text, in_config));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The profile sections of one file: `[profile NAME]` (or `[default]`) in the config
/// file, `[NAME]` in the credentials file; `[sso-session …]` and `[services …]` are not
/// profiles.
pub fn sections(text: &str, in_config: bool) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let inner = l.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
            let name = if inner == "default" {
                "default"
            } else if in_config {
                inner.strip_prefix("profile ")?.trim()
            } else {
                inner
            };
            let ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.@+".contains(c));
            ok.then(|| name.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_from_both_files() {
        let config = "[default]\nregion=us-east-1\n[profile prod-admin]\nrole_arn=x\n[sso-session corp]\n[services s]\n[profile bad name]\n";
        assert_eq!(sections(config, true), vec!["default", "prod-admin"]);
        assert_eq!(
            sections("[default]\n[ci]\naws_access_key_id=x\n", false),
            vec!["default", "ci"]
        );
    }
}
