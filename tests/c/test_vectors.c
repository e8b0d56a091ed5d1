/* Runs the shared vectors (tests/vectors/tokens.json, flows.json and
 * lifecycle.json) through the C ABI; the lifecycle scenarios twice, on the
 * memory store and on a store of callbacks (lifecycle_store.h). The vectors arrive flattened to a line format by
 * `cargo run -p airisk-auth-c --example flatten_vectors` (format in that
 * file's docs) because C has no JSON parser; every call and every comparison
 * against the expected outcome is made here, through airisk_auth.h.
 *
 * Usage: test_vectors VECTORS_TXT */
#define _POSIX_C_SOURCE 200809L
#include "airisk_auth.h"
#include "check.h"
#include "lifecycle_store.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- records */

typedef struct {
  char *s; /* decoded, NUL-terminated (may also contain NULs: use len) */
  size_t len;
  int null;
} field;

#define MAX_FIELDS 64
typedef struct {
  field f[MAX_FIELDS];
  size_t n;
  size_t line;
} record;

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes `\\` and `\xHH` in place; `\N` alone is null. */
static field decode_field(char *raw, size_t raw_len) {
  field out = {raw, 0, 0};
  if (raw_len == 2 && raw[0] == '\\' && raw[1] == 'N') {
    out.null = 1;
    raw[0] = '\0';
    return out;
  }
  size_t w = 0;
  for (size_t r = 0; r < raw_len; r++) {
    if (raw[r] == '\\' && r + 1 < raw_len && raw[r + 1] == '\\') {
      raw[w++] = '\\';
      r++;
    } else if (raw[r] == '\\' && r + 3 < raw_len && raw[r + 1] == 'x') {
      raw[w++] = (char)(hexval(raw[r + 2]) * 16 + hexval(raw[r + 3]));
      r += 3;
    } else {
      raw[w++] = raw[r];
    }
  }
  raw[w] = '\0';
  out.len = w;
  return out;
}

static void split_record(char *line, size_t len, record *rec) {
  rec->n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= len && rec->n < MAX_FIELDS; i++) {
    if (i == len || line[i] == '\t') {
      rec->f[rec->n++] = decode_field(line + start, i - start);
      start = i + 1;
    }
  }
}

static int is(const field *f, const char *text) {
  return !f->null && f->len == strlen(text) && memcmp(f->s, text, f->len) == 0;
}

static uint64_t num(const field *f) { return strtoull(f->s, NULL, 10); }

/* ------------------------------------------------------------ reporting */

static char context[512];

static void fail(const char *fmt, const char *a, const char *b) {
  check_failed++;
  fprintf(stderr, "FAIL [%s] ", context);
  fprintf(stderr, fmt, a ? a : "(null)", b ? b : "(null)");
  fputc('\n', stderr);
}

static void expect_true(int ok, const char *what) {
  if (ok) {
    check_passed++;
  } else {
    fail("%s%s", what, "");
  }
}

/* Bytes (got, got_len) equal the field (NULL got == null field). */
static void expect_bytes(const char *what, const char *got, size_t got_len, const field *want) {
  int ok = want->null ? got == NULL
                      : (got != NULL && got_len == want->len && memcmp(got, want->s, got_len) == 0);
  if (ok) {
    check_passed++;
  } else {
    check_failed++;
    fprintf(stderr, "FAIL [%s] %s: got \"%.*s\", want \"%.*s\"\n", context, what,
            got ? (int)got_len : 6, got ? got : "(null)", want->null ? 6 : (int)want->len,
            want->null ? "(null)" : want->s);
  }
}

static void expect_code(uint32_t got, const field *name, const field *code) {
  uint32_t want = (uint32_t)num(code);
  const char *want_name = name->null ? "Ok" : name->s;
  if (got == want && strcmp(airisk_result_name(got), want_name) == 0) {
    check_passed++;
  } else {
    fail("result: got %s, want %s", airisk_result_name(got), want_name);
  }
}

/* ---------------------------------------------------------------- tables */

#define MAX_NAMED 64
static struct {
  const char *name;
  airisk_keyset *keys;
} keysets[MAX_NAMED];
static size_t keyset_count;

static struct {
  const char *name;
  field issuer_f, audience_f;
  uint64_t leeway;
  size_t max_len;
  uint32_t flags;
} policies[MAX_NAMED];
static size_t policy_count;

static airisk_keyset *find_keyset(const field *name) {
  for (size_t i = 0; i < keyset_count; i++)
    if (is(name, keysets[i].name)) return keysets[i].keys;
  return NULL;
}

