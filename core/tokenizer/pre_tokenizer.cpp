#include "core/tokenizer/pre_tokenizer.hpp"

#include <algorithm>
#include <utility>

#include "core/base/error.hpp"
#include "core/tokenizer/byte_map.hpp"
#include "core/tokenizer/regex.hpp"

namespace attnlab {

namespace {

// GPT-2's pattern, which the ByteLevel pre-tokenizer uses when use_regex is true.
constexpr const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// What happens to the matches of a Split, named as tokenizer.json names them.
enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior read_behavior(const JsonAt& json) {
  const std::string name = json.str();
  if (name == "Removed") return Behavior::Removed;
  if (name == "Isolated") return Behavior::Isolated;
  if (name == "MergedWithPrevious") return Behavior::MergedWithPrevious;
  if (name == "MergedWithNext") return Behavior::MergedWithNext;
  if (name == "Contiguous") return Behavior::Contiguous;
  json.fail("unknown split behavior '" + name +
            "' (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)");
}

struct Span {
  std::size_t begin, end;
  bool match;  // after `invert`: the part the behavior acts on
};

// The reference's NormalizedString::split: the text cut at the pattern's matches, then the
// matches removed, kept alone, or joined to their neighbours.
std::vector<Span> split_spans(const std::string& text, const Regex& regex, bool invert, Behavior behavior) {
  std::vector<Span> spans;
  std::size_t done = 0;
  for (const auto& [begin, end] : regex.find_all(text)) {
    if (begin > done) spans.push_back({done, begin, invert});
    spans.push_back({begin, end, !invert});
    done = end;
  }
  if (done < text.size() || text.empty()) spans.push_back({done, text.size(), invert});

  std::vector<Span> out;
  bool previous_match = false;
  switch (behavior) {
    case Behavior::Isolated: return spans;
    case Behavior::Removed:
      for (const Span& s : spans)
        if (!s.match) out.push_back(s);
      return out;
    case Behavior::Contiguous:
      for (const Span& s : spans) {
        if (!out.empty() && s.match == previous_match) out.back().end = s.end;
        else out.push_back(s);
        previous_match = s.match;
      }
      return out;
    case Behavior::MergedWithPrevious:
      for (const Span& s : spans) {
        if (!out.empty() && s.match && !previous_match) out.back().end = s.end;
        else out.push_back(s);
        previous_match = s.match;
      }
      return out;
    case Behavior::MergedWithNext:
      for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        if (!out.empty() && it->match && !previous_match) out.back().begin = it->begin;
        else out.push_back(*it);
        previous_match = it->match;
      }
      return {out.rbegin(), out.rend()};
  }
  return out;
}

std::function<Pieces(const Piece&)> splitter(Regex regex, bool invert, Behavior behavior) {
  return [regex = std::move(regex), invert, behavior](const Piece& piece) {
    Pieces out;
    for (const Span& s : split_spans(piece.text, regex, invert, behavior))
      out.push_back({piece.text.substr(s.begin, s.end - s.begin), -1, piece.at_start && s.begin == 0});
    return out;
  };
}

}  // namespace

PreTokenizer PreTokenizer::read(const JsonAt& json) {
  PreTokenizer p;
  if (!json.value().is_null()) p.add(json);
  return p;
}

PreTokenizer PreTokenizer::gpt2() {
  PreTokenizer p;
  p.add_byte_level(false, true, "the ByteLevel pre-tokenizer");
  return p;
}

// A step whose output is at most a few times its piece (a split, ByteLevel's two bytes a byte): its
// output is measured once it is made.
void PreTokenizer::add_step(std::string where, std::function<Pieces(const Piece&)> split) {
  steps_.push_back(
      {std::move(where), [split = std::move(split)](const Piece& piece, std::size_t) { return split(piece); }});
}

void PreTokenizer::add_byte_level(bool add_prefix_space, bool use_regex, const std::string& where) {
  byte_level_ = true;
  std::optional<Regex> regex;
  if (use_regex) regex.emplace(kGpt2Pattern, false, "the ByteLevel pre-tokenizer's regex");
  add_step(where, [add_prefix_space, regex = std::move(regex)](const Piece& piece) {
    Piece spaced = piece;
    if (add_prefix_space && (spaced.text.empty() || spaced.text[0] != ' ')) spaced.text.insert(0, " ");
    Pieces out = regex ? splitter(*regex, false, Behavior::Isolated)(spaced) : Pieces{spaced};
    for (Piece& p : out) p.text = byte_map::to_chars(p.text);
    return out;
  });
}

