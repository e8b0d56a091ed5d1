"""The module's own surface: exceptions, classes, reprs, arguments."""

from __future__ import annotations

import pickle
import errno
import re
import threading

import pytest

import airisk_auth as aa
from airisk_auth import dangerous

ISS = "https://airisk.example"


def test_every_core_error_kind_has_its_exception_class():
    kinds = aa.error_kinds()
    assert len(kinds) >= 40
    codes = set()
    for name, code, message in kinds:
        cls = getattr(aa, name + "Error")
        assert cls is getattr(aa.errors, name + "Error")
        assert cls.__name__ == name + "Error"
        assert cls.__module__ == "airisk_auth.errors"
        assert issubclass(cls, aa.AuthError) and issubclass(cls, ValueError)
        # Exactly one family: a refusal (of a token or of a request) or this side's.
        families = [f for f in (aa.TokenError, aa.RequestError, aa.ConfigError) if issubclass(cls, f)]
        assert len(families) == 1, (name, families)
        assert cls.code == code and cls.name == name
        assert name + "Error" in aa.__all__
        assert message and message.lower() in (cls.__doc__ or "").lower()
        codes.add(code)
    assert len(codes) == len(kinds), "codes are unique"
    # Numbers are ABI (the C result codes): spot-check the stable ones.
    assert aa.TokenTooLargeError.code == 1
    assert aa.InvalidSignatureError.code == 7
    assert aa.ExpiredError.code == 10
    assert aa.WeakKeyError.code == 20
    assert aa.InvalidRegistryError.code == 30
    assert aa.InternalError.code == 90


def test_exception_families_split_refusals_from_configuration():
    # `except TokenError` (a 401/403 to send) never swallows this side's faults.
    assert issubclass(aa.WeakKeyError, aa.ConfigError)
    assert not issubclass(aa.WeakKeyError, aa.TokenError)
    assert not issubclass(aa.WeakKeyError, aa.RefusalError)
    for cls in (aa.ExpiredError, aa.InvalidSignatureError, aa.TokenRevokedError, aa.MissingBearerError):
        assert issubclass(cls, aa.TokenError) and issubclass(cls, aa.RefusalError), cls
    for cls in (aa.InvalidCodeError, aa.UnknownClientError, aa.PkceMismatchError, aa.RequestTooLargeError):
        assert issubclass(cls, aa.RequestError) and not issubclass(cls, aa.TokenError), cls
    # A store that cannot answer, a bad registry document, a bug: this side, never a refusal.
    for cls in (
        aa.LedgerUnavailableError,
        aa.LedgerFullError,
        aa.InvalidRegistryError,
        aa.InvalidKeyError,
        aa.InvalidConfigurationError,
        aa.InternalError,
    ):
        assert issubclass(cls, aa.ConfigError) and not issubclass(cls, aa.RefusalError), cls
    for family in (aa.RefusalError, aa.TokenError, aa.RequestError, aa.ConfigError):
        assert issubclass(family, aa.AuthError) and family in vars(aa.errors).values()
        assert family.__name__ in aa.__all__ and family.__name__ in aa.errors.__all__

    # Raised as such: a short HS256 secret is a WeakKeyError that `except TokenError` lets through.
    with pytest.raises(aa.ConfigError) as info:
        try:
            aa.KeySet.from_hs256_secret(b"short", kid="k1")
        except aa.TokenError:  # pragma: no cover - the point is that it does not match
            pytest.fail("a weak key was taken for a token refusal")
    assert type(info.value) is aa.WeakKeyError and info.value.code == 20


