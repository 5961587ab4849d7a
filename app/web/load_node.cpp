// The web build's model loading run under node, for tests/web: the folder's files copied into the
// in-memory file system as the page keeps a picked or fetched folder, then loaded and run as the page
// runs it. node attnlab_load.js FOLDER ID,ID,… prints, as JSON, how many of the model's matrices are
// 16-bit and read in place, the WebAssembly heap's size after the forward pass, and the logits.
#include <emscripten.h>
#include <emscripten/heap.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/model/forward.hpp"
#include "core/model/model.hpp"

namespace {

using attnlab::Weight;

struct Counts {
  int matrices = 0, sixteen_bit = 0, in_place = 0;
  void add(const Weight& w) {
    if (w.empty() || w.rows() < 2 || w.cols() < 2) return;  // norms and biases are widened, as on the desktop
    ++matrices, sixteen_bit += w.sixteen_bit(), in_place += w.in_place();
  }
};

Counts count_matrices(const attnlab::Model& m) {
  Counts c;
  for (const Weight* w : {&m.embed, &m.positions, &m.lm_head}) c.add(*w);
  for (const attnlab::LayerWeights& l : m.layers)
    for (const Weight* w : {&l.qkv, &l.q, &l.k, &l.v, &l.out, &l.fc, &l.proj, &l.gate, &l.up, &l.down, &l.gate_up})
      c.add(*w);
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: attnlab_load.js FOLDER ID,ID,…\n";
    return 2;
  }
  try {
    namespace fs = std::filesystem;
    // The computer's files under /host; the model's copied into memory, where the page's live.
    EM_ASM({
      FS.mkdir('/host');
      FS.mount(NODEFS, {root : '/'}, '/host');
    });
    const fs::path folder = "/model";
    fs::create_directories(folder);
    for (const auto& entry : fs::directory_iterator(fs::path("/host") / fs::absolute(argv[1]).relative_path()))
      if (entry.is_regular_file()) fs::copy_file(entry.path(), folder / entry.path().filename());
    std::vector<std::int64_t> ids;
    std::stringstream list(argv[2]);
    for (std::string id; std::getline(list, id, ',');) ids.push_back(std::stoll(id));

    const attnlab::Model model = attnlab::load_model(folder);
    const attnlab::ForwardPass pass = attnlab::forward(model, ids);
    const Counts counts = count_matrices(model);
    nlohmann::json out;
    out["matrices"] = counts.matrices, out["sixteen_bit"] = counts.sixteen_bit, out["in_place"] = counts.in_place;
    out["weight_bytes"] = model.weight_bytes;
    out["heap_bytes"] = emscripten_get_heap_size();
    out["logits"] = std::vector<float>(pass.logits.data(), pass.logits.data() + pass.logits.size());
    std::cout << out.dump() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "attnlab_load: " << e.what() << "\n";
    return 1;
  }
}
