//! Where a port forward goes: `db` (the environment's RDS endpoint, 5432), `cache` (its
//! ElastiCache primary endpoint, 6379) or `HOST:PORT`, and the local port (the remote
//! port plus 10000 by default, so a local Postgres or Redis keeps its own).

use crate::cloud::{CloudRead, CloudResult};
use crate::config::Environment;

/// What the operator asked to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardTo {
    Db,
    Cache,
    Host { host: String, port: u16 },
}

impl ForwardTo {
    /// `db`, `cache` or `HOST:PORT`.
    pub fn parse(text: &str) -> Result<ForwardTo, String> {
        let t = text.trim();
        match t {
            "db" | "database" => return Ok(ForwardTo::Db),
            "cache" | "redis" => return Ok(ForwardTo::Cache),
            _ => {}
        }
        let (host, port) = t
            .rsplit_once(':')
            .ok_or_else(|| format!("{t:?}: expected db, cache or HOST:PORT"))?;
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("{port:?} is not a port (1-65535)"))?;
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("{host:?} is not a host name"));
        }
        Ok(ForwardTo::Host {
            host: host.to_string(),
            port,
        })
    }

    /// As the operator would type it.
    pub fn label(&self) -> String {
        match self {
            ForwardTo::Db => "db".into(),
            ForwardTo::Cache => "cache".into(),
            ForwardTo::Host { host, port } => format!("{host}:{port}"),
        }
    }
}

/// A resolved forward destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub host: String,
    pub port: u16,
    /// What it is (`db cloudplatform-prod-db`, `cache …`, or the host).
    pub what: String,
}

/// The local port for `remote` unless the operator names one.
pub fn default_local_port(remote: u16) -> u16 {
    remote.checked_add(10_000).unwrap_or(remote)
}

/// Resolve `to` for `env` (one `DescribeDBInstances` or `DescribeReplicationGroups`).
pub async fn resolve(
    read: &dyn CloudRead,
    env: &Environment,
    to: &ForwardTo,
) -> CloudResult<Destination> {
    use crate::cloud::CloudError;
    match to {
        ForwardTo::Db => {
            let db = read.db_instance(&env.db_instance).await?;
            let host = db.endpoint.ok_or_else(|| {
                CloudError::NotFound(format!("an endpoint of {} (is it available?)", db.id))
            })?;
            Ok(Destination {
                host,
                port: db.port.unwrap_or(5432),
                what: format!("db {}", env.db_instance),
            })
        }
        ForwardTo::Cache => {
            let g = read
                .cache_replication_group(&env.cache_replication_group)
                .await?;
            let group = g.node_groups.first();
            let host = group
                .and_then(|n| n.primary_endpoint.clone())
                .ok_or_else(|| CloudError::NotFound(format!("a primary endpoint of {}", g.id)))?;
            Ok(Destination {
                host,
                port: group.and_then(|n| n.port).unwrap_or(6379),
                what: format!("cache {}", env.cache_replication_group),
            })
        }
        ForwardTo::Host { host, port } => Ok(Destination {
            host: host.clone(),
            port: *port,
            what: format!("{host}:{port}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        assert_eq!(ForwardTo::parse("db"), Ok(ForwardTo::Db));
        assert_eq!(ForwardTo::parse("cache"), Ok(ForwardTo::Cache));
        assert_eq!(
            ForwardTo::parse("10.0.1.5:8080"),
            Ok(ForwardTo::Host {
                host: "10.0.1.5".into(),
                port: 8080
            })
        );
        assert!(ForwardTo::parse("nohost").is_err());
        assert!(ForwardTo::parse("h:0").is_err());
        assert!(ForwardTo::parse(":80").is_err());
        assert_eq!(default_local_port(5432), 15432);
        assert_eq!(default_local_port(65000), 65000);
    }
}
