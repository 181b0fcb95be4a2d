//! Counts as the console prints them: `N`, or `≥ N` when the listing the count comes
//! from was cut short (a paging guard was hit), so a lower bound never reads as a total.

/// `n`, or `≥ n` when `complete` is false. Digits as everywhere else: plain, no grouping.
pub fn count(n: usize, complete: bool) -> String {
    if complete {
        n.to_string()
    } else {
        format!("≥ {n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lower_bound_says_so() {
        assert_eq!(count(10_005, true), "10005");
        assert_eq!(count(200_000, false), "≥ 200000");
        assert_eq!(count(0, false), "≥ 0");
    }
}
