/* Keys made in code (issue 17.7): an HS256 key from a raw secret (an
 * environment variable's bytes), generated HS256 and Ed25519 keys, the
 * key-set builder, and the export of a set as private JSON and public JWKS.
 * Every token minted here is checked by a verifier, and every refusal leaves
 * the out-parameter untouched. */
#define _POSIX_C_SOURCE 200809L
#include "airisk_auth.h"
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ISS "https://airisk.example"
/* 32 bytes; its base64url is SECRET_B64. */
#define SECRET "0123456789abcdef0123456789abcdef"
#define SECRET_B64 "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"

/* A sentinel a refused call must leave in its out-parameter. */
static airisk_keyset *const UNTOUCHED = (airisk_keyset *)(uintptr_t)0x1;

/* Mints a user token for user_42 with `keys`; NULL when refused (the code goes to `*rc`). */
static char *mint(const airisk_keyset *keys, airisk_result *rc) {
  char *token = NULL;
  *rc = airisk_keyset_mint(keys, ISS, "abc123", "user_42", NULL, NULL, (uint64_t)time(NULL), 600,
                           "jti-1", &token);
  return token;
}

/* Whether `verify_with` accepts `token` as user_42's. */
static int verifies(const airisk_keyset *verify_with, const char *token) {
  airisk_verifier *verifier = NULL;
  airisk_claims *claims = NULL;
  int ok = 0;
  if (airisk_verifier_new(verify_with, ISS, NULL, AIRISK_DEFAULT_LEEWAY,
                          AIRISK_DEFAULT_MAX_TOKEN_LEN, 0, &verifier) == AIRISK_OK &&
      airisk_verifier_verify(verifier, token, strlen(token), &claims) == AIRISK_OK) {
    const char *userid = airisk_claims_userid(claims, NULL);
    ok = userid != NULL && strcmp(userid, "user_42") == 0;
  }
  airisk_claims_free(claims);
  airisk_verifier_free(verifier);
  return ok;
}

static void a_secret_from_an_environment_variable(void) {
  /* As a service gets it: the text of a variable, used as the key's bytes. */
  CHECK(setenv("AIRISK_TEST_HS256_SECRET", SECRET, 1) == 0, "setenv");
  const char *secret = getenv("AIRISK_TEST_HS256_SECRET");
  CHECK(secret != NULL, "getenv");
  if (secret == NULL) return;
  airisk_keyset *keys = NULL;
  CHECK_RC(airisk_keyset_from_hs256_secret((const uint8_t *)secret, strlen(secret), "env", &keys),
           AIRISK_OK);
  airisk_result rc;
  char *token = mint(keys, &rc);
  CHECK_RC(rc, AIRISK_OK);
  CHECK(token != NULL && verifies(keys, token), "a token of the secret's key verifies");

  /* The key is the raw bytes: the same secret written as a JWK verifies the token. */
  const char *jwks = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"env\",\"alg\":\"HS256\",\"k\":\"" SECRET_B64
                     "\"}]}";
  airisk_keyset *as_jwk = NULL;
  CHECK_RC(airisk_keyset_from_json(jwks, strlen(jwks), &as_jwk), AIRISK_OK);
  CHECK(token != NULL && verifies(as_jwk, token), "the JWK of the same bytes verifies it");

  /* Exported with its secret, and never in the public forms. */
  char *private_json = NULL, *public_json = NULL, *public_jwks = NULL;
  CHECK_RC(airisk_keyset_to_json(keys, true, &private_json), AIRISK_OK);
  CHECK(private_json != NULL && strstr(private_json, "\"k\":\"" SECRET_B64 "\"") != NULL &&
            strstr(private_json, "\"active_kid\":\"env\"") != NULL,
        "the private export holds the secret and the active kid: %s", private_json);
  CHECK_RC(airisk_keyset_to_json(keys, false, &public_json), AIRISK_OK);
  CHECK_RC(airisk_keyset_to_jwks(keys, &public_jwks), AIRISK_OK);
  CHECK(public_json != NULL && strstr(public_json, SECRET_B64) == NULL &&
            strstr(public_json, "active_kid") == NULL,
        "no secret and no active kid: %s", public_json);
  CHECK_STR(public_jwks, "{\"keys\":[]}");
  airisk_keyset *reloaded = NULL;
  CHECK_RC(airisk_keyset_from_json(private_json, strlen(private_json), &reloaded), AIRISK_OK);
  CHECK(token != NULL && verifies(reloaded, token), "the private export loads back");

  /* Without a kid: the only key of its set, still active. */
  airisk_keyset *no_kid = NULL;
  CHECK_RC(airisk_keyset_from_hs256_secret((const uint8_t *)secret, strlen(secret), NULL, &no_kid),
           AIRISK_OK);
  char *token2 = mint(no_kid, &rc);
  CHECK_RC(rc, AIRISK_OK);
  CHECK(token2 != NULL && verifies(no_kid, token2), "a kid-less key signs and verifies");

  airisk_string_free(token2);
  airisk_keyset_free(no_kid);
  airisk_keyset_free(reloaded);
  airisk_string_free(public_jwks);
  airisk_string_free(public_json);
  airisk_string_free(private_json);
  airisk_keyset_free(as_jwk);
  airisk_string_free(token);
  airisk_keyset_free(keys);
}

