#include "core/inputs/model_input.hpp"

#include <charconv>

#include "core/base/quote.hpp"
#include "core/inputs/read_mask.hpp"
#include "core/model/layer_problem.hpp"
#include "core/model/model_memory.hpp"

namespace attnlab {

void check_model_options(const InputOptions& in) {
  if (in.model.empty()) {
    if (in.tokens.text || in.tokens.token_ids || in.layer || in.ablate || in.ablation)
      throw InputError(std::string(in.tokens.text        ? "--text"
                                   : in.tokens.token_ids ? "--token-ids"
                                   : in.layer            ? "--layer"
                                   : in.ablate           ? "--ablate"
                                                         : "--ablation") +
                       " applies to a model: give --model DIR");
    return;
  }
  if (!in.q.empty() || !in.k.empty() || !in.v.empty() || in.random || !in.example.empty())
    throw InputError(std::string("--model brings its own Q, K and V: drop ") + (in.random             ? "--random"
                                                                                : !in.example.empty() ? "--example"
                                                                                                      : "--q/--k/--v"));
  if (in.ablation && !in.ablate)
    throw InputError("--ablation says how --ablate knocks heads out: give --ablate LAYER.HEAD");
  if (in.heads || in.kv_heads)
    throw InputError(std::string(in.heads ? "--heads" : "--kv-heads") +
                     " does not apply to a model: the model decides its heads");
  if (in.tokens.text && in.tokens.token_ids) throw InputError("--text and --token-ids: give one, not both");
  if (!in.tokens.text && !in.tokens.token_ids)
    throw InputError("--model needs its input: --text T or --token-ids LIST");
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

std::optional<Tokenizer> folder_tokenizer(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::error_code error;
  const bool any = fs::exists(folder / "tokenizer.json", error) || fs::exists(folder / "vocab.json", error) ||
                   fs::exists(folder / "merges.txt", error);
  if (!any) return std::nullopt;
  return Tokenizer::load(folder);
}

std::string token_label(const Tokenizer* tokenizer, std::int64_t id) {
  if (!tokenizer || id < 0 || static_cast<std::size_t>(id) >= tokenizer->vocab_size()) return std::to_string(id);
  return visible(tokenizer->token_text(static_cast<std::int32_t>(id)));
}

std::string token_piece(const Tokenizer* tokenizer, std::int64_t id) {
  if (tokenizer && id >= 0 && static_cast<std::size_t>(id) < tokenizer->vocab_size())
    return tokenizer->token_text(static_cast<std::int32_t>(id));
  return "[" + std::to_string(id) + "]";
}

ModelTokens model_tokens(const InputOptions& in, const Model& model, const Tokenizer* tokenizer) {
  const std::vector<std::int32_t> ids = read_token_ids(
      in.tokens, tokenizer, static_cast<std::size_t>(model.config.vocab), (model.folder / "config.json").string());
  ModelTokens tokens;
  tokens.ids.assign(ids.begin(), ids.end());
  check_token_ids(model, tokens.ids);  // the model's positions
  for (const std::int64_t id : tokens.ids) tokens.labels.push_back(token_label(tokenizer, id));
  return tokens;
}

ModelRun open_model_run(const InputOptions& in, bool labels) {
  check_model_options(in);
  if (in.tokens.token_ids) parse_token_ids(*in.tokens.token_ids);  // a malformed list costs no loading
  if (in.tokens.text && in.tokens.text->empty()) read_token_ids(in.tokens, nullptr, 0, "");  // nor an empty text
  if (in.softcap) parse_softcap(*in.softcap);                                                // nor a bad soft-cap
  if (in.sink) parse_sinks(*in.sink);
  // A malformed --ablate costs no loading either; its layers and heads are checked once the config is read.
  const Ablation ablation = in.ablate ? parse_ablation(*in.ablate, in.ablation.value_or("zero")) : Ablation{};
  ModelRun run;
  run.model = open_model(in.model);
  run.ablation = ablation;
  check_ablation(run.ablation, run.model.config);
  if (in.tokens.text) {
    run.tokenizer = folder_tokenizer(in.model);
  } else if (labels) {
    try {
      run.tokenizer = folder_tokenizer(in.model);
    } catch (const InputError& e) {
      run.tokenizer_unused = e.what();  // the ids need no tokenizer: they label themselves
    }
  }
  run.tokens = model_tokens(in, run.model, run.tokenizer_or_null());
  if (in.layer && *in.layer != "all") model_layer(in, run.model.config);  // before the forward pass
  check_forward_memory(run.model, static_cast<Index>(run.tokens.ids.size()), {});
  return run;
}

std::string labels_note(const ModelRun& run) {
  std::string why = run.tokenizer_unused;
  for (char& c : why)
    if (c == '\n' || c == '\r') c = ' ';
  return "the tokens are labelled with their ids: " + why;
}

ModelRun run_model(const InputOptions& in, const ModelProgress& progress, bool keep_inputs) {
  ModelRun run = open_model_run(in, true);
  // A layer is shown after the pass, with its full trace: refused now, before a weight is read. A pass
  // that keeps its inputs is the window's, which knocks heads out whenever asked.
  check_forward_memory(run.model, static_cast<Index>(run.tokens.ids.size()),
                       {true, keep_inputs || !run.ablation.empty()});
  load_weights(run.model, progress);
  if (run.ablation.empty()) {
    run.pass = forward(run.model, run.tokens.ids, progress, {{}, keep_inputs});
    return run;
  }
  const ForwardPass before = forward(run.model, run.tokens.ids, progress, {{}, true});
  run.pass = ablated_forward(run.model, before, run.ablation, progress);
  run.logits_before = before.logits;
  return run;
}

HeadsProblem model_layer_problem(const InputOptions& in, const ModelRun& run, Index layer) {
  return model_layer_problem(in, run.model.config, run.pass, run.tokens.labels, layer);
}

HeadsProblem model_layer_problem(const InputOptions& in, const ModelConfig& config, const ForwardPass& pass,
                                 const std::vector<std::string>& labels, Index layer) {
  HeadsProblem p = layer_problem(config, pass, layer, labels);
  if (in.mask_given) p.mask = read_mask(in.mask);
  if (in.scale_given) p.scale = parse_scale(in.scale);
  apply_softcap_and_sinks(in, p);
  validate_heads(p);
  return p;
}

HeadsProblem model_heads_problem(const InputOptions& in) {
  const ModelRun run = run_model(in);
  return model_layer_problem(in, run, model_layer(in, run.model.config));
}

}  // namespace attnlab
