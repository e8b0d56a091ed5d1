/* The C twin of crates/airisk-auth/tests/secrets.rs: secrets loaded through
 * the C ABI are wiped from the heap before it frees them, on every path of
 * every loader, the file loaders included (issue 20.3).
 *
 * The instrument: this program replaces `free` and `realloc` (glibc lets a
 * program interpose them; the library, linked statically, and libc itself then
 * call these), and searches each block before it is freed for the secrets used
 * here, byte strings that appear nowhere else. `realloc` always moves, so a
 * block a reallocation leaves behind is searched too, and `malloc` hands out
 * zeroed blocks, so what a block holds was written by its owner. A test runs a
 * piece of the ABI and asserts that none of the blocks freed meanwhile held a
 * secret; controls show the search finds a secret freed without wiping. Heap
 * only: the stack and registers are not seen.
 *
 * Built and run without sanitizers and not under valgrind: both replace
 * malloc and free themselves, which this test must do. The test's own copies
 * of documents live on the stack or in read-only data, never on the heap. */
#define _GNU_SOURCE
#include "airisk_auth.h"
#include "check.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* The secrets, and the inspecting allocator */

#define HS_SECRET "secrets-c-HS256-key-0123456789!!"
#define HS_SECRET_B64 "c2VjcmV0cy1jLUhTMjU2LWtleS0wMTIzNDU2Nzg5ISE"
/* The seed is the bytes 0xc0..0xdf; X is its public key. */
#define ED_SEED_B64 "wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t8"
#define ED_X_B64 "3eO8zsfzpmoRFfRdcg9NwTXDrnxOItyjj9se_WpJX_g"
#define CLIENT_SECRET "secrets-c-client-SECRET-1a2b3c4d"
#define CODE_SECRET "secrets-c-CODE-key-0123456789!!!"
#define ISS "https://airisk.example"

static const uint8_t ED_SEED[32] = {
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf};

enum { HS, HS_B64, SEED, SEED_B64, CLIENT, CODE, PATTERNS };

static const struct {
  const char *name;
  const void *bytes;
  size_t len;
} PATTERN[PATTERNS] = {
    {"the HS256 secret", HS_SECRET, 32},        {"the HS256 secret in base64url", HS_SECRET_B64, 43},
    {"the Ed25519 seed", ED_SEED, 32},          {"the Ed25519 seed in base64url", ED_SEED_B64, 43},
    {"the client secret", CLIENT_SECRET, 32},   {"the code key", CODE_SECRET, 32},
};

/* How many freed blocks held each secret, since the program started. */
static unsigned long found[PATTERNS];

extern void *__libc_calloc(size_t count, size_t size);
extern void __libc_free(void *ptr);

static void inspect(const void *block, size_t size) {
  for (int i = 0; i < PATTERNS; i++) {
    if (memmem(block, size, PATTERN[i].bytes, PATTERN[i].len) != NULL) found[i]++;
  }
}

void *malloc(size_t size) { return __libc_calloc(1, size); }

void free(void *ptr) {
  if (ptr == NULL) return;
  inspect(ptr, malloc_usable_size(ptr));
  __libc_free(ptr);
}

void *realloc(void *ptr, size_t size) {
  if (ptr == NULL) return malloc(size);
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  void *moved = malloc(size);
  if (moved == NULL) return NULL;
  size_t old = malloc_usable_size(ptr);
  memcpy(moved, ptr, old < size ? old : size);
  free(ptr);
  return moved;
}

/* A window: the counts at its start. */
typedef struct {
  unsigned long at[PATTERNS];
} window;

static window watch(void) {
  window w;
  memcpy(w.at, found, sizeof found);
  return w;
}

/* Asserts that no freed block held any secret since `w` began. */
#define CHECK_WIPED(w, what) check_wiped_at(&(w), (what), __FILE__, __LINE__)
static void check_wiped_at(const window *w, const char *what, const char *file, int line) {
  for (int i = 0; i < PATTERNS; i++) {
    unsigned long n = found[i] - w->at[i];
    if (n == 0) {
      check_passed++;
    } else {
      check_failed++;
      fprintf(stderr, "FAIL %s:%d: %s: %lu freed heap block(s) still held %s\n", file, line, what,
              n, PATTERN[i].name);
    }
  }
}

static unsigned long finds_since(const window *w, int pattern) {
  return found[pattern] - w->at[pattern];
}

