//! The store every server shares (`--store redis://…` of `serve` and
//! `revoke-grant`): the Redis store, built with the `redis` feature.
//!
//! # Decisions
//! - This module is the one place the `redis` feature is decided: without it,
//!   [`SharedStore`] is an empty enum whose [`SharedStore::open`] refuses with
//!   a usage error naming the feature, so the commands compile and parse alike
//!   in both builds and none of them mentions the feature itself.

use crate::Failure;
use airisk_auth::store::Store;
use std::sync::Arc;

/// Whether `url` names a shared store (`redis://…` or `rediss://…`), whether or
/// not this build can open it.
pub(crate) fn is_shared_store_url(url: &str) -> bool {
    url.starts_with("redis://") || url.starts_with("rediss://")
}

#[cfg(feature = "redis")]
pub(crate) use with_redis::SharedStore;
#[cfg(not(feature = "redis"))]
pub(crate) use without_redis::SharedStore;

#[cfg(feature = "redis")]
mod with_redis {
    use super::{Arc, Failure, Store};
    use crate::describe;
    use airisk_auth_redis::{RedisConfig, RedisStore};

    /// A Redis store, cheap to clone (every clone is the same connection pool).
    #[derive(Clone)]
    pub(crate) struct SharedStore(Arc<RedisStore>);

    impl SharedStore {
        /// The store at `url`. Opens no connection yet (see `RedisStore::new`).
        pub(crate) fn open(url: &str) -> Result<Self, Failure> {
            let store = RedisStore::new(RedisConfig::new(url))
                .map_err(|e| Failure::Usage(format!("--store: {}", describe(e))))?;
            Ok(SharedStore(Arc::new(store)))
        }

        /// The store, for an `Issuer`.
        pub(crate) fn store(&self) -> Arc<dyn Store> {
            self.0.clone()
        }

        /// Checks that the store answers, for `/healthz`.
        #[cfg_attr(not(feature = "serve"), allow(dead_code))]
        pub(crate) fn ping(&self) -> airisk_auth::Result<()> {
            self.0.ping()
        }
    }
}

#[cfg(not(feature = "redis"))]
mod without_redis {
    use super::{Arc, Failure, Store};

    /// No store can be opened in this build: no value of this type exists.
    #[derive(Clone)]
    pub(crate) enum SharedStore {}

    impl SharedStore {
        /// Refuses (exit 2): this build has no Redis store.
        pub(crate) fn open(_url: &str) -> Result<Self, Failure> {
            Err(crate::not_built("redis"))
        }

        /// Unreachable: no value exists.
        pub(crate) fn store(&self) -> Arc<dyn Store> {
            match *self {}
        }

        /// Unreachable: no value exists.
        #[cfg_attr(not(feature = "serve"), allow(dead_code))]
        pub(crate) fn ping(&self) -> airisk_auth::Result<()> {
            match *self {}
        }
    }
}
