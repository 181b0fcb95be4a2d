//! A small Logs Insights engine for the simulated account: enough of the language
//! (`fields`, `display`, `filter` with `like`/comparisons/`and`, `parse` with `*` globs,
//! `stats` count/sum/avg/min/max `by` fields and `bin()`, `sort`, `limit`) to run the
//! seed's queries with plausible results. Anything else is a `MalformedQueryException`.

use std::collections::BTreeMap;

use crate::cloud::{CloudError, CloudResult, LogEvent, QueryStatistics, QueryStatus, ResultRow};

/// Rows returned when neither the query nor the request sets a limit.
pub const DEFAULT_LIMIT: usize = 1000;

/// One record flowing through the pipeline.
#[derive(Debug, Clone)]
struct Record {
    ts_ms: i64,
    fields: Vec<(String, String)>,
}

impl Record {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, v)| v.as_str())
    }

    fn set(&mut self, name: &str, value: String) {
        match self.fields.iter_mut().find(|(f, _)| f == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name.to_string(), value)),
        }
    }
}

fn malformed(msg: impl std::fmt::Display) -> CloudError {
    CloudError::Invalid(format!("StartQuery: MalformedQueryException: {msg}"))
}

/// `2026-09-01 00:03:12.345` from Unix milliseconds.
pub fn insights_time(ms: i64) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3]"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| ms.to_string())
}

/// Split `query` into its `|` commands, ignoring `|` inside quotes and `/regex/`.
fn commands(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in query.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                cur.push(c);
            }
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' || c == '`' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c == '/' && {
                let t = cur.trim_end();
                t.ends_with("like") || t.ends_with("=~")
            } =>
            {
                quote = Some('/');
                cur.push(c);
            }
            None if c == '|' => out.push(std::mem::take(&mut cur)),
            None => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

fn unquote(s: &str) -> Option<&str> {
    let s = s.trim();
    for q in ['\'', '"', '`', '/'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s.get(1..s.len() - 1);
        }
    }
    None
}