/* ------------------------------------------------------------------------ */
/* Documents, on the stack, and files written from them with write(2) (stdio
 * would copy them into a heap buffer of its own). */

#define HS_JWK "{\"kty\":\"oct\",\"kid\":\"k\",\"k\":\"" HS_SECRET_B64 "\"}"
#define ED_JWK                                                                   \
  "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"e\",\"x\":\"" ED_X_B64 "\",\"d\":\"" \
  ED_SEED_B64 "\"}"
#define KEY_DOCUMENT "{\"active_kid\":\"k\",\"keys\":[" HS_JWK "," ED_JWK "]}"
#define CLIENT_MEMBERS "\"client_id\":\"abc123\",\"client_secret\":\"" CLIENT_SECRET "\""
#define REGISTRY_DOCUMENT                                                       \
  "{\"clients\":[{" CLIENT_MEMBERS ",\"redirect_uri\":\"https://localhost/callback\"}]," \
  "\"users\":[{\"userid\":\"user_42\"}]}"

/* Documents each loader refuses for a different reason, secrets before the fault. */
static const char *const REFUSED_KEYS[] = {
    "{\"active_kid\":\"nope\",\"keys\":[" HS_JWK "," ED_JWK "]}",
    "{\"keys\":[" HS_JWK "," ED_JWK,
    "{\"keys\":[" HS_JWK "," ED_JWK "]} trailing",
    "{\"keys\":[" HS_JWK "," HS_JWK "]}",
    "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" HS_SECRET_B64 "\",\"alg\":\"HS512\"}]}",
};
static const char *const REFUSED_REGISTRIES[] = {
    "{\"clients\":[{" CLIENT_MEMBERS ",\"redirect_uri\":\"http://evil.example/cb\"}]}",
    "{\"clients\":[{" CLIENT_MEMBERS,
    "{\"clients\":[{" CLIENT_MEMBERS ",\"redirect_uri\":\"https://localhost/callback\"}]} x",
    "{\"clients\":[{" CLIENT_MEMBERS "," CLIENT_MEMBERS "}]}",
};

static char dir[256];

/* Writes `text`, then `pad` bytes `fill`, to the file `name` in the test's
 * directory; its path goes to `path`. */
static void write_file(const char *name, const char *text, size_t pad, char fill, char *path,
                       size_t cap) {
  snprintf(path, cap, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0, "open %s", path);
  if (fd < 0) return;
  size_t len = strlen(text);
  CHECK(write(fd, text, len) == (ssize_t)len, "write %s", path);
  char chunk[4096];
  memset(chunk, fill, sizeof chunk);
  while (pad > 0) {
    size_t n = pad < sizeof chunk ? pad : sizeof chunk;
    if (write(fd, chunk, n) != (ssize_t)n) {
      CHECK(0, "write %s", path);
      break;
    }
    pad -= n;
  }
  close(fd);
}

/* ------------------------------------------------------------------------ */
/* Controls */

/* The search finds a secret freed without wiping, and not one that is wiped. */
static void control_the_search_finds_unwiped_secrets(void) {
  window w = watch();
  char *copy = strdup(CLIENT_SECRET);
  free(copy);
  CHECK(finds_since(&w, CLIENT) == 1, "a copy freed unwiped is found");

  w = watch();
  copy = malloc(8);
  memcpy(copy, "12345678", 8);
  copy = realloc(copy, 64);
  memcpy(copy, HS_SECRET_B64, 43); /* the outgrown block is searched too */
  char *bigger = realloc(copy, 128);
  CHECK(finds_since(&w, HS_B64) == 1, "a block left behind by realloc is found");
  memset(bigger, 0, 128);
  free(bigger);
  CHECK(finds_since(&w, HS_B64) == 1, "a wiped block is not");
}

/* Reading the key file as most C programs do leaves its text in freed memory. */
static void control_a_plain_file_read_leaves_the_key_behind(void) {
  char path[512];
  write_file("control.json", KEY_DOCUMENT, 0, ' ', path, sizeof path);
  window w = watch();
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL, "fopen");
  if (f == NULL) return;
  char *text = malloc(4096);
  size_t n = fread(text, 1, 4095, f);
  fclose(f); /* stdio's own buffer, freed here, held the text too */
  CHECK(n == strlen(KEY_DOCUMENT), "read %zu bytes", n);
  free(text);
  CHECK(finds_since(&w, HS_B64) >= 1 && finds_since(&w, SEED_B64) >= 1,
        "the key file's text is found in freed blocks");
}

