//! The moto harness: provisions `moto[server]` into a cached venv, starts one server per
//! test binary on 127.0.0.1, and offers SDK config and moto-api helpers.
//!
//! Provisioning happens once per checkout (`target/moto-venv`, guarded by a file lock and a
//! completion marker). The server is a child `python` blocked on its stdin; the pipe's write
//! end lives in a static, so the server stops when the test process exits. Any failure
//! panics with pip's or the server's output: these tests never skip.
//!
//! Tests in one binary run in parallel against one server: give every resource a unique
//! name ([`unique`]) rather than calling [`reset`].

#![allow(dead_code)]

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_types::SdkConfig;
use aws_types::region::Region;

/// The pinned moto release.
pub const MOTO_VERSION: &str = "5.2.5";
/// Region every test uses.
pub const REGION: &str = "us-east-1";
/// Static test credentials (moto accepts any).
pub const ACCESS_KEY: &str = "testing";
pub const SECRET_KEY: &str = "testing";
/// The account moto reports for [`ACCESS_KEY`] (moto's default account).
pub const ACCOUNT_ID: &str = "123456789012";

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const START_ATTEMPTS: usize = 3;

/// The running server. Never dropped: the process exit closes `stdin`, which stops it.
struct Server {
    url: String,
    port: u16,
    _child: Mutex<Child>,
    _stdin: Mutex<ChildStdin>,
}

static SERVER: OnceLock<Server> = OnceLock::new();

/// The moto endpoint, e.g. `http://127.0.0.1:40123`. Provisions and starts moto on first
/// use (blocking; the first run installs moto from PyPI).
pub fn endpoint() -> String {
    server().url.clone()
}

/// The provisioned venv moto runs from (its botocore models drive the CloudWatch
/// translator).
pub fn venv() -> PathBuf {
    provision()
}

/// The server's port.
pub fn port() -> u16 {
    server().port
}

/// SDK config for moto: region us-east-1, static test credentials, endpoint = moto.
pub async fn sdk_config() -> SdkConfig {
    sdk_config_at(&endpoint()).await
}

/// As [`sdk_config`], through `url` (a proxy in front of moto).
pub async fn sdk_config_at(url: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(
            ACCESS_KEY,
            SECRET_KEY,
            None,
            None,
            "moto-test",
        ))
        .endpoint_url(url)
        .load()
        .await
}

/// `AwsSettings` pointing at moto, with static test credentials.
pub fn aws_settings() -> opsdeck::cloud::aws::AwsSettings {
    opsdeck::cloud::aws::AwsSettings {
        region: REGION.to_owned(),
        profile: None,
        endpoint_url: Some(endpoint()),
        static_credentials: Some((ACCESS_KEY.to_owned(), SECRET_KEY.to_owned())),
        ..Default::default()
    }
}

/// Wipes all moto state (not state-manager transitions). Tests run in parallel in one
/// binary, so prefer unique resource names.
pub fn reset() {
    post_json("/moto-api/reset", "");
}

/// A name unique within this test process and across processes sharing a server.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// `POST path` with a JSON body to moto; panics on a non-2xx answer. Returns the body.
pub fn post_json(path: &str, body: &str) -> String {
    let (status, text) = http(port(), "POST", path, body);
    assert!(
        (200..300).contains(&status),
        "moto POST {path} -> {status}: {text}"
    );
    text
}

/// `GET path` from moto; panics on a non-2xx answer. Returns the body.
pub fn get(path: &str) -> String {
    let (status, text) = http(port(), "GET", path, "");
    assert!(
        (200..300).contains(&status),
        "moto GET {path} -> {status}: {text}"
    );
    text
}

/// One plain HTTP/1.1 request (moto closes every connection). Returns status and body.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    try_http(port, method, path, body)
        .unwrap_or_else(|e| panic!("moto {method} {path} failed: {e}"))
}

fn try_http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not HTTP: {head:?}")))?;
    let chunked = head
        .lines()
        .any(|l| l.to_ascii_lowercase().replace(' ', "") == "transfer-encoding:chunked");
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Ok((status, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        let venv = provision();
        let server = start(&venv);
        // Keep ECS tasks RUNNING instead of advancing one state per DescribeTasks.
        let (status, text) = http(
            server.port,
            "POST",
            "/moto-api/state-manager/set-transition",
            r#"{"model_name":"ecs::task","transition":{"progression":"manual","times":1000000}}"#,
        );
        assert!(
            (200..300).contains(&status),
            "set-transition -> {status}: {text}"
        );
        server
    })
}

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target")
}

fn python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

/// Installs moto into `target/moto-venv` once; later calls only check the marker.
fn provision() -> PathBuf {
    let target = target_dir();
    let venv = target.join("moto-venv");
    let marker = venv.join(format!(".opsdeck-moto-{MOTO_VERSION}.ok"));
    if marker.exists() {
        return venv;
    }
    fs::create_dir_all(&target).expect("create target/");
    let lock = File::create(target.join("moto-venv.lock")).expect("create moto-venv.lock");
    lock.lock().expect("lock moto-venv.lock");
    if marker.exists() {
        return venv; // another test process finished it while we waited
    }
    if venv.exists() {
        fs::remove_dir_all(&venv).expect("remove a half-made moto venv");
    }
    run(
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
        "python3 -m venv",
    );
    run(
        Command::new(python(&venv)).args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            &format!("moto[server]=={MOTO_VERSION}"),
        ]),
        "pip install moto[server]",
    );
    fs::write(&marker, MOTO_VERSION).expect("write moto marker");
    venv
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: could not run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const SERVER_SCRIPT: &str = r#"
import os, sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("moto listening", flush=True)
sys.stdin.read()
server.stop()
os._exit(0)
"#;

/// Starts the server on a free port, retrying on another port if it dies early.
fn start(venv: &Path) -> Server {
    let mut failures = Vec::new();
    for _ in 0..START_ATTEMPTS {
        match try_start(venv) {
            Ok(server) => return server,
            Err(e) => failures.push(e),
        }
    }
    panic!("moto server did not start:\n{}", failures.join("\n-----\n"));
}

fn try_start(venv: &Path) -> Result<Server, String> {
    let port = free_port();
    let log_dir = target_dir().join("moto-logs");
    fs::create_dir_all(&log_dir).map_err(|e| e.to_string())?;
    let log_path = log_dir.join(format!("moto-{}-{port}.log", std::process::id()));
    let log = File::create(&log_path).map_err(|e| e.to_string())?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let mut child = Command::new(python(venv))
        .arg("-c")
        .arg(SERVER_SCRIPT)
        .arg(port.to_string())
        // moto's request recorder writes here, not into the repository.
        .env(
            "MOTO_RECORDER_FILEPATH",
            log_dir.join(format!("recording-{}-{port}.jsonl", std::process::id())),
        )
        .current_dir(&log_dir)
        .stdin(Stdio::piped())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("spawn moto: {e}"))?;
    let stdin = child.stdin.take().ok_or("no stdin pipe")?;
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "moto exited with {status}:\n{}",
                fs::read_to_string(&log_path).unwrap_or_default()
            ));
        }
        if try_http(port, "GET", "/moto-api/", "").is_ok() {
            return Ok(Server {
                url: format!("http://127.0.0.1:{port}"),
                port,
                _child: Mutex::new(child),
                _stdin: Mutex::new(stdin),
            });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "moto did not answer within {STARTUP_TIMEOUT:?}:\n{}",
                fs::read_to_string(&log_path).unwrap_or_default()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind a free port")
}
