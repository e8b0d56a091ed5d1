/* The C ABI's contract, call by call: results, NULL arguments, out-params
 * written only on success, ownership, the panic boundary, and one full
 * authorize -> exchange -> bearer round trip. Tokens are minted through the ABI. */
#define _POSIX_C_SOURCE 200809L
#include "airisk_auth.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ISS "https://airisk.example"
#define KEYSET_JSON                                                           \
  "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"alg\":\"HS256\","             \
  "\"k\":\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA\"}]}"
#define REGISTRY_JSON                                                         \
  "{\"clients\":[{\"client_id\":\"abc123\",\"client_secret\":\"s3cret-s3cret\"," \
  "\"redirect_uri\":\"https://localhost/callback\"}],"                        \
  "\"users\":[{\"userid\":\"user_42\",\"company_id\":\"acme\"}]}"

static void *const SENTINEL = (void *)&check_passed;

static airisk_keyset *load_keys(void) {
  airisk_keyset *keys = NULL;
  CHECK_RC(airisk_keyset_from_json(KEYSET_JSON, strlen(KEYSET_JSON), &keys), AIRISK_OK);
  return keys;
}

static void test_version_and_results(void) {
  CHECK_STR(airisk_version(), AIRISK_AUTH_VERSION_STRING);
  CHECK_STR(airisk_result_name(AIRISK_OK), "Ok");
  CHECK_STR(airisk_result_name(AIRISK_EXPIRED), "Expired");
  CHECK_STR(airisk_result_text(AIRISK_EXPIRED), "the token has expired");
  CHECK(AIRISK_EXPIRED == 10 && AIRISK_INTERNAL == 90 && AIRISK_INVALID_ARGUMENT == 91,
        "codes are the core's numbers");
  CHECK_STR(airisk_result_text(12345), "unknown result code");
  CHECK_STR(airisk_result_name(12345), "Unknown");
  CHECK(sizeof(airisk_result) == 4, "airisk_result is a uint32_t");
}

static void test_free_null_is_a_no_op(void) {
  airisk_keyset_free(NULL);
  airisk_registry_free(NULL);
  airisk_verifier_free(NULL);
  airisk_claims_free(NULL);
  airisk_issuer_free(NULL);
  airisk_response_free(NULL);
  airisk_string_free(NULL);
  CHECK(1, "survived");
}

static void test_keyset_loading(void) {
  airisk_keyset *keys = (airisk_keyset *)SENTINEL;
  CHECK_RC(airisk_keyset_from_json("{\"keys\":[", 9, &keys), AIRISK_INVALID_KEY);
  CHECK(keys == (airisk_keyset *)SENTINEL, "out untouched on failure");
  CHECK_RC(airisk_keyset_from_json(NULL, 3, &keys), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_keyset_from_json(KEYSET_JSON, strlen(KEYSET_JSON), NULL),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_keyset_from_json("{\"keys\":\xff]}", 11, &keys), AIRISK_INVALID_ARGUMENT);
  CHECK(keys == (airisk_keyset *)SENTINEL, "out untouched on failure");
  const char *weak = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AQID\"}]}";
  CHECK_RC(airisk_keyset_from_json(weak, strlen(weak), &keys), AIRISK_WEAK_KEY);
  /* Issue 17.5: an unreadable file is its own kind, its detail the path and the OS error. */
  CHECK_RC(airisk_keyset_from_file("/nonexistent/keys.json", &keys), AIRISK_IO);
  CHECK_STR(airisk_last_error_detail(),
            "cannot read /nonexistent/keys.json: No such file or directory (os error 2)");
  CHECK_STR(airisk_result_name(AIRISK_IO), "Io");
  CHECK(AIRISK_IO == 27, "AIRISK_IO is 27");
  /* A failure without a detail empties it. */
  CHECK_RC(airisk_keyset_from_file(NULL, &keys), AIRISK_INVALID_ARGUMENT);
  CHECK_STR(airisk_last_error_detail(), "");
  {
    /* Unknown members are refused, with their position in the detail. */
    const char *typo = "{\"keys\":[],\n \"activ_kid\":\"a\"}";
    CHECK_RC(airisk_keyset_from_json(typo, strlen(typo), &keys), AIRISK_INVALID_KEY);
    const char *detail = airisk_last_error_detail();
    CHECK(strncmp(detail, "line 2, column 12: unknown field `activ_kid`", 44) == 0, "%s", detail);
    const char *algg = "{\"keys\":[{\"kty\":\"oct\",\"algg\":\"HS256\",\"k\":\"AQID\"}]}";
    CHECK_RC(airisk_keyset_from_json(algg, strlen(algg), &keys), AIRISK_INVALID_KEY);
    detail = airisk_last_error_detail();
    CHECK(strstr(detail, "unknown field `algg`") != NULL, "%s", detail);
    CHECK(strncmp(detail, "line 1, column ", 15) == 0, "%s", detail);
  }
  /* Issue 20.2: an endless file is read up to its bound plus one byte, then
   * refused (it used to be read whole: ASan aborted allocating 32 GiB). */
  CHECK_RC(airisk_keyset_from_file("/dev/zero", &keys), AIRISK_INVALID_KEY);
  CHECK(keys == (airisk_keyset *)SENTINEL, "out untouched on failure");
  {
    airisk_registry *registry = (airisk_registry *)SENTINEL;
    CHECK_RC(airisk_registry_from_file("/dev/zero", &registry), AIRISK_INVALID_REGISTRY);
    CHECK(registry == (airisk_registry *)SENTINEL, "out untouched on failure");
    CHECK_RC(airisk_registry_from_file("/nonexistent/registry.json", &registry), AIRISK_IO);
    CHECK_STR(airisk_last_error_detail(),
              "cannot read /nonexistent/registry.json: No such file or directory (os error 2)");
  }

  char path[] = "/tmp/airisk-keys-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0, "mkstemp");
  if (fd >= 0) {
    CHECK(write(fd, KEYSET_JSON, strlen(KEYSET_JSON)) == (ssize_t)strlen(KEYSET_JSON), "write");
    close(fd);
    keys = NULL;
    CHECK_RC(airisk_keyset_from_file(path, &keys), AIRISK_OK);
    CHECK(keys != NULL, "loaded from file");
    char *jwks = NULL;
    CHECK_RC(airisk_keyset_to_jwks(keys, &jwks), AIRISK_OK);
    /* HS256 keys are secret: never published. */
    CHECK_STR(jwks, "{\"keys\":[]}");
    airisk_string_free(jwks);
    airisk_keyset_free(keys);
    unlink(path);
  }
  {
    /* Issue 17.5: a refused key file names itself and the position in it. */
    char typo_path[] = "/tmp/airisk-typo-XXXXXX";
    int typo_fd = mkstemp(typo_path);
    CHECK(typo_fd >= 0, "mkstemp");
    if (typo_fd >= 0) {
      const char *typo = "{\"keys\":[],\n \"activ_kid\":\"a\"}";
      CHECK(write(typo_fd, typo, strlen(typo)) == (ssize_t)strlen(typo), "write");
      close(typo_fd);
      airisk_keyset *refused = (airisk_keyset *)SENTINEL;
      CHECK_RC(airisk_keyset_from_file(typo_path, &refused), AIRISK_INVALID_KEY);
      char want[128];
      snprintf(want, sizeof want, "%s: line 2, column 12: unknown field `activ_kid`", typo_path);
      const char *detail = airisk_last_error_detail();
      CHECK(strncmp(detail, want, strlen(want)) == 0, "%s", detail);
      CHECK(refused == (airisk_keyset *)SENTINEL, "out untouched on failure");
      unlink(typo_path);
    }
  }
  const char *jwk = "{\"kty\":\"oct\",\"kid\":\"j\",\"k\":\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA\"}";
  keys = NULL;
  CHECK_RC(airisk_keyset_from_jwk(jwk, strlen(jwk), &keys), AIRISK_OK);
  airisk_keyset_free(keys);
}

