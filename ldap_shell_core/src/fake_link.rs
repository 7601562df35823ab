//! A scripted LDAP server for unit tests: `FakeDialer` hands out
//! `FakeLink`s that answer, hang or break as their `Server` says, and log
//! every operation, so `LdapDirectory` (ldap.rs) and the phases over it
//! (auth.rs, password.rs) are tested through their real failover code.

use crate::directory::{DirError, Lookup};
use crate::ldap::LdapDirectory;
use crate::ldap_link::{Dialer, Link, LinkError, Reply};
use crate::options::Options;
use crate::testing::options;
use ldap3::{Scope, SearchEntry};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

const RC_SUCCESS: u32 = 0;
const RC_INVALID_CREDENTIALS: u32 = 49;

/// How a fake server behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Server {
    /// The TCP connect fails.
    Refuses,
    /// Connects, then every operation times out.
    Hangs,
    /// Connects, then every operation finds the connection closed.
    Closes,
    /// Answers `n` operations, then the connection breaks.
    AnswersThenBreaks(usize),
    /// Answers `n` operations, then every one times out (a server frozen
    /// between the user's search and the user's bind).
    AnswersThenHangs(usize),
    /// Answers; binds as "" (anonymous) are refused.
    RefusesAnonymous,
    /// Answers: "right" binds, Password Modify succeeds, `uid=u` exists.
    Answers,
    /// As `Answers`, with u's entry at this DN (a replica that differs).
    AnswersWithDn(&'static str),
}

pub(crate) type Log = Rc<RefCell<Vec<String>>>;

pub(crate) struct FakeDialer {
    servers: HashMap<String, Server>,
    log: Log,
}

pub(crate) struct FakeLink {
    pub(crate) server: String,
    behaviour: Server,
    answered: usize,
    log: Log,
}

impl Dialer for FakeDialer {
    type Link = FakeLink;
    fn dial(&self, _opts: &Options, uri: &str) -> Result<FakeLink, String> {
        self.log.borrow_mut().push(format!("dial {uri}"));
        let behaviour = self.servers.get(uri).copied().unwrap_or(Server::Refuses);
        if behaviour == Server::Refuses {
            return Err("connection refused".into());
        }
        Ok(FakeLink::new(uri, behaviour, &self.log))
    }
}

impl FakeLink {
    fn new(server: &str, behaviour: Server, log: &Log) -> FakeLink {
        FakeLink {
            server: server.into(),
            behaviour,
            answered: 0,
            log: log.clone(),
        }
    }

    /// Records `what` and decides whether the server answers it.
    fn op(&mut self, what: String) -> Result<(), LinkError> {
        self.log
            .borrow_mut()
            .push(format!("{what} {}", self.server));
        let answers = match self.behaviour {
            Server::Refuses
            | Server::Answers
            | Server::AnswersWithDn(_)
            | Server::RefusesAnonymous => Ok(()),
            Server::Hangs => Err(LinkError::Timeout),
            Server::Closes => Err(LinkError::Failed("connection closed".into())),
            Server::AnswersThenBreaks(n) if self.answered < n => Ok(()),
            Server::AnswersThenBreaks(_) => Err(LinkError::Failed("connection reset".into())),
            Server::AnswersThenHangs(n) if self.answered < n => Ok(()),
            Server::AnswersThenHangs(_) => Err(LinkError::Timeout),
        };
        self.answered += 1;
        answers
    }
}

fn reply(rc: u32) -> Reply {
    Reply {
        rc,
        text: String::new(),
        policy: Default::default(),
    }
}

impl Link for FakeLink {
    fn simple_bind(
        &mut self,
        dn: &str,
        password: &str,
        _policy: bool,
        _timeout: Duration,
    ) -> Result<Reply, LinkError> {
        self.op(format!("bind \"{dn}\""))?;
        let anonymous_refused = dn.is_empty() && self.behaviour == Server::RefusesAnonymous;
        let right = dn.is_empty() || password == "right";
        Ok(reply(if right && !anonymous_refused {
            RC_SUCCESS
        } else {
            RC_INVALID_CREDENTIALS
        }))
    }

    fn search(
        &mut self,
        _base: &str,
        _scope: Scope,
        filter: &str,
        _attrs: &[String],
        _timeout: Duration,
    ) -> Result<(Vec<SearchEntry>, u32), LinkError> {
        self.op("search".into())?;
        if !filter.contains("(uid=u)") {
            return Ok((Vec::new(), RC_SUCCESS));
        }
        let entry = SearchEntry {
            dn: match self.behaviour {
                Server::AnswersWithDn(dn) => dn.into(),
                _ => "uid=u,dc=t".into(),
            },
            attrs: HashMap::from([
                ("uid".to_string(), vec!["u".to_string()]),
                ("loginShell".to_string(), vec!["/bin/sh".to_string()]),
            ]),
            bin_attrs: HashMap::new(),
        };
        Ok((vec![entry], RC_SUCCESS))
    }

    fn password_modify(
        &mut self,
        _old: &str,
        _new: &str,
        _timeout: Duration,
    ) -> Result<Reply, LinkError> {
        self.op("modify".into())?;
        Ok(reply(RC_SUCCESS))
    }

    fn unbind(&mut self, _timeout: Duration) {
        self.log
            .borrow_mut()
            .push(format!("unbind {}", self.server));
    }
}

pub(crate) const A: &str = "ldap://a";
pub(crate) const B: &str = "ldap://b";
pub(crate) const C: &str = "ldap://c";
pub(crate) struct Case {
    pub(crate) opts: Options,
    log: Log,
    servers: HashMap<String, Server>,
}

impl Case {
    pub(crate) fn new(a: Server, b: Server) -> Case {
        Case {
            opts: options(&["uri=ldap://a,ldap://b"]),
            log: Log::default(),
            servers: HashMap::from([(A.to_string(), a), (B.to_string(), b)]),
        }
    }

    /// Three servers, tried in the order A, B, C.
    pub(crate) fn three(a: Server, b: Server, c: Server) -> Case {
        let mut case = Case::new(a, b);
        case.opts = options(&["uri=ldap://a,ldap://b,ldap://c"]);
        case.servers.insert(C.to_string(), c);
        case
    }

    /// How many events were exactly `event`.
    pub(crate) fn count(&self, event: &str) -> usize {
        self.log.borrow().iter().filter(|e| *e == event).count()
    }

    pub(crate) fn dir(&self) -> LdapDirectory<'_, FakeDialer> {
        let dialer = FakeDialer {
            servers: self.servers.clone(),
            log: self.log.clone(),
        };
        LdapDirectory::with_dialer(&self.opts, self.opts.uris.clone(), dialer)
    }

    pub(crate) fn link(&self, server: &str, behaviour: Server) -> FakeLink {
        FakeLink::new(server, behaviour, &self.log)
    }

    pub(crate) fn events(&self) -> Vec<String> {
        self.log.borrow().clone()
    }
}

pub(crate) fn found(result: Result<Lookup, DirError>) -> bool {
    matches!(result, Ok(Lookup::Found(e)) if e.dn == "uid=u,dc=t")
}

pub(crate) fn strs(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}