/// `like` with a regex is approximated: alternatives `a|b` as substrings, `(?i)` folds case.
fn like(value: &str, pattern: &str) -> bool {
    let (pattern, fold) = match pattern.strip_prefix("(?i)") {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    pattern.split('|').any(|alt| {
        let alt = alt.replace('\\', "");
        if fold {
            value.to_lowercase().contains(&alt.to_lowercase())
        } else {
            value.contains(&alt)
        }
    })
}

fn condition(rec: &Record, cond: &str) -> CloudResult<bool> {
    let cond = cond.trim();
    for (op, negate) in [(" not like ", true), (" like ", false)] {
        if let Some((field, pat)) = cond.split_once(op) {
            let pat = unquote(pat).ok_or_else(|| malformed(format!("bad pattern in {cond}")))?;
            let hit = rec.get(field.trim()).is_some_and(|v| like(v, pat));
            return Ok(hit != negate);
        }
    }
    for op in [">=", "<=", "!=", "=~", ">", "<", "="] {
        if let Some((field, rhs)) = cond.split_once(op) {
            let Some(v) = rec.get(field.trim()) else {
                return Ok(false);
            };
            if op == "=~" {
                let pat = unquote(rhs).ok_or_else(|| malformed(format!("bad regex in {cond}")))?;
                return Ok(like(v, pat));
            }
            let rhs = rhs.trim();
            let text = unquote(rhs).unwrap_or(rhs);
            let ord = match (v.trim().parse::<f64>(), text.parse::<f64>()) {
                (Ok(a), Ok(b)) => a.partial_cmp(&b),
                _ => Some(v.cmp(text)),
            };
            let Some(ord) = ord else { return Ok(false) };
            use std::cmp::Ordering::*;
            return Ok(match op {
                ">=" => ord != Less,
                "<=" => ord != Greater,
                "!=" => ord != Equal,
                ">" => ord == Greater,
                "<" => ord == Less,
                _ => ord == Equal,
            });
        }
    }
    Err(malformed(format!("unsupported filter {cond:?}")))
}

/// `parse FIELD 'a*b*' as x, y`: glob captures, the last `*` to the end of the text.
fn glob_capture(text: &str, pattern: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = pattern.split('*').collect();
    let first = parts.first()?;
    let mut pos = if first.is_empty() {
        0
    } else {
        text.find(first)? + first.len()
    };
    let mut caps = Vec::new();
    for (i, lit) in parts.iter().enumerate().skip(1) {
        let rest = text.get(pos..)?;
        if lit.is_empty() && i == parts.len() - 1 {
            caps.push(rest.to_string());
            pos = text.len();
        } else if lit.is_empty() {
            caps.push(String::new());
        } else {
            let at = rest.find(lit)?;
            caps.push(rest.get(..at)?.to_string());
            pos += at + lit.len();
        }
    }
    Some(caps)
}

fn bin_seconds(spec: &str) -> Option<i64> {
    let s = spec.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let mul = match unit {
        "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" | "hr" => 3600,
        "d" => 86400,
        _ => return None,
    };
    (n > 0).then_some(n * mul)
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{:.3}", v)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

struct Agg {
    func: String,
    arg: String,
    name: String,
}

fn parse_aggs(s: &str) -> CloudResult<Vec<Agg>> {
    split_list(s)
        .into_iter()
        .map(|item| {
            let (expr, name) = match item.split_once(" as ") {
                Some((e, n)) => (e.trim().to_string(), n.trim().to_string()),
                None => (item.clone(), item.clone()),
            };
            let open = expr.find('(').ok_or_else(|| malformed(&expr))?;
            let func = expr[..open].trim().to_lowercase();
            let arg = expr[open + 1..].trim_end_matches(')').trim().to_string();
            if !["count", "sum", "avg", "min", "max"].contains(&func.as_str()) {
                return Err(malformed(format!("unsupported function {func}")));
            }
            Ok(Agg { func, arg, name })
        })
        .collect()
}

fn run_stats(records: &[Record], spec: &str) -> CloudResult<Vec<Record>> {
    let (aggs_s, by_s) = match spec.split_once(" by ") {
        Some((a, b)) => (a, Some(b)),
        None => (spec, None),
    };
    let aggs = parse_aggs(aggs_s)?;
    let keys = by_s.map(split_list).unwrap_or_default();
    let mut groups: BTreeMap<Vec<String>, (i64, Vec<&Record>)> = BTreeMap::new();
    for rec in records {
        let mut key = Vec::new();
        let mut ts = rec.ts_ms;
        for k in &keys {
            if let Some(spec) = k.strip_prefix("bin(").and_then(|r| r.strip_suffix(')')) {
                let secs = bin_seconds(spec).ok_or_else(|| malformed(k))?;
                ts = rec.ts_ms.div_euclid(secs * 1000) * secs * 1000;
                key.push(insights_time(ts));
            } else {
                match rec.get(k) {
                    Some(v) => key.push(v.to_string()),
                    None => key.push(String::new()),
                }
            }
        }
        groups.entry(key).or_insert((ts, Vec::new())).1.push(rec);
    }
    let mut out = Vec::new();
    for (key, (ts, recs)) in groups {
        let mut fields: Vec<(String, String)> = keys.iter().cloned().zip(key).collect();
        for a in &aggs {
            let values: Vec<f64> = recs
                .iter()
                .filter_map(|r| r.get(&a.arg).and_then(|v| v.trim().parse().ok()))
                .collect();
            let v = match a.func.as_str() {
                "count" if a.arg.is_empty() || a.arg == "*" => recs.len() as f64,
                "count" => recs.iter().filter(|r| r.get(&a.arg).is_some()).count() as f64,
                _ if values.is_empty() => continue,
                "sum" => values.iter().sum(),
                "avg" => values.iter().sum::<f64>() / values.len() as f64,
                "min" => values.iter().copied().fold(f64::INFINITY, f64::min),
                _ => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            };
            fields.push((a.name.clone(), number(v)));
        }
        out.push(Record { ts_ms: ts, fields });
    }
    Ok(out)
}

fn sort(records: &mut [Record], spec: &str) {
    let mut words = spec.split_whitespace();
    let field = words.next().unwrap_or("@timestamp").trim_end_matches(',');
    let desc = words.next().is_some_and(|w| w.eq_ignore_ascii_case("desc"));
    records.sort_by(|a, b| {
        let (x, y) = (a.get(field).unwrap_or(""), b.get(field).unwrap_or(""));
        let ord = match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(p), Ok(q)) => p.partial_cmp(&q).unwrap_or(std::cmp::Ordering::Equal),
            _ => x.cmp(y),
        };
        if desc { ord.reverse() } else { ord }
    });
}

