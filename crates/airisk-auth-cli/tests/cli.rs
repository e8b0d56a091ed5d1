//! Runs the built `airisk-auth` binary: every subcommand, success and failure,
//! asserting exit statuses and the output people and scripts rely on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_airisk-auth"));
    command.args(args).env_remove("NO_COLOR");
    command
}

fn finish(output: std::process::Output) -> Run {
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// Runs with stdin closed (empty).
fn run(args: &[&str]) -> Run {
    finish(
        command(args)
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs"),
    )
}

fn run_with_stdin(args: &[&str], input: &str) -> Run {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("stdin written");
    finish(child.wait_with_output().expect("the binary ends"))
}

fn assert_exit(run: &Run, code: i32) {
    assert_eq!(
        run.code, code,
        "exit status\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout, run.stderr
    );
}

/// A fresh directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("airisk-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self, file: &str) -> String {
        self.0.join(file).to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read_json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const ISS: &str = "https://api.airisk.example.com";

/// An HS256 key file with kid `kid`.
fn hs256_keys(dir: &TempDir, name: &str, kid: &str) -> String {
    let path = dir.path(name);
    let r = run(&["keygen", "--alg", "hs256", "--kid", kid, "--out", &path]);
    assert_exit(&r, 0);
    path
}

/// `mint` with `keys`, the test issuer and client.
fn mint_args(keys: &str) -> Vec<&str> {
    vec![
        "mint",
        "--keys",
        keys,
        "--issuer",
        ISS,
        "--client-id",
        "abc123",
    ]
}

fn mint(keys: &str, extra: &[&str]) -> String {
    let mut args = mint_args(keys);
    args.extend_from_slice(extra);
    let r = run(&args);
    assert_exit(&r, 0);
    r.stdout.trim().to_owned()
}

fn verify(keys: &str, extra: &[&str], token: &str) -> Run {
    let mut args = vec!["verify", "--keys", keys, "--issuer", ISS];
    args.extend_from_slice(extra);
    args.push(token);
    run(&args)
}

/// The token with one character of its signature changed (a middle one, so
/// the encoding stays canonical and only the signature is wrong).
fn tamper(token: &str) -> String {
    let dot = token.rfind('.').unwrap();
    let mut bytes = token.as_bytes().to_vec();
    let i = dot + (token.len() - dot) / 2;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

// ------------------------------------------------------------------ help and usage

#[test]
fn every_command_has_help_with_examples() {
    for command in [
        &["keygen"][..],
        &["jwks"],
        &["mint"],
        &["verify"],
        &["inspect"],
        &["registry", "check"],
        &["completions"],
        &["demo"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let r = run(&args);
        assert_exit(&r, 0);
        assert!(r.stdout.contains("Examples:"), "{command:?}: {}", r.stdout);
        assert!(r.stdout.contains("airisk-auth"), "{command:?}");
    }
    let r = run(&["--help"]);
    assert_exit(&r, 0);
    for needle in [
        "Exit status",
        "0  success",
        "1  refused",
        "2  usage error",
        "3  I/O error",
        "NO_COLOR",
    ] {
        assert!(r.stdout.contains(needle), "{needle}: {}", r.stdout);
    }
    let r = run(&["--version"]);
    assert_exit(&r, 0);
    assert!(r.stdout.starts_with("airisk-auth "));
}

#[test]
fn usage_errors_exit_2_on_stderr() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["verify", "--keys", "k.json", "some.token.here"],
        &["keygen"],
        &["keygen", "--print", "--out", "x.json"],
        &["completions", "nosh"],
        &["mint", "--keys", "k.json", "--ttl", "-5"],
    ] {
        let r = run(args);
        assert_exit(&r, 2);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(!r.stderr.is_empty(), "{args:?}");
    }
    assert!(run(&["verify", "--keys", "k.json", "t"])
        .stderr
        .contains("--issuer"));
}

// ------------------------------------------------------------------ keygen

#[cfg(unix)]
fn mode(path: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn keygen_writes_a_0600_key_set_and_never_prints_the_secret() {
    let dir = TempDir::new("keygen");
    let path = dir.path("keys.json");
    let r = run(&["keygen", "--alg", "hs256", "--kid", "k1", "--out", &path]);
    assert_exit(&r, 0);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let doc = read_json(&path);
    assert_eq!(doc["active_kid"], "k1");
    assert_eq!(doc["keys"][0]["kty"], "oct");
    assert_eq!(doc["keys"][0]["alg"], "HS256");
    let secret = doc["keys"][0]["k"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 43, "32 bytes of base64url");
    assert!(!r.stdout.contains(&secret) && !r.stderr.contains(&secret));
    assert!(r.stdout.contains("k1") && r.stdout.contains("0600"));

    // Never overwritten silently.
    let r = run(&["keygen", "--kid", "k1", "--out", &path]);
    assert_exit(&r, 3);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(read_json(&path)["keys"][0]["k"], secret.as_str());

    let r = run(&["keygen", "--kid", "k1", "--out", &path, "--force"]);
    assert_exit(&r, 0);
    assert_ne!(read_json(&path)["keys"][0]["k"], secret.as_str());
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);

    // Rotation: a new key joins the set and signs; the old one stays.
    let r = run(&[
        "keygen", "--alg", "eddsa", "--kid", "k2", "--out", &path, "--append", "--json",
    ]);
    assert_exit(&r, 0);
    assert_eq!(r.json()["keys"], 2);
    let doc = read_json(&path);
    assert_eq!(doc["active_kid"], "k2");
    assert_eq!(doc["keys"].as_array().unwrap().len(), 2);
    assert!(doc["keys"][1]["d"].is_string(), "the private half is kept");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let r = run(&["keygen", "--kid", "k2", "--out", &path, "--append"]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("DuplicateKeyId"), "{}", r.stderr);

    let r = run(&["keygen", "--out", &dir.path("no/such/dir/keys.json")]);
    assert_exit(&r, 3);
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn keygen_print_shows_the_key_set_only_when_asked() {
    let r = run(&["keygen", "--alg", "eddsa", "--kid", "p1", "--print"]);
    assert_exit(&r, 0);
    let doc = r.json();
    assert_eq!(doc["keys"][0]["kty"], "OKP");
    assert!(doc["keys"][0]["d"].is_string());
    assert!(r.stderr.contains("secret"), "{}", r.stderr);
    let r = run(&["keygen", "--stdout"]);
    assert_exit(&r, 0);
    assert!(r.json()["keys"][0]["k"].is_string());
}

// ------------------------------------------------------------------ jwks

#[test]
fn jwks_publishes_only_public_keys_and_verifies_tokens() {
    let dir = TempDir::new("jwks");
    let keys = dir.path("keys.json");
    assert_exit(
        &run(&["keygen", "--alg", "hs256", "--kid", "h", "--out", &keys]),
        0,
    );
    let r = run(&["jwks", "--keys", &keys]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("no Ed25519 key"), "{}", r.stderr);

    assert_exit(
        &run(&[
            "keygen", "--alg", "eddsa", "--kid", "e", "--out", &keys, "--append",
        ]),
        0,
    );
    let r = run(&["jwks", "--keys", &keys]);
    assert_exit(&r, 0);
    let jwks = r.json();
    let published = jwks["keys"].as_array().unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0]["kid"], "e");
    assert!(published[0]["x"].is_string());
    assert!(published[0].get("d").is_none() && published[0].get("k").is_none());
    assert!(r.stderr.contains("1 HS256 key left out"), "{}", r.stderr);

    // A verifier holding only the JWKS accepts our tokens but cannot mint.
    let public = dir.path("jwks.json");
    std::fs::write(&public, &r.stdout).unwrap();
    let token = mint(&keys, &[]);
    assert_exit(&verify(&public, &[], &token), 0);
    let r = run(&["mint", "--keys", &public, "--iss", ISS]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("NoSigningKey"), "{}", r.stderr);

    std::fs::write(
        dir.path("bad.json"),
        "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2hvcnQ\"}]}",
    )
    .unwrap();
    let r = run(&["jwks", "--keys", &dir.path("bad.json")]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("WeakKey"), "{}", r.stderr);
    assert_exit(&run(&["jwks", "--keys", &dir.path("missing.json")]), 3);
}

