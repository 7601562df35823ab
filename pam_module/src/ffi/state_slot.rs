//! The PAM handle's slot for the transaction state (`transaction.rs`: the
//! failover memory, what auth leaves for account, the kept connection):
//! one pam_set_data key, one owner-checked value, our own cleanup, which
//! ends the state at pam_end (`transaction::end`: the connection closed,
//! quietly with PAM_DATA_SILENT, only forgotten in a forked child).
//!
//! pam-bindings' `set_data` registers a cleanup that always drops the data,
//! and its `get_data` cannot check who stored it, so pam_set_data and
//! pam_get_data are declared here.

use crate::connector::{Connector, LdapConnector};
use crate::transaction::{end, Transaction};
use libc::{c_char, c_int, c_void};
use pam::constants::PamResultCode;
use pam::module::PamHandle;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The state as the module keeps it (the connection is the real connector's).
pub type State = Transaction<<LdapConnector as Connector>::Conn>;

/// pam_set_data key; the version is part of it so that two releases stacked
/// on one handle never read each other's layout.
const STATE_KEY: &str = concat!("pam_ldap_shell.state.", env!("CARGO_PKG_VERSION"), "\0");

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

/// What the handle holds under `STATE_KEY`. `owner` tells two copies of
/// this module (same version, other files) apart: a state made by the other
/// copy's code (its connection, its allocator's memory) is left alone.
#[repr(C)]
struct Slot {
    owner: usize,
    state: State,
}

/// An address unique to this loaded copy of the module.
fn owner() -> usize {
    static MARK: u8 = 0;
    std::ptr::addr_of!(MARK) as usize
}

fn key() -> *const c_char {
    STATE_KEY.as_ptr().cast::<c_char>()
}

/// Whatever the handle holds under STATE_KEY (null: nothing).
fn stored(pamh: &mut PamHandle) -> *mut Slot {
    let mut data: *const c_void = std::ptr::null();
    // SAFETY: pamh is the live handle of this hook call; the key is a
    // NUL-terminated constant; libpam writes one pointer to `data`.
    let rc = unsafe { pam_get_data(pamh as *const PamHandle, key(), &mut data) };
    if rc != PamResultCode::PAM_SUCCESS as c_int {
        return std::ptr::null_mut();
    }
    data as *mut Slot
}

/// This copy's slot on the handle, if there is one.
fn slot(pamh: &mut PamHandle) -> Option<&mut Slot> {
    let data = stored(pamh);
    if data.is_null() {
        return None;
    }
    // SAFETY: only `put` below stores under STATE_KEY, always a Box<Slot>
    // from Box::into_raw, owned by the handle until its cleanup runs at
    // pam_end. `owner` is the first field of a repr(C) struct, so another
    // copy's slot (same version, perhaps another build and layout) has a
    // usize at this address too; only that field is read, through a raw
    // pointer, before anything else of the slot is trusted.
    let stored_owner = unsafe { std::ptr::addr_of!((*data).owner).read() };
    if stored_owner != owner() {
        return None;
    }
    // SAFETY: the owner is this copy, so the slot is a Box<Slot> of this
    // code's layout. libpam never touches it and the hook calls of one
    // handle run one at a time, so this is the only reference for the
    // lifetime of `pamh`'s borrow.
    Some(unsafe { &mut *data })
}

/// Takes the transaction state out of the handle (the slot keeps an empty
/// one until `put`); a fresh one when there is none yet, or when the handle
/// holds another copy's (then `put` refuses it and this call keeps nothing).
pub fn take(pamh: &mut PamHandle) -> State {
    slot(pamh)
        .map(|slot| std::mem::take(&mut slot.state))
        .unwrap_or_default()
}

/// Puts `state` back on the handle, creating the slot on first use; gives
/// it back when libpam cannot store it or the slot belongs to another copy.
pub fn put(pamh: &mut PamHandle, state: State) -> Result<(), Box<State>> {
    if let Some(slot) = slot(pamh) {
        slot.state = state;
        return Ok(());
    }
    if !stored(pamh).is_null() {
        // Another copy's slot: replacing it would end its state.
        return Err(Box::new(state));
    }
    if state.is_empty() {
        return Ok(());
    }
    let raw = Box::into_raw(Box::new(Slot {
        owner: owner(),
        state,
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
    let Slot { state, .. } = *slot;
    Err(Box::new(state))
}

/// libpam's cleanup for the slot (pam_end). Never unwinds into libpam.
extern "C" fn cleanup(_pamh: *mut PamHandle, data: *mut c_void, error_status: c_int) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the Box<Slot> that `put` gave pam_set_data with this
    // cleanup; libpam calls the cleanup once and forgets the pointer.
    let slot = unsafe { Box::from_raw(data.cast::<Slot>()) };
    let silent = error_status & PAM_DATA_SILENT != 0;
    let result = catch_unwind(AssertUnwindSafe(move || {
        let Slot { state, .. } = *slot;
        end(state, silent);
    }));
    if let Err(payload) = result {
        // Dropping a payload can itself panic; never let that escape.
        std::mem::forget(payload);
    }
}
