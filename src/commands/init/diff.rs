//! A line diff of the existing file and the new one (longest common subsequence), printed
//! unified-style: `-` old, `+` new, a little context, `@@` between distant changes.

/// Unchanged lines shown around each change.
const CONTEXT: usize = 2;
/// Beyond this many lines on either side the diff is not computed (a config is small).
const MAX_LINES: usize = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op<'a> {
    Same(&'a str),
    Old(&'a str),
    New(&'a str),
}

fn ops<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Op<'a>> {
    let (n, m) = (old.len(), new.len());
    // lcs[i][j]: length of the longest common subsequence of old[i..] and new[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            out.push(Op::Same(old[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(Op::Old(old[i]));
            i += 1;
        } else {
            out.push(Op::New(new[j]));
            j += 1;
        }
    }
    out
}

/// The diff of `old` and `new` under `--- old_label` / `+++ new_label`; empty when equal.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut out = format!("--- {old_label}\n+++ {new_label}\n");
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        out.push_str("@@ the files are too long to compare line by line @@\n");
        return out;
    }
    let ops = ops(&a, &b);
    let changed: Vec<bool> = ops.iter().map(|o| !matches!(o, Op::Same(_))).collect();
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT).min(ops.len() - 1);
        changed[lo..=hi].iter().any(|c| *c)
    };
    let mut skipped = false;
    for (k, op) in ops.iter().enumerate() {
        if !near_change(k) {
            skipped = true;
            continue;
        }
        if skipped || k == 0 {
            out.push_str("@@\n");
            skipped = false;
        }
        match op {
            Op::Same(l) => out.push_str(&format!(" {l}\n")),
            Op::Old(l) => out.push_str(&format!("-{l}\n")),
            Op::New(l) => out.push_str(&format!("+{l}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_shown_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n";
        let d = unified(old, new, "f (existing)", "f (new)");
        assert_eq!(
            d,
            "--- f (existing)\n+++ f (new)\n@@\n b\n c\n-d\n+D\n e\n f\n@@\n i\n j\n+k\n"
        );
        assert_eq!(unified(old, old, "x", "y"), "");
    }

    #[test]
    fn everything_new_or_gone() {
        assert_eq!(unified("", "a\n", "o", "n"), "--- o\n+++ n\n@@\n+a\n");
        assert_eq!(unified("a\n", "", "o", "n"), "--- o\n+++ n\n@@\n-a\n");
    }
}
