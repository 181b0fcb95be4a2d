//! The AWS CLI's cache of assumed-role sessions (`~/.aws/cli/cache/<key>.json`), read and
//! written the way the CLI does, so a session started by either tool is reused by the
//! other until it expires. The key is the SHA-1 of the `AssumeRole` arguments as Python's
//! `json.dumps(args, sort_keys=True)` prints them (without a generated `RoleSessionName`);
//! the file holds the `AssumeRole` response with `Expiration` as an ISO 8601 time.

use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::chain::RoleHop;
use crate::cloud::Epoch;

/// A session is reused while more than this many seconds are left.
pub const REUSE_MARGIN_SECONDS: Epoch = 60;

/// An assumed-role session as the cache holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedSession {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// Unix seconds.
    pub expiration: Epoch,
    pub assumed_role_arn: Option<String>,
    pub assumed_role_id: Option<String>,
}

impl CachedSession {
    /// True while the session has more than [`REUSE_MARGIN_SECONDS`] left at `now`.
    pub fn usable_at(&self, now: Epoch) -> bool {
        self.expiration - now > REUSE_MARGIN_SECONDS
    }
}

/// `~/.aws/cli/cache`, where the AWS CLI keeps assumed-role sessions.
pub fn cache_dir() -> PathBuf {
    dirs::home_dir()
        .unwrap_or_default()
        .join(".aws")
        .join("cli")
        .join("cache")
}

/// The cache file name (without `.json`) for `hop`'s `AssumeRole` arguments.
pub fn cache_key(hop: &RoleHop) -> String {
    let mut args: Vec<(&str, String)> = Vec::new();
    if let Some(d) = hop.duration_seconds {
        args.push(("DurationSeconds", d.to_string()));
    }
    if let Some(e) = &hop.external_id {
        args.push(("ExternalId", python_str(e)));
    }
    args.push(("RoleArn", python_str(&hop.role_arn)));
    if let Some(n) = &hop.role_session_name {
        args.push(("RoleSessionName", python_str(n)));
    }
    if let Some(s) = &hop.mfa_serial {
        args.push(("SerialNumber", python_str(s)));
    }
    let body = args
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    hex::encode(Sha1::digest(format!("{{{body}}}").as_bytes()))
}

/// A string as Python's `json.dumps` writes it (`ensure_ascii`: non-ASCII as `\uXXXX`).
fn python_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The cached session under `key`, if the file is there and readable.
pub fn read(dir: &Path, key: &str) -> Option<CachedSession> {
    let text = std::fs::read_to_string(dir.join(format!("{key}.json"))).ok()?;
    parse(&text)
}

/// Reads a cache file's JSON; `None` when a field is missing or the time is unreadable.
pub fn parse(text: &str) -> Option<CachedSession> {
    let v: Value = serde_json::from_str(text).ok()?;
    let c = v.get("Credentials")?;
    let field = |name: &str| c.get(name)?.as_str().map(str::to_string);
    let expiration = parse_time(&field("Expiration")?)?;
    let user = v.get("AssumedRoleUser");
    let user_field = |name: &str| user?.get(name)?.as_str().map(str::to_string);
    Some(CachedSession {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: field("SecretAccessKey")?,
        session_token: field("SessionToken")?,
        expiration,
        assumed_role_arn: user_field("Arn"),
        assumed_role_id: user_field("AssumedRoleId"),
    })
}

