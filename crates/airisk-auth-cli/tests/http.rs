//! HTTP acceptance of `airisk-auth serve`: the real binary on a free loopback
//! port, driven over raw TCP (so malformed input reaches it as sent), then
//! stopped with SIGTERM.
//!
//! Run by `scripts/test-http.sh` (`cargo test -p airisk-auth-cli --test http -- --ignored`).
//! Every loop is bounded in count and time; every server is stopped on drop.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::pedantic
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const DEMO_SECRET: &str = "demo-secret-abc123-do-not-use-in-production";
const CALLBACK: &str = "https%3A%2F%2Flocalhost%2Fcallback";

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// `serve` on a free port with `--request-timeout SECONDS`.
    fn start(timeout_seconds: u32) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_airisk-auth"))
            .args(["serve", "--bind", "127.0.0.1:0", "--request-timeout"])
            .arg(timeout_seconds.to_string())
            .env("AIRISK_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .rsplit("://")
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("serve did not say where it listens: {line:?}"));
        Server { child, addr }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The resident memory of the server, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    fn signal_term(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Waits (at most `limit`) for the server to exit.
    fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }

    /// Sends `request` as it is and reads the answer until the server closes.
    fn raw(&self, request: &[u8]) -> Answer {
        let mut stream = self.connect();
        stream.write_all(request).unwrap();
        read_answer(&mut stream)
    }

    fn get(&self, target: &str, headers: &str) -> Answer {
        self.raw(
            format!("GET {target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n{headers}\r\n")
                .as_bytes(),
        )
    }

    fn post_form(&self, target: &str, body: &[u8]) -> Answer {
        let head = format!(
            "POST {target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        self.raw(&request)
    }

    fn code(&self, userid: Option<&str>) -> String {
        let user = userid.map(|u| format!("&userid={u}")).unwrap_or_default();
        let answer = self.get(
            &format!("/api/oauth2?client_id=abc123&redirect_uri={CALLBACK}{user}&state=s"),
            "",
        );
        assert_eq!(answer.status, 302, "{answer:?}");
        let location = answer.header("location").unwrap();
        location
            .split("code=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned()
    }

    fn token_body(code: &str, userid: Option<&str>) -> String {
        let user = userid.map(|u| format!("&userid={u}")).unwrap_or_default();
        format!("client_id=abc123&client_secret={DEMO_SECRET}&redirect_uri={CALLBACK}&code={code}{user}")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

/// Reads one answer: the head, then `Content-Length` bytes (or to the end).
fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => panic!("connection closed before an answer: {bytes:?}"),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8(bytes[..head_end].to_vec()).unwrap();
    let status = head[9..12].parse().unwrap();
    let mut answer = Answer {
        status,
        head,
        body: bytes[head_end..].to_vec(),
    };
    let length: usize = answer
        .header("content-length")
        .map_or(0, |l| l.parse().unwrap());
    while answer.body.len() < length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.body.extend_from_slice(&buf[..n]),
        }
    }
    answer
}

fn alive(server: &Server) {
    assert_eq!(server.get("/healthz", "").status, 200);
}

#[test]
#[ignore = "HTTP acceptance: run by scripts/test-http.sh"]
fn the_seed_flow_runs_over_http() {
    let server = Server::start(2);
    let code = server.code(Some("user_42"));
    let answer = server.post_form(
        "/api/oauth2/Token",
        Server::token_body(&code, Some("user_42")).as_bytes(),
    );
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    let token = json["access_token"].as_str().unwrap();
    let bearer = format!("Authorization: Bearer {token}\r\n");
    let conversations = server.get("/api/GetConversations", &bearer);
    assert_eq!(conversations.status, 200);
    assert!(conversations.text().contains("\"userid\":\"user_42\""));
    let users = server.get("/api/ListUsers", &bearer);
    assert_eq!(
        users.text(),
        r#"[{"userid":"user_42"},{"userid":"user_7"}]"#,
        "sorted by userid"
    );
    let anonymous = server.get("/api/ListUsers", "");
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    // The pages' placeholder client works as the pages write it.
    let answer = server.get(
        &format!("/api/oauth2?client_id=YOUR_client_id&redirect_uri={CALLBACK}&state=a%C3%A9b"),
        "",
    );
    assert_eq!(answer.status, 302);
    assert!(answer
        .header("location")
        .unwrap()
        .ends_with("&state=a%C3%A9b"));
}

#[test]
#[ignore = "HTTP acceptance: run by scripts/test-http.sh"]
fn oversized_input_is_refused_before_it_is_read_and_memory_stays_flat() {
    let server = Server::start(2);
    alive(&server);
    let before = server.rss_kib();

    // A 1 MB query: the request head is bounded (64 KiB), so 431 and nothing decoded.
    let query = "a".repeat(1 << 20);
    let answer = server.get(&format!("/api/oauth2?state={query}"), "");
    assert_eq!(answer.status, 431, "{}", answer.head);

    // 32 MiB declared: 413 before a byte of the body is read, whatever the client keeps sending.
    for _ in 0..3 {
        let mut stream = server.connect();
        let head = format!(
            "POST /api/oauth2/Token HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            32 << 20
        );
        stream.write_all(head.as_bytes()).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let sender = std::thread::spawn(move || {
            let chunk = vec![b'a'; 1 << 20];
            (0..32)
                .take_while(|_| writer.write_all(&chunk).is_ok())
                .count()
        });
        let answer = read_answer(&mut stream);
        assert_eq!(answer.status, 413);
        drop(stream);
        let sent_mib = sender.join().unwrap();
        assert!(
            sent_mib < 32,
            "the server read the whole body ({sent_mib} MiB)"
        );
    }

    // 32 MiB chunked (no length declared): cut off at 64 KiB with 413.
    let mut stream = server.connect();
    stream
        .write_all(b"POST /api/oauth2/Token HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let mut chunk = format!("{:x}\r\n", 1 << 20).into_bytes();
        chunk.extend(std::iter::repeat_n(b'a', 1 << 20));
        chunk.extend_from_slice(b"\r\n");
        (0..32)
            .take_while(|_| writer.write_all(&chunk).is_ok())
            .count()
    });
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 413);
    drop(stream);
    assert!(sender.join().unwrap() < 32);

    alive(&server);
    let after = server.rss_kib();
    println!("server RSS: {before} KiB before, {after} KiB after 1 MB query and 4 x 32 MiB bodies");
    assert!(
        after < before + 8 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
}

