//! Every subcommand but `demo`: argument handling around calls into the core.

use crate::cli::{
    Cli, Command, CompletionsArgs, InspectArgs, JwksArgs, KeyAlg, KeygenArgs, MintArgs,
    RegistryCheckArgs, RegistryCommand, VerifyArgs,
};
use crate::files::{read_bounded, read_stdin_bounded, write_secret_file};
use crate::{describe, style, Failure};
use airisk_auth::clock::{format_utc, Clock, SystemClock};
use airisk_auth::flow::{check_bearer_at, Access};
use airisk_auth::keys::{Key, KeySet, MAX_KEY_DOCUMENT_LEN};
use airisk_auth::registry::{LoadError, MemoryRegistry, MAX_REGISTRY_DOCUMENT_LEN};
use airisk_auth::token::{inspect_unverified, Claims, Policy, Verifier, MAX_MAX_TOKEN_LEN};
use airisk_auth::Error;
use clap::CommandFactory;
use serde::{Deserialize, Serialize};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    let json = cli.json;
    match cli.command {
        Command::Keygen(args) => keygen(&args, json),
        Command::Jwks(args) => jwks(&args, json),
        Command::Mint(args) => mint(&args, json),
        Command::Verify(args) => verify(&args, json),
        Command::Inspect(args) => inspect(&args, json),
        Command::Registry(RegistryCommand::Check(args)) => registry_check(&args, json),
        Command::Completions(args) => completions(&args),
        Command::Demo(args) => crate::demo::run(&args, json),
    }
}

/// Writes `text` to stdout. A closed pipe (`| head`) ends the output quietly.
pub fn emit(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Io(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// `value` as pretty JSON (text mode) or one line (`--json`), with a final newline.
pub fn json_text(value: &impl Serialize, compact: bool) -> String {
    let text = if compact {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    };
    // Serialising a value built from strings, numbers and maps cannot fail.
    let mut text = text.unwrap_or_default();
    text.push('\n');
    text
}

/// `n` random bytes from the system CSPRNG, as lowercase hex.
pub fn random_hex(n: usize) -> Result<String, Failure> {
    let mut bytes = vec![0u8; n];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| Failure::Io(describe(Error::RandomFailure)))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn load_keyset(path: &Path) -> Result<KeySet, Failure> {
    let text = Zeroizing::new(read_bounded(path, MAX_KEY_DOCUMENT_LEN)?);
    KeySet::from_json(&text).map_err(|e| {
        Failure::Usage(format!(
            "{} is not a usable key set: {}",
            path.display(),
            describe(e)
        ))
    })
}

// ---------------------------------------------------------------- keygen

#[derive(Serialize)]
struct KeygenReport<'a> {
    file: String,
    kid: &'a str,
    alg: &'a str,
    active_kid: &'a str,
    keys: usize,
}

fn default_kid() -> Result<String, Failure> {
    let date = format_utc(SystemClock.now()).map_err(|e| Failure::Io(describe(e)))?;
    Ok(format!("{}-{}", &date[..10], random_hex(2)?))
}

fn keygen(args: &KeygenArgs, json: bool) -> Result<(), Failure> {
    let kid = match &args.kid {
        Some(kid) => kid.clone(),
        None => default_kid()?,
    };
    let key = match args.alg {
        KeyAlg::Hs256 => Key::generate_hs256(&kid),
        KeyAlg::Eddsa => Key::generate_ed25519(&kid),
    }
    .map_err(|e| Failure::Usage(format!("cannot make key {kid:?}: {}", describe(e))))?;
    let alg = key.algorithm().as_str();

    let set = match (&args.out, args.append) {
        (Some(path), true) => {
            let mut set = load_keyset(path)?;
            set.insert(key).map_err(|e| {
                Failure::Usage(format!(
                    "cannot add key {kid:?} to {}: {}",
                    path.display(),
                    describe(e)
                ))
            })?;
            set.set_active(&kid)
                .map_err(|e| Failure::Usage(describe(e)))?;
            set
        }
        _ => KeySet::single(key).map_err(|e| Failure::Usage(describe(e)))?,
    };
    let document = set.to_json_string(true, !json);

    let Some(path) = args.out.as_deref().filter(|_| !args.print) else {
        eprintln!(
            "{}: the key set below contains a secret key; keep it out of logs and shell history",
            style::warning_label()
        );
        return emit(&document);
    };
    write_secret_file(path, document.as_bytes(), args.force || args.append)?;
    if json {
        return emit(&json_text(
            &KeygenReport {
                file: path.display().to_string(),
                kid: &kid,
                alg,
                active_kid: &kid,
                keys: set.len(),
            },
            true,
        ));
    }
    let mut text = format!(
        "wrote {alg} key {kid:?} to {} (mode 0600; the signing key of {} key{})\n",
        path.display(),
        set.len(),
        if set.len() == 1 { "" } else { "s" }
    );
    if args.alg == KeyAlg::Eddsa {
        text.push_str(&format!(
            "publish its public key with: airisk-auth jwks --keys {}\n",
            path.display()
        ));
    }
    emit(&text)
}

// ---------------------------------------------------------------- jwks

fn jwks(args: &JwksArgs, json: bool) -> Result<(), Failure> {
    let set = load_keyset(&args.keys)?;
    let jwks = set.to_jwks();
    let published = jwks["keys"].as_array().map_or(0, Vec::len);
    if published == 0 {
        return Err(Failure::Usage(format!(
            "{} has no Ed25519 key to publish (HS256 secrets are never published); \
             make one with: airisk-auth keygen --alg eddsa",
            args.keys.display()
        )));
    }
    let secret = set.len() - published;
    if secret > 0 {
        eprintln!(
            "note: {secret} HS256 key{} left out: secrets are never published",
            if secret == 1 { "" } else { "s" }
        );
    }
    emit(&json_text(&jwks, json))
}

// ---------------------------------------------------------------- mint

/// The members a claims file may hold (the [`Claims`] JSON form, all optional:
/// flags fill in or override them).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsFile {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    client_id: Option<String>,
    user_token: Option<bool>,
    company_id: Option<String>,
    iat: Option<u64>,
    nbf: Option<u64>,
    exp: Option<u64>,
    jti: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Serialize)]