static int find_policy(const field *name) {
  for (size_t i = 0; i < policy_count; i++)
    if (is(name, policies[i].name)) return (int)i;
  return -1;
}

/* ------------------------------------------------------------------ claims */

/* Checks one claim (`FIELD VALUE...` at rec->f[at]) against verified claims. */
static void check_claim(const airisk_claims *c, const record *rec, size_t at) {
  if (c == NULL) {
    fail("claims expected, none verified%s%s", "", "");
    return;
  }
  const field *name = &rec->f[at];
  const field *want = &rec->f[at + 1];
  size_t len = 0;
  const char *got = NULL;
  if (is(name, "iss")) {
    got = airisk_claims_iss(c, &len);
  } else if (is(name, "sub")) {
    got = airisk_claims_sub(c, &len);
  } else if (is(name, "client_id")) {
    got = airisk_claims_client_id(c, &len);
  } else if (is(name, "company_id")) {
    got = airisk_claims_company_id(c, &len);
  } else if (is(name, "jti")) {
    got = airisk_claims_jti(c, &len);
  } else if (is(name, "scope")) {
    got = airisk_claims_scope(c, &len);
  } else if (is(name, "iat") || is(name, "nbf")) {
    uint64_t v = 0;
    int present = is(name, "iat") ? airisk_claims_iat(c, &v) : airisk_claims_nbf(c, &v);
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64, v);
    expect_bytes(name->s, present ? text : NULL, present ? strlen(text) : 0, want);
    return;
  } else if (is(name, "exp")) {
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64, airisk_claims_exp(c));
    expect_bytes("exp", text, strlen(text), want);
    return;
  } else if (is(name, "user_token")) {
    const char *text = airisk_claims_user_token(c) ? "1" : "0";
    expect_bytes("user_token", text, 1, want);
    return;
  } else if (is(name, "aud")) {
    size_t count = (size_t)num(want);
    expect_true(airisk_claims_audience_count(c) == count, "aud count");
    for (size_t i = 0; i < count && at + 2 + i < rec->n; i++) {
      got = airisk_claims_audience(c, i, &len);
      expect_bytes("aud[i]", got, len, &rec->f[at + 2 + i]);
    }
    return;
  } else {
    fail("unknown claim %s%s", name->s, "");
    return;
  }
  expect_bytes(name->s, got, len, want);
}

/* ------------------------------------------------------------- JSON, form */

static const char *skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
  return p;
}

static const char *skip_string(const char *p, const char *end) {
  for (p++; p < end && *p != '"'; p++)
    if (*p == '\\') p++;
  return p < end ? p + 1 : end;
}

/* The raw JSON text of top-level member `name` of the object `(json, len)`. */
static int json_member(const char *json, size_t len, const char *name, const char **value,
                       size_t *value_len) {
  const char *p = json, *end = json + len;
  p = skip_ws(p, end);
  if (p >= end || *p != '{') return 0;
  p++;
  for (;;) {
    p = skip_ws(p, end);
    if (p >= end || *p != '"') return 0;
    const char *key = p + 1;
    p = skip_string(p, end);
    size_t key_len = (size_t)(p - 1 - key);
    p = skip_ws(p, end);
    if (p >= end || *p != ':') return 0;
    p = skip_ws(p + 1, end);
    const char *v = p;
    int depth = 0;
    while (p < end) {
      if (*p == '"') {
        p = skip_string(p, end);
        if (depth == 0) break;
        continue;
      }
      if (*p == '{' || *p == '[') depth++;
      if (*p == '}' || *p == ']') {
        if (depth == 0) break;
        depth--;
        if (depth == 0) {
          p++;
          break;
        }
      }
      if (depth == 0 && (*p == ',' || *p == ' ')) break;
      p++;
    }
    if (key_len == strlen(name) && memcmp(key, name, key_len) == 0) {
      *value = v;
      *value_len = (size_t)(p - v);
      return 1;
    }
    p = skip_ws(p, end);
    if (p >= end || *p != ',') return 0;
    p++;
  }
}

/* application/x-www-form-urlencoded decoding into a new string. */
static char *form_decode(const char *s, size_t len) {
  char *out = malloc(len + 1);
  size_t w = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '+') {
      out[w++] = ' ';
    } else if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out[w++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      out[w++] = s[i];
    }
  }
  out[w] = '\0';
  return out;
}

