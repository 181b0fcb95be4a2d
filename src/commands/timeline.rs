//! `opsdeck timeline --env E [--since 2h] [--until T] [--source S] [--json | --markdown]`:
//! what changed and what happened, in time order, from every feed the Timeline pane
//! reads, with the suspect change. Exit 0 every feed read, 1 some feed unknown (the
//! others are printed), 2 on errors.

use std::process::ExitCode;

use serde_json::json;

use super::context::{Context, EXIT_ERROR};
use crate::audit::AuditLog;
use crate::cli::GlobalArgs;
use crate::cloud::{Epoch, Window};
use crate::panes::dashboard::state::alarm_prefix;
use crate::panes::timeline::feed::Feed;
use crate::panes::timeline::gather::{FeedScope, gather_all};
use crate::panes::timeline::merged::merge;
use crate::panes::timeline::render_text::{feed_problems, markdown, plain, stamp};
use crate::panes::timeline::suspect;

/// Exit code when a feed could not be read (the rest was printed).
pub const EXIT_PARTIAL: u8 = 1;

/// `30m`, `2h`, `7d` before `now`, or an RFC 3339 time.
pub fn parse_instant(text: &str, now: Epoch) -> Result<Epoch, String> {
    if let Some(t) = crate::panes::timeline::from_audit::parse_time(text) {
        return Ok(t);
    }
    let (num, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{text:?}: expected e.g. 30m, 2h, 7d or an RFC 3339 time"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return Err(format!("{text:?}: unit must be s, m, h or d")),
    };
    Ok(now - secs)
}

/// What `opsdeck timeline` was asked.
#[derive(Debug, Clone)]
pub struct TimelineArgs {
    pub since: String,
    pub until: Option<String>,
    pub source: Option<String>,
    pub json: bool,
    pub markdown: bool,
}

/// Run the command.
pub fn run(global: &GlobalArgs, args: TimelineArgs) -> ExitCode {
    let fail = |e: String| {
        eprintln!("opsdeck: {}", crate::text::one_line(&e));
        ExitCode::from(EXIT_ERROR)
    };
    let context = match Context::load(global) {
        Ok(c) => c,
        Err(e) => return fail(e.to_string()),
    };
    let now = context.connector.now();
    let window = match (
        parse_instant(&args.since, now),
        args.until
            .as_deref()
            .map_or(Ok(now + 1), |u| parse_instant(u, now)),
    ) {
        (Ok(since), Ok(until)) if since < until => Window { since, until },
        (Ok(_), Ok(_)) => return fail("--since must be before --until".into()),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let only = match args.source.as_deref() {
        None => None,
        Some(s) => match Feed::from_label(s) {
            Some(f) => Some(f),
            None => {
                let known: Vec<&str> = Feed::ALL.iter().map(|f| f.label()).collect();
                return fail(format!("--source {s:?}: one of {}", known.join(", ")));
            }
        },
    };
    let runtime = match super::context::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let cloud = context.cloud();
    let audit = AuditLog::for_mode(global.demo);
    let prefix = alarm_prefix(&context.env, &context.config.project);
    let scope = FeedScope {
        env: &context.env,
        alarm_prefix: &prefix,
        audit: Some(audit.path()),
    };
    let feeds = runtime.block_on(gather_all(cloud.read.as_ref(), scope, window, only));
    runtime.shutdown_background();
    let events = merge(
        feeds
            .iter()
            .filter_map(|(f, r)| r.as_ref().ok().map(|a| (*f, a.events.as_slice()))),
    );
    let found = suspect::find(&events);
    let problems = feed_problems(&feeds);
    let failed = feeds.values().filter(|r| r.is_err()).count();
    if args.json {
        let value = json!({
            "env": context.env.name,
            "since": crate::audit::rfc3339_at(window.since),
            "until": crate::audit::rfc3339_at(window.until),
            "read_at": crate::audit::rfc3339_at(now),
            "feeds": feeds.iter().map(|(f, r)| (f.label().to_string(), match r {
                Ok(a) => json!({"events": a.events.len(), "complete": a.complete, "notes": a.notes}),
                Err(e) => json!({"error": e.to_string(), "events": null}),
            })).collect::<serde_json::Map<_, _>>(),
            "suspect": found,
            "events": events,
        });
        println!(
            "{}",
            crate::text::json_printed(&serde_json::to_string_pretty(&value).unwrap_or_default())
        );
    } else {
        let mut out = String::new();
        let header = format!(
            "{} · {} → {} UTC · read at {}",
            context.env.name,
            stamp(window.since),
            stamp(window.until),
            stamp(now)
        );
        if args.markdown {
            out.push_str(&format!("## Timeline: {header}\n\n"));
            if let Some(s) = &found {
                out.push_str(&format!(
                    "**Suspect change:** {}\n\n",
                    crate::panes::timeline::render_text::md_cell(&s.evidence)
                ));
            }
            out.push_str(&markdown(&events, found.as_ref().map(|s| s.change)));
            if !problems.is_empty() {
                out.push_str("\n**Not shown (unknown):**\n\n");
                for p in &problems {
                    out.push_str(&format!(
                        "- {}\n",
                        crate::panes::timeline::render_text::md_cell(p)
                    ));
                }
            }
        } else {
            out.push_str(&format!("{header}\n"));
            if let Some(s) = &found {
                out.push_str(&format!("suspect: {}\n", s.evidence));
            }
            out.push_str(&plain(&events, found.as_ref().map(|s| s.change)));
            if events.is_empty() {
                out.push_str("(no events in the readable feeds)\n");
            }
            for p in &problems {
                out.push_str(&format!("unknown: {p}\n"));
            }
        }
        print!("{}", crate::text::printed(&out));
    }
    if failed == feeds.len() {
        ExitCode::from(EXIT_ERROR)
    } else if failed > 0 {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}
