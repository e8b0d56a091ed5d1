/* Test helper for scripts/test-c.sh: prints a user token for USERID, issued
 * now by https://airisk.example, signed with the key set in KEYS.json. */
#include "airisk_auth.h"

#include <stdio.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc != 3) return fprintf(stderr, "usage: %s KEYS.json USERID\n", argv[0]), 2;
  airisk_keyset *keys = NULL;
  char *token = NULL;
  airisk_result rc = airisk_keyset_from_file(argv[1], &keys);
  if (rc == AIRISK_OK)
    rc = airisk_keyset_mint(keys, "https://airisk.example", "abc123", argv[2], NULL, NULL,
                     (uint64_t)time(NULL), 3600, "mint-now", &token);
  if (rc == AIRISK_OK) printf("%s\n", token);
  else fprintf(stderr, "mint: %s\n", airisk_result_name(rc));
  airisk_string_free(token);
  airisk_keyset_free(keys);
  return rc == AIRISK_OK ? 0 : 1;
}
