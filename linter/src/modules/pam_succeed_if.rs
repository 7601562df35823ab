//! pam_succeed_if: `FIELD OP VALUE` conditions, all of which must hold.

use super::{Args, Call, Module, Prediction, Returns, Trait};
use crate::model::PamCode;
use crate::why::facts::ffi::fnmatch;
use crate::why::facts::Passwd;

pub const MODULE: Module = Module {
    name: "pam_succeed_if",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: Some(refuses),
    traits: &[Trait::Guard],
};

/// The conditions that must hold, as written.
fn refuses(args: &[String]) -> String {
    let conds: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !FLAGS.contains(a))
        .collect();
    format!("users for whom `{}` does not hold", conds.join(" "))
}

/// pam_succeed_if's options; every other argument is a condition word.
pub const FLAGS: [&str; 6] = [
    "debug",
    "use_uid",
    "quiet",
    "quiet_fail",
    "quiet_success",
    "audit",
];

pub fn predict(call: &Call<'_>) -> Prediction {
    if call.flag("use_uid") {
        return Prediction::assumed(
            "pam_succeed_if use_uid tests the user running the application, not the one logging in",
        );
    }
    let words: Vec<&str> = call
        .args
        .iter()
        .copied()
        .filter(|a| !FLAGS.contains(a))
        .collect();
    let mut met = Vec::new();
    for cond in words.chunks(3) {
        let [field, op, value] = cond else {
            return Prediction::known(
                PamCode::ServiceErr,
                format!("incomplete condition `{}`", cond.join(" ")),
            );
        };
        let text = format!("{field} {op} {value}");
        match evaluate(call, field, op, value) {
            Eval::Code(PamCode::Success, left) => met.push(format!("{text} ({field} is {left})")),
            Eval::Code(code, left) => {
                let what = match code {
                    PamCode::AuthErr => {
                        format!("condition `{text}` is not met ({field} is {left})")
                    }
                    PamCode::UserUnknown => format!(
                        "condition `{text}` needs a passwd entry and {} has none",
                        call.who()
                    ),
                    _ => format!(
                        "condition `{text}` cannot be evaluated ({field} is {left}): {code}"
                    ),
                };
                return Prediction::known(code, what);
            }
            Eval::Unknown(why) => return Prediction::assumed(format!("condition `{text}`: {why}")),
        }
    }
    if met.is_empty() {
        Prediction::success("no condition: pam_succeed_if succeeds")
    } else {
        Prediction::success(format!("{} met", met.join(", ")))
    }
}

enum Eval {
    /// The result and the resolved left-hand value.
    Code(PamCode, String),
    Unknown(String),
}

fn evaluate(call: &Call<'_>, field: &str, op: &str, right: &str) -> Eval {
    let facts = call.facts;
    let needs_pw = ["uid", "gid", "shell", "home", "dir", "homedir"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(field));
    let pw: Option<&Passwd> = facts.passwd.as_ref();
    if needs_pw && pw.is_none() {
        return Eval::Code(PamCode::UserUnknown, "unknown".into());
    }
    let lower = field.to_ascii_lowercase();
    let left = match (lower.as_str(), pw) {
        ("login" | "name" | "user", _) => facts.user.clone(),
        ("uid", Some(p)) => p.uid.to_string(),
        ("gid", Some(p)) => p.gid.to_string(),
        ("shell", Some(p)) => p.shell.clone(),
        ("home" | "dir" | "homedir", Some(p)) => p.dir.clone(),
        ("service", _) => facts.service.clone(),
        ("ruser" | "rhost" | "tty", _) => {
            return Eval::Unknown(format!("{field} is set by the application at login time"))
        }
        _ => return Eval::Code(PamCode::ServiceErr, format!("an unknown field `{field}`")),
    };
    let code = compare(call, &left, op, right);
    match code {
        Some(c) => Eval::Code(c, shown(&left)),
        None if op.eq_ignore_ascii_case("innetgr") || op.eq_ignore_ascii_case("notinnetgr") => {
            Eval::Unknown("netgroups depend on the remote host".into())
        }
        None => Eval::Code(
            PamCode::ServiceErr,
            format!("{} with an unknown operator `{op}`", shown(&left)),
        ),
    }
}

fn shown(v: &str) -> String {
    if v.is_empty() {
        "empty".into()
    } else {
        v.to_string()
    }
}

fn ok(b: bool) -> PamCode {
    if b {
        PamCode::Success
    } else {
        PamCode::AuthErr
    }
}

/// The operators, matched case-insensitively as the module does.
fn compare(call: &Call<'_>, left: &str, op: &str, right: &str) -> Option<PamCode> {
    let num = |f: fn(i64, i64) -> bool| match (strtoll(left), strtoll(right)) {
        (Some(l), Some(r)) => ok(f(l, r)),
        _ => PamCode::ServiceErr,
    };
    let op = op.to_ascii_lowercase();
    Some(match op.as_str() {
        "<" | "lt" => num(|l, r| l < r),
        "<=" | "le" => num(|l, r| l <= r),
        ">" | "gt" => num(|l, r| l > r),
        ">=" | "ge" => num(|l, r| l >= r),
        "eq" => num(|l, r| l == r),
        "ne" => num(|l, r| l != r),
        "=" => ok(left == right),
        "!=" => ok(left != right),
        "=~" | "glob" => ok(fnmatch(right, left)),
        "!~" | "noglob" => ok(!fnmatch(right, left)),
        "in" => ok(in_list(left, right)),
        "notin" => ok(!in_list(left, right)),
        "ingroup" => ok(any_group(call, right)),
        "notingroup" => ok(!any_group(call, right)),
        _ => return None,
    })
}

/// `a:b:c` membership as the module's strstr walk does it (an item must be
/// bounded by the string's ends or `:`).
pub fn in_list(left: &str, list: &str) -> bool {
    let mut rest = list;
    loop {
        let Some(at) = rest.find(left) else {
            return false;
        };
        let start_ok = at == 0 || rest.as_bytes()[at - 1] == b':';
        let after = &rest[at + left.len()..];
        if start_ok && (after.is_empty() || after.starts_with(':')) {
            return true;
        }
        match rest[at..].find(':') {
            Some(colon) => rest = &rest[at + colon + 1..],
            None => return false,
        }
    }
}

fn any_group(call: &Call<'_>, groups: &str) -> bool {
    groups
        .split(':')
        .filter(|g| !g.is_empty())
        .any(|g| call.facts.user_in_group(g))
}

/// strtoll(s, &end, 0) accepting only a fully consumed, in-range number.
pub fn strtoll(s: &str) -> Option<i64> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, h)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, &t[1..])
    } else {
        (10, t)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_membership_like_the_module() {
        assert!(in_list("crond", "crond"));
        assert!(in_list("b", "a:b:c"));
        assert!(!in_list("b", "ab:bc"));
        assert!(in_list("b", "ab:b"));
        assert!(!in_list("sshd", "crond:su"));
    }

    #[test]
    fn numbers_like_strtoll_base_0() {
        assert_eq!(strtoll("1000"), Some(1000));
        assert_eq!(strtoll("0x10"), Some(16));
        assert_eq!(strtoll("010"), Some(8));
        assert_eq!(strtoll(" -5"), Some(-5));
        assert_eq!(strtoll("12a"), None);
        assert_eq!(strtoll(""), None);
        assert_eq!(strtoll("0"), Some(0));
        assert_eq!(strtoll("99999999999999999999"), None);
    }
}