def test_raised_errors_carry_kind_code_and_message_and_pickle():
    keys = aa.KeySet.generate_hs256("k1")
    verifier = aa.Verifier(keys, aa.Policy(ISS))
    token = keys.mint(aa.Claims.generic(ISS, "abc123", 1_000, 3_600, "j"))
    with pytest.raises(aa.ExpiredError) as info:
        verifier.verify_at(token, 1_000 + 3_600 + 30)
    err = info.value
    assert err.code == 10 and err.name == "Expired"
    assert str(err) == "the token has expired"
    assert token not in str(err)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is aa.ExpiredError and str(back) == str(err)
    with pytest.raises(ValueError):
        verifier.verify_at("not-a-token", 1_000)
    with pytest.raises(aa.MalformedTokenError):
        verifier.verify_at("a.b", 1_000)


def test_repr_never_shows_secrets():
    secret = b"S" * 40
    keys = aa.KeySet.from_hs256_secret(secret, kid="k1")
    private_json = keys.to_json(include_private=True)
    k = __import__("json").loads(private_json)["keys"][0]["k"]
    for shown in (repr(keys), str(keys), repr(aa.Verifier(keys, aa.Policy(ISS)))):
        assert "k1" in shown
        assert k not in shown and "SSSS" not in shown
    code_key = b"C" * 32
    registry = aa.Registry.from_json(
        '{"clients":[{"client_id":"abc123","client_secret":"topsecret-value-123",'
        '"redirect_uri":"https://localhost/callback"}],"users":[]}'
    )
    issuer = aa.Issuer(keys, registry, issuer=ISS, store=aa.MemoryStore(), code_key=code_key)
    for shown in (repr(issuer), repr(registry), repr(issuer.verifier())):
        assert "CCCC" not in shown and "topsecret" not in shown and k not in shown
    ed = aa.KeySet.generate_ed25519("e1")
    d = __import__("json").loads(ed.to_json(include_private=True))["keys"][0]["d"]
    assert d not in repr(ed)
    assert '"d"' not in ed.to_jwks() and d not in ed.to_json()


def test_claims_attributes_are_typed_and_read_only():
    c = aa.Claims(ISS, 5_000, sub="user_42", aud=["a", "b"], client_id="abc123", user_token=True,
                  company_id="acme", iat=1_000, nbf=1_000, jti="j1")
    assert (c.iss, c.sub, c.aud, c.client_id, c.user_token) == (ISS, "user_42", ("a", "b"), "abc123", True)
    assert (c.company_id, c.iat, c.nbf, c.exp, c.jti, c.userid) == ("acme", 1_000, 1_000, 5_000, "j1", "user_42")
    with pytest.raises(AttributeError):
        c.sub = "someone_else"  # type: ignore[misc]
    g = aa.Claims.generic(ISS, "abc123", 1_000, 60, "j")
    assert g.userid is None and g.sub == "abc123" and not g.user_token
    assert g == aa.Claims.generic(ISS, "abc123", 1_000, 60, "j") and g != c
    assert g.to_dict() == {"iss": ISS, "sub": "abc123", "aud": [], "client_id": "abc123", "user_token": False,
                           "company_id": None, "iat": 1_000, "nbf": None, "exp": 1_060, "jti": "j"}
    with pytest.raises(TypeError):
        aa.Claims(ISS, 5, aud="not-a-list")  # a str is not a list of audiences


def test_mint_and_verify_round_trip_both_algorithms():
    for keys in (aa.KeySet.generate_hs256("h"), aa.KeySet.generate_ed25519("e")):
        claims = aa.Claims.user(ISS, "abc123", "user_42", 1_000, 3_600, "j1")
        token = keys.mint(claims)
        verified = aa.Verifier(keys, aa.Policy(ISS)).verify_at(token, 2_000)
        assert verified == claims
        with pytest.raises(aa.InvalidIssuerError):
            aa.Verifier(keys, aa.Policy("https://other.example")).verify_at(token, 2_000)
        with pytest.raises(aa.InvalidSignatureError):
            aa.Verifier(keys, aa.Policy(ISS)).verify_at(token[:-2] + ("AA" if token[-2:] != "AA" else "BA"), 2_000)
    with pytest.raises(aa.InvalidClaimsError):
        aa.KeySet.generate_hs256("h").mint(aa.Claims(ISS, 10, iat=10))


