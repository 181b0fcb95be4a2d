//! What a Logs Insights query is made of in the Logs pane: the seed's built-in queries
//! (§10.2–10.3), time ranges (relative `15m`/`1h`/`7d` or absolute
//! `2026-09-01 00:00 .. 2026-09-01 01:00`, UTC) and the multi-line text editor.

use crate::cloud::{Epoch, InsightsQuery};

/// One built-in query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    pub name: &'static str,
    pub title: &'static str,
    pub query: &'static str,
}

/// The seed's queries, in the order of their keys (F1–F4).
pub const BUILTINS: [Builtin; 4] = [
    Builtin {
        name: "recent-errors",
        title: "Recent errors",
        query: "fields @timestamp, @message\n| filter @message like /ERROR/\n| sort @timestamp desc\n| limit 20",
    },
    Builtin {
        name: "errors-by-endpoint",
        title: "Errors by endpoint",
        query: "fields @timestamp, @message\n| filter @message like /ERROR/\n| parse @message '\"path\": \"*\"' as endpoint\n| stats count() as errors by endpoint\n| sort errors desc\n| limit 10",
    },
    Builtin {
        name: "slow-requests",
        title: "Slow requests (>1000 ms, 5-min bins)",
        query: "fields @timestamp, @message\n| filter @message like /Request completed/\n| parse @message 'duration=*ms' as duration\n| filter duration > 1000\n| stats count() as slow_requests, avg(duration) as avg_duration by bin(5m)",
    },
    Builtin {
        name: "status-volume",
        title: "Request volume by status",
        query: "fields @timestamp, @message\n| filter @message like /Request completed/\n| parse @message 'status=*' as status\n| stats count() as requests by status",
    },
];

/// The built-in called `name`.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// A query's time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeRange {
    /// The last this many seconds before now.
    Last(i64),
    /// From, to (Unix seconds, UTC).
    Between(Epoch, Epoch),
}

impl Default for TimeRange {
    fn default() -> Self {
        TimeRange::Last(3600)
    }
}

/// Presets `[`/`]` step through.
pub const PRESETS: [i64; 7] = [300, 900, 3600, 3 * 3600, 12 * 3600, 86400, 7 * 86400];

/// "90s" → 90, "15m" → 900, "1h", "2d", "1w".
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = s.split_at(split);
    let n: i64 = num.parse().ok()?;
    let mul = match unit.trim() {
        "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" | "hr" => 3600,
        "d" => 86400,
        "w" => 7 * 86400,
        _ => return None,
    };
    n.checked_mul(mul).filter(|v| *v > 0)
}