void PreTokenizer::add(const JsonAt& json) {
  json.expect_object();
  const std::string type = json["type"].str();
  if (type == "Sequence") {
    const JsonAt list = json["pretokenizers"];
    for (std::size_t i = 0; i < list.size(); ++i) add(list[i]);
  } else if (type == "ByteLevel") {
    add_byte_level(json.boolean("add_prefix_space", true), json.boolean("use_regex", true), json.where());
  } else if (type == "Split") {
    const JsonAt pattern = json["pattern"];
    pattern.expect_object();
    const bool literal = pattern.has("String");
    if (!literal && !pattern.has("Regex")) pattern.fail("expected {\"String\": …} or {\"Regex\": …}");
    const JsonAt text = pattern[literal ? "String" : "Regex"];
    add_step(json.where(), splitter(Regex(text.str(), literal, text.where()), json.boolean("invert", false),
                                    read_behavior(json["behavior"])));
  } else if (type == "Digits") {
    // Digits are Unicode numbers (Rust's char::is_numeric): one pre-token each, or one per run.
    const bool individual = json.boolean("individual_digits", false);
    add_step(json.where(),
             splitter(Regex(individual ? R"(\p{N})" : R"(\p{N}+)", false, json.where()), false, Behavior::Isolated));
  } else if (type == "Metaspace") {
    const std::string replacement = json.str("replacement", "▁");
    // prepend_scheme replaced add_prefix_space; older files have only the latter.
    std::string scheme = json.boolean("add_prefix_space", true) ? "always" : "never";
    if (json.has("prepend_scheme")) scheme = json["prepend_scheme"].str();
    if (scheme != "always" && scheme != "first" && scheme != "never")
      json["prepend_scheme"].fail("unknown prepend_scheme '" + scheme + "' (expected first, always or never)");
    const bool split = json.boolean("split", true);
    space_replacement_ = replacement;
    std::optional<Regex> mark;
    if (split) mark.emplace(replacement, true, json.where());
    // Each space becomes the replacement, in one pass, its length known before it is built: a long
    // replacement over many spaces is refused rather than made.
    const auto step = [replacement, scheme, mark = std::move(mark)](const Piece& piece, std::size_t most,
                                                                    const std::string& where) {
      const std::string& text = piece.text;
      const std::size_t spaces = static_cast<std::size_t>(std::count(text.begin(), text.end(), ' '));
      const std::size_t kept = text.size() - spaces, each = replacement.size();
      if (kept > most || (each > 0 && spaces > (most - kept) / each)) text_too_long(where, most);
      Piece marked{std::string(), piece.id, piece.at_start};
      marked.text.reserve(kept + spaces * each);
      for (const char c : text) {
        if (c == ' ') marked.text += replacement;
        else marked.text += c;
      }
      const bool prepend = scheme == "always" || (scheme == "first" && piece.at_start);
      if (prepend && !marked.text.starts_with(replacement)) {
        if (each > most - marked.text.size()) text_too_long(where, most);
        marked.text.insert(0, replacement);
      }
      return mark ? splitter(*mark, false, Behavior::MergedWithNext)(marked) : Pieces{marked};
    };
    steps_.push_back({json.where(), [step, where = json.where()](const Piece& piece, std::size_t most) {
                        return step(piece, most, where);
                      }});
  } else {
    json["type"].fail("the pre-tokenizer '" + type +
                      "' is not supported (supported: ByteLevel, Split, Digits, Metaspace, Sequence)");
  }
}

void PreTokenizer::apply(Pieces& pieces, std::size_t most) const {
  for (const Step& step : steps_) {
    Pieces next;
    next.reserve(pieces.size());
    std::size_t total = 0;  // of the pieces given to `next` so far
    std::size_t rest = 0;   // of the pieces still to come, which keep their size at least
    for (const Piece& piece : pieces) rest += piece.text.size();
    for (Piece& piece : pieces) {
      rest -= piece.text.size();
      if (piece.id >= 0) {
        total += piece.text.size();
        next.push_back(std::move(piece));
        continue;
      }
      const std::size_t room = most - std::min(most, total + rest);
      for (Piece& part : step.split(piece, room)) {
        total += part.text.size();
        if (total > most) text_too_long(step.where, most);
        if (!part.text.empty()) next.push_back(std::move(part));
      }
    }
    pieces = std::move(next);
  }
}

}  // namespace attnlab
