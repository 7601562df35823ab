//! PL104 include-cycle: include cycle. Found by the resolver; documented and tested here.

use super::{documented, Rule};

pub use crate::resolve::codes::PL104 as INFO;

pub fn rule() -> Rule {
    documented(&INFO)
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_the_bad_example() {
        assert_eq!(
            service_lines(super::INFO.code, "auth include svc\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(service_lines(super::INFO.code, "auth required pam_permit.so\n").is_empty());
    }
}