struct MintReport<'a> {
    access_token: &'a str,
    expiration: String,
    claims: &'a Claims,
}

/// A claims file is small; anything larger is refused unread.
const MAX_CLAIMS_FILE_LEN: usize = 64 * 1024;

fn mint(args: &MintArgs, json: bool) -> Result<(), Failure> {
    let keys = load_keyset(&args.keys)?;
    let file = match &args.claims {
        Some(path) => {
            let text = read_bounded(path, MAX_CLAIMS_FILE_LEN)?;
            if text.len() > MAX_CLAIMS_FILE_LEN {
                return Err(Failure::Usage(format!(
                    "{} is larger than 64 KiB",
                    path.display()
                )));
            }
            serde_json::from_str::<ClaimsFile>(&text).map_err(|e| {
                Failure::Usage(format!("{} is not a claims object: {e}", path.display()))
            })?
        }
        None => ClaimsFile::default(),
    };
    let claims = build_claims(args, file)?;
    let token = keys
        .mint(&claims)
        .map_err(|e| Failure::Usage(format!("cannot mint this token: {}", describe(e))))?;
    if json {
        let expiration = format_utc(claims.exp).map_err(|e| Failure::Usage(describe(e)))?;
        return emit(&json_text(
            &MintReport {
                access_token: &token,
                expiration,
                claims: &claims,
            },
            true,
        ));
    }
    emit(&format!("{token}\n"))
}

