//! `opsdeck init [--env NAME]… [--project NAME] [--terraform DIR | --terraform-outputs
//! FILE] [--set ENV.KEY=VALUE]… [--write PATH [--force]]`: writes a config for the
//! account the flags point at. Per environment (default dev, staging, prod) every resource
//! key is looked for in the resources tagged `Project`/`Environment` (and the chosen ECS
//! service's task definition), then in Terraform outputs; keys not found are written
//! commented out with the naming convention's name. Exit 0 when every key of every
//! environment was found, 1 when some were not, 2 on errors (the failed AWS action named).

pub mod candidates;
pub mod diff;
pub mod discover;
pub mod pick;
pub mod render;
pub mod report;
pub mod terraform;
pub mod write;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use candidates::{Candidate, Key};
use discover::{EnvFindings, EnvInput, discover};
use render::{Header, Reach};
use terraform::Outputs;
use write::Delivered;

use super::context::{EXIT_ERROR, runtime};
use crate::cli::{GlobalArgs, InitArgs};
use crate::cloud::aws::{self, AwsSettings};
use crate::cloud::discovery::{DiscoveryRead, TagFilter};
use crate::config::values::ResourceName;
use crate::config::{DEFAULT_ENVIRONMENTS, DEFAULT_PROJECT};
use crate::text::quote;

/// Exit code when some key was not found (the file is still written, those keys commented).
pub const EXIT_INCOMPLETE: u8 = 1;

