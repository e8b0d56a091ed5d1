//! The Redis ledger against a real `redis-server` on 127.0.0.1 (no mocks on the Redis path).
//!
//! The tests that need Redis read its URL from `AIRISK_REDIS_URL`. Without it they
//! print a notice and pass, so that `cargo test --workspace` works on a machine
//! without Redis, unless `AIRISK_REDIS_REQUIRED=1`, when they fail.
//! `scripts/test-redis.sh` installs and starts a server, sets both and runs them.
//! Tests that stop or restart Redis start their own `redis-server` (from `PATH`), so
//! that the shared one stays up for the tests running beside them.
//!
//! The multi-process tests re-run this test binary as a child process with
//! `AIRISK_REDIS_CHILD_JOB` set, selecting the ignored test [`child_role`].

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::code::CodeId;
use airisk_auth::prelude::*;
use airisk_auth::store::{Redemption, Store};
use airisk_auth_redis::{RedisConfig, RedisStore};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const ISSUER: &str = "https://airisk.example";
const CLIENT_ID: &str = "abc123";
const CLIENT_SECRET: &str = "s3cret";
const REDIRECT_URI: &str = "https://localhost/callback";
const USERID: &str = "user_42";
const CHILD_JOB: &str = "AIRISK_REDIS_CHILD_JOB";
/// Bounds every wait for another process, so a broken test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------- helpers

