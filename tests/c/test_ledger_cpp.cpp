// airisk::store (airisk_auth.hpp): a C++ store plugged into an issuer. Single
// use through the flow, revocation of a replayed code's token, exceptions
// turned into 503s, and the issuer and its verifier sharing ownership of it.
#include "airisk_auth.hpp"

#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

static int passed, failed;
#define CHECK(cond)                                                     \
  do {                                                                  \
    if (cond) {                                                         \
      passed++;                                                         \
    } else {                                                            \
      failed++;                                                         \
      std::fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                   \
  } while (0)

namespace {

const char* const ISS = "https://airisk.example";
const char* const FORM = "application/x-www-form-urlencoded";
const uint64_t NOW = 1743423132;

// Written from the header's documentation of airisk::store.
class memory_store : public airisk::store {
 public:
  airisk::redemption redeem(const std::array<uint8_t, 16>& code_id, uint64_t expires_at,
                            uint64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (unreachable) throw std::runtime_error("store unreachable");
    if (bogus_answer) return static_cast<airisk::redemption>(0);
    auto found = codes_.find(code_id);
    if (found != codes_.end() && found->second > now) return airisk::redemption::replayed;
    codes_[code_id] = expires_at;
    return airisk::redemption::first;
  }
  void revoke(std::string_view jti, uint64_t until, uint64_t) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (unreachable) throw std::runtime_error("store unreachable");
    auto& u = revoked_[std::string(jti)];
    if (until > u) u = until;
  }
  bool is_revoked(std::string_view jti, uint64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (unreachable) throw std::runtime_error("store unreachable");
    auto found = revoked_.find(std::string(jti));
    return found != revoked_.end() && found->second > now;
  }
  size_t codes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return codes_.size();
  }
  bool unreachable = false;  // set only while no other thread uses the store
  bool bogus_answer = false;  // answers a value outside airisk::redemption

 private:
  std::mutex mutex_;
  std::map<std::array<uint8_t, 16>, uint64_t> codes_;
  std::map<std::string, uint64_t> revoked_;
};

std::string exchange_body(const airisk::issuer& issuer) {
  auto r = issuer.authorize_at(
      "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42", NOW);
  CHECK(r.status() == 302);
  std::string location(r.header("Location").value_or(""));
  auto at = location.find("code=");
  CHECK(at != std::string::npos);
  return "client_id=abc123&client_secret=s3cret-s3cret&redirect_uri=https%3A%2F%2Flocalhost"
         "%2Fcallback&userid=user_42&" +
         (at == std::string::npos ? std::string("code=none") : location.substr(at));
}

std::string access_token(const airisk::response& r) {
  std::string body(r.body());
  const std::string key = "\"access_token\":\"";
  auto at = body.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return body.substr(at, body.find('"', at) - at);
}

}  // namespace

int main() {
  auto keys = airisk::keyset::from_json(
      R"({"keys":[{"kty":"oct","kid":"k1","alg":"HS256","k":"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA"}]})");
  auto registry = airisk::registry::from_json(
      R"({"clients":[{"client_id":"abc123","client_secret":"s3cret-s3cret","redirect_uri":"https://localhost/callback"}],)"
      R"("users":[{"userid":"user_42"}]})");
  std::vector<uint8_t> code_key(32, 7);

  auto store = std::make_shared<memory_store>();
  {
    airisk::issuer issuer(registry, keys, code_key, ISS, store);
    CHECK(store.use_count() == 2);  // the library holds one reference
    auto verifier = issuer.verifier();
    std::string body = exchange_body(issuer);

    auto first = issuer.exchange_at(FORM, body, NOW + 5);
    std::string token = access_token(first);
    CHECK(first.status() == 200 && !token.empty());
    CHECK(store->codes() == 1);
    auto allowed = airisk::check_bearer_at(verifier, "Bearer " + token, AIRISK_ACCESS_USER, NOW + 6);
    CHECK(allowed.allowed());

    auto replay = issuer.exchange_at(FORM, body, NOW + 7);
    CHECK(replay.status() == 400 && replay.reason() == AIRISK_CODE_ALREADY_REDEEMED);
    CHECK(access_token(replay).empty());
    auto revoked = airisk::check_bearer_at(verifier, "Bearer " + token, AIRISK_ACCESS_USER, NOW + 8);
    CHECK(!revoked.allowed() && revoked.refusal && revoked.refusal->status() == 401 &&
          revoked.refusal->reason() == AIRISK_TOKEN_REVOKED);

    // Exceptions are the store being unavailable: fail closed.
    std::string second = exchange_body(issuer);
    store->unreachable = true;
    auto down = issuer.exchange_at(FORM, second, NOW + 9);
    CHECK(down.status() == 503 && down.reason() == AIRISK_LEDGER_UNAVAILABLE);
    CHECK(access_token(down).empty());
    auto unknown = airisk::check_bearer_at(verifier, "Bearer " + token, AIRISK_ACCESS_USER, NOW + 9);
    CHECK(unknown.refusal && unknown.refusal->status() == 503 &&
          unknown.refusal->reason() == AIRISK_LEDGER_UNAVAILABLE);
    store->unreachable = false;

    // An answer outside the enum cannot be taken for a first use: 503, no token.
    store->bogus_answer = true;
    auto confused = issuer.exchange_at(FORM, second, NOW + 10);
    CHECK(confused.status() == 503 && confused.reason() == AIRISK_LEDGER_UNAVAILABLE);
    CHECK(access_token(confused).empty());
    store->bogus_answer = false;
    CHECK(issuer.exchange_at(FORM, second, NOW + 10).status() == 200);
  }
  CHECK(store.use_count() == 1);  // released when the issuer and its verifier were freed

  {
    auto verifier_only = [&] {
      airisk::issuer issuer(registry, keys, code_key, ISS, store);
      return issuer.verifier();
    }();
    CHECK(store.use_count() == 2);  // held by the verifier alone
  }
  CHECK(store.use_count() == 1);

  bool refused = false;
  try {
    airisk::issuer issuer(registry, keys, code_key, ISS, std::shared_ptr<airisk::store>());
  } catch (const airisk::error& e) {
    refused = e.code() == AIRISK_INVALID_ARGUMENT;
  }
  CHECK(refused);
  refused = false;
  try {
    airisk::issuer issuer(registry, keys, std::vector<uint8_t>(16, 7), ISS, store);
  } catch (const airisk::error& e) {
    refused = e.code() == AIRISK_WEAK_KEY;
  }
  CHECK(refused && store.use_count() == 1);  // nothing leaked on failure

  std::printf("test_ledger_cpp: %d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