static void test_mint_verify_and_claims(void) {
  airisk_keyset *keys = load_keys();
  char *token = NULL;
  CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", "user_42", "acme", NULL, 1000, 3600, "jti-1", &token),
           AIRISK_OK);
  CHECK(token != NULL && strncmp(token, "eyJ", 3) == 0, "a compact JWS");

  /* The same claims as JSON give the same bytes (HS256 is deterministic). */
  const char *json =
      "{\"iss\":\"" ISS "\",\"sub\":\"user_42\",\"aud\":[],\"client_id\":\"abc123\","
      "\"user_token\":true,\"company_id\":\"acme\",\"iat\":1000,\"nbf\":null,"
      "\"exp\":4600,\"jti\":\"jti-1\"}";
  char *again = NULL;
  CHECK_RC(airisk_keyset_mint_json(keys, json, strlen(json), &again), AIRISK_OK);
  CHECK_STR(again, token);
  airisk_string_free(again);
  CHECK_RC(airisk_keyset_mint_json(keys, "{", 1, &again), AIRISK_INVALID_CLAIMS);
  const char *backwards = "{\"iss\":\"x\",\"iat\":10,\"exp\":5}";
  CHECK_RC(airisk_keyset_mint_json(keys, backwards, strlen(backwards), &again), AIRISK_INVALID_CLAIMS);

  airisk_verifier *verifier = NULL;
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, AIRISK_DEFAULT_LEEWAY,
                               AIRISK_DEFAULT_MAX_TOKEN_LEN, 0, &verifier),
           AIRISK_OK);
  /* The verifier keeps its own reference: the key set may go now. */
  airisk_keyset_free(keys);

  airisk_claims *claims = NULL;
  CHECK_RC(airisk_verifier_verify_at(verifier, token, strlen(token), 2000, &claims), AIRISK_OK);
  size_t len = 0;
  CHECK_STR(airisk_claims_userid(claims, &len), "user_42");
  CHECK(len == 7, "length %zu", len);
  CHECK_STR(airisk_claims_sub(claims, NULL), "user_42");
  CHECK_STR(airisk_claims_client_id(claims, NULL), "abc123");
  CHECK_STR(airisk_claims_company_id(claims, NULL), "acme");
  CHECK_STR(airisk_claims_jti(claims, NULL), "jti-1");
  CHECK_STR(airisk_claims_iss(claims, NULL), ISS);
  CHECK(airisk_claims_exp(claims) == 4600, "exp");
  uint64_t iat = 0, nbf = 77;
  CHECK(airisk_claims_iat(claims, &iat) && iat == 1000, "iat");
  CHECK(!airisk_claims_nbf(claims, &nbf) && nbf == 77, "no nbf, out untouched");
  CHECK(airisk_claims_user_token(claims), "user token");
  CHECK(airisk_claims_audience_count(claims) == 0, "no aud");
  CHECK(airisk_claims_audience(claims, 0, NULL) == NULL, "no aud[0]");

  char buf[8];
  memset(buf, 'x', sizeof buf);
  CHECK_RC(airisk_claims_copy(claims, AIRISK_CLAIM_USERID, buf, sizeof buf), AIRISK_OK);
  CHECK_STR(buf, "user_42");
  memset(buf, 'x', sizeof buf);
  CHECK_RC(airisk_claims_copy(claims, AIRISK_CLAIM_USERID, buf, 7), AIRISK_BUFFER_TOO_SMALL);
  CHECK(buf[0] == 'x', "buffer untouched when too small");
  CHECK_RC(airisk_claims_copy(claims, 99, buf, sizeof buf), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_claims_copy(claims, AIRISK_CLAIM_USERID, NULL, 8), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_claims_copy(NULL, AIRISK_CLAIM_USERID, buf, 8), AIRISK_INVALID_ARGUMENT);
  airisk_claims_free(claims);

  /* Failures leave the out-param alone. */
  claims = (airisk_claims *)SENTINEL;
  CHECK_RC(airisk_verifier_verify_at(verifier, token, strlen(token), 4600 + 30, &claims), AIRISK_EXPIRED);
  CHECK_RC(airisk_verifier_verify_at(verifier, token, strlen(token), 500, &claims), AIRISK_NOT_YET_VALID);
  char *tampered = strdup(token);
  tampered[strlen(tampered) - 2] ^= 1;
  CHECK_RC(airisk_verifier_verify_at(verifier, tampered, strlen(tampered), 2000, &claims),
           AIRISK_INVALID_SIGNATURE);
  /* A length that cuts the token short is what is verified. */
  CHECK_RC(airisk_verifier_verify_at(verifier, token, 10, 2000, &claims), AIRISK_MALFORMED_TOKEN);
  tampered[5] = (char)0xff;
  CHECK_RC(airisk_verifier_verify_at(verifier, tampered, strlen(tampered), 2000, &claims),
           AIRISK_INVALID_ARGUMENT);
  free(tampered);
  CHECK_RC(airisk_verifier_verify_at(NULL, token, strlen(token), 2000, &claims), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_verify_at(verifier, NULL, 5, 2000, &claims), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_verify_at(verifier, token, strlen(token), 2000, NULL), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_verify_at(verifier, "", 0, 2000, &claims), AIRISK_MALFORMED_TOKEN);
  CHECK(claims == (airisk_claims *)SENTINEL, "out untouched by every failure");

  /* Accessors on NULL are safe. */
  CHECK(airisk_claims_userid(NULL, &len) == NULL && len == 0, "NULL claims");
  CHECK(airisk_claims_exp(NULL) == 0 && !airisk_claims_user_token(NULL), "NULL claims");

  airisk_verifier_free(verifier);
  airisk_string_free(token);
}

