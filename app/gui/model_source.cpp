#include "app/gui/model_source.hpp"

#include "app/gui/widgets.hpp"
#include "core/base/error.hpp"
#include "core/model/layer_problem.hpp"
#include "core/model/next_tokens.hpp"
#include "core/model/qk_norm.hpp"

namespace attnlab::gui {
namespace {

InputOptions model_options(const std::string& folder, const std::string& text) {
  InputOptions in;
  in.model = folder;
  in.tokens.text = text;
  return in;
}

}  // namespace

LoadedModel load_model_run(const std::string& folder, const std::string& text, const ModelProgress& progress) {
  if (folder.empty()) throw InputError("choose a model folder");
  return {folder, text, std::make_shared<const ModelRun>(run_model(model_options(folder, text), progress))};
}

LoadedModel start_on_model(const InputOptions& given, Settings& s) {
  // The window types sentences: --token-ids belong to the command line. Without --text it opens on
  // the lab's own sentence, ready for another to be typed.
  if (given.tokens.token_ids) throw InputError("the window takes a model's input as --text T, not --token-ids");
  InputOptions input = given;
  if (!input.tokens.text) input.tokens.text = default_model_text;
  check_model_options(input);
  s.source = Source::model, s.model_folder = input.model, s.model_text = *input.tokens.text;
  LoadedModel model = load_model_run(s.model_folder, s.model_text);
  const ModelConfig& config = model.run->model.config;
  s.layer = static_cast<int>(model_layer(input, config));
  if (!input.mask_given) s.mask = layer_mask(config, s.layer).text();
  if (!input.scale_given) set_scale(s, layer_scale(config, s.layer));
  return model;
}

void follow_layer(Settings& s, int from, const LoadedModel& model) {
  const ModelRun* run = model.of(s);
  if (!run || from == s.layer) return;
  const ModelConfig& config = run->model.config;
  const auto in_range = [&](int layer) { return layer >= 0 && layer < config.layers; };
  if (!in_range(from) || !in_range(s.layer)) return;  // model_source() says what is wrong
  if (s.mask == layer_mask(config, from).text()) s.mask = layer_mask(config, s.layer).text();
  Settings own = s;
  set_scale(own, layer_scale(config, from));
  if (build_scale(s) == build_scale(own)) set_scale(s, layer_scale(config, s.layer));
}

std::vector<NextTokenLabel> next_token_labels(const ModelRun& run, int count) {
  std::vector<NextTokenLabel> labels;
  for (const NextToken& t : top_next_tokens(run.pass.logits, count))
    labels.push_back({token_label(run.tokenizer_or_null(), t.id), t.probability});
  return labels;
}

namespace {

// A head's vector as the stepper writes it: every number of a small head, else the first four, and
// its rms, which the norm brings to about 1 (times the norm's weights).
void add_numbers(std::vector<std::string>& text, const char* side, const Eigen::RowVectorXf& x) {
  text.push_back(side);
  const Index shown = x.size() <= 8 ? x.size() : 4;
  for (Index d = 0; d < shown; ++d) text.push_back(printed("%.3g", static_cast<double>(x(d))));
  if (shown < x.size()) text.push_back("… (" + std::to_string(x.size()) + ")");
  text.push_back(printed("rms %.3g", std::sqrt(static_cast<double>(x.squaredNorm()) / static_cast<double>(x.size()))));
}

}  // namespace

std::vector<std::vector<std::string>> qk_norm_lines(const ModelRun& run, Index layer, Index head, Index query,
                                                    Index key, const std::string& key_label) {
  const Model& m = run.model;
  if (!has_qk_norm(m, layer)) return {};
  const Index g = head * m.config.kv_heads / m.config.heads;
  const NormedRow q = qk_norm_row(m, run.pass, layer, QKSide::query, head, query);
  const NormedRow k = qk_norm_row(m, run.pass, layer, QKSide::key, g, key);
  std::vector<std::string> q_text{"QK-norm, before RoPE: q"}, k_text{"k(" + key_label + ")"};
  add_numbers(q_text, "before", q.before);
  add_numbers(q_text, "→ after", q.after);
  add_numbers(k_text, "before", k.before);
  add_numbers(k_text, "→ after", k.after);
  return {q_text, k_text};
}

HeadsProblem model_source(const Settings& s, const LoadedModel& model) {
  const ModelRun* run = model.of(s);
  if (!run) throw InputError("the model " + s.model_folder + " is not loaded yet");
  InputOptions in = model_options(s.model_folder, s.model_text);
  in.layer = std::to_string(s.layer);
  return model_layer_problem(in, *run, model_layer(in, run->model.config));
}

}  // namespace attnlab::gui
