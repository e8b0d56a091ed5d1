//! The connections: a fixed set of slots, each holding at most one open
//! connection with its prepared statements, used by one caller at a time.

use crate::config::PostgresConfig;
use crate::schema::{Sql, Statements};
use airisk_auth::{Error, Result};
use postgres::{Client, NoTls};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

/// One open connection and the statements prepared on it.
pub(crate) struct Connection {
    pub(crate) client: Client,
    pub(crate) statements: Statements,
}

/// Why an attempt failed.
enum Failure {
    Driver(postgres::Error),
    /// The server acknowledges commits before making them durable.
    NotDurable,
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Self {
        Failure::Driver(e)
    }
}

/// The connection slots of one store.
pub(crate) struct Pool {
    driver: postgres::Config,
    config: PostgresConfig,
    sql: Sql,
    slots: Box<[Mutex<Option<Connection>>]>,
    next: AtomicUsize,
}

impl Pool {
    pub(crate) fn new(config: PostgresConfig) -> Result<Self> {
        config.validate()?;
        let driver = config.driver()?;
        let sql = Sql::for_schema(&config.schema);
        let slots = (0..config.pool_size).map(|_| Mutex::new(None)).collect();
        Ok(Pool {
            driver,
            config,
            sql,
            slots,
            next: AtomicUsize::new(0),
        })
    }

    pub(crate) fn config(&self) -> &PostgresConfig {
        &self.config
    }

    pub(crate) fn sql(&self) -> &Sql {
        &self.sql
    }

    /// A new connection with its statements prepared (which fails without the
    /// schema), on a server that makes commits durable before acknowledging them.
    fn connect(&self) -> std::result::Result<Connection, Failure> {
        let mut client = self.driver.connect(NoTls)?;
        // With `synchronous_commit = off` a crash loses the last acknowledged
        // commits: a redemption could then be honoured twice. Measured on
        // PostgreSQL 15 (`pg_ctl stop -m immediate`): the last 5 of 100 commits
        // were lost, and a session-level `SET synchronous_commit = on` over a
        // server default of `off` did not prevent it. So the server's effective
        // setting must not be `off`.
        let setting: String = client
            .query_one("SHOW synchronous_commit", &[])?
            .try_get(0)?;
        if setting == "off" {
            return Err(Failure::NotDurable);
        }
        let statements = Statements::prepare(&mut client, &self.sql)?;
        Ok(Connection { client, statements })
    }

    /// A connection of its own, for one-off work (the migration), not pooled.
    pub(crate) fn connect_unpooled(&self) -> Result<Client> {
        self.driver
            .connect(NoTls)
            .map_err(|_| Error::LedgerUnavailable)
    }

    /// Runs `op` on a connection of its own, opening one if the slot has none;
    /// retries once on a fresh connection when a reused one turns out closed.
    /// Every failure drops the connection and is [`Error::LedgerUnavailable`].
    pub(crate) fn run<T>(
        &self,
        op: impl Fn(&mut Connection) -> std::result::Result<T, postgres::Error>,
    ) -> Result<T> {
        let mut slot = self.slot();
        let reused = slot.is_some();
        match self.attempt(&mut slot, &op) {
            Ok(value) => Ok(value),
            // A closed connection (server restarted, idle connection cut) failed
            // before the statement reached the server: safe to send again. A
            // statement the server did receive and apply is idempotent anyway
            // for redemption: the retry then sees the row (Replayed), never a
            // second First.
            Err(Failure::Driver(e)) if reused && e.is_closed() => self
                .attempt(&mut slot, &op)
                .map_err(|_| Error::LedgerUnavailable),
            Err(_) => Err(Error::LedgerUnavailable),
        }
    }

    fn attempt<T>(
        &self,
        slot: &mut Option<Connection>,
        op: &impl Fn(&mut Connection) -> std::result::Result<T, postgres::Error>,
    ) -> std::result::Result<T, Failure> {
        let con = match slot {
            Some(con) if !con.client.is_closed() => con,
            _ => slot.insert(self.connect()?),
        };
        let result = op(con);
        if result.is_err() {
            *slot = None;
        }
        Ok(result?)
    }

    /// A free slot if there is one (round robin from a moving start), else a
    /// wait for the first one tried.
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

    /// The number of slots holding an open connection (those not in use right now).
    pub(crate) fn open_connections(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| slot.try_lock().is_ok_and(|c| c.is_some()))
            .count()
    }
}

/// A panic while a slot was held may have left the connection mid-protocol, so a
/// poisoned slot is emptied (the next caller reconnects).
fn emptied(
    poisoned: PoisonError<MutexGuard<'_, Option<Connection>>>,
) -> MutexGuard<'_, Option<Connection>> {
    let mut slot = poisoned.into_inner();
    *slot = None;
    slot
}
