//! `registry check`: a registry document validated, errors shown by position.

use super::{emit, json_text};
use crate::cli::RegistryCheckArgs;
use crate::files::read_bounded;
use crate::Failure;
use airisk_auth::registry::{LoadError, MemoryRegistry, MAX_REGISTRY_DOCUMENT_LEN};
use serde::Serialize;
use zeroize::Zeroizing;

#[derive(Serialize)]
pub(super) struct RegistryReport<'a> {
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

pub(super) fn registry_check(args: &RegistryCheckArgs, json: bool) -> Result<(), Failure> {
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

/// The line with the text of every JSON string value masked, one `*` per
/// character, so that a client secret never reaches a terminal or a CI log while
/// member names, punctuation and every column stay where they were. A string is
/// a member name when a `:` follows it; anything else (including a string left
/// open by a syntax error) is a value.
pub(super) fn redact(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '"' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < chars.len() && chars[end] != '"' {
            end += if chars[end] == '\\' { 2 } else { 1 };
        }
        let end = end.min(chars.len());
        let is_name = chars[(end + 1).min(chars.len())..]
            .iter()
            .find(|c| !c.is_whitespace())
            == Some(&':');
        out.push('"');
        if is_name {
            out.extend(&chars[start..end]);
        } else {
            out.extend(core::iter::repeat_n('*', end - start));
        }
        if end < chars.len() {
            out.push('"');
        }
        i = end + 1;
    }
    out
}

/// Control characters from an untrusted file are shown escaped, never sent to the terminal.
pub(super) fn sanitize(text: &str) -> String {
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
pub(super) const CONTEXT_CHARS: usize = 60;

/// `FILE:LINE:COLUMN: message`, then the line, redacted, and a caret under the
/// column (compiler style). A position of line 0 concerns the whole document.
pub(super) fn load_error_report(file: &str, text: &str, error: &LoadError) -> String {
    let message = sanitize(&error.message);
    let Some(line) = error
        .line
        .checked_sub(1)
        .and_then(|index| text.split('\n').nth(index))
    else {
        return format!("{file}: {message}");
    };
    let line = redact(line.strip_suffix('\r').unwrap_or(line));
    let line = line.as_str();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_column() {
        let text = "{\n  \"a\": tru\n}";
        let error = LoadError::new(2, 8, "expected value");
        let report = load_error_report("f.json", text, &error);
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines[0], "f.json:2:8: expected value");
        assert_eq!(lines[2], "2 |   \"a\": tru");
        let caret = lines[3].find('^').unwrap_or(0);
        assert_eq!(&lines[2][caret..=caret], "t");
    }

    #[test]
    fn string_values_are_masked_and_columns_kept() {
        let line = r#"  {"client_id": "c1", "client_secret": "hunter2\"x", "public": true}"#;
        let shown = redact(line);
        assert_eq!(
            shown,
            r#"  {"client_id": "**", "client_secret": "**********", "public": true}"#
        );
        assert_eq!(shown.chars().count(), line.chars().count());
        assert_eq!(redact(r#""open secret"#), r#""***********"#);
    }

    #[test]
    fn whole_document_errors_have_no_context_and_control_chars_are_escaped() {
        let error = LoadError::new(0, 0, "userid \"a\u{1b}[31m\" appears twice");
        let report = load_error_report("f.json", "", &error);
        assert_eq!(report, "f.json: userid \"a\\u{1b}[31m\" appears twice");
    }
}
