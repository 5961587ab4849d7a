#include "core/inputs/model_input.hpp"

#include <charconv>

#include "core/inputs/read_mask.hpp"
#include "core/model/layer_problem.hpp"

namespace attnlab {

void check_model_options(const InputOptions& in) {
  if (in.model.empty()) {
    if (in.text || in.token_ids || in.layer)
      throw InputError(std::string(in.text        ? "--text"
                                   : in.token_ids ? "--token-ids"
                                                  : "--layer") +
                       " applies to a model: give --model DIR");
    return;
  }
  if (!in.q.empty() || !in.k.empty() || !in.v.empty() || in.random || !in.example.empty())
    throw InputError(std::string("--model brings its own Q, K and V: drop ") + (in.random             ? "--random"
                                                                                : !in.example.empty() ? "--example"
                                                                                                      : "--q/--k/--v"));
  if (in.heads || in.kv_heads)
    throw InputError(std::string(in.heads ? "--heads" : "--kv-heads") +
                     " does not apply to a model: the model decides its heads");
  if (in.text && in.token_ids) throw InputError("give --text or --token-ids, not both");
  if (!in.text && !in.token_ids) throw InputError("--model needs its input: --text T or --token-ids LIST");
}

std::vector<std::int64_t> parse_token_ids(const std::string& list) {
  std::vector<std::int64_t> ids;
  std::size_t at = 0;
  while (at <= list.size()) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    std::string_view item(list.data() + at, comma - at);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || id < 0) {
      if (list.find_first_not_of(' ') == std::string::npos)
        throw InputError("--token-ids is empty: give ids such as 464,3797");
      throw InputError("--token-ids: '" + std::string(item) + "' (item " + std::to_string(ids.size()) +
                       ") is not a token id, a whole number ≥ 0");
    }
    ids.push_back(id);
    at = comma + 1;
  }
  return ids;
}

Index model_layer(const InputOptions& in, const ModelConfig& c) {
  if (!in.layer) return 0;
  if (*in.layer == "all") throw InputError("--layer all draws every layer: it belongs to export");
  Index layer = 0;
  const std::string& text = *in.layer;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), layer);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw InputError("--layer '" + text + "' is not a layer number (0 to " + std::to_string(c.layers - 1) + ")");
  if (layer < 0 || layer >= c.layers)
    throw InputError("--layer " + text + " is out of range: the model has " + std::to_string(c.layers) +
                     (c.layers == 1 ? " layer (0)" : " layers (0 to " + std::to_string(c.layers - 1) + ")"));
  return layer;
}

std::string token_label(std::int64_t id) {
  return std::to_string(id);
}

ModelTokens model_tokens(const InputOptions& in, const Model& model) {
  ModelTokens tokens;
  if (in.text) {
    if (in.text->empty()) throw InputError("--text is empty: give a sentence to tokenize");
    throw InputError("--text needs the model's tokenizer, which is not read yet: give --token-ids LIST");
  }
  tokens.ids = parse_token_ids(*in.token_ids);
  check_token_ids(model, tokens.ids);
  for (const std::int64_t id : tokens.ids) tokens.labels.push_back(token_label(id));
  return tokens;
}

ModelRun run_model(const InputOptions& in) {
  check_model_options(in);
  if (in.token_ids) parse_token_ids(*in.token_ids);  // a malformed list costs no loading
  ModelRun run{load_model(in.model), {}, {}};
  run.tokens = model_tokens(in, run.model);
  if (in.layer && *in.layer != "all") model_layer(in, run.model.config);  // before the forward pass
  run.pass = forward(run.model, run.tokens.ids);
  return run;
}

HeadsProblem model_layer_problem(const InputOptions& in, const ModelRun& run, Index layer) {
  HeadsProblem p = layer_problem(run.model.config, run.pass, layer, run.tokens.labels);
  if (in.mask_given) p.mask = read_mask(in.mask);
  if (in.scale_given) p.scale = parse_scale(in.scale);
  validate_heads(p);
  return p;
}

}  // namespace attnlab
