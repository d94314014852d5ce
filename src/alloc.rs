//! Allocation: tree-sitter's C library allocates with libc `malloc` unless
//! told otherwise, and parsing Go is the largest part of a cold build;
//! routing it to mimalloc (which the binaries use for Rust allocations) took
//! its allocation time from about 5% of the build's CPU to about 2%.

use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc};
use std::ffi::c_void;

// tree-sitter requires non-null results for non-zero sizes.
fn non_null(p: *mut c_void, size: usize) -> *mut c_void {
    if p.is_null() && size != 0 {
        std::process::abort();
    }
    p
}

unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
    non_null(unsafe { mi_malloc(size) }, size)
}

unsafe extern "C" fn calloc(n: usize, size: usize) -> *mut c_void {
    let Some(total) = n.checked_mul(size) else {
        std::process::abort();
    };
    let p = non_null(unsafe { mi_malloc(total) }, total);
    // SAFETY: `p` holds `total` writable bytes.
    unsafe { std::ptr::write_bytes(p.cast::<u8>(), 0, total) };
    p
}

unsafe extern "C" fn realloc(p: *mut c_void, size: usize) -> *mut c_void {
    non_null(unsafe { mi_realloc(p, size) }, size)
}

unsafe extern "C" fn free(p: *mut c_void) {
    unsafe { mi_free(p) }
}

/// Route tree-sitter's allocations to mimalloc.
///
/// # Safety
///
/// Call it before any other tree-sitter call, while only one thread runs
/// (first thing in `main`), as `tree_sitter::set_allocator` requires.
pub unsafe fn tree_sitter_uses_mimalloc() {
    // SAFETY: one allocator family (mimalloc), never null for non-zero
    // sizes, malloc's alignment; the caller guarantees the timing.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc,
            calloc,
            realloc,
            free,
        }));
    }
}
