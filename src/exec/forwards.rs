//! The console's open port forwards: each is a `session-manager-plugin` child process
//! watched by a task of its own, which on the child's exit or on a close request kills
//! it, calls `TerminateSession` and writes the session's end to the audit log. Closing
//! the console closes every forward (and `kill_on_drop` is the last safety net).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::plugin::PluginCommand;
use super::session::{SessionAudit, close_forward};
use crate::audit::AuditLog;
use crate::cloud::{CloudHandle, Epoch};

/// How long closing the console waits for the forwards to close.
pub const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// One open forward, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardInfo {
    pub id: u32,
    pub env: String,
    pub local_port: u16,
    /// `db cloudplatform-prod-db`, `cache …`, or `host:port`.
    pub what: String,
    pub host: String,
    pub remote_port: u16,
    pub task_id: String,
    pub session_id: String,
    pub opened_at: Epoch,
}

impl ForwardInfo {
    /// `localhost:15432 → db cloudplatform-prod-db (host:5432)`.
    pub fn line(&self) -> String {
        format!(
            "localhost:{} → {} ({}:{})",
            self.local_port, self.what, self.host, self.remote_port
        )
    }
}

struct Running {
    id: u32,
    close: Option<oneshot::Sender<()>>,
    done: JoinHandle<()>,
}

/// The open forwards. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Forwards {
    running: Arc<Mutex<Vec<Running>>>,
    next_id: Arc<Mutex<u32>>,
}

/// Everything the watcher of one forward needs.
pub struct Opened {
    pub info: ForwardInfo,
    pub plugin: PluginCommand,
    pub record: SessionAudit,
    pub cloud: CloudHandle,
    pub audit: AuditLog,
}

impl Forwards {
    /// A new id for a forward about to open.
    pub fn next_id(&self) -> u32 {
        let mut n = self.next_id.lock().unwrap_or_else(|e| e.into_inner());
        *n = n.wrapping_add(1);
        *n
    }

    /// Start the plugin of `opened` in the background and watch it; `ended` is called
    /// with the forward and how it ended once it is closed. Err when the plugin cannot
    /// be started (the session is then terminated and its end written).
    pub async fn start(
        &self,
        opened: Opened,
        ended: impl FnOnce(ForwardInfo, String) + Send + 'static,
    ) -> Result<ForwardInfo, String> {
        let Opened {
            info,
            plugin,
            record,
            cloud,
            audit,
        } = opened;
        let mut command = tokio::process::Command::from(plugin.command());
        command
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        let mut child = match command.spawn() {
            Ok(c) => c,
            Err(e) => {
                let how = format!("{} could not start: {e}", plugin.program.display());
                close_forward(&cloud, &audit, &info.session_id, &record, &how).await;
                return Err(how);
            }
        };
        let (close_tx, close_rx) = oneshot::channel::<()>();
        let running = self.running.clone();
        let watched = info.clone();
        let id = info.id;
        let done = tokio::spawn(async move {
            let how = tokio::select! {
                status = child.wait() => match status {
                    Ok(s) => format!("plugin exited ({s})"),
                    Err(e) => format!("plugin lost: {e}"),
                },
                _ = close_rx => {
                    let _ = child.kill().await;
                    "closed by the operator".to_string()
                }
            };
            close_forward(&cloud, &audit, &watched.session_id, &record, &how).await;
            running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|r| r.id != id);
            ended(watched, how);
        });
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Running {
                id,
                close: Some(close_tx),
                done,
            });
        Ok(info)
    }

    /// Ask forward `id` to close (its watcher reports when it has).
    pub fn close(&self, id: u32) -> bool {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        match running.iter_mut().find(|r| r.id == id) {
            Some(r) => r.close.take().map(|tx| tx.send(())).is_some(),
            None => false,
        }
    }

    /// How many forwards are open.
    pub fn len(&self) -> usize {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// True when none is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Close every forward and wait (at most `wait`) for their ends to be written.
    pub async fn close_all(&self, wait: Duration) {
        let taken: Vec<Running> =
            std::mem::take(&mut *self.running.lock().unwrap_or_else(|e| e.into_inner()));
        let mut handles = Vec::new();
        for mut r in taken {
            if let Some(tx) = r.close.take() {
                let _ = tx.send(());
            }
            handles.push(r.done);
        }
        let _ = tokio::time::timeout(wait, futures::future::join_all(handles)).await;
    }
}
