//! The PAM handle's slot for the LDAP connection kept between hook calls
//! (see `parked.rs`): pam_set_data once per handle with our own cleanup,
//! which closes the connection at pam_end (`parked::release`: quietly with
//! PAM_DATA_SILENT; only forgotten in a forked child).
//!
//! pam-bindings' `set_data` registers a cleanup that always drops the data,
//! so pam_set_data and pam_get_data are declared here.

use crate::parked::ParkedConn;
use libc::{c_char, c_int, c_void};
use pam::constants::PamResultCode;
use pam::module::PamHandle;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// pam_set_data key; the version is part of it so that two releases stacked
/// on one handle never read each other's layout.
const CONN_KEY: &str = concat!("pam_ldap_shell.conn.", env!("CARGO_PKG_VERSION"), "\0");

/// Linux-PAM's `PAM_DATA_SILENT` (security/_pam_types.h): the application
/// asks for no interaction at cleanup (forked children use it; sudo ends
/// every failed authentication with it).
const PAM_DATA_SILENT: c_int = 0x4000_0000;

type Cleanup = extern "C" fn(*mut PamHandle, *mut c_void, c_int);

#[link(name = "pam")]
unsafe extern "C" {
    fn pam_set_data(
        pamh: *mut PamHandle,
        name: *const c_char,
        data: *mut c_void,
        cleanup: Option<Cleanup>,
    ) -> c_int;
    fn pam_get_data(pamh: *const PamHandle, name: *const c_char, data: *mut *const c_void)
        -> c_int;
}

/// What the handle holds under `CONN_KEY`. `owner` tells two copies of this
/// module (same version, other files) apart: a connection made by the
/// other copy's code is left alone.
#[repr(C)]
struct Slot {
    owner: usize,
    parked: Option<ParkedConn>,
}

/// An address unique to this loaded copy of the module.
fn owner() -> usize {
    static MARK: u8 = 0;
    std::ptr::addr_of!(MARK) as usize
}

fn key() -> *const c_char {
    CONN_KEY.as_ptr().cast::<c_char>()
}

/// This copy's slot on the handle, if there is one.
fn slot(pamh: &mut PamHandle) -> Option<&mut Slot> {
    let mut data: *const c_void = std::ptr::null();
    // SAFETY: pamh is the live handle of this hook call; the key is a
    // NUL-terminated constant; libpam writes one pointer to `data`.
    let rc = unsafe { pam_get_data(pamh as *const PamHandle, key(), &mut data) };
    if rc != PamResultCode::PAM_SUCCESS as c_int || data.is_null() {
        return None;
    }
    // SAFETY: only `park` below stores under CONN_KEY (the version in the key
    // fixes the layout), always a Box<Slot> from Box::into_raw, owned by the
    // handle until our cleanup runs at pam_end. libpam never touches it, and
    // the hook calls of one handle run one at a time, so this is the only
    // reference for the lifetime of `pamh`'s borrow.
    let slot = unsafe { &mut *(data as *mut Slot) };
    (slot.owner == owner()).then_some(slot)
}

/// Takes the kept connection out of the slot (leaving it empty).
pub fn take(pamh: &mut PamHandle) -> Option<ParkedConn> {
    slot(pamh)?.parked.take()
}

/// Keeps `conn` in the slot, creating it on first use; gives it back when
/// libpam cannot store it or the slot belongs to another copy of the module.
pub fn park(pamh: &mut PamHandle, conn: ParkedConn) -> Result<(), ParkedConn> {
    if let Some(slot) = slot(pamh) {
        match slot.parked.take() {
            // take() left it empty at the start of the call; anything here was
            // put back by this call already: keep that one, give ours back.
            Some(other) => {
                slot.parked = Some(other);
                return Err(conn);
            }
            None => {
                slot.parked = Some(conn);
                return Ok(());
            }
        }
    }
    if has_data(pamh) {
        // Another copy's slot: replacing it would close its connection.
        return Err(conn);
    }
    let raw = Box::into_raw(Box::new(Slot {
        owner: owner(),
        parked: Some(conn),
    }));
    // SAFETY: pamh is the live handle; libpam keeps the pointer and passes it
    // to `cleanup` exactly once (pam_end, or a later set under the same key,
    // which this module never makes while a slot exists).
    let rc = unsafe { pam_set_data(pamh as *mut PamHandle, key(), raw.cast(), Some(cleanup)) };
    if rc == PamResultCode::PAM_SUCCESS as c_int {
        return Ok(());
    }
    // SAFETY: libpam refused the pointer, so `raw` is still ours alone.
    let slot = unsafe { Box::from_raw(raw) };
    match slot.parked {
        Some(conn) => Err(conn),
        None => Ok(()),
    }
}

/// Whether the handle holds anything under CONN_KEY.
fn has_data(pamh: &mut PamHandle) -> bool {
    let mut data: *const c_void = std::ptr::null();
    // SAFETY: as in `slot`; the pointer is only compared with null.
    let rc = unsafe { pam_get_data(pamh as *const PamHandle, key(), &mut data) };
    rc == PamResultCode::PAM_SUCCESS as c_int && !data.is_null()
}

/// libpam's cleanup for the slot (pam_end). Never unwinds into libpam.
extern "C" fn cleanup(_pamh: *mut PamHandle, data: *mut c_void, error_status: c_int) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the Box<Slot> that `park` gave pam_set_data with this
    // cleanup; libpam calls the cleanup once and forgets the pointer.
    let slot = unsafe { Box::from_raw(data.cast::<Slot>()) };
    let silent = error_status & PAM_DATA_SILENT != 0;
    let result = catch_unwind(AssertUnwindSafe(move || {
        let Slot { parked, .. } = *slot;
        if let Some(p) = parked {
            crate::parked::release(p, silent);
        }
    }));
    if let Err(payload) = result {
        // Dropping a payload can itself panic; never let that escape.
        std::mem::forget(payload);
    }
}
