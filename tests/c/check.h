/* Minimal test bookkeeping shared by the C tests (header-only, test code only). */
#ifndef AIRISK_TEST_CHECK_H
#define AIRISK_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed;
static int check_failed;

/* Counts one assertion; prints the failing ones with their location. */
#define CHECK(cond, ...)                                                      \
  do {                                                                        \
    if (cond) {                                                               \
      check_passed++;                                                         \
    } else {                                                                  \
      check_failed++;                                                         \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);         \
      fprintf(stderr, __VA_ARGS__);                                           \
      fputc('\n', stderr);                                                    \
    }                                                                         \
  } while (0)

/* An airisk_result equals the expected code. */
#define CHECK_RC(rc, expected)                                                \
  CHECK((rc) == (expected), "got %s (%u), want %s (%u)",                      \
        airisk_result_name(rc), (unsigned)(rc), airisk_result_name(expected), \
        (unsigned)(expected))

/* A NUL-terminated string equals the expected one (NULL-safe). */
static inline void check_str_at(const char *got, const char *want, const char *expr, const char *file,
                                int line) {
  if ((got == NULL && want == NULL) || (got != NULL && want != NULL && strcmp(got, want) == 0)) {
    check_passed++;
  } else {
    check_failed++;
    fprintf(stderr, "FAIL %s:%d: %s: got \"%s\", want \"%s\"\n", file, line, expr,
            got ? got : "(null)", want ? want : "(null)");
  }
}
#define CHECK_STR(got, want) check_str_at((got), (want), #got, __FILE__, __LINE__)

/* The closing line scripts/test-c.sh adds up. Returns the exit status. */
static inline int check_report(const char *suite) {
  printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed);
  return check_failed == 0 && check_passed > 0 ? 0 : 1;
}

#endif
