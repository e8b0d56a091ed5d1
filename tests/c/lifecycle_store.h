/* A whole store kept by the application for the C tests (header-only, test
 * code only): single use, revocation, and the optional lifecycle groups of
 * airisk_store_callbacks (grant revocation, refresh tokens), in memory behind
 * a mutex. Each group can be told to misbehave, to check that the library
 * fails closed. Used by test_lifecycle.c and by test_vectors.c (which replays
 * tests/vectors/lifecycle.json against it as well as the memory store). */
#ifndef AIRISK_TEST_LIFECYCLE_STORE_H
#define AIRISK_TEST_LIFECYCLE_STORE_H

#include "airisk_auth.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LS_CAPACITY 128
#define LS_ID_MAX 257 /* MAX_ID_LEN (256) and a NUL */

/* How a lifecycle callback behaves (set per group by the test). */
typedef enum {
  LS_ANSWER,  /* does its job and returns 0 */
  LS_FAIL,    /* returns 1: the store is unreachable */
  LS_SILENT,  /* returns 0 without writing its out-values */
  LS_GARBAGE, /* returns 0 and writes a state that means nothing */
  LS_LONG     /* (refresh lookups) claims a record longer than the buffer */
} ls_mode;

typedef struct {
  pthread_mutex_t lock;
  size_t codes, jtis, grants, refreshes;
  struct {
    uint8_t id[16];
    uint64_t until;
  } code[LS_CAPACITY];
  struct {
    char jti[128];
    size_t len;
    uint64_t until;
  } jti[LS_CAPACITY];
  struct {
    char client[LS_ID_MAX], user[LS_ID_MAX];
    int generic;
    uint64_t not_before, until;
  } grant[LS_CAPACITY];
  struct {
    uint8_t digest[AIRISK_REFRESH_DIGEST_LEN];
    char *record;
    size_t len;
    uint64_t expires_at;
    int used;
  } refresh[LS_CAPACITY];
  ls_mode grant_mode, refresh_mode;
  int grant_lookups, refresh_uses, released;
} ls_store;

static inline ls_store *ls_new(void) {
  ls_store *s = calloc(1, sizeof *s);
  if (s == NULL) abort();
  pthread_mutex_init(&s->lock, NULL);
  return s;
}

