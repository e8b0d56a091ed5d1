/* A ledger kept by the application (airisk_store_callbacks), plugged into
 * issuers: an in-memory store behind a mutex, standing for a store shared by
 * several instances of a service. Checks single use through the whole flow and
 * across two issuers sharing the store, the revocation of a replayed code's
 * token, exactly one winner among concurrent redemptions, fail-closed answers
 * when a callback fails or does not answer, and that `release` is called once,
 * after the last issuer or verifier using the ledger is freed. */
#define _POSIX_C_SOURCE 200809L
#include "airisk_auth.h"
#include "check.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISS "https://airisk.example"
#define KEYSET_JSON                                                           \
  "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"alg\":\"HS256\","             \
  "\"k\":\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA\"}]}"
#define REGISTRY_JSON                                                         \
  "{\"clients\":[{\"client_id\":\"abc123\",\"client_secret\":\"s3cret-s3cret\"," \
  "\"redirect_uri\":\"https://localhost/callback\"}],"                        \
  "\"users\":[{\"userid\":\"user_42\",\"company_id\":\"acme\"}]}"
#define FORM "application/x-www-form-urlencoded"
#define NOW UINT64_C(1743423132)
#define CODE_TTL 60
#define TOKEN_TTL 3600
#define CAPACITY 256
#define THREADS 8
#define ROUNDS 20

static void *const SENTINEL = (void *)&check_passed;

/* How a callback of the store behaves (set per callback by the test). */
typedef enum {
  ANSWER,          /* does its job and returns 0 */
  FAIL,            /* returns 1: the store is unreachable */
  FULL,            /* returns AIRISK_LEDGER_FULL */
  SILENT,          /* returns 0 without writing its out-value */
  GARBAGE          /* returns 0 and writes a value that means nothing */
} mode;

typedef struct {
  pthread_mutex_t lock;
  int refs; /* issuers holding this store; freed by the last release */
  size_t codes;
  struct {
    uint8_t id[16];
    uint64_t until;
  } code[CAPACITY];
  size_t jtis;
  struct {
    char jti[64];
    size_t len;
    uint64_t until;
  } jti[CAPACITY];
  mode redeem_mode, revoke_mode, is_revoked_mode;
  int redeem_calls, revoke_calls, is_revoked_calls;
  uint64_t last_expires_at, last_until;
} store;

/* Calls of `release`, over the whole run. */
static int releases;
static pthread_mutex_t releases_lock = PTHREAD_MUTEX_INITIALIZER;

static store *store_new(int refs) {
  store *s = calloc(1, sizeof *s);
  if (s == NULL) abort();
  pthread_mutex_init(&s->lock, NULL);
  s->refs = refs;
  return s;
}

static uint32_t status_of(mode m) {
  switch (m) {
    case FAIL: return 1;
    case FULL: return AIRISK_LEDGER_FULL;
    default: return 0;
  }
}