/// A cache file's time: botocore writes `2026-12-02T17:03:29UTC` (`strftime` with `%Z`);
/// RFC 3339 (`…Z`, `…+00:00`, fractions) is read too.
fn parse_time(text: &str) -> Option<Epoch> {
    let text = match text.strip_suffix("UTC") {
        Some(bare) => format!("{bare}Z"),
        None => text.to_string(),
    };
    OffsetDateTime::parse(&text, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// The cache file's JSON for `session`, shaped like the CLI's (`Expiration` as botocore's
/// file cache writes it: `2026-12-02T17:03:29UTC`).
pub fn render(session: &CachedSession) -> String {
    let expiration = OffsetDateTime::from_unix_timestamp(session.expiration)
        .map(|t| {
            let d = t.date();
            let h = t.time();
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}UTC",
                d.year(),
                u8::from(d.month()),
                d.day(),
                h.hour(),
                h.minute(),
                h.second()
            )
        })
        .unwrap_or_default();
    json!({
        "Credentials": {
            "AccessKeyId": session.access_key_id,
            "SecretAccessKey": session.secret_access_key,
            "SessionToken": session.session_token,
            "Expiration": expiration,
        },
        "AssumedRoleUser": {
            "AssumedRoleId": session.assumed_role_id,
            "Arn": session.assumed_role_arn,
        },
        "ResponseMetadata": {"HTTPStatusCode": 200, "RetryAttempts": 0},
    })
    .to_string()
}

/// Writes `session` under `key` (directory 0700, file 0600, replaced atomically).
pub fn write(dir: &Path, key: &str, session: &CachedSession) -> io::Result<()> {
    crate::private_file::ensure_dir(dir)?;
    crate::private_file::replace(&dir.join(format!("{key}.json")), render(session).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::mfa::chain::HopSource;

    fn hop() -> RoleHop {
        RoleHop {
            profile: "prod".into(),
            role_arn: "arn:aws:iam::111122223333:role/ops".into(),
            mfa_serial: Some("arn:aws:iam::999900001111:mfa/alice".into()),
            external_id: None,
            duration_seconds: None,
            role_session_name: None,
            source: HopSource::Profile("base".into()),
        }
    }

    #[test]
    fn keys_match_the_aws_cli() {
        // python3 -c 'import json,hashlib; print(hashlib.sha1(json.dumps({"RoleArn":
        //   "arn:aws:iam::111122223333:role/ops", "SerialNumber":
        //   "arn:aws:iam::999900001111:mfa/alice"}, sort_keys=True).encode()).hexdigest())'
        assert_eq!(
            cache_key(&hop()),
            "7c4299037092b62438d664b0601855c0aa4fc24d"
        );
        let mut all = hop();
        all.duration_seconds = Some(3600);
        all.external_id = Some("ext-ü".into());
        all.role_session_name = Some("alice".into());
        assert_eq!(cache_key(&all), "985ff5017ebcda40118da3de9e82bf47a0458cf1");
    }

    #[test]
    fn the_file_round_trips_and_reads_the_clis_own() {
        let s = CachedSession {
            access_key_id: "ASIA1".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: 1_796_230_000,
            assumed_role_arn: Some("arn:aws:sts::111122223333:assumed-role/ops/x".into()),
            assumed_role_id: Some("AROA:x".into()),
        };
        let text = render(&s);
        assert!(
            text.contains("\"Expiration\":\"2026-12-02T16:46:40UTC\""),
            "{text}"
        );
        assert_eq!(parse(&text), Some(s));
        let cli = r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "B", "SessionToken": "C", "Expiration": "2026-12-02T17:03:29Z"}, "AssumedRoleUser": {"AssumedRoleId": "I", "Arn": "R"}, "ResponseMetadata": {"RequestId": "x"}}"#;
        let read = parse(cli).unwrap();
        assert_eq!(read.expiration, 1_796_231_009);
        let iso = cli.replace("17:03:29Z", "17:03:29+00:00");
        assert_eq!(parse(&iso).unwrap().expiration, 1_796_231_009);
        let botocore = cli.replace("17:03:29Z", "17:03:29UTC");
        assert_eq!(parse(&botocore).unwrap().expiration, 1_796_231_009);
        assert!(parse("{\"Credentials\": {}}").is_none());
        assert!(parse("not json").is_none());
    }

    #[test]
    fn reuse_stops_a_minute_before_expiry() {
        let s = parse(&render(&CachedSession {
            access_key_id: "A".into(),
            secret_access_key: "B".into(),
            session_token: "C".into(),
            expiration: 1000,
            assumed_role_arn: None,
            assumed_role_id: None,
        }))
        .unwrap();
        assert!(s.usable_at(900));
        assert!(!s.usable_at(940));
    }
}