#define MAX_PARAMS 32
typedef struct {
  char *name[MAX_PARAMS];
  char *value[MAX_PARAMS];
  size_t n;
} params;

static void params_free(params *p) {
  for (size_t i = 0; i < p->n; i++) {
    free(p->name[i]);
    free(p->value[i]);
  }
  p->n = 0;
}

/* The form-decoded parameters of the query of `url`. */
static void parse_location(const char *url, params *out) {
  params_free(out);
  const char *q = url ? strchr(url, '?') : NULL;
  if (q == NULL) return;
  q++;
  while (*q && out->n < MAX_PARAMS) {
    size_t pair = strcspn(q, "&");
    if (pair > 0) {
      const char *eq = memchr(q, '=', pair);
      size_t name_len = eq ? (size_t)(eq - q) : pair;
      out->name[out->n] = form_decode(q, name_len);
      out->value[out->n] = eq ? form_decode(eq + 1, pair - name_len - 1) : form_decode("", 0);
      out->n++;
    }
    q += pair;
    if (*q == '&') q++;
  }
}

static int is_code(const char *v) {
  if (strlen(v) != 56) return 0;
  for (; *v; v++)
    if (!isalnum((unsigned char)*v) && *v != '-' && *v != '_') return 0;
  return 1;
}

static int is_trace_id(const char *v, size_t len) {
  /* "00-" 32 hex "-" 16 hex "-00", within quotes */
  if (len != 2 + 55 || v[0] != '"' || v[len - 1] != '"') return 0;
  v++;
  if (strncmp(v, "00-", 3) != 0 || v[35] != '-' || strncmp(v + 52, "-00", 3) != 0) return 0;
  for (int i = 3; i < 52; i++) {
    if (i == 35) continue;
    if (!isdigit((unsigned char)v[i]) && !(v[i] >= 'a' && v[i] <= 'f')) return 0;
  }
  return 1;
}

/* ------------------------------------------------------------------- flows */

#define MAX_SAVED 32
static struct {
  char *name;
  char *value;
} saved[MAX_SAVED];
static size_t saved_count;

static void saved_clear(void) {
  for (size_t i = 0; i < saved_count; i++) {
    free(saved[i].name);
    free(saved[i].value);
  }
  saved_count = 0;
}

static void save(const char *name, const char *value, size_t len) {
  if (saved_count == MAX_SAVED) return;
  saved[saved_count].name = strdup(name);
  saved[saved_count].value = strndup(value, len);
  saved_count++;
}

/* Replaces every `{name}` of a saved value in the field; new text is kept in `arena`. */
#define ARENA 64
static char *arena[ARENA];
static size_t arena_count;

static void subst(field *f) {
  if (f->null || memchr(f->s, '{', f->len) == NULL) return;
  for (size_t k = 0; k < saved_count; k++) {
    char pattern[128];
    snprintf(pattern, sizeof pattern, "{%s}", saved[k].name);
    const char *hit;
    while ((hit = strstr(f->s, pattern)) != NULL && arena_count < ARENA) {
      size_t pre = (size_t)(hit - f->s), plen = strlen(pattern), vlen = strlen(saved[k].value);
      size_t n = f->len - plen + vlen;
      char *s = malloc(n + 1);
      memcpy(s, f->s, pre);
      memcpy(s + pre, saved[k].value, vlen);
      memcpy(s + pre + vlen, hit + plen, f->len - pre - plen);
      s[n] = '\0';
      arena[arena_count++] = s;
      f->s = s;
      f->len = n;
    }
  }
}

static void arena_clear(void) {
  for (size_t i = 0; i < arena_count; i++) free(arena[i]);
  arena_count = 0;
}

static struct {
  airisk_registry *registry;
  airisk_keyset *keys;
  uint8_t code_key[1024];
  size_t code_key_len;
  char issuer[256];
  char audience[256];
  int has_audience;
  uint64_t code_ttl, token_ttl;
  airisk_issuer *current;
  airisk_verifier *verifier;
  int use_callbacks;   /* flows_store callbacks: scenarios run on an ls_store */
  const char *label;   /* "flows", "lifecycle (memory)", "lifecycle (callbacks)" */
  ls_store *ls;        /* the current scenario's callback store, if any */
  char *metadata;      /* flows_metadata: the core's metadata body */
} flow;

/* Frees the scenario's issuer, verifier and callback store (released exactly once). */
static void flow_release(void) {
  airisk_verifier_free(flow.verifier);
  airisk_issuer_free(flow.current);
  flow.verifier = NULL;
  flow.current = NULL;
  if (flow.ls != NULL) {
    expect_true(flow.ls->released == 1, "the callback store is released once, with its issuer");
    ls_free(flow.ls);
    flow.ls = NULL;
  }
}

