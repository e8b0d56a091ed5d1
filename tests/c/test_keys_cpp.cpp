// Keys and claims in C++ code (issue 17.7): airisk::keyset::from_hs256_secret with an
// environment variable's bytes, airisk::keyset_builder, and keyset::mint with
// airisk::token_claims instead of hand-built JSON, custom claims included.
#include "airisk_auth.hpp"

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

namespace {

int passed = 0;
int failed = 0;

void expect(bool ok, const std::string& what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::cerr << "FAIL " << what << "\n";
  }
}

// The code of the airisk::error `f` throws, or AIRISK_OK when it throws none.
template <class F>
uint32_t code_of(F&& f) {
  try {
    f();
  } catch (const airisk::error& e) {
    return e.code();
  }
  return AIRISK_OK;
}

const std::string ISS = "https://airisk.example";
const std::string SECRET = "0123456789abcdef0123456789abcdef";

// The JSON text of custom claim `name` of a verified token, or "" when absent.
std::string custom(const airisk::claims& claims, const std::string& name) {
  size_t len = 0;
  const char* p = airisk_claims_get_json(claims.get(), name.data(), name.size(), &len);
  return p ? std::string(p, len) : std::string();
}

void an_environment_variable_secret_and_typed_claims() {
  setenv("AIRISK_TEST_HS256_SECRET", SECRET.c_str(), 1);
  const char* secret = std::getenv("AIRISK_TEST_HS256_SECRET");
  auto keys = airisk::keyset::from_hs256_secret(secret ? secret : "", "env");
  airisk::verifier verifier(keys, ISS);

  const auto now = static_cast<uint64_t>(std::time(nullptr));
  auto token = keys.mint(airisk::token_claims(ISS, "abc123", 600)
                             .userid("user_42")
                             .company_id("acme")
                             .audience("https://api.airisk.example")
                             .scope("conversations:read conversations:write")
                             .jti("jti-cpp")
                             .issued_at(now)
                             .custom_string("team", "red \"quoted\" \\ \n")
                             .custom_int("level", -3)
                             .custom_bool("admin", false)
                             .custom_json("roles", R"([ "a", {"b": [1, 2]} ])"));
  airisk::verifier with_audience(keys, ISS, std::string("https://api.airisk.example"));
  auto claims = with_audience.verify(token);
  expect(claims.userid() == std::string_view("user_42"), "userid");
  expect(claims.user_token(), "a user token");
  expect(claims.client_id() == std::string_view("abc123"), "client_id");
  expect(claims.company_id() == std::string_view("acme"), "company_id");
  expect(claims.scope() == std::string_view("conversations:read conversations:write"), "scope");
  expect(claims.jti() == std::string_view("jti-cpp"), "jti");
  expect(claims.iat() == now && claims.exp() == now + 600, "iat and exp = iat + ttl");
  expect(custom(claims, "team") == R"("red \"quoted\" \\ \n")", "a custom string, escaped: " +
                                                                     custom(claims, "team"));
  expect(custom(claims, "level") == "-3", "a custom integer");
  expect(custom(claims, "admin") == "false", "a custom bool");
  expect(custom(claims, "roles") == R"(["a",{"b":[1,2]}])", "custom JSON: " + custom(claims, "roles"));

  // A generic token by default: sub is the client_id; iat is now and jti random.
  auto generic = verifier.verify(keys.mint(airisk::token_claims(ISS, "abc123", 60)));
  expect(!generic.userid() && generic.sub() == std::string_view("abc123"), "generic token");
  expect(generic.jti() && generic.jti()->size() == 32, "a random 128-bit jti");
  const auto iat = generic.iat().value_or(0);
  expect(iat + 5 >= now && iat <= now + 5, "iat is the clock's time");
  auto other = verifier.verify(keys.mint(airisk::token_claims(ISS, "abc123", 60)));
  expect(other.jti() != generic.jti(), "each token its own jti");

  // The same bytes as a key-set document verify the tokens: the secret is the key.
  auto exported = keys.to_json(true);
  expect(exported.find("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY") != std::string::npos,
         "the private export holds the secret: " + exported);
  expect(keys.to_json(false).find("MDEy") == std::string::npos, "the public one does not");
  airisk::verifier reloaded(airisk::keyset::from_json(exported), ISS,
                            std::string("https://api.airisk.example"));
  expect(reloaded.verify(token).userid() == std::string_view("user_42"), "the export loads back");
}

