/* Several threads on shared handles: one verifier verifying from 8 threads at
 * once, and one issuer redeeming the same code from 32 threads at once (exactly
 * one may win; issue 20.7). */
#define _POSIX_C_SOURCE 200809L
#include "airisk_auth.h"
#include "check.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define REPLAYS 32
#define ROUNDS 200
#define TOKENS 16
#define ISS "https://airisk.example"
#define KEYSET_JSON                                                           \
  "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"alg\":\"HS256\","             \
  "\"k\":\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA\"}]}"

static airisk_verifier *shared_verifier;
static char *tokens[TOKENS];
static char userids[TOKENS][32];

typedef struct {
  int index;
  int ok;       /* outcomes as expected */
  int wrong;    /* outcomes not as expected */
} verify_job;

static void *verify_worker(void *arg) {
  verify_job *job = arg;
  for (int round = 0; round < ROUNDS; round++) {
    int t = (job->index + round) % TOKENS;
    airisk_claims *claims = NULL;
    /* Even rounds: valid time; odd rounds: after expiry. */
    uint64_t now = (round % 2 == 0) ? 2000 : 4600 + 31;
    airisk_result rc = airisk_verifier_verify_at(shared_verifier, tokens[t], strlen(tokens[t]), now, &claims);
    if (round % 2 == 0) {
      char userid[32];
      int good = rc == AIRISK_OK &&
                 airisk_claims_copy(claims, AIRISK_CLAIM_USERID, userid, sizeof userid) ==
                     AIRISK_OK &&
                 strcmp(userid, userids[t]) == 0;
      good ? job->ok++ : job->wrong++;
    } else {
      (rc == AIRISK_EXPIRED && claims == NULL) ? job->ok++ : job->wrong++;
    }
    airisk_claims_free(claims);
  }
  return NULL;
}

static airisk_issuer *shared_issuer;
static char exchange_body[512];

typedef struct {
  unsigned status;
  uint32_t reason;
} exchange_job;

static void *exchange_worker(void *arg) {
  exchange_job *job = arg;
  const char *form = "application/x-www-form-urlencoded";
  airisk_response *r = NULL;
  if (airisk_issuer_exchange_at(shared_issuer, form, strlen(form), exchange_body,
                                strlen(exchange_body), 1743423140, &r) == AIRISK_OK) {
    job->status = airisk_response_status(r);
    job->reason = airisk_response_reason(r);
  }
  airisk_response_free(r);
  return NULL;
}

int main(void) {
  airisk_keyset *keys = NULL;
  CHECK_RC(airisk_keyset_from_json(KEYSET_JSON, strlen(KEYSET_JSON), &keys), AIRISK_OK);
  for (int i = 0; i < TOKENS; i++) {
    char jti[32];
    snprintf(userids[i], sizeof userids[i], "user_%d", i);
    snprintf(jti, sizeof jti, "jti-%d", i);
    CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", userids[i], NULL, NULL, 1000, 3600, jti, &tokens[i]),
             AIRISK_OK);
  }
  CHECK_RC(airisk_verifier_new(keys, ISS, NULL, 30, 8192, 0, &shared_verifier), AIRISK_OK);

  pthread_t threads[THREADS];
  verify_job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (verify_job){i, 0, 0};
    CHECK(pthread_create(&threads[i], NULL, verify_worker, &jobs[i]) == 0, "thread %d", i);
  }
  int ok = 0, wrong = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    ok += jobs[i].ok;
    wrong += jobs[i].wrong;
  }
  CHECK(ok == THREADS * ROUNDS && wrong == 0, "%d as expected, %d not", ok, wrong);

  /* One code, 32 concurrent redemptions: exactly one token. */
  const char *registry_json =
      "{\"clients\":[{\"client_id\":\"abc123\",\"client_secret\":\"s3cret-s3cret\","
      "\"redirect_uri\":\"https://localhost/callback\"}],\"users\":[]}";
  airisk_registry *registry = NULL;
  CHECK_RC(airisk_registry_from_json(registry_json, strlen(registry_json), &registry), AIRISK_OK);
  uint8_t code_key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                          17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
  airisk_store *store = NULL;
  CHECK_RC(airisk_store_memory_new(0, &store), AIRISK_OK);
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, sizeof code_key, ISS, NULL, 60, 3600,
                             store, &shared_issuer),
           AIRISK_OK);
  airisk_store_free(store);
  const char *query = "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback";
  airisk_response *r = NULL;
  CHECK_RC(airisk_issuer_authorize_at(shared_issuer, query, strlen(query), 1743423132, &r),
           AIRISK_OK);
  const char *location = airisk_response_header(r, "Location", NULL);
  const char *code = location ? strstr(location, "code=") : NULL;
  CHECK(code != NULL, "a code");
  snprintf(exchange_body, sizeof exchange_body,
           "client_id=abc123&client_secret=s3cret-s3cret&redirect_uri=https%%3A%%2F%%2Flocalhost"
           "%%2Fcallback&%s",
           code ? code : "code=none");
  airisk_response_free(r);

  exchange_job exchanges[REPLAYS];
  pthread_t replayers[REPLAYS];
  for (int i = 0; i < REPLAYS; i++) {
    exchanges[i] = (exchange_job){0, 0};
    CHECK(pthread_create(&replayers[i], NULL, exchange_worker, &exchanges[i]) == 0, "thread %d", i);
  }
  int won = 0, replayed = 0;
  for (int i = 0; i < REPLAYS; i++) {
    pthread_join(replayers[i], NULL);
    if (exchanges[i].status == 200) won++;
    if (exchanges[i].status == 400 && exchanges[i].reason == AIRISK_CODE_ALREADY_REDEEMED)
      replayed++;
  }
  CHECK(won == 1 && replayed == REPLAYS - 1, "%d won, %d refused as replays", won, replayed);

  airisk_issuer_free(shared_issuer);
  airisk_registry_free(registry);
  airisk_verifier_free(shared_verifier);
  airisk_keyset_free(keys);
  for (int i = 0; i < TOKENS; i++) airisk_string_free(tokens[i]);
  return check_report("test_threads");
}
