#pragma once
// Which files of a model the lab needs (hub.md), and whether a snapshot folder holds them.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace attnlab {

// The files a model folder's tokenizer comes from, in the order they are looked for.
inline constexpr const char* tokenizer_file = "tokenizer.json";
inline constexpr const char* gpt2_vocab_file = "vocab.json";
inline constexpr const char* gpt2_merges_file = "merges.txt";
// Fetched when the model has them, for transformers' sake; the lab reads neither.
inline constexpr const char* optional_files[] = {"tokenizer_config.json", "generation_config.json"};
inline constexpr const char* weights_file = "model.safetensors";
inline constexpr const char* weights_index_file = "model.safetensors.index.json";
inline constexpr const char* pytorch_weights_file = "pytorch_model.bin";

// The shard files an index names (its weight_map's values, each once, in order). Throws InputError
// naming the file when it is no JSON object with a weight_map of strings, or names a file that could
// not live in a repo folder ("../x", "/x").
std::vector<std::string> index_shards(const std::filesystem::path& index_file);

// Why a folder's weights cannot be read, or nothing when model.safetensors is there, or the index and
// every shard it names: "no safetensors weights (only pytorch_model.bin: only safetensors are read)",
// "no safetensors weights", "its shard X is missing", or the index's own problem.
std::optional<std::string> weights_problem(const std::filesystem::path& folder);

}  // namespace attnlab
