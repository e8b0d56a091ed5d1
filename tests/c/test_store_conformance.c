/* The store-conformance suite of crates/airisk-auth-store-tests, from C: the same
 * checks (first then replayed, ids as 16 exact bytes, one winner among concurrent
 * redemptions, revocations held and never shortened, any jti kept exactly, a replay
 * through an issuer revoking its token) against every store a C program can build:
 *   memory      airisk_store_memory_new
 *   callbacks   airisk_store_callbacks_new over a C store (below): the adapter path
 *   redis       airisk_store_redis_new($AIRISK_REDIS_URL), when set
 *   redis-tls   the same over TLS with client certificates ($AIRISK_REDIS_TLS_PORT,
 *               $AIRISK_REDIS_TLS_DIR), when set
 *   cluster     a Redis Cluster ($AIRISK_REDIS_CLUSTER_PORTS), when set
 *   postgres    airisk_store_postgres_new($AIRISK_PG_URL), when set
 * AIRISK_STORES_REQUIRED (e.g. "redis,postgres") makes a missing server a failure.
 * Every run uses fresh ids and key prefixes, so a shared server's old entries never
 * collide. The checks go through airisk_store_redeem / _revoke / _is_revoked, the
 * library's own view of the store (the one its issuers use). */
#define _POSIX_C_SOURCE 200809L
#include "airisk_auth.h"
#include "check.h"

#include <pthread.h>
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
  "{\"clients\":[{\"client_id\":\"abc123\",\"client_secret\":\"s3cret\","     \
  "\"redirect_uri\":\"https://localhost/callback\"}],\"users\":[]}"
#define FORM "application/x-www-form-urlencoded"
#define THREADS 8
#define IDS 64

static const char *store_name = "";

static uint64_t unix_now(void) { return (uint64_t)time(NULL); }

/* An id unique in this run and, with the time and pid in it, across runs. */
static void fresh_id(uint8_t id[16]) {
  static uint64_t counter;
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&lock);
  uint64_t n = counter++;
  pthread_mutex_unlock(&lock);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint32_t pid = (uint32_t)getpid(), nanos = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec;
  for (int i = 0; i < 8; i++) id[i] = (uint8_t)(n >> (56 - 8 * i));
  for (int i = 0; i < 4; i++) id[8 + i] = (uint8_t)(pid >> (24 - 8 * i));
  for (int i = 0; i < 4; i++) id[12 + i] = (uint8_t)(nanos >> (8 * i));
}

static uint32_t redeem(const airisk_store *s, const uint8_t id[16], uint64_t expires_at,
                       uint64_t now) {
  uint32_t answer = 0;
  airisk_result rc = airisk_store_redeem(s, id, expires_at, now, &answer);
  CHECK(rc == AIRISK_OK, "[%s] redeem: %s", store_name, airisk_result_name(rc));
  return answer;
}

static uint32_t is_revoked(const airisk_store *s, const char *jti, uint64_t now) {
  uint32_t answer = 0;
  airisk_result rc = airisk_store_is_revoked(s, jti, strlen(jti), now, &answer);
  CHECK(rc == AIRISK_OK, "[%s] is_revoked: %s", store_name, airisk_result_name(rc));
  return answer;
}

static void revoke(const airisk_store *s, const char *jti, uint64_t until, uint64_t now) {
  airisk_result rc = airisk_store_revoke(s, jti, strlen(jti), until, now);
  CHECK(rc == AIRISK_OK, "[%s] revoke: %s", store_name, airisk_result_name(rc));
}

/* 1. First, then replayed, while the code lives. */
static void first_then_replayed(const airisk_store *s) {
  uint64_t now = unix_now();
  uint8_t a[16], b[16];
  fresh_id(a);
  fresh_id(b);
  CHECK(redeem(s, a, now + 600, now) == AIRISK_REDEMPTION_FIRST, "[%s] a first", store_name);
  CHECK(redeem(s, a, now + 600, now) == AIRISK_REDEMPTION_REPLAYED, "[%s] a again", store_name);
  CHECK(redeem(s, a, now + 600, now + 1) == AIRISK_REDEMPTION_REPLAYED, "[%s] a later", store_name);
  CHECK(redeem(s, b, now + 600, now) == AIRISK_REDEMPTION_FIRST, "[%s] b first", store_name);
  CHECK(redeem(s, b, now + 600, now + 2) == AIRISK_REDEMPTION_REPLAYED, "[%s] b again", store_name);
}

