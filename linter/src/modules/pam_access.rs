//! pam_access, the cheap part: access.conf lines whose origin field is `ALL` are
//! decided from the user and groups; lines that depend on the origin (tty, host,
//! network) make the prediction unknown when the user part matches.

use super::{Args, Call, Module, Prediction, Returns, Trait};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    name: "pam_access",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: Some(refuses),
    traits: &[Trait::Guard],
};

fn refuses(_: &[String]) -> String {
    "users denied by /etc/security/access.conf".into()
}

const DEFAULT_FILE: &str = "/etc/security/access.conf";

pub fn predict(call: &Call<'_>) -> Prediction {
    let file = call.value("accessfile").unwrap_or(DEFAULT_FILE);
    let sep = call
        .value("fieldsep")
        .and_then(|s| s.chars().next())
        .unwrap_or(':');
    let group_names = !call.flag("nodefgroup");
    let Ok(bytes) = call.facts.fs.read(file) else {
        return Prediction::known(
            PamCode::Success,
            format!("{file} cannot be read: pam_access allows"),
        );
    };
    let text = String::from_utf8_lossy(&bytes);
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, sep).map(str::trim).collect();
        let [perm, users, origins] = fields.as_slice() else {
            continue;
        };
        let where_ = format!("{file}:{}", n + 1);
        match list_match(users, &|tok| user_token(call, tok, group_names)) {
            Some(false) => continue,
            None => {
                return Prediction::assumed(format!(
                    "{where_}: the user field `{users}` needs netgroups or hosts"
                ))
            }
            Some(true) => {}
        }
        if !origins.split_whitespace().eq(["ALL"]) {
            return Prediction::assumed(format!(
                "{where_} matches {} but depends on the origin `{origins}`",
                call.who()
            ));
        }
        return if perm.starts_with('+') {
            Prediction::success(format!("{where_} `{line}` allows {}", call.who()))
        } else {
            Prediction::known(
                PamCode::PermDenied,
                format!("{where_} `{line}` denies {}", call.who()),
            )
        };
    }
    Prediction::success(format!("no line of {file} matches {}: allowed", call.who()))
}

/// `a b EXCEPT c`: Some(true) if an item before EXCEPT matches and none after.
fn list_match(list: &str, item: &dyn Fn(&str) -> Option<bool>) -> Option<bool> {
    let toks: Vec<&str> = list
        .split([' ', '\t', ','])
        .filter(|t| !t.is_empty())
        .collect();
    let (inc, exc) = match toks.iter().position(|t| t.eq_ignore_ascii_case("EXCEPT")) {
        Some(p) => (&toks[..p], &toks[p + 1..]),
        None => (&toks[..], &[][..]),
    };
    let any = |ts: &[&str]| -> Option<bool> {
        let mut unknown = false;
        for t in ts {
            match item(t) {
                Some(true) => return Some(true),
                None => unknown = true,
                Some(false) => {}
            }
        }
        if unknown {
            None
        } else {
            Some(false)
        }
    };
    match any(inc)? {
        false => Some(false),
        true => any(exc).map(|e| !e),
    }
}

fn user_token(call: &Call<'_>, tok: &str, group_names: bool) -> Option<bool> {
    let user = &call.facts.user;
    if tok.eq_ignore_ascii_case("ALL") {
        return Some(true);
    }
    if tok.starts_with('@') || tok.contains('@') {
        return None;
    }
    if let Some(g) = tok.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return Some(call.facts.user_in_group(g));
    }
    Some(tok == user || (group_names && call.facts.user_in_group(tok)))
}
