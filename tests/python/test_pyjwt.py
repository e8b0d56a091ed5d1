"""Interop with PyJWT, both ways (HS256, the documented algorithm), and an identity
provider's RS256/PS256/ES256 tokens verified with its JWK set."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

import airisk_auth as aa

ISS = "https://airisk.example"


def raw_secret(keys: aa.KeySet) -> bytes:
    k = json.loads(keys.to_json(include_private=True))["keys"][0]["k"]
    return base64.urlsafe_b64decode(k + "=" * (-len(k) % 4))


def test_tokens_we_mint_decode_with_pyjwt():
    keys = aa.KeySet.generate_hs256("k1")
    now = int(time.time())
    claims = aa.Claims(ISS, now + 600, sub="user_42", aud=["airisk-api"], client_id="abc123",
                       user_token=True, company_id="acme", iat=now, nbf=now, jti="j-1")
    token = keys.mint(claims)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    decoded = jwt.decode(token, raw_secret(keys), algorithms=["HS256"], issuer=ISS, audience="airisk-api",
                         options={"require": ["exp", "iat", "iss", "sub", "jti"]})
    assert decoded == {"iss": ISS, "sub": "user_42", "aud": "airisk-api", "client_id": "abc123",
                       "user_token": True, "company_id": "acme", "iat": now, "nbf": now, "exp": now + 600,
                       "jti": "j-1"}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, b"another secret of thirty-two bytes!!", algorithms=["HS256"], audience="airisk-api")


@pytest.mark.filterwarnings("ignore:The HMAC key is")  # HS512 over our 38-byte key, on purpose
def test_pyjwt_tokens_with_our_claims_verify_with_us():
    secret = b"0123456789abcdef0123456789abcdef-pyjwt"
    keys = aa.KeySet.from_hs256_secret(secret, kid="k1")
    verifier = aa.Verifier(keys, aa.Policy(ISS))
    now = int(time.time())
    payload = {"iss": ISS, "sub": "abc123", "client_id": "abc123", "user_token": False,
               "iat": now, "exp": now + 300, "jti": "pyjwt-1"}
    for headers in ({"kid": "k1"}, None):  # with the kid, and without (a one-key set)
        token = jwt.encode(payload, secret, algorithm="HS256", headers=headers)
        claims = verifier.verify(token)
        assert (claims.sub, claims.client_id, claims.user_token, claims.exp, claims.jti) == \
            ("abc123", "abc123", False, now + 300, "pyjwt-1")
        assert claims.userid is None
    user = jwt.encode({**payload, "sub": "user_42", "user_token": True}, secret, algorithm="HS256")
    assert verifier.verify(user).userid == "user_42"
    # What we refuse from PyJWT, we refuse for the stated reason.
    with pytest.raises(aa.ExpiredError):
        verifier.verify(jwt.encode({**payload, "exp": now - 3_600}, secret, algorithm="HS256"))
    with pytest.raises(aa.AlgorithmMismatchError):
        verifier.verify(jwt.encode(payload, secret, algorithm="HS512"))
    with pytest.raises(aa.InvalidSignatureError):
        verifier.verify(jwt.encode(payload, b"x" * 32 + b"-not-the-key", algorithm="HS256"))
    with pytest.raises(aa.MissingClaimError):
        verifier.verify(jwt.encode({k: v for k, v in payload.items() if k != "jti"}, secret, algorithm="HS256"))


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256"])
def test_identity_provider_tokens_verify_with_its_jwks(alg: str) -> None:
    """An identity provider's tokens (PyJWT, fresh keys from `cryptography`) verify with
    the JWK set it publishes, exported by PyJWT itself; the core never fetches it."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    private = (ec.generate_private_key(ec.SECP256R1()) if alg == "ES256"
               else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    algorithm = jwt.get_algorithm_by_name(alg)
    jwk = {**json.loads(algorithm.to_jwk(private.public_key())), "kid": "idp-1", "alg": alg, "use": "sig"}
    keys = aa.KeySet.from_json(json.dumps({"keys": [jwk]}))
    assert keys.active_kid is None and json.loads(keys.to_jwks())["keys"] == []
    idp = "https://idp.example"
    verifier = aa.Verifier(keys, aa.Policy(idp))
    now = int(time.time())
    payload = {"iss": idp, "sub": "user_9", "client_id": "app", "user_token": True,
               "iat": now, "exp": now + 300, "jti": "idp-" + alg}
    token = jwt.encode(payload, private, algorithm=alg, headers={"kid": "idp-1"})
    assert verifier.verify(token).userid == "user_9"
    forged = jwt.encode({**payload, "sub": "admin"}, private, algorithm=alg, headers={"kid": "idp-1"})
    with pytest.raises(aa.InvalidSignatureError):
        verifier.verify(forged.rsplit(".", 1)[0] + "." + token.rsplit(".", 1)[1])
    with pytest.raises(aa.AlgorithmMismatchError):
        verifier.verify(jwt.encode(payload, b"k" * 32, algorithm="HS256", headers={"kid": "idp-1"}))
    with pytest.raises(aa.NoSigningKeyError):
        keys.mint(aa.Claims(idp, now + 60, sub="x", client_id="app", iat=now, jti="j"))