/* 3. Ids differing in any one bit are distinct. */
static void ids_are_sixteen_exact_bytes(const airisk_store *s) {
  uint64_t now = unix_now();
  uint8_t base[16];
  fresh_id(base);
  CHECK(redeem(s, base, now + 600, now) == AIRISK_REDEMPTION_FIRST, "[%s] base", store_name);
  for (int byte = 0; byte < 16; byte++) {
    for (int bit = 0; bit < 8; bit += 7) {
      uint8_t other[16];
      memcpy(other, base, 16);
      other[byte] ^= (uint8_t)(1u << bit);
      CHECK(redeem(s, other, now + 600, now) == AIRISK_REDEMPTION_FIRST, "[%s] byte %d bit %d",
            store_name, byte, bit);
      CHECK(redeem(s, other, now + 600, now) == AIRISK_REDEMPTION_REPLAYED,
            "[%s] byte %d bit %d again", store_name, byte, bit);
    }
  }
}

/* 2. Many threads, the same ids, at once: one winner per id. */
typedef struct {
  const airisk_store *store;
  uint8_t (*ids)[16];
  uint64_t now;
  int backwards;
  int wins[IDS];
  int errors;
  pthread_barrier_t *barrier;
} racer;

static void *race(void *arg) {
  racer *r = arg;
  pthread_barrier_wait(r->barrier);
  for (int k = 0; k < IDS; k++) {
    int i = r->backwards ? IDS - 1 - k : k;
    uint32_t answer = 0;
    if (airisk_store_redeem(r->store, r->ids[i], r->now + 600, r->now, &answer) != AIRISK_OK) {
      r->errors++;
    } else if (answer == AIRISK_REDEMPTION_FIRST) {
      r->wins[i]++;
    }
  }
  return NULL;
}

static void concurrent_redemptions_have_one_winner(const airisk_store *s) {
  static uint8_t ids[IDS][16];
  for (int i = 0; i < IDS; i++) fresh_id(ids[i]);
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, THREADS);
  racer racers[THREADS];
  pthread_t threads[THREADS];
  uint64_t now = unix_now();
  for (int t = 0; t < THREADS; t++) {
    memset(&racers[t], 0, sizeof racers[t]);
    racers[t].store = s;
    racers[t].ids = ids;
    racers[t].now = now;
    racers[t].backwards = t % 2;
    racers[t].barrier = &barrier;
    pthread_create(&threads[t], NULL, race, &racers[t]);
  }
  int errors = 0, wrong = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    errors += racers[t].errors;
  }
  for (int i = 0; i < IDS; i++) {
    int wins = 0;
    for (int t = 0; t < THREADS; t++) wins += racers[t].wins[i];
    if (wins != 1) wrong++;
  }
  pthread_barrier_destroy(&barrier);
  CHECK(errors == 0 && wrong == 0, "[%s] %d errors, %d ids without exactly one winner", store_name,
        errors, wrong);
}

/* 4. Revocations are held until their end, never shortened, independent. */
static void revocations_hold_until_their_expiry(const airisk_store *s) {
  uint64_t now = unix_now();
  uint8_t id[16];
  fresh_id(id);
  char a[64], b[64];
  snprintf(a, sizeof a, "jti-a-%02x%02x%02x%02x%02x", id[0], id[7], id[9], id[13], id[15]);
  snprintf(b, sizeof b, "jti-b-%02x%02x%02x%02x%02x", id[0], id[7], id[9], id[13], id[15]);
  CHECK(is_revoked(s, a, now) == AIRISK_JTI_NOT_REVOKED, "[%s] a not yet", store_name);
  revoke(s, a, now + 3600, now);
  CHECK(is_revoked(s, a, now) == AIRISK_JTI_REVOKED, "[%s] a revoked", store_name);
  CHECK(is_revoked(s, a, now + 1800) == AIRISK_JTI_REVOKED, "[%s] a still", store_name);
  CHECK(is_revoked(s, b, now) == AIRISK_JTI_NOT_REVOKED, "[%s] b untouched", store_name);
  revoke(s, a, now + 1, now); /* shorter: keeps the longer one */
  CHECK(is_revoked(s, a, now + 1800) == AIRISK_JTI_REVOKED, "[%s] never shortened", store_name);
}

