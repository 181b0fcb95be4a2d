//! The role chain of an AWS CLI profile, read from `~/.aws/config` and
//! `~/.aws/credentials` (or `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`) the way the
//! AWS CLI reads them: a profile with `role_arn` is assumed with the credentials of its
//! `source_profile` (itself possibly a role) or `credential_source`, with `mfa_serial`,
//! `external_id`, `duration_seconds` and `role_session_name` when set.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Longest chain followed (the AWS CLI has no limit; a loop must end somewhere).
const MAX_DEPTH: usize = 10;

/// True when `AWS_ACCESS_KEY_ID` holds keys: they win over any profile, as in the SDK's
/// own credential chain.
pub fn env_keys_set() -> bool {
    std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|k| !k.is_empty())
}

/// Every profile's settings, from both files (the credentials file wins per key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileFiles {
    profiles: BTreeMap<String, BTreeMap<String, String>>,
}

/// One `AssumeRole` hop of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleHop {
    /// The profile this hop belongs to.
    pub profile: String,
    pub role_arn: String,
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    pub duration_seconds: Option<i32>,
    /// Only when the profile sets one (it is then part of the cache key, as in the CLI).
    pub role_session_name: Option<String>,
    /// Where the credentials that call `AssumeRole` come from.
    pub source: HopSource,
}

/// The credentials a hop assumes its role with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HopSource {
    /// A profile the SDK signs in with by itself (keys, SSO, `credential_process`, or a
    /// role chain with no MFA in it).
    Profile(String),
    /// A profile that is itself a role hop of a chain that needs MFA.
    Hop(Box<RoleHop>),
    /// `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`).
    CredentialSource(String),
}

impl RoleHop {
    /// The MFA device of this hop or of any hop below it, with the profile it belongs to.
    pub fn mfa(&self) -> Option<(&str, &str)> {
        match (&self.mfa_serial, &self.source) {
            (Some(serial), _) => Some((self.profile.as_str(), serial.as_str())),
            (None, HopSource::Hop(inner)) => inner.mfa(),
            (None, _) => None,
        }
    }
}

impl ProfileFiles {
    /// Reads both files; a missing file counts as empty.
    pub fn load() -> Self {
        let home = dirs::home_dir().unwrap_or_default();
        let read = |var: &str, default: PathBuf| {
            let path = std::env::var_os(var).map_or(default, PathBuf::from);
            std::fs::read_to_string(path).unwrap_or_default()
        };
        Self::parse(
            &read("AWS_CONFIG_FILE", home.join(".aws").join("config")),
            &read(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.join(".aws").join("credentials"),
            ),
        )
    }

