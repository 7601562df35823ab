//! One hook call, start to end: load the options, plan the servers, resume
//! the kept connection, dispatch to the phase, log what the directory went
//! through, remember the servers, suspend the connection. The module's FFI
//! layer gives it libpam (`PamOps`), the transaction state found on the
//! handle, the real `Connector` and the real host; the unit tests below
//! give it fakes.

use crate::connector::{Connector, Session};
use crate::context::Context;
use crate::host::Host;
use crate::options::ConfigError;
use crate::options::Options;
use crate::pam_ops::{PamOps, Priority};
use crate::parked::Step;
use crate::password::PAM_PRELIM_CHECK;
use crate::sources::{load, Paths};
use crate::transaction::Transaction;
use pam::constants::{PamFlag, PamResultCode, PAM_SILENT};

/// Which hook is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Auth,
    Account,
    Password,
}

/// One hook call as libpam made it.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub phase: Phase,
    /// The module arguments of the stack line.
    pub args: &'a [String],
    pub flags: PamFlag,
}

/// Where the call reads its settings and reaches the directory and the host.
pub struct Env<'a, K> {
    pub paths: &'a Paths,
    pub connector: &'a K,
    pub host: Host<'a>,
}

/// Runs `call` against `state`, the transaction state this handle kept.
pub fn run<K: Connector>(
    pam: &mut dyn PamOps,
    state: &mut Transaction<K::Conn>,
    call: Call,
    env: &Env<K>,
) -> PamResultCode {
    let opts = match options(call.args, env.paths) {
        Ok(o) => o,
        Err(e) => {
            pam.syslog(Priority::Err, &e.to_string());
            return PamResultCode::PAM_SERVICE_ERR;
        }
    };
    // Auth, account and password are separate calls on one handle: start
    // where the earlier ones found a server that answers.
    let order = crate::failover::plan(pam, &mut state.servers, &opts);
    let mut dir = env.connector.session(&opts, order);
    // The connection an earlier hook call on this handle kept, if usable.
    let foreign = crate::parked::resume(&mut state.parked, &opts, &mut dir);
    let mut ctx = Context {
        pam: &mut *pam,
        opts: &opts,
        silent: call.flags & PAM_SILENT != 0,
        handover: &mut state.handover,
        host: env.host,
        refusal: None,
    };
    let code = dispatch(&mut ctx, &mut dir, call);
    log_directory(pam, &opts, &dir);
    state.servers.record(dir.answered_by(), dir.failed());
    // Keeps the connection for the next hook call on this handle (closed
    // at pam_end at the latest), or closes it now.
    let succeeded = code == PamResultCode::PAM_SUCCESS;
    let step = step(call.phase, call.flags);
    crate::parked::suspend(
        &mut state.parked,
        &state.handover,
        &opts,
        dir,
        foreign,
        step,
        succeeded,
    );
    code
}

/// The options of this stack line (arguments, config file, ldap.conf),
/// with the TLS settings checked before anything connects.
fn options(args: &[String], paths: &Paths) -> Result<Options, ConfigError> {
    let opts = load(args, paths)?;
    crate::tls::check_config(&opts)?;
    Ok(opts)
}

fn dispatch(
    ctx: &mut Context,
    dir: &mut dyn crate::directory::Directory,
    call: Call,
) -> PamResultCode {
    match call.phase {
        Phase::Auth => crate::auth::authenticate(ctx, dir),
        Phase::Account => crate::account::account(ctx, dir),
        Phase::Password => crate::password::chauthtok(ctx, dir, call.flags),
    }
}

/// A server given up for the next one is worth a line when the next
/// answered (when none did, the refusal line already lists them all);
/// with `debug`, what happened to a kept connection.
fn log_directory<S: Session>(pam: &mut dyn PamOps, opts: &Options, dir: &S) {
    let answered = dir.server().is_some();
    for failure in dir.failures().iter().filter(|_| answered) {
        pam.syslog(
            Priority::Warning,
            &format!("LDAP server skipped: {failure}"),
        );
    }
    if opts.debug {
        for note in dir.notes() {
            pam.syslog(Priority::Debug, note);
        }
    }
}

