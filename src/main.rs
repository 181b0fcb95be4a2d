//! The `opsdeck` binary: parses the command line and dispatches to the console or a subcommand.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use opsdeck::app::AppState;
use opsdeck::app::run::run;
use opsdeck::audit::AuditLog;
use opsdeck::cli::{Cli, Command, ConfigCommand, DrillCommand, GlobalArgs};
use opsdeck::cloud::sim::wall_clock_now;
use opsdeck::commands::context::{Context, EXIT_ERROR};
use opsdeck::config::{Config, FileError};
use opsdeck::level::Level;
use opsdeck::panes::runbooks::state::RunbooksState;
use opsdeck::runbook::library::Library;
use opsdeck::ui::theme::Theme;
use opsdeck::{logging, terminal};

fn main() -> ExitCode {
    disable_imds_unless_on_aws();
    let cli = Cli::parse();
    if cli.command.is_some() {
        die_quietly_on_closed_pipe();
    }
    // Subcommands that talk to AWS log their failures to the same file as the console.
    if matches!(
        cli.command,
        Some(
            Command::Runbook(_)
                | Command::Audit(_)
                | Command::Snapshot { .. }
                | Command::Timeline { .. }
                | Command::Postmortem { .. }
                | Command::Fleet { .. }
                | Command::Logs(_)
                | Command::Cost { .. }
                | Command::Posture { .. }
                | Command::Doctor { .. }
                | Command::Init(_)
                | Command::Exec { .. }
                | Command::Forward { .. }
        )
    ) && logging::init().is_some()
    {
        tracing::info!(command = ?std::env::args().nth(1), "starting");
    }
    match cli.command {
        Some(Command::Completions { shell }) => {
            opsdeck::commands::completions::completions(&cli.global, shell)
        }
        Some(Command::Man) => opsdeck::commands::completions::man(),
        Some(Command::Doctor { json }) => opsdeck::commands::doctor::run(&cli.global, json),
        Some(Command::Init(args)) => opsdeck::commands::init::run(&cli.global, &args),
        Some(Command::IamPolicy { role }) => {
            use opsdeck::cloud::permissions::{Role, policy_text};
            match Role::from_name(&role) {
                Some(r) => {
                    print!("{}", policy_text(r));
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!(
                        "opsdeck: unknown role {}: read-only, operator or break-glass",
                        opsdeck::text::quote(&role)
                    );
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Config(ConfigCommand::Example)) => {
            print!("{}", opsdeck::config::example::EXAMPLE);
            ExitCode::SUCCESS
        }
        Some(Command::Config(ConfigCommand::Check { path })) => {
            config_check(path.as_deref().or(cli.global.config.as_deref()))
        }
        Some(Command::Runbook(cmd)) => opsdeck::commands::runbook::run(&cli.global, cmd),
        Some(Command::Drill(DrillCommand::Run { name, speed, seed })) => {
            let mut global = cli.global.clone();
            global.demo = true;
            console(&global, Some((Some(name), seed, speed)))
        }
        Some(Command::Drill(cmd)) => opsdeck::commands::drill::run(&cmd),
        Some(Command::Audit(cmd)) => opsdeck::commands::audit::run(&cli.global, cmd),
        Some(Command::Exec {
            task,
            container,
            confirm_env,
            command,
        }) => opsdeck::commands::exec::run_exec(
            &cli.global,
            &task,
            container.as_deref(),
            &command,
            confirm_env.as_deref(),
        ),
        Some(Command::Forward {
            task,
            to,
            local,
            container,
            confirm_env,
        }) => opsdeck::commands::exec::run_forward(
            &cli.global,
            opsdeck::exec::flow::ForwardAsk {
                task,
                container,
                to: match opsdeck::exec::target::ForwardTo::parse(&to) {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("opsdeck forward: --to {e}");
                        return ExitCode::from(2);
                    }
                },
                local_port: local,
                confirmed: false,
            },
            confirm_env.as_deref(),
        ),
        Some(Command::Snapshot { json }) => opsdeck::commands::snapshot::run(&cli.global, json),
        Some(Command::Postmortem { id, out }) => {
            opsdeck::commands::postmortem::run(&cli.global, &id, out)
        }
        Some(Command::Timeline {
            since,
            until,
            source,
            json,
            markdown,
        }) => opsdeck::commands::timeline::run(
            &cli.global,
            opsdeck::commands::timeline::TimelineArgs {
                since,
                until,
                source,
                json,
                markdown,
            },
        ),
        Some(Command::Fleet { json, concurrency }) => opsdeck::commands::fleet::run(
            &cli.global,
            json,
            concurrency.and_then(|n| usize::try_from(n).ok()),
        ),
        Some(Command::Logs(cmd)) => opsdeck::commands::logs::run(&cli.global, cmd),
        Some(Command::Cost { json, amortized }) => {
            opsdeck::commands::cost::run(&cli.global, json, amortized)
        }
        Some(Command::Posture { json, fail_on }) => {
            opsdeck::commands::posture::run(&cli.global, json, fail_on)
        }
        None if cli.global.drill.is_some() => console(&cli.global, Some((None, None, None))),
        None => console(&cli.global, None),
    }
}

/// A command's output piped into `head` stops when the reader goes away, as Unix tools do
/// (SIGPIPE's default action), instead of panicking on the write. Not for the console,
/// which owns the terminal and restores it.
fn die_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before the tokio runtime or any other thread
    // exists; SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Unless the process runs on AWS, stop the SDK probing instance metadata, which
/// costs seconds on a laptop (measured: 3 s at start, 1 s per credential lookup).
fn disable_imds_unless_on_aws() {
    let on_aws = [
        "AWS_EXECUTION_ENV",
        "ECS_CONTAINER_METADATA_URI_V4",
        "ECS_CONTAINER_METADATA_URI",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some());
    if !on_aws && std::env::var_os("AWS_EC2_METADATA_DISABLED").is_none() {
        // SAFETY: called first thing in main, before the tokio runtime or any other thread exists.
        unsafe { std::env::set_var("AWS_EC2_METADATA_DISABLED", "true") };
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "opsdeck: {message}");
    ExitCode::from(EXIT_ERROR)
}

fn config_check(path: Option<&std::path::Path>) -> ExitCode {
    let checked = Config::discover(path).and_then(|config| {
        config.check_theme(|name| Theme::load(name).map(|_| ()))?;
        Ok(config)
    });
    match checked {
        Ok(config) => {
            let source = config
                .source
                .as_ref()
                .map_or("built-in defaults".to_string(), |p| p.display().to_string());
            println!("{source}: ok");
            for env in &config.environments {
                println!(
                    "  {:<10} region {:<12} profile {:<10} cluster {}{}",
                    env.name,
                    env.region,
                    env.profile.as_deref().unwrap_or("-"),
                    env.cluster,
                    if env.protected { "  (protected)" } else { "" }
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// The theme the flags and config ask for, with `NO_COLOR` applied.
fn theme(global: &GlobalArgs, context: &Context) -> Result<(Theme, bool), FileError> {
    let name = global
        .theme
        .clone()
        .or_else(|| context.config.theme.clone())
        .unwrap_or_else(|| "default".to_string());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if global.theme.is_none() {
        // The config's theme: an error names the config file, line and column.
        context
            .config
            .check_theme(|name| Theme::load(name).map(|_| ()))?;
    }
    let theme = Theme::load(&name)?;
    Ok((
        if no_color {
            theme.without_color()
        } else {
            theme
        },
        no_color,
    ))
}

/// What the operator must see first: writes a previous run left unfinished (from the
/// audit log, reported once) and runbook files that did not load.
fn startup_warnings(library: &Library, demo: bool) -> Option<(String, Level)> {
    let audit = AuditLog::for_mode(demo);
    match audit.close_interrupted() {
        Ok(open) if !open.is_empty() => {
            let r = &open[0];
            return Some((
                format!(
                    "⚠ interrupted write: {} on {} step {} at {} — its effect is unknown, check the resource (opsdeck audit show){}",
                    r.entry.runbook,
                    r.entry.env,
                    r.entry.step,
                    r.time,
                    if open.len() > 1 {
                        format!(" and {} more", open.len() - 1)
                    } else {
                        String::new()
                    }
                ),
                Level::Critical,
            ));
        }
        Ok(_) => {}
        Err(e) => return Some((format!("⚠ audit log unreadable: {e}"), Level::Critical)),
    }
    library
        .errors
        .first()
        .map(|e| (format!("runbook skipped: {e}"), Level::Warning))
}

/// What `opsdeck drill run` or `--drill FILE` asks to play: name, seed, speed.
type DrillArgs = (Option<String>, Option<u64>, Option<f64>);

fn console(global: &GlobalArgs, drill: Option<DrillArgs>) -> ExitCode {
    if global.drill.is_some() && !global.demo {
        return fail("--drill plays a drill on the simulated account: add --demo");
    }
    let mut context = match Context::load(global) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let session = match drill {
        None => None,
        Some((name, seed, speed)) => {
            use opsdeck::commands::drill;
            let started = drill::find(name.as_deref(), global.drill.as_deref()).and_then(|d| {
                if global.env.is_empty() {
                    match context.config.environment(&d.env) {
                        Some(env) => context.env = env.clone(),
                        None => {
                            return Err(format!(
                                "the drill's environment {} is not configured",
                                d.env
                            ));
                        }
                    }
                }
                drill::start(d, seed, speed, global.read_only)
            });
            match started {
                Ok(s) => {
                    context.connector = Box::new(s.connector);
                    Some(s.session)
                }
                Err(e) => return fail(e),
            }
        }
    };
    let (theme, no_color) = match theme(global, &context) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let log_path = logging::init();
    tracing::info!(env = %context.env.name, demo = global.demo, read_only = global.read_only, drill = session.is_some(), "starting");
    let Context {
        config,
        env,
        connector,
        ..
    } = context;
    let theme_name = global
        .theme
        .clone()
        .or_else(|| config.theme.clone())
        .unwrap_or_else(|| "default".to_string());
    let mut state = AppState::new(config, env, wall_clock_now());
    state.demo = global.demo;
    state.read_only = global.read_only;
    state.no_color = no_color;
    state.theme_name = theme_name;
    state.theme_names = opsdeck::ui::theme::theme_names();
    state.profile_names = opsdeck::config::aws_profiles::profile_names();
    state.runbooks = RunbooksState::new(Library::load_default());
    if let Some((text, level)) = startup_warnings(&state.runbooks.library, state.demo) {
        state.set_status(text, level);
    }
    let runtime = match opsdeck::commands::context::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let caught = std::sync::Arc::new(std::sync::atomic::AtomicI32::new(0));
    let stop = terminal::stop_signal(std::sync::Arc::clone(&caught));
    let drill_run = session.as_ref().map(|s| s.run());
    let result = runtime.block_on(async {
        let tui = terminal::init()?;
        let _guard = terminal::RestoreGuard;
        let mut frontend = opsdeck::ui::frontend::TerminalFrontend {
            terminal: tui,
            theme,
        };
        run(&mut frontend, state, connector, stop, session).await
    });
    // Background fetches may still be waiting on the network; do not wait for them.
    runtime.shutdown_background();
    // The guard has restored the terminal; a signal exits with 128 + its number.
    let signal = caught.load(std::sync::atomic::Ordering::SeqCst);
    if signal > 0 {
        return ExitCode::from(u8::try_from(128 + signal).unwrap_or(EXIT_ERROR));
    }
    if let Some(run) = drill_run {
        eprintln!("drill {run} ended: `opsdeck drill report {run}` writes its debrief");
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let hint = log_path.map_or(String::new(), |p| format!(" (log: {})", p.display()));
            fail(format!("{e}{hint}"))
        }
    }
}