/// What a finished simulated query returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub rows: Vec<ResultRow>,
    pub statistics: QueryStatistics,
}

/// Check the query's syntax (`StartQuery` rejects malformed queries).
pub fn validate(query: &str) -> CloudResult<()> {
    run(query, &[], None, "0").map(|_| ())
}

/// Run `query` over `events` (any order). `account` prefixes `@log`.
pub fn run(
    query: &str,
    events: &[LogEvent],
    limit: Option<i32>,
    account: &str,
) -> CloudResult<Outcome> {
    let mut records: Vec<Record> = events
        .iter()
        .map(|e| Record {
            ts_ms: e.timestamp_ms,
            fields: vec![
                ("@timestamp".into(), insights_time(e.timestamp_ms)),
                ("@message".into(), e.message.clone()),
                ("@logStream".into(), e.log_stream.clone()),
                ("@log".into(), format!("{account}:{}", e.log_group)),
                ("@ptr".into(), format!("ptr-{}", e.event_id)),
            ],
        })
        .collect();
    let statistics_scanned = records.len() as f64;
    let bytes: f64 = events.iter().map(|e| e.message.len() as f64 + 64.0).sum();
    let mut display: Option<Vec<String>> = None;
    let mut stats_done = false;
    let mut sorted = false;
    let mut limit_n = limit.map(|l| usize::try_from(l.max(1)).unwrap_or(1));
    let mut matched = None;
    for cmd in commands(query) {
        let (verb, rest) = cmd.split_once(char::is_whitespace).unwrap_or((&cmd, ""));
        let rest = rest.trim();
        match verb.to_lowercase().as_str() {
            "fields" | "display" => {
                let list = split_list(rest);
                if list.is_empty() {
                    return Err(malformed(format!("{verb} needs fields")));
                }
                display = Some(list);
            }
            "filter" => {
                let mut keep = Vec::with_capacity(records.len());
                for rec in records {
                    let mut ok = true;
                    for c in rest.split(" and ") {
                        ok = ok && condition(&rec, c)?;
                    }
                    if ok {
                        keep.push(rec);
                    }
                }
                if rest.is_empty() {
                    return Err(malformed("filter needs a condition"));
                }
                records = keep;
            }
            "parse" => {
                let (field, tail) = rest
                    .split_once(char::is_whitespace)
                    .ok_or_else(|| malformed(&cmd))?;
                let (pat, names) = tail.rsplit_once(" as ").ok_or_else(|| malformed(&cmd))?;
                let pat = unquote(pat)
                    .filter(|_| !pat.trim().starts_with('/'))
                    .ok_or_else(|| malformed("only '…*…' glob patterns are supported"))?;
                let names = split_list(names);
                for rec in &mut records {
                    let caps = rec.get(field).and_then(|v| glob_capture(v, pat));
                    if let Some(caps) = caps {
                        for (n, v) in names.iter().zip(caps) {
                            rec.set(n, v);
                        }
                    }
                }
            }
            "stats" => {
                matched.get_or_insert(records.len() as f64);
                records = run_stats(&records, rest)?;
                display = None;
                stats_done = true;
            }
            "sort" => {
                sort(&mut records, rest);
                sorted = true;
            }
            "limit" => {
                let n: usize = rest.parse().map_err(|_| malformed(&cmd))?;
                limit_n = Some(limit_n.map_or(n, |l| l.min(n)));
            }
            other => return Err(malformed(format!("unknown command {other:?}"))),
        }
    }
    let matched = matched.unwrap_or(records.len() as f64);
    if !sorted && !stats_done {
        records.sort_by_key(|r| std::cmp::Reverse(r.ts_ms));
    }
    records.truncate(limit_n.unwrap_or(DEFAULT_LIMIT).min(10_000));
    let project = |rec: Record| -> ResultRow {
        if stats_done {
            return rec.fields;
        }
        let wanted = display
            .clone()
            .unwrap_or_else(|| vec!["@timestamp".into(), "@message".into()]);
        let mut row: ResultRow = wanted
            .iter()
            .filter_map(|f| rec.get(f).map(|v| (f.clone(), v.to_string())))
            .collect();
        if let Some(p) = rec.get("@ptr") {
            row.push(("@ptr".into(), p.to_string()));
        }
        row
    };
    Ok(Outcome {
        rows: records.into_iter().map(project).collect(),
        statistics: QueryStatistics {
            records_matched: matched,
            records_scanned: statistics_scanned,
            bytes_scanned: bytes,
        },
    })
}

