//! pam_listfile: allow or deny by a list file (item=user|group|shell|tty|rhost|ruser,
//! sense=allow|deny, onerr=succeed|fail, file=, apply=, quiet).

use super::args::{Kind::*, Spec};
use super::{Args, Call, Module, Prediction, Returns, Trait};
use crate::model::PamCode;
use crate::why::facts::files::unsafe_list_file;

pub const MODULE: Module = Module {
    name: "pam_listfile",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: Some(predict),
    refuses: Some(refuses),
    traits: &[Trait::Guard],
};

const ARGS: Spec = &[
    (
        "item",
        OneOf(&["tty", "user", "rhost", "ruser", "group", "shell"]),
    ),
    ("sense", OneOf(&["allow", "deny"])),
    ("file", Text),
    ("onerr", OneOf(&["succeed", "fail"])),
    ("apply", Text),
    ("quiet", Flag),
    ("debug", Flag),
];

/// Who the list refuses, from item=, sense=, file= and onerr=.
fn refuses(args: &[String]) -> String {
    let arg = |key| super::args::last_value(args, key);
    let file = arg("file").unwrap_or("the list file");
    let item = arg("item").unwrap_or("user");
    let onerr = arg("onerr").unwrap_or("fail");
    let missing = if onerr == "succeed" {
        "a missing file lets everyone in"
    } else {
        "a missing file refuses everyone"
    };
    let whose = match item {
        "user" => String::new(),
        i => format!(" whose {i} is"),
    };
    match arg("sense") {
        Some("deny") => format!("users{whose} listed in {file} ({missing})"),
        Some("allow") => format!("users{whose} not listed in {file} ({missing})"),
        _ => format!("everyone (pam_listfile without a valid sense=, {missing})"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    User,
    Group,
    Shell,
    /// tty, rhost, ruser: set by the application at login time.
    Remote(&'static str),
}

struct Options<'a> {
    onerr: PamCode,
    sense_deny: Option<bool>,
    item: Option<Item>,
    file: Option<&'a str>,
    apply: Option<&'a str>,
    /// The first option error and the code it makes the module return.
    error: Option<(PamCode, String)>,
}

fn parse<'a>(args: &[&'a str]) -> Options<'a> {
    let mut o = Options {
        onerr: PamCode::ServiceErr,
        sense_deny: None,
        item: None,
        file: None,
        apply: None,
        error: None,
    };
    for arg in args {
        if *arg == "quiet" {
            continue;
        }
        let Some((key, value)) = arg.split_once('=') else {
            continue; // logged as a bad option, otherwise ignored
        };
        let fail = |code: PamCode| Some((code, format!("bad option `{arg}`")));
        match key {
            "onerr" => match value {
                "succeed" => o.onerr = PamCode::Success,
                "fail" => o.onerr = PamCode::ServiceErr,
                _ => o.error = o.error.take().or(fail(PamCode::ServiceErr)),
            },
            "sense" => match value {
                "allow" => o.sense_deny = Some(false),
                "deny" => o.sense_deny = Some(true),
                _ => o.error = o.error.take().or(fail(o.onerr)),
            },
            "file" => o.file = Some(value),
            "item" => {
                o.item = match value {
                    "user" => Some(Item::User),
                    "group" => Some(Item::Group),
                    "shell" => Some(Item::Shell),
                    "tty" => Some(Item::Remote("tty")),
                    "rhost" => Some(Item::Remote("rhost")),
                    "ruser" => Some(Item::Remote("ruser")),
                    _ => None,
                }
            }
            "apply" => o.apply = Some(value),
            _ => o.error = o.error.take().or(fail(o.onerr)),
        }
    }
    let missing = |what: &str| Some((o.onerr, format!("{what} not specified")));
    if o.error.is_none() {
        if o.item.is_none() {
            o.error = missing("item=");
        } else if o.file.is_none() {
            o.error = missing("file=");
        } else if o.sense_deny.is_none() {
            o.error = missing("sense=");
        } else if o.apply.is_some_and(|a| a.is_empty() || a == "@") {
            o.error = Some((o.onerr, "empty apply=".into()));
        }
    }
    o
}

