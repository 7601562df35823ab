//! PL005 unterminated-bracket: unterminated `[`.

use super::{documented, Rule};

pub use crate::parse::codes::PL005 as INFO;

pub fn rule() -> Rule {
    documented(&INFO)
}

#[cfg(test)]
mod tests {
    use super::INFO;
    use crate::rules::testutil::lines_of;

    #[test]
    fn fires_on_the_bad_example() {
        assert_eq!(
            lines_of(INFO.code, b"auth [success=ok default=bad pam_unix.so\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth [success=ok default=bad] pam_unix.so\n").is_empty());
    }
}