static void test_policy(void) {
  airisk_keyset *keys = load_keys();
  airisk_verifier *v = (airisk_verifier *)SENTINEL;
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, 301, 8192, 0, &v), AIRISK_INVALID_CONFIGURATION);
  CHECK_STR(airisk_last_error_detail(),
            "the setting `leeway` is out of its allowed range: 0 to 300");
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, 30, 10, 0, &v), AIRISK_INVALID_CONFIGURATION);
  CHECK_STR(airisk_last_error_detail(),
            "the setting `max_token_len` is out of its allowed range: 64 to 65536");
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, 30, 8192, 4, &v), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_new(keys, NULL, NULL, 30, 8192, 0, &v), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_new(NULL, ISS, NULL, 30, 8192, 0, &v), AIRISK_INVALID_ARGUMENT);
  CHECK(v == (airisk_verifier *)SENTINEL, "out untouched");

  char *generic = NULL, *with_aud = NULL;
  CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", NULL, NULL, NULL, 1000, 3600, "g", &generic),
           AIRISK_OK);
  CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", NULL, NULL, "api", 1000, 3600, "a", &with_aud),
           AIRISK_OK);

  airisk_verifier *user_only = NULL, *api = NULL, *plain = NULL;
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, 30, 8192, AIRISK_POLICY_REQUIRE_USER, &user_only),
           AIRISK_OK);
  CHECK_RC(airisk_verifier_new(keys, ISS, "api", 30, 8192, 0, &api), AIRISK_OK);
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, 30, 64, 0, &plain), AIRISK_OK);

  airisk_claims *c = NULL;
  CHECK_RC(airisk_verifier_verify_at(user_only, generic, strlen(generic), 2000, &c),
           AIRISK_USER_TOKEN_REQUIRED);
  CHECK_RC(airisk_verifier_verify_at(api, generic, strlen(generic), 2000, &c), AIRISK_INVALID_AUDIENCE);
  CHECK_RC(airisk_verifier_verify_at(plain, generic, strlen(generic), 2000, &c), AIRISK_TOKEN_TOO_LARGE);
  CHECK_RC(airisk_verifier_verify_at(api, with_aud, strlen(with_aud), 2000, &c), AIRISK_OK);
  CHECK(airisk_claims_audience_count(c) == 1, "one audience");
  CHECK_STR(airisk_claims_audience(c, 0, NULL), "api");
  CHECK(airisk_claims_userid(c, NULL) == NULL, "a generic token has no userid");
  CHECK_STR(airisk_claims_sub(c, NULL), "abc123");
  char buf[32];
  CHECK_RC(airisk_claims_copy(c, AIRISK_CLAIM_USERID, buf, sizeof buf), AIRISK_MISSING_CLAIM);
  CHECK_RC(airisk_claims_copy(c, AIRISK_CLAIM_COMPANY_ID, buf, sizeof buf), AIRISK_MISSING_CLAIM);
  airisk_claims_free(c);

  /* The system-clock variant: a token minted now verifies now. */
  char *fresh = NULL;
  CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", "user_42", NULL, NULL, (uint64_t)time(NULL), 3600,
                       "now", &fresh),
           AIRISK_OK);
  c = NULL;
  CHECK_RC(airisk_verifier_verify(user_only, fresh, strlen(fresh), &c), AIRISK_OK);
  CHECK_STR(airisk_claims_userid(c, NULL), "user_42");
  airisk_claims_free(c);
  CHECK_RC(airisk_verifier_verify(user_only, generic, strlen(generic), &c), AIRISK_EXPIRED);

  airisk_string_free(fresh);
  airisk_string_free(generic);
  airisk_string_free(with_aud);
  airisk_verifier_free(user_only);
  airisk_verifier_free(api);
  airisk_verifier_free(plain);
  airisk_keyset_free(keys);
}

/* The value of query parameter `name` in `url` (not decoded), copied into out. */
static int query_param(const char *url, const char *name, char *out, size_t cap) {
  const char *q = strchr(url, '?');
  size_t n = strlen(name);
  while (q != NULL) {
    q++;
    if (strncmp(q, name, n) == 0 && q[n] == '=') {
      const char *v = q + n + 1;
      size_t len = strcspn(v, "&");
      if (len >= cap) return 0;
      memcpy(out, v, len);
      out[len] = '\0';
      return 1;
    }
    q = strchr(q, '&');
  }
  return 0;
}

