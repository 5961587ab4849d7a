// Reading GPT-2's own files, vocab.json + merges.txt, into a Tokenizer: what the Hugging Face
// GPT-2 tokenizer builds from them (byte-level BPE, the GPT-2 regex, no prefix space, no BOS, and
// <|endoftext|> as a special token).
#include <algorithm>

#include "core/base/error.hpp"
#include "core/io/json_file.hpp"
#include "core/tokenizer/json_at.hpp"
#include "core/tokenizer/tokenizer_parts.hpp"

namespace attnlab {

Tokenizer Tokenizer::parse_gpt2_files(std::string_view vocab_json, std::string_view merges_txt,
                                      const std::string& vocab_name, const std::string& merges_name) {
  const nlohmann::json document = parse_json(vocab_json, vocab_name, false, kMaxTokenizerValues);
  const JsonAt vocab(document, vocab_name, "");
  vocab.expect_object();
  auto parts = std::make_shared<Parts>();
  parts->source = vocab_name;
  BpeModel m;
  m.vocab.reserve(document.size());
  for (const auto& [text, id_value] : document.items()) {
    const std::int64_t id =
        id_value.is_number_unsigned()
            ? static_cast<std::int64_t>(std::min<std::uint64_t>(id_value.get<std::uint64_t>(), INT64_MAX))
            : JsonAt(id_value, vocab_name, "\"" + text.substr(0, 40) + "\"").integer();
    parts->name_id(id, text, false);
    m.vocab.emplace(text, static_cast<std::int32_t>(id));
  }

  // One merge a line, "a b"; a first line "#version: …" and a last empty line are not merges.
  std::int32_t rank = 0;
  std::size_t line_number = 0;
  for (std::size_t at = 0; at < merges_txt.size();) {
    std::size_t end = merges_txt.find('\n', at);
    if (end == std::string_view::npos) end = merges_txt.size();
    std::string_view line = merges_txt.substr(at, end - at);
    at = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("#version", 0) == 0 || (line.empty() && at >= merges_txt.size())) continue;
    const auto where = [&] { return merges_name + ": line " + std::to_string(line_number); };
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos)
      throw InputError(where() + ": expected two tokens separated by one space");
    m.add_merge(line.substr(0, space), line.substr(space + 1), rank++, where);
  }

  parts->bpe = std::make_unique<Bpe>(std::move(m));
  parts->pre_tokenizer = PreTokenizer::gpt2();
  const auto end_of_text = parts->bpe->model().vocab.find("<|endoftext|>");
  if (end_of_text != parts->bpe->model().vocab.end()) {
    parts->added_id[static_cast<std::size_t>(end_of_text->second)] = true;
    parts->added = AddedTokens(
        {AddedToken{"<|endoftext|>", end_of_text->second}}, [](std::string&) {}, vocab_name);
  }
  return Tokenizer(std::move(parts));
}

}  // namespace attnlab
