//! Command-line interface (clap derive). Global flags work with every subcommand.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

/// A terminal console for operating an AWS platform during incidents.
#[derive(Debug, Parser)]
#[command(name = "opsdeck", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags accepted before or after any subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Open on the built-in simulated account (no AWS credentials needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// With --demo: start the simulated account MINUTES in (prod's incident: the bad
    /// deployment at 2, crash loop and alarms from 3, circuit-breaker rollback at 12).
    #[arg(
        long = "demo-at",
        global = true,
        value_name = "MINUTES",
        value_parser = clap::value_parser!(u16).range(0..=1440)
    )]
    pub demo_at: Option<u16>,
    /// With --demo: play the drill file FILE (one not installed) on the simulated account.
    #[arg(long, global = true, value_name = "FILE")]
    pub drill: Option<PathBuf>,
    /// Environment to open (dev, staging, prod, or one from the config); `init` takes
    /// it several times.
    #[arg(long, global = true, value_name = "NAME", action = ArgAction::Append)]
    pub env: Vec<String>,
    /// Config file (default: $OPSDECK_CONFIG, then ~/.config/opsdeck/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// AWS profile, overriding the environment's.
    #[arg(long, global = true, value_name = "P")]
    pub profile: Option<String>,
    /// AWS region, overriding the environment's.
    #[arg(long, global = true, value_name = "R")]
    pub region: Option<String>,
    /// Endpoint URL for every AWS service (emulators); AWS_ENDPOINT_URL_<SERVICE> still wins.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Refuse every write in the cloud layer, before any request leaves.
    #[arg(long = "read-only", visible_alias = "readonly", global = true)]
    pub read_only: bool,
    /// Colour theme (default, high-contrast, solarized-dark, or a user theme).
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
}