/* ------------------------------------------------------------------------ */
/* The loaders */

static void key_sets_from_text_are_wiped(void) {
  char what[96];
  window w = watch();
  airisk_keyset *keys = NULL;
  CHECK_RC(airisk_keyset_from_json(KEY_DOCUMENT, strlen(KEY_DOCUMENT), &keys), AIRISK_OK);
  char *token = NULL;
  CHECK_RC(airisk_keyset_mint(keys, ISS, "abc123", "user_42", NULL, NULL, 1000, 3600, "j", &token),
           AIRISK_OK);
  airisk_string_free(token);
  airisk_keyset_free(keys);
  keys = NULL;
  CHECK_RC(airisk_keyset_from_jwk(ED_JWK, strlen(ED_JWK), &keys), AIRISK_OK);
  airisk_keyset_free(keys);
  keys = NULL;
  CHECK_RC(airisk_keyset_from_jwk(HS_JWK, strlen(HS_JWK), &keys), AIRISK_OK);
  airisk_keyset_free(keys);
  CHECK_WIPED(w, "airisk_keyset_from_json/from_jwk, minting, freeing");

  for (size_t i = 0; i < sizeof REFUSED_KEYS / sizeof *REFUSED_KEYS; i++) {
    w = watch();
    keys = NULL;
    airisk_result rc = airisk_keyset_from_json(REFUSED_KEYS[i], strlen(REFUSED_KEYS[i]), &keys);
    CHECK(rc != AIRISK_OK && keys == NULL, "refused key document %zu: %s", i,
          airisk_result_name(rc));
    snprintf(what, sizeof what, "airisk_keyset_from_json, refused key document %zu", i);
    CHECK_WIPED(w, what);
  }
}

/* Keys made in code (a raw secret, a builder, a JWK) and their private export. */
static void keys_made_in_code_are_wiped(void) {
  window w = watch();
  airisk_keyset *keys = NULL;
  CHECK_RC(airisk_keyset_from_hs256_secret((const uint8_t *)HS_SECRET, 32, "k", &keys), AIRISK_OK);
  char *json = NULL;
  CHECK_RC(airisk_keyset_to_json(keys, true, &json), AIRISK_OK);
  CHECK(json != NULL && strstr(json, HS_SECRET_B64) != NULL, "the export holds the secret");
  airisk_string_free(json);
  airisk_keyset_free(keys);
  CHECK_WIPED(w, "airisk_keyset_from_hs256_secret, airisk_keyset_to_json, freeing");

  w = watch();
  airisk_keyset_builder *builder = NULL;
  CHECK_RC(airisk_keyset_builder_new(&builder), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_add_hs256_secret(builder, "k", (const uint8_t *)HS_SECRET, 32),
           AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_add_jwk(builder, ED_JWK, strlen(ED_JWK)), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_add_hs256_secret(builder, "k", (const uint8_t *)HS_SECRET, 32),
           AIRISK_DUPLICATE_KEY_ID);
  keys = NULL;
  CHECK_RC(airisk_keyset_builder_set_active(builder, "e"), AIRISK_OK);
  CHECK_RC(airisk_keyset_builder_build(builder, &keys), AIRISK_OK);
  json = NULL;
  CHECK_RC(airisk_keyset_to_json(keys, true, &json), AIRISK_OK);
  CHECK(json != NULL && strstr(json, ED_SEED_B64) != NULL, "the export holds the seed");
  airisk_string_free(json);
  airisk_keyset_free(keys);
  /* A builder freed with its keys still in it. */
  CHECK_RC(airisk_keyset_builder_add_hs256_secret(builder, "k", (const uint8_t *)HS_SECRET, 32),
           AIRISK_OK);
  airisk_keyset_builder_free(builder);
  CHECK_WIPED(w, "airisk_keyset_builder_*, airisk_keyset_to_json, freeing");
}

