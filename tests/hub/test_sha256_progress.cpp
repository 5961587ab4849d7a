// SHA-256 against FIPS 180-2's test vectors and OpenSSL's one-shot digest, and the progress line's words.
#include <doctest/doctest.h>

#include <string>

#include "core/hub/progress_line.hpp"
#include "core/hub/sha256.hpp"
#include "tests/hub/fake_hub.hpp"

using namespace attnlab;

TEST_SUITE("hub/sha256") {
  TEST_CASE("known answers, and piece by piece as a download feeds it") {
    Sha256 sha;
    sha.update("abc", 3);
    CHECK(sha.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");  // started again: empty
    const std::string text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (std::size_t i = 0; i < text.size(); i += 5)
      sha.update(text.data() + i, std::min<std::size_t>(5, text.size() - i));
    CHECK(sha.hex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    std::string million(1000000, 'a');
    sha.update(million.data(), million.size());
    CHECK(sha.hex() == hub_test::sha256_hex(million));
    CHECK(is_sha256(hub_test::sha256_hex("x")));
    CHECK_FALSE(is_sha256(hub_test::git_blob_id("x")));
  }
}

TEST_SUITE("hub/progress-line") {
  TEST_CASE("bytes, rate and time left; a resumed part is not counted in the rate") {
    CHECK(byte_count(999) == "999 B");
    CHECK(byte_count(1000) == "1.0 kB");
    CHECK(byte_count(548105171) == "548.1 MB");
    CHECK(byte_count(2'500'000'000) == "2.5 GB");
    CHECK(duration_text(0.4) == "<1 s");
    CHECK(duration_text(42) == "42 s");
    CHECK(duration_text(185) == "3 min 05 s");
    CHECK(duration_text(7800) == "2 h 10 min");
    FileProgress p{"model.safetensors", 100'000'000, 500'000'000, 0, 2.0, false};
    CHECK(progress_line(p) == "model.safetensors  100.0 MB / 500.0 MB  50.0 MB/s  8 s left");
    p.resumed_from = 60'000'000;  // 40 MB in 2 s: 20 MB/s, 400 MB left
    CHECK(progress_line(p) == "model.safetensors  100.0 MB / 500.0 MB  20.0 MB/s  20 s left");
    p = {"config.json", 0, 665, 0, 0, false};
    CHECK(progress_line(p) == "config.json  0 B / 665 B  -- MB/s");
    p = {"model.safetensors", 500'000'000, 500'000'000, 0, 10.0, true};
    CHECK(progress_line(p) == "model.safetensors  500.0 MB  50.0 MB/s  done in 10 s");
  }
}