pub fn predict(call: &Call<'_>) -> Prediction {
    let o = parse(&call.args);
    if let Some((code, why)) = o.error {
        return Prediction::known(code, format!("pam_listfile: {why}"));
    }
    let (Some(item), Some(file), Some(deny)) = (o.item, o.file, o.sense_deny) else {
        return Prediction::known(PamCode::ServiceErr, "pam_listfile: incomplete options");
    };
    let facts = call.facts;
    let user = facts.user.as_str();
    if let Some(skip) = not_applicable(o.apply, item, call) {
        return Prediction::known(PamCode::Ignore, skip);
    }
    let value = match item {
        Item::User | Item::Group => user.to_string(),
        Item::Shell => match &facts.passwd {
            Some(pw) => pw.shell.clone(),
            None => {
                return Prediction::known(
                    o.onerr,
                    format!(
                        "{user} has no passwd entry, so item=shell gives onerr ({})",
                        o.onerr
                    ),
                )
            }
        },
        Item::Remote(name) => {
            return Prediction::assumed(format!(
            "pam_listfile item={name} depends on the connection ({name} is set by the application)"
        ))
        }
    };
    // An empty user name never matches (checked before the file). An empty shell
    // is looked up later and goes through the file checks; it then matches no
    // line either, since empty lines are skipped.
    if value.is_empty() && item != Item::Shell {
        let code = if deny {
            PamCode::Success
        } else {
            PamCode::AuthErr
        };
        return Prediction::known(
            code,
            format!(
                "the {} item is empty, so nothing in {file} matches",
                item_name(item)
            ),
        );
    }
    let meta = match facts.fs.lstat(file) {
        Ok(m) => m,
        Err(_) => {
            return Prediction::known(
                o.onerr,
                format!(
                    "{file} does not exist: onerr={} gives {}",
                    onerr_word(o.onerr),
                    o.onerr
                ),
            )
        }
    };
    if let Some(why) = unsafe_list_file(&meta) {
        return Prediction::known(PamCode::AuthErr, format!("{file} {why} (a symlink counts: pam_listfile uses lstat), so pam_listfile refuses everyone"));
    }
    let Ok(bytes) = facts.fs.read(file) else {
        return Prediction::known(
            o.onerr,
            format!(
                "{file} cannot be read: onerr={} gives {}",
                onerr_word(o.onerr),
                o.onerr
            ),
        );
    };
    let found = entries(&bytes).into_iter().find(|line| match item {
        Item::Group => facts.user_in_group(line),
        _ => *line == value,
    });
    let shown = match item {
        Item::Group => format!("{user} (by group membership)"),
        Item::Shell if value.is_empty() => format!("the empty shell of {user}"),
        Item::Shell => format!("the shell {value} of {user}"),
        _ => value.clone(),
    };
    match (found, deny) {
        (Some(line), true) => Prediction::known(
            PamCode::AuthErr,
            format!("{shown} is listed in {file} (entry `{line}`) and sense=deny"),
        ),
        (Some(line), false) => Prediction::success(format!(
            "{shown} is listed in {file} (entry `{line}`), sense=allow"
        )),
        (None, true) => Prediction::success(format!("{shown} is not listed in {file}, sense=deny")),
        (None, false) => Prediction::known(
            PamCode::AuthErr,
            format!("{shown} is not listed in {file} and sense=allow"),
        ),
    }
}

/// apply=user / apply=@group restricts the module to one user or group (only
/// meaningful for item=tty/rhost/shell).
fn not_applicable(apply: Option<&str>, item: Item, call: &Call<'_>) -> Option<String> {
    let apply = apply?;
    if matches!(item, Item::User | Item::Group) || apply.is_empty() {
        return None;
    }
    let user = &call.facts.user;
    match apply.strip_prefix('@') {
        Some(group) if !call.facts.user_in_group(group) => Some(format!(
            "{user} is not in group {group} (apply=@{group}): the rule returns PAM_IGNORE"
        )),
        None if apply != user => Some(format!(
            "apply={apply} does not name {user}: the rule returns PAM_IGNORE"
        )),
        _ => None,
    }
}

fn item_name(item: Item) -> &'static str {
    match item {
        Item::User => "user",
        Item::Group => "group",
        Item::Shell => "shell",
        Item::Remote(n) => n,
    }
}

fn onerr_word(code: PamCode) -> &'static str {
    if code == PamCode::Success {
        "succeed"
    } else {
        "fail"
    }
}

/// Lines as pam_listfile compares them: cut at the first `\r` or `\n`, empty
/// lines skipped, no comments, no trimming.
fn entries(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == b'\n')
        .map(|l| l.split(|b| *b == b'\r' || *b == 0).next().unwrap_or(&[]))
        .filter(|l| !l.is_empty())
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_errors_follow_the_module() {
        let o = parse(&[
            "item=user",
            "sense=deny",
            "file=/etc/ftpusers",
            "onerr=succeed",
        ]);
        assert!(o.error.is_none());
        assert_eq!(o.onerr, PamCode::Success);
        let o = parse(&["item=user", "sense=maybe", "file=/x"]);
        assert_eq!(o.error.unwrap().0, PamCode::ServiceErr);
        let o = parse(&["onerr=succeed", "item=user", "file=/x"]);
        assert_eq!(o.error.unwrap().0, PamCode::Success);
    }

    #[test]
    fn list_lines() {
        assert_eq!(
            entries(b"root\r\n\n# bin\nbob \n"),
            vec!["root", "# bin", "bob "]
        );
    }
}
