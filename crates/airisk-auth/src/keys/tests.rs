//! Unit tests of key material, JWK and key-set rules.

use super::ed25519::SMALL_ORDER_POINTS;
use super::*;

#[test]
fn weak_and_oversized_hmac_secrets_are_refused() {
    assert_eq!(Key::hs256(None, &[7; 31]).unwrap_err(), Error::WeakKey);
    assert!(Key::hs256(None, &[7; 32]).is_ok());
    assert_eq!(Key::hs256(None, &[7; 1025]).unwrap_err(), Error::InvalidKey);
}

#[test]
fn small_order_public_keys_are_refused() {
    for p in &SMALL_ORDER_POINTS {
        assert_eq!(Key::ed25519_public(None, p).unwrap_err(), Error::InvalidKey);
        let mut twin = *p;
        twin[31] |= 0x80;
        assert_eq!(
            Key::ed25519_public(None, &twin).unwrap_err(),
            Error::InvalidKey
        );
    }
    let good = Key::generate_ed25519("g").unwrap();
    let public = good.public_key_bytes().unwrap().to_vec();
    assert!(Key::ed25519_public(None, &public).is_ok());
}

#[test]
fn debug_never_shows_secret_material() {
    let secret = [0x41u8; 32];
    let key = Key::hs256(Some("k"), &secret).unwrap();
    let shown = format!("{key:?}");
    assert!(shown.contains("<redacted>"));
    assert!(!shown.contains("65, 65"));
    assert!(!shown.contains(&b64_encode(&secret)));
}

#[test]
fn jwk_round_trips_and_alg_must_agree() {
    let key = Key::generate_ed25519("e").unwrap();
    let private = key.to_jwk(true).unwrap().to_string();
    let back = Key::from_jwk(&private).unwrap();
    assert!(back.can_sign());
    assert_eq!(back.public_key_bytes(), key.public_key_bytes());
    let public = key.to_jwk(false).unwrap().to_string();
    assert!(!public.contains("\"d\""));
    assert!(!Key::from_jwk(&public).unwrap().can_sign());
    let lying = private.replace("EdDSA", "HS256");
    assert_eq!(Key::from_jwk(&lying).unwrap_err(), Error::InvalidKey);
}

#[test]
fn json_text_round_trips_in_both_layouts() {
    let set = KeySet::single(Key::generate_ed25519("e").unwrap()).unwrap();
    for pretty in [false, true] {
        let text = set.to_json_string(true, pretty);
        assert!(text.ends_with('\n'));
        assert_eq!(text.len(), text.capacity(), "sized before it was written");
        let back = KeySet::from_json(&text).unwrap();
        assert_eq!(back.active().unwrap().kid(), Some("e"));
        assert!(back.active().unwrap().can_sign());
    }
}

#[test]
fn the_public_form_of_a_set_loads_back_whichever_key_is_active() {
    for active in ["h", "e"] {
        let mut set = KeySet::new();
        set.insert(Key::generate_hs256("h").unwrap()).unwrap();
        set.insert(Key::generate_ed25519("e").unwrap()).unwrap();
        set.set_active(active).unwrap();
        let public = set.to_json(false);
        assert!(public.get("active_kid").is_none(), "{public}");
        let back = KeySet::from_json(&public.to_string()).unwrap();
        assert_eq!(back.len(), 1, "the HS256 key is secret and left out");
        assert!(back.active().is_err(), "a public set signs nothing");
        assert_eq!(set.to_json(true)["active_kid"], active);
    }
}

#[test]
fn kid_rules_of_a_set() {
    let mut set = KeySet::new();
    set.insert(Key::generate_hs256("a").unwrap()).unwrap();
    assert_eq!(
        set.insert(Key::generate_hs256("a").unwrap()).unwrap_err(),
        Error::DuplicateKeyId
    );
    assert_eq!(
        set.insert(Key::hs256(None, &[1; 32]).unwrap()).unwrap_err(),
        Error::DuplicateKeyId
    );
    assert_eq!(set.active().unwrap_err(), Error::NoSigningKey);
    set.set_active("a").unwrap();
    assert_eq!(set.retire("a").unwrap_err(), Error::InvalidConfiguration);
    assert_eq!(set.select(Some("zz")).unwrap_err(), Error::UnknownKeyId);
    assert!(set.select(None).is_ok());
}
