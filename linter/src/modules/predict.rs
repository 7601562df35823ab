//! `why`'s vocabulary for a module's predicted answer: what a predictor gets
//! (`Call`: the type, the rule's arguments, the host's facts) and what it
//! says (`Prediction`: a return value, how sure, the fact behind it).

use serde::Serialize;

use crate::model::{PamCode, PamType};
use crate::why::facts::Facts;

/// How sure a prediction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// Computed from the host's facts as the module computes it.
    Known,
    /// The module's result depends on something `why` cannot see (a password, a
    /// remote host, a directory server): PAM_SUCCESS is assumed.
    Assumed,
}

/// A module's predicted return value and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    pub code: PamCode,
    pub certainty: Certainty,
    /// The fact behind the result, in words ("her shell /bin/zsh is not listed in /etc/shells").
    pub fact: String,
    /// A stable identifier of the fact when a predictor names it
    /// (`pamlint audit`'s cause ids, docs/pamlint.md).
    pub cause: Option<&'static str>,
}

impl Prediction {
    pub fn known(code: PamCode, fact: impl Into<String>) -> Self {
        Prediction {
            code,
            certainty: Certainty::Known,
            fact: fact.into(),
            cause: None,
        }
    }

    pub fn assumed(fact: impl Into<String>) -> Self {
        Prediction {
            code: PamCode::Success,
            certainty: Certainty::Assumed,
            fact: fact.into(),
            cause: None,
        }
    }

    pub fn success(fact: impl Into<String>) -> Self {
        Prediction::known(PamCode::Success, fact)
    }

    /// The same prediction naming its cause id.
    pub fn because(self, cause: &'static str) -> Self {
        Prediction {
            cause: Some(cause),
            ..self
        }
    }
}

/// What a predictor gets: the hook's type, the rule's arguments, the facts.
pub struct Call<'a> {
    pub pam_type: PamType,
    pub args: Vec<&'a str>,
    pub facts: &'a Facts,
}

impl Call<'_> {
    /// `key=value` argument lookup (last one wins, as most modules parse in order).
    pub fn value(&self, key: &str) -> Option<&str> {
        let prefix = format!("{key}=");
        self.args
            .iter()
            .rev()
            .find_map(|a| a.strip_prefix(prefix.as_str()))
    }

    pub fn flag(&self, name: &str) -> bool {
        self.args.contains(&name)
    }

    /// "user carol" for messages.
    pub fn who(&self) -> String {
        self.facts.user.clone()
    }
}
