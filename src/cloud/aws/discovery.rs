//! [`DiscoveryRead`] for AWS: `tag:GetResources` (every page) by tag filters, one ECS
//! service by name, and a task definition, for `opsdeck init`.

use async_trait::async_trait;
use aws_sdk_resourcegroupstagging::Client as TaggingClient;
use aws_sdk_resourcegroupstagging::types::TagFilter as SdkTagFilter;

use super::error_map::map_sdk_error;
use super::{AwsCloud, ecs, ecs_map, sts};
use crate::cloud::discovery::{DiscoveryRead, TagFilter, TaggedResource};
use crate::cloud::{CallerIdentity, CloudResult, EcsService, TaskDefinition};

/// `GetResources` returns at most 100 resources a page.
const RESOURCES_PER_PAGE: i32 = 100;
/// A guard against an endpoint that keeps returning a pagination token.
const MAX_PAGES: usize = 100;

/// Every resource carrying all of `filters`' tags, every page.
pub async fn tagged_resources(
    client: &TaggingClient,
    filters: &[TagFilter],
) -> CloudResult<Vec<TaggedResource>> {
    let sdk_filters: Vec<SdkTagFilter> = filters
        .iter()
        .map(|f| {
            SdkTagFilter::builder()
                .key(&f.key)
                .set_values((!f.values.is_empty()).then(|| f.values.clone()))
                .build()
        })
        .collect();
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .get_resources()
            .set_tag_filters(Some(sdk_filters.clone()))
            .resources_per_page(RESOURCES_PER_PAGE)
            .set_pagination_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("GetResources", e))?;
        out.extend(page.resource_tag_mapping_list().iter().filter_map(|m| {
            let arn = m.resource_arn().filter(|a| !a.is_empty())?;
            let tags = m
                .tags()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect();
            Some(TaggedResource::new(arn, tags))
        }));
        token = page
            .pagination_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

/// One service of `cluster` by name; `None` when ECS reports it missing.
pub async fn describe_service(
    client: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
) -> CloudResult<Option<EcsService>> {
    let out = client
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeServices", e))?;
    Ok(out
        .services()
        .iter()
        .find(|s| s.status() != Some("INACTIVE"))
        .map(ecs_map::service))
}

#[async_trait]
impl DiscoveryRead for AwsCloud {
    async fn caller_identity(&self) -> CloudResult<CallerIdentity> {
        sts::caller_identity(&self.clients().await.sts).await
    }

    async fn tagged_resources(&self, filters: &[TagFilter]) -> CloudResult<Vec<TaggedResource>> {
        tagged_resources(&self.clients().await.tagging, filters).await
    }

    async fn describe_service(
        &self,
        cluster: &str,
        service: &str,
    ) -> CloudResult<Option<EcsService>> {
        describe_service(&self.clients().await.ecs, cluster, service).await
    }

    async fn task_definition(&self, task_definition: &str) -> CloudResult<TaskDefinition> {
        ecs::describe_task_definition(&self.clients().await.ecs, task_definition).await
    }
}