void claims_the_library_refuses() {
  auto keys = airisk::keyset::from_hs256_secret(SECRET);
  auto invalid = [&](airisk::token_claims c) { return code_of([&] { keys.mint(c); }); };
  // Registered names are not custom claims, however they are written.
  expect(invalid(airisk::token_claims(ISS, "c", 60).custom_string("sub", "x")) == AIRISK_INVALID_CLAIMS,
         "a reserved custom name");
  // A JSON value that would close its object and add members is refused before the library.
  for (const char* bad : {R"(1,"sub":"evil")", R"(1},"sub":"evil)", R"("a":1)", "", "  ", "[1", "\"open"}) {
    expect(code_of([&] { airisk::token_claims(ISS, "c", 60).custom_json("x", bad); }) ==
               AIRISK_INVALID_CLAIMS,
           std::string("custom_json refuses: ") + bad);
  }
  // Not JSON at all, but one value by the check: the library's parser refuses it.
  expect(invalid(airisk::token_claims(ISS, "c", 60).custom_json("x", "nope")) == AIRISK_INVALID_CLAIMS,
         "custom_json text that is not JSON");
  expect(code_of([&] { airisk::token_claims(ISS, "c", 60).custom_json("x", R"({"a":",}:"})"); }) ==
             AIRISK_OK,
         "brackets and separators inside strings are fine");
  expect(invalid(airisk::token_claims(ISS, "c", 0).issued_at(1000)) == AIRISK_INVALID_CLAIMS,
         "a zero ttl (exp = iat)");
  expect(invalid(airisk::token_claims(ISS, "c", UINT64_MAX).issued_at(1000)) == AIRISK_INVALID_CLAIMS,
         "a ttl past the largest date");
  expect(invalid(airisk::token_claims(ISS, "c", 60).userid("")) == AIRISK_INVALID_CLAIMS,
         "a user token without a userid");
  expect(invalid(airisk::token_claims(ISS, "\xff", 60)) == AIRISK_INVALID_ARGUMENT, "text not UTF-8");
  expect(code_of([] { airisk::keyset::from_hs256_secret("too short"); }) == AIRISK_WEAK_KEY,
         "a secret under 32 bytes");
}

void a_builder_of_generated_keys() {
  airisk::keyset_builder builder;
  builder.generate_ed25519("ed").generate_hs256("hs").add_hs256_secret("env", SECRET);
  expect(code_of([&] { builder.generate_hs256("ed"); }) == AIRISK_DUPLICATE_KEY_ID, "a duplicate kid");
  expect(code_of([&] { builder.add_hs256_secret("weak", "0123"); }) == AIRISK_WEAK_KEY, "a weak secret");
  builder.set_active("nope");
  expect(code_of([&] { builder.build(); }) == AIRISK_UNKNOWN_KEY_ID, "an unknown active kid");
  auto keys = builder.set_active("ed").build();
  auto token = keys.mint(airisk::token_claims(ISS, "abc123", 60).userid("user_42"));
  auto jwks = keys.jwks();
  expect(jwks.find("\"kid\":\"ed\"") != std::string::npos && jwks.find("\"hs\"") == std::string::npos,
         "the public JWKS lists the Ed25519 key only: " + jwks);
  airisk::verifier public_verifier(airisk::keyset::from_json(jwks), ISS);
  expect(public_verifier.verify(token).userid() == std::string_view("user_42"),
         "a verifier with the public JWKS only accepts the token");
  airisk::keyset_builder with_jwk;
  auto single = with_jwk.add_jwk(R"({"kty":"oct","kid":"j","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"})")
                    .build();
  airisk::verifier by_jwk(single, ISS);
  auto env_keys = airisk::keyset::from_hs256_secret(SECRET, "j");
  auto env_token = env_keys.mint(airisk::token_claims(ISS, "abc123", 60));
  expect(by_jwk.verify(env_token).client_id() == std::string_view("abc123"),
         "a JWK and a raw secret of the same bytes are the same key");
}

}  // namespace

int main() {
  try {
    an_environment_variable_secret_and_typed_claims();
    claims_the_library_refuses();
    a_builder_of_generated_keys();
  } catch (const std::exception& e) {
    failed++;
    std::cerr << "FAIL unexpected exception: " << e.what() << "\n";
  }
  std::cout << "test_keys_cpp: " << passed << " passed, " << failed << " failed\n";
  return failed == 0 && passed > 0 ? 0 : 1;
}
