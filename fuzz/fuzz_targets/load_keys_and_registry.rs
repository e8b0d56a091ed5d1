//! Key and registry loading: `Key::from_jwk`, `KeySet::from_json`,
//! `MemoryRegistry::from_json`.
//!
//! Input: `[loader] document…` with loader % 3 = 0 (JWK), 1 (key set), 2 (registry).
#![no_main]

use airisk_auth::prelude::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [loader, document @ ..] = data else {
        return;
    };
    let document = String::from_utf8_lossy(document);
    match loader % 3 {
        0 => match Key::from_jwk(&document) {
            Ok(key) => {
                // What we load, we write back and load again alike.
                let jwk = key
                    .to_jwk(true)
                    .expect("every key has a private form")
                    .to_string();
                let again = Key::from_jwk(&jwk).expect("a written JWK loads");
                assert_eq!(again.algorithm(), key.algorithm());
                assert_eq!(again.kid(), key.kid());
                assert_eq!(again.can_sign(), key.can_sign());
            }
            Err(e) => assert!(matches!(e, Error::InvalidKey | Error::WeakKey), "{e:?}"),
        },
        1 => match KeySet::from_json(&document) {
            Ok(set) => {
                let again = KeySet::from_json(&set.to_json(true).to_string())
                    .expect("a written key set loads");
                assert_eq!(again.len(), set.len());
                assert_eq!(
                    again.active().ok().map(Key::kid),
                    set.active().ok().map(Key::kid)
                );
            }
            Err(e) => assert!(
                matches!(
                    e,
                    Error::InvalidKey
                        | Error::WeakKey
                        | Error::DuplicateKeyId
                        | Error::UnknownKeyId
                        | Error::NoSigningKey
                ),
                "{e:?}"
            ),
        },
        _ => match MemoryRegistry::from_json(&document) {
            Ok(registry) => {
                let _ = registry.counts();
            }
            Err(e) => assert!(!e.message.is_empty()),
        },
    }
});
