// The web build's tokenizer run under node, for tests/web: PCRE2 and utf8proc compiled to WebAssembly
// must split and normalize exactly as the native libraries do. Speaks the reference scripts' protocol
// (tests/tokenizer): node attnlab_tokens.js FOLDER TEXTS.json prints the ids of each text as JSON.
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tokenizer/tokenizer.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: attnlab_tokens.js FOLDER TEXTS.json\n";
    return 2;
  }
  try {
    const attnlab::Tokenizer tokenizer = attnlab::Tokenizer::load(argv[1]);
    std::ifstream in(argv[2], std::ios::binary);
    const auto texts = nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& text : texts) ids.push_back(tokenizer.encode(text.get<std::string>()));
    std::cout << ids.dump() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "attnlab_tokens: " << e.what() << "\n";
    return 1;
  }
}