    /// Parses the two files' text: `[profile NAME]` / `[default]` sections in the config
    /// file, `[NAME]` in the credentials file; `key = value` lines; `#`/`;` comments.
    /// Indented lines (nested settings such as `s3 =` blocks) are skipped.
    pub fn parse(config: &str, credentials: &str) -> Self {
        let mut profiles: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (text, in_config) in [(config, true), (credentials, false)] {
            let mut current: Option<String> = None;
            for line in text.lines() {
                let trimmed = line.trim();
                if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
                    continue;
                }
                if let Some(inner) = trimmed.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    let inner = inner.trim();
                    current = if inner == "default" {
                        Some("default".to_string())
                    } else if in_config {
                        inner.strip_prefix("profile ").map(|n| n.trim().to_string())
                    } else {
                        Some(inner.to_string())
                    };
                    continue;
                }
                if line.starts_with([' ', '\t']) {
                    continue;
                }
                let (Some(name), Some((key, value))) = (&current, trimmed.split_once('=')) else {
                    continue;
                };
                profiles
                    .entry(name.clone())
                    .or_default()
                    .insert(key.trim().to_string(), value.trim().to_string());
            }
        }
        Self { profiles }
    }

    fn value(&self, profile: &str, key: &str) -> Option<String> {
        self.profiles
            .get(profile)?
            .get(key)
            .filter(|v| !v.is_empty())
            .cloned()
    }

    /// How `profile` signs in, in words (doctor's "signed in with"): environment keys win
    /// as in the SDK's chain, then the profile's kind.
    pub fn describe_source(&self, profile: Option<&str>, env_keys: bool) -> String {
        if env_keys {
            return "access keys in the environment (AWS_ACCESS_KEY_ID)".into();
        }
        let Some(p) = profile else {
            return "the SDK's default chain (no profile: environment, default profile, SSO, instance role)".into();
        };
        if !self.has(p) {
            return format!("profile {p} (not in the AWS config files)");
        }
        let v = |k: &str| self.value(p, k);
        if let Some(role) = v("role_arn") {
            let from = v("source_profile")
                .or_else(|| v("credential_source"))
                .unwrap_or_else(|| "?".into());
            return match self.mfa_chain(p) {
                Ok(Some(hop)) => format!(
                    "profile {p}: role {role} from {from}, with MFA {} (session shared with the AWS CLI in ~/.aws/cli/cache)",
                    hop.mfa().map_or("?", |m| m.1)
                ),
                _ => format!("profile {p}: role {role} from {from}"),
            };
        }
        if v("sso_session").is_some() || v("sso_start_url").is_some() {
            return format!(
                "profile {p}: IAM Identity Center (SSO); `aws sso login --profile {p}` when it expires"
            );
        }
        if v("credential_process").is_some() {
            return format!("profile {p}: credential_process");
        }
        if v("aws_access_key_id").is_some() {
            return format!("profile {p}: static access keys");
        }
        format!("profile {p}")
    }

    /// True when `profile` exists in either file.
    pub fn has(&self, profile: &str) -> bool {
        self.profiles.contains_key(profile)
    }

    /// The chain of `profile` when some hop of it needs an MFA code; `None` when the SDK
    /// can sign in by itself (no role, or no `mfa_serial` anywhere in the chain). An error
    /// names a loop or a `source_profile` that does not exist.
    pub fn mfa_chain(&self, profile: &str) -> Result<Option<RoleHop>, String> {
        let hop = self.hop(profile, 0)?;
        Ok(hop.filter(|h| h.mfa().is_some()))
    }

    fn hop(&self, profile: &str, depth: usize) -> Result<Option<RoleHop>, String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "profile {profile}: the source_profile chain is longer than {MAX_DEPTH} (a loop?)"
            ));
        }
        let Some(role_arn) = self.value(profile, "role_arn") else {
            return Ok(None);
        };
        let source = match (
            self.value(profile, "source_profile"),
            self.value(profile, "credential_source"),
        ) {
            // A profile may name itself as its source: its own keys assume its role.
            (Some(source), _) if source == profile => HopSource::Profile(source),
            (Some(source), _) => {
                if !self.has(&source) {
                    return Err(format!(
                        "profile {profile}: source_profile {source} is not in the AWS config files"
                    ));
                }
                match self.hop(&source, depth + 1)? {
                    Some(inner) if inner.mfa().is_some() => HopSource::Hop(Box::new(inner)),
                    _ => HopSource::Profile(source),
                }
            }
            (None, Some(credential_source)) => HopSource::CredentialSource(credential_source),
            (None, None) => {
                return Err(format!(
                    "profile {profile}: role_arn without source_profile or credential_source"
                ));
            }
        };
        Ok(Some(RoleHop {
            profile: profile.to_string(),
            role_arn,
            mfa_serial: self.value(profile, "mfa_serial"),
            external_id: self.value(profile, "external_id"),
            duration_seconds: self
                .value(profile, "duration_seconds")
                .and_then(|d| d.parse().ok()),
            role_session_name: self.value(profile, "role_session_name"),
            source,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
[default]
region = us-east-1

[profile base]
region = eu-west-1

[profile prod]
role_arn = arn:aws:iam::111122223333:role/ops
source_profile = base
mfa_serial = arn:aws:iam::999900001111:mfa/alice
duration_seconds = 3600
external_id = x-1

[profile prod-readonly]
role_arn = arn:aws:iam::111122223333:role/readonly
source_profile = prod

[profile plain-role]
role_arn = arn:aws:iam::111122223333:role/ci
source_profile = base

[profile loop-a]
role_arn = arn:aws:iam::1:role/a
source_profile = loop-b
[profile loop-b]
role_arn = arn:aws:iam::1:role/b
source_profile = loop-a
mfa_serial = arn:aws:iam::1:mfa/x
";
    const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIA\naws_secret_access_key = s\n";

    fn files() -> ProfileFiles {
        ProfileFiles::parse(CONFIG, CREDENTIALS)
    }

    #[test]
    fn an_mfa_profile_is_one_hop_from_its_source() {
        let hop = files().mfa_chain("prod").unwrap().unwrap();
        assert_eq!(hop.role_arn, "arn:aws:iam::111122223333:role/ops");
        assert_eq!(hop.source, HopSource::Profile("base".into()));
        assert_eq!(hop.duration_seconds, Some(3600));
        assert_eq!(hop.external_id.as_deref(), Some("x-1"));
        assert_eq!(
            hop.mfa(),
            Some(("prod", "arn:aws:iam::999900001111:mfa/alice"))
        );
    }

    #[test]
    fn a_role_chained_on_an_mfa_role_is_two_hops() {
        let hop = files().mfa_chain("prod-readonly").unwrap().unwrap();
        assert_eq!(hop.mfa_serial, None);
        let HopSource::Hop(inner) = &hop.source else {
            panic!("expected the MFA hop below: {hop:?}");
        };
        assert_eq!(inner.profile, "prod");
        assert_eq!(hop.mfa().map(|m| m.0), Some("prod"));
    }

    #[test]
    fn profiles_without_mfa_are_left_to_the_sdk() {
        assert_eq!(files().mfa_chain("plain-role"), Ok(None));
        assert_eq!(files().mfa_chain("base"), Ok(None));
        assert_eq!(files().mfa_chain("nope"), Ok(None));
    }

    #[test]
    fn sources_are_described() {
        let f = files();
        assert!(
            f.describe_source(Some("prod"), false)
                .contains("with MFA arn:aws:iam::999900001111:mfa/alice")
        );
        assert!(
            f.describe_source(Some("prod"), true)
                .contains("AWS_ACCESS_KEY_ID")
        );
        assert_eq!(
            f.describe_source(Some("base"), false),
            "profile base: static access keys"
        );
        assert!(f.describe_source(None, false).contains("default chain"));
        let sso = ProfileFiles::parse("[profile s]\nsso_session = corp\n", "");
        assert!(
            sso.describe_source(Some("s"), false)
                .contains("aws sso login --profile s")
        );
    }

    #[test]
    fn loops_and_missing_sources_are_errors() {
        assert!(files().mfa_chain("loop-a").unwrap_err().contains("loop"));
        let bad = ProfileFiles::parse(
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = ghost\nmfa_serial = m\n",
            "",
        );
        assert!(bad.mfa_chain("x").unwrap_err().contains("ghost"));
    }
}