static void weak_and_bad_secrets_are_refused(void) {
  static uint8_t big[1025];
  memset(big, 'x', sizeof big);
  airisk_keyset *keys = UNTOUCHED;
  CHECK_RC(airisk_keyset_from_hs256_secret((const uint8_t *)SECRET, 31, "k", &keys), AIRISK_WEAK_KEY);
  CHECK_RC(airisk_keyset_from_hs256_secret((const uint8_t *)SECRET, 0, "k", &keys), AIRISK_WEAK_KEY);
  CHECK_RC(airisk_keyset_from_hs256_secret(big, sizeof big, "k", &keys), AIRISK_INVALID_KEY);
  CHECK_RC(airisk_keyset_from_hs256_secret(NULL, 32, "k", &keys), AIRISK_INVALID_ARGUMENT);
  /* An unset variable (getenv gave NULL, so no bytes) is a weak key, not a crash. */
  CHECK_RC(airisk_keyset_from_hs256_secret(NULL, 0, "k", &keys), AIRISK_WEAK_KEY);
  CHECK_RC(airisk_keyset_from_hs256_secret((const uint8_t *)SECRET, 32, "", &keys), AIRISK_INVALID_KEY);
  CHECK_RC(airisk_keyset_from_hs256_secret((const uint8_t *)SECRET, 32, "\xff", &keys),
           AIRISK_INVALID_ARGUMENT);
  CHECK(keys == UNTOUCHED, "refusals leave *out untouched");
  CHECK_RC(airisk_keyset_from_hs256_secret((const uint8_t *)SECRET, 32, "k", NULL),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_keyset_from_hs256_secret(big, 1024, "k", &keys), AIRISK_OK);
  CHECK(keys != UNTOUCHED, "1024 bytes is the largest secret");
  if (keys != UNTOUCHED) airisk_keyset_free(keys);
  CHECK_RC(airisk_keyset_to_json(NULL, true, &(char *){NULL}), AIRISK_INVALID_ARGUMENT);
}

