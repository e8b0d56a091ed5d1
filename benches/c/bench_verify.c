/* HS256 verification from C: the C ABI (airisk_verifier_verify_at, claims freed each time, and
 * the borrowed view airisk_verifier_verify_view_at) beside the Rust calls (Verifier::verify_at and
 * verify_with in loops that run in Rust: rust-baseline/) and libjwt.
 *
 * Run it with `bash scripts/bench-c.sh` (release library, -O2). Every candidate checks the
 * same token (the claims and secret of the Rust benches) and is first shown to accept it and
 * to refuse it once its signature is altered. The rounds interleave the candidates (each
 * round times every candidate once, in turn), so drifting load on a shared machine hits them
 * alike; the table gives the median of the rounds (clock_gettime, CLOCK_MONOTONIC) and the
 * ratios between medians of the same run. Built without libjwt (-DNO_LIBJWT) it times the
 * other two. Not a test: nothing here is asserted about time.
 */
#define _POSIX_C_SOURCE 200809L
#include <airisk_auth.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef NO_LIBJWT
#include <jwt.h>
#endif

/* The constants of benches/src/lib.rs and benches/python/bench_verify.py. */
#define ISSUER "https://airisk.example"
#define CLIENT_ID "abc123"
#define USERID "user_42"
#define JTI "bQx3Yk9TzR1uVwA5pL0c2E"
#define TOKEN_TTL 3600
#ifndef NO_LIBJWT
static const char HS256_SECRET[] = "airisk-auth bench HS256 secret!!"; /* 32 bytes */
#endif
/* The same secret as a JWK (k is its base64url encoding), key id k1. */
static const char KEYSET_JSON[] =
    "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"alg\":\"HS256\","
    "\"k\":\"YWlyaXNrLWF1dGggYmVuY2ggSFMyNTYgc2VjcmV0ISE\"}]}";

/* rust-baseline/src/lib.rs. mode 0: Verifier::verify_at (owned claims dropped); 1:
 * Verifier::verify_with reading the userid's length (borrowed claims). */
uint64_t airisk_bench_rust_verify_loop(const uint8_t *token, size_t token_len, uint64_t now,
                                       uint64_t iterations, uint32_t mode);

static const airisk_verifier *g_verifier;
static const char *g_token;
static size_t g_token_len;
static uint64_t g_now;

static void die(const char *what, airisk_result rc) {
  fprintf(stderr, "bench_verify: %s: %s (%s)\n", what, airisk_result_name(rc),
              airisk_result_text(rc));
  exit(1);
}

/* Each candidate runs `n` verifications and returns how many were accepted. */
typedef uint64_t (*loop_fn)(uint64_t n);

static uint64_t rust_call(uint64_t n) {
  return airisk_bench_rust_verify_loop((const uint8_t *)g_token, g_token_len, g_now, n, 0);
}

static uint64_t rust_borrowed(uint64_t n) {
  return airisk_bench_rust_verify_loop((const uint8_t *)g_token, g_token_len, g_now, n, 1);
}

static uint64_t c_abi(uint64_t n) {
  uint64_t accepted = 0;
  for (uint64_t i = 0; i < n; i++) {
    airisk_claims *claims = NULL;
    if (airisk_verifier_verify_at(g_verifier, g_token, g_token_len, g_now, &claims) == AIRISK_OK)
      accepted++;
    airisk_claims_free(claims);
  }
  return accepted;
}

/* The view's reader: what mode 1 of the Rust baseline does, the userid's length. */
static void read_userid_len(const airisk_claims_view *claims, void *context) {
  *(size_t *)context = claims->userid.len;
}

static uint64_t c_view(uint64_t n) {
  uint64_t accepted = 0;
  for (uint64_t i = 0; i < n; i++) {
    size_t userid_len = 0;
    if (airisk_verifier_verify_view_at(g_verifier, g_token, g_token_len, g_now, read_userid_len,
                                       &userid_len) == AIRISK_OK &&
        userid_len == sizeof USERID - 1)
      accepted++;
  }
  return accepted;
}