static struct {
  int active;
  int is_bearer;
  int is_exchange;
  airisk_result call_rc; /* authorize with claims: the approval's own result */
  char *ticket;           /* seal: the sealed ticket, until saved */
  uint64_t now;
  airisk_response *response;
  airisk_claims *claims;       /* bearer: allowed */
  airisk_claims *token_claims; /* exchange 200: the access token, verified at now */
  params location;
} step;

static void step_clear(void) {
  airisk_response_free(step.response);
  airisk_claims_free(step.claims);
  airisk_claims_free(step.token_claims);
  params_free(&step.location);
  airisk_string_free(step.ticket);
  step.ticket = NULL;
  step.response = NULL;
  step.claims = NULL;
  step.token_claims = NULL;
  step.active = 0;
}

static size_t callback_scenarios;

static void flow_scenario(const field *name) {
  flow_release();
  saved_clear();
  snprintf(context, sizeof context, "%s: %s", flow.label ? flow.label : "flows", name->s);
  /* Each scenario starts from an empty store, as in the Rust and Python replays. */
  airisk_store *store = NULL;
  airisk_result rc;
  if (flow.use_callbacks) {
    flow.ls = ls_new();
    airisk_store_callbacks callbacks = ls_callbacks(flow.ls);
    rc = airisk_store_callbacks_new(&callbacks, &store);
    callback_scenarios++;
  } else {
    rc = airisk_store_memory_new(0, &store);
  }
  expect_true(rc == AIRISK_OK, "a fresh store");
  rc = airisk_issuer_new(flow.registry, flow.keys, flow.code_key, flow.code_key_len, flow.issuer,
                         flow.has_audience ? flow.audience : NULL, flow.code_ttl, flow.token_ttl,
                         store, &flow.current);
  airisk_store_free(store);
  expect_true(rc == AIRISK_OK, "a fresh issuer");
  if (rc == AIRISK_OK) {
    expect_true(airisk_issuer_verifier(flow.current, &flow.verifier) == AIRISK_OK, "its verifier");
  }
}

static size_t steps_run, lifecycle_steps_run;

/* The request parts of an exchange, revoke or introspect step. */
static airisk_request request_of(const record *rec) {
  const field *ct = &rec->f[3], *body = &rec->f[4], *auth = &rec->f[5], *accept = &rec->f[6];
  airisk_request request = {
      .content_type = ct->null ? NULL : ct->s,
      .content_type_len = ct->len,
      .authorization = auth->null ? NULL : auth->s,
      .authorization_len = auth->len,
      .accept = accept->null ? NULL : accept->s,
      .accept_len = accept->len,
      .body = body->s,
      .body_len = body->len,
  };
  return request;
}

