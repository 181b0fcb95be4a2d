//! `opsdeck runbook list | show NAME | run NAME --env ENV [--param k=v]… [--dry-run] [--yes]`.
//! Exit codes: 0 ok, 1 verification failed or refused, 2 error.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::context::{Context, EXIT_ERROR};
use crate::audit::AuditLog;
use crate::cli::{GlobalArgs, RunbookCommand};
use crate::cloud::Redacted;
use crate::runbook::engine::{RunStatus, execute, execute_rollback, prepare, prepare_rollback};
use crate::runbook::library::Library;
use crate::runbook::model::{Risk, Runbook};
use crate::runbook::params::{parse_pairs, resolve_params};
use crate::runbook::plan::{Phase, RunContext, RunError, RunEvent};
use crate::runbook::steps::value_source::{prompt_for, with_typed};

/// Exit code for a refusal or a failed verification.
const EXIT_REFUSED: u8 = 1;

fn err(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("opsdeck: {}", crate::text::one_line(&message.to_string()));
    ExitCode::from(EXIT_ERROR)
}

fn refused(message: impl std::fmt::Display) -> ExitCode {
    eprintln!(
        "opsdeck: refused: {}",
        crate::text::one_line(&message.to_string())
    );
    ExitCode::from(EXIT_REFUSED)
}

/// Dispatch a runbook subcommand.
pub fn run(global: &GlobalArgs, cmd: RunbookCommand) -> ExitCode {
    let library = Library::load_default();
    for e in &library.errors {
        eprintln!("opsdeck: skipped runbook: {e}");
    }
    match cmd {
        RunbookCommand::List => {
            for rb in &library.runbooks {
                let mut avail = if rb.writes() && global.read_only {
                    "  (unavailable: read-only)".to_string()
                } else {
                    String::new()
                };
                if let Some(note) = rb.origin_note() {
                    avail.push_str(&format!("  ({})", crate::text::one_line(&note)));
                }
                println!(
                    "{:<16} {:<5} {:<7} {}{avail}",
                    rb.name,
                    risk(rb),
                    if rb.writes() { "writes" } else { "reads" },
                    crate::text::one_line(&rb.title)
                );
            }
            if library.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_ERROR)
            }
        }
        RunbookCommand::Show { name } => match library.get(&name) {
            Some(rb) => {
                print!("{}", crate::runbook::describe::text(rb));
                ExitCode::SUCCESS
            }
            None => err(format!("no runbook {name:?} (opsdeck runbook list)")),
        },
        RunbookCommand::Run {
            name,
            params,
            dry_run,
            yes,
            confirm_env,
        } => {
            let Some(rb) = library.get(&name) else {
                return err(format!("no runbook {name:?} (opsdeck runbook list)"));
            };
            let context = match Context::load(global) {
                Ok(c) => c,
                Err(e) => return err(e),
            };
            run_runbook(&context, rb, &params, dry_run, yes, confirm_env.as_deref())
        }
    }
}

fn risk(rb: &Runbook) -> &'static str {
    crate::runbook::describe::risk(rb)
}

fn ask(prompt: &str) -> Option<String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    Some(line.trim().to_string())
}

/// Decide whether the run may go ahead; Err(message) refuses.
pub fn confirm(
    env: &str,
    protected: bool,
    risk: Risk,
    yes: bool,
    confirm_env: Option<&str>,
    interactive: bool,
) -> Result<(), String> {
    if yes {
        if protected && confirm_env != Some(env) {
            return Err(format!(
                "{env} is protected: --yes also needs --confirm-env {env}"
            ));
        }
        return Ok(());
    }
    if !interactive {
        return Err("confirmation needed and stdin is not a terminal: pass --yes".into());
    }
    if protected && risk == Risk::High {
        match ask(&format!("Type the environment name ({env}) to confirm: ")) {
            Some(t) if t == env => Ok(()),
            _ => Err("the environment name was not typed".into()),
        }
    } else {
        match ask("Proceed? [y/N] ").as_deref() {
            Some("y" | "Y" | "yes") => Ok(()),
            _ => Err("not confirmed".into()),
        }
    }
}

fn run_runbook(
    context: &Context,
    rb: &Runbook,
    raw: &[String],
    dry_run: bool,
    yes: bool,
    confirm_env: Option<&str>,
) -> ExitCode {
    let mut params = match parse_pairs(raw).and_then(|p| resolve_params(rb, &context.env, &p)) {
        Ok(p) => p,
        Err(e) => return err(e),
    };
    if let Some(what) = prompt_for(rb, &params, &context.env) {
        match ask_hidden_value(&what) {
            Ok(v) => with_typed(&mut params, v),
            Err(m) => return refused(m),
        }
    }
    let audit = AuditLog::for_mode(context.demo).with_clock(context.connector.audit_clock());
    report_interrupted(&audit);
    let runtime = match super::context::runtime() {
        Ok(rt) => rt,
        Err(e) => return err(e),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ctx = RunContext {
        env: context.env.clone(),
        cloud: context.cloud(),
        audit,
        events: Some(tx),
        poll: Duration::from_secs(5),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    let code = runtime.block_on(async {
        let printer = tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                match ev {
                    RunEvent::StepStarted { phase, index } => {
                        eprintln!("» {} step {}", phase_name(phase), index + 1)
                    }
                    RunEvent::StepFinished { ok, detail, .. } => {
                        eprintln!(
                            "  {} {}",
                            if ok { "✓" } else { "✗" },
                            crate::text::one_line(&detail)
                        )
                    }
                    RunEvent::Log(l) => eprintln!("    {}", crate::text::one_line(&l)),
                }
            }
        });
        let code = drive(&ctx, rb, params, dry_run, yes, confirm_env).await;
        drop(ctx);
        let _ = printer.await;
        code
    });
    runtime.shutdown_background();
    code
}

