/* Verify a bearer token with libairisk_auth and print its userid.
 * Build: cc hello.c $(pkg-config --cflags --libs airisk-auth) -o hello
 * Run:   ./hello keys.json "$TOKEN" */
#include <airisk_auth.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3) return fprintf(stderr, "usage: %s KEYS.json TOKEN\n", argv[0]), 2;
  airisk_keyset *keys = NULL;
  airisk_verifier *verifier = NULL;
  airisk_claims *claims = NULL;
  airisk_result rc = airisk_keyset_from_file(argv[1], &keys);
  if (rc == AIRISK_OK)
    rc = airisk_verifier_new(keys, "https://airisk.example", NULL, AIRISK_DEFAULT_LEEWAY,
                             AIRISK_DEFAULT_MAX_TOKEN_LEN, 0, &verifier);
  if (rc == AIRISK_OK) rc = airisk_verifier_verify(verifier, argv[2], strlen(argv[2]), &claims);
  if (rc == AIRISK_OK) {
    const char *userid = airisk_claims_userid(claims, NULL);
    printf("userid: %s\n", userid ? userid : "(none: a generic token)");
  } else {
    fprintf(stderr, "refused: %s (%s)\n", airisk_result_name(rc), airisk_result_text(rc));
  }
  airisk_claims_free(claims);
  airisk_verifier_free(verifier);
  airisk_keyset_free(keys);
  return rc == AIRISK_OK ? 0 : 1;
}
