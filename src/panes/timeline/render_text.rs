//! The timeline as text for `opsdeck timeline` and the postmortem: plain lines, a
//! Markdown table that renders on GitHub (pipes, backticks, angle brackets and line
//! breaks in AWS's text escaped), and the feeds' status.

use std::collections::BTreeMap;

use super::event::TimelineEvent;
use super::feed::Feed;
use super::gather::FeedAnswer;
use crate::audit::rfc3339_at;
use crate::cloud::CloudResult;

/// `text` safe inside a Markdown table cell: one line, `|` `\` `` ` `` `<` `>` `*` `_`
/// `[` `]` escaped, so a message from AWS cannot break the table or inject markup.
pub fn md_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::one_line(text).chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `2026-12-02 02:00:00` (UTC) of an instant.
pub fn stamp(t: i64) -> String {
    rfc3339_at(t)
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
}

/// One plain line per event.
pub fn plain(events: &[TimelineEvent], suspect: Option<usize>) -> String {
    let mut out = String::new();
    for (i, e) in events.iter().enumerate() {
        let mark = if Some(i) == suspect { "⚠ " } else { "  " };
        let who = e
            .actor
            .as_deref()
            .map(|a| format!("  [{a}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{mark}{}  {:<8} {:<28} {}{who}\n",
            stamp(e.at),
            e.feed.label(),
            crate::text::one_line(&e.resource),
            crate::text::one_line(&e.summary),
        ));
    }
    out
}

/// A Markdown table of the events (UTC times), the suspect marked.
pub fn markdown(events: &[TimelineEvent], suspect: Option<usize>) -> String {
    let mut out =
        String::from("| Time (UTC) | Source | Resource | What | Who |\n|---|---|---|---|---|\n");
    for (i, e) in events.iter().enumerate() {
        let what = if Some(i) == suspect {
            format!("**suspect:** {}", md_cell(&e.summary))
        } else {
            md_cell(&e.summary)
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            stamp(e.at),
            e.feed.label(),
            md_cell(&e.resource),
            what,
            md_cell(e.actor.as_deref().unwrap_or(""))
        ));
    }
    out
}

/// One line per feed that failed or was partial: what is missing from the timeline.
pub fn feed_problems(feeds: &BTreeMap<Feed, CloudResult<FeedAnswer>>) -> Vec<String> {
    let mut out = Vec::new();
    for (feed, r) in feeds {
        match r {
            Err(e) => out.push(format!(
                "{} ({}): unknown — {e}",
                feed.label(),
                feed.describe()
            )),
            Ok(a) => {
                if !a.complete {
                    out.push(format!(
                        "{}: more events exist than were read (≥ {})",
                        feed.label(),
                        a.events.len()
                    ));
                }
                for n in &a.notes {
                    out.push(format!("{}: {n}", feed.label()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(
            md_cell("a|b `c` <script>\nnext"),
            "a\\|b \\`c\\` &lt;script&gt;⏎next"
        );
        assert_eq!(
            md_cell("*bold* _it_ [x](y)"),
            "\\*bold\\* \\_it\\_ \\[x\\](y)"
        );
    }

    #[test]
    fn stamps_are_utc_without_the_t() {
        assert_eq!(stamp(0), "1970-01-01 00:00:00");
    }
}
