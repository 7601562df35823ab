//! The password-policy control (draft-behera-ldap-password-policy, as
//! OpenLDAP's ppolicy overlay, 389-DS and others implement it): sent with
//! every bind as the user and with the password change, so the server says
//! why a password cannot be used (locked, expired, reset by an
//! administrator) or will soon expire, instead of a bare
//! invalidCredentials.

use ldap3::asn1::{parse_tag, parse_uint, TagClass, PL};
use ldap3::controls::{Control, RawControl};

/// The control's OID (request and response).
pub const OID: &str = "1.3.6.1.4.1.42.2.27.8.5.1";

/// The request: no value, not critical (a server without the policy
/// ignores it).
pub fn request() -> RawControl {
    RawControl {
        ctype: OID.to_string(),
        crit: false,
        val: None,
    }
}

/// What the server warns about after a successful bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// The password expires in this many seconds.
    ExpiresIn(u64),
    /// The password has expired; this many grace logins are left.
    GraceLeft(u64),
}

/// Why the server refuses (the response's `error` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyError {
    PasswordExpired,
    AccountLocked,
    ChangeAfterReset,
    PasswordModNotAllowed,
    MustSupplyOldPassword,
    InsufficientPasswordQuality,
    PasswordTooShort,
    PasswordTooYoung,
    PasswordInHistory,
    Unknown(u64),
}

impl PolicyError {
    fn from_code(code: u64) -> PolicyError {
        match code {
            0 => PolicyError::PasswordExpired,
            1 => PolicyError::AccountLocked,
            2 => PolicyError::ChangeAfterReset,
            3 => PolicyError::PasswordModNotAllowed,
            4 => PolicyError::MustSupplyOldPassword,
            5 => PolicyError::InsufficientPasswordQuality,
            6 => PolicyError::PasswordTooShort,
            7 => PolicyError::PasswordTooYoung,
            8 => PolicyError::PasswordInHistory,
            other => PolicyError::Unknown(other),
        }
    }

    /// The reason in the draft's words, for the log.
    pub fn name(self) -> String {
        match self {
            PolicyError::PasswordExpired => "passwordExpired".into(),
            PolicyError::AccountLocked => "accountLocked".into(),
            PolicyError::ChangeAfterReset => "changeAfterReset".into(),
            PolicyError::PasswordModNotAllowed => "passwordModNotAllowed".into(),
            PolicyError::MustSupplyOldPassword => "mustSupplyOldPassword".into(),
            PolicyError::InsufficientPasswordQuality => "insufficientPasswordQuality".into(),
            PolicyError::PasswordTooShort => "passwordTooShort".into(),
            PolicyError::PasswordTooYoung => "passwordTooYoung".into(),
            PolicyError::PasswordInHistory => "passwordInHistory".into(),
            PolicyError::Unknown(c) => format!("error {c}"),
        }
    }

    /// The reason for the user, for a refused password change.
    pub fn for_user(self) -> &'static str {
        match self {
            PolicyError::PasswordExpired => "your password has expired",
            PolicyError::AccountLocked => "your account is locked",
            PolicyError::ChangeAfterReset => "your password was reset and must be changed",
            PolicyError::PasswordModNotAllowed => "you may not change your password",
            PolicyError::MustSupplyOldPassword => "the current password is required",
            PolicyError::InsufficientPasswordQuality => {
                "the new password does not meet the quality rules"
            }
            PolicyError::PasswordTooShort => "the new password is too short",
            PolicyError::PasswordTooYoung => {
                "the password was changed too recently to change it again"
            }
            PolicyError::PasswordInHistory => "the new password was used before",
            PolicyError::Unknown(_) => "the password policy refused it",
        }
    }
}

/// The server's answer; both empty when it sent no control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    pub warning: Option<Warning>,
    pub error: Option<PolicyError>,
}

/// The policy response among an operation's response controls.
pub fn from_controls(ctrls: &[Control]) -> Policy {
    ctrls
        .iter()
        .find(|c| c.1.ctype == OID)
        .and_then(|c| c.1.val.as_deref())
        .and_then(parse)
        .unwrap_or_default()
}

