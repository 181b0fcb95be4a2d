//! Small conversions from SDK value types to domain values.

use aws_smithy_types::DateTime;

use crate::cloud::Epoch;

/// An SDK timestamp as Unix epoch seconds.
pub fn epoch(t: Option<&DateTime>) -> Option<Epoch> {
    t.map(DateTime::secs)
}

/// An optional SDK string as an owned string (empty when absent).
pub fn owned(s: Option<&str>) -> String {
    s.unwrap_or_default().to_owned()
}

/// An optional SDK string as an owned option; an empty string counts as absent.
pub fn opt(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(
            epoch(Some(&DateTime::from_secs(1_700_000_000))),
            Some(1_700_000_000)
        );
        assert_eq!(epoch(None), None);
        assert_eq!(owned(None), "");
        assert_eq!(opt(Some("x")), Some("x".to_owned()));
        assert_eq!(opt(Some("")), None);
    }
}