static void flow_step(record *rec) {
  step_clear();
  for (size_t i = 3; i < rec->n; i++) subst(&rec->f[i]);
  step.active = 1;
  step.now = num(&rec->f[2]);
  step.is_bearer = is(&rec->f[1], "bearer");
  step.is_exchange = is(&rec->f[1], "exchange");
  step.call_rc = AIRISK_OK;
  steps_run++;
  if (flow.label != NULL && strncmp(flow.label, "lifecycle", 9) == 0) lifecycle_steps_run++;
  airisk_result rc = AIRISK_INTERNAL;
  if (flow.current == NULL) {
    fail("no issuer for this step%s%s", "", "");
    return;
  }
  if (is(&rec->f[1], "authorize") && rec->n > 4 && !rec->f[4].null) {
    /* Validate, then approve with the host's custom claims (their refusal is
     * the approval's result, compared by `expect error`). */
    airisk_pending *pending = NULL;
    rc = airisk_issuer_validate_authorization(flow.current, rec->f[3].s, rec->f[3].len, &pending,
                                              &step.response);
    if (rc == AIRISK_OK && pending != NULL) {
      step.call_rc = airisk_issuer_approve_with_claims_at(
          flow.current, pending, rec->f[4].s, rec->f[4].len, step.now, &step.response);
      airisk_pending_free(pending);
    }
  } else if (is(&rec->f[1], "seal")) {
    airisk_pending *pending = NULL;
    rc = airisk_issuer_validate_authorization(flow.current, rec->f[3].s, rec->f[3].len, &pending,
                                              &step.response);
    expect_true(pending != NULL, "seal: a valid request");
    if (rc == AIRISK_OK && pending != NULL) {
      rc = airisk_issuer_seal_at(flow.current, pending, step.now, &step.ticket);
    }
    airisk_pending_free(pending);
  } else if (is(&rec->f[1], "open")) {
    /* The ticket, its middle character changed when TAMPER is 1 (still base64url). */
    field *ticket = &rec->f[3];
    if (is(&rec->f[5], "1") && ticket->len > 0) {
      size_t middle = ticket->len / 2;
      ticket->s[middle] = ticket->s[middle] == 'A' ? 'B' : 'A';
    }
    airisk_pending *pending = NULL;
    rc = airisk_issuer_open_ticket_at(flow.current, ticket->s, ticket->len, step.now, &pending,
                                      &step.response);
    if (rc == AIRISK_OK && pending != NULL) {
      rc = is(&rec->f[4], "deny")
               ? airisk_issuer_deny(flow.current, pending, &step.response)
               : airisk_issuer_approve_at(flow.current, pending, step.now, &step.response);
    }
    airisk_pending_free(pending);
  } else if (is(&rec->f[1], "authorize")) {
    rc = airisk_issuer_authorize_at(flow.current, rec->f[3].s, rec->f[3].len, step.now,
                                    &step.response);
  } else if (step.is_exchange) {
    airisk_request request = request_of(rec);
    rc = airisk_issuer_exchange_request_at(flow.current, &request, step.now, &step.response);
  } else if (is(&rec->f[1], "revoke")) {
    airisk_request request = request_of(rec);
    rc = airisk_issuer_revoke_at(flow.current, &request, step.now, &step.response);
  } else if (is(&rec->f[1], "introspect")) {
    airisk_request request = request_of(rec);
    rc = airisk_issuer_introspect_at(flow.current, &request, step.now, &step.response);
  } else if (is(&rec->f[1], "metadata")) {
    rc = airisk_issuer_metadata(flow.current, &step.response);
    /* The whole document, byte for byte, is the Rust core's (flows_metadata). */
    size_t len = 0;
    const char *body = step.response ? airisk_response_body(step.response, &len) : NULL;
    field want = {flow.metadata, flow.metadata ? strlen(flow.metadata) : 0, flow.metadata == NULL};
    expect_bytes("the metadata document equals the core's", body, len, &want);
  } else if (is(&rec->f[1], "jwks")) {
    rc = airisk_issuer_jwks(flow.current, &step.response);
  } else if (is(&rec->f[1], "revoke_grant")) {
    const field *client = &rec->f[3], *user = &rec->f[4];
    step.call_rc = airisk_issuer_revoke_grant_at(flow.current, client->null ? NULL : client->s,
                                                 user->null ? NULL : user->s, step.now);
    rc = AIRISK_OK; /* the result itself is compared by `expect error` */
  } else if (step.is_bearer) {
    const field *auth = &rec->f[3];
    uint32_t access = is(&rec->f[4], "user") ? AIRISK_ACCESS_USER : AIRISK_ACCESS_ANY;
    const field *scopes = &rec->f[5];
    rc = airisk_verifier_check_bearer_scopes_at(
        flow.verifier, auth->null ? NULL : auth->s, auth->len, access,
        scopes->null ? NULL : scopes->s, scopes->len, step.now, &step.claims, &step.response);
    expect_true((step.claims == NULL) != (step.response == NULL),
                "bearer: exactly one of claims and response");
  } else {
    fail("unknown op %s%s", rec->f[1].s, "");
  }
  expect_true(rc == AIRISK_OK, "the call answered");
}

static const char *body_of(size_t *len) {
  *len = 0;
  return step.response ? airisk_response_body(step.response, len) : NULL;
}

static const char *location(void) {
  return step.response ? airisk_response_header(step.response, "Location", NULL) : NULL;
}