static uint32_t store_redeem(void *user_data, const uint8_t *code_id, uint64_t expires_at,
                             uint64_t now, uint32_t *redemption) {
  store *s = user_data;
  uint32_t rc = 0;
  pthread_mutex_lock(&s->lock);
  s->redeem_calls++;
  s->last_expires_at = expires_at;
  if (s->redeem_mode != ANSWER) {
    if (s->redeem_mode == GARBAGE) *redemption = 7;
    rc = status_of(s->redeem_mode);
    goto out;
  }
  for (size_t i = 0; i < s->codes; i++) {
    if (memcmp(s->code[i].id, code_id, 16) == 0 && s->code[i].until > now) {
      *redemption = AIRISK_REDEMPTION_REPLAYED;
      goto out;
    }
  }
  if (s->codes == CAPACITY) {
    rc = AIRISK_LEDGER_FULL;
    goto out;
  }
  memcpy(s->code[s->codes].id, code_id, 16);
  s->code[s->codes].until = expires_at;
  s->codes++;
  *redemption = AIRISK_REDEMPTION_FIRST;
out:
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static uint32_t store_revoke(void *user_data, const char *jti, size_t jti_len, uint64_t until,
                             uint64_t now) {
  store *s = user_data;
  uint32_t rc = 0;
  (void)now;
  pthread_mutex_lock(&s->lock);
  s->revoke_calls++;
  s->last_until = until;
  if (s->revoke_mode != ANSWER) {
    rc = status_of(s->revoke_mode);
  } else if (s->jtis == CAPACITY || jti_len >= sizeof s->jti[0].jti) {
    rc = AIRISK_LEDGER_FULL;
  } else {
    memcpy(s->jti[s->jtis].jti, jti, jti_len);
    s->jti[s->jtis].jti[jti_len] = '\0';
    s->jti[s->jtis].len = jti_len;
    s->jti[s->jtis].until = until;
    s->jtis++;
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static uint32_t store_is_revoked(void *user_data, const char *jti, size_t jti_len, uint64_t now,
                                 uint32_t *revoked) {
  store *s = user_data;
  uint32_t rc = 0;
  pthread_mutex_lock(&s->lock);
  s->is_revoked_calls++;
  if (s->is_revoked_mode != ANSWER) {
    if (s->is_revoked_mode == GARBAGE) *revoked = 3;
    rc = status_of(s->is_revoked_mode);
    goto out;
  }
  *revoked = AIRISK_JTI_NOT_REVOKED;
  for (size_t i = 0; i < s->jtis; i++) {
    if (s->jti[i].len == jti_len && memcmp(s->jti[i].jti, jti, jti_len) == 0 &&
        s->jti[i].until > now) {
      *revoked = AIRISK_JTI_REVOKED;
    }
  }
out:
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static void store_release(void *user_data) {
  store *s = user_data;
  pthread_mutex_lock(&releases_lock);
  releases++;
  pthread_mutex_unlock(&releases_lock);
  pthread_mutex_lock(&s->lock);
  int left = --s->refs;
  pthread_mutex_unlock(&s->lock);
  if (left == 0) {
    pthread_mutex_destroy(&s->lock);
    free(s);
  }
}

static int release_count(void) {
  pthread_mutex_lock(&releases_lock);
  int n = releases;
  pthread_mutex_unlock(&releases_lock);
  return n;
}

static void set_modes(store *s, mode redeem, mode revoke, mode is_revoked) {
  pthread_mutex_lock(&s->lock);
  s->redeem_mode = redeem;
  s->revoke_mode = revoke;
  s->is_revoked_mode = is_revoked;
  pthread_mutex_unlock(&s->lock);
}

static airisk_store_callbacks callbacks_for(store *s) {
  airisk_store_callbacks cb;
  memset(&cb, 0, sizeof cb); /* the optional members (lifecycle groups): absent */
  cb.user_data = s;
  cb.redeem = store_redeem;
  cb.revoke = store_revoke;
  cb.is_revoked = store_is_revoked;
  cb.release = store_release;
  return cb;
}

/* ---------------------------------------------------------------------------
 * The flow
 * ------------------------------------------------------------------------- */

static airisk_keyset *keys;
static airisk_registry *registry;
static uint8_t code_key[32];

/* An issuer on a store of its own made of `cb` (one release per such store), whose
 * handle is freed at once: the issuer keeps the store alive. */
static airisk_issuer *issuer_with(const airisk_store_callbacks *cb) {
  airisk_store *st = NULL;
  airisk_issuer *issuer = NULL;
  CHECK_RC(airisk_store_callbacks_new(cb, &st), AIRISK_OK);
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, sizeof code_key, ISS, NULL, CODE_TTL,
                             TOKEN_TTL, st, &issuer),
           AIRISK_OK);
  airisk_store_free(st);
  return issuer;
}

/* A fresh code for user_42 at `now`, as the form body of its exchange. */
static void exchange_body(airisk_issuer *issuer, uint64_t now, char *body, size_t cap) {
  const char *query =
      "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42";
  airisk_response *r = NULL;
  CHECK_RC(airisk_issuer_authorize_at(issuer, query, strlen(query), now, &r), AIRISK_OK);
  CHECK(airisk_response_status(r) == 302, "authorize: status %u", airisk_response_status(r));
  const char *location = airisk_response_header(r, "Location", NULL);
  const char *code = location ? strstr(location, "code=") : NULL;
  CHECK(code != NULL, "a code in %s", location ? location : "(no Location)");
  snprintf(body, cap,
           "client_id=abc123&client_secret=s3cret-s3cret&redirect_uri=https%%3A%%2F%%2Flocalhost"
           "%%2Fcallback&userid=user_42&%.*s",
           code ? (int)strcspn(code, "&") : 0, code ? code : "");
  airisk_response_free(r);
}

typedef struct {
  unsigned status;
  uint32_t reason;
  char token[1024]; /* the access token of a 200, else "" */
} outcome;

static outcome exchange(airisk_issuer *issuer, const char *body, uint64_t now) {
  outcome o = {0, 0, ""};
  airisk_response *r = NULL;
  if (airisk_issuer_exchange_at(issuer, FORM, strlen(FORM), body, strlen(body), now, &r) ==
      AIRISK_OK) {
    o.status = airisk_response_status(r);
    o.reason = airisk_response_reason(r);
    const char *json = airisk_response_body(r, NULL);
    const char *at = json ? strstr(json, "\"access_token\":\"") : NULL;
    if (at != NULL) {
      at += strlen("\"access_token\":\"");
      size_t n = strcspn(at, "\"");
      if (n < sizeof o.token) {
        memcpy(o.token, at, n);
        o.token[n] = '\0';
      }
    }
  }
  airisk_response_free(r);
  return o;
}

/* A bearer check of `token`: its status (200 when allowed) and reason; the jti
 * of allowed claims goes to `jti` when not NULL. */
static unsigned bearer(const airisk_verifier *v, const char *token, uint64_t now, uint32_t *reason,
                       char *jti, size_t jti_cap) {
  char authorization[1100];
  snprintf(authorization, sizeof authorization, "Bearer %s", token);
  airisk_claims *claims = NULL;
  airisk_response *r = NULL;
  unsigned status = 0;
  *reason = AIRISK_INTERNAL;
  if (airisk_verifier_check_bearer_at(v, authorization, strlen(authorization), AIRISK_ACCESS_USER, now,
                             &claims, &r) == AIRISK_OK) {
    if (claims != NULL) {
      status = 200;
      *reason = AIRISK_OK;
      if (jti != NULL) CHECK_RC(airisk_claims_copy(claims, AIRISK_CLAIM_JTI, jti, jti_cap), AIRISK_OK);
    } else {
      status = airisk_response_status(r);
      *reason = airisk_response_reason(r);
    }
  }
  airisk_claims_free(claims);
  airisk_response_free(r);
  return status;
}

/* First use, replay, revocation, and release after the last handle. */
static void test_single_use_and_revocation(void) {
  int released_before = release_count();
  store *s = store_new(1);
  airisk_store_callbacks cb = callbacks_for(s);
  airisk_issuer *issuer = issuer_with(&cb);
  airisk_verifier *verifier = NULL;
  CHECK_RC(airisk_issuer_verifier(issuer, &verifier), AIRISK_OK);

  char body[512];
  exchange_body(issuer, NOW, body, sizeof body);
  outcome first = exchange(issuer, body, NOW + 5);
  CHECK(first.status == 200 && first.token[0] != '\0', "first use: status %u (%s)", first.status,
        airisk_result_name(first.reason));
  CHECK(s->redeem_calls == 1 && s->codes == 1, "one redemption recorded: %d calls, %zu codes",
        s->redeem_calls, s->codes);
  CHECK(s->last_expires_at == NOW + CODE_TTL, "redeem got the code's expiry: %llu",
        (unsigned long long)s->last_expires_at);

  uint32_t reason = 0;
  char jti[64] = "";
  int checks_before = s->is_revoked_calls;
  CHECK(bearer(verifier, first.token, NOW + 10, &reason, jti, sizeof jti) == 200,
        "the token is accepted: %s", airisk_result_name(reason));
  CHECK(s->is_revoked_calls == checks_before + 1, "the verifier asked the store: %d calls",
        s->is_revoked_calls - checks_before);

  outcome replay = exchange(issuer, body, NOW + 6);
  CHECK(replay.status == 400 && replay.token[0] == '\0', "replay: status %u", replay.status);
  CHECK_RC(replay.reason, AIRISK_CODE_ALREADY_REDEEMED);
  CHECK(s->revoke_calls == 1 && s->jtis == 1, "the replay revoked one token");
  CHECK_STR(s->jti[0].jti, jti);
  CHECK(s->last_until == NOW + CODE_TTL + TOKEN_TTL,
        "revoked until the token could have expired: %llu", (unsigned long long)s->last_until);
  CHECK(bearer(verifier, first.token, NOW + 10, &reason, NULL, 0) == 401, "revoked token refused");
  CHECK_RC(reason, AIRISK_TOKEN_REVOKED);

  /* The verifier keeps the ledger after the issuer is gone; release waits for it. */
  airisk_issuer_free(issuer);
  CHECK(release_count() == released_before, "not released while a verifier uses it");
  CHECK(bearer(verifier, first.token, NOW + 10, &reason, NULL, 0) == 401,
        "the verifier still consults the store");
  CHECK_RC(reason, AIRISK_TOKEN_REVOKED);
  airisk_verifier_free(verifier);
  CHECK(release_count() == released_before + 1, "released once after the last handle: %d",
        release_count() - released_before);
}

/* Two instances of a deployment (same code key) sharing one store. */
static void test_shared_between_issuers(void) {
  int released_before = release_count();
  store *s = store_new(2);
  airisk_store_callbacks cb = callbacks_for(s);
  airisk_issuer *a = issuer_with(&cb);
  airisk_issuer *b = issuer_with(&cb);

  char body[512];
  exchange_body(a, NOW, body, sizeof body);
  outcome on_b = exchange(b, body, NOW + 1);
  CHECK(on_b.status == 200, "a code of A redeemed on B: status %u", on_b.status);
  outcome on_a = exchange(a, body, NOW + 2);
  CHECK(on_a.status == 400 && on_a.token[0] == '\0', "then refused on A: status %u", on_a.status);
  CHECK_RC(on_a.reason, AIRISK_CODE_ALREADY_REDEEMED);

  /* A's verifier refuses the token B issued, revoked by A. */
  airisk_verifier *verifier = NULL;
  CHECK_RC(airisk_issuer_verifier(a, &verifier), AIRISK_OK);
  uint32_t reason = 0;
  CHECK(bearer(verifier, on_b.token, NOW + 3, &reason, NULL, 0) == 401, "revoked across issuers");
  CHECK_RC(reason, AIRISK_TOKEN_REVOKED);

  airisk_verifier_free(verifier);
  airisk_issuer_free(a);
  CHECK(release_count() == released_before + 1, "A's ledger released");
  airisk_issuer_free(b);
  /* One release per successful constructor call. */
  CHECK(release_count() == released_before + 2, "B's ledger released");
}

typedef struct {
  airisk_issuer *issuer;
  const char *body;
  uint64_t now;
  outcome result;
} exchange_job;

static void *exchange_worker(void *arg) {
  exchange_job *job = arg;
  job->result = exchange(job->issuer, job->body, job->now);
  return NULL;
}

/* Concurrent redemptions of one code on two issuers sharing the store: exactly one token. */
static void test_concurrent_redemptions(void) {
  store *s = store_new(2);
  airisk_store_callbacks cb = callbacks_for(s);
  airisk_issuer *issuers[2] = {issuer_with(&cb), issuer_with(&cb)};
  int won = 0, replayed = 0, other = 0;
  for (int round = 0; round < ROUNDS; round++) {
    char body[512];
    exchange_body(issuers[0], NOW + (uint64_t)round, body, sizeof body);
    pthread_t threads[THREADS];
    exchange_job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
      jobs[i].issuer = issuers[i % 2];
      jobs[i].body = body;
      jobs[i].now = NOW + (uint64_t)round + 3;
      CHECK(pthread_create(&threads[i], NULL, exchange_worker, &jobs[i]) == 0, "thread %d", i);
    }
    int round_won = 0;
    for (int i = 0; i < THREADS; i++) {
      pthread_join(threads[i], NULL);
      if (jobs[i].result.status == 200 && jobs[i].result.token[0] != '\0') {
        round_won++;
      } else if (jobs[i].result.status == 400 &&
                 jobs[i].result.reason == AIRISK_CODE_ALREADY_REDEEMED) {
        replayed++;
      } else {
        other++;
      }
    }
    CHECK(round_won == 1, "round %d: %d tokens for one code", round, round_won);
    won += round_won;
  }
  CHECK(won == ROUNDS && replayed == ROUNDS * (THREADS - 1) && other == 0,
        "%d won, %d replays, %d other", won, replayed, other);
  CHECK(s->redeem_calls == ROUNDS * THREADS, "every exchange asked the store: %d",
        s->redeem_calls);
  airisk_issuer_free(issuers[0]);
  airisk_issuer_free(issuers[1]);
}

/* A callback that fails or does not answer: 503, no token, nothing consumed. */
static void test_fails_closed(void) {
  int released_before = release_count();
  store *s = store_new(1);
  airisk_store_callbacks cb = callbacks_for(s);
  airisk_issuer *issuer = issuer_with(&cb);
  airisk_verifier *verifier = NULL;
  CHECK_RC(airisk_issuer_verifier(issuer, &verifier), AIRISK_OK);
  char body[512];
  exchange_body(issuer, NOW, body, sizeof body);

  static const struct {
    mode m;
    uint32_t reason;
    const char *what;
  } redeem_cases[] = {
      {FAIL, AIRISK_LEDGER_UNAVAILABLE, "redeem returns non-zero"},
      {FULL, AIRISK_LEDGER_FULL, "redeem says the store is full"},
      {SILENT, AIRISK_LEDGER_UNAVAILABLE, "redeem writes no answer"},
      {GARBAGE, AIRISK_LEDGER_UNAVAILABLE, "redeem writes a meaningless answer"},
  };
  for (size_t i = 0; i < sizeof redeem_cases / sizeof redeem_cases[0]; i++) {
    set_modes(s, redeem_cases[i].m, ANSWER, ANSWER);
    outcome o = exchange(issuer, body, NOW + 1);
    CHECK(o.status == 503 && o.token[0] == '\0', "%s: status %u", redeem_cases[i].what, o.status);
    CHECK_RC(o.reason, redeem_cases[i].reason);
  }
  CHECK(s->codes == 0, "nothing recorded");

  /* The store answers again: the code was never consumed, and redeems once. */
  set_modes(s, ANSWER, ANSWER, ANSWER);
  outcome ok = exchange(issuer, body, NOW + 2);
  CHECK(ok.status == 200 && ok.token[0] != '\0', "redeemed once the store answers: %u", ok.status);

  /* The revocation list fails: the token is neither accepted nor blamed. */
  uint32_t reason = 0;
  static const mode is_revoked_modes[] = {FAIL, SILENT, GARBAGE};
  for (size_t i = 0; i < sizeof is_revoked_modes / sizeof is_revoked_modes[0]; i++) {
    set_modes(s, ANSWER, ANSWER, is_revoked_modes[i]);
    CHECK(bearer(verifier, ok.token, NOW + 3, &reason, NULL, 0) == 503, "bearer: 503 (case %zu)",
          i);
    CHECK_RC(reason, AIRISK_LEDGER_UNAVAILABLE);
    airisk_claims *claims = (airisk_claims *)SENTINEL;
    CHECK_RC(airisk_verifier_verify_at(verifier, ok.token, strlen(ok.token), NOW + 3, &claims),
             AIRISK_LEDGER_UNAVAILABLE);
    CHECK(claims == (airisk_claims *)SENTINEL, "no claims");
  }
  set_modes(s, ANSWER, ANSWER, ANSWER);
  CHECK(bearer(verifier, ok.token, NOW + 3, &reason, NULL, 0) == 200, "accepted again");

  /* The replay's revocation fails: still refused, with the store's failure as the reason. */
  set_modes(s, ANSWER, FAIL, ANSWER);
  outcome replay = exchange(issuer, body, NOW + 4);
  CHECK(replay.status == 400 && replay.token[0] == '\0', "replay: status %u", replay.status);
  CHECK_RC(replay.reason, AIRISK_LEDGER_UNAVAILABLE);

  airisk_verifier_free(verifier);
  airisk_issuer_free(issuer);
  CHECK(release_count() == released_before + 1, "released once");

  /* NULL callbacks fail closed too; a NULL release is allowed. */
  store *bare = store_new(1);
  airisk_store_callbacks none = {.user_data = bare};
  issuer = issuer_with(&none);
  CHECK_RC(airisk_issuer_verifier(issuer, &verifier), AIRISK_OK);
  exchange_body(issuer, NOW, body, sizeof body);
  outcome o = exchange(issuer, body, NOW + 1);
  CHECK(o.status == 503 && o.token[0] == '\0', "NULL redeem: status %u", o.status);
  CHECK_RC(o.reason, AIRISK_LEDGER_UNAVAILABLE);
  CHECK(bearer(verifier, ok.token, NOW + 3, &reason, NULL, 0) == 503, "NULL is_revoked: 503");
  CHECK_RC(reason, AIRISK_LEDGER_UNAVAILABLE);
  CHECK(bare->redeem_calls == 0 && bare->is_revoked_calls == 0, "nothing called");
  airisk_verifier_free(verifier);
  airisk_issuer_free(issuer);
  CHECK(release_count() == released_before + 1, "no release callback, none called");
  pthread_mutex_destroy(&bare->lock);
  free(bare);
}

/* The constructors: NULL callbacks, no release when they fail, and one store
 * handle shared by two issuers released once, after the handle and both issuers. */
static void test_constructor(void) {
  int released_before = release_count();
  airisk_store *st = (airisk_store *)SENTINEL;
  CHECK_RC(airisk_store_callbacks_new(NULL, &st), AIRISK_INVALID_ARGUMENT);
  store *s = store_new(1);
  airisk_store_callbacks cb = callbacks_for(s);
  CHECK_RC(airisk_store_callbacks_new(&cb, NULL), AIRISK_INVALID_ARGUMENT);
  CHECK(st == (airisk_store *)SENTINEL, "out untouched");
  CHECK(release_count() == released_before, "a failed constructor releases nothing");
  CHECK_RC(airisk_store_callbacks_new(&cb, &st), AIRISK_OK);
  airisk_issuer *issuer = (airisk_issuer *)SENTINEL;
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, 16, ISS, NULL, CODE_TTL, TOKEN_TTL, st,
                             &issuer),
           AIRISK_WEAK_KEY);
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, sizeof code_key, ISS, NULL, 0, TOKEN_TTL,
                             st, &issuer),
           AIRISK_INVALID_CONFIGURATION);
  CHECK_RC(airisk_issuer_new(NULL, keys, code_key, sizeof code_key, ISS, NULL, CODE_TTL,
                             TOKEN_TTL, st, &issuer),
           AIRISK_INVALID_ARGUMENT);
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, sizeof code_key, ISS, NULL, CODE_TTL,
                             TOKEN_TTL, st, NULL),
           AIRISK_INVALID_ARGUMENT);
  CHECK(issuer == (airisk_issuer *)SENTINEL, "out untouched");
  CHECK(release_count() == released_before, "failed issuers release nothing");
  airisk_issuer *a = NULL, *b = NULL;
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, sizeof code_key, ISS, NULL, CODE_TTL,
                             TOKEN_TTL, st, &a),
           AIRISK_OK);
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, sizeof code_key, ISS, NULL, CODE_TTL,
                             TOKEN_TTL, st, &b),
           AIRISK_OK);
  /* Both issuers share the one store: a code redeemed by A is a replay for B. */
  char body[512];
  exchange_body(a, NOW, body, sizeof body);
  CHECK(exchange(a, body, NOW).status == 200, "A redeems");
  CHECK(exchange(b, body, NOW).status == 400, "B refuses the replay");
  airisk_store_free(st);
  airisk_issuer_free(a);
  CHECK(release_count() == released_before, "still used by B");
  airisk_issuer_free(b);
  CHECK(release_count() == released_before + 1, "released once, after the last user");
}

int main(void) {
  for (size_t i = 0; i < sizeof code_key; i++) code_key[i] = (uint8_t)(i * 7 + 1);
  CHECK_RC(airisk_keyset_from_json(KEYSET_JSON, strlen(KEYSET_JSON), &keys), AIRISK_OK);
  CHECK_RC(airisk_registry_from_json(REGISTRY_JSON, strlen(REGISTRY_JSON), &registry), AIRISK_OK);

  test_single_use_and_revocation();
  test_shared_between_issuers();
  test_concurrent_redemptions();
  test_fails_closed();
  test_constructor();

  airisk_registry_free(registry);
  airisk_keyset_free(keys);
  return check_report("test_ledger");
}
