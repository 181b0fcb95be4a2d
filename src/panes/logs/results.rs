//! Logs Insights results as the pane shows them: columns in query order (`@ptr`
//! hidden), an optional sort, the `/` filter, one row's detail (a JSON message
//! pretty-printed) and export to CSV or JSON.

use crate::cloud::{ResultRow, field_value, result_columns};

/// A sort: column index and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// Rows of one finished query plus how they are viewed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultsTable {
    pub columns: Vec<String>,
    pub rows: Vec<ResultRow>,
    pub sort: Option<Sort>,
}

fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) if x.is_finite() && y.is_finite() => x.total_cmp(&y),
        _ => a.cmp(b),
    }
}

impl ResultsTable {
    /// A table of `rows`, columns in the order the fields appear.
    pub fn new(rows: Vec<ResultRow>) -> ResultsTable {
        ResultsTable {
            columns: result_columns(&rows),
            rows,
            sort: None,
        }
    }

    /// The cells of `row` in column order.
    pub fn cells<'a>(&self, row: &'a ResultRow) -> Vec<&'a str> {
        self.columns.iter().map(|c| field_value(row, c)).collect()
    }

    /// Indices of the rows passing `filter` (case-insensitive substring of any cell),
    /// in sort order.
    pub fn visible(&self, filter: &str) -> Vec<usize> {
        let needle = filter.to_lowercase();
        let mut idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                needle.is_empty()
                    || self.rows[i]
                        .iter()
                        .any(|(f, v)| f != "@ptr" && v.to_lowercase().contains(&needle))
            })
            .collect();
        if let Some(sort) = self.sort
            && let Some(col) = self.columns.get(sort.column)
        {
            idx.sort_by(|&a, &b| {
                let o = compare(
                    field_value(&self.rows[a], col),
                    field_value(&self.rows[b], col),
                );
                if sort.descending { o.reverse() } else { o }
            });
        }
        idx
    }

    /// Next sort: column by column ascending, then off.
    pub fn cycle_sort(&mut self) {
        self.sort = match self.sort {
            None if !self.columns.is_empty() => Some(Sort {
                column: 0,
                descending: false,
            }),
            Some(s) if s.column + 1 < self.columns.len() => Some(Sort {
                column: s.column + 1,
                descending: s.descending,
            }),
            _ => None,
        };
    }

    /// Flip the sort direction (sorting by the first column if unsorted).
    pub fn flip_sort(&mut self) {
        self.sort = match self.sort {
            Some(s) => Some(Sort {
                descending: !s.descending,
                ..s
            }),
            None if !self.columns.is_empty() => Some(Sort {
                column: 0,
                descending: true,
            }),
            None => None,
        };
    }

    /// CSV (RFC 4180) of the given rows: a header of the columns, fields quoted when needed.
    pub fn to_csv(&self, rows: &[usize]) -> String {
        let mut out = String::new();
        let line = |cells: Vec<&str>| {
            cells
                .into_iter()
                .map(csv_field)
                .collect::<Vec<_>>()
                .join(",")
        };
        // The header goes through the same neutralising path: column names come from the
        // query text and `stats … as` aliases.
        let header: Vec<String> = self.columns.iter().map(|c| csv_field(c)).collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for &i in rows {
            if let Some(row) = self.rows.get(i) {
                out.push_str(&line(self.cells(row)));
                out.push_str("\r\n");
            }
        }
        out
    }

    /// A JSON array of objects (column → value; missing fields omitted).
    pub fn to_json(&self, rows: &[usize]) -> String {
        let arr: Vec<serde_json::Value> = rows
            .iter()
            .filter_map(|&i| self.rows.get(i))
            .map(|row| row_json(&self.columns, row))
            .collect();
        serde_json::to_string_pretty(&arr).unwrap_or_else(|_| "[]".into())
    }
}

/// One row as a JSON object in column order.
pub fn row_json(columns: &[String], row: &ResultRow) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for c in columns {
        if let Some((_, v)) = row.iter().find(|(f, _)| f == c) {
            map.insert(c.clone(), serde_json::Value::String(v.clone()));
        }
    }
    serde_json::Value::Object(map)
}

/// One CSV field, quoted when it holds a comma, quote, CR or LF (or starts with a
/// character a spreadsheet would run as a formula, which is prefixed with `'`).
pub fn csv_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        csv_quote(&format!("'{s}"))
    } else {
        csv_quote(s)
    }
}

