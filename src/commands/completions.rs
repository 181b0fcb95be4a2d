//! `opsdeck completions SHELL` and `opsdeck man`: the clap command with the names a
//! user types most — environments from the config, runbooks from the shipped and user
//! runbook files — as possible values, so the shell completes them.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use clap::builder::PossibleValuesParser;

use crate::cli::{Cli, GlobalArgs};
use crate::config::Config;
use crate::runbook::library::Library;

/// The command line with `--env` values and runbook names filled in (a config that does
/// not load leaves the default environments).
pub fn command_with_names(config: &Config, library: &Library) -> clap::Command {
    let envs = config.environment_names();
    let runbooks: Vec<String> = library.runbooks.iter().map(|r| r.name.clone()).collect();
    let names = |values: &[String]| PossibleValuesParser::new(values.to_vec());
    Cli::command()
        .mut_arg("env", |a| a.value_parser(names(&envs)))
        .mut_subcommand("runbook", |c| {
            c.mut_subcommand("run", |r| {
                r.mut_arg("name", |a| a.value_parser(names(&runbooks)))
            })
            .mut_subcommand("show", |r| {
                r.mut_arg("name", |a| a.value_parser(names(&runbooks)))
            })
        })
}

/// Print completions for `shell`.
pub fn completions(global: &GlobalArgs, shell: clap_complete::Shell) -> ExitCode {
    let config = Config::discover(global.config.as_deref()).unwrap_or_default();
    let mut cmd = command_with_names(&config, &Library::load_default());
    clap_complete::generate(shell, &mut cmd, "opsdeck", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// Print the man page.
pub fn man() -> ExitCode {
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        eprintln!("opsdeck: man page: {e}");
        return ExitCode::from(2);
    }
    let _ = std::io::stdout().write_all(&out);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_and_runbook_names_are_possible_values() {
        let cmd = command_with_names(&Config::default(), &Library::load(None));
        let env = cmd
            .get_arguments()
            .find(|a| a.get_id() == "env")
            .expect("--env");
        let values: Vec<String> = env
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        assert_eq!(values, vec!["dev", "staging", "prod"]);
        let run = cmd
            .find_subcommand("runbook")
            .and_then(|c| c.find_subcommand("run"))
            .expect("runbook run");
        let name = run
            .get_arguments()
            .find(|a| a.get_id() == "name")
            .expect("name");
        assert!(
            name.get_possible_values()
                .iter()
                .any(|v| v.get_name() == "rollback")
        );
    }
}
