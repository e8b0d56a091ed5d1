//! Token verification: the crypto floors, our `Verifier`, and the peers, all on
//! the same tokens. `cargo bench -p airisk-auth-benches --bench verify`.

// criterion_group! makes an undocumented public function.
#![allow(missing_docs)]
// A bench that cannot build its fixture has nothing to measure: stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use airisk_auth_benches::{measurement_time, Fixture, CLIENT_ID, HS256_SECRET};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::{
    floor_with_decode, jsonwebtoken_validation, jwt_simple_options, split, PeerClaims, SimpleCustom,
};
use criterion::{criterion_group, criterion_main, Criterion};
use ring::{hmac, signature};
use std::hint::black_box;

#[allow(clippy::too_many_lines)] // one table of cases
fn bench_verify(c: &mut Criterion) {
    use jwt_simple::prelude::MACLike as _;
    let fx = Fixture::new().expect("fixture");
    let now = fx.verify_time();
    println!(
        "tokens: HS256 generic {} chars, HS256 user {} chars, EdDSA {} chars\n  {}",
        fx.hs256_generic.len(),
        fx.hs256_user.len(),
        fx.eddsa_generic.len(),
        fx.hs256_generic
    );

    let hs_key = hmac::Key::new(hmac::HMAC_SHA256, &HS256_SECRET);
    let (hs_input, hs_sig) = split(&fx.hs256_generic).expect("token");
    let ed_public = signature::UnparsedPublicKey::new(&signature::ED25519, fx.ed25519_public);
    let (ed_input, ed_sig) = split(&fx.eddsa_generic).expect("token");
    let generic = fx.hs256_verifier();
    let user = fx.hs256_user_verifier();
    let eddsa = fx.eddsa_verifier();

    let jwt_hs_key = jsonwebtoken::DecodingKey::from_secret(&HS256_SECRET);
    let jwt_hs_validation = jsonwebtoken_validation(jsonwebtoken::Algorithm::HS256);
    let jwt_ed_key =
        jsonwebtoken::DecodingKey::from_ed_components(&URL_SAFE_NO_PAD.encode(fx.ed25519_public))
            .expect("ed25519 key");
    let jwt_ed_validation = jsonwebtoken_validation(jsonwebtoken::Algorithm::EdDSA);
    let simple_hs_key = jwt_simple::prelude::HS256Key::from_bytes(&HS256_SECRET);
    let simple_ed_key =
        jwt_simple::prelude::Ed25519PublicKey::from_bytes(&fx.ed25519_public).expect("key");
    let simple_options = jwt_simple_options();

    // Every contender must accept its token, or we would time a refusal.
    assert!(hmac::verify(&hs_key, hs_input.as_bytes(), &hs_sig).is_ok());
    assert!(floor_with_decode(&hs_key, fx.hs256_generic.as_bytes()));
    assert!(ed_public.verify(ed_input.as_bytes(), &ed_sig).is_ok());
    assert_eq!(
        generic
            .verify_at(&fx.hs256_generic, now)
            .unwrap()
            .client_id
            .as_deref(),
        Some(CLIENT_ID)
    );
    assert!(user.verify_at(&fx.hs256_user, now).unwrap().user_token);
    assert!(eddsa.verify_at(&fx.eddsa_generic, now).is_ok());
    let decoded =
        jsonwebtoken::decode::<PeerClaims>(&fx.hs256_user, &jwt_hs_key, &jwt_hs_validation)
            .unwrap();
    assert!(decoded.claims.user_token);
    jsonwebtoken::decode::<PeerClaims>(&fx.eddsa_generic, &jwt_ed_key, &jwt_ed_validation).unwrap();
    let simple = simple_hs_key
        .verify_token::<SimpleCustom>(&fx.hs256_user, Some(simple_options.clone()))
        .unwrap();
    assert!(simple.custom.user_token);
    {
        use jwt_simple::prelude::EdDSAPublicKeyLike as _;
        simple_ed_key
            .verify_token::<SimpleCustom>(&fx.eddsa_generic, Some(simple_options.clone()))
            .unwrap();
    }

    let mut g = c.benchmark_group("verify");
    g.measurement_time(measurement_time()).sample_size(40);
    g.bench_function("floor_hmac", |b| {
        b.iter(|| {
            hmac::verify(&hs_key, black_box(hs_input.as_bytes()), black_box(&hs_sig)).is_ok()
        });
    });
    g.bench_function("floor_hmac_b64", |b| {
        b.iter(|| floor_with_decode(&hs_key, black_box(fx.hs256_generic.as_bytes())));
    });
    g.bench_function("airisk_hs256_generic", |b| {
        b.iter(|| generic.verify_at(black_box(&fx.hs256_generic), now));
    });
    g.bench_function("airisk_hs256_user", |b| {
        b.iter(|| user.verify_at(black_box(&fx.hs256_user), now));
    });
    g.bench_function("airisk_hs256_user_borrowed", |b| {
        b.iter(|| user.verify_with(black_box(&fx.hs256_user), now, |c| c.userid().map(str::len)));
    });
    g.bench_function("jsonwebtoken_hs256", |b| {
        b.iter(|| {
            jsonwebtoken::decode::<PeerClaims>(
                black_box(&fx.hs256_user),
                &jwt_hs_key,
                &jwt_hs_validation,
            )
        });
    });
    g.bench_function("jwt_simple_hs256", |b| {
        b.iter(|| {
            simple_hs_key.verify_token::<SimpleCustom>(
                black_box(&fx.hs256_user),
                Some(simple_options.clone()),
            )
        });
    });
    g.sample_size(20);
    g.bench_function("floor_ed25519", |b| {
        b.iter(|| {
            ed_public
                .verify(black_box(ed_input.as_bytes()), black_box(&ed_sig))
                .is_ok()
        });
    });
    g.bench_function("airisk_eddsa", |b| {
        b.iter(|| eddsa.verify_at(black_box(&fx.eddsa_generic), now));
    });
    g.bench_function("jsonwebtoken_eddsa", |b| {
        b.iter(|| {
            jsonwebtoken::decode::<PeerClaims>(
                black_box(&fx.eddsa_generic),
                &jwt_ed_key,
                &jwt_ed_validation,
            )
        });
    });
    g.bench_function("jwt_simple_eddsa", |b| {
        use jwt_simple::prelude::EdDSAPublicKeyLike as _;
        b.iter(|| {
            simple_ed_key.verify_token::<SimpleCustom>(
                black_box(&fx.eddsa_generic),
                Some(simple_options.clone()),
            )
        });
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_millis(700));
    targets = bench_verify
}
criterion_main!(benches);
