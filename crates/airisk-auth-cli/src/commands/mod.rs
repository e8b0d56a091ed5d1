//! Every subcommand but `demo`: argument handling around calls into the core.

mod grant;
mod keys;
mod mint;
mod registry;
mod verify;

use crate::cli::{Cli, Command, CompletionsArgs, RegistryCommand};
use crate::files::read_bounded;
use crate::{describe, Failure};
use airisk_auth::keys::{KeySet, MAX_KEY_DOCUMENT_LEN};
use airisk_auth::random::{Random, SystemRandom};
use clap::CommandFactory;
use grant::revoke_grant;
use keys::{jwks, keygen};
use mint::mint;
use registry::registry_check;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use verify::{inspect, verify};

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), Failure> {
    let json = cli.json;
    match cli.command {
        Command::Keygen(args) => keygen(&args, json),
        Command::Jwks(args) => jwks(&args, json),
        Command::Mint(args) => mint(&args, json),
        Command::Verify(args) => verify(&args, json),
        Command::Inspect(args) => inspect(&args, json),
        Command::Registry(RegistryCommand::Check(args)) => registry_check(&args, json),
        Command::Completions(args) => completions(&args, json),
        Command::Demo(args) => crate::demo::run(&args, json),
        Command::Serve(args) => crate::serve::run(&args),
        Command::RevokeGrant(args) => revoke_grant(&args, json),
    }
}

/// Whether anything was written to stdout: with `--json`, a failure is
/// reported as a JSON object only when the command has not printed its own.
static STDOUT_USED: AtomicBool = AtomicBool::new(false);

/// Whether [`emit`] wrote anything.
pub(crate) fn stdout_used() -> bool {
    STDOUT_USED.load(Ordering::Relaxed)
}

/// Writes `text` to stdout. A closed pipe (`| head`) ends the output quietly.
pub(crate) fn emit(text: &str) -> Result<(), Failure> {
    if !text.is_empty() {
        STDOUT_USED.store(true, Ordering::Relaxed);
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Io(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// `value` as pretty JSON (text mode) or one line (`--json`), with a final newline.
pub(crate) fn json_text(value: &impl Serialize, compact: bool) -> String {
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
pub(crate) fn random_hex(n: usize) -> Result<String, Failure> {
    let mut bytes = vec![0u8; n];
    SystemRandom
        .fill(&mut bytes)
        .map_err(|e| Failure::Io(describe(e)))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn load_keyset(path: &Path) -> Result<KeySet, Failure> {
    let text = read_bounded(path, MAX_KEY_DOCUMENT_LEN)?;
    KeySet::from_json(&text).map_err(|e| {
        // The slow explanation, only now that the document was refused.
        let at = KeySet::explain(&text).map_or_else(String::new, |why| format!(" ({why})"));
        Failure::Usage(format!(
            "{} is not a usable key set: {}{at}",
            path.display(),
            describe(e)
        ))
    })
}

// ---------------------------------------------------------------- completions

fn completions(args: &CompletionsArgs, json: bool) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "airisk-auth", &mut script);
    let script = String::from_utf8_lossy(&script);
    if json {
        let shell = args.shell.to_string();
        return emit(&json_text(
            &serde_json::json!({"shell": shell, "script": script}),
            true,
        ));
    }
    emit(&script)
}