def test_policy_bounds_and_user_requirement():
    with pytest.raises(aa.InvalidConfigurationError):
        aa.Policy(ISS, leeway=301)
    with pytest.raises(aa.InvalidConfigurationError):
        aa.Policy(ISS, max_token_len=10)
    p = aa.Policy(ISS, audience="api", leeway=0, require_user=True)
    assert (p.issuer, p.audience, p.leeway, p.max_token_len, p.require_user) == (ISS, "api", 0, 8192, True)
    keys = aa.KeySet.generate_hs256("k")
    generic = keys.mint(aa.Claims.generic(ISS, "abc123", 1_000, 60, "j"))
    with pytest.raises(aa.UserTokenRequiredError):
        aa.Verifier(keys, aa.Policy(ISS, require_user=True)).verify_at(generic, 1_001)


def test_weak_and_bad_keys():
    with pytest.raises(aa.WeakKeyError):
        aa.KeySet.from_hs256_secret(b"x" * 31)
    with pytest.raises(aa.InvalidKeyError):
        aa.KeySet.from_json("{not json")
    with pytest.raises(aa.WeakKeyError):
        aa.Issuer(aa.KeySet.generate_hs256("k"), aa.Registry.from_json('{"clients":[],"users":[]}'),
                  issuer=ISS, store=aa.MemoryStore(), code_key=b"short")


def test_registry_errors_say_where():
    with pytest.raises(aa.InvalidRegistryError) as info:
        aa.Registry.from_json('{"clients": [\n {"client_id": "a", "nope": 1}], "users": []}')
    assert "line 2" in str(info.value)
    with pytest.raises(aa.InvalidRegistryError):
        aa.Registry.from_json('{"clients":[{"client_id":"a","client_secret":"s",'
                              '"redirect_uri":"https://a.example/cb, https://b.example/cb"}],"users":[]}')


def test_a_secret_of_the_wrong_type_is_not_echoed(tmp_path):
    # Issue 20.4: the type error used to repeat the value ("invalid type: integer
    # `987654321987`"). The message names the member and its position only.
    for member in ("client_secret", "client_secret_sha256"):
        for value in ("987654321987", "-987654321987", "98765.4321987", "true",
                      '["987654321987"]', '{"987654321987": "987654321987"}'):
            doc = ('{"clients":[\n  {"client_id":"a","%s":%s,'
                   '"redirect_uri":"https://a.example/cb"}]}' % (member, value))
            path = tmp_path / "registry.json"
            path.write_text(doc, encoding="utf-8")
            for load in (lambda: aa.Registry.from_json(doc), lambda: aa.Registry.from_file(path)):
                with pytest.raises(aa.InvalidRegistryError) as refused:
                    load()
                shown = f"{refused.value} {refused.value!r} {refused.value.args!r}"
                assert "98765" not in shown, shown
                assert value != "true" or "true" not in shown.replace(str(path), ""), shown
                assert member in shown and re.search(r"line 2,? column 3", shown), shown


def test_registry_from_file(tmp_path):
    path = tmp_path / "registry.json"
    path.write_text('{"clients":[],"users":[{"userid":"user_42"}]}', encoding="utf-8")
    registry = aa.Registry.from_file(path)
    assert (registry.client_count, registry.user_count) == (0, 1)
    # Issue 17.5: an unreadable file is its own kind, IoError (27), also an OSError.
    with pytest.raises(aa.IoError) as missing:
        aa.Registry.from_file(tmp_path / "missing.json")
    assert missing.value.filename == str(tmp_path / "missing.json")
    assert missing.value.errno == errno.ENOENT
    assert missing.value.strerror == "No such file or directory"
    assert missing.value.code == 27
    assert isinstance(missing.value, OSError) and isinstance(missing.value, aa.ConfigError)


