//! Validated value types for the config file.
//!
//! Each is deserialized through `TryFrom<String>`, so a bad value fails inside the
//! TOML deserializer and the error carries the value's line and column.

use serde::Deserialize;

use super::shapes::{ArnKind, arn_problem, endpoint_url_problem, is_region};
use crate::text::quote;

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
        if is_region(v) {
            Ok(())
        } else {
            Err(format!("invalid region {}: expected a region name like \"us-east-1\"", quote(v)))
        }
    }
);

validated_string!(
    /// An http(s) endpoint URL with a host (emulators, VPC endpoints).
    EndpointUrl,
    |v| match endpoint_url_problem(v) {
        None => Ok(()),
        Some(why) => Err(format!(
            "invalid endpoint_url {}: {why}; expected http://host[:port] or https://host[:port]",
            quote(v)
        )),
    }
);

/// A `TryFrom<String>` type whose value must be an ARN of one kind (or, for
/// `name_allowed: true`, either a plain name or that kind of ARN).
macro_rules! arn_string {
    ($(#[$doc:meta])* $name:ident, $kind:expr, name_allowed: $names:expr) => {
        validated_string!(
            $(#[$doc])*
            $name,
            |v| {
                let kind: ArnKind = $kind;
                let names_allowed: bool = $names;
                if names_allowed && !v.starts_with("arn:") {
                    return ResourceName::try_from(v.to_string()).map(|_| ());
                }
                match arn_problem(v, &kind) {
                    None => Ok(()),
                    Some(why) => Err(format!("invalid ARN {}: {why}", quote(v))),
                }
            }
        );
    };
}

arn_string!(
    /// `alert_topic_arn`: an SNS topic ARN.
    TopicArn,
    ArnKind { service: "sns", resource_prefix: "", regional: true, what: "an SNS topic" },
    name_allowed: false
);

arn_string!(
    /// `break_glass_role_arn`: an IAM role ARN.
    RoleArn,
    ArnKind { service: "iam", resource_prefix: "role/", regional: false, what: "an IAM role" },
    name_allowed: false
);

arn_string!(
    /// `mfa_serial`: a virtual MFA device ARN.
    MfaArn,
    ArnKind { service: "iam", resource_prefix: "mfa/", regional: false, what: "an IAM MFA device" },
    name_allowed: false
);

arn_string!(
    /// `target_group`: `targetgroup/NAME/ID` or a target group ARN.
    TargetGroup,
    ArnKind {
        service: "elasticloadbalancing",
        resource_prefix: "targetgroup/",
        regional: true,
        what: "a target group",
    },
    name_allowed: true
);

arn_string!(
    /// `load_balancer`: the ALB dimension value `app/NAME/ID` or a load balancer ARN.
    LoadBalancer,
    ArnKind {
        service: "elasticloadbalancing",
        resource_prefix: "loadbalancer/",
        regional: true,
        what: "a load balancer",
    },
    name_allowed: true
);

arn_string!(
    /// One of `secrets`: a secret name or a Secrets Manager secret ARN.
    SecretRef,
    ArnKind {
        service: "secretsmanager",
        resource_prefix: "secret:",
        regional: true,
        what: "a Secrets Manager secret",
    },
    name_allowed: true
);

validated_string!(
    /// A VPC security group id (`sg-…`).
    SecurityGroupId,
    |v| {
        if v.starts_with("sg-") && v.len() > 3 && v[3..].chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(())
        } else {
            Err(format!("invalid security group id {}: expected sg-<hex>", quote(v)))
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
            Err(format!("invalid name {}: must not contain whitespace", quote(v)))
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
        assert!(Region::try_from("us-foo-east-1".to_string()).is_err());
    }

    #[test]
    fn other_values() {
        assert!(EndpointUrl::try_from("http://127.0.0.1:5000".to_string()).is_ok());
        assert!(EndpointUrl::try_from("ftp://x".to_string()).is_err());
        assert!(TopicArn::try_from("arn:aws:sns:us-east-1:123456789012:t".to_string()).is_ok());
        assert!(TopicArn::try_from("sns:topic".to_string()).is_err());
        assert!(TopicArn::try_from("arn:aws:sqs:us-east-1:123456789012:t".to_string()).is_err());
        assert!(RoleArn::try_from("arn:aws:iam::123456789012:role/r".to_string()).is_ok());
        assert!(RoleArn::try_from("arn:aws:iam::123456789012:mfa/r".to_string()).is_err());
        assert!(MfaArn::try_from("arn:aws:iam::123456789012:mfa/me".to_string()).is_ok());
        assert!(TargetGroup::try_from("targetgroup/tg/0123".to_string()).is_ok());
        assert!(
            TargetGroup::try_from(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1"
                    .to_string()
            )
            .is_err()
        );
        assert!(LoadBalancer::try_from("app/alb/0123".to_string()).is_ok());
        assert!(SecretRef::try_from("/prod/db".to_string()).is_ok());
        assert!(
            SecretRef::try_from(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:/prod/db-AbCdEf".to_string()
            )
            .is_ok()
        );
        assert!(
            SecretRef::try_from("arn:aws:secretsmanager:us-east-1:123:secret:x".to_string())
                .is_err()
        );
        assert!(SecurityGroupId::try_from("sg-0123".to_string()).is_ok());
        assert!(SecurityGroupId::try_from("0123".to_string()).is_err());
        assert!(Usd::try_from(-1.0).is_err());
        assert!(Positive::try_from(0.0).is_err());
    }
}