static void key_files_are_wiped_on_every_path(void) {
  char what[96];
  char path[512];
  write_file("keys.json", KEY_DOCUMENT, 0, ' ', path, sizeof path);
  window w = watch();
  airisk_keyset *keys = NULL;
  CHECK_RC(airisk_keyset_from_file(path, &keys), AIRISK_OK);
  airisk_keyset_free(keys);
  CHECK_WIPED(w, "airisk_keyset_from_file");

  for (size_t i = 0; i < sizeof REFUSED_KEYS / sizeof *REFUSED_KEYS; i++) {
    write_file("refused-keys.json", REFUSED_KEYS[i], 0, ' ', path, sizeof path);
    w = watch();
    keys = NULL;
    airisk_result rc = airisk_keyset_from_file(path, &keys);
    CHECK(rc != AIRISK_OK && keys == NULL, "refused key file %zu: %s", i, airisk_result_name(rc));
    snprintf(what, sizeof what, "airisk_keyset_from_file, refused key document %zu", i);
    CHECK_WIPED(w, what);
  }

  /* Text after the secrets that is not UTF-8; a file over the bound (256 KiB). */
  write_file("not-utf8.json", KEY_DOCUMENT, 1, (char)0xff, path, sizeof path);
  w = watch();
  CHECK_RC(airisk_keyset_from_file(path, &keys), AIRISK_INVALID_KEY);
  CHECK_WIPED(w, "a key file that is not UTF-8");
  write_file("too-large.json", KEY_DOCUMENT, 256 * 1024, ' ', path, sizeof path);
  w = watch();
  CHECK_RC(airisk_keyset_from_file(path, &keys), AIRISK_INVALID_KEY);
  CHECK_WIPED(w, "a key file over the bound");
}

static void registries_from_text_are_wiped(void) {
  char what[96];
  window w = watch();
  airisk_registry *registry = NULL;
  CHECK_RC(airisk_registry_from_json(REGISTRY_DOCUMENT, strlen(REGISTRY_DOCUMENT), &registry),
           AIRISK_OK);
  airisk_registry_free(registry);
  char *why = NULL;
  CHECK_RC(airisk_registry_explain(REGISTRY_DOCUMENT, strlen(REGISTRY_DOCUMENT), &why), AIRISK_OK);
  airisk_string_free(why);
  CHECK_WIPED(w, "airisk_registry_from_json, airisk_registry_explain");

  for (size_t i = 0; i < sizeof REFUSED_REGISTRIES / sizeof *REFUSED_REGISTRIES; i++) {
    const char *doc = REFUSED_REGISTRIES[i];
    w = watch();
    registry = NULL;
    CHECK_RC(airisk_registry_from_json(doc, strlen(doc), &registry), AIRISK_INVALID_REGISTRY);
    why = NULL;
    CHECK_RC(airisk_registry_explain(doc, strlen(doc), &why), AIRISK_OK);
    CHECK(why != NULL && *why != '\0' && strstr(why, CLIENT_SECRET) == NULL,
          "explained without the secret: %s", why ? why : "(null)");
    airisk_string_free(why);
    snprintf(what, sizeof what, "airisk_registry_from_json/explain, refused registry %zu", i);
    CHECK_WIPED(w, what);
  }
}

static void registry_files_are_wiped_on_every_path(void) {
  char what[96];
  char path[512];
  write_file("registry.json", REGISTRY_DOCUMENT, 0, ' ', path, sizeof path);
  window w = watch();
  airisk_registry *registry = NULL;
  CHECK_RC(airisk_registry_from_file(path, &registry), AIRISK_OK);
  airisk_registry_free(registry);
  CHECK_WIPED(w, "airisk_registry_from_file");

  for (size_t i = 0; i < sizeof REFUSED_REGISTRIES / sizeof *REFUSED_REGISTRIES; i++) {
    write_file("refused-registry.json", REFUSED_REGISTRIES[i], 0, ' ', path, sizeof path);
    w = watch();
    registry = NULL;
    CHECK_RC(airisk_registry_from_file(path, &registry), AIRISK_INVALID_REGISTRY);
    CHECK(registry == NULL, "out untouched");
    snprintf(what, sizeof what, "airisk_registry_from_file, refused registry %zu", i);
    CHECK_WIPED(w, what);
  }
  write_file("not-utf8-registry.json", REGISTRY_DOCUMENT, 1, (char)0xff, path, sizeof path);
  w = watch();
  CHECK_RC(airisk_registry_from_file(path, &registry), AIRISK_INVALID_REGISTRY);
  CHECK_WIPED(w, "a registry file that is not UTF-8");
  /* The bound is 16 MiB. */
  write_file("too-large-registry.json", REGISTRY_DOCUMENT, 16 * 1024 * 1024, ' ', path,
             sizeof path);
  w = watch();
  CHECK_RC(airisk_registry_from_file(path, &registry), AIRISK_INVALID_REGISTRY);
  CHECK_WIPED(w, "a registry file over the bound");
}

