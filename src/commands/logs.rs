//! `opsdeck logs query --env NAME [--query-file F | --builtin NAME] [--since 1h] [--json]`:
//! a Logs Insights query without the UI — `StartQuery`, `GetQueryResults` with back-off
//! until a terminal status, then the rows as a table (or JSON) and the statistics.
//! Exit code 0 when the query completed, 2 otherwise.

use std::process::ExitCode;
use std::time::Duration;

use super::context::{Context, EXIT_ERROR};
use crate::cli::{GlobalArgs, LogsCommand, QueryArgs};
use crate::cloud::{QueryResults, QueryStatus, format_bytes, run_query};
use crate::panes::logs::cell_text::sanitize;
use crate::panes::logs::query::{BUILTINS, TimeRange, build_query, builtin};
use crate::panes::logs::results::{ResultsTable, row_json};

/// Longest a query may run before it is stopped.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("opsdeck: {}", crate::text::one_line(&msg.to_string()));
    ExitCode::from(EXIT_ERROR)
}

/// The query text the flags ask for.
pub fn query_text(args: &QueryArgs) -> Result<String, String> {
    match (&args.query_file, &args.builtin) {
        (Some(p), _) if p.as_os_str() == "-" => {
            std::io::read_to_string(std::io::stdin()).map_err(|e| format!("stdin: {e}"))
        }
        (Some(p), _) => std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display())),
        (None, name) => {
            let name = name.as_deref().unwrap_or("recent-errors");
            builtin(name).map(|b| b.query.to_string()).ok_or_else(|| {
                let known: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
                format!("unknown built-in {name:?}; known: {}", known.join(", "))
            })
        }
    }
}

/// The results as JSON: status, statistics, columns, rows.
pub fn to_json(results: &QueryResults) -> serde_json::Value {
    let table = ResultsTable::new(results.rows.clone());
    serde_json::json!({
        "status": results.status.as_str(),
        "statistics": results.statistics.map(|s| serde_json::json!({
            "records_matched": s.records_matched,
            "records_scanned": s.records_scanned,
            "bytes_scanned": s.bytes_scanned,
        })),
        "columns": table.columns,
        "rows": table.rows.iter().map(|r| row_json(&table.columns, r)).collect::<Vec<_>>(),
    })
}

/// The results as an aligned text table (cells on one line, at most 120 characters).
pub fn to_text(results: &QueryResults) -> String {
    let table = ResultsTable::new(results.rows.clone());
    let cells: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| {
            table
                .cells(r)
                .into_iter()
                .map(|c| sanitize(c, 120))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r.get(i).map_or(0, |v| v.chars().count()))
                .max()
                .unwrap_or(0)
                .max(c.chars().count())
        })
        .collect();
    let line = |vals: Vec<&str>| -> String {
        let last = vals.len().saturating_sub(1);
        vals.iter()
            .enumerate()
            .map(|(i, v)| {
                if i == last {
                    (*v).to_string()
                } else {
                    format!("{v:<w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut out = line(table.columns.iter().map(String::as_str).collect());
    out.push('\n');
    for r in &cells {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// Run the command.
pub fn run(global: &GlobalArgs, cmd: LogsCommand) -> ExitCode {
    let LogsCommand::Query(args) = cmd;
    let context = match Context::load(global) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let text = match query_text(&args) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let range = match TimeRange::parse(&args.since) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let groups = if args.log_groups.is_empty() {
        context.env.log_groups.clone()
    } else {
        args.log_groups.clone()
    };
    let runtime = match super::context::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let cloud = context.cloud();
    let result = runtime.block_on(async {
        let query = build_query(&text, &groups, range, cloud.read.metrics_now());
        run_query(cloud.read.as_ref(), &query, MAX_WAIT).await
    });
    runtime.shutdown_background();
    let results = match result {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if args.json {
        println!(
            "{}",
            crate::text::json_printed(
                &serde_json::to_string_pretty(&to_json(&results)).unwrap_or_default()
            )
        );
    } else {
        print!("{}", crate::text::printed(&to_text(&results)));
    }
    let stats = results.statistics.map_or(String::new(), |s| {
        format!(
            " · matched {:.0} · scanned {:.0} records, {}",
            s.records_matched,
            s.records_scanned,
            format_bytes(s.bytes_scanned)
        )
    });
    eprintln!(
        "{} · {} rows{stats}",
        results.status.as_str(),
        results.rows.len()
    );
    if results.status == QueryStatus::Complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_ERROR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results() -> QueryResults {
        QueryResults {
            status: QueryStatus::Complete,
            statistics: None,
            rows: vec![
                vec![
                    ("endpoint".into(), "/api/orders".into()),
                    ("errors".into(), "12".into()),
                    ("@ptr".into(), "p".into()),
                ],
                vec![("errors".into(), "3\nx".into())],
            ],
        }
    }

    #[test]
    fn text_and_json_output() {
        assert_eq!(
            to_text(&results()),
            "endpoint     errors\n/api/orders  12\n             3⏎x\n"
        );
        let j = to_json(&results());
        assert_eq!(j["columns"], serde_json::json!(["endpoint", "errors"]));
        assert_eq!(j["rows"][1], serde_json::json!({"errors": "3\nx"}));
        assert_eq!(j["status"], "Complete");
    }

    #[test]
    fn query_text_from_builtin_or_error() {
        let args = QueryArgs {
            query_file: None,
            builtin: Some("slow-requests".into()),
            since: "1h".into(),
            log_groups: vec![],
            json: false,
        };
        assert!(query_text(&args).is_ok_and(|q| q.contains("duration > 1000")));
        let bad = QueryArgs {
            builtin: Some("nope".into()),
            ..args
        };
        assert!(query_text(&bad).is_err_and(|e| e.contains("recent-errors")));
    }
}
