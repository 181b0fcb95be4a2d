//! An MFA role profile (`role_arn` + `source_profile` + `mfa_serial`) through the real
//! binary in a pseudo-terminal, against moto behind a recording proxy: the first run asks
//! for the code on the terminal and sends `SerialNumber`/`TokenCode` in `AssumeRole`; the
//! session lands in the AWS CLI's cache (file name and JSON as the CLI makes them — checked
//! with botocore itself, which then reuses it without asking); the next run reuses it
//! without asking; an expired one asks again; a session botocore started is reused by
//! opsdeck; and the console asks in a popup and shows the session's time left.

mod pty_support;
mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use pty_support::Pty;
use support::moto;
use support::proxy::Proxy;

const SERIAL: &str = "arn:aws:iam::123456789012:mfa/alice";
const ROLE: &str = "arn:aws:iam::123456789012:role/ops";
const SERIAL_FORM: &str = "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice";

struct Setup {
    home: tempfile::TempDir,
    proxy: Proxy,
    config: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let proxy = Proxy::start(&moto::endpoint(), None);
        let home = tempfile::tempdir().expect("tempdir");
        let aws_config = home.path().join("aws-config");
        std::fs::write(
            &aws_config,
            format!(
                "[profile base]\nregion = us-east-1\naws_access_key_id = {}\naws_secret_access_key = {}\n\n\
                 [profile prod-mfa]\nregion = us-east-1\nrole_arn = {ROLE}\nsource_profile = base\nmfa_serial = {SERIAL}\n",
                moto::ACCESS_KEY,
                moto::SECRET_KEY
            ),
        )
        .expect("write aws config");
        let config = home.path().join("opsdeck.toml");
        std::fs::write(
            &config,
            format!(
                "[environments.emu]\nregion = \"us-east-1\"\nprofile = \"prod-mfa\"\nendpoint_url = \"{}\"\n",
                proxy.url
            ),
        )
        .expect("write config");
        Setup {
            home,
            proxy,
            config,
        }
    }

    fn envs(&self) -> Vec<(&'static str, String)> {
        let home = self.home.path();
        vec![
            (
                "AWS_CONFIG_FILE",
                home.join("aws-config").display().to_string(),
            ),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                home.join("none").display().to_string(),
            ),
            ("AWS_ACCESS_KEY_ID", String::new()),
            ("AWS_SECRET_ACCESS_KEY", String::new()),
            ("AWS_PROFILE", String::new()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }

    fn cache_dir(&self) -> PathBuf {
        self.home.path().join(".aws").join("cli").join("cache")
    }

    fn cache_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.cache_dir())
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    }

    /// `opsdeck --config … --env emu doctor` in a pty.
    fn doctor(&self) -> Pty {
        let config = self.config.display().to_string();
        Pty::spawn(
            &["--config", &config, "--env", "emu", "doctor"],
            self.home.path(),
            &self.envs(),
            120,
            40,
        )
    }

    /// Runs a Python snippet with botocore (moto's venv) in this home.
    fn botocore(&self, script: &str) -> String {
        let out = std::process::Command::new(moto::venv().join("bin").join("python"))
            .args(["-c", script])
            .env("HOME", self.home.path())
            .env("AWS_ENDPOINT_URL", &self.proxy.url)
            .envs(self.envs().into_iter().filter(|(_, v)| !v.is_empty()))
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_PROFILE")
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "botocore failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

/// botocore loading `prod-mfa` the way the AWS CLI does (its JSON file cache in
/// `~/.aws/cli/cache`); `code` is what its MFA prompt answers (`None`: asking fails).
fn botocore_access_key(code: Option<&str>) -> String {
    let prompter = match code {
        Some(c) => format!("lambda *a, **k: '{c}'"),
        None => {
            "lambda *a, **k: (_ for _ in ()).throw(SystemExit('botocore asked for an MFA code'))"
                .into()
        }
    };
    format!(
        "import os, botocore.session\n\
         from botocore.credentials import JSONFileCache\n\
         s = botocore.session.Session(profile='prod-mfa')\n\
         p = s.get_component('credential_provider').get_provider('assume-role')\n\
         p.cache = JSONFileCache(os.path.expanduser(os.path.join('~', '.aws', 'cli', 'cache')))\n\
         p._prompter = {prompter}\n\
         print(s.get_credentials().get_frozen_credentials().access_key)\n"
    )
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn first_run_asks_once_then_the_cli_cache_is_shared_until_it_expires() {
    moto::endpoint();
    let setup = Setup::new();

    // First run: the code is asked for on the terminal and sent with the serial.
    let mut pty = setup.doctor();
    pty.wait_all(&["MFA code for", SERIAL], Duration::from_secs(30));
    pty.send("123456\r");
    pty.wait_all(
        &["assumed-role/ops", "min left", "with MFA"],
        Duration::from_secs(60),
    );
    let _ = pty.finish();
    let bodies = setup.proxy.bodies("AssumeRole");
    assert_eq!(bodies.len(), 1, "one AssumeRole: {bodies:?}");
    assert!(bodies[0].contains(SERIAL_FORM), "{}", bodies[0]);
    assert!(bodies[0].contains("TokenCode=123456"), "{}", bodies[0]);

    // The session is in the AWS CLI's cache: one file, 0600, the CLI's JSON shape.
    let files = setup.cache_files();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&files[0]), 0o600);
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).expect("read cache"))
            .expect("cache JSON");
    for field in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        assert!(
            cached["Credentials"][field].is_string(),
            "{field}: {cached:#}"
        );
    }
    // botocore (the AWS CLI's engine) finds the same file and reuses it without asking.
    let key = cached["Credentials"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(setup.botocore(&botocore_access_key(None)), key);

    // Second run: no prompt, no AssumeRole.
    let mut pty = setup.doctor();
    pty.wait_all(&["assumed-role/ops"], Duration::from_secs(60));
    assert!(
        !pty.transcript().contains("MFA code for"),
        "{}",
        pty.transcript()
    );
    let _ = pty.finish();
    assert_eq!(setup.proxy.count("AssumeRole"), 1);

    // An expired session asks again.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let expired = text.replace(
        cached["Credentials"]["Expiration"].as_str().unwrap(),
        "2020-01-01T00:00:00+00:00",
    );
    std::fs::write(&files[0], expired).unwrap();
    let mut pty = setup.doctor();
    pty.wait_all(&["MFA code for"], Duration::from_secs(30));
    pty.send("654321\r");
    pty.wait_all(&["assumed-role/ops"], Duration::from_secs(60));
    let _ = pty.finish();
    let bodies = setup.proxy.bodies("AssumeRole");
    assert_eq!(bodies.len(), 2);
    assert!(bodies[1].contains("TokenCode=654321"));
}