// ------------------------------------------------------------------ mint and verify

#[test]
fn mint_and_verify_round_trip() {
    let dir = TempDir::new("mint");
    let keys = hs256_keys(&dir, "keys.json", "m1");

    let token = mint(&keys, &[]);
    assert!(token.starts_with("eyJ") && token.split('.').count() == 3);
    let r = verify(&keys, &[], &token);
    assert_exit(&r, 0);
    let claims = r.json();
    assert_eq!(claims["iss"], ISS);
    assert_eq!(claims["client_id"], "abc123");
    assert_eq!(claims["sub"], "abc123");
    assert_eq!(claims["user_token"], false);
    let iat = claims["iat"].as_u64().unwrap();
    assert_eq!(claims["exp"].as_u64().unwrap(), iat + 3600, "default ttl");
    assert_eq!(claims["jti"].as_str().unwrap().len(), 32);
    assert!(r.stderr.is_empty());

    // A user token, with every flag.
    let r = run(&[
        "mint",
        "--keys",
        &keys,
        "--iss",
        ISS,
        "--client-id",
        "abc123",
        "--user",
        "user_42",
        "--company",
        "acme",
        "--aud",
        "airisk-api",
        "--iat",
        "1700000000",
        "--nbf",
        "1700000000",
        "--ttl",
        "600",
        "--jti",
        "j-1",
        "--now",
        "1700000100",
        "--json",
    ]);
    assert_exit(&r, 0);
    let minted = r.json();
    assert_eq!(minted["expiration"], "2023-11-14T22:23:20Z");
    assert_eq!(minted["claims"]["exp"], 1_700_000_600);
    let user_token = minted["access_token"].as_str().unwrap();
    let r = verify(
        &keys,
        &[
            "--audience",
            "airisk-api",
            "--require-user",
            "--now",
            "1700000100",
            "--json",
        ],
        user_token,
    );
    assert_exit(&r, 0);
    let out = r.json();
    assert_eq!(out["valid"], true);
    assert_eq!(out["claims"], minted["claims"]);
    assert_eq!(out["claims"]["sub"], "user_42");
    assert_eq!(out["claims"]["company_id"], "acme");
    assert_eq!(out["claims"]["aud"], serde_json::json!(["airisk-api"]));
}