static void test_flow_round_trip(void) {
  airisk_keyset *keys = load_keys();
  airisk_registry *registry = NULL;
  CHECK_RC(airisk_registry_from_json(REGISTRY_JSON, strlen(REGISTRY_JSON), &registry), AIRISK_OK);
  airisk_registry *bad = (airisk_registry *)SENTINEL;
  CHECK_RC(airisk_registry_from_json("{\"clients\":7}", 13, &bad), AIRISK_INVALID_REGISTRY);
  CHECK(bad == (airisk_registry *)SENTINEL, "out untouched");
  /* The operator learns where and what, without the secret. */
  const char *broken =
      "{\n \"clients\": [\n  {\"client_id\": \"a\", \"client_secret\": \"TOPSECRET\",\n"
      "   \"redirect_uri\": \"https://a.example/cb,\"}\n ]\n}";
  CHECK_RC(airisk_registry_from_json(broken, strlen(broken), &bad), AIRISK_INVALID_REGISTRY);
  char *why = NULL;
  CHECK_RC(airisk_registry_explain(broken, strlen(broken), &why), AIRISK_OK);
  CHECK(why != NULL && strncmp(why, "line ", 5) == 0 && strstr(why, "redirect_uri") != NULL &&
            strstr(why, "TOPSECRET") == NULL,
        "explanation: %s", why ? why : "(null)");
  airisk_string_free(why);
  why = NULL;
  CHECK_RC(airisk_registry_explain(REGISTRY_JSON, strlen(REGISTRY_JSON), &why), AIRISK_OK);
  CHECK_STR(why, "");
  airisk_string_free(why);

  uint8_t code_key[32];
  for (size_t i = 0; i < sizeof code_key; i++) code_key[i] = (uint8_t)(i * 7 + 1);
  airisk_store *store = (airisk_store *)SENTINEL;
  CHECK_RC(airisk_store_memory_new(0, NULL), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_store_memory_new(0, &store), AIRISK_OK);
  airisk_issuer *issuer = (airisk_issuer *)SENTINEL;
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, 16, ISS, NULL, 60, 3600, store, &issuer),
           AIRISK_WEAK_KEY);
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, 32, ISS, NULL, 0, 3600, store, &issuer),
           AIRISK_INVALID_CONFIGURATION);
  CHECK_STR(airisk_last_error_detail(),
            "the setting `code_ttl` is out of its allowed range: 1 to 600");
  /* No silent default: an issuer is built with a store. */
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, 32, ISS, NULL, 60, 3600, NULL, &issuer),
           AIRISK_INVALID_ARGUMENT);
  CHECK(issuer == (airisk_issuer *)SENTINEL, "out untouched");
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, 32, ISS, NULL, AIRISK_DEFAULT_CODE_TTL,
                             AIRISK_DEFAULT_TOKEN_TTL, store, &issuer),
           AIRISK_OK);
  /* The issuer keeps its own references. */
  airisk_registry_free(registry);
  airisk_keyset_free(keys);
  airisk_store_free(store);
  airisk_store_free(NULL);

  const uint64_t now = 1743423132;
  const char *query =
      "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42&state=xyz";
  airisk_response *r = NULL;
  CHECK_RC(airisk_issuer_authorize_at(issuer, query, strlen(query), now, &r), AIRISK_OK);
  CHECK(airisk_response_status(r) == 302, "status %u", airisk_response_status(r));
  CHECK(airisk_response_reason(r) == AIRISK_OK, "no reason on success");
  const char *location = airisk_response_header(r, "location", NULL);
  CHECK(location != NULL && strncmp(location, "https://localhost/callback?code=", 32) == 0,
        "Location %s", location ? location : "(none)");
  CHECK_STR(airisk_response_header(r, "Cache-Control", NULL), "no-store");
  CHECK(airisk_response_header(r, "X-Nope", NULL) == NULL, "absent header");
  CHECK(airisk_response_header_count(r) == 2, "two headers");
  CHECK_STR(airisk_response_header_name(r, 0, NULL), "Location");
  CHECK(airisk_response_header_name(r, 2, NULL) == NULL, "past the end");
  size_t body_len = 99;
  CHECK_STR(airisk_response_body(r, &body_len), "");
  CHECK(body_len == 0, "empty body");
  char code[128] = "", state[16] = "";
  CHECK(location != NULL && query_param(location, "code", code, sizeof code), "a code");
  CHECK(location != NULL && query_param(location, "state", state, sizeof state), "a state");
  CHECK(strlen(code) == 56, "a 56-character code: %s", code);
  CHECK_STR(state, "xyz");
  airisk_response_free(r);

  char body[512];
  snprintf(body, sizeof body,
           "client_id=abc123&client_secret=s3cret-s3cret&redirect_uri=https%%3A%%2F%%2Flocalhost"
           "%%2Fcallback&code=%s&userid=user_42",
           code);
  const char *form = "application/x-www-form-urlencoded";
  r = NULL;
  CHECK_RC(airisk_issuer_exchange_at(issuer, form, strlen(form), body, strlen(body), now + 5, &r),
           AIRISK_OK);
  CHECK(airisk_response_status(r) == 200, "status %u", airisk_response_status(r));
  CHECK_STR(airisk_response_header(r, "Content-Type", NULL), "application/json; charset=utf-8");
  const char *json = airisk_response_body(r, NULL);
  CHECK(json != NULL && strstr(json, "\"expiration\":\"2025-03-31T13:12:17Z\"") != NULL, "%s",
        json ? json : "(null)");
  char token[1024] = "";
  const char *at = json ? strstr(json, "\"access_token\":\"") : NULL;
  if (at != NULL) {
    at += strlen("\"access_token\":\"");
    size_t n = strcspn(at, "\"");
    if (n < sizeof token) {
      memcpy(token, at, n);
      token[n] = '\0';
    }
  }
  CHECK(strlen(token) > 20, "an access token");
  airisk_response_free(r);

  airisk_verifier *verifier = NULL;
  CHECK_RC(airisk_issuer_verifier(issuer, &verifier), AIRISK_OK);
  char authorization[1100];
  snprintf(authorization, sizeof authorization, "Bearer %s", token);
  airisk_claims *claims = NULL;
  r = NULL;
  CHECK_RC(airisk_verifier_check_bearer_at(verifier, authorization, strlen(authorization), AIRISK_ACCESS_USER,
                                  now + 10, &claims, &r),
           AIRISK_OK);
  CHECK(claims != NULL && r == NULL, "allowed: claims, no response");
  CHECK_STR(airisk_claims_userid(claims, NULL), "user_42");
  CHECK_STR(airisk_claims_company_id(claims, NULL), "acme");
  airisk_claims_free(claims);

  /* Replaying the code is refused and revokes the token. */
  r = NULL;
  CHECK_RC(airisk_issuer_exchange_at(issuer, form, strlen(form), body, strlen(body), now + 6, &r),
           AIRISK_OK);
  CHECK(airisk_response_status(r) == 400, "status %u", airisk_response_status(r));
  CHECK_STR(airisk_response_body(r, NULL), "Invalid Code");
  CHECK_RC(airisk_response_reason(r), AIRISK_CODE_ALREADY_REDEEMED);
  airisk_response_free(r);

  claims = NULL;
  r = NULL;
  CHECK_RC(airisk_verifier_check_bearer_at(verifier, authorization, strlen(authorization), AIRISK_ACCESS_ANY,
                                  now + 10, &claims, &r),
           AIRISK_OK);
  CHECK(claims == NULL && r != NULL, "refused: a response, no claims");
  CHECK(airisk_response_status(r) == 401, "status %u", airisk_response_status(r));
  CHECK_RC(airisk_response_reason(r), AIRISK_TOKEN_REVOKED);
  CHECK_STR(airisk_response_header(r, "WWW-Authenticate", NULL), "Bearer error=\"invalid_token\"");
  airisk_response_free(r);

  r = NULL;
  CHECK_RC(airisk_verifier_check_bearer_at(verifier, NULL, 0, AIRISK_ACCESS_ANY, now, &claims, &r),
           AIRISK_OK);
  CHECK(airisk_response_status(r) == 401, "no header: 401");
  CHECK_RC(airisk_response_reason(r), AIRISK_MISSING_BEARER);
  CHECK_STR(airisk_response_header(r, "WWW-Authenticate", NULL), "Bearer");
  airisk_response_free(r);

  airisk_response *untouched = (airisk_response *)SENTINEL;
  CHECK_RC(airisk_verifier_check_bearer_at(verifier, NULL, 0, 7, now, &claims, &untouched),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_check_bearer_at(verifier, "\xff", 1, AIRISK_ACCESS_ANY, now, &claims, &untouched),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_check_bearer_at(verifier, NULL, 0, AIRISK_ACCESS_ANY, now, NULL, &untouched),
           AIRISK_INVALID_ARGUMENT);
  CHECK(untouched == (airisk_response *)SENTINEL, "out untouched");

  /* Non-UTF-8 and NULL request parts. */
  CHECK_RC(airisk_issuer_authorize_at(issuer, "a=\xff", 3, now, &untouched),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_issuer_authorize_at(issuer, NULL, 3, now, &untouched), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_issuer_exchange_at(NULL, form, strlen(form), body, strlen(body), now, &untouched),
           AIRISK_INVALID_ARGUMENT);
  CHECK(untouched == (airisk_response *)SENTINEL, "out untouched");

  /* The system-clock variants answer too. */
  r = NULL;
  CHECK_RC(airisk_issuer_authorize(issuer, query, strlen(query), &r), AIRISK_OK);
  CHECK(airisk_response_status(r) == 302, "status %u", airisk_response_status(r));
  airisk_response_free(r);
  r = NULL;
  CHECK_RC(airisk_issuer_exchange(issuer, NULL, 0, "", 0, &r), AIRISK_OK);
  CHECK(airisk_response_status(r) == 400, "no content type: 400");
  CHECK_RC(airisk_response_reason(r), AIRISK_UNSUPPORTED_CONTENT_TYPE);
  airisk_response_free(r);

  airisk_verifier_free(verifier);
  airisk_issuer_free(issuer);
}

