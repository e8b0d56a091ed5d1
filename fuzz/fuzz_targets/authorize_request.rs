//! Authorization-request parsing: `Issuer::authorize_at` on any query string.
//!
//! Input: the raw query (lossily made UTF-8).
#![no_main]

use airisk_auth::code::{CODE_LEN, MAX_CODE_LEN};
use airisk_auth_fuzz::{flow, location_code, FLOW_T};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fixture = flow();
    let issuer = fixture.issuer();
    let query = String::from_utf8_lossy(data);
    let answer = issuer.authorize_at(&query, FLOW_T);
    assert!(matches!(answer.status, 302 | 400 | 401), "{answer:?}");
    assert_eq!(answer.header("Cache-Control"), Some("no-store"));
    if answer.status == 302 {
        // Only ever to a registered redirect URI, with a well-formed code.
        let location = answer.header("Location").expect("Location");
        assert!(
            fixture.redirect_uris.iter().any(|uri| location
                .strip_prefix(uri.as_str())
                .is_some_and(|rest| rest.starts_with(['?', '&']))),
            "{location}"
        );
        match location_code(&answer) {
            // 56 characters, or a longer version 2 code carrying a granted scope
            // (the flows.json setup has a client with default scopes).
            Some(code) => {
                assert!(answer.reason.is_none(), "{answer:?}");
                let len = code.len();
                assert!(
                    len == CODE_LEN || (CODE_LEN < len && len <= MAX_CODE_LEN),
                    "{location}"
                );
            }
            // An RFC 6749 §4.1.2.1 error redirect, once the client is trusted.
            None => assert!(
                answer.reason.is_some() && location.contains("error="),
                "{answer:?}"
            ),
        }
    } else {
        assert!(answer.reason.is_some(), "{answer:?}");
    }
});