#[test]
fn mint_reads_a_claims_file_and_refuses_bad_claims() {
    let dir = TempDir::new("mint-file");
    let keys = hs256_keys(&dir, "keys.json", "m2");

    // Claims from a file; flags win.
    let file = dir.path("claims.json");
    std::fs::write(
        &file,
        r#"{"iss":"https://other.example","sub":"svc","client_id":"c9","aud":["a","b"],"iat":1700000000,"exp":1700000300,"jti":"f-1"}"#,
    )
    .unwrap();
    let r = run(&[
        "mint",
        "--keys",
        &keys,
        "--claims",
        &file,
        "--iss",
        ISS,
        "--now",
        "1700000100",
        "--json",
    ]);
    assert_exit(&r, 0);
    let claims = &r.json()["claims"];
    assert_eq!(claims["iss"], ISS);
    assert_eq!(claims["client_id"], "c9");
    assert_eq!(claims["aud"], serde_json::json!(["a", "b"]));
    assert_eq!(claims["exp"], 1_700_000_300);

    // Refused claims.
    std::fs::write(&file, r#"{"iss":"x","exp":1,"scope":"admin"}"#).unwrap();
    let r = run(&["mint", "--keys", &keys, "--claims", &file]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("scope"), "{}", r.stderr);
    let r = run(&["mint", "--keys", &keys, "--iss", ISS, "--ttl", "0"]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("InvalidClaims"), "{}", r.stderr);
    let r = run(&["mint", "--keys", &keys, "--client-id", "abc123"]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("--iss"), "{}", r.stderr);
    assert_exit(
        &run(&[
            "mint",
            "--keys",
            &keys,
            "--iss",
            ISS,
            "--claims",
            &dir.path("none.json"),
        ]),
        3,
    );
}

#[test]
fn verify_reads_the_token_from_an_argument_stdin_or_an_authorization_line() {
    let dir = TempDir::new("sources");
    let keys = hs256_keys(&dir, "keys.json", "s1");
    let token = mint(&keys, &["--user", "user_7"]);
    let base = ["verify", "--keys", keys.as_str(), "--issuer", ISS];

    for input in [
        format!("{token}\n"),
        format!("Authorization: Bearer {token}\r\n"),
        format!("authorization:bearer {token}"),
        format!("Bearer {token}\n"),
    ] {
        let r = run_with_stdin(&base, &input);
        assert_exit(&r, 0);
        assert_eq!(r.json()["sub"], "user_7", "{input:?}");
        let mut dash = base.to_vec();
        dash.push("-");
        assert_exit(&run_with_stdin(&dash, &input), 0);
    }
    let mut with_header = base.to_vec();
    let header = format!("Authorization: Bearer {token}");
    with_header.push(&header);
    assert_exit(&run(&with_header), 0);

    let r = run_with_stdin(&base, &format!("Authorization: Basic {token}"));
    assert_exit(&r, 1);
    assert!(r.stderr.contains("MissingBearer"), "{}", r.stderr);
    let r = run_with_stdin(&base, "\n");
    assert_exit(&r, 2);
    assert!(r.stderr.contains("no token"), "{}", r.stderr);
}

#[test]
fn verify_refuses_with_the_reason_and_exit_1() {
    let dir = TempDir::new("refusals");
    let keys = hs256_keys(&dir, "keys.json", "r1");
    let token = mint(&keys, &["--now", "1700000000", "--ttl", "600"]);
    let at = |now: &str| verify(&keys, &["--now", now], &token);

    let refused = |r: &Run, name: &str| {
        assert_exit(r, 1);
        assert!(r.stderr.contains(name), "want {name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "no claims on failure: {}", r.stdout);
    };

    assert_exit(&at("1700000100"), 0);
    // exp 1700000600, default leeway 30: valid through 1700000629.
    assert_exit(&at("1700000629"), 0);
    refused(&at("1700000630"), "Expired");
    refused(
        &verify(&keys, &["--now", "1700000600", "--leeway", "0"], &token),
        "Expired",
    );
    refused(&at("1699999969"), "NotYetValid");

    let r = verify(&keys, &["--now", "1700000100"], &tamper(&token));
    refused(&r, "InvalidSignature");
    assert!(
        r.stderr.contains("the token signature is invalid"),
        "{}",
        r.stderr
    );

    refused(
        &run(&[
            "verify",
            "--keys",
            &keys,
            "--issuer",
            "https://evil.example",
            "--now",
            "1700000100",
            &token,
        ]),
        "InvalidIssuer",
    );
    refused(
        &verify(&keys, &["--now", "1700000100", "--audience", "api"], &token),
        "InvalidAudience",
    );
    refused(
        &verify(&keys, &["--now", "1700000100", "--require-user"], &token),
        "UserTokenRequired",
    );
    let other = hs256_keys(&dir, "other.json", "r2");
    refused(
        &verify(&other, &["--now", "1700000100"], &token),
        "UnknownKeyId",
    );
    refused(&verify(&keys, &[], "not-a-token"), "MalformedToken");

    let r = verify(&keys, &["--now", "1700000630", "--json"], &token);
    assert_exit(&r, 1);
    let out = r.json();
    assert_eq!(out["valid"], false);
    assert_eq!(out["error"]["name"], "Expired");
    assert_eq!(out["error"]["code"], 10);

    let r = verify(&keys, &["--leeway", "301"], &token);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("InvalidConfiguration"), "{}", r.stderr);
    std::fs::write(dir.path("garbage.json"), "not json").unwrap();
    let r = verify(&dir.path("garbage.json"), &[], &token);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("InvalidKey"), "{}", r.stderr);
    assert_exit(&verify(&dir.path("missing.json"), &[], &token), 3);
}

// ------------------------------------------------------------------ inspect