/* Issue 20.4: a client secret of the wrong JSON type used to be echoed by the type
 * error ("invalid type: integer `987654321987`"). The explanation names the member
 * and its position, never the value, whatever its type. */
static void test_a_secret_of_the_wrong_type_is_not_echoed(void) {
  const char *values[] = {"987654321987", "-987654321987", "98765.4321987", "true",
                          "[\"987654321987\"]", "{\"987654321987\":\"987654321987\"}"};
  const char *members[] = {"client_secret", "client_secret_sha256"};
  for (size_t m = 0; m < 2; m++) {
    for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
      char doc[512];
      snprintf(doc, sizeof doc,
               "{\"clients\":[\n  {\"client_id\":\"a\",\"%s\":%s,"
               "\"redirect_uri\":\"https://a.example/cb\"}]}",
               members[m], values[v]);
      airisk_registry *registry = (airisk_registry *)SENTINEL;
      CHECK_RC(airisk_registry_from_json(doc, strlen(doc), &registry), AIRISK_INVALID_REGISTRY);
      CHECK(registry == (airisk_registry *)SENTINEL, "out untouched");
      char *why = NULL;
      CHECK_RC(airisk_registry_explain(doc, strlen(doc), &why), AIRISK_OK);
      CHECK(why != NULL && strstr(why, "98765") == NULL && strstr(why, "true") == NULL &&
                strstr(why, members[m]) != NULL && strncmp(why, "line 2, column 3: ", 18) == 0,
            "%s: %s", doc, why ? why : "(null)");
      airisk_string_free(why);
    }
  }
}

/* Consent (issue 14): validate, seal into a ticket, open once, deny or approve. */
static void test_consent(void) {
  airisk_keyset *keys = load_keys();
  airisk_registry *registry = NULL;
  CHECK_RC(airisk_registry_from_json(REGISTRY_JSON, strlen(REGISTRY_JSON), &registry), AIRISK_OK);
  uint8_t code_key[32];
  for (size_t i = 0; i < sizeof code_key; i++) code_key[i] = (uint8_t)(i * 5 + 3);
  airisk_store *store = NULL;
  CHECK_RC(airisk_store_memory_new(0, &store), AIRISK_OK);
  airisk_issuer *issuer = NULL;
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, 32, ISS, NULL, AIRISK_DEFAULT_CODE_TTL,
                             AIRISK_DEFAULT_TOKEN_TTL, store, &issuer),
           AIRISK_OK);
  airisk_store_free(store);
  const uint64_t now = 1743423132;
  const char *query =
      "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42&state=s%201";
  airisk_pending *pending = NULL;
  airisk_response *r = NULL;
  CHECK_RC(airisk_issuer_validate_authorization(issuer, query, strlen(query), &pending, &r),
           AIRISK_OK);
  CHECK(pending != NULL && r == NULL, "a pending request, no answer");
  size_t len = 0;
  CHECK_STR(airisk_pending_client_id(pending, &len), "abc123");
  CHECK(len == 6, "client_id length");
  CHECK_STR(airisk_pending_redirect_uri(pending, NULL), "https://localhost/callback");
  CHECK_STR(airisk_pending_userid(pending, NULL), "user_42");
  CHECK_STR(airisk_pending_state(pending, NULL), "s 1");
  CHECK(airisk_pending_client_id(NULL, &len) == NULL && len == 0, "NULL pending");

  char *ticket = NULL;
  CHECK_RC(airisk_issuer_seal_at(issuer, pending, now, &ticket), AIRISK_OK);
  airisk_pending_free(pending);
  pending = NULL;
  CHECK_RC(airisk_issuer_open_ticket_at(issuer, ticket, strlen(ticket), now + 10, &pending, &r),
           AIRISK_OK);
  CHECK(pending != NULL && r == NULL, "the ticket opens");
  CHECK_RC(airisk_issuer_deny(issuer, pending, &r), AIRISK_OK);
  CHECK(airisk_response_status(r) == 302, "deny: 302");
  CHECK(airisk_response_reason(r) == AIRISK_ACCESS_DENIED, "deny: reason");
  const char *location = airisk_response_header(r, "Location", NULL);
  CHECK(location != NULL && strstr(location, "error=access_denied") != NULL &&
            strstr(location, "state=s+1") != NULL && strstr(location, "code=") == NULL,
        "Location %s", location ? location : "(none)");
  airisk_response_free(r);
  r = NULL;
  CHECK_RC(airisk_issuer_approve_at(issuer, pending, now + 11, &r), AIRISK_OK);
  location = airisk_response_header(r, "Location", NULL);
  CHECK(location != NULL && strncmp(location, "https://localhost/callback?code=", 32) == 0,
        "approve: Location %s", location ? location : "(none)");
  airisk_response_free(r);
  airisk_pending_free(pending);

  /* Used once: a second opening, a forged or a random ticket is a 400, never a redirect. */
  const char *bad[] = {ticket, "AAAA", "not a ticket"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pending = NULL;
    r = NULL;
    CHECK_RC(airisk_issuer_open_ticket_at(issuer, bad[i], strlen(bad[i]), now + 12, &pending, &r),
             AIRISK_OK);
    CHECK(pending == NULL && r != NULL && airisk_response_status(r) == 400, "ticket %zu refused", i);
    CHECK(airisk_response_reason(r) == AIRISK_INVALID_TICKET, "ticket %zu: reason", i);
    CHECK(airisk_response_header(r, "Location", NULL) == NULL, "ticket %zu: no redirect", i);
    airisk_response_free(r);
  }
  airisk_string_free(ticket);

  /* Full token request: Basic credentials, JSON errors by Accept. */
  airisk_request req = {0};
  const char *form = "application/x-www-form-urlencoded";
  const char *body = "grant_type=authorization_code&code=x&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback";
  const char *basic = "Basic YWJjMTIzOndyb25n"; /* abc123:wrong */
  const char *accept = "application/json";
  req.content_type = form;
  req.content_type_len = strlen(form);
  req.authorization = basic;
  req.authorization_len = strlen(basic);
  req.accept = accept;
  req.accept_len = strlen(accept);
  req.body = body;
  req.body_len = strlen(body);
  r = NULL;
  CHECK_RC(airisk_issuer_exchange_request_at(issuer, &req, now, &r), AIRISK_OK);
  CHECK(airisk_response_status(r) == 401, "wrong Basic secret: 401");
  CHECK_STR(airisk_response_header(r, "WWW-Authenticate", NULL), "Basic realm=\"" ISS "\"");
  airisk_response_free(r);
  r = (airisk_response *)SENTINEL;
  CHECK_RC(airisk_issuer_exchange_request_at(issuer, NULL, now, &r), AIRISK_INVALID_ARGUMENT);
  CHECK(r == (airisk_response *)SENTINEL, "out untouched");

  airisk_issuer_free(issuer);
  airisk_registry_free(registry);
  airisk_keyset_free(keys);
}