/// "15m", "1h", "2d": a duration compactly.
pub fn format_duration(secs: i64) -> String {
    match secs {
        s if s % 86400 == 0 => format!("{}d", s / 86400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// `2026-09-01 00:00[:00]` or `2026-09-01T00:00[:00][Z]` (UTC) as Unix seconds.
pub fn parse_instant(s: &str) -> Option<Epoch> {
    let s = s.trim().trim_end_matches('Z').replace('T', " ");
    let (date, time) = s.split_once(' ').unwrap_or((&s, "00:00"));
    let mut d = date.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<u8>().ok());
    let (hh, mm) = (t.next()??, t.next()??);
    let ss = t.next().flatten().unwrap_or(0);
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    let date = time::Date::from_calendar_date(y, month, u8::try_from(day).ok()?).ok()?;
    let time = time::Time::from_hms(hh, mm, ss).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// `2026-09-01 00:00:00` (UTC).
pub fn format_instant(t: Epoch) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| t.to_string())
}

impl TimeRange {
    /// `15m`, `last 1h`, or `FROM .. TO` (absolute, UTC).
    pub fn parse(s: &str) -> Result<TimeRange, String> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once("..") {
            let from = parse_instant(a).ok_or_else(|| format!("bad start time {:?}", a.trim()))?;
            let to = parse_instant(b).ok_or_else(|| format!("bad end time {:?}", b.trim()))?;
            if to <= from {
                return Err("the end must be after the start".into());
            }
            return Ok(TimeRange::Between(from, to));
        }
        let rel = s.strip_prefix("last").unwrap_or(s);
        parse_duration(rel)
            .map(TimeRange::Last)
            .ok_or_else(|| format!("bad time range {s:?}: use 15m, 1h, 7d or FROM .. TO"))
    }

    /// (start, end) in Unix seconds for a query run at `now`.
    pub fn resolve(self, now: Epoch) -> (Epoch, Epoch) {
        match self {
            TimeRange::Last(secs) => (now.saturating_sub(secs), now),
            TimeRange::Between(a, b) => (a, b),
        }
    }

    /// As typed back into the editor.
    pub fn label(self) -> String {
        match self {
            TimeRange::Last(secs) => format_duration(secs),
            TimeRange::Between(a, b) => format!("{} .. {}", format_instant(a), format_instant(b)),
        }
    }

    /// The next (`up`) or previous relative preset.
    pub fn step(self, up: bool) -> TimeRange {
        let cur = match self {
            TimeRange::Last(s) => s,
            TimeRange::Between(a, b) => b - a,
        };
        let next = if up {
            PRESETS.iter().copied().find(|p| *p > cur)
        } else {
            PRESETS.iter().rev().copied().find(|p| *p < cur)
        };
        TimeRange::Last(next.unwrap_or(cur))
    }
}

/// Build the `StartQuery` request.
pub fn build_query(
    text: &str,
    log_groups: &[String],
    range: TimeRange,
    now: Epoch,
) -> InsightsQuery {
    let (start, end) = range.resolve(now);
    InsightsQuery {
        log_groups: log_groups.to_vec(),
        query: text.trim().to_string(),
        start,
        end,
        // Up to the service's maximum; the query's own `limit` wins when smaller.
        limit: Some(crate::cloud::MAX_QUERY_LIMIT),
    }
}

/// Log group names from a comma- or space-separated list, without duplicates.
pub fn parse_groups(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in s
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        if !out.iter().any(|o| o == g) {
            out.push(g.to_string());
        }
    }
    out
}

/// A multi-line text buffer with a cursor (row, column in chars).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextArea {
    pub lines: Vec<String>,
    pub row: usize,
    pub col: usize,
}

impl TextArea {
    /// A buffer holding `text`, cursor at its end.
    pub fn from_text(text: &str) -> TextArea {
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let row = lines.len() - 1;
        let col = lines[row].chars().count();
        TextArea { lines, row, col }
    }