static void flow_expect(record *rec) {
  for (size_t i = 2; i < rec->n; i++) subst(&rec->f[i]);
  const field *what = &rec->f[1];
  size_t len = 0;
  if (is(what, "status")) {
    unsigned status = step.claims ? 200u : airisk_response_status(step.response);
    char text[16];
    snprintf(text, sizeof text, "%u", status);
    expect_bytes("status", text, strlen(text), &rec->f[2]);
  } else if (is(what, "reason")) {
    uint32_t reason = step.response ? airisk_response_reason(step.response) : AIRISK_OK;
    expect_code(reason, &rec->f[2], &rec->f[3]);
  } else if (is(what, "content_type")) {
    const char *ct =
        step.response ? airisk_response_header(step.response, "Content-Type", &len) : NULL;
    expect_bytes("content type", ct, len, &rec->f[2]);
  } else if (is(what, "body")) {
    const char *body = body_of(&len);
    expect_bytes("body", body, len, &rec->f[2]);
  } else if (is(what, "header")) {
    const char *v =
        step.response ? airisk_response_header(step.response, rec->f[2].s, &len) : NULL;
    expect_bytes(rec->f[2].s, v, len, &rec->f[3]);
  } else if (is(what, "location_prefix")) {
    const char *loc = location();
    int ok = loc != NULL && strncmp(loc, rec->f[2].s, rec->f[2].len) == 0;
    if (ok) {
      check_passed++;
    } else {
      fail("Location %s does not start with %s", loc, rec->f[2].s);
    }
  } else if (is(what, "location_params")) {
    parse_location(location(), &step.location);
    expect_true(step.location.n == num(&rec->f[2]), "the number of Location parameters");
  } else if (is(what, "location_param")) {
    const char *got = NULL;
    for (size_t i = 0; i < step.location.n; i++)
      if (strcmp(step.location.name[i], rec->f[2].s) == 0) got = step.location.value[i];
    if (is(&rec->f[3], "<code>")) {
      expect_true(got != NULL && is_code(got), "a 56-character code");
    } else {
      expect_bytes(rec->f[2].s, got, got ? strlen(got) : 0, &rec->f[3]);
    }
  } else if (is(what, "problem") || is(what, "json")) {
    const char *body = body_of(&len);
    const char *v = NULL;
    size_t vlen = 0;
    if (is(what, "json")) {
      int found = body && json_member(body, len, rec->f[2].s, &v, &vlen);
      expect_bytes(rec->f[2].s, found ? v : NULL, vlen, &rec->f[3]);
    } else {
      static const char *members[] = {"type", "title", "status", "error", "error_description"};
      for (size_t m = 0; m < 5; m++) {
        int found = body && json_member(body, len, members[m], &v, &vlen);
        expect_bytes(members[m], found ? v : NULL, vlen, &rec->f[2 + m]);
      }
      int found = body && json_member(body, len, "traceId", &v, &vlen);
      expect_true(found && is_trace_id(v, vlen), "a W3C traceId");
    }
  } else if (is(what, "error")) {
    expect_code(step.call_rc, &rec->f[2], &rec->f[3]);
  } else if (is(what, "claim") || is(what, "custom")) {
    if (step.is_exchange && step.token_claims == NULL) {
      const char *body = body_of(&len);
      const char *v = NULL;
      size_t vlen = 0;
      if (body && json_member(body, len, "access_token", &v, &vlen) && vlen >= 2) {
        airisk_result rc =
            airisk_verifier_verify_at(flow.verifier, v + 1, vlen - 2, step.now, &step.token_claims);
        expect_true(rc == AIRISK_OK, "the issued token verifies");
      }
    }
    const airisk_claims *c = step.is_exchange ? step.token_claims : step.claims;
    if (is(what, "custom")) {
      const char *got = airisk_claims_get_json(c, rec->f[2].s, rec->f[2].len, &len);
      expect_bytes(rec->f[2].s, got, len, &rec->f[3]);
    } else {
      check_claim(c, rec, 2);
    }
  } else {
    fail("unknown expectation %s%s", what->s, "");
  }
}

static void flow_save(const record *rec) {
  size_t len = 0;
  if (is(&rec->f[1], "code")) {
    params p = {{0}, {0}, 0};
    parse_location(location(), &p);
    int found = 0;
    for (size_t i = 0; i < p.n; i++) {
      if (strcmp(p.name[i], "code") == 0) {
        save(rec->f[2].s, p.value[i], strlen(p.value[i]));
        found = 1;
      }
    }
    params_free(&p);
    expect_true(found, "a code to save");
  } else if (is(&rec->f[1], "ticket")) {
    expect_true(step.ticket != NULL, "a ticket to save");
    if (step.ticket != NULL) save(rec->f[2].s, step.ticket, strlen(step.ticket));
  } else if (is(&rec->f[1], "token") || is(&rec->f[1], "refresh")) {
    const char *body = body_of(&len);
    const char *v = NULL;
    size_t vlen = 0;
    const char *member = is(&rec->f[1], "token") ? "access_token" : "refresh_token";
    int found = body && json_member(body, len, member, &v, &vlen) && vlen >= 2;
    if (found) save(rec->f[2].s, v + 1, vlen - 2);
    expect_true(found, "a token to save");
  } else {
    fail("unknown save %s%s", rec->f[1].s, "");
  }
}