static void test_panic_boundary(void) {
#if defined(AIRISK_TEST_HOOKS)
  CHECK_RC(airisk_test_panic(), AIRISK_INTERNAL);
  CHECK_RC(airisk_test_panic(), AIRISK_INTERNAL);
  /* The library still works after a caught panic. */
  airisk_keyset *keys = load_keys();
  CHECK(keys != NULL, "usable after a panic");
  airisk_keyset_free(keys);
#else
  CHECK(0, "built without AIRISK_TEST_HOOKS: the panic test did not run");
#endif
}

/* What the view reader saw: copies, since the view lives only during the callback. */
struct seen_view {
  int calls;
  char userid[32], iss[64], company_id[32], jti[32];
  int userid_absent, scope_absent;
  uint64_t exp, iat;
  bool has_iat, has_nbf, user_token;
};

static void copy_view_str(char *dst, size_t cap, airisk_str s) {
  size_t n = s.len < cap - 1 ? s.len : cap - 1;
  if (s.ptr) memcpy(dst, s.ptr, n);
  dst[s.ptr ? n : 0] = '\0';
}

static void remember_view(const airisk_claims_view *claims, void *context) {
  struct seen_view *seen = context;
  seen->calls++;
  copy_view_str(seen->userid, sizeof seen->userid, claims->userid);
  copy_view_str(seen->iss, sizeof seen->iss, claims->iss);
  copy_view_str(seen->company_id, sizeof seen->company_id, claims->company_id);
  copy_view_str(seen->jti, sizeof seen->jti, claims->jti);
  seen->userid_absent = claims->userid.ptr == NULL && claims->userid.len == 0;
  seen->scope_absent = claims->scope.ptr == NULL && claims->scope.len == 0;
  seen->exp = claims->exp;
  seen->iat = claims->iat;
  seen->has_iat = claims->has_iat;
  seen->has_nbf = claims->has_nbf;
  seen->user_token = claims->user_token;
}

/* The borrowed view: the same claims and the same refusals as airisk_verifier_verify_at. */
static void test_claims_view(void) {
  airisk_keyset *keys = load_keys();
  char *user = NULL, *generic = NULL;
  CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", "user_42", "acme", NULL, 1000, 3600, "jti-1", &user),
           AIRISK_OK);
  CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", NULL, NULL, NULL, 1000, 3600, "jti-2", &generic),
           AIRISK_OK);
  airisk_verifier *verifier = NULL;
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, AIRISK_DEFAULT_LEEWAY,
                               AIRISK_DEFAULT_MAX_TOKEN_LEN, 0, &verifier),
           AIRISK_OK);
  airisk_keyset_free(keys);

  struct seen_view seen = {0};
  CHECK_RC(airisk_verifier_verify_view_at(verifier, user, strlen(user), 2000, remember_view, &seen),
           AIRISK_OK);
  CHECK(seen.calls == 1, "called once, got %d", seen.calls);
  CHECK_STR(seen.userid, "user_42");
  CHECK_STR(seen.iss, ISS);
  CHECK_STR(seen.company_id, "acme");
  CHECK_STR(seen.jti, "jti-1");
  CHECK(seen.scope_absent, "no scope: NULL, 0");
  CHECK(seen.exp == 4600 && seen.iat == 1000 && seen.has_iat && !seen.has_nbf, "dates");
  CHECK(seen.user_token, "user token");

  memset(&seen, 0, sizeof seen);
  CHECK_RC(airisk_verifier_verify_view_at(verifier, generic, strlen(generic), 2000, remember_view, &seen),
           AIRISK_OK);
  CHECK(seen.calls == 1 && seen.userid_absent && !seen.user_token, "a generic token has no userid");

  /* Refused tokens never reach the reader; the errors are verify_at's. */
  memset(&seen, 0, sizeof seen);
  CHECK_RC(airisk_verifier_verify_view_at(verifier, user, strlen(user), 4600 + 30, remember_view, &seen),
           AIRISK_EXPIRED);
  char *tampered = strdup(user);
  tampered[strlen(tampered) - 2] ^= 1;
  CHECK_RC(airisk_verifier_verify_view_at(verifier, tampered, strlen(tampered), 2000, remember_view, &seen),
           AIRISK_INVALID_SIGNATURE);
  free(tampered);
  CHECK_RC(airisk_verifier_verify_view_at(verifier, user, strlen(user), 2000, NULL, &seen),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_verify_view_at(NULL, user, strlen(user), 2000, remember_view, &seen),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_verify_view_at(verifier, NULL, 5, 2000, remember_view, &seen),
           AIRISK_INVALID_ARGUMENT);
  CHECK(seen.calls == 0, "no call for a refused token, got %d", seen.calls);
  /* The system clock: the token (iat 1000) expired long ago. */
  CHECK_RC(airisk_verifier_verify_view(verifier, user, strlen(user), remember_view, &seen), AIRISK_EXPIRED);

  airisk_verifier_free(verifier);
  airisk_string_free(user);
  airisk_string_free(generic);
}

/* Scopes and custom claims (issue 14): granted at authorize, added at approval,
 * carried into the token, read back, required by a resource. */
#define SCOPED_REGISTRY_JSON                                                  \
  "{\"clients\":[{\"client_id\":\"abc123\",\"client_secret\":\"s3cret-s3cret\"," \
  "\"redirect_uri\":\"https://localhost/callback\","                          \
  "\"scopes\":[\"read:risk\",\"write:risk\"],\"default_scopes\":[\"read:risk\"]}]," \
  "\"users\":[{\"userid\":\"user_42\"}]}"