/// Reads a new secret value on the terminal, hidden, twice.
fn ask_hidden_value(what: &str) -> Result<Redacted, String> {
    let ask = |prompt: &str| {
        crate::tty_prompt::ask(prompt, true).map_err(|e| match e.kind() {
            crate::tty_prompt::NO_TERMINAL => {
                "value=prompt needs a terminal to type the value on (it is never taken from the command line); use value=generate".to_string()
            }
            _ => format!("the value was not typed: {e}"),
        })
    };
    let first = Redacted(ask(&format!(
        "New value for {} (not shown): ",
        crate::text::one_line(what)
    ))?);
    if first.0.is_empty() {
        return Err("no value was typed".into());
    }
    let again = Redacted(ask("Type it again: ")?);
    if first != again {
        return Err("the two values typed differ: nothing was changed".into());
    }
    Ok(first)
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Procedure => "procedure",
        Phase::Verification => "verification",
        Phase::Rollback => "rollback",
    }
}

async fn drive(
    ctx: &RunContext,
    rb: &Runbook,
    params: crate::runbook::value::Params,
    dry_run: bool,
    yes: bool,
    confirm_env: Option<&str>,
) -> ExitCode {
    let prepared = match prepare(rb, params, ctx).await {
        Ok(p) => p,
        Err(RunError::Refused(m)) => return refused(m),
        Err(e) => return err(e),
    };
    for line in prepared.lines() {
        println!("{}", crate::text::one_line(&line));
    }
    if prepared.could_not_check() {
        return err(
            "could not check a prerequisite (a transient failure): nothing was changed; try again",
        );
    }
    if !prepared.runnable() {
        return refused("a prerequisite failed");
    }
    if dry_run {
        println!("dry run: nothing was changed");
        return ExitCode::SUCCESS;
    }
    if rb
        .procedure
        .iter()
        .any(|s| s.kind == crate::runbook::kinds::StepKind::StsBreakGlass)
    {
        return refused(format!(
            "{}: break-glass credentials live only in the console's memory and would be dropped when this command exits; run it from the console's Runbooks pane",
            rb.name
        ));
    }
    if prepared.writes() {
        let interactive = std::io::stdin().is_terminal();
        if let Err(m) = confirm(
            &ctx.env.name,
            ctx.env.protected,
            prepared.effective_risk(),
            yes,
            confirm_env,
            interactive,
        ) {
            return refused(m);
        }
    }
    let summary = execute(&prepared, ctx).await;
    for l in &summary.lines {
        println!("{}", crate::text::one_line(l));
    }
    let mut code = summary.exit_code();
    match &summary.status {
        RunStatus::Verified => println!("{}: verified", rb.name),
        RunStatus::Cancelled => println!("{}: cancelled", rb.name),
        RunStatus::Failed(m) => println!(
            "{}: FAILED: {m}\nescalation: {}",
            rb.name, summary.escalation
        ),
        RunStatus::VerificationFailed(m) => {
            println!("{}: verification FAILED: {m}", rb.name);
            if !rb.rollback.is_empty() {
                match prepare_rollback(&prepared, ctx).await {
                    Ok(steps) => {
                        println!("rollback section:");
                        for s in &steps {
                            println!("  {}", crate::text::one_line(&s.label));
                            for c in &s.calls {
                                println!("       {}", crate::text::one_line(c));
                            }
                        }
                        let interactive = std::io::stdin().is_terminal();
                        if interactive
                            && confirm(
                                &ctx.env.name,
                                ctx.env.protected,
                                prepared.effective_risk(),
                                false,
                                None,
                                true,
                            )
                            .is_ok()
                        {
                            let r = execute_rollback(&prepared, &steps, ctx).await;
                            for l in &r.lines {
                                println!("{}", crate::text::one_line(l));
                            }
                            if r.status != RunStatus::Verified {
                                code = EXIT_ERROR;
                            }
                        }
                    }
                    Err(e) => println!("rollback cannot be planned: {e}"),
                }
            }
            println!("escalation: {}", summary.escalation);
        }
    }
    ExitCode::from(code)
}

/// Print (once) writes a previous process left between intent and outcome.
pub fn report_interrupted(audit: &AuditLog) {
    match audit.close_interrupted() {
        Ok(open) => {
            for r in open {
                eprintln!(
                    "opsdeck: WARNING: interrupted write at {}: {} on {} step {} ({}) — its effect is unknown, check the resource",
                    r.time,
                    r.entry.runbook,
                    r.entry.env,
                    r.entry.step,
                    r.entry.plan.join("; ")
                );
            }
        }
        Err(e) => eprintln!("opsdeck: cannot read the audit log: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_on_protected_needs_the_typed_environment() {
        assert!(confirm("prod", true, Risk::High, true, None, false).is_err());
        assert!(confirm("prod", true, Risk::Low, true, Some("staging"), false).is_err());
        assert!(confirm("prod", true, Risk::High, true, Some("prod"), false).is_ok());
        assert!(confirm("dev", false, Risk::High, true, None, false).is_ok());
        assert!(confirm("dev", false, Risk::Low, false, None, false).is_err());
    }
}
