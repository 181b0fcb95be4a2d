//! An environment's static shape when the world plays a drill: the built-in prod
//! incident's scripted deployment is removed, and a `bad_deploy` fault deploys a bad
//! revision of the API at its minute instead, with the circuit breaker off (the crash
//! loop goes on until the operator acts).

use super::profile::{Deploy, EnvProfile, Revision};
use super::scenario::{FaultKind, Scenario};

/// The image tag of a bad revision a drill adds where the environment has none waiting.
const DRILL_TAG: &str = "v1.9.1";
/// CI registers a revision this long before it is deployed.
const REGISTERED_BEFORE: i64 = 18 * 60;

/// Applies `scenario` to `profile`.
pub fn apply(profile: &mut EnvProfile, scenario: &Scenario) {
    let bad_deploy = scenario.first(&profile.name, FaultKind::BadDeploy).cloned();
    let (Some(api), Some(family)) = (profile.services.first_mut(), profile.families.first_mut())
    else {
        return;
    };
    // Scripted deployments in the future (prod's `:42` at minute 2) are the built-in
    // incident's, not the drill's.
    api.script.retain(|d| d.at < 0);
    let deployed: Vec<i32> = api.script.iter().map(|d| d.revision).collect();
    family
        .revisions
        .retain(|r| deployed.contains(&r.number) || r.registered < -REGISTERED_BEFORE || r.bad);
    let Some(fault) = bad_deploy else {
        family
            .revisions
            .retain(|r| deployed.contains(&r.number) || !r.bad);
        return;
    };
    profile.circuit_breaker = false;
    let waiting = family
        .revisions
        .iter()
        .rev()
        .find(|r| r.bad && !deployed.contains(&r.number))
        .map(|r| r.number);
    let number = match waiting {
        Some(n) => {
            if let Some(r) = family.revisions.iter_mut().find(|r| r.number == n) {
                r.registered = fault.at - REGISTERED_BEFORE;
            }
            n
        }
        None => {
            let n = family.revisions.iter().map(|r| r.number).max().unwrap_or(0) + 1;
            family.revisions.push(Revision {
                number: n,
                tag: DRILL_TAG,
                bad: true,
                registered: fault.at - REGISTERED_BEFORE,
            });
            n
        }
    };
    api.script.push(Deploy {
        at: fault.at,
        revision: number,
        desired: None,
    });
}

#[cfg(test)]
mod tests {
    use super::super::scenario::SimFault;
    use super::*;

    fn scenario(kind: FaultKind, env: &str) -> Scenario {
        Scenario {
            faults: vec![SimFault {
                id: "x".into(),
                kind,
                env: env.into(),
                at: 300,
                rate: 1.0,
                escalation: None,
                lasts: None,
            }],
        }
    }

    #[test]
    fn prod_deploys_42_at_the_fault_minute() {
        let mut p = EnvProfile::for_env("prod");
        apply(&mut p, &scenario(FaultKind::BadDeploy, "prod"));
        let last = p.services[0].script.last().cloned();
        assert_eq!(last.map(|d| (d.at, d.revision)), Some((300, 42)));
        assert!(!p.circuit_breaker);
    }

    #[test]
    fn without_a_bad_deploy_prod_stays_on_41() {
        let mut p = EnvProfile::for_env("prod");
        apply(&mut p, &scenario(FaultKind::CryptoMiner, "prod"));
        assert!(p.services[0].script.iter().all(|d| d.revision != 42));
        assert!(p.families[0].revisions.iter().all(|r| r.number != 42));
        assert!(p.circuit_breaker);
    }

    #[test]
    fn dev_gets_a_new_bad_revision() {
        let mut p = EnvProfile::for_env("dev");
        apply(&mut p, &scenario(FaultKind::BadDeploy, "dev"));
        let last = p.services[0].script.last().cloned();
        assert_eq!(last.map(|d| d.revision), Some(57));
        assert!(
            p.families[0]
                .revisions
                .iter()
                .any(|r| r.number == 57 && r.bad)
        );
    }
}