static void test_scopes_and_claims(void) {
  airisk_keyset *keys = load_keys();
  airisk_registry *registry = NULL;
  CHECK_RC(airisk_registry_from_json(SCOPED_REGISTRY_JSON, strlen(SCOPED_REGISTRY_JSON), &registry),
           AIRISK_OK);
  uint8_t code_key[32];
  for (size_t i = 0; i < sizeof code_key; i++) code_key[i] = (uint8_t)(i * 3 + 9);
  airisk_issuer *issuer = NULL;
  airisk_store *store = NULL;
  CHECK_RC(airisk_store_memory_new(0, &store), AIRISK_OK);
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, 32, ISS, NULL, AIRISK_DEFAULT_CODE_TTL,
                             AIRISK_DEFAULT_TOKEN_TTL, store, &issuer),
           AIRISK_OK);
  airisk_store_free(store);
  const uint64_t now = 1743423132;
  const char *query = "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback"
                      "&userid=user_42&scope=write%3Arisk&state=s1";
  airisk_pending *pending = NULL;
  airisk_response *r = NULL;
  CHECK_RC(airisk_issuer_validate_authorization(issuer, query, strlen(query), &pending, &r),
           AIRISK_OK);
  CHECK(pending != NULL && r == NULL, "a pending request");
  CHECK_STR(airisk_pending_scope(pending, NULL), "write:risk");

  /* Reserved names, non-objects and oversized claims are refused; nothing written. */
  const char *refused[] = {"{\"sub\":\"evil\"}", "{\"scope\":\"admin\"}", "[1]", "{\"role\":", "7"};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    airisk_response *untouched = (airisk_response *)SENTINEL;
    CHECK_RC(airisk_issuer_approve_with_claims_at(issuer, pending, refused[i], strlen(refused[i]),
                                                  now, &untouched),
             AIRISK_INVALID_CLAIMS);
    CHECK(untouched == (airisk_response *)SENTINEL, "claims %zu: out untouched", i);
  }
  const char *claims_json = "{\"role\":\"admin\",\"tenant\":{\"id\":7}}";
  CHECK_RC(airisk_issuer_approve_with_claims_at(issuer, pending, claims_json, strlen(claims_json),
                                                now, &r),
           AIRISK_OK);
  const char *location = airisk_response_header(r, "Location", NULL);
  char code[8192] = "";
  CHECK(location != NULL && query_param(location, "code", code, sizeof code), "a code");
  CHECK(strlen(code) > 56, "a version 2 code carries the scope and claims");
  airisk_response_free(r);
  airisk_pending_free(pending);

  char body[9000];
  snprintf(body, sizeof body,
           "client_id=abc123&client_secret=s3cret-s3cret&redirect_uri=https%%3A%%2F%%2Flocalhost"
           "%%2Fcallback&code=%s&userid=user_42",
           code);
  const char *form = "application/x-www-form-urlencoded";
  r = NULL;
  CHECK_RC(airisk_issuer_exchange_at(issuer, form, strlen(form), body, strlen(body), now + 5, &r),
           AIRISK_OK);
  CHECK(airisk_response_status(r) == 200, "status %u", airisk_response_status(r));
  const char *json = airisk_response_body(r, NULL);
  CHECK(json != NULL && strstr(json, ",\"scope\":\"write:risk\"}") != NULL, "%s", json ? json : "");
  char token[4096] = "";
  const char *at = json ? strstr(json, "\"access_token\":\"") : NULL;
  if (at != NULL) {
    at += strlen("\"access_token\":\"");
    size_t n = strcspn(at, "\"");
    if (n < sizeof token) {
      memcpy(token, at, n);
      token[n] = '\0';
    }
  }
  airisk_response_free(r);

  airisk_verifier *verifier = NULL;
  CHECK_RC(airisk_issuer_verifier(issuer, &verifier), AIRISK_OK);
  airisk_claims *claims = NULL;
  CHECK_RC(airisk_verifier_verify_at(verifier, token, strlen(token), now + 6, &claims), AIRISK_OK);
  size_t len = 0;
  CHECK_STR(airisk_claims_get_json(claims, "role", 4, &len), "\"admin\"");
  CHECK(len == 7, "role length");
  CHECK_STR(airisk_claims_get_json(claims, "tenant", 6, NULL), "{\"id\":7}");
  CHECK(airisk_claims_get_json(claims, "nope", 4, &len) == NULL && len == 0, "absent claim");
  CHECK(airisk_claims_get_json(claims, "sub", 3, NULL) == NULL, "registered claims have accessors");
  CHECK(airisk_claims_get_json(NULL, "role", 4, NULL) == NULL, "NULL claims");
  CHECK_STR(airisk_claims_scope(claims, NULL), "write:risk");
  char scope[32];
  CHECK_RC(airisk_claims_copy(claims, AIRISK_CLAIM_SCOPE, scope, sizeof scope), AIRISK_OK);
  CHECK_STR(scope, "write:risk");
  airisk_claims_free(claims);

  char authorization[4200];
  snprintf(authorization, sizeof authorization, "Bearer %s", token);
  const char *need = "write:risk";
  claims = NULL;
  r = NULL;
  CHECK_RC(airisk_verifier_check_bearer_scopes_at(verifier, authorization, strlen(authorization),
                                                  AIRISK_ACCESS_USER, need, strlen(need), now + 7,
                                                  &claims, &r),
           AIRISK_OK);
  CHECK(claims != NULL && r == NULL, "the scope is granted");
  CHECK_STR(airisk_claims_get_json(claims, "role", 4, NULL), "\"admin\"");
  airisk_claims_free(claims);
  need = "read:risk write:risk";
  claims = NULL;
  CHECK_RC(airisk_verifier_check_bearer_scopes_at(verifier, authorization, strlen(authorization),
                                                  AIRISK_ACCESS_ANY, need, strlen(need), now + 7,
                                                  &claims, &r),
           AIRISK_OK);
  CHECK(claims == NULL && r != NULL && airisk_response_status(r) == 403, "a scope is missing: 403");
  CHECK_RC(airisk_response_reason(r), AIRISK_INSUFFICIENT_SCOPE);
  CHECK_STR(airisk_response_header(r, "WWW-Authenticate", NULL),
            "Bearer error=\"insufficient_scope\", scope=\"read:risk write:risk\"");
  airisk_response_free(r);

  /* A scope not granted: the error redirect, with state. */
  const char *unknown = "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback"
                        "&scope=delete&state=s1";
  r = NULL;
  CHECK_RC(airisk_issuer_authorize_at(issuer, unknown, strlen(unknown), now, &r), AIRISK_OK);
  CHECK(airisk_response_status(r) == 302, "invalid_scope: 302");
  CHECK_RC(airisk_response_reason(r), AIRISK_INVALID_SCOPE);
  location = airisk_response_header(r, "Location", NULL);
  CHECK(location != NULL && strstr(location, "error=invalid_scope") != NULL &&
            strstr(location, "state=s1") != NULL,
        "Location %s", location ? location : "(none)");
  airisk_response_free(r);

  airisk_verifier_free(verifier);
  airisk_issuer_free(issuer);
  airisk_registry_free(registry);
  airisk_keyset_free(keys);
}

/* Issue 17.5: a refused token names the claim at fault in airisk_last_error_detail(),
 * through every verify form, and airisk_verifier_explain_at() names it on request. */