static inline void ls_free(ls_store *s) {
  for (size_t i = 0; i < s->refreshes; i++) free(s->refresh[i].record);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

static inline uint32_t ls_redeem(void *user_data, const uint8_t *code_id, uint64_t expires_at,
                                 uint64_t now, uint32_t *redemption) {
  ls_store *s = user_data;
  uint32_t rc = 0;
  pthread_mutex_lock(&s->lock);
  *redemption = AIRISK_REDEMPTION_FIRST;
  for (size_t i = 0; i < s->codes; i++)
    if (memcmp(s->code[i].id, code_id, 16) == 0 && s->code[i].until > now)
      *redemption = AIRISK_REDEMPTION_REPLAYED;
  if (*redemption == AIRISK_REDEMPTION_FIRST) {
    if (s->codes == LS_CAPACITY) {
      rc = AIRISK_LEDGER_FULL;
    } else {
      memcpy(s->code[s->codes].id, code_id, 16);
      s->code[s->codes++].until = expires_at;
    }
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static inline uint32_t ls_revoke(void *user_data, const char *jti, size_t len, uint64_t until,
                                 uint64_t now) {
  ls_store *s = user_data;
  uint32_t rc = 0;
  (void)now;
  pthread_mutex_lock(&s->lock);
  if (s->jtis == LS_CAPACITY || len >= sizeof s->jti[0].jti) {
    rc = AIRISK_LEDGER_FULL;
  } else {
    memcpy(s->jti[s->jtis].jti, jti, len);
    s->jti[s->jtis].len = len;
    s->jti[s->jtis++].until = until;
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static inline uint32_t ls_is_revoked(void *user_data, const char *jti, size_t len, uint64_t now,
                                     uint32_t *revoked) {
  ls_store *s = user_data;
  pthread_mutex_lock(&s->lock);
  *revoked = AIRISK_JTI_NOT_REVOKED;
  for (size_t i = 0; i < s->jtis; i++)
    if (s->jti[i].len == len && memcmp(s->jti[i].jti, jti, len) == 0 && s->jti[i].until > now)
      *revoked = AIRISK_JTI_REVOKED;
  pthread_mutex_unlock(&s->lock);
  return 0;
}

/* The grant record of (client, user or NULL), or NULL. Caller holds the lock. */
static inline size_t ls_grant_index(ls_store *s, const char *client, size_t client_len,
                                    const char *user, size_t user_len) {
  for (size_t i = 0; i < s->grants; i++) {
    if (strlen(s->grant[i].client) != client_len ||
        memcmp(s->grant[i].client, client, client_len) != 0)
      continue;
    if (user == NULL ? s->grant[i].generic
                     : (!s->grant[i].generic && strlen(s->grant[i].user) == user_len &&
                        memcmp(s->grant[i].user, user, user_len) == 0))
      return i;
  }
  return SIZE_MAX;
}

static inline uint32_t ls_revoke_grant(void *user_data, const char *client, size_t client_len,
                                       const char *user, size_t user_len, uint64_t not_before,
                                       uint64_t until, uint64_t now) {
  ls_store *s = user_data;
  uint32_t rc = 0;
  (void)now;
  if (client_len >= LS_ID_MAX || user_len >= LS_ID_MAX) return AIRISK_LEDGER_FULL;
  pthread_mutex_lock(&s->lock);
  if (s->grant_mode == LS_FAIL) {
    rc = 1;
    goto out;
  }
  size_t i = ls_grant_index(s, client, client_len, user, user_len);
  if (i == SIZE_MAX) {
    if (s->grants == LS_CAPACITY) {
      rc = AIRISK_LEDGER_FULL;
      goto out;
    }
    i = s->grants++;
    memcpy(s->grant[i].client, client, client_len);
    s->grant[i].client[client_len] = '\0';
    s->grant[i].generic = user == NULL;
    if (user != NULL) memcpy(s->grant[i].user, user, user_len);
    s->grant[i].user[user_len] = '\0';
  }
  /* Never moves either time back. */
  if (not_before > s->grant[i].not_before) s->grant[i].not_before = not_before;
  if (until > s->grant[i].until) s->grant[i].until = until;
out:
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static inline uint32_t ls_grant_not_before(void *user_data, const char *client, size_t client_len,
                                           const char *user, size_t user_len, uint64_t now,
                                           uint32_t *state, uint64_t *not_before) {
  ls_store *s = user_data;
  uint32_t rc = 0;
  pthread_mutex_lock(&s->lock);
  s->grant_lookups++;
  switch (s->grant_mode) {
    case LS_FAIL: rc = 1; goto out;
    case LS_SILENT: goto out;
    case LS_GARBAGE: *state = 9; goto out;
    default: break;
  }
  size_t i = ls_grant_index(s, client, client_len, user, user_len);
  if (i != SIZE_MAX && s->grant[i].until > now) {
    *state = AIRISK_GRANT_REVOKED;
    *not_before = s->grant[i].not_before;
  } else {
    *state = AIRISK_GRANT_NOT_REVOKED;
  }
out:
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static inline uint32_t ls_refresh_insert(void *user_data, const uint8_t *digest,
                                         const char *record, size_t record_len,
                                         uint64_t expires_at, uint64_t now) {
  ls_store *s = user_data;
  uint32_t rc = 0;
  (void)now;
  pthread_mutex_lock(&s->lock);
  if (s->refresh_mode == LS_FAIL) {
    rc = 1;
  } else if (s->refreshes == LS_CAPACITY) {
    rc = AIRISK_LEDGER_FULL;
  } else {
    size_t i = s->refreshes++;
    memcpy(s->refresh[i].digest, digest, AIRISK_REFRESH_DIGEST_LEN);
    s->refresh[i].record = malloc(record_len + 1);
    if (s->refresh[i].record == NULL) abort();
    memcpy(s->refresh[i].record, record, record_len);
    s->refresh[i].len = record_len;
    s->refresh[i].expires_at = expires_at;
    s->refresh[i].used = 0;
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static inline uint32_t ls_refresh_lookup(ls_store *s, const uint8_t *digest, uint64_t now,
                                         uint32_t *state, char *buf, size_t cap, size_t *len,
                                         int consume) {
  uint32_t rc = 0;
  pthread_mutex_lock(&s->lock);
  s->refresh_uses += consume;
  switch (s->refresh_mode) {
    case LS_FAIL: rc = 1; goto out;
    case LS_SILENT: goto out;
    case LS_GARBAGE: *state = 0; goto out;
    default: break;
  }
  *state = AIRISK_REFRESH_UNKNOWN;
  for (size_t i = 0; i < s->refreshes; i++) {
    if (memcmp(s->refresh[i].digest, digest, AIRISK_REFRESH_DIGEST_LEN) != 0 ||
        s->refresh[i].expires_at <= now)
      continue;
    if (s->refresh[i].len > cap) {
      rc = AIRISK_LEDGER_FULL;
      goto out;
    }
    *state = s->refresh[i].used ? AIRISK_REFRESH_REPLAYED : AIRISK_REFRESH_FIRST;
    if (consume) s->refresh[i].used = 1;
    memcpy(buf, s->refresh[i].record, s->refresh[i].len);
    *len = s->refresh_mode == LS_LONG ? cap + 1 : s->refresh[i].len;
  }
out:
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static inline uint32_t ls_refresh_use(void *user_data, const uint8_t *digest, uint64_t now,
                                      uint32_t *state, char *buf, size_t cap, size_t *len) {
  return ls_refresh_lookup(user_data, digest, now, state, buf, cap, len, 1);
}

static inline uint32_t ls_refresh_peek(void *user_data, const uint8_t *digest, uint64_t now,
                                       uint32_t *state, char *buf, size_t cap, size_t *len) {
  return ls_refresh_lookup(user_data, digest, now, state, buf, cap, len, 0);
}

static inline void ls_release(void *user_data) { ((ls_store *)user_data)->released++; }

/* Every callback, the two lifecycle groups included; the caller keeps `s` and
 * frees it (ls_free) after the last issuer using it is gone. */
static inline airisk_store_callbacks ls_callbacks(ls_store *s) {
  airisk_store_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.user_data = s;
  cb.redeem = ls_redeem;
  cb.revoke = ls_revoke;
  cb.is_revoked = ls_is_revoked;
  cb.release = ls_release;
  cb.revoke_grant = ls_revoke_grant;
  cb.grant_not_before = ls_grant_not_before;
  cb.refresh_insert = ls_refresh_insert;
  cb.refresh_use = ls_refresh_use;
  cb.refresh_peek = ls_refresh_peek;
  return cb;
}

#endif