#ifndef NO_LIBJWT
/* jwt_decode with the key: signature and alg checked (libjwt checks no claims). */
static uint64_t libjwt_bare(uint64_t n) {
  uint64_t accepted = 0;
  for (uint64_t i = 0; i < n; i++) {
    jwt_t *jwt = NULL;
    if (jwt_decode(&jwt, g_token, (const unsigned char *)HS256_SECRET, 32) == 0) accepted++;
    jwt_free(jwt);
  }
  return accepted;
}

/* The same plus what our policy checks and a user would have to add: alg, iss, exp, sub. */
static uint64_t libjwt_checked(uint64_t n) {
  uint64_t accepted = 0;
  for (uint64_t i = 0; i < n; i++) {
    jwt_t *jwt = NULL;
    if (jwt_decode(&jwt, g_token, (const unsigned char *)HS256_SECRET, 32) == 0 &&
        jwt_get_alg(jwt) == JWT_ALG_HS256) {
      const char *iss = jwt_get_grant(jwt, "iss");
      const char *sub = jwt_get_grant(jwt, "sub");
      long exp = jwt_get_grant_int(jwt, "exp");
      if (iss && strcmp(iss, ISSUER) == 0 && sub && *sub && exp > 0 && (uint64_t)exp > g_now)
        accepted++;
    }
    jwt_free(jwt);
  }
  return accepted;
}
#endif

struct candidate {
  const char *key;
  const char *label;
  loop_fn fn;
  uint64_t n;
  double *samples;
  double median;
};

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts v in place and returns its median. */
static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Times one batch of n; exits if a verification was refused. */
static double time_batch(const struct candidate *c, uint64_t n) {
  double start = now_ns();
  uint64_t accepted = c->fn(n);
  double elapsed = now_ns() - start;
  if (accepted != n) {
    fprintf(stderr, "bench_verify: %s accepted %" PRIu64 " of %" PRIu64 "\n", c->key, accepted,
            n);
    exit(1);
  }
  return elapsed;
}

static uint64_t calibrate(const struct candidate *c, double target_ns) {
  uint64_t n = 16;
  for (;;) {
    double elapsed = time_batch(c, n);
    if (elapsed >= target_ns / 10) {
      double want = (double)n * target_ns / elapsed;
      return want < 1 ? 1 : (uint64_t)want;
    }
    n *= 4;
  }
}

/* Each candidate must refuse the token with an altered signature. */
static void check_forged(void) {
  char *forged = strdup(g_token);
  if (!forged) exit(1);
  char *last = &forged[g_token_len - 2]; /* not the final character: padding bits */
  *last = *last == 'A' ? 'B' : 'A';
  airisk_claims *claims = NULL;
  airisk_result rc = airisk_verifier_verify_at(g_verifier, forged, g_token_len, g_now, &claims);
  if (rc != AIRISK_INVALID_SIGNATURE || claims) die("a forged token was not refused", rc);
  size_t userid_len = 0;
  rc = airisk_verifier_verify_view_at(g_verifier, forged, g_token_len, g_now, read_userid_len,
                                      &userid_len);
  if (rc != AIRISK_INVALID_SIGNATURE || userid_len != 0) die("the view accepted a forged token", rc);
  for (uint32_t mode = 0; mode < 2; mode++)
    if (airisk_bench_rust_verify_loop((const uint8_t *)forged, g_token_len, g_now, 1, mode) != 0) {
      fprintf(stderr, "bench_verify: the Rust call (mode %u) accepted a forged token\n", mode);
      exit(1);
    }
#ifndef NO_LIBJWT
  jwt_t *jwt = NULL;
  if (jwt_decode(&jwt, forged, (const unsigned char *)HS256_SECRET, 32) == 0) {
    fprintf(stderr, "bench_verify: libjwt accepted a forged token\n");
    exit(1);
  }
  jwt_free(jwt);
#endif
  free(forged);
}

/* Many short rounds (201 of ~2 ms per candidate): the two sides of a ratio are timed
 * milliseconds apart, so a shared machine's load, which moves on the scale of seconds,
 * hits both alike (41 rounds of 10 ms gave ratios off by 2x at load 11). */
