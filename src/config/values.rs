//! Validated value types for the config file.
//!
//! Each is deserialized through `TryFrom<String>`, so a bad value fails inside the
//! TOML deserializer and the error carries the value's line and column.

use serde::Deserialize;

macro_rules! validated_string {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(pub String);

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                let check: fn(&str) -> Result<(), String> = $check;
                check(&value).map(|()| $name(value))
            }
        }

        impl $name {
            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

validated_string!(
    /// An AWS region name such as `us-east-1`.
    Region,
    |v| {
        let parts: Vec<&str> = v.split('-').collect();
        let ok = parts.len() >= 3
            && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
            && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
        if ok { Ok(()) } else { Err(format!("invalid region {v:?}: expected a region name like \"us-east-1\"")) }
    }
);

validated_string!(
    /// An http(s) endpoint URL (emulators, VPC endpoints).
    EndpointUrl,
    |v| {
        let rest = v.strip_prefix("http://").or_else(|| v.strip_prefix("https://"));
        match rest {
            Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(()),
            _ => Err(format!("invalid endpoint_url {v:?}: expected http://host[:port] or https://host[:port]")),
        }
    }
);

validated_string!(
    /// An Amazon Resource Name.
    Arn,
    |v| {
        if v.starts_with("arn:") && v.split(':').count() >= 6 {
            Ok(())
        } else {
            Err(format!("invalid ARN {v:?}: expected arn:partition:service:region:account:resource"))
        }
    }
);

validated_string!(
    /// A VPC security group id (`sg-…`).
    SecurityGroupId,
    |v| {
        if v.starts_with("sg-") && v.len() > 3 && v[3..].chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(())
        } else {
            Err(format!("invalid security group id {v:?}: expected sg-<hex>"))
        }
    }
);

validated_string!(
    /// A non-empty AWS resource name without whitespace.
    ResourceName,
    |v| {
        if v.is_empty() {
            Err("must not be empty".to_string())
        } else if v.contains(char::is_whitespace) {
            Err(format!("invalid name {v:?}: must not contain whitespace"))
        } else {
            Ok(())
        }
    }
);

/// A non-negative amount of US dollars.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "f64")]
pub struct Usd(pub f64);

impl TryFrom<f64> for Usd {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v.is_finite() && v >= 0.0 {
            Ok(Usd(v))
        } else {
            Err(format!("invalid amount {v}: must be a finite number >= 0"))
        }
    }
}

/// Hours Cost Explorer answers stay cached: 1 to 168 (a week).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct CacheHours(pub u32);

impl TryFrom<i64> for CacheHours {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        u32::try_from(v)
            .ok()
            .filter(|h| (1..=168).contains(h))
            .map(CacheHours)
            .ok_or_else(|| format!("invalid cost_cache_hours {v}: must be 1..=168"))
    }
}

/// A strictly positive threshold value.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "f64")]
pub struct Positive(pub f64);

impl TryFrom<f64> for Positive {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v.is_finite() && v > 0.0 {
            Ok(Positive(v))
        } else {
            Err(format!(
                "invalid threshold {v}: must be a finite number > 0"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert!(Region::try_from("us-east-1".to_string()).is_ok());
        assert!(Region::try_from("us-gov-west-1".to_string()).is_ok());
        assert!(Region::try_from("useast1".to_string()).is_err());
        assert!(Region::try_from("us-east-x".to_string()).is_err());
    }

    #[test]
    fn other_values() {
        assert!(EndpointUrl::try_from("http://127.0.0.1:5000".to_string()).is_ok());
        assert!(EndpointUrl::try_from("ftp://x".to_string()).is_err());
        assert!(Arn::try_from("arn:aws:sns:us-east-1:1:t".to_string()).is_ok());
        assert!(Arn::try_from("sns:topic".to_string()).is_err());
        assert!(SecurityGroupId::try_from("sg-0123".to_string()).is_ok());
        assert!(SecurityGroupId::try_from("0123".to_string()).is_err());
        assert!(Usd::try_from(-1.0).is_err());
        assert!(Positive::try_from(0.0).is_err());
    }
}
