//! PL009 misplaced-header: `#%PAM-1.0` header not on the first line.

use super::{documented, Rule};

pub use crate::parse::codes::PL009 as INFO;

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
            lines_of(INFO.code, b"auth required pam_unix.so\n#%PAM-1.0\n"),
            vec![2]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"#%PAM-1.0\nauth required pam_unix.so\n").is_empty());
    }
}
