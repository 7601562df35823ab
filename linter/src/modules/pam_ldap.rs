//! pam_ldap.so of nss-pam-ldapd; arguments: pam_ldap(8) (`minimum_uid=` is its argument syntax; the
//! older PADL pam_ldap reads pam_min_uid from ldap.conf instead): before
//! asking nslcd it looks the user up with getpwnam and, for a uid below
//! minimum_uid, returns PAM_USER_UNKNOWN, or PAM_IGNORE with
//! ignore_unknown_user (nss-pam-ldapd's pam/pam.c, init()). Everything else
//! it does depends on the password or nslcd: assumed success.

use super::args::{Kind::*, Spec};
use super::{Args, Call, Module, Prediction, Returns};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    name: "pam_ldap",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[],
};

const ARGS: Spec = &[
    ("debug", Flag),
    ("use_first_pass", Flag),
    ("try_first_pass", Flag),
    ("use_authtok", Flag),
    ("nullok", Flag),
    ("ignore_unknown_user", Flag),
    ("ignore_authinfo_unavail", Flag),
    ("no_warn", Flag),
    ("minimum_uid", Int),
    ("config", Text),
    ("missingok", Flag),
];

fn predict(call: &Call<'_>) -> Prediction {
    let minimum = call
        .value("minimum_uid")
        .and_then(|v| v.parse::<u32>().ok());
    let below = match (minimum, &call.facts.passwd) {
        (Some(min), Some(pw)) if min > 0 && pw.uid < min => Some((pw.uid, min)),
        _ => None,
    };
    let Some((uid, min)) = below else {
        return Prediction::assumed(
            "pam_ldap checks credentials or a directory: unknown, assumed success",
        );
    };
    let code = if call.flag("ignore_unknown_user") {
        PamCode::Ignore
    } else {
        PamCode::UserUnknown
    };
    Prediction::known(
        code,
        format!("uid {uid} is below minimum_uid {min}: nss-pam-ldapd's pam_ldap steps aside"),
    )
    .because("uid-below-minimum")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PamType;
    use crate::why::facts::{Facts, Source};

    fn code(args: &str, user: &str) -> PamCode {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("etc")).unwrap();
        std::fs::write(
            root.path().join("etc/passwd"),
            "low:x:500:500::/home/low:/bin/sh\nann:x:2000:2000::/home/ann:/bin/sh\n",
        )
        .unwrap();
        let facts = Facts::gather(&Source::Root(root.path().into()), "sshd", user, None);
        let call = Call {
            pam_type: PamType::Auth,
            args: args.split_whitespace().collect(),
            facts: &facts,
        };
        predict(&call).code
    }

    #[test]
    fn a_uid_below_minimum_uid_is_unknown_or_ignored() {
        assert_eq!(code("minimum_uid=1000", "low"), PamCode::UserUnknown);
        assert_eq!(
            code("minimum_uid=1000 ignore_unknown_user", "low"),
            PamCode::Ignore
        );
        assert_eq!(code("minimum_uid=1000", "ann"), PamCode::Success);
        assert_eq!(code("", "low"), PamCode::Success);
    }
}