#[test]
fn a_session_botocore_started_is_reused_without_asking() {
    moto::endpoint();
    let setup = Setup::new();
    let key = setup.botocore(&botocore_access_key(Some("111111")));
    assert_eq!(setup.proxy.count("AssumeRole"), 1);
    let mut pty = setup.doctor();
    pty.wait_all(&["assumed-role/ops"], Duration::from_secs(60));
    let _ = pty.finish();
    assert_eq!(
        setup.proxy.count("AssumeRole"),
        1,
        "opsdeck reused botocore's session"
    );
    assert!(!key.is_empty());
}

#[test]
fn the_console_asks_in_a_popup_and_shows_the_time_left() {
    moto::endpoint();
    let setup = Setup::new();
    let config = setup.config.display().to_string();
    let mut pty = Pty::spawn(
        &["--config", &config, "--env", "emu"],
        setup.home.path(),
        &setup.envs(),
        120,
        32,
    );
    wait_screen(&mut pty, "needs an MFA code");
    pty.send("12");
    pty.send("3456");
    pty.send("\r");
    wait_screen(&mut pty, "59m");
    assert_eq!(setup.proxy.count("AssumeRole"), 1);
    let body = &setup.proxy.bodies("AssumeRole")[0];
    assert!(
        body.contains("TokenCode=123456") && body.contains(SERIAL_FORM),
        "{body}"
    );
    pty.send("q");
    let ok = pty.exited_ok();
    let (status, _) = pty.finish();
    assert_eq!(status, ok);
}

/// Waits (up to a minute) until the rendered 120x32 screen shows `needle`.
fn wait_screen(pty: &mut Pty, needle: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !pty
        .screens(120, 32)
        .last()
        .is_some_and(|screen| screen.contains(needle))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{needle:?} never on screen: {}",
            pty.screens(120, 32).last().cloned().unwrap_or_default()
        );
        pty.pump(Duration::from_millis(300));
    }
}
