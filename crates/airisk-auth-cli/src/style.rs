//! Minimal color: only when the stream is a terminal and `NO_COLOR` is unset (no-color.org).

use std::io::IsTerminal;

fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether stdout gets color.
pub(crate) fn stdout_color() -> bool {
    !no_color_requested() && std::io::stdout().is_terminal()
}

fn stderr_color() -> bool {
    !no_color_requested() && std::io::stderr().is_terminal()
}

fn paint(text: &str, sgr: &str, enabled: bool) -> String {
    if enabled {
        format!("\x1b[{sgr}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// `error` for stderr, in bold red when stderr is a terminal.
pub(crate) fn error_label() -> String {
    paint("error", "1;31", stderr_color())
}

/// `warning` for stderr, in bold yellow when stderr is a terminal.
pub(crate) fn warning_label() -> String {
    paint("warning", "1;33", stderr_color())
}

/// A pass marker for stdout.
pub(crate) fn pass(color: bool) -> String {
    paint("ok", "32", color)
}

/// A failure marker for stdout.
pub(crate) fn fail(color: bool) -> String {
    paint("FAILED", "1;31", color)
}

/// A section heading for stdout.
pub(crate) fn heading(text: &str, color: bool) -> String {
    paint(text, "1", color)
}
