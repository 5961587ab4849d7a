#pragma once
// The shipped induction model (assets/models/induction) for the float64 references of the tests:
// its model.safetensors read with a few lines of its own (F32 only, as the card says).
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli_run.hpp"
#include "tests/model/tiny_models.hpp"

namespace shipped_test {

namespace fs = std::filesystem;
using cli_test::read_all;
using model_test::TestTensor;
using model_test::TinyModel;

inline const fs::path kModel = fs::path(ATTNLAB_ASSETS_DIR) / "models" / "induction";

inline TinyModel shipped_model() {
  const std::string file = read_all(kModel / "model.safetensors");
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = n << 8 | static_cast<unsigned char>(file[static_cast<std::size_t>(i)]);
  const nlohmann::json header = nlohmann::json::parse(file.substr(8, n));
  TinyModel m;
  m.spec.model_type = "gpt2";
  const nlohmann::json config = nlohmann::json::parse(read_all(kModel / "config.json"));
  m.spec.vocab = config["vocab_size"], m.spec.hidden = config["n_embd"], m.spec.layers = config["n_layer"];
  m.spec.heads = config["n_head"], m.spec.kv_heads = m.spec.heads;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    REQUIRE(entry["dtype"] == "F32");
    TestTensor t;
    t.shape = entry["shape"].get<std::vector<std::uint64_t>>();
    const std::size_t begin = entry["data_offsets"][0], end = entry["data_offsets"][1];
    for (std::size_t at = 8 + n + begin; at < 8 + n + end; at += 4) {
      float f;
      std::memcpy(&f, file.data() + at, 4);
      t.values.push_back(f);
    }
    m.tensors.emplace_back(name, std::move(t));
  }
  return m;
}

}  // namespace shipped_test
