// Reading tokenizer.json (Hugging Face tokenizers' own format) into a Tokenizer.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/base/error.hpp"
#include "core/io/json_file.hpp"
#include "core/tokenizer/json_at.hpp"
#include "core/tokenizer/tokenizer_parts.hpp"

namespace attnlab {

namespace {

constexpr std::size_t kMostAffixBytes = 64;
constexpr const char* kSupported = "attnlab reads BPE tokenizers: GPT-2, Llama 2 and 3, Mistral, Qwen2, SmolLM2";

std::int32_t read_id(const JsonAt& json) {
  const std::int64_t id = json.integer();
  if (id < 0 || id > kMaxTokenId)
    json.fail("token id " + std::to_string(id) + " is outside 0 to " + std::to_string(kMaxTokenId));
  return static_cast<std::int32_t>(id);
}

// The added tokens with the ids the reference gives them as it loads the file: the file's "id" is not
// used (the reference only warns when it differs); a token the vocabulary holds keeps the vocabulary's
// id, another takes the next id after the vocabulary and the tokens added before it.
std::vector<AddedToken> read_added_tokens(const JsonAt& root, const BpeModel& model, Tokenizer::Parts& parts) {
  std::vector<AddedToken> tokens;
  if (!root.has("added_tokens")) return tokens;
  const JsonAt list = root["added_tokens"];
  const auto vocab_count = static_cast<std::int64_t>(model.vocab.size());
  std::int64_t largest = -1;  // the largest id given to an added token so far
  std::unordered_map<std::string, std::int32_t> given;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonAt item = list[i];
    AddedToken t;
    (void)read_id(item["id"]);
    t.content = item["content"].str();
    t.lstrip = item.boolean("lstrip", false);
    t.rstrip = item.boolean("rstrip", false);
    t.single_word = item.boolean("single_word", false);
    // The reference's default: special tokens are matched in the raw text, others after normalizing.
    t.normalized = item.boolean("normalized", !item.boolean("special", false));
    if (t.content.empty()) continue;
    std::int64_t id = 0;
    if (const auto it = given.find(t.content); it != given.end()) id = it->second;
    else if (const auto in_vocab = model.vocab.find(t.content); in_vocab != model.vocab.end()) id = in_vocab->second;
    else id = largest < 0 ? vocab_count : largest >= vocab_count || vocab_count == 0 ? largest + 1 : vocab_count;
    largest = std::max(largest, id);
    t.id = static_cast<std::int32_t>(id);
    given[t.content] = t.id;
    parts.name_id(id, t.content, true);
    tokens.push_back(std::move(t));
  }
  return tokens;
}

std::unique_ptr<Bpe> read_bpe(const JsonAt& model, Tokenizer::Parts& parts) {
  model.expect_object();
  std::string type = model.str("type", "");
  if (type.empty() && model.has("merges")) type = "BPE";  // files from before "type" was written
  if (type != "BPE") {
    if (type.empty()) model.fail("no model type");
    model["type"].fail("the " + type + " tokenizer model is not supported (" + kSupported + ")");
  }
  if (model.has("dropout") && model["dropout"].value().is_number() && model["dropout"].value().get<double>() > 0)
    model["dropout"].fail("BPE dropout tokenizes at random: not supported");

  BpeModel m;
  // Read directly from the JSON on the way that succeeds: vocabularies and merge lists have
  // hundreds of thousands of entries, and a JsonAt with its path is made only for a message.
  const JsonAt vocab = model["vocab"];
  vocab.expect_object();
  m.vocab.reserve(vocab.value().size());
  for (const auto& [text, id_value] : vocab.value().items()) {
    std::int32_t id = 0;
    if (id_value.is_number_unsigned() && id_value.get<std::uint64_t>() <= kMaxTokenId)
      id = static_cast<std::int32_t>(id_value.get<std::uint64_t>());
    else id = read_id(JsonAt(id_value, vocab.file(), "model.vocab[\"" + text.substr(0, 40) + "\"]"));
    m.vocab.emplace(text, id);
    parts.name_id(id, text, false);
  }

  m.byte_fallback = model.boolean("byte_fallback", false);
  m.ignore_merges = model.boolean("ignore_merges", false);
  m.fuse_unk = model.boolean("fuse_unk", false);
  // Written beside every character of a word: real ones are "##" or "</w>".
  for (const auto& [key, field] : {std::pair{"continuing_subword_prefix", &m.continuing_subword_prefix},
                                   std::pair{"end_of_word_suffix", &m.end_of_word_suffix}}) {
    *field = model.str(key, "");
    if (field->size() > kMostAffixBytes)
      model[key].fail(std::to_string(field->size()) + " bytes long, more than the " + std::to_string(kMostAffixBytes) +
                      " it may be");
  }
  if (model.has("unk_token")) {
    const JsonAt unk = model["unk_token"];
    const auto it = m.vocab.find(unk.str());
    if (it == m.vocab.end()) unk.fail("the unknown token '" + unk.str() + "' is not in the vocabulary");
    m.unk = it->second;
  }

  // Merges as "a b" strings (lines starting with #version are skipped, as in merges.txt) or as
  // ["a", "b"] pairs; the rank is the position in the list.
  const JsonAt merges = model["merges"];
  merges.expect_array();
  m.merges.reserve(merges.value().size());
  std::int32_t rank = 0;
  for (std::size_t i = 0; i < merges.value().size(); ++i) {
    const nlohmann::json& item = merges.value()[i];
    const auto where = [&] { return merges[i].where(); };
    std::string_view left, right;
    if (item.is_string()) {
      const std::string_view line = item.get_ref<const std::string&>();
      if (line.substr(0, 8) == "#version") continue;
      const std::size_t space = line.find(' ');
      if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos)
        merges[i].fail("expected two tokens separated by one space, found '" + std::string(line.substr(0, 80)) + "'");
      left = line.substr(0, space);
      right = line.substr(space + 1);
    } else if (item.is_array() && item.size() == 2 && item[0].is_string() && item[1].is_string()) {
      left = item[0].get_ref<const std::string&>();
      right = item[1].get_ref<const std::string&>();
    } else {
      merges[i].fail("expected \"a b\" or a pair [\"a\", \"b\"]");
    }
    m.add_merge(left, right, rank++, where);
  }
  return std::make_unique<Bpe>(std::move(m));
}

