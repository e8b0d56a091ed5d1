//! Exchanges per second on PostgreSQL at 1, 8 and 32 concurrent callers.
//! `scripts/bench-stores.sh` starts the server and runs this; by hand:
//! `AIRISK_PG_URL='host=… port=… user=… dbname=…' cargo bench -p airisk-auth-postgres`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use airisk_auth_postgres::{PostgresConfig, PostgresStore};
use airisk_auth_store_tests::exchanges_per_second;
use std::sync::Arc;

const PER_CALLER_TOTAL: usize = 12_000;

fn main() {
    let Ok(url) = std::env::var("AIRISK_PG_URL") else {
        eprintln!("AIRISK_PG_URL is not set: nothing measured (scripts/bench-stores.sh sets it)");
        return;
    };
    for callers in [1, 8, 32] {
        let schema = format!("bench_{}_{callers}", std::process::id());
        let config = PostgresConfig::new(&url)
            .with_schema(&schema)
            .with_pool_size(callers);
        let store = Arc::new(PostgresStore::new(config).unwrap());
        store.migrate().unwrap();
        let rate = exchanges_per_second(&store, callers, PER_CALLER_TOTAL / callers);
        println!("store=postgres callers={callers} exchanges_per_second={rate:.0}");
    }
}
