//! Token-request parsing and the whole exchange: `Issuer::exchange_at` with
//! form and JSON bodies.
//!
//! Input: `[content type] [code] body…`
//! - content type: an index into `CONTENT_TYPES`; past its end, the content type
//!   is the body's first line;
//! - code: `{c}` in the body is replaced by a fresh code from the flows.json
//!   authorization query of this index (so inputs reach the code and PKCE checks
//!   and the token minting); bit 7 set: the request is sent twice (replay).
#![no_main]

use airisk_auth::flow::Request;
use airisk_auth::Error;
use airisk_auth_fuzz::{flow, location_code, replace_bytes, CONTENT_TYPES, FLOW_T};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [ct, code, body @ ..] = data else {
        return;
    };
    let fixture = flow();
    let issuer = fixture.issuer();
    let now = FLOW_T + 5;

    let (content_type, mut body) = match CONTENT_TYPES.get(usize::from(*ct)) {
        Some(ct) => (ct.map(str::to_owned), body.to_vec()),
        None if *ct == 0xff => (None, body.to_vec()),
        None => {
            let end = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
            let ct = String::from_utf8_lossy(&body[..end]).into_owned();
            (Some(ct), body.get(end + 1..).unwrap_or_default().to_vec())
        }
    };
    if body.windows(3).any(|w| w == b"{c}") {
        let query = &fixture.code_queries[usize::from(code & 0x7f) % fixture.code_queries.len()];
        let answer = issuer.authorize_at(query, FLOW_T);
        if let Some(fresh) = location_code(&answer) {
            body = replace_bytes(&body, b"{c}", fresh.as_bytes());
        }
    }

    let first = issuer.exchange_at(&Request::new(content_type.as_deref(), &body), now);
    assert!(matches!(first.status, 200 | 400 | 401), "{first:?}");
    assert_eq!(first.status == 200, first.reason.is_none(), "{first:?}");
    assert_eq!(first.header("Cache-Control"), Some("no-store"));
    let token = (first.status == 200).then(|| {
        let json: serde_json::Value = serde_json::from_str(&first.body).expect("JSON success body");
        let token = json["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned();
        issuer
            .verifier()
            .verify_at(&token, now)
            .expect("an issued token verifies");
        token
    });

    if code & 0x80 != 0 {
        let second = issuer.exchange_at(&Request::new(content_type.as_deref(), &body), now + 1);
        if let Some(token) = token {
            assert_eq!(second.status, 400, "{second:?}");
            assert_eq!(second.reason, Some(Error::CodeAlreadyRedeemed));
            assert_eq!(
                issuer.verifier().verify_at(&token, now + 1),
                Err(Error::TokenRevoked)
            );
        } else {
            assert_ne!(
                second.status, 200,
                "a refused request succeeded when repeated"
            );
        }
    }
});
