//! The commented example printed by `opsdeck config example`.

/// A complete, valid config file with every key explained.
pub const EXAMPLE: &str = r#"# opsdeck configuration
# Found at --config, else $OPSDECK_CONFIG, else ~/.config/opsdeck/config.toml.
# Every resource key is optional: absent ones follow the naming convention
# {project}-{environment}-{resource-type}.

project = "cloudplatform"          # used to derive default resource names
default_environment = "dev"        # opened when --env is not given
refresh_seconds = 60               # dashboard/ECS refresh interval (5..=3600)
fleet_concurrency = 8              # environments the fleet view (0, `opsdeck fleet`) reads at once (1..=64)
# theme = "solarized-dark"         # default, high-contrast, solarized-dark, or a file in ~/.config/opsdeck/themes/

[environments.dev]
region = "us-east-1"
profile = "dev"                    # a profile in ~/.aws/config (SSO, credential_process, keys…)
# endpoint_url = "http://127.0.0.1:5000"   # for emulators; AWS_ENDPOINT_URL_<SERVICE> still wins for its service
monthly_budget_usd = 120

[environments.staging]
region = "us-east-1"
profile = "staging"
monthly_budget_usd = 200

[environments.prod]
region = "us-east-1"
profile = "prod"
protected = true                   # writes need the environment name typed (default true for "prod")
# account_id = "123456789012"      # warn when the credentials point at another account
cluster = "cloudplatform-prod-ecs-cluster"
service = "cloudplatform-prod-ecs-service"
# load_balancer = "app/cloudplatform-prod-alb/0123456789abcdef"   # ALB CloudWatch dimension value or ARN
# target_group = "targetgroup/cloudplatform-prod-tg/0123456789abcdef"
db_instance = "cloudplatform-prod-rds-postgres"
cache_replication_group = "cloudplatform-prod-redis"
log_groups = ["/ecs/prod/fastapi"]
secrets = ["/prod/database/credentials", "/prod/redis/auth-token"]
# alert_topic_arn = "arn:aws:sns:us-east-1:123456789012:prod-critical-alerts"
# quarantine_security_group = "sg-0123456789abcdef0"
# break_glass_role_arn = "arn:aws:iam::123456789012:role/break-glass-admin"
# mfa_serial = "arn:aws:iam::123456789012:mfa/oncall"
monthly_budget_usd = 600
cost_filter = "tag"                # Cost Explorer: the Environment tag, or "account" (linked account)
min_tasks = 3                      # scale refuses to go below this (seed: prod >= 3)
cost_cache_hours = 6               # reuse Cost Explorer answers this long (1..=168; each request costs $0.01)
# findings_region = "us-east-1"    # Security Hub aggregation region: every linked region's findings there
# findings_profile = "security-admin"   # read Security Hub as the delegated administrator (member accounts' findings)
# monitoring_account = "999999999999"   # CloudWatch cross-account observability: read metrics there (needs account_id)
# monitoring_profile = "monitoring"     # the monitoring account's profile (default: this environment's)

[thresholds]                       # overrides of the seed's alarm thresholds (§10.1)
# alb_p99_latency_seconds = 2.0
# alb_5xx_per_minute = 10
# alb_4xx_per_minute = 100
# ecs_cpu_percent = 80
# ecs_memory_percent = 85
# rds_cpu_percent = 80
# rds_connections_percent = 80
# rds_free_storage_gb = 5
# rds_read_latency_ms = 20
# rds_write_latency_ms = 20
# rds_freeable_memory_mb = 500
# redis_cpu_percent = 80
# redis_memory_percent = 80
# redis_connections = 1000
# redis_hit_rate_percent = 80
# redis_replication_lag_seconds = 1
"#;