/// The status a simulated query reports on its `poll`-th `GetQueryResults` (0-based):
/// Running once, then Complete.
pub fn status_at(poll: u32) -> QueryStatus {
    if poll == 0 {
        QueryStatus::Running
    } else {
        QueryStatus::Complete
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ms: i64, msg: &str) -> LogEvent {
        LogEvent {
            timestamp_ms: ms,
            log_group: "/ecs/prod/fastapi".into(),
            log_stream: "s".into(),
            message: msg.into(),
            event_id: ms.to_string(),
        }
    }

    fn events() -> Vec<LogEvent> {
        vec![
            ev(1_000, r#"{"level": "ERROR", "path": "/api/orders"}"#),
            ev(2_000, r#"{"level": "ERROR", "path": "/api/orders"}"#),
            ev(3_000, r#"{"level": "ERROR", "path": "/api/checkout"}"#),
            ev(4_000, "INFO Request completed duration=1834ms status=500"),
            ev(400_000, "INFO Request completed duration=20ms status=200"),
            ev(401_000, "INFO Request completed duration=1200ms status=200"),
        ]
    }

    #[test]
    fn errors_by_endpoint() {
        let q = "fields @timestamp, @message\n| filter @message like /ERROR/\n| parse @message '\"path\": \"*\"' as endpoint\n| stats count() as errors by endpoint\n| sort errors desc\n| limit 10";
        let out = run(q, &events(), None, "1").expect("runs");
        assert_eq!(
            out.rows,
            vec![
                vec![
                    ("endpoint".to_string(), "/api/orders".to_string()),
                    ("errors".into(), "2".into())
                ],
                vec![
                    ("endpoint".into(), "/api/checkout".into()),
                    ("errors".into(), "1".into())
                ],
            ]
        );
        assert_eq!(out.statistics.records_matched, 3.0);
        assert_eq!(out.statistics.records_scanned, 6.0);
    }

    #[test]
    fn slow_requests_by_bin() {
        let q = "fields @timestamp, @message\n| filter @message like /Request completed/\n| parse @message 'duration=*ms' as duration\n| filter duration > 1000\n| stats count() as slow_requests, avg(duration) as avg_duration by bin(5m)";
        let out = run(q, &events(), None, "1").expect("runs");
        assert_eq!(out.rows.len(), 2);
        assert_eq!(out.rows[0][0].0, "bin(5m)");
        assert_eq!(out.rows[0][0].1, "1970-01-01 00:00:00.000");
        assert_eq!(out.rows[0][1], ("slow_requests".into(), "1".into()));
        assert_eq!(out.rows[0][2], ("avg_duration".into(), "1834".into()));
        assert_eq!(out.rows[1][0].1, "1970-01-01 00:05:00.000");
    }

    #[test]
    fn status_volume_and_plain_fields() {
        let q = "fields @timestamp, @message | filter @message like /Request completed/ | parse @message 'status=*' as status | stats count() as requests by status";
        let out = run(q, &events(), None, "1").expect("runs");
        assert_eq!(out.rows.len(), 2);
        let q = "fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 2";
        let out = run(q, &events(), None, "1").expect("runs");
        assert_eq!(out.rows.len(), 2);
        assert_eq!(out.rows[0][0].1, "1970-01-01 00:00:03.000");
        assert_eq!(out.rows[0].last().map(|p| p.0.as_str()), Some("@ptr"));
    }

    #[test]
    fn malformed_queries_are_rejected() {
        assert!(validate("fields @message | frobnicate").is_err());
        assert!(validate("stats median(x)").is_err());
        assert!(validate("parse @message /(?<x>.*)/").is_err());
        assert!(validate("fields @message | filter @message like /a|b/").is_ok());
        assert_eq!(
            glob_capture("a=1 b=2", "a=* b=*"),
            Some(vec!["1".into(), "2".into()])
        );
    }
}
