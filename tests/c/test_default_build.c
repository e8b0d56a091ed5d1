/* The library as `scripts/install-c.sh` installs it by default (no cargo features):
 * the Redis and PostgreSQL stores are left out, their constructors stay exported and
 * refuse, naming the feature to build with, and write nothing. Built by
 * scripts/test-c.sh against the installed shared library (pkg-config). */
#include <airisk_auth.h>
#include "check.h"

#include <string.h>

static int sentinel;

int main(void) {
  airisk_store *const untouched = (airisk_store *)&sentinel;
  airisk_store *store = untouched;
  CHECK_RC(airisk_store_redis_new("redis://127.0.0.1:6379/0", NULL, &store),
           AIRISK_INVALID_CONFIGURATION);
  CHECK(store == untouched, "out untouched on failure");
  CHECK(strstr(airisk_last_error_detail(), "without the `redis` feature") != NULL,
        "the detail names the redis feature: %s", airisk_last_error_detail());
  CHECK_RC(airisk_store_postgres_new("host=127.0.0.1 user=airisk", NULL, &store),
           AIRISK_INVALID_CONFIGURATION);
  CHECK(store == untouched, "out untouched on failure");
  CHECK(strstr(airisk_last_error_detail(), "FEATURES=postgres") != NULL,
        "the detail says how to build with postgres: %s", airisk_last_error_detail());
  /* The rest of the library is all there: a memory store. */
  CHECK_RC(airisk_store_memory_new(0, &store), AIRISK_OK);
  CHECK(store != untouched && store != NULL, "a memory store");
  airisk_store_free(store);
  return check_report("test_default_build");
}