/// Run `opsdeck init`.
pub fn run(global: &GlobalArgs, args: &InitArgs) -> ExitCode {
    match init(global, args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprint!("{}", crate::text::printed(&format!("opsdeck init: {e}\n")));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The environments to initialise: `--env` (repeatable) or dev, staging, prod.
pub fn environments(given: &[String]) -> Result<Vec<String>, String> {
    if given.is_empty() {
        return Ok(DEFAULT_ENVIRONMENTS
            .iter()
            .map(|e| (*e).to_string())
            .collect());
    }
    let mut out: Vec<String> = Vec::new();
    for e in given {
        if e.is_empty()
            || !e
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(format!(
                "--env {}: use lowercase letters, digits and '-'",
                quote(e)
            ));
        }
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    Ok(out)
}

/// `--set ENV.KEY=VALUE` entries, checked against the environments and keys.
pub fn parse_set(
    entries: &[String],
    envs: &[String],
) -> Result<Vec<(String, Key, String)>, String> {
    entries
        .iter()
        .map(|entry| {
            let bad = |why: &str| format!("--set {}: {why}", quote(entry));
            let (target, value) = entry
                .split_once('=')
                .ok_or_else(|| bad("expected ENV.KEY=VALUE"))?;
            let (env, key) = target
                .split_once('.')
                .ok_or_else(|| bad("expected ENV.KEY=VALUE"))?;
            if !envs.iter().any(|e| e == env) {
                return Err(bad(&format!(
                    "{} is not one of the environments ({})",
                    quote(env),
                    envs.join(", ")
                )));
            }
            let key = Key::from_name(key).ok_or_else(|| {
                bad(&format!(
                    "unknown key; one of {}",
                    Key::ALL.map(Key::name).join(", ")
                ))
            })?;
            for v in value
                .split(',')
                .filter(|_| key.is_list())
                .chain(Some(value).filter(|_| !key.is_list()))
            {
                key.check(&key.normalize(v)).map_err(|why| bad(&why))?;
            }
            Ok((env.to_string(), key, value.to_string()))
        })
        .collect()
}

/// Terraform outputs per environment (one read per distinct path).
fn terraform_outputs(args: &InitArgs, envs: &[String]) -> Result<Vec<Option<Outputs>>, String> {
    let (path, run) = match (&args.terraform, &args.terraform_outputs) {
        (Some(dir), _) => (dir, true),
        (None, Some(file)) => (file, false),
        (None, None) => return Ok(vec![None; envs.len()]),
    };
    let mut read: HashMap<PathBuf, Outputs> = HashMap::new();
    envs.iter()
        .map(|env| {
            let (p, per_environment) = terraform::for_env(path, env);
            if !read.contains_key(&p) {
                let outputs = if run {
                    terraform::run_in(&p)?
                } else {
                    terraform::read_file(&p)?
                };
                read.insert(p.clone(), outputs);
            }
            Ok(read.get(&p).map(|o| Outputs {
                per_environment,
                ..o.clone()
            }))
        })
        .collect()
}

/// The project: `--project`, else the `Project` tag of resources tagged with one of the
/// environments (several: choose), else a Terraform `project` output, else the default.
async fn project(
    read: &dyn DiscoveryRead,
    args: &InitArgs,
    envs: &[String],
    terraform: &[Option<Outputs>],
) -> Result<(String, String), String> {
    if let Some(p) = &args.project {
        return Ok((p.clone(), "--project".into()));
    }
    let env_refs: Vec<&str> = envs.iter().map(String::as_str).collect();
    let tagged = read
        .tagged_resources(&[
            TagFilter::new("Project", &[]),
            TagFilter::new("Environment", &env_refs),
        ])
        .await
        .map_err(|e| format!("tag:GetResources: {e}"))?;
    let mut values: Vec<String> = tagged
        .iter()
        .filter_map(|r| r.tag("Project"))
        .filter(|p| ResourceName::try_from((*p).to_string()).is_ok())
        .map(str::to_string)
        .collect();
    values.sort();
    values.dedup();
    let source = format!(
        "tag Project of the resources tagged Environment={}",
        envs.join("/")
    );
    match values.len() {
        0 => {}
        1 => return Ok((values.remove(0), source)),
        n => {
            let i = pick::choose(
                &format!(
                    "{n} projects are tagged on resources of {}",
                    envs.join(", ")
                ),
                &values,
                "run again with --project NAME",
            )?;
            return Ok((values.swap_remove(i), source));
        }
    }
    if let Some((p, from)) = terraform
        .iter()
        .flatten()
        .find_map(|o| terraform::project(o).map(|p| (p, o.from.clone())))
    {
        return Ok((p, format!("terraform output project ({from})")));
    }
    Ok((
        DEFAULT_PROJECT.to_string(),
        "default: no resource is tagged Project; set --project".into(),
    ))
}

/// Ask on the terminal, or fail with the candidates and the `--set` that decides.
fn ask(env: &str, key: Key, candidates: &[Candidate]) -> Result<usize, String> {
    let options: Vec<String> = candidates
        .iter()
        .map(|c| format!("{}  ({})", c.value, c.source.describe()))
        .collect();
    pick::choose(
        &format!(
            "{env}: {} {} found for {}",
            candidates.len(),
            key.what(),
            key.name()
        ),
        &options,
        &format!(
            "run again with --set {env}.{}=VALUE (one of the above)",
            key.name()
        ),
    )
}

fn today() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::now_utc()
        .date()
        .format(&format)
        .unwrap_or_default()
}

fn init(global: &GlobalArgs, args: &InitArgs) -> Result<u8, String> {
    if global.demo {
        return Err(
            "init reads a real account (or an emulator, --endpoint-url); not the --demo one".into(),
        );
    }
    let envs = environments(&global.env)?;
    let set = parse_set(&args.set, &envs)?;
    if let Some(p) = &args.project {
        ResourceName::try_from(p.clone()).map_err(|e| format!("--project: {e}"))?;
    }
    let terraform = terraform_outputs(args, &envs)?;
    let rt = runtime()?;
    let region = match &global.region {
        Some(r) => r.clone(),
        None => rt
            .block_on(aws::config::default_region(global.profile.as_deref()))
            .unwrap_or_else(|| "us-east-1".to_string()),
    };
    if !crate::config::shapes::is_region(&region) {
        return Err(format!(
            "region {}: expected a region name like us-east-1",
            quote(&region)
        ));
    }
    let reach = Reach {
        region: region.clone(),
        profile: global.profile.clone(),
        endpoint_url: global.endpoint_url.clone(),
    };
    let read = aws::discovery(AwsSettings {
        region: region.clone(),
        profile: global.profile.clone(),
        endpoint_url: global.endpoint_url.clone(),
        ..AwsSettings::default()
    });
    let (account, project, project_source, found) = rt.block_on(async {
        let who = read
            .caller_identity()
            .await
            .map_err(|e| format!("sts:GetCallerIdentity: {e}"))?;
        let (project, project_source) = project(read.as_ref(), args, &envs, &terraform).await?;
        let mut found: Vec<EnvFindings> = Vec::new();
        for (env, outputs) in envs.iter().zip(&terraform) {
            let mut notes = Vec::new();
            let tf: Vec<(Key, Candidate)> = outputs
                .as_ref()
                .map(|o| terraform::candidates(o, env, envs.len() == 1, &mut notes))
                .unwrap_or_default();
            let input = EnvInput {
                project: &project,
                env,
                set: &set,
                terraform: &tf,
            };
            let mut e = discover(read.as_ref(), &input, &mut ask)
                .await
                .map_err(|e| format!("{env}: {e}"))?;
            e.notes.extend(notes);
            found.push(e);
        }
        Ok::<_, String>((who.account, project, project_source, found))
    })?;
    rt.shutdown_background();

    let mut sources = vec![format!(
        "resources tagged Project={project} Environment=<env> in account {account}, {region}"
    )];
    if let Some(d) = &args.terraform {
        sources.push(format!("terraform output -json in {}", d.display()));
    }
    if let Some(f) = &args.terraform_outputs {
        sources.push(format!("terraform outputs {}", f.display()));
    }
    if !set.is_empty() {
        sources.push("--set".into());
    }
    let header = Header {
        date: today(),
        sources,
    };
    let envs_out: Vec<(Reach, EnvFindings)> =
        found.iter().map(|e| (reach.clone(), e.clone())).collect();
    let text = render::render(&project, &project_source, &header, &envs_out);
    let heading = format!(
        "opsdeck init: project {project} ({project_source}), account {account}, region {region}"
    );
    eprint!("{}", report::report(&heading, &project, &found));
    let missing = report::missing(&found);
    let code = if missing == 0 { 0 } else { EXIT_INCOMPLETE };
    let delivered = write::deliver(&text, args.write.as_deref(), args.force)?;
    let tail = if missing == 0 {
        "every key found".to_string()
    } else {
        format!("{missing} keys not found: commented out with the naming convention's name")
    };
    match delivered {
        Delivered::Printed => eprintln!("{tail}"),
        Delivered::Created(p) => eprintln!("wrote {} ({tail})", p.display()),
        Delivered::Unchanged(p) => eprintln!("{} is up to date ({tail})", p.display()),
        Delivered::Replaced(p, diff) => {
            eprint!("{}", crate::text::printed(&diff));
            eprintln!("replaced {} ({tail})", p.display());
        }
        Delivered::Refused(p, diff) => {
            print!("{}", crate::text::printed(&diff));
            eprintln!(
                "opsdeck init: {} exists and was not replaced (the difference is above); --force replaces it",
                p.display()
            );
            return Ok(EXIT_ERROR);
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_default_and_are_checked() {
        assert_eq!(environments(&[]).unwrap(), vec!["dev", "staging", "prod"]);
        assert_eq!(
            environments(&["prod".into(), "prod".into(), "eu-1".into()]).unwrap(),
            vec!["prod", "eu-1"]
        );
        assert!(environments(&["Prod".into()]).is_err());
    }

    #[test]
    fn set_entries_name_an_environment_and_a_key() {
        let envs = vec!["prod".to_string()];
        let ok = parse_set(
            &["prod.cluster=c".into(), "prod.log_groups=/a,/b".into()],
            &envs,
        )
        .unwrap();
        assert_eq!(ok[0], ("prod".into(), Key::Cluster, "c".into()));
        assert_eq!(ok[1].1, Key::LogGroups);
        for bad in [
            "cluster=c",
            "prod.cluster",
            "dev.cluster=c",
            "prod.nope=c",
            "prod.quarantine_security_group=x",
            "prod.cluster=a b",
        ] {
            let e = parse_set(&[bad.into()], &envs).unwrap_err();
            assert!(e.starts_with("--set "), "{e}");
        }
    }
}
