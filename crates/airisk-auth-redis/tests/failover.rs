//! Failover without double redemption: a primary and its replica (servers of
//! this test's own), codes redeemed on the primary, the replica then cut off
//! from it (as by a network partition: pointed with `REPLICAOF` at a port where
//! nothing listens, so it keeps its data but receives nothing more), the
//! primary killed (`SIGKILL`), the replica promoted (`REPLICAOF NO ONE`), and
//! every code tried again on the new primary.
//!
//! With `WAIT 1` no code honoured by the old primary is honoured again by the
//! new one (0 double redemptions): the writes the replica did not confirm were
//! refused (503) instead. Without `WAIT` each code acknowledged while the
//! replica lagged is lost in the failover and honoured twice: the test prints
//! and checks that number too, so the risk stays documented, not hidden.
//!
//! Needs `redis-server` on `PATH` (`scripts/redis.sh install`); skipped without
//! `AIRISK_REDIS_URL` like every server test here (the shared server is not used).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use airisk_auth::code::CodeId;
use airisk_auth::store::{Redemption, Store};
use airisk_auth::Error;
use airisk_auth_redis::{RedisConfig, RedisStore};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{env_or_skip, unique};

/// Codes redeemed while the replica keeps up, then while it is cut off.
const IN_SYNC: u8 = 50;
const LAGGING: u8 = 10;
const NOW: u64 = 1_000_000_000;
const EXPIRES: u64 = 2_000_000_000;

struct Server {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Server {
    fn start(name: &str, extra: &[String]) -> Server {
        let dir = std::env::temp_dir().join(unique(name).replace(':', "-"));
        std::fs::create_dir_all(&dir).unwrap();
        for _ in 0..10 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let child = Command::new("redis-server")
                .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .arg("--dir")
                .arg(&dir)
                .args(extra)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server on PATH (scripts/redis.sh install)");
            let mut server = Server {
                child,
                port,
                dir: dir.clone(),
            };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if server.child.try_wait().unwrap().is_some() {
                    break;
                }
                if server.query::<String>(&["PING"]).is_ok() {
                    return server;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = server.child.kill();
            let _ = server.child.wait();
        }
        panic!("could not start redis-server");
    }

    /// Blocks until a replica has acknowledged every write made so far: a
    /// marker written on one connection and `WAIT 1` on the same one (WAIT
    /// counts the writes of its own connection, and the replication stream is
    /// ordered, so the marker's acknowledgement covers every earlier write).
    fn replicated(&self) {
        let mut con = redis::Client::open(self.url().as_str())
            .unwrap()
            .get_connection_with_timeout(Duration::from_secs(1))
            .unwrap();
        let ((), acknowledged): ((), i64) = redis::pipe()
            .cmd("SET")
            .arg(unique("replicated"))
            .arg(1)
            .cmd("WAIT")
            .arg(1)
            .arg(10_000)
            .query(&mut con)
            .unwrap();
        assert_eq!(acknowledged, 1, "the replica never acknowledged the writes");
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    fn query<T: redis::FromRedisValue>(&self, args: &[&str]) -> redis::RedisResult<T> {
        let mut con = redis::Client::open(self.url().as_str())?
            .get_connection_with_timeout(Duration::from_secs(1))?;
        let mut cmd = redis::cmd(args[0]);
        for arg in &args[1..] {
            cmd.arg(*arg);
        }
        cmd.query(&mut con)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-CONT", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn code(i: u8) -> CodeId {
    CodeId([i; 16])
}

/// Runs the failover with `wait` replicas confirming each write; returns the
/// number of codes honoured (`First`) by both the old and the new primary.
fn double_redemptions_across_a_failover(wait: u32) -> usize {
    let primary = Server::start("failover-primary", &[]);
    let replica = Server::start(
        "failover-replica",
        &[
            "--replicaof".to_owned(),
            "127.0.0.1".to_owned(),
            primary.port.to_string(),
        ],
    );
    let start = Instant::now();
    while !replica
        .query::<String>(&["INFO", "replication"])
        .is_ok_and(|info| info.contains("master_link_status:up"))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the replica never synced"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let ns = unique("failover");
    let config = RedisConfig::new(&primary.url())
        .with_prefixes(&format!("{ns}c:"), &format!("{ns}r:"))
        .with_wait(wait, Duration::from_millis(100));
    let old = RedisStore::new(config.clone()).unwrap();

    let mut honoured_by_old = Vec::new();
    for i in 0..IN_SYNC {
        assert_eq!(old.redeem(&code(i), EXPIRES, NOW), Ok(Redemption::First));
        honoured_by_old.push(i);
    }
    // Without WAIT the store does not wait for the replica: the test does, so
    // that "in sync" holds before the cut whatever the machine's load.
    primary.replicated();
    let nowhere = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let cut: String = replica
        .query(&["REPLICAOF", "127.0.0.1", &nowhere])
        .unwrap();
    assert_eq!(cut, "OK");
    for i in IN_SYNC..IN_SYNC + LAGGING {
        match old.redeem(&code(i), EXPIRES, NOW) {
            Ok(Redemption::First) => honoured_by_old.push(i),
            Err(Error::LedgerUnavailable) => assert!(wait > 0, "refused without WAIT"),
            other => panic!("code {i}: {other:?}"),
        }
    }
    drop(primary); // SIGKILL: nothing more reaches the replica.
    let promoted: String = replica.query(&["REPLICAOF", "NO", "ONE"]).unwrap();
    assert_eq!(promoted, "OK");

    let mut config = config.with_wait(0, Duration::from_millis(100));
    config.url = replica.url();
    let new = RedisStore::new(config).unwrap();
    let mut doubles = 0;
    for i in 0..IN_SYNC + LAGGING {
        let again = new.redeem(&code(i), EXPIRES, NOW).unwrap();
        if again == Redemption::First && honoured_by_old.contains(&i) {
            doubles += 1;
        }
        if i < IN_SYNC {
            assert_eq!(
                again,
                Redemption::Replayed,
                "code {i} redeemed while in sync was lost"
            );
        }
    }
    eprintln!(
        "failover (WAIT {wait}): {} of {} codes honoured before the failover, {doubles} honoured again after it",
        honoured_by_old.len(),
        IN_SYNC + LAGGING
    );
    doubles
}

#[test]
fn with_wait_no_code_is_honoured_twice_across_a_failover() {
    if env_or_skip(
        "AIRISK_REDIS_URL",
        "with_wait_no_code_is_honoured_twice_across_a_failover",
    )
    .is_none()
    {
        return;
    }
    assert_eq!(double_redemptions_across_a_failover(1), 0);
}

#[test]
fn without_wait_the_codes_a_cut_off_replica_missed_are_honoured_twice() {
    if env_or_skip(
        "AIRISK_REDIS_URL",
        "without_wait_the_codes_a_cut_off_replica_missed",
    )
    .is_none()
    {
        return;
    }
    // Documented, not hidden: every code acknowledged while the replica was cut off.
    assert_eq!(
        double_redemptions_across_a_failover(0),
        usize::from(LAGGING)
    );
}
