#pragma once
// What the hostile model-folder suites share: the refusal contract (tests/cli_refused.hpp) for every
// command that runs a model, a tiny Llama to break, sparse files, and a safetensors writer that streams
// its header to disk so that a header of hundreds of thousands of tensors never sits in the test
// process (whose own peak the child's rusage carries across the spawn).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/cli_refused.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/tiny_models.hpp"

namespace hostile {

using namespace cli_test;
using namespace model_test;

// A refusal comes before any input is read whole: the time limit only keeps a hang from stalling the
// suite, and the sanitizers slow everything down.
constexpr double kLimit = 120;

inline std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// compute, export and bench on one model folder and input, each refused the same way; compute's
// dump and export's figure are not written.
inline void check_every_command_refuses(const fs::path& model, const std::vector<std::string>& input,
                                        const std::vector<std::string>& parts,
                                        const RunOptions& options = within(kLimit)) {
  const TempDir out;
  const auto with = [&](std::vector<std::string> command, const std::vector<std::string>& tail) {
    command.insert(command.end(), {"--model", model.string()});
    command.insert(command.end(), input.begin(), input.end());
    command.insert(command.end(), tail.begin(), tail.end());
    return command;
  };
  check_refused(with({"compute"}, {"--backend", "cpu", "--dump", (out / "dump").string()}), parts, 2, options);
  check_refused(with({"export"}, {"--stage", "weights", "--backend", "cpu", "--out", (out / "x.png").string()}), parts,
                2, options);
  check_refused(with({"bench"}, {"--repeat", "1", "--json"}), parts, 2, options);
  CHECK(listing(out.path()).empty());
}

// The tiny Llama of these tests, written to `dir`.
inline TinyModel tiny_llama(const fs::path& dir, DT dtype = DT::f32) {
  TinySpec s;
  s.model_type = "llama", s.hidden = 16, s.heads = 2, s.kv_heads = 1, s.intermediate = 24, s.dtype = dtype;
  TinyModel m = make_tiny_model(s);
  write_tiny_model(m, dir);
  return m;
}

// A file of `size` bytes that holds only `head` on disk: the rest is a hole that reads as zeros.
inline void sparse_file(const fs::path& path, const std::string& head, std::uint64_t size) {
  write_all(path, head);
  fs::resize_file(path, size);
}

// Writes a safetensors file piece by piece: the header JSON streamed to disk, its length patched in
// at the end, so that a header of hundreds of thousands of tensors never sits in this process.
class HeaderWriter {
 public:
  explicit HeaderWriter(fs::path path) : path_(std::move(path)), out_(path_, std::ios::binary) {
    out_.write("\0\0\0\0\0\0\0\0{", 9);
  }
  // The next tensor, its data `bytes` long after the previous one's.
  void tensor(const std::string& name, const char* dtype, const std::vector<std::uint64_t>& shape,
              std::uint64_t bytes) {
    const nlohmann::json entry = {{"dtype", dtype}, {"shape", shape}, {"data_offsets", {data_, data_ + bytes}}};
    out_ << (first_ ? "" : ",") << nlohmann::json(name).dump() << ":" << entry.dump();
    first_ = false;
    data_ += bytes;
  }
  // Closes the header and writes `data`, or, when none is given, leaves the data a hole of zeros.
  void finish(const std::string& data = "") {
    out_ << "}";
    const auto length = static_cast<std::uint64_t>(out_.tellp()) - 8;
    out_ << data;
    out_.seekp(0);
    out_ << le_bytes(length, 8);
    out_.close();
    if (data.empty()) fs::resize_file(path_, 8 + length + data_);
  }

 private:
  fs::path path_;
  std::ofstream out_;
  std::uint64_t data_ = 0;
  bool first_ = true;
};

}  // namespace hostile
