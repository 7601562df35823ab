//! One-line consequences of a difference, from what each module does.

use super::{Kind, Side};
use crate::model::PamType;

/// The two services' names, for sentences.
pub struct Names {
    pub a: String,
    pub b: String,
}

/// "requires pam_shells.so" or "runs pam_unix.so (sufficient)".
fn verb(side: &Side) -> String {
    match side.control.to_ascii_lowercase().as_str() {
        "required" | "requisite" => format!("requires {}", side.module),
        c => format!("runs {} ({c})", side.module),
    }
}

/// Who a module refuses, in words (for a rule present on one side only).
fn refuses(side: &Side) -> Option<String> {
    let name = crate::model::module_basename(&side.module);
    let refuses = crate::modules::find(&name)?.refuses?;
    Some(refuses(&side.args))
}

/// The sentence for one row.
pub fn describe(
    t: PamType,
    kind: Kind,
    module: &str,
    a: Option<&Side>,
    b: Option<&Side>,
    n: &Names,
) -> String {
    match (kind, a, b) {
        (Kind::Same, _, _) => String::new(),
        (Kind::OnlyInA, Some(s), _) => only(t, s, &n.a, &n.b),
        (Kind::OnlyInB, _, Some(s)) => only(t, s, &n.b, &n.a),
        (Kind::Changed, Some(x), Some(y)) => changed(module, x, y, n),
        (Kind::Moved, Some(x), Some(y)) => format!(
            "{module} runs in a different order ({} in {}, {} in {}): with the other rules it may decide at a different point",
            x.location(),
            n.a,
            y.location(),
            n.b
        ),
        _ => String::new(),
    }
}

fn only(t: PamType, side: &Side, here: &str, there: &str) -> String {
    let verb = verb(side);
    match refuses(side) {
        Some(who) if side.can_refuse => format!(
            "{here} also {verb} in {t}: {who} are refused by {here} but not by {there}"
        ),
        Some(who) => format!(
            "{here} also {verb} in {t}: it fails for {who}, but this control does not make that a refusal on its own"
        ),
        None => format!("{here} also {verb} in {t}; {there} does not"),
    }
}

fn changed(module: &str, x: &Side, y: &Side, n: &Names) -> String {
    let mut parts = Vec::new();
    if x.control != y.control {
        parts.push(format!(
            "control {} in {} but {} in {}",
            x.control, n.a, y.control, n.b
        ));
    }
    let only_x: Vec<&str> = x
        .args
        .iter()
        .filter(|a| !y.args.contains(a))
        .map(String::as_str)
        .collect();
    let only_y: Vec<&str> = y
        .args
        .iter()
        .filter(|a| !x.args.contains(a))
        .map(String::as_str)
        .collect();
    if !only_x.is_empty() {
        parts.push(format!("arguments only in {}: {}", n.a, only_x.join(" ")));
    }
    if !only_y.is_empty() {
        parts.push(format!("arguments only in {}: {}", n.b, only_y.join(" ")));
    }
    if parts.is_empty() {
        parts.push("the same arguments in another order".into());
    }
    format!("{module}: {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use crate::diff::{diff_services, Kind};
    use crate::resolve::{resolve_service, ResolveContext};

    /// The consequence of `auth CONTROL pam_shells.so` present in `b` only.
    fn consequence(control: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let (pamd, root) = (dir.path().join("pam.d"), dir.path().join("root"));
        std::fs::create_dir_all(&pamd).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        let common = "auth required pam_unix.so\n";
        std::fs::write(pamd.join("a"), common).unwrap();
        let extra = format!("auth {control} pam_shells.so\n{common}");
        std::fs::write(pamd.join("b"), extra).unwrap();
        let ctx = ResolveContext::for_dir(&pamd, &root);
        let d = diff_services(&resolve_service(&ctx, "a"), &resolve_service(&ctx, "b"));
        let row = d.types[0]
            .differences
            .iter()
            .find(|r| r.kind == Kind::OnlyInB)
            .expect("pam_shells only in b");
        row.consequence.clone()
    }

    /// Read from the rule's action table, not its text: the last four were
    /// misjudged when the control's text was searched for `default=ignore`.
    #[test]
    fn a_refusal_is_what_the_action_table_says() {
        let cases = [
            ("required", true),
            ("requisite", true),
            ("sufficient", false),
            ("optional", false),
            ("[success=ok default=ignore]", false),
            ("[success=ok new_authtok_reqd=ok default=die]", true),
            ("[success=ok auth_err=bad default=ignore]", true),
            ("[success=ok DEFAULT=IGNORE]", true),
            ("[default=2]", false),
            ("[success=done default=reset]", false),
        ];
        for (control, refuses) in cases {
            let c = consequence(control);
            assert_eq!(c.contains("are refused by b"), refuses, "{control}: {c}");
            assert_eq!(
                c.contains("does not make that a refusal"),
                !refuses,
                "{control}: {c}"
            );
        }
    }
}