// A post-processor's token: its id, named in the id → text table if nothing else named it.
std::int32_t special_id(const JsonAt& id, const std::string& text, Tokenizer::Parts& parts) {
  const std::int32_t value = read_id(id);
  if (static_cast<std::size_t>(value) >= parts.token.size()) parts.name_id(value, text, true);
  return value;
}

// The ids a template's special token stands for: special_tokens[name].ids.
std::vector<std::int32_t> special_ids(const JsonAt& processor, const std::string& name, Tokenizer::Parts& parts) {
  const JsonAt specials = processor["special_tokens"];
  if (!specials.has(name)) specials.fail("no special token '" + name + "', which the template uses");
  const JsonAt ids = specials[name]["ids"];
  std::vector<std::int32_t> out;
  for (std::size_t i = 0; i < ids.size(); ++i) out.push_back(special_id(ids[i], name, parts));
  return out;
}

// The post-processor's tokens around a single sequence: TemplateProcessing's "single" (Llama 3's
// <|begin_of_text|> $A, Llama 2's <s> $A), Roberta/Bert's cls … sep; ByteLevel adds none.
void read_post_processor(const JsonAt& processor, Tokenizer::Parts& parts) {
  if (processor.value().is_null()) return;
  processor.expect_object();
  const std::string type = processor["type"].str();
  std::vector<std::int32_t> before, after;
  if (type == "Sequence") {
    const JsonAt list = processor["processors"];
    for (std::size_t i = 0; i < list.size(); ++i) read_post_processor(list[i], parts);
    return;
  } else if (type == "ByteLevel") {
    return;
  } else if (type == "TemplateProcessing") {
    const JsonAt single = processor["single"];
    bool seen_sequence = false;
    for (std::size_t i = 0; i < single.size(); ++i) {
      const JsonAt item = single[i];
      if (item.has("SpecialToken")) {
        const std::vector<std::int32_t> ids = special_ids(processor, item["SpecialToken"]["id"].str(), parts);
        std::vector<std::int32_t>& side = seen_sequence ? after : before;
        side.insert(side.end(), ids.begin(), ids.end());
      } else if (item.has("Sequence")) {
        if (item["Sequence"]["id"].str() != "A" || seen_sequence)
          item.fail("a template for one text has the sequence $A once");
        seen_sequence = true;
      } else {
        item.fail("expected {\"SpecialToken\": …} or {\"Sequence\": …}");
      }
    }
    if (!seen_sequence) single.fail("the template has no $A: the text would be left out");
  } else if (type == "RobertaProcessing" || type == "BertProcessing") {
    before.push_back(special_id(processor["cls"][1], processor["cls"][0].str(), parts));
    after.push_back(special_id(processor["sep"][1], processor["sep"][0].str(), parts));
  } else {
    processor["type"].fail("the post-processor '" + type +
                           "' is not supported (supported: TemplateProcessing, ByteLevel, Sequence, "
                           "RobertaProcessing, BertProcessing)");
  }
  // A later processor wraps what the earlier ones made.
  parts.prefix.insert(parts.prefix.begin(), before.begin(), before.end());
  parts.suffix.insert(parts.suffix.end(), after.begin(), after.end());
}

}  // namespace

Tokenizer Tokenizer::parse_tokenizer_json(std::string_view text, const std::string& name) {
  const nlohmann::json document = parse_json(text, name, false, kMaxTokenizerValues);
  const JsonAt root(document, name, "");
  root.expect_object();
  auto parts = std::make_shared<Parts>();
  parts->source = name;
  parts->bpe = read_bpe(root["model"], *parts);
  const std::vector<AddedToken> added = read_added_tokens(root, parts->bpe->model(), *parts);
  parts->normalizer = Normalizer::read(root.optional("normalizer"));
  parts->pre_tokenizer = PreTokenizer::read(root.optional("pre_tokenizer"));
  parts->added = AddedTokens(
      added, [&](std::string& content) { parts->normalizer.apply(content, most_text_bytes(content.size())); },
      name + ": added_tokens");
  read_post_processor(root.optional("post_processor"), *parts);
  return Tokenizer(std::move(parts));
}

}  // namespace attnlab