fn build_claims(args: &MintArgs, file: ClaimsFile) -> Result<Claims, Failure> {
    let iss = args.iss.clone().or(file.iss).ok_or_else(|| {
        Failure::Usage("no issuer: give --iss or \"iss\" in the claims file".into())
    })?;
    let client_id = args.client_id.clone().or(file.client_id);
    let user_token = args.user.is_some() || file.user_token.unwrap_or(false);
    let sub = args
        .user
        .clone()
        .or(file.sub)
        .or_else(|| (!user_token).then(|| client_id.clone()).flatten());
    let aud = if args.aud.is_empty() {
        match file.aud {
            Some(Audience::One(a)) => vec![a],
            Some(Audience::Many(a)) => a,
            None => Vec::new(),
        }
    } else {
        args.aud.clone()
    };
    let iat = args.iat.or(file.iat).unwrap_or_else(|| SystemClock.now());
    let exp = match args.exp.or(file.exp) {
        Some(exp) => exp,
        None => iat
            .checked_add(args.ttl)
            .ok_or_else(|| Failure::Usage(format!("--ttl {} is too large", args.ttl)))?,
    };
    let jti = match args.jti.clone().or(file.jti) {
        Some(jti) => jti,
        None => random_hex(16)?,
    };
    Ok(Claims {
        iss,
        sub,
        aud,
        client_id,
        user_token,
        company_id: args.company.clone().or(file.company_id),
        iat: Some(iat),
        nbf: args.nbf.or(file.nbf),
        exp,
        jti: Some(jti),
    })
}

// ---------------------------------------------------------------- verify / inspect

/// The largest token input read from stdin: room for the longest token a
/// policy can accept plus an `Authorization: Bearer` prefix.
const MAX_TOKEN_INPUT_LEN: usize = MAX_MAX_TOKEN_LEN + 1024;

/// What was presented: a bare token, or an `Authorization` header value.
enum Presented<'a> {
    Token(&'a str),
    Header(&'a str),
}

/// The token text from the argument, or stdin when it is absent or `-`.
fn token_input(arg: Option<&str>) -> Result<String, Failure> {
    let text = match arg {
        Some(t) if t != "-" => t.to_owned(),
        _ => {
            if std::io::stdin().is_terminal() {
                return Err(Failure::Usage(
                    "no token: give it as an argument or pipe it on stdin".into(),
                ));
            }
            read_stdin_bounded(MAX_TOKEN_INPUT_LEN)?
        }
    };
    if text.trim().is_empty() {
        return Err(Failure::Usage(
            "no token: the argument or stdin is empty".into(),
        ));
    }
    Ok(text)
}

/// A bare token has no whitespace; anything else is an `Authorization` header
/// value (`Bearer …`), with or without its `Authorization:` name, for the core to parse.
fn presented(text: &str) -> Presented<'_> {
    let text = text.trim();
    if let Some((name, value)) = text.split_once(':') {
        if name.trim().eq_ignore_ascii_case("authorization") {
            return Presented::Header(value.trim());
        }
    }
    if text.contains(char::is_whitespace) {
        Presented::Header(text)
    } else {
        Presented::Token(text)
    }
}

#[derive(Serialize)]
struct VerifyReport<'a> {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<&'a Claims>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

/// A core error for scripts: its stable name and number, and its message.
#[derive(Serialize)]
pub struct ErrorJson {
    name: &'static str,
    code: u32,
    message: String,
}

impl From<Error> for ErrorJson {
    fn from(e: Error) -> Self {
        ErrorJson {
            name: e.name(),
            code: e.code(),
            message: e.to_string(),
        }
    }
}

