//! State of the ECS pane: fetched services, tasks, deployments and task definitions,
//! plus selection, focus and filters.

use std::collections::HashMap;

use super::list::ListState;
use super::loadable::Loadable;
use crate::cloud::{EcsService, EcsTask, ServiceDeploymentRecord, ServiceEvent, TaskDefinition};

/// Which section of the ECS pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EcsFocus {
    #[default]
    Services,
    Tasks,
    Events,
}

impl EcsFocus {
    /// The next section (tab).
    pub fn next(self) -> EcsFocus {
        match self {
            EcsFocus::Services => EcsFocus::Tasks,
            EcsFocus::Tasks => EcsFocus::Events,
            EcsFocus::Events => EcsFocus::Services,
        }
    }

    /// The previous section (shift-tab).
    pub fn prev(self) -> EcsFocus {
        match self {
            EcsFocus::Services => EcsFocus::Events,
            EcsFocus::Tasks => EcsFocus::Services,
            EcsFocus::Events => EcsFocus::Tasks,
        }
    }
}

/// Everything the ECS pane shows.
#[derive(Debug, Clone, Default)]
pub struct EcsState {
    pub services: Loadable<Vec<EcsService>>,
    pub tasks: Loadable<Vec<EcsTask>>,
    /// `ListServiceDeployments` per service name.
    pub deployments: HashMap<String, Loadable<Vec<ServiceDeploymentRecord>>>,
    /// `DescribeTaskDefinition` per ARN (immutable once fetched).
    pub task_definitions: HashMap<String, Loadable<TaskDefinition>>,
    pub focus: EcsFocus,
    pub service_list: ListState,
    pub task_list: ListState,
    pub event_list: ListState,
    /// Show every task of the cluster instead of the selected service's.
    pub all_tasks: bool,
}

impl EcsState {
    /// Services passing the services filter, in API order.
    pub fn visible_services(&self) -> Vec<&EcsService> {
        let all = self.services.data.as_deref().unwrap_or_default();
        all.iter()
            .filter(|s| {
                self.service_list.matches(&[
                    &s.name,
                    &s.status,
                    &s.task_definition,
                    s.primary_deployment()
                        .and_then(|d| d.rollout_state.as_deref())
                        .unwrap_or(""),
                ])
            })
            .collect()
    }

    /// The service under the cursor.
    pub fn selected_service(&self) -> Option<&EcsService> {
        let visible = self.visible_services();
        visible
            .get(
                self.service_list
                    .cursor
                    .min(visible.len().saturating_sub(1)),
            )
            .copied()
    }

    /// Tasks of the selected service (or all tasks), passing the tasks filter.
    /// Running tasks first, then by start time, newest first.
    pub fn visible_tasks(&self) -> Vec<&EcsTask> {
        let selected = self.selected_service().map(|s| s.name.clone());
        let all = self.tasks.data.as_deref().unwrap_or_default();
        let mut tasks: Vec<&EcsTask> = all
            .iter()
            .filter(|t| {
                self.all_tasks
                    || selected
                        .as_deref()
                        .is_none_or(|name| t.service_name() == Some(name))
            })
            .filter(|t| {
                self.task_list.matches(&[
                    t.id(),
                    &t.last_status,
                    t.health.as_deref().unwrap_or(""),
                    t.task_definition(),
                    t.availability_zone.as_deref().unwrap_or(""),
                    t.private_ip.as_deref().unwrap_or(""),
                    t.eni_id.as_deref().unwrap_or(""),
                ])
            })
            .collect();
        tasks.sort_by_key(|t| (t.last_status != "RUNNING", std::cmp::Reverse(t.started_at)));
        tasks
    }

    /// Events of the selected service passing the events filter, newest first.
    pub fn visible_events(&self) -> Vec<&ServiceEvent> {
        self.selected_service()
            .map(|s| {
                s.events
                    .iter()
                    .filter(|e| self.event_list.matches(&[&e.message]))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The list that has the keyboard.
    pub fn focused_list(&mut self) -> &mut ListState {
        match self.focus {
            EcsFocus::Services => &mut self.service_list,
            EcsFocus::Tasks => &mut self.task_list,
            EcsFocus::Events => &mut self.event_list,
        }
    }

    /// Length of the list that has the keyboard.
    pub fn focused_len(&self) -> usize {
        match self.focus {
            EcsFocus::Services => self.visible_services().len(),
            EcsFocus::Tasks => self.visible_tasks().len(),
            EcsFocus::Events => self.visible_events().len(),
        }
    }
}
