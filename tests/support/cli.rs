//! Running the real binary against moto: an isolated home (XDG dirs) and moto's
//! static credentials, with no profile or endpoint leaking in from the machine.

use std::path::Path;
use std::process::{Command, Stdio};

use super::moto;

/// The environment variables a binary under test gets (besides its home).
pub fn moto_env(home: &Path) -> Vec<(&'static str, String)> {
    let none = home.join("none").display().to_string();
    vec![
        ("HOME", home.display().to_string()),
        ("XDG_STATE_HOME", home.join("state").display().to_string()),
        ("XDG_CONFIG_HOME", home.join("config").display().to_string()),
        ("XDG_CACHE_HOME", home.join("cache").display().to_string()),
        ("XDG_DATA_HOME", home.join("data").display().to_string()),
        ("AWS_ACCESS_KEY_ID", moto::ACCESS_KEY.to_string()),
        ("AWS_SECRET_ACCESS_KEY", moto::SECRET_KEY.to_string()),
        ("AWS_CONFIG_FILE", none.clone()),
        ("AWS_SHARED_CREDENTIALS_FILE", none),
    ]
}

/// [`opsdeck`] with `--config config --env emu` (the environment a seeded config names).
pub fn on_emu(home: &Path, config: &Path) -> Command {
    let mut cmd = opsdeck(home);
    cmd.arg("--config").arg(config).args(["--env", "emu"]);
    cmd
}

/// `opsdeck` with [`moto_env`], no stdin, and no inherited profile, endpoint or config.
pub fn opsdeck(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.envs(moto_env(home))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("OPSDECK_CONFIG")
        .stdin(Stdio::null());
    cmd
}