fn verify(args: &VerifyArgs, json: bool) -> Result<(), Failure> {
    let mut policy = Policy::new(&args.issuer);
    if let Some(audience) = &args.audience {
        policy = policy.with_audience(audience);
    }
    if let Some(leeway) = args.leeway {
        policy = policy.with_leeway(leeway).map_err(|e| {
            Failure::Usage(format!(
                "--leeway {leeway}: {} (at most {} seconds)",
                describe(e),
                airisk_auth::token::MAX_LEEWAY
            ))
        })?;
    }
    policy = policy.require_user(args.require_user);
    let keys = Arc::new(load_keyset(&args.keys)?);
    let text = token_input(args.token.as_deref())?;
    let verifier = Verifier::new(keys, policy);
    let now = args.now.unwrap_or_else(|| verifier.now());

    let verdict = match presented(&text) {
        Presented::Token(token) => verifier.verify_at(token, now),
        // The core's bearer check parses the header exactly as a service would.
        Presented::Header(value) => check_bearer_at(&verifier, Some(value), Access::Any, now)
            .map_err(|answer| answer.reason.unwrap_or(Error::Internal)),
    };
    match verdict {
        Ok(claims) => {
            let shown = &claims;
            if json {
                emit(&json_text(
                    &VerifyReport {
                        valid: true,
                        claims: Some(shown),
                        error: None,
                    },
                    true,
                ))
            } else {
                emit(&json_text(&shown, false))
            }
        }
        Err(e) => {
            if json {
                emit(&json_text(
                    &VerifyReport {
                        valid: false,
                        claims: None,
                        error: Some(e.into()),
                    },
                    true,
                ))?;
            }
            Err(Failure::Refused(Some(format!(
                "token refused: {}",
                describe(e)
            ))))
        }
    }
}

const UNVERIFIED_WARNING: &str = "UNVERIFIED: decoded without checking the signature, \
                                  expiry, issuer or audience. Do not trust any of it.";

#[derive(Serialize)]
struct InspectReport<'a> {
    verified: bool,
    warning: &'a str,
    header: &'a serde_json::Value,
    claims: &'a serde_json::Value,
}

/// The token of a bare token or a `Bearer` header value, for display only.
fn display_token(text: &str) -> &str {
    let value = match presented(text) {
        Presented::Token(token) => return token,
        Presented::Header(value) => value,
    };
    match value.split_once(char::is_whitespace) {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => value,
    }
}

fn inspect(args: &InspectArgs, json: bool) -> Result<(), Failure> {
    let text = token_input(args.token.as_deref())?;
    let decoded = inspect_unverified(display_token(&text))
        .map_err(|e| Failure::Refused(Some(format!("cannot decode token: {}", describe(e)))))?;
    if json {
        return emit(&json_text(
            &InspectReport {
                verified: false,
                warning: UNVERIFIED_WARNING,
                header: &decoded.header,
                claims: &decoded.claims,
            },
            true,
        ));
    }
    let mut out = format!("{UNVERIFIED_WARNING}\n\nheader (UNVERIFIED):\n");
    out.push_str(&json_text(&decoded.header, false));
    out.push_str("\nclaims (UNVERIFIED):\n");
    out.push_str(&json_text(&decoded.claims, false));
    let now = SystemClock.now();
    let mut times = String::new();
    for name in ["iat", "nbf", "exp"] {
        if let Some(t) = decoded.claims.get(name).and_then(serde_json::Value::as_u64) {
            if let Ok(utc) = format_utc(t) {
                let when = if t <= now { "past" } else { "future" };
                times.push_str(&format!("  {name}  {t}  {utc}  ({when})\n"));
            }
        }
    }
    if !times.is_empty() {
        out.push_str("\ntimes (UNVERIFIED):\n");
        out.push_str(&times);
    }
    emit(&out)
}

// ---------------------------------------------------------------- registry check

#[derive(Serialize)]
struct RegistryReport<'a> {
    valid: bool,
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    clients: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    users: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

fn registry_check(args: &RegistryCheckArgs, json: bool) -> Result<(), Failure> {
    let file = args.file.display().to_string();
    let text = Zeroizing::new(read_bounded(&args.file, MAX_REGISTRY_DOCUMENT_LEN)?);
    match MemoryRegistry::from_json(&text) {
        Ok(registry) => {
            let (clients, users) = registry.counts();
            if json {
                return emit(&json_text(
                    &RegistryReport {
                        valid: true,
                        file,
                        clients: Some(clients),
                        users: Some(users),
                        line: None,
                        column: None,
                        message: None,
                    },
                    true,
                ));
            }
            emit(&format!(
                "{file}: ok: {clients} client{}, {users} user{}\n",
                if clients == 1 { "" } else { "s" },
                if users == 1 { "" } else { "s" }
            ))
        }
        Err(error) => {
            if json {
                emit(&json_text(
                    &RegistryReport {
                        valid: false,
                        file: file.clone(),
                        clients: None,
                        users: None,
                        line: Some(error.line),
                        column: Some(error.column),
                        message: Some(&error.message),
                    },
                    true,
                ))?;
            }
            Err(Failure::Refused(Some(load_error_report(
                &file, &text, &error,
            ))))
        }
    }
}

