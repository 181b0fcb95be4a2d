//! The AWS `session-manager-plugin`: finding it on PATH, its install hint for this OS,
//! and its command line as the AWS CLI builds it —
//! `session-manager-plugin SESSION region StartSession profile REQUEST endpoint`, where
//! SESSION is the session JSON or, for plugins newer than 1.2.497.0, the name of the
//! environment variable holding it (`AWS_SSM_START_SESSION_RESPONSE`), which keeps the
//! session token out of the process list.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::cloud::{ExecSession, ForwardRequest, ForwardSession, SessionEndpoint};

/// The plugin's executable name.
pub const PLUGIN: &str = "session-manager-plugin";
/// The variable newer plugins read the session from.
pub const SESSION_ENV: &str = "AWS_SSM_START_SESSION_RESPONSE";
/// The last plugin version that only reads the session from its arguments.
const LAST_ARGV_ONLY: (u32, u32, u32, u32) = (1, 2, 497, 0);

/// Whether the plugin is installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginStatus {
    Found {
        path: PathBuf,
        version: Option<String>,
    },
    Missing,
}

/// Look for the plugin on `PATH` (no process is started).
pub fn find() -> PluginStatus {
    find_in(std::env::var_os("PATH").as_deref())
}

/// Look for the plugin on `path` (a PATH value).
pub fn find_in(path: Option<&std::ffi::OsStr>) -> PluginStatus {
    let Some(path) = path else {
        return PluginStatus::Missing;
    };
    let names: &[&str] = if cfg!(windows) {
        &["session-manager-plugin.exe"]
    } else {
        &[PLUGIN]
    };
    for dir in std::env::split_paths(path) {
        for name in names {
            let candidate = dir.join(name);
            if is_executable(&candidate) {
                return PluginStatus::Found {
                    path: candidate,
                    version: None,
                };
            }
        }
    }
    PluginStatus::Missing
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// `session-manager-plugin --version` (blocking, short): its version, when it answers.
pub fn version(path: &Path) -> Option<String> {
    let out = std::process::Command::new(path)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// How to install the plugin on this OS.
pub fn install_hint() -> String {
    install_hint_for(std::env::consts::OS)
}

/// How to install the plugin on `os` (`std::env::consts::OS`).
pub fn install_hint_for(os: &str) -> String {
    const DOCS: &str = "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html";
    const BASE: &str = "https://s3.amazonaws.com/session-manager-downloads/plugin/latest";
    match os {
        "macos" => format!("brew install --cask session-manager-plugin (or see {DOCS})"),
        "linux" => format!(
            "Debian/Ubuntu: curl -o /tmp/smp.deb {BASE}/ubuntu_64bit/session-manager-plugin.deb && sudo dpkg -i /tmp/smp.deb; RHEL/Amazon Linux: sudo yum install -y {BASE}/linux_64bit/session-manager-plugin.rpm (arm64: see {DOCS})"
        ),
        "windows" => format!("run {BASE}/windows/SessionManagerPluginSetup.exe (see {DOCS})"),
        _ => format!("see {DOCS}"),
    }
}

/// True when `version` (e.g. `1.2.650.0`) reads the session from [`SESSION_ENV`].
fn reads_env(version: Option<&str>) -> bool {
    let Some(v) = version else {
        return false;
    };
    let mut parts = v.trim().split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let parsed = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    parsed > LAST_ARGV_ONLY
}

/// A plugin command line. Its `Debug` never shows the session (it holds the token).
#[derive(Clone, PartialEq, Eq)]
pub struct PluginCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// `(SESSION_ENV, session JSON)` when the plugin reads it from the environment.
    pub env: Option<(String, String)>,
    /// The argument index that holds the session (shown as `******`).
    session_arg: usize,
}

impl std::fmt::Debug for PluginCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

impl PluginCommand {
    /// The command line with the session replaced by `******` (for logs and the audit).
    pub fn shown(&self) -> String {
        let mut words = vec![self.program.display().to_string()];
        for (i, a) in self.args.iter().enumerate() {
            if i == self.session_arg && self.env.is_none() {
                words.push("******".into());
            } else {
                words.push(a.clone());
            }
        }
        words.join(" ")
    }

    /// A `std::process::Command` running it.
    pub fn command(&self) -> std::process::Command {
        let mut c = std::process::Command::new(&self.program);
        c.args(&self.args);
        if let Some((k, v)) = &self.env {
            c.env(k, v);
        }
        c
    }

    fn build(
        program: &Path,
        version: Option<&str>,
        session: serde_json::Value,
        region: &str,
        profile: Option<&str>,
        request: serde_json::Value,
        endpoint: &str,
    ) -> PluginCommand {
        let session = session.to_string();
        let (first, env) = if reads_env(version) {
            (
                SESSION_ENV.to_string(),
                Some((SESSION_ENV.to_string(), session)),
            )
        } else {
            (session, None)
        };
        PluginCommand {
            program: program.to_path_buf(),
            args: vec![
                first,
                region.to_string(),
                "StartSession".to_string(),
                profile.unwrap_or_default().to_string(),
                request.to_string(),
                endpoint.to_string(),
            ],
            env,
            session_arg: 0,
        }
    }

    /// The plugin for an `ExecuteCommand` session (the ECS endpoint, as the AWS CLI).
    pub fn exec(
        program: &Path,
        version: Option<&str>,
        session: &ExecSession,
        endpoint: &SessionEndpoint,
        profile: Option<&str>,
    ) -> PluginCommand {
        let s = &session.session;
        PluginCommand::build(
            program,
            version,
            json!({
                "sessionId": s.session_id,
                "streamUrl": s.stream_url,
                "tokenValue": s.token.0,
            }),
            &endpoint.region,
            profile,
            json!({ "Target": session.target }),
            &endpoint.ecs_url,
        )
    }

    /// The plugin for a port-forwarding `StartSession` (the SSM endpoint).
    pub fn forward(
        program: &Path,
        version: Option<&str>,
        session: &ForwardSession,
        request: &ForwardRequest,
        endpoint: &SessionEndpoint,
        profile: Option<&str>,
    ) -> PluginCommand {
        let s = &session.session;
        let parameters: serde_json::Map<String, serde_json::Value> = request
            .parameters()
            .into_iter()
            .map(|(k, v)| (k.to_string(), json!([v])))
            .collect();
        PluginCommand::build(
            program,
            version,
            json!({
                "SessionId": s.session_id,
                "StreamUrl": s.stream_url,
                "TokenValue": s.token.0,
            }),
            &endpoint.region,
            profile,
            json!({
                "Target": session.target,
                "DocumentName": crate::cloud::PORT_FORWARD_DOCUMENT,
                "Parameters": parameters,
            }),
            &endpoint.ssm_url,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{Session, SessionToken};

    fn session() -> ExecSession {
        ExecSession {
            session: Session {
                session_id: "s-1".into(),
                stream_url: "wss://x".into(),
                token: SessionToken("TOKEN-XYZ".into()),
            },
            target: "ecs:c_t_r".into(),
            request_id: None,
        }
    }

    fn endpoint() -> SessionEndpoint {
        SessionEndpoint {
            region: "eu-west-1".into(),
            ecs_url: "https://ecs.eu-west-1.amazonaws.com".into(),
            ssm_url: "https://ssm.eu-west-1.amazonaws.com".into(),
        }
    }

    #[test]
    fn old_plugins_get_the_session_as_an_argument() {
        let c = PluginCommand::exec(Path::new("smp"), None, &session(), &endpoint(), None);
        assert!(c.args[0].contains("TOKEN-XYZ"));
        assert_eq!(c.args[1..3], ["eu-west-1", "StartSession"]);
        assert_eq!(c.args[3], "");
        assert_eq!(c.args[4], r#"{"Target":"ecs:c_t_r"}"#);
        assert_eq!(c.args[5], "https://ecs.eu-west-1.amazonaws.com");
        assert!(!format!("{c:?}").contains("TOKEN-XYZ"));
    }

    #[test]
    fn new_plugins_read_it_from_the_environment() {
        let c = PluginCommand::exec(
            Path::new("smp"),
            Some("1.2.650.0"),
            &session(),
            &endpoint(),
            Some("ops"),
        );
        assert_eq!(c.args[0], SESSION_ENV);
        assert_eq!(c.args[3], "ops");
        assert!(c.env.as_ref().unwrap().1.contains("TOKEN-XYZ"));
        assert!(!c.shown().contains("TOKEN-XYZ"));
    }

    #[test]
    fn hints_per_os() {
        assert!(install_hint_for("macos").contains("brew"));
        assert!(install_hint_for("linux").contains("dpkg"));
        assert!(install_hint_for("windows").contains(".exe"));
    }

    #[test]
    fn missing_without_path() {
        assert_eq!(find_in(None), PluginStatus::Missing);
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(find_in(Some(dir.path().as_os_str())), PluginStatus::Missing);
    }
}