#[test]
#[ignore = "HTTP acceptance: run by scripts/test-http.sh"]
fn bad_bytes_and_header_floods_get_clear_4xx_never_5xx() {
    let server = Server::start(2);
    // Raw non-UTF-8 in the request target: refused by the HTTP parser.
    let answer = server
        .raw(b"GET /api/oauth2?state=\xff\xfe HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    assert_eq!(answer.status, 400);
    // Escaped non-UTF-8: refused by the core (problem+json).
    let answer = server.get(
        &format!("/api/oauth2?client_id=abc123&redirect_uri={CALLBACK}&state=%FF"),
        "",
    );
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("\"title\":\"Bad Request\""));
    // Non-UTF-8 in the token body: the core's `Invalid request`.
    let answer = server.post_form("/api/oauth2/Token", b"client_id=\xff\xfe&code=x");
    assert_eq!((answer.status, answer.text()), (400, "Invalid request"));
    // obs-text in Authorization: the core refuses the token.
    let answer = server.raw(b"GET /api/ListUsers HTTP/1.1\r\nHost: a\r\nConnection: close\r\nAuthorization: Bearer \xff\xfe.\xfd\r\n\r\n");
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.header("www-authenticate"),
        Some("Bearer error=\"invalid_token\"")
    );
    // Two Authorization headers: no single value to check.
    let answer = server.get(
        "/api/ListUsers",
        "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n",
    );
    assert_eq!(answer.status, 401);
    // 500 small headers: over hyper's 100.
    let flood: String = (0..500)
        .flat_map(|i| ["X-Flood-", &i.to_string(), ": ", &i.to_string(), "\r\n"].map(str::to_owned))
        .collect();
    assert_eq!(server.get("/healthz", &flood).status, 431);
    // One 200 KB header: over the 64 KiB head.
    let big = format!("X-Big: {}\r\n", "b".repeat(200_000));
    assert_eq!(server.get("/healthz", &big).status, 431);
    // An unknown route and a wrong method.
    assert_eq!(server.get("/nowhere", "").status, 404);
    assert_eq!(server.get("/api/oauth2/Token", "").status, 405);
    alive(&server);
}

#[test]
#[ignore = "HTTP acceptance: run by scripts/test-http.sh"]
fn slow_clients_are_cut_off_by_the_read_timeout() {
    let server = Server::start(2);
    // Slow body (slowloris on the body): one byte every 300 ms of a 1 000-byte body.
    let start = Instant::now();
    let mut stream = server.connect();
    stream
        .write_all(b"POST /api/oauth2/Token HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let dripper = std::thread::spawn(move || {
        for _ in 0..40 {
            if writer.write_all(b"a").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    });
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 408);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(6), "cut off after {took:?}");
    drop(stream);
    dripper.join().unwrap();

    // Slow head: half a request line, then nothing. The server closes the connection.
    let start = Instant::now();
    let mut stream = server.connect();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: a\r\n")
        .unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(6), "head timeout after {took:?}");
    alive(&server);
}

#[test]
#[ignore = "HTTP acceptance: run by scripts/test-http.sh"]
fn fifty_parallel_redemptions_of_one_code_yield_exactly_one_token() {
    let server = Server::start(2);
    let code = server.code(None);
    let body = Server::token_body(&code, None);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(50));
    let addr = server.addr;
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let body = body.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(addr).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let request = format!(
                    "POST /api/oauth2/Token HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                barrier.wait();
                stream.write_all(request.as_bytes()).unwrap();
                let answer = read_answer(&mut stream);
                (answer.status, answer.text().to_owned())
            })
        })
        .collect();
    let answers: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    let replayed = answers
        .iter()
        .filter(|(s, b)| *s == 400 && b == "Invalid Code")
        .count();
    assert_eq!((ok, replayed), (1, 49), "{answers:?}");
}

#[test]
#[ignore = "HTTP acceptance: run by scripts/test-http.sh"]
fn sigterm_finishes_the_request_in_flight_then_exits() {
    let mut server = Server::start(5);
    let code = server.code(None);
    let body = Server::token_body(&code, None);
    let mut stream = server.connect();
    let head = format!(
        "POST /api/oauth2/Token HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let (first, second) = body.as_bytes().split_at(body.len() / 2);
    stream.write_all(first).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.signal_term();
    std::thread::sleep(Duration::from_millis(300));
    // The listener is closed: no new connection is served.
    assert!(TcpStream::connect(server.addr).is_err());
    stream.write_all(second).unwrap();
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 200, "{answer:?}");
    let status = server
        .wait_exit(Duration::from_secs(10))
        .expect("still running");
    assert!(status.success(), "{status:?}");
}