int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 201;
  double target_ms = argc > 2 ? atof(argv[2]) : 2.0;
  /* For profiling one candidate alone (perf record ... bench_verify 5 40 rust). */
  const char *only = argc > 3 ? argv[3] : NULL;
  if (rounds < 1 || target_ms <= 0) {
    fprintf(stderr, "usage: %s [ROUNDS=201] [MS_PER_SAMPLE=2] [CANDIDATE]\n", argv[0]);
    return 2;
  }

  airisk_keyset *keys = NULL;
  airisk_verifier *verifier = NULL;
  char *token = NULL;
  airisk_result rc = airisk_keyset_from_json(KEYSET_JSON, strlen(KEYSET_JSON), &keys);
  if (rc != AIRISK_OK) die("keyset", rc);
  uint64_t iat = (uint64_t)time(NULL);
  rc = airisk_keyset_mint(keys, ISSUER, CLIENT_ID, USERID, NULL, NULL, iat, TOKEN_TTL, JTI, &token);
  if (rc != AIRISK_OK) die("mint", rc);
  rc = airisk_verifier_new(keys, ISSUER, NULL, AIRISK_DEFAULT_LEEWAY,
                           AIRISK_DEFAULT_MAX_TOKEN_LEN, AIRISK_POLICY_REQUIRE_USER, &verifier);
  if (rc != AIRISK_OK) die("verifier", rc);
  g_verifier = verifier;
  g_token = token;
  g_token_len = strlen(token);
  g_now = iat + 5;

  /* The token verifies through the C ABI with the expected userid. */
  airisk_claims *claims = NULL;
  rc = airisk_verifier_verify_at(verifier, token, g_token_len, g_now, &claims);
  if (rc != AIRISK_OK) die("verify", rc);
  const char *userid = airisk_claims_userid(claims, NULL);
  if (!userid || strcmp(userid, USERID) != 0) die("verify: wrong userid", AIRISK_OK);
  airisk_claims_free(claims);
  check_forged();

  struct candidate cands[] = {
      {"rust", "Rust Verifier::verify_at (loop in Rust, claims dropped)", rust_call, 0, NULL, 0},
      {"c_abi", "C ABI airisk_verifier_verify_at + airisk_claims_free", c_abi, 0, NULL, 0},
      {"rust_borrowed", "Rust Verifier::verify_with (borrowed, userid read)", rust_borrowed, 0,
       NULL, 0},
      {"c_view", "C ABI airisk_verifier_verify_view_at (borrowed view)", c_view, 0, NULL, 0},
#ifndef NO_LIBJWT
      {"libjwt", "libjwt jwt_decode + jwt_free", libjwt_bare, 0, NULL, 0},
      {"libjwt_checked", "libjwt jwt_decode + alg/iss/exp/sub checks + jwt_free", libjwt_checked,
       0, NULL, 0},
#endif
  };
  size_t count = sizeof cands / sizeof cands[0];
  if (only) {
    size_t kept = 0;
    for (size_t i = 0; i < count; i++)
      if (strcmp(cands[i].key, only) == 0) cands[kept++] = cands[i];
    if (kept == 0) {
      fprintf(stderr, "bench_verify: no candidate %s (rust, c_abi, rust_borrowed, c_view, libjwt, "
              "libjwt_checked)\n", only);
      return 2;
    }
    for (size_t i = 0; i < kept; i++) {
      cands[i].n = calibrate(&cands[i], target_ms * 1e6);
      double best = 1e300;
      for (int r = 0; r < rounds; r++) {
        double t = time_batch(&cands[i], cands[i].n) / (double)cands[i].n;
        if (t < best) best = t;
      }
      printf("%s: best of %d rounds %.0f ns\n", cands[i].label, rounds, best);
    }
    airisk_string_free(token);
    airisk_verifier_free(verifier);
    airisk_keyset_free(keys);
    return 0;
  }

  printf("token: %zu characters, HS256 (iss, sub, client_id, user_token, iat, exp, jti), "
         "airisk-auth %s\n",
         g_token_len, airisk_version());
#ifndef NO_LIBJWT
  printf("libjwt: the system's libjwt (Debian libjwt-dev)\n");
#else
  printf("libjwt: not built in (NO_LIBJWT)\n");