/* 4. Any jti the core can make (up to 256 printable ASCII bytes) is kept exactly. */
static void any_core_jti_is_kept_exactly(const airisk_store *s) {
  uint64_t now = unix_now();
  uint8_t id[16];
  fresh_id(id);
  char hex[33];
  for (int i = 0; i < 16; i++) snprintf(hex + 2 * i, 3, "%02x", id[i]);
  char kept[4][300], others[4][300];
  snprintf(kept[0], 300, "%s%0*d", hex, 256 - 32, 0);
  snprintf(kept[1], 300, "%s:a:b", hex);
  snprintf(kept[2], 300, "%s*?[]{}'\"\\ %%", hex);
  snprintf(kept[3], 300, "%sQ", hex);
  snprintf(others[0], 300, "%s%0*d1", hex, 256 - 33, 0);
  snprintf(others[1], 300, "%s:a", hex);
  snprintf(others[2], 300, "%sq", hex);
  snprintf(others[3], 300, "%s*", hex);
  for (int i = 0; i < 4; i++) revoke(s, kept[i], now + 600, now);
  for (int i = 0; i < 4; i++)
    CHECK(is_revoked(s, kept[i], now) == AIRISK_JTI_REVOKED, "[%s] kept %d", store_name, i);
  for (int i = 0; i < 4; i++)
    CHECK(is_revoked(s, others[i], now) == AIRISK_JTI_NOT_REVOKED, "[%s] other %d", store_name, i);
}

/* 5. Through an issuer: a replayed code is refused and its token revoked. */
static void a_replay_through_an_issuer_revokes_its_token(const airisk_store *s) {
  airisk_keyset *keys = NULL;
  airisk_registry *registry = NULL;
  airisk_issuer *issuer = NULL;
  airisk_verifier *verifier = NULL;
  uint8_t code_key[32];
  fresh_id(code_key);
  fresh_id(code_key + 16);
  CHECK_RC(airisk_keyset_from_json(KEYSET_JSON, strlen(KEYSET_JSON), &keys), AIRISK_OK);
  CHECK_RC(airisk_registry_from_json(REGISTRY_JSON, strlen(REGISTRY_JSON), &registry), AIRISK_OK);
  CHECK_RC(airisk_issuer_new(registry, keys, code_key, sizeof code_key, ISS, NULL,
                             AIRISK_DEFAULT_CODE_TTL, AIRISK_DEFAULT_TOKEN_TTL, s, &issuer),
           AIRISK_OK);
  if (issuer == NULL) return;
  CHECK_RC(airisk_issuer_verifier(issuer, &verifier), AIRISK_OK);
  const char *query = "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback";
  airisk_response *r = NULL;
  CHECK_RC(airisk_issuer_authorize(issuer, query, strlen(query), &r), AIRISK_OK);
  const char *location = r ? airisk_response_header(r, "Location", NULL) : NULL;
  const char *code = location ? strstr(location, "code=") : NULL;
  char body[512] = "";
  if (code != NULL)
    snprintf(body, sizeof body,
             "grant_type=authorization_code&client_id=abc123&client_secret=s3cret"
             "&redirect_uri=https%%3A%%2F%%2Flocalhost%%2Fcallback&%.*s",
             (int)strcspn(code, "&"), code);
  airisk_response_free(r);
  CHECK(code != NULL, "[%s] a code", store_name);
  airisk_response *first = NULL, *replay = NULL;
  CHECK_RC(airisk_issuer_exchange(issuer, FORM, strlen(FORM), body, strlen(body), &first),
           AIRISK_OK);
  CHECK(first && airisk_response_status(first) == 200, "[%s] first exchange: %u", store_name,
        first ? airisk_response_status(first) : 0);
  const char *json = first ? airisk_response_body(first, NULL) : NULL;
  const char *at = json ? strstr(json, "\"access_token\":\"") : NULL;
  char token[1024] = "";
  if (at != NULL) {
    at += strlen("\"access_token\":\"");
    snprintf(token, sizeof token, "%.*s", (int)strcspn(at, "\""), at);
  }
  airisk_claims *claims = NULL;
  CHECK_RC(airisk_verifier_verify(verifier, token, strlen(token), &claims), AIRISK_OK);
  airisk_claims_free(claims);
  claims = NULL;
  CHECK_RC(airisk_issuer_exchange(issuer, FORM, strlen(FORM), body, strlen(body), &replay),
           AIRISK_OK);
  CHECK(replay && airisk_response_status(replay) == 400, "[%s] replay refused", store_name);
  CHECK(replay && airisk_response_reason(replay) == AIRISK_CODE_ALREADY_REDEEMED, "[%s] reason",
        store_name);
  CHECK_RC(airisk_verifier_verify(verifier, token, strlen(token), &claims), AIRISK_TOKEN_REVOKED);
  CHECK(claims == NULL, "[%s] no claims for a revoked token", store_name);
  airisk_response_free(first);
  airisk_response_free(replay);
  airisk_verifier_free(verifier);
  airisk_issuer_free(issuer);
  airisk_registry_free(registry);
  airisk_keyset_free(keys);
}