#[test]
fn inspect_decodes_without_verifying_and_says_so() {
    let dir = TempDir::new("inspect");
    let keys = hs256_keys(&dir, "keys.json", "i1");
    let token = mint(&keys, &["--user", "user_42", "--now", "1700000000"]);

    // Even a token with a broken signature is decoded: nothing is checked.
    let r = run(&["inspect", &tamper(&token)]);
    assert_exit(&r, 0);
    assert!(r.stdout.starts_with("UNVERIFIED"), "{}", r.stdout);
    assert!(r.stdout.contains("header (UNVERIFIED)") && r.stdout.contains("claims (UNVERIFIED)"));
    assert!(r.stdout.contains("\"kid\": \"i1\""));
    assert!(r.stdout.contains("\"sub\": \"user_42\""));
    assert!(
        r.stdout.contains("2023-11-14T22:13:20Z"),
        "iat shown in UTC: {}",
        r.stdout
    );

    let r = run_with_stdin(
        &["inspect", "--json"],
        &format!("Authorization: Bearer {token}\n"),
    );
    assert_exit(&r, 0);
    let out = r.json();
    assert_eq!(out["verified"], false);
    assert!(out["warning"].as_str().unwrap().starts_with("UNVERIFIED"));
    assert_eq!(out["header"]["alg"], "HS256");
    assert_eq!(out["claims"]["user_token"], true);

    let r = run(&["inspect", "abc.def"]);
    assert_exit(&r, 1);
    assert!(r.stderr.contains("MalformedToken"), "{}", r.stderr);
}

// ------------------------------------------------------------------ registry check

/// The line after `LINE | text` in a compiler-style report: where the caret is.
fn caret_under(report: &str, line: usize) -> (String, usize) {
    let prefix = format!("{line} | ");
    let lines: Vec<&str> = report.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no line {line} shown: {report}"));
    let caret = lines[at + 1].find('^').expect("a caret");
    (lines[at].to_owned(), caret)
}

#[test]
fn registry_check_reports_the_position_with_context() {
    let dir = TempDir::new("registry");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo_registry.json");
    let r = run(&["registry", "check", demo.to_str().unwrap()]);
    assert_exit(&r, 0);
    assert!(r.stdout.contains("ok: 4 clients, 2 users"), "{}", r.stdout);
    let r = run(&["registry", "check", "--json", demo.to_str().unwrap()]);
    assert_exit(&r, 0);
    assert_eq!(r.json()["valid"], true);
    assert_eq!(r.json()["users"], 2);

    // A missing comma on line 5.
    let file = dir.path("syntax.json");
    std::fs::write(
        &file,
        "{\n  \"clients\": [],\n  \"users\": [\n    {\"userid\": \"u1\"}\n    {\"userid\": \"u2\"}\n  ]\n}\n",
    )
    .unwrap();
    let r = run(&["registry", "check", &file]);
    assert_exit(&r, 1);
    assert!(
        r.stderr
            .contains(&format!("{file}:5:5: expected `,` or `]`")),
        "{}",
        r.stderr
    );
    let (shown, caret) = caret_under(&r.stderr, 5);
    // Values are masked (they may be secrets); names and columns stay.
    assert_eq!(shown, "5 |     {\"userid\": \"**\"}");
    assert_eq!(&shown[caret..=caret], "{");

    let r = run(&["registry", "check", "--json", &file]);
    assert_exit(&r, 1);
    let out = r.json();
    assert_eq!(out["valid"], false);
    assert_eq!(out["line"], 5);
    assert_eq!(out["column"], 5);

    // A rule of the registry: an http redirect to a non-loopback host.
    std::fs::write(
        &file,
        "{\"clients\": [\n  {\"client_id\": \"c1\", \"client_secret\": \"s\",\n   \"redirect_uri\": \"http://app.example/cb\"}\n]}\n",
    )
    .unwrap();
    let r = run(&["registry", "check", &file]);
    assert_exit(&r, 1);
    assert!(r.stderr.contains("non-loopback"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{file}:")), "{}", r.stderr);

    // Unknown members are typos, not ignored.
    std::fs::write(
        &file,
        "{\"users\": [{\"userid\": \"u1\", \"compny_id\": \"x\"}]}",
    )
    .unwrap();
    let r = run(&["registry", "check", &file]);
    assert_exit(&r, 1);
    assert!(
        r.stderr.contains("compny_id") && r.stderr.contains(":1:"),
        "{}",
        r.stderr
    );
    let (_, caret) = caret_under(&r.stderr, 1);
    assert!(caret > 4);

    std::fs::write(
        &file,
        "{\"users\": [{\"userid\": \"u1\"}, {\"userid\": \"u1\"}]}",
    )
    .unwrap();
    let r = run(&["registry", "check", &file]);
    assert_exit(&r, 1);
    assert!(
        r.stderr.contains("userid \"u1\" appears twice"),
        "{}",
        r.stderr
    );

    // Issue 20.4: a secret of the wrong type is neither echoed by the message
    // nor shown in the context line, in text or JSON.
    std::fs::write(
        &file,
        "{\"clients\": [{\"client_id\": \"c1\", \"client_secret\": 987654321987, \"redirect_uri\": \"https://a.example/cb\"}]}",
    )
    .unwrap();
    for args in [
        &["registry", "check", &file][..],
        &["registry", "check", "--json", &file],
    ] {
        let r = run(args);
        assert_exit(&r, 1);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(!all.contains("987654321987"), "{all}");
        assert!(all.contains("client_secret must be a string"), "{all}");
    }

    assert_exit(&run(&["registry", "check", &dir.path("missing.json")]), 3);
    let r = run_with_stdin(&["registry", "check", "-"], "{\"users\": []}");
    assert_exit(&r, 0);
}

/// Issue 20.2: every file the CLI reads, it reads with a bound: an endless one
/// (`/dev/zero`) is refused after at most the bound + 1 bytes, naming the file,
/// by every command and option that takes one. `serve` refuses before it listens.
#[cfg(unix)]
#[test]
fn endless_files_are_refused_by_every_loader_naming_the_file() {
    let dir = TempDir::new("endless");
    let keys = hs256_keys(&dir, "keys.json", "k");
    let mut commands = vec![
        "registry check /dev/zero".to_owned(),
        "jwks --keys /dev/zero".to_owned(),
        format!("verify --keys /dev/zero --issuer {ISS} a.b.c"),
        format!("mint --keys /dev/zero --iss {ISS} --client-id c"),
        format!("mint --keys {keys} --claims /dev/zero --iss {ISS} --client-id c"),
    ];
    if cfg!(feature = "serve") {
        commands.extend([
            "serve --bind 127.0.0.1:0 --registry /dev/zero".to_owned(),
            "serve --bind 127.0.0.1:0 --keys /dev/zero".to_owned(),
            "serve --bind 127.0.0.1:0 --code-key /dev/zero".to_owned(),
        ]);
    }
    for command in &commands {
        let args: Vec<&str> = command.split(' ').collect();
        let r = run(&args);
        assert_exit(&r, 2);
        assert!(
            r.stderr.contains("/dev/zero is larger than "),
            "{command}: {}",
            r.stderr
        );
    }
}

// ------------------------------------------------------------------ completions

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(&["completions", shell]);
        assert_exit(&r, 0);
        assert!(
            r.stdout.contains("airisk-auth") || r.stdout.contains("airisk__auth"),
            "{shell}"
        );
        assert!(
            r.stdout.contains("keygen") && r.stdout.contains("registry"),
            "{shell}"
        );
    }
}

