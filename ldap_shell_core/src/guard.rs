//! No panic may cross into libpam: a hook body runs under `catch_unwind`,
//! and a panic becomes PAM_SERVICE_ERR with a log line.

use crate::pam_ops::{PamOps, Priority};
use pam::constants::PamResultCode;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub fn guard_panics<P: PamOps + ?Sized>(
    ops: &mut P,
    f: impl FnOnce(&mut P) -> PamResultCode,
) -> PamResultCode {
    match catch_unwind(AssertUnwindSafe(|| f(&mut *ops))) {
        Ok(code) => code,
        Err(payload) => {
            // Dropping a payload can itself panic; never let that escape.
            std::mem::forget(payload);
            ops.syslog(
                Priority::Err,
                "internal error (panic caught): returning PAM_SERVICE_ERR",
            );
            PamResultCode::PAM_SERVICE_ERR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::FakePam;

    #[test]
    fn a_panic_becomes_service_err_and_a_log_line() {
        let mut pam = FakePam::new("u", &[]);
        let code = guard_panics(&mut pam, |_| panic!("boom"));
        assert_eq!(code, PamResultCode::PAM_SERVICE_ERR);
        assert!(pam.logged("panic caught"));
        let code = guard_panics(&mut pam, |_| PamResultCode::PAM_IGNORE);
        assert_eq!(code, PamResultCode::PAM_IGNORE);
    }
}