impl GlobalArgs {
    /// The one `--env` given, if any: every command but `init` opens one environment,
    /// so several are an error that says so.
    pub fn single_env(&self) -> Result<Option<&str>, String> {
        match self.env.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.as_str())),
            many => Err(format!(
                "--env was given {} times ({}): this command opens one environment (only `opsdeck init` takes several)",
                many.len(),
                many.iter()
                    .map(|e| crate::text::quote(e))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// Subcommands; without one, opsdeck opens the console.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print shell completions (environment and runbook names from your config and
    /// runbook files are completed too).
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `opsdeck man > opsdeck.1; man ./opsdeck.1`.
    Man,
    /// Who you are, where, and whether every read the panes and runbooks need works
    /// (each called once; exit 0 all usable, 1 something missing, 2 cannot check).
    Doctor {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the least-privilege IAM policy for a role (read-only, operator, break-glass),
    /// generated from the table of every AWS action opsdeck calls (`iam/` holds them).
    IamPolicy {
        /// read-only, operator or break-glass.
        #[arg(long, default_value = "read-only")]
        role: String,
    },
    /// Validate or print config files.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// List, show and run runbooks (plan, confirm, audit, verify).
    #[command(subcommand)]
    Runbook(RunbookCommand),
    /// Practise the seed's incidents on the simulated account and get a scored debrief.
    #[command(subcommand)]
    Drill(DrillCommand),
    /// Show or verify the audit log of writes.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Daily security posture review: open Security Hub and GuardDuty findings by severity,
    /// standard scores, new since yesterday. Exits 1 when findings at or above --fail-on are open.
    Posture {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Exit 1 when open findings of this severity or worse exist (critical, high, medium, low).
        #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
        fail_on: Option<crate::cloud::Severity>,
    },
    /// Cost of an environment: month to date, trend, forecast vs budget, anomalies
    /// (cached on disk; prints the paid Cost Explorer requests made).
    Cost {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Amortized instead of unblended cost.
        #[arg(long)]
        amortized: bool,
    },
    /// Logs Insights without a UI (`opsdeck logs query --builtin recent-errors --since 1h`).
    #[command(subcommand)]
    Logs(LogsCommand),
    /// Write a config for your account: each environment's cluster, service, load
    /// balancer, target group, database, cache, log groups, secrets, alert topic and
    /// quarantine group, found from the tags `Project` and `Environment`, then Terraform
    /// outputs, else left commented out with the naming convention's guess. Without
    /// --write the config goes to stdout; what was found, and where, goes to stderr.
    /// Exit 0 every key found, 1 some not found, 2 on errors.
    Init(InitArgs),
    /// Every configured environment at once: a verdict per tier, alarms in ALARM,
    /// deployments in flight, open critical/high findings, month to date against budget
    /// (from the Cost Explorer cache only), identity and age. Exit code as `snapshot`
    /// over all environments: 0 healthy, 1 degraded, 2 when a read failed.
    Fleet {
        /// Print JSON (one object per environment) instead of text.
        #[arg(long)]
        json: bool,
        /// Environments read at once (default: the config's fleet_concurrency, 8).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
        concurrency: Option<u64>,
    },
    /// The dashboard without a UI: a verdict per tier, latest values, alarms, recent
    /// errors. Exit code 0 healthy, 1 degraded, 2 on error.
    Snapshot {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// ECS Exec into a task without the console: the preflight (exec enabled, exec agent
    /// running, Fargate ≥ 1.4.0, task role's ssmmessages:*, the session-manager-plugin),
    /// then `ExecuteCommand` and the plugin on this terminal. Audited; refused with
    /// --read-only; a protected environment needs its name typed (or --confirm-env).
    /// Exit: the plugin's code, 1 when the preflight fails, 2 on errors.
    Exec {
        /// The task id or ARN.
        #[arg(long, value_name = "TASK")]
        task: String,
        /// The container (needed when the task has several).
        #[arg(long, value_name = "NAME")]
        container: Option<String>,
        /// The protected environment's name, instead of typing it.
        #[arg(long, value_name = "ENV")]
        confirm_env: Option<String>,
        /// The command after `--` (default /bin/sh). Never put a secret's value in it.
        #[arg(last = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Forward a local port through a task to `db` (the environment's database endpoint,
    /// 5432), `cache` (its Redis primary, 6379) or HOST:PORT, with SSM's
    /// AWS-StartPortForwardingSessionToRemoteHost and the session-manager-plugin; ctrl-c
    /// closes it (TerminateSession). Audited; refused with --read-only.
    Forward {
        /// The task id or ARN.
        #[arg(long, value_name = "TASK")]
        task: String,
        /// db, cache or HOST:PORT.
        #[arg(long, value_name = "DEST")]
        to: String,
        /// The local port (default: the remote port + 10000).
        #[arg(long, value_name = "PORT")]
        local: Option<u16>,
        /// The container whose network the forward leaves from.
        #[arg(long, value_name = "NAME")]
        container: Option<String>,
        /// The protected environment's name, instead of typing it.
        #[arg(long, value_name = "ENV")]
        confirm_env: Option<String>,
    },
    /// An incident's postmortem in Markdown: summary, detection, timeline, the
    /// responders' runbook runs with their outcomes and verification, impact in numbers,
    /// evidence files with SHA-256, follow-ups.
    Postmortem {
        /// The incident id (`:incident start ID`, or a runbook's --param incident=ID).
        id: String,
        /// Write to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// What changed and what happened, in time order: deployments (with what each
    /// revision changed), alarm state changes, CloudTrail, findings, scaling, RDS events
    /// and operator actions, with the suspect change. Exit 0 every source read, 1 some
    /// source unknown (the rest is printed), 2 on errors.
    Timeline {
        /// Start of the window: `30m`, `2h`, `7d` ago, or an RFC 3339 time.
        #[arg(long, default_value = "2h")]
        since: String,
        /// End of the window (default: now), same forms as --since.
        #[arg(long)]
        until: Option<String>,
        /// Only one source: deploy, alarm, trail, finding, scaling, rds or operator.
        #[arg(long)]
        source: Option<String>,
        /// Print JSON instead of text.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print a Markdown table (renders on GitHub).
        #[arg(long)]
        markdown: bool,
    },
}

/// `opsdeck init` flags (the environments are the global `--env`, repeatable; default
/// dev, staging and prod).
#[derive(Debug, Clone, Default, Args)]
pub struct InitArgs {
    /// The `Project` tag value (default: the value found on resources tagged with the
    /// environments, else cloudplatform).
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Run `terraform output -json` in DIR (`{env}` in DIR is replaced by each
    /// environment's name: one state per environment).
    #[arg(long, value_name = "DIR", conflicts_with = "terraform_outputs")]
    pub terraform: Option<PathBuf>,
    /// Read `terraform output -json` saved in FILE (`{env}` in FILE is replaced by each
    /// environment's name: one file per environment).
    #[arg(long, value_name = "FILE")]
    pub terraform_outputs: Option<PathBuf>,
    /// Write the config to PATH instead of stdout (an existing file is kept, and the
    /// difference shown, unless --force).
    #[arg(long, value_name = "PATH")]
    pub write: Option<PathBuf>,
    /// Replace an existing --write file.
    #[arg(long, requires = "write")]
    pub force: bool,
    /// Decide one key yourself: `ENV.KEY=VALUE`, e.g. `prod.cluster=shop-prod-main`
    /// (repeatable; what to give when several candidates are found and there is no
    /// terminal to choose on).
    #[arg(long = "set", value_name = "ENV.KEY=VALUE")]
    pub set: Vec<String>,
}

/// `opsdeck runbook …`
#[derive(Debug, Subcommand)]
pub enum RunbookCommand {
    /// List every runbook (shipped and the user's), with risk and whether it writes.
    List,
    /// Show a runbook: purpose, parameters, steps, escalation.
    Show {
        /// The runbook's name.
        name: String,
    },
    /// Plan, confirm, execute and verify a runbook.
    /// Exit codes: 0 ok, 1 verification failed or refused, 2 error.
    Run {
        /// The runbook's name.
        name: String,
        /// A parameter, `key=value` (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Show the plan and stop.
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation (a protected environment also needs --confirm-env).
        #[arg(long)]
        yes: bool,
        /// The environment's name, typed, to confirm --yes on a protected environment.
        #[arg(long, value_name = "ENV")]
        confirm_env: Option<String>,
    },
}

/// `opsdeck drill …`
#[derive(Debug, Subcommand)]
pub enum DrillCommand {
    /// List the drills (shipped and yours in ~/.config/opsdeck/drills/).
    List,
    /// Open the console on the simulated account with the drill playing (a DRILL banner on
    /// every screen; F9 reveals a hint, F8 pauses and resumes).
    Run {
        /// The drill's name (`opsdeck drill list`).
        name: String,
        /// Simulated seconds per real second (default 1).
        #[arg(long, value_name = "N", value_parser = parse_speed)]
        speed: Option<f64>,
        /// Seed of the simulated account (default the drill's, else 42).
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
    },
    /// Write the Markdown debrief of a run (default: the latest) to stdout or --out.
    Report {
        /// The run's id (a file name in the drills/ journal directory, without `.jsonl`).
        run: Option<String>,
        /// Write the debrief to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn parse_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 1000.0 => Ok(s),
        _ => Err(format!("{text}: a speed is a number above 0, at most 1000")),
    }
}

/// `opsdeck audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit records.
    Show {
        /// Only records newer than this: a duration (30m, 12h, 7d) or an RFC 3339 time.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check the hash chain: detects edited, deleted and truncated records (exit 1).
    Verify,
}

/// `opsdeck config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a config file (default: the one opsdeck would load) and print its environments.
    Check {
        /// The file to check.
        path: Option<PathBuf>,
    },
    /// Print a commented example config.
    Example,
}

/// `opsdeck logs …`
#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// Run a Logs Insights query over the environment's log groups and print the rows.
    Query(QueryArgs),
}

/// `opsdeck logs query` flags.
#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// File with the query text (`-` reads stdin).
    #[arg(long, value_name = "F", conflicts_with = "builtin")]
    pub query_file: Option<PathBuf>,
    /// A built-in query: recent-errors (default), errors-by-endpoint, slow-requests,
    /// status-volume.
    #[arg(long, value_name = "NAME")]
    pub builtin: Option<String>,
    /// Time range: `15m`, `1h`, `7d`, or `FROM .. TO` (UTC, `2026-09-01 00:00`).
    #[arg(long, default_value = "1h", value_name = "RANGE")]
    pub since: String,
    /// Log group (repeatable); default: the environment's `log_groups`.
    #[arg(long = "log-group", value_name = "GROUP")]
    pub log_groups: Vec<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `--fail-on` values: critical, high, medium, low, informational (or crit/med/info).
pub fn parse_severity(s: &str) -> Result<crate::cloud::Severity, String> {
    crate::cloud::Severity::parse(s).ok_or_else(|| {
        format!("unknown severity {s:?}; use critical, high, medium, low or informational")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_after_subcommand() {
        let cli = Cli::parse_from(["opsdeck", "config", "check", "--readonly", "--env", "prod"]);
        assert!(cli.global.read_only);
        assert_eq!(cli.global.single_env(), Ok(Some("prod")));
    }

    #[test]
    fn init_takes_env_several_times_and_other_commands_say_they_take_one() {
        for args in [
            &["opsdeck", "init", "--env", "staging", "--env", "prod"][..],
            &["opsdeck", "--env", "staging", "--env", "prod", "init"][..],
        ] {
            let cli = Cli::parse_from(args);
            assert_eq!(cli.global.env, vec!["staging", "prod"], "{args:?}");
            assert!(matches!(cli.command, Some(Command::Init(_))));
            let e = cli.global.single_env().unwrap_err();
            assert!(e.contains("2 times") && e.contains("opsdeck init"), "{e}");
        }
        let cli = Cli::parse_from(["opsdeck", "snapshot"]);
        assert_eq!(cli.global.single_env(), Ok(None));
    }
}
