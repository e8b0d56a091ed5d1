//! Exchanges per second on Redis at 1, 8 and 32 concurrent callers (and in
//! memory, for scale). `scripts/bench-stores.sh` starts the servers, runs this
//! and `redis-benchmark -t set` at the same concurrency, and prints the table
//! of BENCHMARKS.md. By hand: `AIRISK_REDIS_URL=redis://127.0.0.1:PORT/0
//! cargo bench -p airisk-auth-redis --bench callers`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use airisk_auth::store::MemoryStore;
use airisk_auth_redis::{RedisConfig, RedisStore};
use airisk_auth_store_tests::exchanges_per_second;
use std::sync::Arc;

/// Exchanges per caller: enough for ≥ 1 s at the slowest point.
const PER_CALLER_TOTAL: usize = 24_000;

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    for callers in [1, 8, 32] {
        let per_caller = PER_CALLER_TOTAL / callers;
        let memory =
            exchanges_per_second(&Arc::new(MemoryStore::new(1_000_000)), callers, per_caller);
        println!("store=memory callers={callers} exchanges_per_second={memory:.0}");
        if let Ok(url) = std::env::var("AIRISK_REDIS_URL") {
            let ns = format!("airisk-bench:{}:", std::process::id());
            let config = RedisConfig::new(&url)
                .with_prefixes(&format!("{ns}c:"), &format!("{ns}r:"))
                .with_pool_size(callers);
            let store = Arc::new(RedisStore::new(config).unwrap());
            let redis = exchanges_per_second(&store, callers, per_caller);
            println!("store=redis callers={callers} exchanges_per_second={redis:.0}");
        }
    }
}