def test_file_loaders_are_bounded_and_name_the_file(tmp_path):
    # Issue 20.2: /dev/zero used to be read whole (tens of GiB) before any bound applied.
    with pytest.raises(aa.InvalidRegistryError) as endless:
        aa.Registry.from_file("/dev/zero")
    assert endless.value.filename == "/dev/zero"
    assert "/dev/zero is larger than" in str(endless.value)
    with pytest.raises(aa.InvalidKeyError) as endless_keys:
        aa.KeySet.from_file("/dev/zero")
    assert endless_keys.value.filename == "/dev/zero"
    bad = tmp_path / "registry.json"
    bad.write_text('{"clients":[{"client_id":"a"}]}', encoding="utf-8")
    with pytest.raises(aa.InvalidRegistryError) as refused:
        aa.Registry.from_file(bad)
    assert refused.value.filename == str(bad)
    assert str(refused.value).startswith(f"{bad}: line 1, column 13: ")
    with pytest.raises(OSError) as missing_keys:
        aa.KeySet.from_file(tmp_path / "missing.json")
    assert type(missing_keys.value) is aa.IoError
    assert missing_keys.value.filename == str(tmp_path / "missing.json")
    assert missing_keys.value.errno == errno.ENOENT


def test_every_refusal_path_names_the_claim():
    """verify, verify_at, verify_many and check_bearer name the claim at fault alike."""
    keys = aa.KeySet.generate_hs256("k1")
    verifier = aa.Verifier(keys, aa.Policy("https://airisk.example"))
    no_client = dangerous.sign_jws(
        keys, '{"alg":"HS256","kid":"k1"}',
        '{"iss":"https://airisk.example","sub":"a","iat":1000,"exp":4600,"jti":"x","user_token":false}')
    bad_exp = dangerous.sign_jws(
        keys, '{"alg":"HS256","kid":"k1"}',
        '{"iss":"https://airisk.example","sub":"a","client_id":"a","iat":1000,"exp":"4600",'
        '"jti":"x","user_token":false}')
    no_user = dangerous.sign_jws(
        keys, '{"alg":"HS256","kid":"k1"}',
        '{"iss":"https://airisk.example","client_id":"a","iat":1000,"exp":4600,"jti":"x",'
        '"user_token":true}')
    valid = keys.mint(aa.Claims.generic("https://airisk.example", "abc123", 1_000, 3_600, "id-1"))

    results = verifier.verify_many([no_client, bad_exp, no_user, valid, "x.y.z"], now=2_000)
    assert [type(r) for r in results] == [
        aa.MissingClaimError, aa.MalformedClaimsError, aa.MissingClaimError, aa.Claims, aa.MalformedTokenError]
    assert [getattr(r, "claim", "-") for r in results] == ["client_id", "exp", "sub", "-", None]
    assert str(results[0]) == "the token lacks a required claim: `client_id`"
    assert str(results[1]) == "the token claims are malformed: `exp`"
    with pytest.raises(aa.MalformedClaimsError) as malformed:
        verifier.verify(bad_exp)
    assert malformed.value.claim == "exp"

    for token, status, reason, claim in [
        (no_client, 401, "MissingClaim", "client_id"),
        (bad_exp, 401, "MalformedClaims", "exp"),
        (valid, 401, "Expired", None),
    ]:
        answer = aa.check_bearer(verifier, f"Bearer {token}", now=2_000 if claim else 9_000)
        assert isinstance(answer, aa.Response)
        assert (answer.status, answer.reason, answer.claim) == (status, reason, claim)
    assert aa.check_bearer(verifier, None, now=2_000).claim is None
    shown = repr(aa.check_bearer(verifier, f"Bearer {no_client}", now=2_000))
    assert shown == 'Response(status=401, reason="MissingClaim", claim="client_id")'