/* ------------------------------------------------------------------------ */
/* An issuer made from the files: the code key, the presented client secret */

static void an_issuer_and_a_token_request_leave_nothing(void) {
  char path[512];
  window w = watch();
  write_file("keys.json", KEY_DOCUMENT, 0, ' ', path, sizeof path);
  airisk_keyset *keys = NULL;
  CHECK_RC(airisk_keyset_from_file(path, &keys), AIRISK_OK);
  write_file("registry.json", REGISTRY_DOCUMENT, 0, ' ', path, sizeof path);
  airisk_registry *registry = NULL;
  CHECK_RC(airisk_registry_from_file(path, &registry), AIRISK_OK);
  airisk_store *store = NULL;
  CHECK_RC(airisk_store_memory_new(0, &store), AIRISK_OK);
  airisk_issuer *issuer = NULL;
  CHECK_RC(airisk_issuer_new(registry, keys, (const uint8_t *)CODE_SECRET, 32, ISS, NULL,
                             AIRISK_DEFAULT_CODE_TTL, AIRISK_DEFAULT_TOKEN_TTL, store, &issuer),
           AIRISK_OK);
  airisk_store_free(store);
  airisk_registry_free(registry);
  airisk_keyset_free(keys);

  const char *query = "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42";
  airisk_response *r = NULL;
  CHECK_RC(airisk_issuer_authorize_at(issuer, query, strlen(query), 1000, &r), AIRISK_OK);
  const char *location = airisk_response_header(r, "Location", NULL);
  const char *code = location != NULL ? strstr(location, "code=") : NULL;
  CHECK(code != NULL, "a code");
  char body[512];
  snprintf(body, sizeof body,
           "client_id=abc123&client_secret=" CLIENT_SECRET
           "&redirect_uri=https%%3A%%2F%%2Flocalhost%%2Fcallback&userid=user_42&%s",
           code != NULL ? code : "");
  airisk_response_free(r);
  const char *form = "application/x-www-form-urlencoded";
  r = NULL;
  CHECK_RC(airisk_issuer_exchange_at(issuer, form, strlen(form), body, strlen(body), 1001, &r),
           AIRISK_OK);
  CHECK(airisk_response_status(r) == 200, "status %u", airisk_response_status(r));
  airisk_response_free(r);

  char json[512];
  snprintf(json, sizeof json,
           "{\"client_id\":\"abc123\",\"client_secret\":\"%s\",\"code\":\"nope\","
           "\"redirect_uri\":\"https://localhost/callback\",\"userid\":\"user_42\"}",
           CLIENT_SECRET "-wrong");
  const char *json_type = "application/json";
  r = NULL;
  CHECK_RC(airisk_issuer_exchange_at(issuer, json_type, strlen(json_type), json, strlen(json),
                                     1001, &r),
           AIRISK_OK);
  CHECK(airisk_response_status(r) == 401, "status %u", airisk_response_status(r));
  size_t len = 0;
  const char *answer = airisk_response_body(r, &len);
  CHECK(answer != NULL && memmem(answer, len, CLIENT_SECRET, 32) == NULL, "not echoed");
  airisk_response_free(r);
  airisk_issuer_free(issuer);
  memset(body, 0, sizeof body);
  memset(json, 0, sizeof json);
  CHECK_WIPED(w, "an issuer from files, a token request, freeing it all");
}

int main(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/airisk-secrets-XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  control_the_search_finds_unwiped_secrets();
  control_a_plain_file_read_leaves_the_key_behind();
  key_sets_from_text_are_wiped();
  keys_made_in_code_are_wiped();
  key_files_are_wiped_on_every_path();
  registries_from_text_are_wiped();
  registry_files_are_wiped_on_every_path();
  an_issuer_and_a_token_request_leave_nothing();

  const char *names[] = {"control.json", "keys.json", "refused-keys.json", "not-utf8.json",
                         "too-large.json", "registry.json", "refused-registry.json",
                         "not-utf8-registry.json", "too-large-registry.json"};
  char path[512];
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  rmdir(dir);
  return check_report("test_secrets");
}
