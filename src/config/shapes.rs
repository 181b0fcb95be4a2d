//! The shapes of AWS values the config holds: region names, endpoint URLs and ARNs.
//!
//! Checked when the file loads, so `config check` rejects what AWS (or the SDK) would
//! reject later, in the middle of an incident.

/// True for an AWS region name: `^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$`
/// (`us-east-1`, `us-gov-west-1`, `us-isob-east-1`).
pub fn is_region(v: &str) -> bool {
    let lower = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    let parts: Vec<&str> = v.split('-').collect();
    let (country, middle, number) = match parts.as_slice() {
        [c, m, n] => (*c, None, (*m, *n)),
        [c, q, m, n] => (*c, Some(*q), (*m, *n)),
        _ => return false,
    };
    let qualifier_ok = middle.is_none_or(|q| {
        q == "gov"
            || q.strip_prefix("iso")
                .is_some_and(|r| r.bytes().all(|b| b.is_ascii_lowercase()))
    });
    country.len() == 2
        && lower(country)
        && qualifier_ok
        && lower(number.0)
        && !number.1.is_empty()
        && number.1.bytes().all(|b| b.is_ascii_digit())
}

/// Why `v` is not an `http(s)://host[:port][/path]` URL, if it is not.
pub fn endpoint_url_problem(v: &str) -> Option<&'static str> {
    let Some(rest) = v
        .strip_prefix("http://")
        .or_else(|| v.strip_prefix("https://"))
    else {
        return Some("the scheme must be http:// or https://");
    };
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it must not contain whitespace or control characters");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Some("credentials in the URL are not supported");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, after))
                if !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') =>
            {
                match after {
                    "" => (h, None),
                    p => match p.strip_prefix(':') {
                        Some(p) => (h, Some(p)),
                        None => return Some("the IPv6 host must be [hex:digits]"),
                    },
                }
            }
            _ => return Some("the IPv6 host must be [hex:digits]"),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Some("it has no host");
    }
    if !authority.starts_with('[')
        && !host.split('.').all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    {
        return Some("the host must be letters, digits, '-' and '.'");
    }
    match port {
        None => None,
        Some(p) if p.parse::<u16>().is_ok_and(|n| n > 0) => None,
        Some(_) => Some("the port must be a number 1-65535"),
    }
}

/// An ARN split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnParts<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Split `arn:<partition>:<service>:<region?>:<account?>:<resource>`, or say what is wrong.
pub fn parse_arn(v: &str) -> Result<ArnParts<'_>, &'static str> {
    let mut it = v.splitn(6, ':');
    let mut next = || it.next().unwrap_or("");
    let (arn, partition, service, region, account, resource) =
        (next(), next(), next(), next(), next(), next());
    if arn != "arn" {
        return Err("it must start with arn:");
    }
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if !(partition == "aws" || partition.strip_prefix("aws-").is_some_and(word)) {
        return Err("the partition must be aws, aws-cn, aws-us-gov, …");
    }
    if !word(service) {
        return Err("the service must be lowercase letters, digits and '-'");
    }
    if !region.is_empty() && !is_region(region) {
        return Err("the region must be empty or a region name");
    }
    if !account.is_empty()
        && account != "aws"
        && !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the account must be empty or 12 digits");
    }
    if resource.is_empty() {
        return Err("the resource is empty");
    }
    if resource
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err("the resource must not contain whitespace");
    }
    Ok(ArnParts {
        partition,
        service,
        region,
        account,
        resource,
    })
}

/// What an ARN-valued key must point at: the service and the resource's prefix.
#[derive(Debug, Clone, Copy)]
pub struct ArnKind {
    pub service: &'static str,
    pub resource_prefix: &'static str,
    /// The region and account must be present (regional resources).
    pub regional: bool,
    /// What to call it in messages.
    pub what: &'static str,
}

/// Why `v` is not an ARN of `kind`, if it is not.
pub fn arn_problem(v: &str, kind: &ArnKind) -> Option<String> {
    let parts = match parse_arn(v) {
        Ok(p) => p,
        Err(e) => {
            return Some(format!(
                "expected arn:partition:service:region:account:resource ({e})"
            ));
        }
    };
    if parts.service != kind.service || !parts.resource.starts_with(kind.resource_prefix) {
        return Some(format!(
            "expected {} (arn:aws:{}:…:{}…)",
            kind.what, kind.service, kind.resource_prefix
        ));
    }
    if kind.regional && (parts.region.is_empty() || parts.account.is_empty()) {
        return Some(format!("{} ARNs name a region and an account", kind.what));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for ok in [
            "us-east-1",
            "eu-west-3",
            "us-gov-west-1",
            "us-isob-east-1",
            "ap-southeast-10",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "useast1",
            "us-east-x",
            "Us-east-1",
            "use-east-1",
            "us-foo-east-1",
            "us-east-",
            "us--1",
            "a-b-c-d-1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn endpoint_urls() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://vpce-1.sts.us-east-1.vpce.amazonaws.com",
            "http://localhost:4566/",
            "http://[::1]:5000",
        ] {
            assert_eq!(endpoint_url_problem(ok), None, "{ok}");
        }
        for bad in [
            "localhost:5000",
            "http://",
            "http://:5000",
            "http://host:0",
            "http://host:99999",
            "http://ho st",
            "http://user@host",
            "http://a..b",
            "http://host:x",
        ] {
            assert!(endpoint_url_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn arns() {
        let p = parse_arn("arn:aws:iam::123456789012:role/x").unwrap();
        assert_eq!((p.service, p.region, p.resource), ("iam", "", "role/x"));
        assert!(parse_arn("arn:aws:sns:us-east-1:123456789012:a:b").is_ok());
        for bad in [
            "sns:topic",
            "arn:aws:sns",
            "arn:aws:sns:us-east-1:123456789012:",
            "arn:gcp:sns:us-east-1:123456789012:t",
            "arn:aws:sns:mars:123456789012:t",
            "arn:aws:sns:us-east-1:12:t",
            "arn:aws:SNS:us-east-1:123456789012:t",
        ] {
            assert!(parse_arn(bad).is_err(), "{bad}");
        }
        let role = ArnKind {
            service: "iam",
            resource_prefix: "role/",
            regional: false,
            what: "an IAM role",
        };
        assert!(arn_problem("arn:aws:iam::123456789012:role/r", &role).is_none());
        assert!(arn_problem("arn:aws:iam::123456789012:user/r", &role).is_some());
    }
}
