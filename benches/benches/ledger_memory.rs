//! The memory a `MemoryStore` holds for 1,000,000 outstanding codes, counted
//! by a global allocator: `cargo bench -p airisk-auth-benches --bench ledger_memory`.

// A bench that cannot run has nothing to report: stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use airisk_auth::code::CodeId;
use airisk_auth::store::{MemoryStore, Redemption, Store};
use airisk_auth_benches::{selected_by_filter, write_extra};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

const CODES: u64 = 1_000_000;
const MB: f64 = 1024.0 * 1024.0;

/// The system allocator, counting the bytes live and the peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn record_alloc(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record_alloc(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record_alloc(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (we forward every allocation).
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            record_alloc(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    if !selected_by_filter("ledger_memory", std::env::args()) {
        return;
    }
    let now = 1_700_000_000;
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let ledger = MemoryStore::default();
    for n in 0..CODES {
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&n.to_le_bytes());
        assert_eq!(
            ledger.redeem(&CodeId(id), now + 600, now),
            Ok(Redemption::First)
        );
    }
    assert_eq!(ledger.outstanding_codes(), 1_000_000);
    let held = LIVE.load(Ordering::Relaxed) - before;
    let peak = PEAK.load(Ordering::Relaxed) - before;
    #[allow(clippy::cast_precision_loss, clippy::as_conversions)] // byte counts far below 2^52
    let (held, peak, codes) = (held as f64, peak as f64, CODES as f64);
    println!(
        "ledger_memory: {CODES} outstanding codes hold {:.1} MB ({:.1} bytes per code), peak {:.1} MB while growing (goal <= 100 MB)",
        held / MB,
        held / codes,
        peak / MB
    );
    let mut out = BTreeMap::new();
    out.insert("held_mb", held / MB);
    out.insert("peak_mb", peak / MB);
    out.insert("bytes_per_code", held / codes);
    out.insert("codes", codes);
    let path = write_extra("ledger_memory", &out).expect("write result");
    println!("written: {}", path.display());
    drop(ledger);
}