/// One CSV field, quoted when it holds a comma, quote, CR or LF.
pub fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The detail lines of a row: each field, and a JSON `@message` pretty-printed.
pub fn detail_lines(columns: &[String], row: &ResultRow) -> Vec<String> {
    let mut out = Vec::new();
    let mut names: Vec<&str> = columns.iter().map(String::as_str).collect();
    for (f, _) in row {
        if !names.contains(&f.as_str()) && f != "@ptr" {
            names.push(f);
        }
    }
    for name in names {
        let value = field_value(row, name);
        out.push(format!("{name}:"));
        match pretty_json(value) {
            Some(pretty) => out.extend(pretty.lines().map(|l| format!("  {l}"))),
            None => out.extend(value.split('\n').map(|l| format!("  {l}"))),
        }
    }
    out
}

/// `text` pretty-printed when it is (or ends with) a JSON object or array.
pub fn pretty_json(text: &str) -> Option<String> {
    let t = text.trim();
    let start = t.find(['{', '['])?;
    let (prefix, json) = t.split_at(start);
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    if !v.is_object() && !v.is_array() {
        return None;
    }
    let pretty = serde_json::to_string_pretty(&v).ok()?;
    let prefix = prefix.trim();
    Some(if prefix.is_empty() {
        pretty
    } else {
        format!("{prefix}\n{pretty}")
    })
}

/// The row as one line of text for the clipboard: `column=value` pairs, tab-separated.
pub fn row_text(columns: &[String], row: &ResultRow) -> String {
    columns
        .iter()
        .map(|c| format!("{c}={}", field_value(row, c)))
        .collect::<Vec<_>>()
        .join("\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> ResultRow {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn table() -> ResultsTable {
        ResultsTable::new(vec![
            row(&[
                ("endpoint", "/api/orders"),
                ("errors", "12"),
                ("@ptr", "p1"),
            ]),
            row(&[("endpoint", "/api/checkout"), ("errors", "3")]),
            row(&[("errors", "100")]),
        ])
    }

    #[test]
    fn results_become_a_table_in_query_order() {
        let t = table();
        assert_eq!(t.columns, vec!["endpoint", "errors"]);
        assert_eq!(t.cells(&t.rows[2]), vec!["", "100"]);
        assert_eq!(t.visible(""), vec![0, 1, 2]);
        assert_eq!(t.visible("CHECK"), vec![1]);
        assert_eq!(t.visible("p1"), Vec::<usize>::new(), "@ptr is not searched");
    }

    #[test]
    fn sorting_is_numeric_when_it_can_be() {
        let mut t = table();
        t.cycle_sort();
        t.cycle_sort();
        assert_eq!(t.visible(""), vec![1, 0, 2], "3 < 12 < 100");
        t.flip_sort();
        assert_eq!(t.visible(""), vec![2, 0, 1]);
        t.cycle_sort();
        assert_eq!(t.sort, None);
    }

    #[test]
    fn csv_escapes_commas_quotes_newlines_and_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("l1\nl2"), "\"l1\nl2\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("-5"), "-5");
        // TAB and CR start formulas too; the header is neutralised like any cell.
        assert_eq!(csv_field("\tcmd"), "'\tcmd");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
        let t = ResultsTable::new(vec![row(&[("@message", "x, \"y\"\nz"), ("n", "1")])]);
        assert_eq!(t.to_csv(&[0]), "'@message,n\r\n\"x, \"\"y\"\"\nz\",1\r\n");
    }

    #[test]
    fn json_export_escapes_and_omits_missing_fields() {
        let t = table();
        let json = t.to_json(&[2, 0]);
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid json");
        assert_eq!(v[0], serde_json::json!({"errors": "100"}));
        assert_eq!(v[1]["endpoint"], "/api/orders");
        let odd = ResultsTable::new(vec![row(&[("m", "\u{1b}[31m\\x00 \"q\" \u{0}")])]);
        let v: serde_json::Value = serde_json::from_str(&odd.to_json(&[0])).expect("valid");
        assert_eq!(v[0]["m"], "\u{1b}[31m\\x00 \"q\" \u{0}");
    }

    #[test]
    fn detail_pretty_prints_json_messages() {
        let r = row(&[
            ("@timestamp", "t"),
            ("@message", r#"ERROR app: {"path": "/api/orders", "n": 1}"#),
        ]);
        let lines = detail_lines(&["@timestamp".into(), "@message".into()], &r);
        assert!(lines.contains(&"  ERROR app:".to_string()), "{lines:?}");
        assert!(
            lines.contains(&"    \"path\": \"/api/orders\",".to_string()),
            "{lines:?}"
        );
        assert_eq!(pretty_json("not json {"), None);
        assert_eq!(row_text(&["a".into()], &row(&[("a", "1")])), "a=1");
    }
}