static void run_all(const char *name, airisk_store *s) {
  store_name = name;
  int failed_before = check_failed;
  first_then_replayed(s);
  ids_are_sixteen_exact_bytes(s);
  concurrent_redemptions_have_one_winner(s);
  revocations_hold_until_their_expiry(s);
  any_core_jti_is_kept_exactly(s);
  a_replay_through_an_issuer_revokes_its_token(s);
  printf("store-conformance[%s]: %s\n", name, check_failed == failed_before ? "ok" : "FAILED");
  airisk_store_free(s);
}

/* ---------------------------------------------------------------------------
 * A C store over callbacks: a mutex and two linear tables (test code: small and
 * obviously right). The library checks every answer of it.
 * ------------------------------------------------------------------------- */

#define CAPACITY 4096

typedef struct {
  pthread_mutex_t lock;
  size_t codes, jtis;
  struct { uint8_t id[16]; uint64_t until; } code[CAPACITY];
  struct { char jti[300]; size_t len; uint64_t until; } jti[CAPACITY];
} c_store;

static uint32_t c_redeem(void *user_data, const uint8_t *id, uint64_t expires_at, uint64_t now,
                         uint32_t *redemption) {
  c_store *s = user_data;
  uint32_t rc = 0;
  pthread_mutex_lock(&s->lock);
  *redemption = AIRISK_REDEMPTION_FIRST;
  for (size_t i = 0; i < s->codes; i++)
    if (memcmp(s->code[i].id, id, 16) == 0 && s->code[i].until > now)
      *redemption = AIRISK_REDEMPTION_REPLAYED;
  if (*redemption == AIRISK_REDEMPTION_FIRST) {
    if (s->codes == CAPACITY) {
      rc = AIRISK_LEDGER_FULL;
    } else {
      memcpy(s->code[s->codes].id, id, 16);
      s->code[s->codes++].until = expires_at;
    }
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static uint32_t c_revoke(void *user_data, const char *jti, size_t len, uint64_t until,
                         uint64_t now) {
  c_store *s = user_data;
  uint32_t rc = 0;
  (void)now;
  pthread_mutex_lock(&s->lock);
  size_t i = 0;
  while (i < s->jtis && !(s->jti[i].len == len && memcmp(s->jti[i].jti, jti, len) == 0)) i++;
  if (i < s->jtis) {
    if (s->jti[i].until < until) s->jti[i].until = until;
  } else if (s->jtis == CAPACITY || len >= sizeof s->jti[0].jti) {
    rc = AIRISK_LEDGER_FULL;
  } else {
    memcpy(s->jti[i].jti, jti, len);
    s->jti[i].len = len;
    s->jti[i].until = until;
    s->jtis++;
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static uint32_t c_is_revoked(void *user_data, const char *jti, size_t len, uint64_t now,
                             uint32_t *revoked) {
  c_store *s = user_data;
  pthread_mutex_lock(&s->lock);
  *revoked = AIRISK_JTI_NOT_REVOKED;
  for (size_t i = 0; i < s->jtis; i++)
    if (s->jti[i].len == len && memcmp(s->jti[i].jti, jti, len) == 0 && s->jti[i].until > now)
      *revoked = AIRISK_JTI_REVOKED;
  pthread_mutex_unlock(&s->lock);
  return 0;
}

static void c_release(void *user_data) {
  c_store *s = user_data;
  pthread_mutex_destroy(&s->lock);
  free(s);
}

static int required(const char *name) {
  const char *list = getenv("AIRISK_STORES_REQUIRED");
  return list != NULL && strstr(list, name) != NULL;
}

static void missing(const char *name, const char *env) {
  if (required(name)) {
    CHECK(0, "[%s] %s is not set but AIRISK_STORES_REQUIRED names it", name, env);
  } else {
    printf("store-conformance[%s]: skipped (%s not set)\n", name, env);
  }
}

int main(void) {
  airisk_store *s = NULL;
  CHECK_RC(airisk_store_memory_new(0, &s), AIRISK_OK);
  if (s) run_all("memory", s);

  c_store *cs = calloc(1, sizeof *cs);
  if (cs == NULL) abort();
  pthread_mutex_init(&cs->lock, NULL);
  airisk_store_callbacks cb = {.user_data = cs,
                               .redeem = c_redeem,
                               .revoke = c_revoke,
                               .is_revoked = c_is_revoked,
                               .release = c_release};
  s = NULL;
  CHECK_RC(airisk_store_callbacks_new(&cb, &s), AIRISK_OK);
  if (s) run_all("callbacks", s);

  /* Fresh key prefixes per run: a shared server's earlier entries never collide. */
  char code_prefix[96], revoked_prefix[96];
  snprintf(code_prefix, sizeof code_prefix, "airisk-c-%ld-%ld:code:", (long)getpid(),
           (long)time(NULL));
  snprintf(revoked_prefix, sizeof revoked_prefix, "airisk-c-%ld-%ld:revoked:", (long)getpid(),
           (long)time(NULL));
  airisk_redis_options ro;
  memset(&ro, 0, sizeof ro);
  ro.code_prefix = code_prefix;
  ro.revoked_prefix = revoked_prefix;

  const char *url = getenv("AIRISK_REDIS_URL");
  if (url != NULL && *url) {
    s = NULL;
    CHECK_RC(airisk_store_redis_new(url, &ro, &s), AIRISK_OK);
    if (s) run_all("redis", s);
  } else {
    missing("redis", "AIRISK_REDIS_URL");
  }

  const char *tls_port = getenv("AIRISK_REDIS_TLS_PORT"), *tls_dir = getenv("AIRISK_REDIS_TLS_DIR");
  if (tls_port != NULL && *tls_port && tls_dir != NULL) {
    char tls_url[128], ca[512], cert[512], key[512];
    snprintf(tls_url, sizeof tls_url, "rediss://127.0.0.1:%s/0", tls_port);
    snprintf(ca, sizeof ca, "%s/ca.crt", tls_dir);
    snprintf(cert, sizeof cert, "%s/client.crt", tls_dir);
    snprintf(key, sizeof key, "%s/client.key", tls_dir);
    airisk_redis_options to = ro;
    to.ca_file = ca;
    to.client_cert_file = cert;
    to.client_key_file = key;
    s = NULL;
    CHECK_RC(airisk_store_redis_new(tls_url, &to, &s), AIRISK_OK);
    if (s) run_all("redis-tls", s);
    /* A CA that signed nothing here: refused, fail closed. */
    char other[512];
    snprintf(other, sizeof other, "%s/other-ca.crt", tls_dir);
    to.ca_file = other;
    s = NULL;
    CHECK_RC(airisk_store_redis_new(tls_url, &to, &s), AIRISK_OK);
    uint8_t id[16];
    uint32_t answer = 0;
    fresh_id(id);
    CHECK_RC(airisk_store_redeem(s, id, unix_now() + 60, unix_now(), &answer),
             AIRISK_LEDGER_UNAVAILABLE);
    CHECK(answer == 0, "[redis-tls] nothing written on failure");
    airisk_store_free(s);
  } else {
    missing("redis-tls", "AIRISK_REDIS_TLS_PORT");
  }

  const char *ports = getenv("AIRISK_REDIS_CLUSTER_PORTS");
  if (ports != NULL && *ports) {
    char seeds[6][64], first[64] = "";
    const char *seed_ptrs[6];
    size_t n = 0;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", ports);
    for (char *save = NULL, *p = strtok_r(copy, " ", &save); p && n < 6;
         p = strtok_r(NULL, " ", &save)) {
      snprintf(seeds[n], sizeof seeds[n], "redis://127.0.0.1:%s", p);
      seed_ptrs[n] = seeds[n];
      n++;
    }
    if (n > 0) snprintf(first, sizeof first, "%s", seeds[0]);
    airisk_redis_options co = ro;
    co.cluster = 1;
    co.more_seeds = n > 1 ? seed_ptrs + 1 : NULL;
    co.more_seeds_len = n > 1 ? n - 1 : 0;
    s = NULL;
    CHECK_RC(airisk_store_redis_new(first, &co, &s), AIRISK_OK);
    if (s) run_all("cluster", s);
  } else {
    missing("cluster", "AIRISK_REDIS_CLUSTER_PORTS");
  }

  const char *dsn = getenv("AIRISK_PG_URL");
  if (dsn != NULL && *dsn) {
    airisk_postgres_options po;
    memset(&po, 0, sizeof po);
    po.schema = "airisk_c_conformance";
    po.migrate = 1;
    s = NULL;
    CHECK_RC(airisk_store_postgres_new(dsn, &po, &s), AIRISK_OK);
    if (s) run_all("postgres", s);
  } else {
    missing("postgres", "AIRISK_PG_URL");
  }

  /* Settings the stores refuse, whatever the server. */
  airisk_redis_options bad = ro;
  bad.code_prefix = "";
  s = (airisk_store *)&check_passed;
  CHECK_RC(airisk_store_redis_new("redis://127.0.0.1:1/0", &bad, &s), AIRISK_INVALID_CONFIGURATION);
  CHECK_RC(airisk_store_redis_new("redis://127.0.0.1:1/0#insecure", NULL, &s),
           AIRISK_INVALID_CONFIGURATION);
  CHECK_RC(airisk_store_redis_new(NULL, NULL, &s), AIRISK_INVALID_ARGUMENT);
  airisk_postgres_options bad_pg;
  memset(&bad_pg, 0, sizeof bad_pg);
  bad_pg.schema = "Not A Schema";
  CHECK_RC(airisk_store_postgres_new("host=127.0.0.1 port=1 user=x dbname=y", &bad_pg, &s),
           AIRISK_INVALID_CONFIGURATION);
  CHECK(s == (airisk_store *)&check_passed, "out untouched");
  /* An unreachable server: made (connections open on first use), then 503s. */
  s = NULL;
  CHECK_RC(airisk_store_redis_new("redis://127.0.0.1:1/0", NULL, &s), AIRISK_OK);
  uint8_t id[16];
  uint32_t answer = 0;
  fresh_id(id);
  CHECK_RC(airisk_store_redeem(s, id, unix_now() + 60, unix_now(), &answer),
           AIRISK_LEDGER_UNAVAILABLE);
  CHECK(answer == 0, "nothing written on failure");
  airisk_store_free(s);
  return check_report("test_store_conformance");
}
