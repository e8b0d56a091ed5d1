//! Unit tests of the registry's parsing and secret rules.

use super::client::sha256;
use super::*;

#[test]
fn redirect_column_is_parsed_strictly() {
    for bad in [
        "",
        "https://a.example/cb,",
        ",https://a.example/cb",
        "https://a.example/cb, https://b.example/cb",
        "https://a.example/cb ",
        "https://a.example/cb#frag",
        "https://user@a.example/cb",
        "http://a.example/cb",
        "javascript:alert(1)",
        "/relative/cb",
        "https:///cb",
    ] {
        assert!(Client::new("c", "s", bad).is_err(), "{bad:?} was accepted");
    }
    for good in [
        "https://localhost/callback",
        "http://127.0.0.1:8080/cb",
        "http://localhost/cb",
        "http://[::1]:9/cb",
        "com.example.app:/cb",
        "https://a.example/cb?x=1",
    ] {
        assert!(Client::new("c", "s", good).is_ok(), "{good:?} was refused");
    }
}

#[test]
fn secrets_compare_by_digest_in_either_form() {
    let clear = Client::new("c", "hunter2-hunter2", "https://a.example/cb").unwrap();
    let hex = crate::encoding::hex(&sha256(b"hunter2-hunter2"));
    let hashed = Client::with_secret_sha256("c", &hex, "https://a.example/cb").unwrap();
    for c in [&clear, &hashed] {
        assert!(c.check_secret("hunter2-hunter2"));
        assert!(!c.check_secret("hunter2-hunter3"));
        assert!(!c.check_secret(""));
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}

#[test]
fn load_errors_have_positions_and_no_secrets() {
    let doc = "{\n \"clients\": [\n  {\"client_id\": \"a\", \"client_secret\": \"TOPSECRET\",\n   \"redirect_uri\": \"https://a.example/cb,\"}\n ]\n}";
    let err = MemoryRegistry::from_json(doc).unwrap_err();
    // A problem found once the entry is complete is placed at its start.
    assert_eq!((err.line, err.column), (3, 3), "{err}");
    assert!(err.message.contains("empty redirect_uri"), "{err}");
    assert!(!err.to_string().contains("TOPSECRET"));
    let dup = "{\"users\": [\n  {\"userid\": \"u\"},\n  {\"userid\": \"u\"}\n]}";
    let err = MemoryRegistry::from_json(dup).unwrap_err();
    assert!(err.message.contains("twice"), "{err}");
    assert_eq!((err.line, err.column), (3, 3), "{err}");
    let typed = "{\"users\": [\n  {\"userid\": 7}\n]}";
    let err = MemoryRegistry::from_json(typed).unwrap_err();
    assert_eq!((err.line, err.column), (2, 3), "{err}");
    assert!(err.message.contains("invalid type"), "{err}");
    let typo = r#"{"clients":[{"client_id":"a","client_secret":"s","redirect_uris":"https://a.example/cb"}]}"#;
    assert!(MemoryRegistry::from_json(typo).is_err());
}