// ------------------------------------------------------------------ demo

#[test]
fn demo_walks_the_documented_flow_and_checks_itself() {
    let r = run(&["demo"]);
    assert_exit(&r, 0);
    for needle in [
        "GET /api/oauth2?client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback",
        "HTTP/1.1 302 Found",
        "Location: https://localhost/callback?code=",
        "POST /api/oauth2/Token HTTP/1.1",
        "Content-Type: application/x-www-form-urlencoded",
        "Content-Type: application/json\n",
        "HTTP/1.1 200 OK",
        "\"expiration\":\"2025-03-31T13:12:17Z\"",
        "Bearer error=\"insufficient_scope\"",
        "Location: https://app.example/cb?code=",
        "\"userid\":\"user_42\"",
        "    Invalid Code\n",
        "CodeAlreadyRedeemed",
        "Bearer error=\"invalid_token\"",
        "TokenRevoked",
        "    Invalid client_id\n",
        "Content-Type: application/problem+json; charset=utf-8",
        "\"title\":\"Unauthorized\"",
    ] {
        assert!(
            r.stdout.contains(needle),
            "missing {needle:?} in\n{}",
            r.stdout
        );
    }
    assert!(!r.stdout.contains("FAILED"));
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("demo: all ") && last.contains("checks passed"),
        "{last}"
    );
    assert!(
        !r.stdout.contains('\x1b'),
        "no color when stdout is not a terminal"
    );
    // The client secret is only ever sent in requests, never stored in the registry.
    let registry = include_str!("../src/demo_registry.json");
    assert!(registry.contains("client_secret_sha256"));

    let r = finish(
        command(&["demo", "--alg", "eddsa"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    assert_exit(&r, 0);
    assert!(r.stdout.contains("EdDSA") && !r.stdout.contains('\x1b'));
}

#[test]
fn demo_json_lists_every_exchange_and_check() {
    let r = run(&["demo", "--json"]);
    assert_exit(&r, 0);
    let report = r.json();
    assert_eq!(report["ok"], true);
    assert_eq!(report["failed"], 0);
    let exchanges: Vec<&Value> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["exchanges"].as_array().unwrap())
        .collect();
    let checks = exchanges
        .iter()
        .map(|x| x["checks"].as_array().unwrap().len())
        .sum::<usize>();
    assert_eq!(
        report["passed"].as_u64().unwrap(),
        u64::try_from(checks).unwrap()
    );
    assert!(checks >= 30);
    let replay = exchanges
        .iter()
        .find(|x| x["response"]["reason"] == "CodeAlreadyRedeemed")
        .expect("the replay exchange");
    assert_eq!(replay["response"]["status"], 400);
    assert_eq!(replay["response"]["body"], "Invalid Code");
    let revoked = exchanges
        .iter()
        .find(|x| x["response"]["reason"] == "TokenRevoked")
        .expect("the revoked token exchange");
    assert_eq!(revoked["response"]["status"], 401);
    // The full token is sent, not the abbreviation of the text output.
    let auth = revoked["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "Authorization")
        .unwrap();
    assert_eq!(auth[1].as_str().unwrap().split('.').count(), 3);
}

#[test]
fn revoke_grant_needs_a_shared_store_and_its_client() {
    // The success path needs a Redis server: scripts/revoke-grant-check.sh (test-redis.sh).
    let memory = run(&["revoke-grant", "--store", "memory", "--client-id", "abc123"]);
    assert_exit(&memory, 2);
    assert!(memory.stderr.contains("redis://"), "{}", memory.stderr);
    let missing = run(&["revoke-grant", "--store", "redis://127.0.0.1:1/0"]);
    assert_exit(&missing, 2);
    assert!(missing.stderr.contains("--client-id"), "{}", missing.stderr);
}

/// With the Redis store built in, a store that cannot be reached revokes nothing (exit 1).
#[cfg(feature = "redis")]
#[test]
fn revoke_grant_says_when_the_store_is_down_and_nothing_was_revoked() {
    let down = run(&[
        "revoke-grant",
        "--store",
        "redis://127.0.0.1:1/0",
        "--client-id",
        "abc123",
        "--userid",
        "user_42",
    ]);
    assert_exit(&down, 1);
    assert!(
        down.stderr.contains("nothing was revoked"),
        "{}",
        down.stderr
    );
    assert!(down.stderr.contains("LedgerUnavailable"), "{}", down.stderr);
    assert_eq!(down.stdout, "");
}

// ------------------------------------------------------------------ builds without the server

/// The install command a refusal names: the features this build has plus `missing`.
#[cfg(not(all(feature = "serve", feature = "redis")))]
fn install_with(missing: &str) -> String {
    let mut features = Vec::new();
    if cfg!(feature = "serve") || missing == "serve" {
        features.push("serve");
    }
    if cfg!(feature = "redis") || missing == "redis" {
        features.push("redis");
    }
    format!(
        "cargo install --path crates/airisk-auth-cli --features {}",
        features.join(",")
    )
}

/// Asserts a refusal for a missing feature: exit 2, its name and install
/// command on stderr, nothing on stdout; and with `--json`, one usage object.
#[cfg(not(all(feature = "serve", feature = "redis")))]
fn assert_not_built(args: &[&str], missing: &str) {
    let r = run(args);
    assert_exit(&r, 2);
    assert!(
        r.stderr
            .contains(&format!("this airisk-auth was built without `{missing}`")),
        "{args:?}: {}",
        r.stderr
    );
    assert!(r.stderr.contains(&install_with(missing)), "{}", r.stderr);
    assert_eq!(r.stdout, "", "{args:?}");
    let json: Vec<&str> = ["--json"].iter().chain(args).copied().collect();
    let out = run_json(&json, 2);
    assert_eq!(out["ok"], false);
    assert_eq!(out["error"]["kind"], "usage");
    assert_eq!(out["error"]["exit_code"], 2);
    let message = out["error"]["message"].as_str().unwrap();
    assert!(message.contains(&format!("`{missing}`")), "{message}");
    assert!(message.contains(&install_with(missing)), "{message}");
}

/// The small build still parses `serve` (its help, its options, clap's own
/// usage errors), then refuses to run it, naming the feature.
#[cfg(not(feature = "serve"))]
#[test]
fn serve_without_the_serve_feature_parses_then_refuses_naming_it() {
    let help = run(&["serve", "--help"]);
    assert_exit(&help, 0);
    assert!(help.stdout.contains("--request-timeout"), "{}", help.stdout);
    assert!(
        help.stdout.contains("--features serve,redis"),
        "{}",
        help.stdout
    );
    let bad = run(&["serve", "--bind", "not-an-address"]);
    assert_exit(&bad, 2);
    assert!(bad.stderr.contains("--bind"), "{}", bad.stderr);
    assert_not_built(&["serve", "--bind", "127.0.0.1:0"], "serve");
    assert_not_built(
        &[
            "serve",
            "--store",
            "redis://127.0.0.1:1/0",
            "--consent-page",
        ],
        "serve",
    );
}

/// Without the Redis store, `--store redis://…` is refused before any
/// connection, naming the feature, in `revoke-grant` and in `serve`.
#[cfg(not(feature = "redis"))]
#[test]
fn redis_stores_without_the_redis_feature_are_refused_naming_it() {
    for store in ["redis://127.0.0.1:1/0", "rediss://127.0.0.1:1/0"] {
        assert_not_built(
            &[
                "revoke-grant",
                "--store",
                store,
                "--client-id",
                "abc123",
                "--userid",
                "user_42",
            ],
            "redis",
        );
        if cfg!(feature = "serve") {
            assert_not_built(
                &["serve", "--bind", "127.0.0.1:0", "--store", store],
                "redis",
            );
        }
    }
    // A store that is not a shared one keeps its own message.
    let memory = run(&["revoke-grant", "--store", "memory", "--client-id", "abc123"]);
    assert_exit(&memory, 2);
    assert!(
        !memory.stderr.contains("built without"),
        "{}",
        memory.stderr
    );
}

// ------------------------------------------------------------------ one spelling, JSON outcomes

#[test]
fn options_are_spelled_alike_in_every_subcommand_and_old_spellings_still_work() {
    let dir = TempDir::new("spelling");
    let keys = hs256_keys(&dir, "keys.json", "sp1");
    for (issuer_flag, audience_flag) in [("--issuer", "--audience"), ("--iss", "--aud")] {
        let r = run(&[
            "mint",
            "--keys",
            &keys,
            issuer_flag,
            ISS,
            "--client-id",
            "c",
            audience_flag,
            "api",
        ]);
        assert_exit(&r, 0);
        let token = r.stdout.trim().to_owned();
        for (i, a) in [("--issuer", "--audience"), ("--iss", "--aud")] {
            let r = run(&["verify", "--keys", &keys, i, ISS, a, "api", &token]);
            assert_exit(&r, 0);
        }
    }
    // The help shows one spelling; the old one is a hidden alias.
    for sub in ["mint", "verify"] {
        let help = run(&[sub, "--help"]).stdout;
        assert!(help.contains("--issuer <ISSUER>"), "{sub}: {help}");
        assert!(help.contains("--audience <AUDIENCE>"), "{sub}: {help}");
        assert!(
            !help.contains("--iss <") && !help.contains("--aud <"),
            "{sub}: {help}"
        );
    }
    // The userid is --userid, as in revoke-grant; mint's old --user still works.
    for sub in ["mint", "revoke-grant"] {
        let help = run(&[sub, "--help"]).stdout;
        assert!(help.contains("--userid <USERID>"), "{sub}: {help}");
        assert!(!help.contains("--user <"), "{sub}: {help}");
    }
}

/// Runs with `--json` and parses stdout as exactly one JSON object.
fn run_json(args: &[&str], code: i32) -> Value {
    let r = run(args);
    assert_exit(&r, code);
    assert_eq!(r.stdout.lines().count(), 1, "one line: {}", r.stdout);
    let value = r.json();
    assert!(value.is_object(), "{value}");
    value
}

#[test]
fn with_json_every_outcome_is_one_json_object_on_stdout_with_the_same_exit_status() {
    let dir = TempDir::new("json-outcomes");
    let keys = hs256_keys(&dir, "keys.json", "j1");

    // clap's usage errors (exit 2), with --json anywhere on the line.
    for args in [
        vec!["--json", "mint", "--bogus"],
        vec!["verify", "--keys", "k.json", "--json"],
        vec!["--json", "no-such-command"],
        vec!["--json"],
    ] {
        let out = run_json(&args, 2);
        assert_eq!(out["ok"], false, "{args:?}");
        assert_eq!(out["error"]["kind"], "usage", "{args:?}");
        assert_eq!(out["error"]["exit_code"], 2, "{args:?}");
        assert!(
            out["error"]["message"].as_str().unwrap().contains("Usage"),
            "{args:?}"
        );
    }
    // Help and version succeed (exit 0) as JSON too.
    let out = run_json(&["--json", "mint", "--help"], 0);
    assert!(out["help"].as_str().unwrap().contains("--client-id"));
    let out = run_json(&["--version", "--json"], 0);
    assert!(out["version"].as_str().unwrap().starts_with("airisk-auth "));

    // I/O errors (exit 3) name the file.
    let missing = dir.path("missing.json");
    for args in [
        vec!["--json", "jwks", "--keys", missing.as_str()],
        vec![
            "--json",
            "verify",
            "--keys",
            missing.as_str(),
            "--issuer",
            ISS,
            "t",
        ],
        vec!["--json", "registry", "check", missing.as_str()],
    ] {
        let out = run_json(&args, 3);
        assert_eq!(out["error"]["kind"], "io", "{args:?}");
        assert_eq!(out["error"]["exit_code"], 3);
        // The path and the OS error.
        let message = out["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("cannot read {missing}: No such file or directory")),
            "{message}"
        );
    }

    // Usage errors of the commands themselves (exit 2).
    let out = run_json(
        &[
            "--json", "verify", "--keys", &keys, "--issuer", ISS, "--leeway", "9999", "t",
        ],
        2,
    );
    let message = out["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("`leeway`") && message.contains("0 to 300"),
        "{message}"
    );

    // Refusals (exit 1): verify's own report, and inspect's as a failure object.
    let out = run_json(
        &[
            "--json", "verify", "--keys", &keys, "--issuer", ISS, "a.b.c",
        ],
        1,
    );
    assert_eq!(out["valid"], false);
    assert_eq!(out["error"]["name"], "MalformedToken");
    let out = run_json(&["--json", "inspect", "garbage"], 1);
    assert_eq!(out["error"]["kind"], "refused");
    assert_eq!(out["error"]["exit_code"], 1);
    let registry = dir.path("registry.json");
    std::fs::write(&registry, "{\"clients\": [}").unwrap();
    let out = run_json(&["--json", "registry", "check", &registry], 1);
    assert!(
        out.get("valid").is_some() || out.get("ok").is_some(),
        "{out}"
    );
}

#[test]
fn mint_refuses_what_verify_would_refuse_unless_allowed() {
    let dir = TempDir::new("incomplete");
    let keys = hs256_keys(&dir, "keys.json", "i1");
    let r = run(&["mint", "--keys", &keys, "--issuer", ISS]);
    assert_exit(&r, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("MissingClaim"), "{}", r.stderr);
    assert!(r.stderr.contains("--client-id"), "{}", r.stderr);
    assert!(r.stderr.contains("--allow-incomplete"), "{}", r.stderr);

    let r = run(&[
        "mint", "--keys", &keys, "--issuer", ISS, "--user", "user_42",
    ]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("`client_id`"), "{}", r.stderr);

    let out = run_json(&["mint", "--keys", &keys, "--issuer", ISS, "--json"], 2);
    assert_eq!(out["error"]["kind"], "usage");
    assert_eq!(out["error"]["exit_code"], 2);
    assert_eq!(out["error"]["name"], "MissingClaim");
    assert_eq!(out["error"]["code"], 9);
    assert_eq!(out["error"]["claim"], "sub");
    assert!(out["error"]["message"]
        .as_str()
        .unwrap()
        .contains("MissingClaim: the token lacks a required claim: `sub`"));

    let token = mint(&keys, &[]);
    assert_exit(&verify(&keys, &[], &token), 0);

    let r = run(&[
        "mint",
        "--keys",
        &keys,
        "--issuer",
        ISS,
        "--allow-incomplete",
    ]);
    assert_exit(&r, 0);
    let incomplete = r.stdout.trim().to_owned();
    let r = verify(&keys, &["--json"], &incomplete);
    assert_exit(&r, 1);
    let error = &r.json()["error"];
    assert_eq!(error["name"], "MissingClaim");
    assert_eq!(error["claim"], "sub");
    assert_eq!(error["message"], "the token lacks a required claim: `sub`");
    let r = verify(&keys, &[], &incomplete);
    assert!(r.stderr.contains("required claim: `sub`"), "{}", r.stderr);
}

/// A token `mint` refuses: its flags, the refusal's name, code and claim, words
/// of its message, and what `verify` says of it once minted anyway.
struct Unmintable {
    extra: &'static [&'static str],
    name: &'static str,
    code: u64,
    claim: Option<&'static str>,
    words: &'static str,
    verify_refusal: Option<&'static str>,
}

/// `mint` with `keys`, the test issuer and client, judged at a fixed `--now`.
fn mint_at_a_fixed_now(keys: &str) -> Vec<&str> {
    let mut args = mint_args(keys);
    args.extend(["--now", "1700000000"]);
    args
}

/// `mint` refuses, exit 2, each kind of token `verify` would refuse at the
/// same time, naming the refusal (and its claim) in text and JSON; with
/// `--allow-incomplete` it mints the token, which `verify` then refuses alike.
#[test]
fn mint_refuses_an_expired_future_or_overlong_token_unless_allowed() {
    let dir = TempDir::new("unverifiable");
    let keys = hs256_keys(&dir, "keys.json", "u1");
    let base = mint_at_a_fixed_now(&keys);
    let cases = [
        Unmintable {
            extra: &["--iat", "1699990000", "--ttl", "600"],
            name: "Expired",
            code: 10,
            claim: None,
            words: "give a later --exp",
            verify_refusal: Some("Expired"),
        },
        Unmintable {
            extra: &["--iat", "1700001000"],
            name: "NotYetValid",
            code: 11,
            claim: None,
            words: "not in the future",
            verify_refusal: Some("NotYetValid"),
        },
        Unmintable {
            extra: &["--nbf", "1700001000"],
            name: "NotYetValid",
            code: 11,
            claim: None,
            words: "not in the future",
            verify_refusal: Some("NotYetValid"),
        },
        Unmintable {
            extra: &["--ttl", "90000"],
            name: "InvalidClaims",
            code: 25,
            claim: Some("exp"),
            words:
                "would live 90000 seconds, longer than an issuer's longest token (86400 seconds)",
            // verify does not bound a lifetime: only mint does.
            verify_refusal: None,
        },
    ];
    for Unmintable {
        extra,
        name,
        code,
        claim,
        words,
        verify_refusal,
    } in cases
    {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let r = run(&args);
        assert_exit(&r, 2);
        assert!(r.stdout.is_empty(), "{extra:?}: {}", r.stdout);
        assert!(
            r.stderr.contains(&format!("({name}: ")),
            "{extra:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(words), "{extra:?}: {}", r.stderr);
        assert!(r.stderr.contains("--allow-incomplete"), "{}", r.stderr);

        let json: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
        let out = run_json(&json, 2);
        assert_eq!(out["ok"], false);
        assert_eq!(out["error"]["kind"], "usage", "{out}");
        assert_eq!(out["error"]["exit_code"], 2);
        assert_eq!(out["error"]["name"], name, "{out}");
        assert_eq!(out["error"]["code"], code);
        assert_eq!(out["error"]["claim"].as_str(), claim, "{out}");

        let allowed: Vec<&str> = args.iter().copied().chain(["--allow-incomplete"]).collect();
        let r = run(&allowed);
        assert_exit(&r, 0);
        let token = r.stdout.trim();
        let r = verify(&keys, &["--now", "1700000000"], token);
        match verify_refusal {
            Some(refusal) => {
                assert_exit(&r, 1);
                assert!(r.stderr.contains(refusal), "{}", r.stderr);
            }
            None => assert_exit(&r, 0),
        }
    }
}

#[test]
fn mint_checks_a_token_with_its_own_audience_and_accepts_the_bounds() {
    let dir = TempDir::new("mintable");
    let keys = hs256_keys(&dir, "keys.json", "u2");
    let base = mint_at_a_fixed_now(&keys);
    // The token's own audience is what its verify is given: minted and verified.
    let args: Vec<&str> = base.iter().copied().chain(["--audience", "api"]).collect();
    let r = run(&args);
    assert_exit(&r, 0);
    let token = r.stdout.trim();
    assert_exit(
        &verify(&keys, &["--now", "1700000000", "--audience", "api"], token),
        0,
    );
    // Within the bounds: the longest lifetime, an iat within the leeway.
    for extra in [&["--ttl", "86400"][..], &["--iat", "1700000030"][..]] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        assert_exit(&run(&args), 0);
    }
}

#[test]
fn a_key_file_with_an_unknown_member_is_refused_with_its_position() {
    let dir = TempDir::new("keyfile-typo");
    let keys = hs256_keys(&dir, "keys.json", "t1");
    let mut doc = read_json(&keys);
    let active = doc.as_object_mut().unwrap().remove("active_kid").unwrap();
    doc["activ_kid"] = active;
    std::fs::write(&keys, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let r = run(&["jwks", "--keys", &keys]);
    assert_exit(&r, 2);
    assert!(
        r.stderr.contains("unknown field `activ_kid`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(", column "), "{}", r.stderr);

    // An unknown JWK member too, as the registry refuses its unknown members.
    let jwk = dir.path("algg.json");
    std::fs::write(
        &jwk,
        r#"{"keys":[{"kty":"oct","algg":"HS256","k":"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA"}]}"#,
    )
    .unwrap();
    let r = run(&["jwks", "--keys", &jwk]);
    assert_exit(&r, 2);
    assert!(
        r.stderr.contains("line 1, column 28: unknown field `algg`"),
        "{}",
        r.stderr
    );
}
