//! Into the container: ECS Exec with its preflight built in, and port forwarding through
//! a task — both operator actions handed to the AWS `session-manager-plugin`. The cloud
//! calls live in `cloud::exec`; this module checks (`preflight`), guards the command
//! (`command_guard`), audits (`session`), builds the plugin's command line (`plugin`),
//! resolves forward targets (`target`), keeps the console's open forwards (`forwards`)
//! and strings the steps together for the console and the CLI (`flow`).

pub mod command_guard;
pub mod flow;
pub mod forwards;
pub mod plugin;
pub mod preflight;
pub mod session;
pub mod target;