static void generated_keys_in_a_builder(void) {
  airisk_keyset_builder *builder = NULL;
  CHECK_RC(airisk_keyset_builder_new(&builder), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_generate_ed25519(builder, "ed-2026-12"), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_generate_hs256(builder, "hs-2026-12"), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_add_hs256_secret(builder, "env", (const uint8_t *)SECRET, 32),
           AIRISK_OK);
  /* Each refusal leaves the builder as it was. */
  CHECK_RC(airisk_keyset_builder_generate_hs256(builder, "env"), AIRISK_DUPLICATE_KEY_ID);
  CHECK_RC(airisk_keyset_builder_add_hs256_secret(builder, NULL, (const uint8_t *)SECRET, 32),
           AIRISK_DUPLICATE_KEY_ID);
  CHECK_RC(airisk_keyset_builder_add_hs256_secret(builder, "weak", (const uint8_t *)SECRET, 16),
           AIRISK_WEAK_KEY);
  CHECK_RC(airisk_keyset_builder_generate_ed25519(builder, ""), AIRISK_INVALID_KEY);
  CHECK_RC(airisk_keyset_builder_generate_ed25519(builder, NULL), AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_keyset_builder_add_jwk(builder, "{}", 2), AIRISK_INVALID_KEY);
  CHECK_RC(airisk_keyset_builder_generate_hs256(NULL, "x"), AIRISK_INVALID_ARGUMENT);

  /* An unknown active kid: refused by build, which keeps the keys. */
  airisk_keyset *keys = UNTOUCHED;
  CHECK_RC(airisk_keyset_builder_set_active(builder, "nope"), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_build(builder, &keys), AIRISK_UNKNOWN_KEY_ID);
  CHECK(keys == UNTOUCHED, "a refused build leaves *out untouched");
  CHECK_RC(airisk_keyset_builder_set_active(builder, "ed-2026-12"), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_build(builder, &keys), AIRISK_OK);
  CHECK(keys != UNTOUCHED, "built");
  if (keys == UNTOUCHED) return;

  airisk_result rc;
  char *token = mint(keys, &rc);
  CHECK_RC(rc, AIRISK_OK);
  CHECK(token != NULL && strncmp(token, "eyJhbGciOiJFZERTQSIs", 20) == 0,
        "the active Ed25519 key signs: %s", token ? token : "(null)");
  CHECK(token != NULL && verifies(keys, token), "and its token verifies");

  /* The public JWKS: the Ed25519 key only, loadable by another verifier. */
  char *jwks = NULL;
  CHECK_RC(airisk_keyset_to_jwks(keys, &jwks), AIRISK_OK);
  CHECK(jwks != NULL && strstr(jwks, "\"kid\":\"ed-2026-12\"") != NULL && strstr(jwks, "hs-") == NULL &&
            strstr(jwks, "\"d\"") == NULL,
        "public JWKS: %s", jwks ? jwks : "(null)");
  airisk_keyset *public_keys = NULL;
  CHECK_RC(airisk_keyset_from_json(jwks, strlen(jwks), &public_keys), AIRISK_OK);
  CHECK(token != NULL && verifies(public_keys, token), "the public JWKS verifies the token");
  char *refused = NULL;
  CHECK_RC(airisk_keyset_mint(public_keys, ISS, "abc123", NULL, NULL, NULL, 1000, 60, "j", &refused),
           AIRISK_NO_SIGNING_KEY);

  /* The private export keeps all three keys and the active one. */
  char *all = NULL;
  CHECK_RC(airisk_keyset_to_json(keys, true, &all), AIRISK_OK);
  airisk_keyset *reloaded = NULL;
  CHECK_RC(airisk_keyset_from_json(all, strlen(all), &reloaded), AIRISK_OK);
  CHECK(all != NULL && strstr(all, "\"active_kid\":\"ed-2026-12\"") != NULL &&
            strstr(all, "\"kid\":\"hs-2026-12\"") != NULL && strstr(all, SECRET_B64) != NULL,
        "private export: %s", all ? all : "(null)");
  char *token2 = mint(reloaded, &rc);
  CHECK(token2 != NULL && verifies(keys, token2), "the reloaded set signs as the original");

  /* The builder is empty after build: a second set has no keys, so no signer. */
  airisk_keyset *empty = NULL;
  CHECK_RC(airisk_keyset_builder_build(builder, &empty), AIRISK_OK);
  char *none = mint(empty, &rc);
  CHECK_RC(rc, AIRISK_NO_SIGNING_KEY);
  CHECK(none == NULL, "no token");

  airisk_keyset_free(empty);
  airisk_string_free(token2);
  airisk_keyset_free(reloaded);
  airisk_string_free(all);
  airisk_keyset_free(public_keys);
  airisk_string_free(jwks);
  airisk_string_free(token);
  airisk_keyset_free(keys);
  airisk_keyset_builder_free(builder);
}

static void generated_keys_differ_and_the_only_signer_is_active(void) {
  char *exported[2] = {NULL, NULL};
  for (int i = 0; i < 2; i++) {
    airisk_keyset_builder *builder = NULL;
    airisk_keyset *keys = NULL;
    CHECK_RC(airisk_keyset_builder_new(&builder), AIRISK_OK);
    CHECK_RC(airisk_keyset_builder_generate_hs256(builder, "k"), AIRISK_OK);
    CHECK_RC(airisk_keyset_builder_build(builder, &keys), AIRISK_OK);
    CHECK_RC(airisk_keyset_to_json(keys, true, &exported[i]), AIRISK_OK);
    airisk_result rc;
    char *token = mint(keys, &rc);
    CHECK(token != NULL && verifies(keys, token), "the one generated key is active");
    airisk_string_free(token);
    airisk_keyset_free(keys);
    airisk_keyset_builder_free(builder);
  }
  CHECK(exported[0] && exported[1] && strcmp(exported[0], exported[1]) != 0,
        "two generated keys differ");
  airisk_string_free(exported[0]);
  airisk_string_free(exported[1]);

  /* Two signers and no choice: the set verifies but has no active key, as from_json. */
  airisk_keyset_builder *builder = NULL;
  airisk_keyset *keys = NULL;
  CHECK_RC(airisk_keyset_builder_new(&builder), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_generate_hs256(builder, "a"), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_generate_ed25519(builder, "b"), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_build(builder, &keys), AIRISK_OK);
  airisk_result rc;
  char *token = mint(keys, &rc);
  CHECK_RC(rc, AIRISK_NO_SIGNING_KEY);
  airisk_string_free(token);
  airisk_keyset_free(keys);
  airisk_keyset_builder_free(builder);
  airisk_keyset_builder_free(NULL);
}

int main(void) {
  a_secret_from_an_environment_variable();
  weak_and_bad_secrets_are_refused();
  generated_keys_in_a_builder();
  generated_keys_differ_and_the_only_signer_is_active();
  return check_report("test_keys");
}