def test_errors_name_the_setting_the_claim_and_the_position(tmp_path):
    with pytest.raises(aa.InvalidConfigurationError) as leeway:
        aa.Policy("https://airisk.example", leeway=9999)
    assert leeway.value.setting == "leeway"
    assert leeway.value.allowed == "0 to 300"
    assert str(leeway.value) == "the setting `leeway` is out of its allowed range: 0 to 300"
    assert leeway.value.claim is None and leeway.value.filename is None

    keys = aa.KeySet.generate_hs256("k1")
    with pytest.raises(aa.InvalidConfigurationError) as ttl:
        aa.Issuer(keys, aa.Registry.from_json('{"clients":[],"users":[]}'),
                  issuer="https://airisk.example", store=aa.MemoryStore(), token_ttl=10)
    assert ttl.value.setting == "token_ttl"
    assert ttl.value.allowed == "60 to 86400"

    claims = aa.Claims.generic("https://airisk.example", "abc123", 1_000, 3_600, "id-1")
    token = keys.mint(claims)
    verifier = aa.Verifier(keys, aa.Policy("https://airisk.example"))
    assert verifier.verify_at(token, 2_000).client_id == "abc123"
    incomplete = dangerous.sign_jws(
        keys, '{"alg":"HS256","kid":"k1"}',
        '{"iss":"https://airisk.example","sub":"a","iat":1000,"exp":4600,"jti":"x","user_token":false}')
    with pytest.raises(aa.MissingClaimError) as missing:
        verifier.verify_at(incomplete, 2_000)
    assert missing.value.claim == "client_id"
    assert str(missing.value) == "the token lacks a required claim: `client_id`"
    with pytest.raises(aa.InvalidIssuerError) as other:
        aa.Verifier(keys, aa.Policy("https://other.example")).verify_at(token, 2_000)
    assert other.value.claim is None

    typo = '{"keys": [],\n "activ_kid": "a"}'
    with pytest.raises(aa.InvalidKeyError) as refused:
        aa.KeySet.from_json(typo)
    assert "line 2, column 12: unknown field `activ_kid`" in str(refused.value)
    with pytest.raises(aa.InvalidKeyError) as algg:
        aa.KeySet.from_json('{"keys":[{"kty":"oct","algg":"HS256","k":"AQID"}]}')
    assert "unknown field `algg`" in str(algg.value)
    path = tmp_path / "keys.json"
    path.write_text(typo, encoding="utf-8")
    with pytest.raises(aa.InvalidKeyError) as in_file:
        aa.KeySet.from_file(path)
    assert in_file.value.filename == str(path)
    assert str(in_file.value).startswith(f"{path}: line 2, column 12: unknown field `activ_kid`")


def test_keyset_from_file(tmp_path):
    keys = aa.KeySet.generate_ed25519("e")
    path = tmp_path / "keys.json"
    path.write_text(keys.to_json(include_private=True), encoding="utf-8")
    loaded = aa.KeySet.from_file(path)
    assert loaded.to_jwks() == keys.to_jwks()


def test_verify_many_returns_claims_or_errors_in_order():
    keys = aa.KeySet.generate_ed25519("e")
    verifier = aa.Verifier(keys, aa.Policy(ISS))
    good = keys.mint(aa.Claims.generic(ISS, "abc123", 1_000, 60, "j"))
    out = verifier.verify_many([good, "x", good], now=1_001)
    assert isinstance(out[0], aa.Claims) and out[2] == out[0]
    assert isinstance(out[1], aa.MalformedTokenError)
    assert isinstance(verifier.verify_many([good], now=5_000)[0], aa.ExpiredError)


def test_verify_from_many_threads_agrees():
    keys = aa.KeySet.generate_ed25519("e")
    verifier = aa.Verifier(keys, aa.Policy(ISS))
    tokens = [keys.mint(aa.Claims.generic(ISS, f"c{i}", 1_000, 60, f"j{i}")) for i in range(8)]
    results: dict[int, str | None] = {}

    def work(i: int) -> None:
        for _ in range(50):
            results[i] = verifier.verify_at(tokens[i], 1_001).client_id

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: f"c{i}" for i in range(8)}