/* ------------------------------------------------------------------ tokens */

static size_t verify_run, mint_run, keys_run;
static airisk_claims *verified;
static airisk_verifier *verify_verifier;

static void run_verify(const record *rec) {
  verify_run++;
  snprintf(context, sizeof context, "verify: %s", rec->f[1].s);
  airisk_keyset *keys = find_keyset(&rec->f[2]);
  int p = find_policy(&rec->f[3]);
  if (keys == NULL || p < 0) {
    fail("unknown keyset or policy %s/%s", rec->f[2].s, rec->f[3].s);
    return;
  }
  airisk_result rc = airisk_verifier_new(
      keys, policies[p].issuer_f.s, policies[p].audience_f.null ? NULL : policies[p].audience_f.s,
      policies[p].leeway, policies[p].max_len, policies[p].flags, &verify_verifier);
  if (rc != AIRISK_OK) {
    fail("verifier: %s%s", airisk_result_name(rc), "");
    return;
  }
  airisk_claims *claims = NULL;
  rc = airisk_verifier_verify_at(verify_verifier, rec->f[5].s, rec->f[5].len, num(&rec->f[4]), &claims);
  expect_code(rc, &rec->f[6], &rec->f[7]);
  verified = claims;
}

static void run_mint(const record *rec) {
  mint_run++;
  snprintf(context, sizeof context, "mint: %s", rec->f[1].s);
  airisk_keyset *keys = find_keyset(&rec->f[2]);
  char *token = NULL;
  airisk_result rc = keys ? airisk_keyset_mint_json(keys, rec->f[3].s, rec->f[3].len, &token)
                          : AIRISK_INVALID_ARGUMENT;
  expect_true(rc == AIRISK_OK, "minted");
  expect_bytes("token", token, token ? strlen(token) : 0, &rec->f[4]);
  airisk_string_free(token);
}

static size_t jws_run;

static void run_jws(const record *rec) {
  jws_run++;
  snprintf(context, sizeof context, "jws: %s", rec->f[1].s);
  airisk_keyset *keys = find_keyset(&rec->f[2]);
  char *token = NULL;
  airisk_result rc = keys ? airisk_dangerous_sign_jws(keys, rec->f[3].s, rec->f[3].len, rec->f[4].s,
                                            rec->f[4].len, &token)
                          : AIRISK_INVALID_ARGUMENT;
  expect_true(rc == AIRISK_OK, "signed");
  expect_bytes("token", token, token ? strlen(token) : 0, &rec->f[5]);
  airisk_string_free(token);
}

static void run_key(const record *rec) {
  keys_run++;
  snprintf(context, sizeof context, "keys: %s", rec->f[1].s);
  airisk_keyset *keys = NULL;
  airisk_result rc = is(&rec->f[2], "jwk")
                         ? airisk_keyset_from_jwk(rec->f[3].s, rec->f[3].len, &keys)
                         : airisk_keyset_from_json(rec->f[3].s, rec->f[3].len, &keys);
  expect_code(rc, &rec->f[4], &rec->f[5]);
  expect_true((rc == AIRISK_OK) == (keys != NULL), "a key set exactly on success");
  airisk_keyset_free(keys);
}

/* -------------------------------------------------------------------- main */

