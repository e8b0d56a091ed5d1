//! `registry check`: a registry document validated, errors shown by position.

use super::{emit, json_text};
use crate::cli::RegistryCheckArgs;
use crate::files::read_bounded;
use crate::Failure;
use airisk_auth::registry::{LoadError, MemoryRegistry, MAX_REGISTRY_DOCUMENT_LEN};
use serde::Serialize;

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
    let text = read_bounded(&args.file, MAX_REGISTRY_DOCUMENT_LEN)?;
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

/// The members whose values are secrets (or their hashes).
const SECRET_MEMBERS: [&str; 2] = ["\"client_secret\"", "\"client_secret_sha256\""];

/// `line` with the value of every secret-bearing member replaced by `*`, byte
/// for byte (so the columns of the error still point where they did): the
/// context shown around an error never shows a secret, whatever its type and
/// even when the line is not valid JSON (issue 20.4).
pub(super) fn mask_secrets(line: &str) -> String {
    let mut bytes = line.as_bytes().to_vec();
    for member in SECRET_MEMBERS {
        let mut from = 0;
        while let Some(found) = line[from..].find(member) {
            let mut i = from + found + member.len();
            from = i;
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            if bytes.get(i) != Some(&b':') {
                continue;
            }
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            let start = i;
            if bytes.get(i) == Some(&b'"') {
                // A string: to its closing quote, escapes skipped, or to the end of the line.
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
            } else {
                // Anything else (a number, a literal, an array or object): to the
                // next delimiter at its depth, or to the end of the line.
                let mut depth = 0usize;
                while i < bytes.len() {
                    match bytes[i] {
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' if depth > 0 => depth -= 1,
                        b',' | b']' | b'}' if depth == 0 => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            for b in &mut bytes[start..i] {
                *b = b'*';
            }
            from = i.max(from);
        }
    }
    // Only whole characters (ASCII delimiters at both ends) were replaced by ASCII.
    String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(line.len()))
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
    // Both masks: every string value (house), and secret members whatever their type.
    let line = redact(&mask_secrets(line.strip_suffix('\r').unwrap_or(line)));
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
    #[allow(clippy::unwrap_used)]
    fn secret_values_are_masked_in_the_context_whatever_their_type() {
        let line = r#"{"client_id": "a", "client_secret": "s3cr\"et", "client_secret_sha256" : 987654321987, "x": [1]}"#;
        let masked = mask_secrets(line);
        assert_eq!(masked.len(), line.len());
        assert!(
            !masked.contains("s3cr") && !masked.contains("987654321987"),
            "{masked}"
        );
        assert!(
            masked.contains(r#""client_id": "a""#) && masked.ends_with(r#""x": [1]}"#),
            "{masked}"
        );
        assert_eq!(
            mask_secrets(r#""client_secret":["a", {"b": 1}], "n": 2"#),
            format!("\"client_secret\":{}, \"n\": 2", "*".repeat(15))
        );
        assert_eq!(
            mask_secrets(r#""client_secret": "unterminated"#),
            r#""client_secret": *************"#
        );

        let text = "{\"clients\":[{\"client_id\":\"a\",\"client_secret\":987654321987,\"redirect_uri\":\"x\"}]}";
        let error = MemoryRegistry::from_json(text).unwrap_err();
        let report = load_error_report("f.json", text, &error);
        assert!(!report.contains("987654321987"), "{report}");
        assert!(
            report.contains("client_secret must be a string"),
            "{report}"
        );
    }

    #[test]
    fn whole_document_errors_have_no_context_and_control_chars_are_escaped() {
        let error = LoadError::new(0, 0, "userid \"a\u{1b}[31m\" appears twice");
        let report = load_error_report("f.json", "", &error);
        assert_eq!(report, "f.json: userid \"a\\u{1b}[31m\" appears twice");
    }
}