/// Control characters from an untrusted file are shown escaped, never sent to the terminal.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The widest slice of a line shown around the error, in characters.
const CONTEXT_CHARS: usize = 60;

/// `FILE:LINE:COLUMN: message`, then the line and a caret under the column
/// (compiler style). A position of line 0 concerns the whole document.
fn load_error_report(file: &str, text: &str, error: &LoadError) -> String {
    let message = sanitize(&error.message);
    let Some(line) = error
        .line
        .checked_sub(1)
        .and_then(|index| text.split('\n').nth(index))
    else {
        return format!("{file}: {message}");
    };
    let line = line.strip_suffix('\r').unwrap_or(line);
    // The column counts bytes from 1; clamp it into the line on a character boundary.
    let mut cut = error.column.saturating_sub(1).min(line.len());
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    let (before, after) = line.split_at(cut);
    // Long (e.g. minified) lines are shown as a window around the column.
    let before_chars: Vec<char> = before.chars().collect();
    let skip = before_chars.len().saturating_sub(CONTEXT_CHARS);
    let mut shown_before: String = before_chars[skip..].iter().collect();
    if skip > 0 {
        shown_before.insert(0, '…');
    }
    let mut shown_after: String = after.chars().take(CONTEXT_CHARS).collect();
    if after.chars().count() > CONTEXT_CHARS {
        shown_after.push('…');
    }
    let shown_before = sanitize(&shown_before);
    let caret_pad: String = shown_before
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let number = error.line.to_string();
    let gutter = " ".repeat(number.len());
    format!(
        "{file}:{}:{}: {message}\n{gutter} |\n{number} | {shown_before}{}\n{gutter} | {caret_pad}^",
        error.line,
        error.column,
        sanitize(&shown_after)
    )
}

// ---------------------------------------------------------------- completions

fn completions(args: &CompletionsArgs) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "airisk-auth", &mut script);
    emit(&String::from_utf8_lossy(&script))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presented_forms() {
        assert!(matches!(
            presented(" abc.def.ghi\n"),
            Presented::Token("abc.def.ghi")
        ));
        assert!(matches!(
            presented("Bearer abc"),
            Presented::Header("Bearer abc")
        ));
        assert!(matches!(
            presented("authorization:  Bearer abc\r\n"),
            Presented::Header("Bearer abc")
        ));
        assert_eq!(display_token("AUTHORIZATION: bearer  x.y.z"), "x.y.z");
        assert_eq!(display_token("x.y.z"), "x.y.z");
    }

    #[test]
    fn caret_sits_under_the_column() {
        let text = "{\n  \"a\": tru\n}";
        let error = LoadError {
            line: 2,
            column: 8,
            message: "expected value".into(),
        };
        let report = load_error_report("f.json", text, &error);
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines[0], "f.json:2:8: expected value");
        assert_eq!(lines[2], "2 |   \"a\": tru");
        let caret = lines[3].find('^').unwrap_or(0);
        assert_eq!(&lines[2][caret..=caret], "t");
    }

    #[test]
    fn whole_document_errors_have_no_context_and_control_chars_are_escaped() {
        let error = LoadError {
            line: 0,
            column: 0,
            message: "userid \"a\u{1b}[31m\" appears twice".into(),
        };
        let report = load_error_report("f.json", "", &error);
        assert_eq!(report, "f.json: userid \"a\\u{1b}[31m\" appears twice");
    }
}