def test_check_bearer_answers():
    keys = aa.KeySet.generate_hs256("k")
    verifier = aa.Verifier(keys, aa.Policy(ISS))
    generic = keys.mint(aa.Claims.generic(ISS, "abc123", 1_000, 60, "j"))
    user = keys.mint(aa.Claims.user(ISS, "abc123", "user_42", 1_000, 60, "j2"))
    missing = aa.check_bearer(verifier, None, now=1_001)
    assert isinstance(missing, aa.Response)
    assert (missing.status, missing.header("www-authenticate"), missing.reason) == (401, "Bearer", "MissingBearer")
    assert missing.reason_code == aa.MissingBearerError.code and missing.body == ""
    refused = aa.check_bearer(verifier, "Bearer " + generic, access="user", now=1_001)
    assert isinstance(refused, aa.Response) and refused.status == 403
    assert refused.header("WWW-Authenticate") == 'Bearer error="insufficient_scope"'
    expired = aa.check_bearer(verifier, "Bearer " + user, access="user", now=9_999)
    assert isinstance(expired, aa.Response) and expired.status == 401 and expired.reason == "Expired"
    assert expired.headers == [("WWW-Authenticate", 'Bearer error="invalid_token"')]
    ok = aa.check_bearer(verifier, "bearer " + user, access="user", now=1_001)
    assert isinstance(ok, aa.Claims) and ok.userid == "user_42"
    with pytest.raises(aa.InvalidArgumentError):
        aa.check_bearer(verifier, None, access="admin")  # type: ignore[arg-type]


def test_lone_surrogates_are_refused_like_any_bad_input():
    # Issue 20.5: these raised UnicodeEncodeError instead of being answered.
    keys = aa.KeySet.generate_hs256("k")
    verifier = aa.Verifier(keys, aa.Policy(ISS))
    answer = aa.check_bearer(verifier, "Bearer \ud800", now=1_001)
    assert isinstance(answer, aa.Response)
    assert (answer.status, answer.reason) == (401, "MalformedToken")
    assert answer.header("WWW-Authenticate") == 'Bearer error="invalid_token"'
    answer = aa.check_bearer(verifier, "Bear\udfffer abc", now=1_001)
    assert isinstance(answer, aa.Response) and (answer.status, answer.reason) == (401, "MissingBearer")
    with pytest.raises(aa.MalformedTokenError):
        verifier.verify_at("eyJ\ud800.x.y", 1_001)
    with pytest.raises(aa.MalformedTokenError):
        verifier.verify("\udc80")
    out = verifier.verify_many(["\ud800"], now=1_001)
    assert isinstance(out[0], aa.MalformedTokenError)

    registry = aa.Registry.from_json(
        '{"clients":[{"client_id":"abc123","client_secret":"s3cr3t-abc123-0123456789abcdef",'
        '"redirect_uri":"https://localhost/callback"}]}'
    )
    issuer = aa.Issuer(keys, registry, issuer=ISS, store=aa.MemoryStore())
    cb = "https%3A%2F%2Flocalhost%2Fcallback"
    ok = issuer.authorize_at(f"client_id=abc123&redirect_uri={cb}&state=\u00e9", 1_000)
    assert ok.status == 302 and ok.header("Location").endswith("&state=%C3%A9")
    for query in (f"client_id=abc123&redirect_uri={cb}&state=\ud800",
                  f"client_id=abc123&redirect_uri={cb}&\udfff=1&state=\u00e9"):
        answer = issuer.authorize_at(query, 1_000)
        assert (answer.status, answer.reason) == (400, "MalformedRequest")
    form = "application/x-www-form-urlencoded"
    body = f"client_id=abc123&client_secret=x&redirect_uri={cb}&code=c&userid=\ud800"
    answer = issuer.exchange_at(form, body, 1_000)
    assert (answer.status, answer.reason, answer.body) == (400, "MalformedRequest", "Invalid request")
    answer = issuer.exchange_at("application/json; charset=\ud800", "{}", 1_000)
    assert (answer.status, answer.reason) == (400, "UnsupportedContentType")
