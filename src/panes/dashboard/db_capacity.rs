//! What an RDS instance class can hold: PostgreSQL's default `max_connections` for the
//! class (`LEAST(DBInstanceClassMemory / 9531392, 5000)` in the default parameter group),
//! from the class's memory. Used to judge `DatabaseConnections` against the seed's
//! "> 80 % of max". A parameter group that overrides `max_connections` is not read.

/// Memory of an instance size in GiB, by family kind (burstable, general, memory).
fn memory_gib(class: &str) -> Option<f64> {
    let rest = class.strip_prefix("db.")?;
    let (family, size) = rest.split_once('.')?;
    let kind = family.chars().next()?;
    let factor = match size {
        "micro" => 0.125,
        "small" => 0.25,
        "medium" => 0.5,
        "large" => 1.0,
        "xlarge" => 2.0,
        s => s.strip_suffix("xlarge")?.parse::<f64>().ok()? * 2.0,
    };
    // GiB of a `large`: t = 8, m = 8, r/x/z = 16.
    let large = match kind {
        't' | 'm' => 8.0,
        'r' | 'x' | 'z' => 16.0,
        _ => return None,
    };
    Some(large * factor)
}

/// The default `max_connections` of a PostgreSQL instance of `class`; None for another
/// engine or a class this table does not know.
pub fn default_max_connections(engine: &str, class: &str) -> Option<i64> {
    if !engine.contains("postgres") {
        return None;
    }
    let bytes = memory_gib(class)? * 1024.0 * 1024.0 * 1024.0;
    Some(((bytes / 9_531_392.0) as i64).clamp(1, 5000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_defaults_follow_the_memory_formula() {
        assert_eq!(
            default_max_connections("postgres", "db.t3.micro"),
            Some(112)
        );
        assert_eq!(
            default_max_connections("postgres", "db.t4g.medium"),
            Some(450)
        );
        assert_eq!(
            default_max_connections("postgres", "db.r6g.large"),
            Some(1802)
        );
        assert_eq!(
            default_max_connections("postgres", "db.m6g.2xlarge"),
            Some(3604)
        );
        assert_eq!(
            default_max_connections("postgres", "db.r6g.16xlarge"),
            Some(5000)
        );
        assert_eq!(
            default_max_connections("aurora-postgresql", "db.r6g.large"),
            Some(1802)
        );
        assert_eq!(default_max_connections("mysql", "db.r6g.large"), None);
        assert_eq!(default_max_connections("postgres", "db.serverless"), None);
        assert_eq!(default_max_connections("postgres", "weird"), None);
        assert_eq!(default_max_connections("postgres", "db.q9.large"), None);
    }
}
