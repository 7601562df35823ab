//! PL007 crlf: CRLF line end.

use super::{documented, Rule};

pub use crate::parse::codes::PL007 as INFO;

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
            lines_of(INFO.code, b"auth required pam_unix.so\r\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth required pam_unix.so\n").is_empty());
    }
}
