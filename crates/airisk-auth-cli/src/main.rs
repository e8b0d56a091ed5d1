//! `airisk-auth`: the command-line face of the airisk-auth core.
//!
//! Every decision about keys, tokens, codes and the flows is the core's; this
//! binary only reads files and arguments, calls the core, and prints what it
//! answers. See `airisk-auth --help` for the exit statuses.

#![forbid(unsafe_code)]
// Text output is assembled with `push_str(&format!(..))`, which reads as the
// text it makes (`write!` into a String returns a Result that cannot fail).
#![allow(clippy::format_push_string, clippy::format_collect)]

mod cli;
mod commands;
mod demo;
mod files;
mod serve;
mod shared_store;
mod style;

use clap::Parser;
use std::process::ExitCode;

/// Why a command failed, and so which exit status it ends with.
#[derive(Debug)]
pub enum Failure {
    /// The thing checked was refused (exit 1). The message was already printed
    /// when it is `None`.
    Refused(Option<String>),
    /// Bad arguments or unusable inputs (exit 2).
    Usage(String),
    /// A file or stream could not be read or written (exit 3).
    Io(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Refused(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Io(_) => 3,
        }
    }

    fn message(&self) -> Option<&str> {
        match self {
            Failure::Refused(m) => m.as_deref(),
            Failure::Usage(m) | Failure::Io(m) => Some(m),
        }
    }
}

/// The refusal (exit 2) of a command or option this binary was built without:
/// names the missing Cargo feature and the install command that adds it to the
/// features this build has (reinstalling must not take one away).
#[cfg(not(all(feature = "serve", feature = "redis")))]
pub fn not_built(feature: &str) -> Failure {
    let features: Vec<&str> = [
        ("serve", cfg!(feature = "serve")),
        ("redis", cfg!(feature = "redis")),
    ]
    .into_iter()
    .filter(|&(name, built)| built || name == feature)
    .map(|(name, _)| name)
    .collect();
    Failure::Usage(format!(
        "this airisk-auth was built without `{feature}`: \
         cargo install --path crates/airisk-auth-cli --features {}",
        features.join(",")
    ))
}

/// A core error as shown to people: its stable name, then its message.
pub fn describe(e: airisk_auth::Error) -> String {
    format!("{}: {}", e.name(), e)
}

impl Failure {
    /// The failure as the one JSON object `--json` prints for it.
    fn to_json(&self) -> serde_json::Value {
        let kind = match self {
            Failure::Refused(_) => "refused",
            Failure::Usage(_) => "usage",
            Failure::Io(_) => "io",
        };
        serde_json::json!({
            "ok": false,
            "error": {
                "kind": kind,
                "exit_code": self.exit_code(),
                "message": self.message().unwrap_or("refused"),
            }
        })
    }
}

/// Whether `--json` was asked for: read from the raw arguments, so that even a
/// command line clap refuses is answered in JSON. Arguments after `--` are operands.
fn wants_json() -> bool {
    std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}

/// What clap decided instead of running a command (help, version, a usage
/// error) as one JSON object on stdout, with clap's exit status.
fn clap_outcome_as_json(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let text = e.render().to_string();
    let code = e.exit_code();
    let value = match e.kind() {
        ErrorKind::DisplayHelp => serde_json::json!({"ok": true, "help": text}),
        ErrorKind::DisplayVersion => serde_json::json!({"ok": true, "version": text.trim()}),
        _ => {
            eprint!("{text}");
            serde_json::json!({
                "ok": code == 0,
                "error": {"kind": "usage", "exit_code": code, "message": text.trim_end()},
            })
        }
    };
    let _ = commands::emit(&commands::json_text(&value, true));
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

fn main() -> ExitCode {
    let json = wants_json();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if json => return clap_outcome_as_json(&e),
        // clap prints help and version on stdout (exit 0) and usage errors on stderr (exit 2).
        Err(e) => e.exit(),
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if let Some(message) = failure.message() {
                eprintln!("{}: {message}", style::error_label());
            }
            if json && !commands::stdout_used() {
                let _ = commands::emit(&commands::json_text(&failure.to_json(), true));
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
