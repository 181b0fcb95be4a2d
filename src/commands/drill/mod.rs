//! `opsdeck drill list | run | report`: the drills, starting one in the console on the
//! simulated account, and the Markdown debrief of a run.

pub mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::context::{DEMO_SEED, EXIT_ERROR};
use crate::app::connect::SimConnector;
use crate::audit::AuditLog;
use crate::cli::DrillCommand;
use crate::cloud::sim::{SimClock, SimWorld};
use crate::drill::journal::{Journal, JournalRecord};
use crate::drill::library::load_file;
use crate::drill::score::score;
use crate::drill::session::Session;
use crate::drill::{Drill, DrillLibrary};
use crate::runbook::library::Library;
use crate::text::quote;

/// `list` and `report` (`run` opens the console: see [`start`]).
pub fn run(cmd: &DrillCommand) -> ExitCode {
    match cmd {
        DrillCommand::List => list(),
        DrillCommand::Report { run, out } => report(run.as_deref(), out.as_deref()),
        DrillCommand::Run { .. } => ExitCode::from(EXIT_ERROR),
    }
}

fn list() -> ExitCode {
    let lib = DrillLibrary::load_default();
    for d in &lib.drills {
        let faults: Vec<&str> = d.faults.iter().map(|f| f.sim.kind.name()).collect();
        println!(
            "{:<22} {:<8} {:>3} min  {}{}  [{}]",
            d.name,
            d.env,
            d.duration_minutes,
            if d.user { "yours: " } else { "" },
            d.title,
            faults.join(", ")
        );
    }
    for e in &lib.errors {
        eprintln!("opsdeck: {e}");
    }
    if lib.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_ERROR)
    }
}

/// The drill to play: installed by `name`, or the file `--drill FILE`.
pub fn find(name: Option<&str>, file: Option<&Path>) -> Result<Drill, String> {
    match (name, file) {
        (_, Some(path)) => load_file(path, &Library::load_default()).map_err(|e| e.to_string()),
        (Some(name), None) => {
            let lib = DrillLibrary::load_default();
            lib.get(name).cloned().ok_or_else(|| {
                format!(
                    "no drill called {}; known: {}",
                    quote(name),
                    lib.drills
                        .iter()
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        }
        (None, None) => Err("name a drill or give --drill FILE".into()),
    }
}

/// A drill started for the console: the session and the simulated account it plays on.
pub struct Started {
    pub session: Session,
    pub connector: SimConnector,
}

/// Starts `drill` on a fresh simulated account running `speed` times real time.
pub fn start(
    drill: Drill,
    seed: Option<u64>,
    speed: Option<f64>,
    read_only: bool,
) -> Result<Started, String> {
    let seed = seed.or(drill.seed).unwrap_or(DEMO_SEED);
    let speed = speed.unwrap_or(1.0);
    let world = SimWorld::with_scenario(seed, SimClock::live(speed), drill.scenario());
    let clock_world = Arc::clone(&world);
    let audit = AuditLog::for_mode(true).with_clock(Some(Arc::new(move || clock_world.now())));
    let session = Session::start(drill, Arc::clone(&world), audit, seed, speed)
        .map_err(|e| format!("cannot start the drill journal: {e}"))?;
    Ok(Started {
        session,
        connector: SimConnector { world, read_only },
    })
}

/// The journal directory of the console's drills (beside the demo audit log).
pub fn journal_dir() -> PathBuf {
    Journal::dir_for(AuditLog::for_mode(true).path())
}

fn report(run: Option<&str>, out: Option<&Path>) -> ExitCode {
    let dir = journal_dir();
    let journal = match run {
        Some(r) if r.contains('/') || r.starts_with('.') => {
            eprintln!("opsdeck: {} is not a run id", quote(r));
            return ExitCode::from(EXIT_ERROR);
        }
        Some(r) => Journal::at(&dir, r),
        None => match Journal::latest(&dir) {
            Some(j) => j,
            None => {
                eprintln!(
                    "opsdeck: no drill has been run yet (journals live in {})",
                    dir.display()
                );
                return ExitCode::from(EXIT_ERROR);
            }
        },
    };
    match debrief(&journal) {
        Ok(text) => match out {
            Some(path) => match crate::private_file::replace(path, text.as_bytes()) {
                Ok(()) => {
                    println!("{}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("opsdeck: cannot write {}: {e}", path.display());
                    ExitCode::from(EXIT_ERROR)
                }
            },
            None => {
                print!("{text}");
                ExitCode::SUCCESS
            }
        },
        Err(e) => {
            eprintln!("opsdeck: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The debrief of the run `journal` records: the drill is found again by its source
/// (a shipped drill by name, a file by its path), the audit log at the path it names.
pub fn debrief(journal: &Journal) -> Result<String, String> {
    let records = journal
        .read()
        .map_err(|e| format!("{}: {e}", journal.path().display()))?;
    let Some(JournalRecord::Start {
        drill,
        source,
        audit,
        ..
    }) = records.first()
    else {
        return Err(format!(
            "{}: does not start with the drill's start record",
            journal.path().display()
        ));
    };
    let found = if source.starts_with("drills/") {
        find(Some(drill), None)
    } else {
        find(None, Some(Path::new(source)))
    }?;
    let audit = AuditLog::new(audit).read_all().map_err(|e| e.to_string())?;
    Ok(report::markdown(&found, &score(&found, &records, &audit)))
}