#endif
  printf("%d interleaved rounds of ~%.0f ms per candidate, medians\n\n", rounds, target_ms);

  for (size_t i = 0; i < count; i++) {
    cands[i].n = calibrate(&cands[i], target_ms * 1e6);
    cands[i].samples = calloc((size_t)rounds, sizeof(double));
    if (!cands[i].samples) return 1;
  }
  for (int r = 0; r < rounds; r++)
    for (size_t i = 0; i < count; i++)
      cands[i].samples[r] = time_batch(&cands[i], cands[i].n) / (double)cands[i].n;

  /* Ratios: the median of the per-round ratios (the two times of a round were taken
   * moments apart, so load drifting between rounds cancels out), beside the ratio of
   * the medians. */
  double *ratios = calloc((size_t)rounds, sizeof(double));
  if (!ratios) return 1;
  double paired[6] = {0}, over_rust[6] = {0};
  /* c_abi and rust_borrowed / rust, c_view / rust_borrowed, the libjwt rows / c_abi */
  const size_t over[6] = {0, 0, 0, 2, 1, 1};
  for (size_t i = 0; i < count; i++) {
    for (int r = 0; r < rounds; r++) ratios[r] = cands[i].samples[r] / cands[over[i]].samples[r];
    paired[i] = median(ratios, rounds);
    for (int r = 0; r < rounds; r++) ratios[r] = cands[i].samples[r] / cands[0].samples[r];
    over_rust[i] = median(ratios, rounds);
  }
  /* What the view saves over the owned claims, paired like the rest. */
  for (int r = 0; r < rounds; r++) ratios[r] = cands[3].samples[r] / cands[1].samples[r];
  const double view_over_cabi = median(ratios, rounds);
  free(ratios);
  for (size_t i = 0; i < count; i++) cands[i].median = median(cands[i].samples, rounds);

  const double rust = cands[0].median, cabi = cands[1].median;
  printf("%-58s %10s %9s %9s %8s\n", "candidate", "median", "min", "max", "/ Rust");
  for (size_t i = 0; i < count; i++)
    printf("%-58s %7.0f ns %6.0f ns %6.0f ns %8.2f\n", cands[i].label, cands[i].median,
           cands[i].samples[0], cands[i].samples[rounds - 1], over_rust[i]);

  printf("\n%-50s %8s %9s  %s\n", "ratio", "paired", "medians", "goal (on paired)");
  printf("%-50s %8.3f %9.3f  <= 1.02 %s\n", "C ABI / Rust call", paired[1], cabi / rust,
         paired[1] <= 1.02 ? "met" : "NOT met");
  printf("%-50s %8.3f %9.3f  <= 1.02 %s\n", "C view / Rust verify_with (both borrowed)", paired[3],
         cands[3].median / cands[2].median, paired[3] <= 1.02 ? "met" : "NOT met");
  printf("%-50s %8.3f %9.3f  (info)\n", "C view / C ABI owned claims", view_over_cabi,
         cands[3].median / cabi);
  printf("%-50s %8.3f %9.3f  (info)\n", "Rust verify_with / Rust verify_at", paired[2],
         cands[2].median / rust);
#ifndef NO_LIBJWT
  printf("%-50s %8.2f %9.2f  >= 8 %s\n", "libjwt (jwt_decode + jwt_free) / C ABI", paired[4],
         cands[4].median / cabi, paired[4] >= 8 ? "met" : "NOT met");
  printf("%-50s %8.2f %9.2f  (info)\n", "libjwt with claim checks / C ABI", paired[5],
         cands[5].median / cabi);
#endif

  /* The goals' paired ratios as JSON, for the Rust report (scripts/bench.sh). */
  const char *json_path = getenv("AIRISK_BENCH_JSON");
  if (json_path) {
    FILE *json = fopen(json_path, "w");
    if (!json) return fprintf(stderr, "bench_verify: cannot write %s\n", json_path), 1;
    fprintf(json, "{\"c_abi_over_rust\": %.4f, \"c_view_over_rust_borrowed\": %.4f, "
            "\"c_view_over_c_abi\": %.4f", paired[1], paired[3], view_over_cabi);
#ifndef NO_LIBJWT
    fprintf(json, ", \"libjwt_over_c_abi\": %.4f, \"libjwt_available\": 1", paired[4]);
#else
    fprintf(json, ", \"libjwt_available\": 0");
#endif
    fprintf(json, "}\n");
    fclose(json);
  }

  for (size_t i = 0; i < count; i++) free(cands[i].samples);
  airisk_string_free(token);
  airisk_verifier_free(verifier);
  airisk_keyset_free(keys);
  return 0;
}
