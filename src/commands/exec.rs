//! `opsdeck exec --env E --task T [--container C] [-- CMD…]` and
//! `opsdeck forward --env E --task T --to db|cache|HOST:PORT [--local PORT]`: the
//! console's `x` and `p` without the console. Both print the preflight, take the typed
//! confirmation on a protected environment, open the session (audited) and run the
//! `session-manager-plugin` on this terminal; the session's end is audited when it exits.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use super::context::{Context, EXIT_ERROR, runtime};
use crate::audit::AuditLog;
use crate::cli::GlobalArgs;
use crate::exec::flow::{self, ForwardAsk};
use crate::exec::preflight::CheckStatus;

/// Exit code when the preflight finds why exec cannot work.
pub const EXIT_PREFLIGHT: u8 = 1;

/// The confirmation a protected environment needs: `--confirm-env ENV`, or its name typed.
fn confirm(ctx: &Context, confirm_env: Option<&str>) -> Result<bool, String> {
    let env = &ctx.env.name;
    if !ctx.env.protected {
        return Ok(false);
    }
    if confirm_env == Some(env.as_str()) {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "{env} is protected: pass --confirm-env {env} (stdin is not a terminal)"
        ));
    }
    eprint!("{env} is protected. Type the environment name ({env}) to confirm: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    if line.trim() == env {
        Ok(true)
    } else {
        Err("the environment name was not typed".into())
    }
}

fn load(global: &GlobalArgs, what: &str) -> Result<(Context, AuditLog), ExitCode> {
    let ctx = Context::load(global).map_err(|e| {
        eprintln!("opsdeck {what}: {e}");
        ExitCode::from(EXIT_ERROR)
    })?;
    let audit = AuditLog::for_mode(ctx.demo).with_clock(ctx.connector.audit_clock());
    super::runbook::report_interrupted(&audit);
    Ok((ctx, audit))
}

/// `opsdeck exec`.
pub fn run_exec(
    global: &GlobalArgs,
    task: &str,
    container: Option<&str>,
    command: &[String],
    confirm_env: Option<&str>,
) -> ExitCode {
    let (ctx, audit) = match load(global, "exec") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("opsdeck exec: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let command = if command.is_empty() {
        flow::DEFAULT_COMMAND.to_string()
    } else {
        command.join(" ")
    };
    let cloud = ctx.cloud();
    // Refused before any request leaves, the preflight's reads included.
    if let Err(e) = cloud.actor() {
        eprintln!("opsdeck exec: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    if let Some(why) = crate::exec::command_guard::refusal(&command) {
        eprintln!("opsdeck exec: refused: {why}");
        return ExitCode::from(EXIT_ERROR);
    }
    let ready = rt.block_on(async {
        let (pre, plugin) = flow::check(cloud.read.as_ref(), &ctx.env, task, container).await;
        eprintln!(
            "exec preflight of task {} on {}:",
            pre.task_id, ctx.env.name
        );
        for line in pre.lines() {
            eprintln!("  {line}");
        }
        if pre.blocked() {
            return Err(ExitCode::from(EXIT_PREFLIGHT));
        }
        if pre.checks.iter().any(|c| c.status == CheckStatus::Unknown) {
            eprintln!("  (unknown checks may still pass: going on)");
        }
        let request = flow::exec_request(&ctx.env, &pre, &command).map_err(|e| {
            eprintln!("opsdeck exec: {e}");
            ExitCode::from(EXIT_ERROR)
        })?;
        let confirmed = confirm(&ctx, confirm_env).map_err(|e| {
            eprintln!("opsdeck exec: {e}");
            ExitCode::from(EXIT_ERROR)
        })?;
        flow::open_exec(&cloud, &audit, &ctx.env, &request, &plugin, confirmed)
            .await
            .map_err(|e| {
                eprintln!("opsdeck exec: {e}");
                ExitCode::from(EXIT_ERROR)
            })
    });
    let ready = match ready {
        Ok(r) => r,
        Err(code) => return code,
    };
    tracing::info!(plugin = %ready.plugin.shown(), "exec session");
    let status = crate::terminal::with_user_signals_ignored(|| ready.plugin.command().status());
    let outcome = flow::exec_outcome(&status);
    ready.record.ended(&audit, outcome.clone());
    match (outcome, status) {
        (Ok(text), Ok(s)) => {
            eprintln!("opsdeck exec: {text}");
            ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1))
        }
        (Err(e), _) => {
            eprintln!("opsdeck exec: {e}");
            ExitCode::from(EXIT_ERROR)
        }
        (Ok(_), Err(e)) => {
            eprintln!("opsdeck exec: plugin failed: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `opsdeck forward`: the plugin runs in the foreground until it exits or ctrl-c.
pub fn run_forward(
    global: &GlobalArgs,
    mut ask: ForwardAsk,
    confirm_env: Option<&str>,
) -> ExitCode {
    let (ctx, audit) = match load(global, "forward") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("opsdeck forward: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let cloud = ctx.cloud();
    if let Err(e) = cloud.actor() {
        eprintln!("opsdeck forward: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    ask.confirmed = match confirm(&ctx, confirm_env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("opsdeck forward: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    rt.block_on(async {
        let now = audit.now_epoch();
        let opened = match flow::open_forward(&cloud, &audit, &ctx.env, &ask, 1, now).await {
            Ok(o) => o,
            Err(e) => {
                eprintln!("opsdeck forward: {e}");
                return ExitCode::from(EXIT_ERROR);
            }
        };
        eprintln!(
            "forwarding {} through task {} (session {}); ctrl-c closes it",
            opened.info.line(),
            opened.info.task_id,
            opened.info.session_id
        );
        let mut child = match tokio::process::Command::from(opened.plugin.command())
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
        {
            Ok(c) => c,
            Err(e) => {
                let how = format!("plugin could not start: {e}");
                crate::exec::session::close_forward(
                    &cloud,
                    &audit,
                    &opened.info.session_id,
                    &opened.record,
                    &how,
                )
                .await;
                eprintln!("opsdeck forward: {how}");
                return ExitCode::from(EXIT_ERROR);
            }
        };
        let how = tokio::select! {
            status = child.wait() => match status {
                Ok(s) => format!("plugin exited ({s})"),
                Err(e) => format!("plugin lost: {e}"),
            },
            _ = tokio::signal::ctrl_c() => {
                let _ = child.kill().await;
                "closed with ctrl-c".to_string()
            }
        };
        crate::exec::session::close_forward(
            &cloud,
            &audit,
            &opened.info.session_id,
            &opened.record,
            &how,
        )
        .await;
        eprintln!("opsdeck forward: {how}");
        ExitCode::SUCCESS
    })
}
