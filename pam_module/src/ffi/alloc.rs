//! The module's heap wipes every block it frees. Passwords pass through
//! buffers the module does not own (ldap3's BER encoder, tokio's codec
//! buffers, rustls' records): zeroizing our own copies is not enough, the
//! freed buffers would keep the password until reused. As the global
//! allocator of this library, this covers every Rust allocation made on
//! the module's behalf. Memory malloc'd by libpam or the application (the
//! conversation's reply, PAM_AUTHTOK) is theirs: pam-bindings wipes the
//! reply before freeing it, libpam wipes its items at pam_end.

use std::alloc::{GlobalAlloc, Layout, System};

pub struct WipingAllocator;

// SAFETY: every method forwards to `System` with the same layout; `dealloc`
// only writes inside the block it is given (`layout.size()` bytes from `ptr`,
// owned by the caller until it is handed back), then frees it. `realloc` is
// GlobalAlloc's default (alloc, copy, dealloc), so a moved block is wiped too.
unsafe impl GlobalAlloc for WipingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds alloc's contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes from
        // `alloc`; nobody else uses it any more (it is being freed).
        unsafe { std::ptr::write_bytes(ptr, 0, layout.size()) };
        // The wipe is a dead store to the optimizer (free follows): make
        // the block observable so it cannot be removed.
        std::hint::black_box(ptr);
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: WipingAllocator = WipingAllocator;