/// Parses the response value:
/// `SEQUENCE { warning [0] CHOICE { timeBeforeExpiration [0] INTEGER,
/// graceAuthNsRemaining [1] INTEGER } OPTIONAL, error [1] ENUMERATED OPTIONAL }`.
/// None when it is not that (a malformed value is ignored, never trusted).
pub fn parse(value: &[u8]) -> Option<Policy> {
    let (_, seq) = parse_tag(value).ok()?;
    let PL::C(fields) = seq.payload else {
        return None;
    };
    let mut policy = Policy::default();
    for field in fields {
        if field.class != TagClass::Context {
            return None;
        }
        match (field.id, field.payload) {
            (0, PL::C(choice)) => {
                let inner = choice.into_iter().next()?;
                let PL::P(bytes) = inner.payload else {
                    return None;
                };
                let n = uint(&bytes)?;
                policy.warning = Some(match inner.id {
                    0 => Warning::ExpiresIn(n),
                    1 => Warning::GraceLeft(n),
                    _ => return None,
                });
            }
            (1, PL::P(bytes)) => policy.error = Some(PolicyError::from_code(uint(&bytes)?)),
            _ => return None,
        }
    }
    Some(policy)
}

/// A non-negative BER integer of at most 8 bytes.
fn uint(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 8 || bytes[0] & 0x80 != 0 {
        return None;
    }
    parse_uint(bytes).ok().map(|(_, n)| n)
}

/// sshd's placeholder password: when sshd has already refused a user (no
/// such user, a shell it cannot run, AllowUsers), it still runs PAM with
/// this fake password so that timing does not tell. Binding with it would
/// count a failure towards the user's lockout for a login they never tried.
pub fn is_sshd_placeholder(password: &[u8]) -> bool {
    password.starts_with(b"\x08\n\r\x7fINCORRECT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_and_errors_parse() {
        // timeBeforeExpiration 345600 (4 days)
        let v = [0x30, 0x07, 0xa0, 0x05, 0x80, 0x03, 0x05, 0x46, 0x00];
        assert_eq!(
            parse(&v),
            Some(Policy {
                warning: Some(Warning::ExpiresIn(345_600)),
                error: None
            })
        );
        // graceAuthNsRemaining 2
        let v = [0x30, 0x05, 0xa0, 0x03, 0x81, 0x01, 0x02];
        assert_eq!(parse(&v).unwrap().warning, Some(Warning::GraceLeft(2)));
        // error accountLocked
        let v = [0x30, 0x03, 0x81, 0x01, 0x01];
        assert_eq!(parse(&v).unwrap().error, Some(PolicyError::AccountLocked));
        // both, and an empty SEQUENCE
        let v = [0x30, 0x08, 0xa0, 0x03, 0x81, 0x01, 0x00, 0x81, 0x01, 0x02];
        let p = parse(&v).unwrap();
        assert_eq!(
            (p.warning, p.error),
            (
                Some(Warning::GraceLeft(0)),
                Some(PolicyError::ChangeAfterReset)
            )
        );
        assert_eq!(parse(&[0x30, 0x00]), Some(Policy::default()));
    }

    #[test]
    fn malformed_values_are_ignored() {
        for v in [
            &[][..],
            &[0x30],
            &[0x30, 0x05, 0xa0, 0x03, 0x82, 0x01, 0x02],
            &[0x30, 0x03, 0x04, 0x01, 0x01],
            &[0x30, 0x03, 0x81, 0x01, 0xff],
            &[0x04, 0x00],
        ] {
            assert_eq!(parse(v), None, "{v:x?}");
        }
        assert_eq!(from_controls(&[]), Policy::default());
    }

    #[test]
    fn sshd_placeholder_is_recognised() {
        assert!(is_sshd_placeholder(b"\x08\n\r\x7fINCORRECT"));
        assert!(is_sshd_placeholder(
            b"\x08\n\r\x7fINCORRECT\x08\n\r\x7fINCORRECT"
        ));
        assert!(!is_sshd_placeholder(b"INCORRECT"));
        assert!(!is_sshd_placeholder(b"Correct-Horse-9"));
    }
}
