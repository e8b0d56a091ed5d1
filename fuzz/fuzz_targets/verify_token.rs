//! Token verification: `Verifier::verify_at`, `inspect_unverified` and
//! `check_bearer_at` on hostile tokens.
//!
//! Input: `[verifier selector] [mode] rest…`
//! - selector: one of the (key set, policy) pairs of tokens.json (see `verifiers()`);
//! - mode bit 0: 0 = `rest` is the token; 1 = `rest` is `header JSON \0 payload`,
//!   signed here with the key set's active key, so that the fuzzer reaches the
//!   claims parser behind the signature check;
//! - mode bits 1-2: the verification time, from `TOKEN_NOWS`.
#![no_main]

use airisk_auth::flow::{check_bearer_at, Access};
use airisk_auth::dangerous::{inspect_unverified, sign_jws};
use airisk_auth::Error;
use airisk_auth_fuzz::{verifiers, TOKEN_NOWS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [selector, mode, rest @ ..] = data else {
        return;
    };
    let fixtures = verifiers();
    let fixture = &fixtures[usize::from(*selector) % fixtures.len()];
    let verifier = &fixture.verifier;
    let now = TOKEN_NOWS[usize::from((mode >> 1) & 3)];

    let token = match (mode & 1, fixture.keys.active()) {
        (1, Ok(key)) => {
            let split = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            let payload = rest.get(split + 1..).unwrap_or_default();
            sign_jws(key, &rest[..split], payload).expect("an active key signs")
        }
        _ => String::from_utf8_lossy(rest).into_owned(),
    };

    let verified = verifier.verify_at(&token, now);
    let unverified = inspect_unverified(&token);
    if let Ok(claims) = &verified {
        // A verified token has three canonical base64url segments. (Its JSON may
        // still be refused by inspect_unverified's serde_json::Value: numbers such
        // as 1e400 in members the verifier ignores.)
        assert!(
            !matches!(
                unverified,
                Err(Error::MalformedToken | Error::TokenTooLarge)
            ),
            "verified but not well-formed: {unverified:?}"
        );
        // Minting the verified claims again gives a token that verifies to the same claims.
        if let Ok(again) = fixture.keys.mint(claims) {
            if again.len() <= verifier.policy().max_token_len() {
                assert_eq!(verifier.verify_at(&again, now).as_ref(), Ok(claims));
            }
        }
    }

    // The bearer check is verify_at behind RFC 6750 framing: same verdict.
    let plain = !token.is_empty() && !token.starts_with(' ') && !token.ends_with([' ', '\t']);
    if plain {
        let header = format!("Bearer {token}");
        match (
            check_bearer_at(verifier, Some(&header), Access::Any, now),
            &verified,
        ) {
            (Ok(a), Ok(b)) => assert_eq!(&a, b),
            (Err(r), Err(e)) => {
                assert_eq!(r.reason, Some(*e));
                let status = if *e == Error::UserTokenRequired {
                    403
                } else {
                    401
                };
                assert_eq!(r.status, status);
                assert!(r.header("WWW-Authenticate").is_some());
            }
            (a, b) => panic!("bearer {a:?} but verify {b:?}"),
        }
    }

    // Any Authorization header at all: never a success without a token.
    let raw_header = String::from_utf8_lossy(rest);
    if let Err(r) = check_bearer_at(verifier, Some(&raw_header), Access::User, now) {
        assert!(matches!(r.status, 401 | 403), "{r:?}");
    }
});
