//! The connections: a fixed set of slots, each holding at most one open
//! connection (to one server, or a cluster connection with one socket per node)
//! used by one caller at a time.

use crate::config::RedisConfig;
use airisk_auth::{Error, Result};
use redis::cluster::{ClusterClient, ClusterClientBuilder, ClusterConnection};
use redis::{ClientTlsConfig, ConnectionLike, RedisResult, TlsCertificates};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use zeroize::Zeroize;

/// How new connections are made.
enum Connector {
    Server(redis::Client),
    Cluster(ClusterClient),
}

/// One open connection.
enum Connection {
    Server(redis::Connection),
    // Boxed: a cluster connection is several times the size of a server one.
    Cluster(Box<ClusterConnection>),
}

impl Connection {
    fn as_dyn(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Connection::Server(con) => con,
            Connection::Cluster(con) => &mut **con,
        }
    }
}

/// The connection slots of one store.
pub(crate) struct Pool {
    connector: Connector,
    config: RedisConfig,
    slots: Box<[Mutex<Option<Connection>>]>,
    next: AtomicUsize,
}

/// Reads the TLS files of `config` (errors are configuration errors).
fn certificates(config: &RedisConfig) -> Result<TlsCertificates> {
    let read =
        |path: &std::path::Path| std::fs::read(path).map_err(|_| Error::InvalidConfiguration);
    let root_cert = config.tls.ca_file.as_deref().map(read).transpose()?;
    let client_tls = match (&config.tls.client_cert_file, &config.tls.client_key_file) {
        (Some(cert), Some(key)) => Some(ClientTlsConfig {
            client_cert: read(cert)?,
            client_key: read(key)?,
        }),
        _ => None,
    };
    Ok(TlsCertificates {
        client_tls,
        root_cert,
    })
}

/// Wipes the client key read from its file once the client has parsed it.
fn wipe(mut certificates: TlsCertificates) {
    if let Some(client) = certificates.client_tls.as_mut() {
        client.client_key.zeroize();
    }
}

impl Pool {
    /// Parses the URLs and reads the TLS files; opens nothing.
    pub(crate) fn new(config: RedisConfig) -> Result<Self> {
        config.validate()?;
        let invalid = |_| Error::InvalidConfiguration;
        let connector = if config.cluster {
            let mut builder = ClusterClientBuilder::new(config.urls().collect::<Vec<_>>())
                .connection_timeout(config.connect_timeout)
                .response_timeout(config.read_timeout + config.wait_timeout)
                // One retry after a redirection or a dropped node: enough to follow a
                // MOVED/ASK; a retried `SET NX` can only turn First into Replayed.
                .retries(1);
            if config.uses_tls() {
                let certs = certificates(&config)?;
                builder = builder.certs(certs.clone());
                wipe(certs);
            }
            Connector::Cluster(builder.build().map_err(invalid)?)
        } else if config.uses_tls() {
            let certs = certificates(&config)?;
            let client = redis::Client::build_with_tls(config.url.as_str(), certs.clone());
            wipe(certs);
            Connector::Server(client.map_err(invalid)?)
        } else {
            Connector::Server(redis::Client::open(config.url.as_str()).map_err(invalid)?)
        };
        let slots = (0..config.pool_size).map(|_| Mutex::new(None)).collect();
        Ok(Pool {
            connector,
            config,
            slots,
            next: AtomicUsize::new(0),
        })
    }

    pub(crate) fn config(&self) -> &RedisConfig {
        &self.config
    }

    /// The address shown by `Debug` (no credentials).
    pub(crate) fn address(&self) -> String {
        match &self.connector {
            Connector::Server(client) => client.get_connection_info().addr().to_string(),
            Connector::Cluster(_) => {
                format!("cluster {}", crate::config::redact_url(&self.config.url))
            }
        }
    }

    /// The number of slots holding an open connection (those not in use right now).
    pub(crate) fn open_connections(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| slot.try_lock().is_ok_and(|c| c.is_some()))
            .count()
    }

    fn connect(&self) -> RedisResult<Connection> {
        // A `WAIT` may hold the reply back for its own timeout on top of the read timeout.
        let read_timeout = Some(self.config.read_timeout + self.config.wait_timeout);
        let write_timeout = Some(self.config.write_timeout);
        match &self.connector {
            Connector::Server(client) => {
                let con = client.get_connection_with_timeout(self.config.connect_timeout)?;
                con.set_read_timeout(read_timeout)?;
                con.set_write_timeout(write_timeout)?;
                Ok(Connection::Server(con))
            }
            Connector::Cluster(client) => {
                let con = client.get_connection()?;
                con.set_read_timeout(read_timeout)?;
                con.set_write_timeout(write_timeout)?;
                Ok(Connection::Cluster(Box::new(con)))
            }
        }
    }

    /// Runs `op` on a connection of its own, opening one if the slot has none;
    /// retries once on a fresh connection when a reused one turns out dead.
    /// Every failure drops the connection and is [`Error::LedgerUnavailable`].
    pub(crate) fn run<T>(
        &self,
        op: impl Fn(&mut dyn ConnectionLike) -> RedisResult<T>,
    ) -> Result<T> {
        let mut slot = self.slot();
        let reused = slot.is_some();
        match self.attempt(&mut slot, &op) {
            Ok(value) => Ok(value),
            Err(e) if reused && e.is_connection_dropped() && !e.is_timeout() => self
                .attempt(&mut slot, &op)
                .map_err(|_| Error::LedgerUnavailable),
            Err(_) => Err(Error::LedgerUnavailable),
        }
    }

    fn attempt<T>(
        &self,
        slot: &mut Option<Connection>,
        op: &impl Fn(&mut dyn ConnectionLike) -> RedisResult<T>,
    ) -> RedisResult<T> {
        let con = match slot {
            Some(con) => con,
            None => slot.insert(self.connect()?),
        };
        let result = op(con.as_dyn());
        if result.is_err() {
            *slot = None;
        }
        result
    }

    /// A free slot if there is one (round robin from a moving start, so callers
    /// spread over the connections), else a wait for the first one tried.
    fn slot(&self) -> MutexGuard<'_, Option<Connection>> {
        let n = self.slots.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for i in 0..n {
            match self.slots[(start + i) % n].try_lock() {
                Ok(guard) => return guard,
                Err(TryLockError::Poisoned(poisoned)) => return emptied(poisoned),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        self.slots[start].lock().unwrap_or_else(emptied)
    }
}

/// A panic while a slot was held may have left a half-read reply on its
/// connection, so a poisoned slot is emptied (the next caller reconnects).
fn emptied(
    poisoned: PoisonError<MutexGuard<'_, Option<Connection>>>,
) -> MutexGuard<'_, Option<Connection>> {
    let mut slot = poisoned.into_inner();
    *slot = None;
    slot
}