/// Which call is ending, for `parked::keep_after`.
pub fn step(phase: Phase, flags: PamFlag) -> Step {
    match phase {
        Phase::Auth => Step::Auth,
        Phase::Account => Step::Account,
        Phase::Password if flags & PAM_PRELIM_CHECK != 0 => Step::PasswordCheck,
        Phase::Password => Step::PasswordUpdate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{Lookup, UserEntry};
    use crate::parked::{Parked, ParkedMeta};
    use crate::password::PAM_UPDATE_AUTHTOK;
    use crate::ppolicy::{Policy, PolicyError};
    use crate::reuse::ConnKey;
    use crate::testing::{options, FakeConn, FakeConnector, FakeDir, FakeNss, FakePam, FakeShells};

    const SERVERS: &str = "uri=ldap://a,ldap://b";

    /// A world without host files: no config file, no ldap.conf, NSS and
    /// the shells list answered by fakes.
    struct World {
        connector: FakeConnector,
        paths: Paths,
        nss: FakeNss,
        shells: FakeShells,
        state: Transaction<FakeConn>,
        _dir: tempfile::TempDir,
    }

    impl World {
        fn new() -> World {
            let dir = tempfile::tempdir().expect("tempdir");
            World {
                connector: FakeConnector::new(FakeDir::with(Lookup::Found(UserEntry {
                    dn: "uid=u,dc=t".into(),
                    shell_values: vec!["/bin/sh".into()],
                    uid_number: Some(2000),
                    account: Default::default(),
                }))),
                paths: Paths {
                    config: dir.path().join("absent.conf"),
                    openldap: Vec::new(),
                    euid: 0,
                },
                nss: FakeNss(crate::sys::nss::NssView::Known {
                    shell: "/bin/from-nss".into(),
                    uid: 2000,
                }),
                shells: FakeShells {
                    listed: vec!["/bin/sh".into()],
                    ..FakeShells::default()
                },
                state: Transaction::default(),
                _dir: dir,
            }
        }

        fn call(
            &mut self,
            pam: &mut FakePam,
            phase: Phase,
            args: &[&str],
            flags: PamFlag,
        ) -> PamResultCode {
            // Every line here names a search base; the rest varies.
            let args: Vec<String> = ["base=dc=t"]
                .iter()
                .chain(args)
                .map(|a| a.to_string())
                .collect();
            let env = Env {
                paths: &self.paths,
                connector: &self.connector,
                host: Host {
                    nss: &self.nss,
                    shells: &self.shells,
                },
            };
            let call = Call {
                phase,
                args: &args,
                flags,
            };
            run(pam, &mut self.state, call, &env)
        }

        fn login(&mut self, args: &[&str]) -> (PamResultCode, PamResultCode) {
            let mut pam = FakePam::new("u", &["right"]);
            let auth = self.call(&mut pam, Phase::Auth, args, 0);
            let account = self.call(&mut pam, Phase::Account, args, 0);
            (auth, account)
        }

        fn events(&self) -> Vec<String> {
            self.connector.log.events()
        }

        fn kept_id(&self) -> Option<u32> {
            self.state.parked.as_ref().map(|p| p.conn.id)
        }
    }

    fn strs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_option_error_stops_the_call_before_any_server_is_planned() {
        let mut w = World::new();
        let mut pam = FakePam::new("u", &["right"]);
        let code = w.call(&mut pam, Phase::Auth, &[SERVERS, "no_such_option"], 0);
        assert_eq!(code, PamResultCode::PAM_SERVICE_ERR);
        assert!(pam.logged("no_such_option"), "{:?}", pam.logs);
        assert!(w.events().is_empty(), "{:?}", w.events());
        assert!(w.state.is_empty());
    }

    #[test]
    fn auth_keeps_its_connection_for_account_which_closes_it() {
        let mut w = World::new();
        let args = [SERVERS, "authz_filter=(x=y)"];
        let mut pam = FakePam::new("u", &["right"]);
        assert_eq!(
            w.call(&mut pam, Phase::Auth, &args, 0),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!(
            w.events(),
            strs(&["session ldap://a,ldap://b", "connect 1 ldap://a"])
        );
        let kept = w.state.parked.as_ref().expect("kept for account");
        assert_eq!(
            (kept.meta.uri.as_str(), kept.meta.user_bound),
            ("ldap://a", true)
        );
        assert_eq!(
            w.call(&mut pam, Phase::Account, &args, 0),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!(
            w.events()[2..],
            strs(&[
                "session ldap://a,ldap://b",
                "adopt 1 ldap://a",
                "rebind 1",
                "unbind 1",
                "drop 1"
            ])
        );
        assert!(w.state.parked.is_none());
    }

    #[test]
    fn with_the_entry_auth_read_account_needs_no_connection() {
        let mut w = World::new();
        assert_eq!(
            w.login(&[SERVERS]),
            (PamResultCode::PAM_SUCCESS, PamResultCode::PAM_SUCCESS)
        );
        assert_eq!(
            w.events(),
            strs(&[
                "session ldap://a,ldap://b",
                "connect 1 ldap://a",
                "unbind 1",
                "drop 1",
                "session ldap://a,ldap://b",
            ])
        );
        assert!(w.state.handover.recent.is_none(), "used once");
    }

    #[test]
    fn a_refused_password_keeps_nothing() {
        let mut w = World::new();
        let mut pam = FakePam::new("u", &["wrong"]);
        let args = [SERVERS, "authz_filter=(x=y)"];
        assert_eq!(
            w.call(&mut pam, Phase::Auth, &args, 0),
            PamResultCode::PAM_AUTH_ERR
        );
        assert_eq!(w.kept_id(), None);
        assert!(w.connector.log.saw("unbind 1") && w.connector.log.saw("drop 1"));
        assert!(w.state.handover.recent.is_none());
    }

    #[test]
    fn another_stack_line_neither_uses_nor_closes_the_kept_connection() {
        let mut w = World::new();
        let mut pam = FakePam::new("u", &["right"]);
        let first = [SERVERS, "authz_filter=(x=y)"];
        w.call(&mut pam, Phase::Auth, &first, 0);
        assert_eq!(w.kept_id(), Some(1));
        for other in [
            &[SERVERS, "authz_filter=(x=y)", "timeout_ms=4321"][..],
            &["uri=ldap://b", "authz_filter=(x=y)"][..],
        ] {
            let mut pam = FakePam::new("u", &[]);
            assert_eq!(
                w.call(&mut pam, Phase::Account, other, 0),
                PamResultCode::PAM_SUCCESS
            );
            assert_eq!(w.kept_id(), Some(1), "put back untouched: {other:?}");
        }
        assert!(!w.connector.log.saw("adopt 1 ldap://a"));
        assert!(!w.connector.log.saw("unbind 1") && !w.connector.log.saw("drop 1"));
        assert!(w.connector.log.saw("drop 2") && w.connector.log.saw("drop 3"));
        // The line that made it still gets it.
        assert_eq!(
            w.call(&mut pam, Phase::Account, &first, 0),
            PamResultCode::PAM_SUCCESS
        );
        assert!(w.connector.log.saw("adopt 1 ldap://a") && w.connector.log.saw("drop 1"));
    }

    #[test]
    fn a_forked_child_forgets_its_parents_connection() {
        let mut w = World::new();
        let args = [SERVERS, "authz_filter=(x=y)"];
        // `options` adds a base; the call's own arguments have none: the
        // connection key ignores it, so this is the call's own key.
        let opts = options(&args);
        w.state.parked = Some(Parked {
            conn: FakeConn::new(99, &w.connector.log),
            meta: ParkedMeta {
                uri: "ldap://a".into(),
                key: ConnKey::of(&opts),
                pid: std::process::id() + 1,
                user_bound: false,
                timeout: opts.timeout,
            },
        });
        let mut pam = FakePam::new("u", &[]);
        assert_eq!(
            w.call(&mut pam, Phase::Account, &args, 0),
            PamResultCode::PAM_SUCCESS
        );
        assert!(w.state.parked.is_none());
        assert!(
            !w.events()
                .iter()
                .any(|e| e.ends_with(" 99") || e.contains(" 99 ")),
            "{:?}",
            w.events()
        );
        assert!(w.connector.log.saw("connect 1 ldap://a"));
    }

    #[test]
    fn a_server_that_failed_is_logged_and_tried_last_by_the_next_call() {
        let mut w = World::new();
        w.connector.down = strs(&["ldap://a"]);
        let mut pam = FakePam::new("u", &["right"]);
        let args = [SERVERS, "authz_filter=(x=y)"];
        assert_eq!(
            w.call(&mut pam, Phase::Auth, &args, 0),
            PamResultCode::PAM_SUCCESS
        );
        assert!(
            pam.logged("LDAP server skipped: ldap://a: connection refused"),
            "{:?}",
            pam.logs
        );
        assert_eq!(w.state.servers.answered.as_deref(), Some("ldap://b"));
        assert_eq!(w.state.servers.failed, strs(&["ldap://a"]));
        let mut pam = FakePam::new("u", &[]);
        assert_eq!(
            w.call(&mut pam, Phase::Account, &args, 0),
            PamResultCode::PAM_SUCCESS
        );
        assert!(
            w.connector.log.saw("session ldap://b,ldap://a"),
            "{:?}",
            w.events()
        );
        assert!(w.connector.log.saw("adopt 1 ldap://b"));
        assert!(pam.logged("LDAP server ldap://a failed earlier in this PAM transaction"));
    }

    #[test]
    fn no_server_answering_is_authinfo_unavail_without_skipped_lines() {
        let mut w = World::new();
        w.connector.down = strs(&["ldap://a", "ldap://b"]);
        let mut pam = FakePam::new("u", &["right"]);
        let code = w.call(&mut pam, Phase::Auth, &[SERVERS], 0);
        assert_eq!(code, PamResultCode::PAM_AUTHINFO_UNAVAIL);
        assert!(!pam.logged("LDAP server skipped"), "{:?}", pam.logs);
        assert_eq!(w.state.servers.failed, strs(&["ldap://a", "ldap://b"]));
        assert_eq!(w.kept_id(), None);
    }

    #[test]
    fn a_password_change_keeps_the_connection_between_its_two_passes() {
        let mut w = World::new();
        let mut pam = FakePam::new("u", &["right", "new", "new"]);
        let code = w.call(&mut pam, Phase::Password, &[SERVERS], PAM_PRELIM_CHECK);
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        assert_eq!(w.kept_id(), Some(1));
        // libpam hands the verified password to the second pass.
        pam.stored_old = pam.old_set.clone();
        let code = w.call(&mut pam, Phase::Password, &[SERVERS], PAM_UPDATE_AUTHTOK);
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        assert!(w.connector.log.saw("adopt 1 ldap://a"), "{:?}", w.events());
        assert!(!w.connector.log.saw("connect 2 ldap://a"));
        assert_eq!(w.kept_id(), None);
        assert!(w.connector.log.saw("drop 1"));
    }

    #[test]
    fn a_change_the_server_made_due_at_auth_is_required_by_account() {
        let mut w = World::new();
        w.connector.dir.policy = Policy {
            error: Some(PolicyError::ChangeAfterReset),
            ..Policy::default()
        };
        assert_eq!(
            w.login(&[SERVERS]),
            (
                PamResultCode::PAM_SUCCESS,
                PamResultCode::PAM_NEW_AUTHTOK_REQD
            )
        );
        assert!(w.state.handover.due.is_none(), "used once");
    }

    #[test]
    fn account_reads_nss_and_the_shells_list_through_the_host() {
        let mut w = World::new();
        w.shells.listed = strs(&["/bin/bash"]);
        let mut pam = FakePam::new("u", &[]);
        let code = w.call(&mut pam, Phase::Account, &[SERVERS], 0);
        assert_eq!(code, PamResultCode::PAM_PERM_DENIED);
        assert_eq!(w.shells.reads.get(), 1);
        assert!(
            pam.logged("NSS (getpwnam) reports shell \"/bin/from-nss\""),
            "{:?}",
            pam.logs
        );
    }

    #[test]
    fn pam_silent_keeps_the_refusal_from_the_user() {
        let mut w = World::new();
        w.shells.listed = Vec::new();
        let mut pam = FakePam::new("u", &[]);
        let code = w.call(&mut pam, Phase::Account, &[SERVERS], PAM_SILENT);
        assert_eq!(code, PamResultCode::PAM_PERM_DENIED);
        assert!(pam.messages.is_empty(), "{:?}", pam.messages);
        let mut pam = FakePam::new("u", &[]);
        w.call(&mut pam, Phase::Account, &[SERVERS], 0);
        assert!(!pam.messages.is_empty());
    }

    #[test]
    fn the_step_of_each_call() {
        assert_eq!(step(Phase::Auth, 0), Step::Auth);
        assert_eq!(step(Phase::Account, 0), Step::Account);
        assert_eq!(step(Phase::Password, PAM_PRELIM_CHECK), Step::PasswordCheck);
        assert_eq!(
            step(Phase::Password, PAM_UPDATE_AUTHTOK),
            Step::PasswordUpdate
        );
    }
}