static void run(record *rec) {
  const field *kind = &rec->f[0];
  if (is(kind, "keyset")) {
    snprintf(context, sizeof context, "keyset: %s", rec->f[1].s);
    keysets[keyset_count].name = rec->f[1].s;
    expect_true(airisk_keyset_from_json(rec->f[2].s, rec->f[2].len, &keysets[keyset_count].keys) ==
                    AIRISK_OK,
                "the key set loads");
    keyset_count++;
  } else if (is(kind, "policy")) {
    policies[policy_count].name = rec->f[1].s;
    policies[policy_count].issuer_f = rec->f[2];
    policies[policy_count].audience_f = rec->f[3];
    policies[policy_count].leeway = num(&rec->f[4]);
    policies[policy_count].max_len = (size_t)num(&rec->f[5]);
    policies[policy_count].flags = (is(&rec->f[6], "1") ? AIRISK_POLICY_REQUIRE_USER : 0u) |
                                   (is(&rec->f[7], "0") ? AIRISK_POLICY_ALLOW_PLAIN_JWT : 0u);
    policy_count++;
  } else if (is(kind, "verify")) {
    run_verify(rec);
  } else if (is(kind, "claim")) {
    check_claim(verified, rec, 1);
  } else if (is(kind, "mint")) {
    run_mint(rec);
  } else if (is(kind, "jws")) {
    run_jws(rec);
  } else if (is(kind, "key")) {
    run_key(rec);
  } else if (is(kind, "flows_registry")) {
    /* flows.json, then lifecycle.json: each setup replaces the one before. */
    flow_release();
    airisk_registry_free(flow.registry);
    airisk_keyset_free(flow.keys);
    flow.registry = NULL;
    flow.keys = NULL;
    flow.use_callbacks = 0;
    flow.label = "flows";
    snprintf(context, sizeof context, "flows setup");
    expect_true(airisk_registry_from_json(rec->f[1].s, rec->f[1].len, &flow.registry) == AIRISK_OK,
                "the registry loads");
  } else if (is(kind, "flows_keyset")) {
    expect_true(airisk_keyset_from_json(rec->f[1].s, rec->f[1].len, &flow.keys) == AIRISK_OK,
                "the flows key set loads");
  } else if (is(kind, "flows_metadata")) {
    free(flow.metadata);
    flow.metadata = strndup(rec->f[1].s, rec->f[1].len);
  } else if (is(kind, "flows_store")) {
    flow_release();
    flow.use_callbacks = is(&rec->f[1], "callbacks");
    flow.label = flow.use_callbacks ? "lifecycle (callbacks)" : "lifecycle (memory)";
  } else if (is(kind, "flows_code_key")) {
    flow.code_key_len = 0;
    for (size_t i = 0; i + 1 < rec->f[1].len && flow.code_key_len < sizeof flow.code_key; i += 2)
      flow.code_key[flow.code_key_len++] =
          (uint8_t)(hexval(rec->f[1].s[i]) * 16 + hexval(rec->f[1].s[i + 1]));
  } else if (is(kind, "flows_issuer")) {
    snprintf(flow.issuer, sizeof flow.issuer, "%s", rec->f[1].s);
    flow.has_audience = !rec->f[2].null;
    snprintf(flow.audience, sizeof flow.audience, "%s", rec->f[2].s);
    flow.code_ttl = num(&rec->f[3]);
    flow.token_ttl = num(&rec->f[4]);
  } else if (is(kind, "scenario")) {
    flow_scenario(&rec->f[1]);
  } else if (is(kind, "step")) {
    flow_step(rec);
  } else if (is(kind, "expect")) {
    flow_expect(rec);
  } else if (is(kind, "save")) {
    flow_save(rec);
  } else if (is(kind, "end")) {
    airisk_claims_free(verified);
    verified = NULL;
    airisk_verifier_free(verify_verifier);
    verify_verifier = NULL;
    step_clear();
  } else {
    fail("unknown record %s%s", kind->s, "");
  }
  arena_clear();
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s VECTORS_TXT\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL) {
    perror(argv[1]);
    return 2;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  size_t got = fread(text, 1, (size_t)size, f);
  fclose(f);
  text[got] = '\0';

  record rec;
  size_t line_no = 0;
  for (char *line = text; line < text + got;) {
    char *nl = memchr(line, '\n', (size_t)(text + got - line));
    size_t len = nl ? (size_t)(nl - line) : (size_t)(text + got - line);
    line_no++;
    split_record(line, len, &rec);
    rec.line = line_no;
    run(&rec);
    line = line + len + 1;
  }

  flow_release();
  free(flow.metadata);
  airisk_registry_free(flow.registry);
  airisk_keyset_free(flow.keys);
  for (size_t i = 0; i < keyset_count; i++) airisk_keyset_free(keysets[i].keys);
  saved_clear();
  free(text);

  printf("vectors: %zu verify, %zu mint, %zu jws, %zu keys, %zu flow steps (%zu lifecycle, "
         "%zu scenarios on the callback store)\n",
         verify_run, mint_run, jws_run, keys_run, steps_run, lifecycle_steps_run,
         callback_scenarios);
  if (verify_run == 0 || mint_run == 0 || jws_run == 0 || keys_run == 0 || steps_run == 0 ||
      lifecycle_steps_run == 0 || callback_scenarios == 0) {
    fprintf(stderr, "FAIL: a kind of vector did not run\n");
    check_failed++;
  }
  return check_report("test_vectors");
}