static void test_refusals_name_the_claim(void) {
  airisk_keyset *keys = load_keys();
  char *no_client = NULL, *no_user = NULL, *bad_exp = NULL, *valid = NULL;
  const char *no_client_json =
      "{\"iss\":\"" ISS "\",\"sub\":\"abc123\",\"aud\":[],\"client_id\":null,"
      "\"user_token\":false,\"company_id\":null,\"iat\":1000,\"nbf\":null,"
      "\"exp\":4600,\"jti\":\"jti-1\"}";
  CHECK_RC(airisk_keyset_mint_json(keys, no_client_json, strlen(no_client_json), &no_client),
           AIRISK_OK);
  /* A user token without its userid (carried as `sub`). */
  const char *header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}";
  const char *no_user_json =
      "{\"iss\":\"" ISS "\",\"client_id\":\"abc123\",\"user_token\":true,"
      "\"iat\":1000,\"exp\":4600,\"jti\":\"jti-2\"}";
  CHECK_RC(airisk_dangerous_sign_jws(keys, header, strlen(header), no_user_json,
                                     strlen(no_user_json), &no_user),
           AIRISK_OK);
  const char *bad_exp_json =
      "{\"iss\":\"" ISS "\",\"sub\":\"abc123\",\"client_id\":\"abc123\",\"user_token\":false,"
      "\"iat\":1000,\"exp\":\"4600\",\"jti\":\"jti-3\"}";
  CHECK_RC(airisk_dangerous_sign_jws(keys, header, strlen(header), bad_exp_json,
                                     strlen(bad_exp_json), &bad_exp),
           AIRISK_OK);
  CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", NULL, NULL, NULL, 1000, 3600, "jti-4", &valid),
           AIRISK_OK);
  airisk_verifier *verifier = NULL;
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, AIRISK_DEFAULT_LEEWAY,
                               AIRISK_DEFAULT_MAX_TOKEN_LEN, 0, &verifier),
           AIRISK_OK);
  airisk_keyset_free(keys);

  airisk_claims *claims = (airisk_claims *)SENTINEL;
  CHECK_RC(airisk_verifier_verify_at(verifier, no_client, strlen(no_client), 2000, &claims),
           AIRISK_MISSING_CLAIM);
  CHECK_STR(airisk_last_error_detail(), "the token lacks a required claim: `client_id`");
  CHECK_RC(airisk_verifier_verify(verifier, no_user, strlen(no_user), &claims),
           AIRISK_MISSING_CLAIM);
  CHECK_STR(airisk_last_error_detail(), "the token lacks a required claim: `sub`");
  CHECK_RC(airisk_verifier_verify_at(verifier, bad_exp, strlen(bad_exp), 2000, &claims),
           AIRISK_MALFORMED_CLAIMS);
  CHECK_STR(airisk_last_error_detail(), "the token claims are malformed: `exp`");
  CHECK(claims == (airisk_claims *)SENTINEL, "out untouched by every refusal");
  /* A success leaves the detail as it is; a refusal about no claim empties it. */
  CHECK_RC(airisk_verifier_verify_at(verifier, valid, strlen(valid), 2000, &claims), AIRISK_OK);
  airisk_claims_free(claims);
  CHECK_STR(airisk_last_error_detail(), "the token claims are malformed: `exp`");
  CHECK_RC(airisk_verifier_verify_at(verifier, valid, strlen(valid), 9000, &claims), AIRISK_EXPIRED);
  CHECK_STR(airisk_last_error_detail(), "");

  /* The borrowed-view forms record the same detail. */
  struct seen_view seen = {0};
  CHECK_RC(airisk_verifier_verify_view_at(verifier, no_client, strlen(no_client), 2000,
                                          remember_view, &seen),
           AIRISK_MISSING_CLAIM);
  CHECK_STR(airisk_last_error_detail(), "the token lacks a required claim: `client_id`");
  CHECK_RC(airisk_verifier_verify_view(verifier, bad_exp, strlen(bad_exp), remember_view, &seen),
           AIRISK_MALFORMED_CLAIMS);
  CHECK_STR(airisk_last_error_detail(), "the token claims are malformed: `exp`");
  CHECK(seen.calls == 0, "no callback for a refused token");

  /* On request, for a token verified elsewhere. */
  uint32_t refusal = 12345;
  char *claim = (char *)SENTINEL;
  CHECK_RC(airisk_verifier_explain_at(verifier, no_client, strlen(no_client), 2000, &refusal, &claim),
           AIRISK_OK);
  CHECK(refusal == AIRISK_MISSING_CLAIM, "refusal %u", refusal);
  CHECK_STR(claim, "client_id");
  airisk_string_free(claim);
  CHECK_RC(airisk_verifier_explain_at(verifier, bad_exp, strlen(bad_exp), 2000, &refusal, &claim),
           AIRISK_OK);
  CHECK(refusal == AIRISK_MALFORMED_CLAIMS, "refusal %u", refusal);
  CHECK_STR(claim, "exp");
  airisk_string_free(claim);
  CHECK_RC(airisk_verifier_explain_at(verifier, valid, strlen(valid), 9000, &refusal, &claim),
           AIRISK_OK);
  CHECK(refusal == AIRISK_EXPIRED && claim == NULL, "expired, no claim at fault");
  CHECK_RC(airisk_verifier_explain_at(verifier, valid, strlen(valid), 2000, &refusal, &claim),
           AIRISK_OK);
  CHECK(refusal == AIRISK_OK && claim == NULL, "a valid token has no refusal");
  refusal = 12345;
  claim = (char *)SENTINEL;
  CHECK_RC(airisk_verifier_explain_at(verifier, valid, strlen(valid), 2000, NULL, &claim),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_explain_at(verifier, valid, strlen(valid), 2000, &refusal, NULL),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_verifier_explain_at(NULL, valid, strlen(valid), 2000, &refusal, &claim),
           AIRISK_INVALID_ARGUMENT);
  CHECK(refusal == 12345 && claim == (char *)SENTINEL, "out-params untouched on failure");

  /* The bearer check's refusal names the claim too (airisk_response_claim), for logs. */
  {
    char header[2048];
    snprintf(header, sizeof header, "Bearer %s", no_client);
    airisk_claims *allowed = NULL;
    airisk_response *answer = NULL;
    CHECK_RC(airisk_verifier_check_bearer_at(verifier, header, strlen(header), AIRISK_ACCESS_ANY,
                                             2000, &allowed, &answer),
             AIRISK_OK);
    CHECK(allowed == NULL && answer != NULL, "refused");
    CHECK(airisk_response_status(answer) == 401, "401");
    CHECK(airisk_response_reason(answer) == AIRISK_MISSING_CLAIM, "reason");
    size_t len = 0;
    CHECK_STR(airisk_response_claim(answer, &len), "client_id");
    CHECK(len == 9, "claim length %zu", len);
    airisk_response_free(answer);
    snprintf(header, sizeof header, "Bearer %s", valid);
    answer = NULL;
    CHECK_RC(airisk_verifier_check_bearer_at(verifier, header, strlen(header), AIRISK_ACCESS_ANY,
                                             9000, &allowed, &answer),
             AIRISK_OK);
    CHECK(airisk_response_reason(answer) == AIRISK_EXPIRED, "expired");
    len = 7;
    CHECK(airisk_response_claim(answer, &len) == NULL && len == 0, "no claim at fault");
    airisk_response_free(answer);
    CHECK(airisk_response_claim(NULL, NULL) == NULL, "NULL response");
  }

  airisk_verifier_free(verifier);
  airisk_string_free(no_client);
  airisk_string_free(no_user);
  airisk_string_free(bad_exp);
  airisk_string_free(valid);
}

int main(void) {
  test_version_and_results();
  test_free_null_is_a_no_op();
  test_keyset_loading();
  test_mint_verify_and_claims();
  test_claims_view();
  test_refusals_name_the_claim();
  test_policy();
  test_flow_round_trip();
  test_a_secret_of_the_wrong_type_is_not_echoed();
  test_consent();
  test_scopes_and_claims();
  test_panic_boundary();
  return check_report("test_api");
}