    /// The whole text.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    fn line_len(&self) -> usize {
        self.lines.get(self.row).map_or(0, |l| l.chars().count())
    }

    fn byte_at(line: &str, col: usize) -> usize {
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }

    fn ensure(&mut self) {
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.row = self.row.min(self.lines.len() - 1);
        self.col = self.col.min(self.line_len());
    }

    /// Insert a character (`\n` splits the line).
    pub fn insert(&mut self, c: char) {
        self.ensure();
        let line = &mut self.lines[self.row];
        let at = Self::byte_at(line, self.col);
        if c == '\n' {
            let rest = line.split_off(at);
            self.lines.insert(self.row + 1, rest);
            self.row += 1;
            self.col = 0;
        } else {
            line.insert(at, c);
            self.col += 1;
        }
    }

    /// Delete before the cursor (joins lines at a line start).
    pub fn backspace(&mut self) {
        self.ensure();
        if self.col > 0 {
            let line = &mut self.lines[self.row];
            let at = Self::byte_at(line, self.col - 1);
            line.remove(at);
            self.col -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.line_len();
            self.lines[self.row].push_str(&line);
        }
    }

    /// Delete under the cursor (joins with the next line at a line end).
    pub fn delete(&mut self) {
        self.ensure();
        if self.col < self.line_len() {
            let line = &mut self.lines[self.row];
            let at = Self::byte_at(line, self.col);
            line.remove(at);
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    /// Move the cursor by rows/columns, clamped.
    pub fn move_by(&mut self, drow: isize, dcol: isize) {
        self.ensure();
        if drow != 0 {
            let max = self.lines.len() as isize - 1;
            self.row = (self.row as isize + drow).clamp(0, max) as usize;
            self.col = self.col.min(self.line_len());
        }
        if dcol < 0 && self.col == 0 && self.row > 0 {
            self.row -= 1;
            self.col = self.line_len();
        } else if dcol > 0 && self.col == self.line_len() && self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        } else {
            self.col = (self.col as isize + dcol).clamp(0, self.line_len() as isize) as usize;
        }
    }

    /// Cursor to the start / end of the line.
    pub fn home_end(&mut self, end: bool) {
        self.ensure();
        self.col = if end { self.line_len() } else { 0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_the_seeds_queries() {
        assert_eq!(BUILTINS.len(), 4);
        let slow = builtin("slow-requests").expect("slow");
        assert!(slow.query.contains("filter duration > 1000"));
        assert!(slow.query.contains("bin(5m)"));
        assert!(builtin("errors-by-endpoint").is_some_and(|b| b.query.contains("as endpoint")));
        assert!(builtin("nope").is_none());
    }

    #[test]
    fn time_ranges_parse_relative_and_absolute() {
        assert_eq!(TimeRange::parse("15m"), Ok(TimeRange::Last(900)));
        assert_eq!(TimeRange::parse("last 1h"), Ok(TimeRange::Last(3600)));
        assert_eq!(TimeRange::parse("7d"), Ok(TimeRange::Last(7 * 86400)));
        let r = TimeRange::parse("2026-09-01 00:00 .. 2026-09-01T01:30:00Z").expect("abs");
        assert_eq!(r, TimeRange::Between(1_788_220_800, 1_788_220_800 + 5400));
        assert_eq!(r.resolve(0), (1_788_220_800, 1_788_226_200));
        assert_eq!(r.label(), "2026-09-01 00:00:00 .. 2026-09-01 01:30:00");
        assert!(TimeRange::parse("2026-09-01 01:00 .. 2026-09-01 00:00").is_err());
        assert!(TimeRange::parse("soon").is_err());
        assert!(TimeRange::parse("0m").is_err());
        assert!(TimeRange::parse("2026-13-01 00:00 .. 2026-13-02 00:00").is_err());
        assert_eq!(TimeRange::Last(900).resolve(10_000), (9_100, 10_000));
        assert_eq!(TimeRange::Last(3600).step(true), TimeRange::Last(3 * 3600));
        assert_eq!(TimeRange::Last(300).step(false), TimeRange::Last(300));
        assert_eq!(TimeRange::Last(5400).label(), "90m");
    }

    #[test]
    fn query_building() {
        let q = build_query(
            "  fields @message \n",
            &parse_groups("/a, /b /a"),
            TimeRange::Last(60),
            1000,
        );
        assert_eq!(q.query, "fields @message");
        assert_eq!(q.log_groups, vec!["/a", "/b"]);
        assert_eq!((q.start, q.end), (940, 1000));
        assert_eq!(q.limit, Some(10_000), "up to the service's maximum");
    }

    #[test]
    fn text_area_edits_lines() {
        let mut t = TextArea::from_text("ab");
        t.insert('\n');
        t.insert('é');
        t.insert('c');
        assert_eq!(t.text(), "ab\néc");
        t.move_by(0, -1);
        t.backspace();
        assert_eq!(t.text(), "ab\nc");
        t.backspace();
        assert_eq!(t.text(), "abc");
        assert_eq!((t.row, t.col), (0, 2));
        t.delete();
        assert_eq!(t.text(), "ab");
        t.move_by(5, 5);
        t.home_end(false);
        assert_eq!(t.col, 0);
    }
}
