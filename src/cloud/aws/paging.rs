//! Following next tokens: the one safety guard every listing shares, and what a listing
//! says when the guard stops it.
//!
//! Every listing reads every page. The guard only stops an endpoint that keeps returning
//! a next token: 2 000 pages is 200 000 Security Hub findings, 100 000 GuardDuty
//! findings, 200 000 ECS services or tasks (ECS allows 5 000 services a cluster). Security
//! findings read that far are kept and marked incomplete (`Listing::partial`); the
//! other listings answer an error rather than part of the list.

use crate::cloud::CloudError;

/// The most pages one listing reads.
pub const MAX_PAGES: usize = 2_000;

/// The next token, if the page has a non-empty one.
pub fn next_token(token: Option<&str>) -> Option<String> {
    token.filter(|t| !t.is_empty()).map(str::to_owned)
}

/// The error of a listing that still had a next token after [`MAX_PAGES`] pages.
pub fn endless(operation: &str) -> CloudError {
    CloudError::Service(format!(
        "{operation}: still a next page after {MAX_PAGES} pages; stopped rather than show part of the list"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tokens_end_a_listing() {
        assert_eq!(next_token(None), None);
        assert_eq!(next_token(Some("")), None);
        assert_eq!(next_token(Some("t")), Some("t".to_owned()));
        assert!(endless("ListServices").to_string().contains("2000 pages"));
    }
}