/// The shared server's URL, or `None` (after a notice) when the test is to be skipped.
fn shared_url(test: &str) -> Option<String> {
    match std::env::var("AIRISK_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("AIRISK_REDIS_REQUIRED").as_deref() == Ok("1") => panic!(
            "AIRISK_REDIS_REQUIRED=1 but AIRISK_REDIS_URL is not set: run scripts/test-redis.sh"
        ),
        _ => {
            // Straight to stderr: libtest captures only the print macros.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED {test}: no Redis. Set AIRISK_REDIS_URL or run scripts/test-redis.sh ***"
            );
            None
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A key namespace no other test (or earlier run) uses.
fn unique(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("airisk-test:{}:{nanos}:{test}:", std::process::id())
}

fn config(url: &str, namespace: &str) -> RedisConfig {
    RedisConfig::new(url).with_prefixes(&format!("{namespace}c:"), &format!("{namespace}r:"))
}

fn ledger(url: &str, namespace: &str) -> Arc<RedisStore> {
    Arc::new(RedisStore::new(config(url, namespace)).unwrap())
}

/// A plain connection, to look at what the ledger wrote.
fn raw(url: &str) -> redis::Connection {
    redis::Client::open(url).unwrap().get_connection().unwrap()
}

fn pttl(con: &mut redis::Connection, key: &str) -> i64 {
    redis::cmd("PTTL").arg(key).query(con).unwrap()
}

fn random_id() -> CodeId {
    let key = CodeKey::generate().unwrap();
    let mut id = [0u8; 16];
    id.copy_from_slice(&key.secret_bytes()[..16]);
    CodeId(id)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Everything the replicas of one deployment share: keys and the code key.
struct Deployment {
    keys: Arc<KeySet>,
    code_key_secret: Vec<u8>,
}

impl Deployment {
    fn new() -> Self {
        let code_key = CodeKey::generate().unwrap();
        Deployment {
            keys: Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap()),
            code_key_secret: code_key.secret_bytes().to_vec(),
        }
    }

    fn from_code_key(secret: &[u8]) -> Self {
        Deployment {
            code_key_secret: secret.to_vec(),
            ..Deployment::new()
        }
    }

    /// One replica: its own issuer (and registry copy) on the given ledger.
    fn issuer(&self, ledger: Arc<RedisStore>) -> Issuer {
        let mut registry = MemoryRegistry::new();
        registry
            .add_client(Client::new(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI).unwrap())
            .unwrap();
        registry
            .add_user(User::new(USERID, Some("acme")).unwrap())
            .unwrap();
        let mut config = IssuerConfig::new(ISSUER);
        config.code_ttl = 600;
        Issuer::new(
            config,
            self.keys.clone(),
            CodeKey::from_bytes(&self.code_key_secret).unwrap(),
            Arc::new(registry),
            ledger,
        )
        .unwrap()
    }
}

fn issue_code(issuer: &Issuer) -> String {
    let answer = issuer.authorize(&format!(
        "client_id={CLIENT_ID}&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid={USERID}"
    ));
    assert_eq!(answer.status, 302, "{answer:?}");
    let location = answer.header("Location").unwrap();
    location.split("code=").nth(1).unwrap().to_owned()
}

fn exchange(issuer: &Issuer, code: &str) -> Response {
    let body = format!(
        "grant_type=authorization_code&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}\
         &redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}&userid={USERID}"
    );
    issuer.exchange(&Request::new(
        Some("application/x-www-form-urlencoded"),
        body.as_bytes(),
    ))
}

fn access_token(answer: &Response) -> String {
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A redis-server of this test's own, on a free loopback port, killed on drop.
struct OwnRedis {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl OwnRedis {
    fn start(name: &str) -> OwnRedis {
        let dir = std::env::temp_dir().join(unique(name).replace(':', "-"));
        std::fs::create_dir_all(&dir).unwrap();
        for _ in 0..10 {
            let mut server = OwnRedis {
                child: None,
                port: closed_port(),
                dir: dir.clone(),
            };
            if server.restart() {
                return server;
            }
        }
        panic!("could not start redis-server (is it on PATH? scripts/redis.sh install)");
    }

    /// Starts the server (again) on its port; false if it did not come up.
    fn restart(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server on PATH (scripts/redis.sh install)");
        self.child = Some(child);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Some(child) = self.child.as_mut() {
                if child.try_wait().unwrap().is_some() {
                    self.child = None;
                    return false;
                }
            }
            let ready = redis::Client::open(self.url().as_str())
                .and_then(|c| c.get_connection())
                .and_then(|mut con| redis::cmd("PING").query::<String>(&mut con));
            if ready.is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        false
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Kills the server (SIGKILL: nothing is flushed, as in a crash) and waits for it.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---------------------------------------------------------------- ledger

#[test]
fn first_redemption_wins_and_replays_are_seen() {
    let Some(url) = shared_url("first_redemption_wins_and_replays_are_seen") else {
        return;
    };
    let ns = unique("first");
    let a = ledger(&url, &ns);
    let now = unix_now();
    let id = random_id();
    assert_eq!(a.redeem(&id, now + 60, now), Ok(Redemption::First));
    assert_eq!(a.redeem(&id, now + 60, now), Ok(Redemption::Replayed));
    // Another instance (another replica) on the same prefixes sees it too.
    let b = ledger(&url, &ns);
    assert_eq!(b.redeem(&id, now + 60, now + 1), Ok(Redemption::Replayed));
    // Other prefixes are another deployment.
    let other = ledger(&url, &unique("first-other"));
    assert_eq!(other.redeem(&id, now + 60, now), Ok(Redemption::First));
    assert_eq!(a.redeem(&random_id(), now + 60, now), Ok(Redemption::First));
    a.ping().unwrap();
}

#[test]
fn codes_are_kept_for_their_remaining_life() {
    let Some(url) = shared_url("codes_are_kept_for_their_remaining_life") else {
        return;
    };
    let ns = unique("ttl");
    let l = ledger(&url, &ns);
    let mut con = raw(&url);
    let now = unix_now();

    let id = random_id();
    l.redeem(&id, now + 100, now).unwrap();
    let ttl = pttl(&mut con, &format!("{ns}c:{id}"));
    assert!((90_000..=100_000).contains(&ttl), "PTTL {ttl}");

    // Already at (or past) expiry: still remembered, for 1 s.
    let id = random_id();
    l.redeem(&id, now, now).unwrap();
    let ttl = pttl(&mut con, &format!("{ns}c:{id}"));
    assert!(ttl == -2 || (1..=1000).contains(&ttl), "PTTL {ttl}");

    // The margin for clock differences between replicas is added.
    let mut cfg = config(&url, &ns);
    cfg.extra_retention = 300;
    let with_margin = RedisStore::new(cfg).unwrap();
    let id = random_id();
    with_margin.redeem(&id, now + 100, now).unwrap();
    let ttl = pttl(&mut con, &format!("{ns}c:{id}"));
    assert!((390_000..=400_000).contains(&ttl), "PTTL {ttl}");
}

#[test]
fn an_expired_code_is_forgotten_by_redis() {
    let Some(url) = shared_url("an_expired_code_is_forgotten_by_redis") else {
        return;
    };
    let l = ledger(&url, &unique("expiry"));
    let now = unix_now();
    let id = random_id();
    assert_eq!(l.redeem(&id, now + 1, now), Ok(Redemption::First));
    assert_eq!(l.redeem(&id, now + 1, now), Ok(Redemption::Replayed));
    // Real waiting, once: the key was set with EX 1.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(l.redeem(&id, now + 1, now), Ok(Redemption::First));
}

#[test]
fn concurrent_redemptions_in_one_process_have_one_winner() {
    let Some(url) = shared_url("concurrent_redemptions_in_one_process_have_one_winner") else {
        return;
    };
    let ns = unique("threads");
    let ids: Arc<Vec<CodeId>> = Arc::new((0..200).map(|_| random_id()).collect());
    let now = unix_now();
    let threads: Vec<_> = (0..6)
        .map(|_| {
            // One ledger (one connection) per thread: truly concurrent on the server.
            let l = ledger(&url, &ns);
            let ids = ids.clone();
            std::thread::spawn(move || {
                ids.iter()
                    .map(|id| l.redeem(id, now + 60, now).unwrap() == Redemption::First)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<Vec<bool>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for i in 0..ids.len() {
        let winners = results.iter().filter(|r| r[i]).count();
        assert_eq!(winners, 1, "code {i} had {winners} first redemptions");
    }
}

#[test]
fn revocations_are_kept_until_the_token_expires_and_never_shortened() {
    let Some(url) = shared_url("revocations_are_kept_until_the_token_expires") else {
        return;
    };
    let ns = unique("revoke");
    let l = ledger(&url, &ns);
    let mut con = raw(&url);
    let now = unix_now();
    assert_eq!(l.is_revoked("jti-a", now), Ok(false));
    l.revoke("jti-a", now + 100, now).unwrap();
    assert_eq!(l.is_revoked("jti-a", now), Ok(true));
    assert_eq!(l.is_revoked("jti-b", now), Ok(false));
    let key = format!("{ns}r:jti-a");
    let ttl = pttl(&mut con, &key);
    assert!((90_000..=100_000).contains(&ttl), "PTTL {ttl}");
    l.revoke("jti-a", now + 10, now).unwrap();
    let ttl = pttl(&mut con, &key);
    assert!((90_000..=100_000).contains(&ttl), "shortened: PTTL {ttl}");
    l.revoke("jti-a", now + 200, now).unwrap();
    let ttl = pttl(&mut con, &key);
    assert!(
        (190_000..=200_000).contains(&ttl),
        "not extended: PTTL {ttl}"
    );
    // A revocation an operator made by hand without expiry stays without one.
    let forever = format!("{ns}r:jti-forever");
    redis::cmd("SET")
        .arg(&forever)
        .arg(1)
        .query::<()>(&mut con)
        .unwrap();
    l.revoke("jti-forever", now + 100, now).unwrap();
    assert_eq!(pttl(&mut con, &forever), -1);
    assert_eq!(l.is_revoked("jti-forever", now), Ok(true));
}

#[test]
fn a_verifier_with_the_redis_list_refuses_revoked_tokens() {
    let Some(url) = shared_url("a_verifier_with_the_redis_list_refuses_revoked_tokens") else {
        return;
    };
    let ns = unique("verifier");
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    let now = unix_now();
    let token = keys
        .mint(&Claims::generic(
            ISSUER,
            CLIENT_ID,
            now,
            3600,
            "jti-verifier",
        ))
        .unwrap();
    let verifier = Verifier::new(keys.clone(), Policy::new(ISSUER)).with_store(ledger(&url, &ns));
    assert!(verifier.verify(&token).is_ok());
    // Revoked through another instance, as another replica would.
    ledger(&url, &ns)
        .revoke("jti-verifier", now + 3600, now)
        .unwrap();
    assert_eq!(verifier.verify(&token).err(), Some(Error::TokenRevoked));
    let refused = check_bearer(&verifier, Some(&format!("Bearer {token}")), Access::Any);
    assert_eq!(refused.unwrap_err().status, 401);
}

#[test]
fn a_replayed_code_is_refused_by_another_replica_and_its_token_revoked() {
    let Some(url) = shared_url("a_replayed_code_is_refused_by_another_replica") else {
        return;
    };
    let ns = unique("flow");
    let deployment = Deployment::new();
    let replica_a = deployment.issuer(ledger(&url, &ns));
    let replica_b = deployment.issuer(ledger(&url, &ns));
    let code = issue_code(&replica_a);
    let first = exchange(&replica_a, &code);
    assert_eq!(first.status, 200, "{first:?}");
    let token = access_token(&first);
    assert!(replica_b.verifier().verify(&token).is_ok());

    let replay = exchange(&replica_b, &code);
    assert_eq!(replay.status, 400);
    assert_eq!(replay.body, "Invalid Code");
    assert_eq!(replay.reason, Some(Error::CodeAlreadyRedeemed));
    // RFC 6749 §4.1.2: the token issued from the replayed code is revoked, everywhere.
    assert_eq!(
        replica_a.verifier().verify(&token).err(),
        Some(Error::TokenRevoked)
    );
    assert_eq!(
        replica_b.verifier().verify(&token).err(),
        Some(Error::TokenRevoked)
    );
}

// ---------------------------------------------------------------- failing closed

#[test]
fn an_unreachable_redis_fails_closed() {
    // Needs no server: nothing listens on this port.
    let url = format!("redis://127.0.0.1:{}/0", closed_port());
    let l = ledger(&url, &unique("closed"));
    let now = unix_now();
    assert_eq!(l.ping(), Err(Error::LedgerUnavailable));
    assert_eq!(
        l.redeem(&random_id(), now + 60, now),
        Err(Error::LedgerUnavailable)
    );
    assert_eq!(l.revoke("j", now + 60, now), Err(Error::LedgerUnavailable));
    assert_eq!(l.is_revoked("j", now), Err(Error::LedgerUnavailable));

    let deployment = Deployment::new();
    let issuer = deployment.issuer(l.clone());
    let code = issue_code(&issuer);
    let answer = exchange(&issuer, &code);
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.reason, Some(Error::LedgerUnavailable));
    assert!(!answer.body.contains("access_token"));

    let token = deployment
        .keys
        .mint(&Claims::generic(ISSUER, CLIENT_ID, now, 3600, "j"))
        .unwrap();
    assert_eq!(
        issuer.verifier().verify(&token).err(),
        Some(Error::LedgerUnavailable)
    );
    let refused = check_bearer(
        &issuer.verifier(),
        Some(&format!("Bearer {token}")),
        Access::Any,
    );
    assert_eq!(refused.unwrap_err().reason, Some(Error::LedgerUnavailable));
}

#[test]
fn a_silent_server_times_out_and_fails_closed() {
    // Accepts connections (the kernel completes them) and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "redis://127.0.0.1:{}/0",
        listener.local_addr().unwrap().port()
    );
    let cfg = config(&url, &unique("silent"))
        .with_timeouts(Duration::from_millis(200), Duration::from_millis(200));
    let l = RedisStore::new(cfg).unwrap();
    let now = unix_now();
    assert_eq!(
        l.redeem(&random_id(), now + 60, now),
        Err(Error::LedgerUnavailable)
    );
    assert_eq!(l.is_revoked("j", now), Err(Error::LedgerUnavailable));
    assert_eq!(l.revoke("j", now + 60, now), Err(Error::LedgerUnavailable));
}

#[test]
fn error_replies_fail_closed() {
    // A server (or proxy) that answers every command with an error.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "redis://127.0.0.1:{}/0",
        listener.local_addr().unwrap().port()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    #[allow(clippy::naive_bytecount)] // a few bytes per reply
                    let commands = buf[..n].iter().filter(|&&b| b == b'*').count().max(1);
                    let reply = "-ERR refused by the test\r\n".repeat(commands);
                    if stream.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    let cfg = config(&url, &unique("errors"))
        .with_timeouts(Duration::from_millis(500), Duration::from_millis(500));
    let l = RedisStore::new(cfg).unwrap();
    let now = unix_now();
    assert_eq!(
        l.redeem(&random_id(), now + 60, now),
        Err(Error::LedgerUnavailable)
    );
    assert_eq!(l.is_revoked("j", now), Err(Error::LedgerUnavailable));
    assert_eq!(l.revoke("j", now + 60, now), Err(Error::LedgerUnavailable));
}

#[test]
fn handshake_errors_fail_closed() {
    let Some(url) = shared_url("handshake_errors_fail_closed") else {
        return;
    };
    let client = redis::Client::open(url.as_str()).unwrap();
    let addr = client.get_connection_info().addr().to_string();
    let now = unix_now();
    // A password the server does not have; a database it does not have.
    for bad in [
        format!("redis://:wrong-password@{addr}/0"),
        format!("redis://{addr}/999"),
    ] {
        let l = ledger(&bad, &unique("handshake"));
        assert_eq!(
            l.redeem(&random_id(), now + 60, now),
            Err(Error::LedgerUnavailable),
            "{bad}"
        );
        assert_eq!(l.ping(), Err(Error::LedgerUnavailable));
    }
}

#[test]
fn the_ledger_reconnects_after_redis_restarts() {
    if shared_url("the_ledger_reconnects_after_redis_restarts").is_none() {
        return;
    }
    let mut server = OwnRedis::start("restart");
    let l = ledger(&server.url(), &unique("restart"));
    let now = unix_now();
    assert_eq!(l.redeem(&random_id(), now + 60, now), Ok(Redemption::First));

    server.stop();
    assert_eq!(
        l.redeem(&random_id(), now + 60, now),
        Err(Error::LedgerUnavailable)
    );
    assert!(server.restart());
    assert_eq!(l.redeem(&random_id(), now + 60, now), Ok(Redemption::First));

    // Restarted between two calls: the reused connection is dead, and the very
    // next call succeeds on a fresh one.
    server.stop();
    assert!(server.restart());
    let id = random_id();
    assert_eq!(l.redeem(&id, now + 60, now), Ok(Redemption::First));
    assert_eq!(l.redeem(&id, now + 60, now), Ok(Redemption::Replayed));
}

// ---------------------------------------------------------------- two processes

/// One exchange, as a line of a results file.
#[derive(Debug)]
struct Record {
    code: usize,
    status: u16,
    reason: String,
    after_stop: bool,
    token: String,
}

impl Record {
    fn parse(line: &str) -> Record {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f.len(), 5, "bad record {line:?}");
        Record {
            code: f[0].parse().unwrap(),
            status: f[1].parse().unwrap(),
            reason: f[2].to_owned(),
            after_stop: f[3] == "1",
            token: f[4].to_owned(),
        }
    }
}

/// What a process is to do; written by the parent as `name=value` lines.
struct Job {
    url: String,
    namespace: String,
    code_key: Vec<u8>,
    codes: PathBuf,
    out: PathBuf,
    ready: PathBuf,
    peer_ready: PathBuf,
    stop_marker: Option<PathBuf>,
    /// Goes through the codes last to first, so that the two processes meet mid-way.
    reverse: bool,
}

impl Job {
    fn write(&self, path: &Path) {
        let mut s = format!(
            "url={}\nnamespace={}\ncode_key={}\ncodes={}\nout={}\nready={}\npeer_ready={}\nreverse={}\n",
            self.url,
            self.namespace,
            hex(&self.code_key),
            self.codes.display(),
            self.out.display(),
            self.ready.display(),
            self.peer_ready.display(),
            u8::from(self.reverse)
        );
        if let Some(marker) = &self.stop_marker {
            let _ = writeln!(s, "stop_marker={}", marker.display());
        }
        std::fs::write(path, s).unwrap();
    }

    fn read(path: &Path) -> Job {
        let text = std::fs::read_to_string(path).unwrap();
        let fields: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
        let path = |name: &str| PathBuf::from(fields[name]);
        Job {
            url: fields["url"].to_owned(),
            namespace: fields["namespace"].to_owned(),
            code_key: unhex(fields["code_key"]),
            codes: path("codes"),
            out: path("out"),
            ready: path("ready"),
            peer_ready: path("peer_ready"),
            stop_marker: fields.get("stop_marker").map(PathBuf::from),
            reverse: fields["reverse"] == "1",
        }
    }

    fn stopped(&self) -> bool {
        self.stop_marker.as_ref().is_some_and(|m| m.exists())
    }
}

/// One exchange, recorded (flushed at once: the parent watches the child's progress).
fn exchange_and_record(issuer: &Issuer, job: &Job, out: &mut std::fs::File, i: usize, code: &str) {
    // Read before the exchange starts: an exchange begun after the stop must be refused.
    let after_stop = job.stopped();
    let answer = exchange(issuer, code);
    let token = if answer.status == 200 {
        access_token(&answer)
    } else {
        "-".to_owned()
    };
    let reason = answer.reason.map_or("-", Error::name);
    writeln!(
        out,
        "{i} {} {reason} {} {token}",
        answer.status,
        u8::from(after_stop)
    )
    .unwrap();
    out.flush().unwrap();
}

/// Both processes: exchange every code once; in the stop test, wait for the stop
/// and then try every code again. `before_each` (given the step number) lets the
/// parent stop Redis mid-run.
fn run_job(job: &Job, mut before_each: impl FnMut(usize)) {
    let deployment = Deployment::from_code_key(&job.code_key);
    let issuer = deployment.issuer(ledger(&job.url, &job.namespace));
    let codes: Vec<String> = std::fs::read_to_string(&job.codes)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let mut out = std::fs::File::create(&job.out).unwrap();
    // Start together, so that the two processes race for the same codes.
    std::fs::write(&job.ready, "").unwrap();
    wait_for("the other process", || job.peer_ready.exists());
    let order: Vec<usize> = if job.reverse {
        (0..codes.len()).rev().collect()
    } else {
        (0..codes.len()).collect()
    };
    for (step, &i) in order.iter().enumerate() {
        before_each(step);
        exchange_and_record(&issuer, job, &mut out, i, &codes[i]);
    }
    if let Some(marker) = &job.stop_marker {
        wait_for("Redis to be stopped", || marker.exists());
        for (i, code) in codes.iter().enumerate() {
            exchange_and_record(&issuer, job, &mut out, i, code);
        }
    }
}

/// The child process of the two-process tests; not a test of its own.
#[test]
#[ignore = "the child process of the two-process tests, which run it themselves"]
fn child_role() {
    let job = std::env::var(CHILD_JOB)
        .expect("child_role is started by the two-process tests, with AIRISK_REDIS_CHILD_JOB set");
    run_job(&Job::read(Path::new(&job)), |_| {});
}

fn spawn_child(job: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["child_role", "--exact", "--ignored", "--test-threads=1"])
        .env(CHILD_JOB, job)
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

fn read_records(path: &Path) -> Vec<Record> {
    BufReader::new(std::fs::File::open(path).unwrap())
        .lines()
        .map(|l| Record::parse(&l.unwrap()))
        .collect()
}

struct TwoProcesses {
    dir: PathBuf,
    deployment: Deployment,
    codes: Vec<String>,
    parent: Job,
    child_job_path: PathBuf,
}

impl TwoProcesses {
    /// Issues `n` codes with one issuer and writes the two jobs.
    fn prepare(name: &str, url: &str, n: usize, with_stop: bool) -> TwoProcesses {
        let namespace = unique(name);
        let dir = std::env::temp_dir().join(namespace.replace(':', "-"));
        std::fs::create_dir_all(&dir).unwrap();
        let deployment = Deployment::new();
        let issuer = deployment.issuer(ledger(url, &namespace));
        let codes: Vec<String> = (0..n).map(|_| issue_code(&issuer)).collect();
        std::fs::write(dir.join("codes"), codes.join("\n")).unwrap();
        let stop_marker = with_stop.then(|| dir.join("stopped"));
        let job = |me: &str, peer: &str, reverse: bool| Job {
            url: url.to_owned(),
            namespace: namespace.clone(),
            code_key: deployment.code_key_secret.clone(),
            codes: dir.join("codes"),
            out: dir.join(format!("{me}.out")),
            ready: dir.join(format!("{me}.ready")),
            peer_ready: dir.join(format!("{peer}.ready")),
            stop_marker: stop_marker.clone(),
            reverse,
        };
        let child_job_path = dir.join("child.job");
        job("child", "parent", true).write(&child_job_path);
        TwoProcesses {
            parent: job("parent", "child", false),
            dir,
            deployment,
            codes,
            child_job_path,
        }
    }

    fn child_out(&self) -> PathBuf {
        self.dir.join("child.out")
    }
}

impl Drop for TwoProcesses {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn successes_per_code(records: &[&Record], n: usize) -> Vec<usize> {
    let mut wins = vec![0; n];
    for r in records.iter().filter(|r| r.status == 200) {
        wins[r.code] += 1;
    }
    wins
}

#[test]
fn two_processes_redeem_each_code_exactly_once() {
    let Some(url) = shared_url("two_processes_redeem_each_code_exactly_once") else {
        return;
    };
    let n = 300;
    let run = TwoProcesses::prepare("two-processes", &url, n, false);
    let mut child = spawn_child(&run.child_job_path);
    run_job(&run.parent, |_| {});
    assert!(child.wait().unwrap().success(), "the child process failed");

    let parent = read_records(&run.parent.out);
    let child = read_records(&run.child_out());
    assert_eq!((parent.len(), child.len()), (n, n));
    let all: Vec<&Record> = parent.iter().chain(&child).collect();
    for (code, wins) in successes_per_code(&all, n).into_iter().enumerate() {
        assert_eq!(wins, 1, "code {code} was redeemed {wins} times");
    }
    for r in all.iter().filter(|r| r.status != 200) {
        assert_eq!((r.status, r.reason.as_str()), (400, "CodeAlreadyRedeemed"));
    }
    let parent_wins = parent.iter().filter(|r| r.status == 200).count();
    let _ = writeln!(
        std::io::stderr(),
        "two processes, {n} codes: parent won {parent_wins}, child won {}",
        n - parent_wins
    );
    // Each code was replayed by the other process, so each token is revoked.
    let ledger = ledger(&url, &run.parent.namespace);
    let verifier = run.deployment.issuer(ledger).verifier();
    for r in all.iter().filter(|r| r.status == 200) {
        assert_eq!(verifier.verify(&r.token).err(), Some(Error::TokenRevoked));
    }
    assert_eq!(run.codes.len(), n);
}

#[test]
fn with_redis_stopped_mid_run_every_later_exchange_is_refused() {
    if shared_url("with_redis_stopped_mid_run_every_later_exchange_is_refused").is_none() {
        return;
    }
    let mut server = OwnRedis::start("stop-mid-run");
    let url = server.url();
    let n = 300;
    let stop_at = n / 3;
    let run = TwoProcesses::prepare("stop-mid-run", &url, n, true);
    let mut child = spawn_child(&run.child_job_path);
    let child_out = run.child_out();
    let marker = run.parent.stop_marker.clone().unwrap();
    let child_lines = || std::fs::read_to_string(&child_out).map_or(0, |s| s.lines().count());
    let mut child_progress_at_stop = 0;
    run_job(&run.parent, |i| {
        if i == stop_at {
            // Both processes are mid-run: stop Redis, then tell everyone.
            wait_for("the child's progress", || child_lines() >= stop_at);
            server.stop();
            child_progress_at_stop = child_lines();
            std::fs::write(&marker, "").unwrap();
        }
    });
    assert!(child.wait().unwrap().success(), "the child process failed");

    let parent = read_records(&run.parent.out);
    let child = read_records(&child_out);
    assert_eq!((parent.len(), child.len()), (2 * n, 2 * n));
    let all: Vec<&Record> = parent.iter().chain(&child).collect();
    for r in all.iter().filter(|r| r.after_stop) {
        assert_eq!(
            (r.status, r.reason.as_str()),
            (503, "LedgerUnavailable"),
            "an exchange after the stop: {r:?}"
        );
    }
    for (code, wins) in successes_per_code(&all, n).into_iter().enumerate() {
        assert!(wins <= 1, "code {code} was redeemed {wins} times");
    }
    // Not vacuous: codes were redeemed before the stop, and both processes tried after it.
    let before: Vec<&&Record> = all.iter().filter(|r| !r.after_stop).collect();
    assert!(before.iter().any(|r| r.status == 200));
    assert!(parent.iter().filter(|r| r.after_stop).count() >= n);
    assert!(child.iter().filter(|r| r.after_stop).count() >= n);
    let _ = writeln!(
        std::io::stderr(),
        "stop mid-run: child had done {child_progress_at_stop} of {n} exchanges when Redis was killed; {} exchanges after the stop, all 503",
        all.iter().filter(|r| r.after_stop).count()
    );

    // With Redis down, tokens cannot be checked against the revocation list: refused.
    let token = &before.iter().find(|r| r.status == 200).unwrap().token;
    let verifier = run
        .deployment
        .issuer(ledger(&url, &run.parent.namespace))
        .verifier();
    assert_eq!(verifier.verify(token).err(), Some(Error::LedgerUnavailable));
}
