//! The console's break-glass session: after the break-glass runbook succeeds, every
//! cloud the console builds for that environment acts with the session's credentials
//! (held only inside the in-memory `CloudHandle`), the header shows who and how long,
//! and at expiry — or on `:drop-break-glass` — the handle is dropped and the console
//! goes back to the operator's own identity.

use std::sync::Mutex;

use crate::app::connect::Connector;
use crate::cloud::{CloudHandle, Elevation, Epoch, last_segment};
use crate::config::Environment;

/// What the header shows while a session is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlassBanner {
    pub env: String,
    pub assumed_arn: String,
    /// Wall-clock second the session ends.
    pub deadline: Epoch,
}

impl BreakGlassBanner {
    /// The banner for `elevation`, opened at wall-clock `now`.
    pub fn new(env: &str, elevation: &Elevation, now: Epoch) -> BreakGlassBanner {
        let cloud_now = elevation.handle.read.metrics_now();
        let left = (elevation.expires_at - cloud_now).max(0);
        BreakGlassBanner {
            env: env.to_string(),
            assumed_arn: elevation.assumed_arn.clone(),
            deadline: now + left,
        }
    }

    /// `BREAK-GLASS <role> 27:14 left`.
    pub fn text(&self, now: Epoch) -> String {
        let left = (self.deadline - now).max(0);
        let role = self
            .assumed_arn
            .split('/')
            .nth(1)
            .unwrap_or_else(|| last_segment(&self.assumed_arn));
        format!("BREAK-GLASS {role} {:02}:{:02} left", left / 60, left % 60)
    }

    /// True once the session has ended.
    pub fn expired(&self, now: Epoch) -> bool {
        now >= self.deadline
    }
}

/// A connector that hands out the break-glass session's cloud for its environment while
/// one is open, and the operator's own otherwise.
pub struct ElevatingConnector {
    inner: Box<dyn Connector>,
    session: Mutex<Option<(String, CloudHandle)>>,
}

impl ElevatingConnector {
    /// Wrap `inner`; no session is open.
    pub fn new(inner: Box<dyn Connector>) -> ElevatingConnector {
        ElevatingConnector {
            inner,
            session: Mutex::new(None),
        }
    }

    /// Act as the session on `env` from now on.
    pub fn open(&self, env: &str, handle: CloudHandle) {
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) = Some((env.to_string(), handle));
    }

    /// Drop the session's cloud (and with it the credentials); true if one was open.
    pub fn close(&self) -> bool {
        self.session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .is_some()
    }
}

impl Connector for ElevatingConnector {
    fn connect(&self, env: &Environment) -> CloudHandle {
        let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        match session.as_ref() {
            Some((name, handle)) if *name == env.name => handle.clone(),
            _ => self.inner.connect(env),
        }
    }

    fn now(&self) -> Epoch {
        self.inner.now()
    }

    fn audit_clock(&self) -> Option<crate::audit::AuditClock> {
        self.inner.audit_clock()
    }

    fn ask_mfa_in_console(
        &self,
    ) -> Option<tokio::sync::mpsc::UnboundedReceiver<crate::cloud::mfa::MfaRequest>> {
        self.inner.ask_mfa_in_console()
    }

    /// The operator's own readers: a break-glass session acts on its environment's
    /// panes, not in the fleet.
    fn fleet_readers(&self) -> Option<crate::panes::fleet::readers::ReaderSource> {
        self.inner.fleet_readers()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::{SimClock, SimWorld};
    use crate::cloud::{BreakGlassRequest, Redacted};

    #[tokio::test]
    async fn the_session_serves_its_environment_until_closed() {
        let world = SimWorld::new(1, SimClock::Fixed(1_000_000));
        let inner = crate::app::connect::SimConnector {
            world: world.clone(),
            read_only: false,
        };
        let connector = ElevatingConnector::new(Box::new(inner));
        let prod = Environment::with_defaults("cloudplatform", "prod");
        let dev = Environment::with_defaults("cloudplatform", "dev");
        let mut env = prod.clone();
        crate::cloud::sim::demo_incident_settings(&mut env);
        let act = connector.connect(&prod);
        let elevation = act
            .actor()
            .expect("actor")
            .assume_break_glass(&BreakGlassRequest {
                role_arn: env.break_glass_role_arn.clone().expect("role"),
                mfa_serial: env.mfa_serial.clone().expect("mfa"),
                token_code: Redacted("123456".into()),
                session_name: "oncall-INC-1".into(),
                duration_seconds: 900,
            })
            .await
            .expect("assume");
        let banner = BreakGlassBanner::new("prod", &elevation, 50);
        assert_eq!(banner.deadline, 950);
        assert_eq!(
            banner.text(50),
            "BREAK-GLASS cloudplatform-prod-break-glass 15:00 left"
        );
        assert!(banner.expired(950) && !banner.expired(949));
        connector.open("prod", elevation.handle.clone());
        let who = connector.connect(&prod).read.caller_identity().await;
        assert_eq!(who.expect("identity").arn, elevation.assumed_arn);
        let other = connector.connect(&dev).read.caller_identity().await;
        assert!(other.expect("identity").arn.contains("OnCallEngineer"));
        assert!(connector.close());
        let back = connector.connect(&prod).read.caller_identity().await;
        assert!(back.expect("identity").arn.contains("OnCallEngineer"));
        assert!(!connector.close());
    }
}
