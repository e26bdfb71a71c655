#include "model/evidence.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "model/confidence.h"

namespace logsieve {
namespace {

// Candidates whose exact cosine is computed (the best term scores).
constexpr size_t kCandidates = 4;
// A term in more exemplars than this is not indexed.
constexpr size_t kMaxPostings = 32;

}  // namespace

std::vector<Exemplar> SelectExemplars(std::span<const std::string> texts,
                                      std::span<const int> labels, size_t classes,
                                      size_t per_label) {
  std::vector<std::vector<Exemplar>> by_label(classes);
  std::set<std::pair<int, std::string_view>> seen;
  for (size_t i = 0; i < texts.size() && i < labels.size(); ++i) {
    const int k = labels[i];
    if (k < 0 || static_cast<size_t>(k) >= classes) continue;
    if (by_label[k].size() >= per_label) continue;
    if (texts[i].empty() || texts[i].size() > kMaxExemplarBytes) continue;
    if (!seen.emplace(k, texts[i]).second) continue;
    by_label[k].push_back({k, texts[i]});
  }
  std::vector<Exemplar> out;
  for (std::vector<Exemplar>& l : by_label) {
    for (Exemplar& e : l) out.push_back(std::move(e));
  }
  return out;
}

nlohmann::json ExemplarsToJson(std::span<const Exemplar> exemplars) {
  nlohmann::json j = nlohmann::json::array();
  for (const Exemplar& e : exemplars) j.push_back({e.label, e.text});
  return j;
}

StatusOr<std::vector<Exemplar>> ExemplarsFromJson(const nlohmann::json& j, size_t classes) {
  if (!j.is_array()) return InvalidArgumentError("evidence: exemplars are not a JSON array");
  if (j.size() > kMaxExemplars) {
    return InvalidArgumentError("evidence: " + std::to_string(j.size()) + " exemplars, more than " +
                                std::to_string(kMaxExemplars));
  }
  std::vector<Exemplar> out;
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const nlohmann::json& e = j[i];
    const std::string where = "evidence: exemplar " + std::to_string(i);
    if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_string()) {
      return InvalidArgumentError(where + " is not [label, \"text\"]");
    }
    const int64_t label = e[0].get<int64_t>();
    if (label < 0 || static_cast<uint64_t>(label) >= classes) {
      return InvalidArgumentError(where + " has label " + std::to_string(label) + " of " +
                                  std::to_string(classes) + " classes");
    }
    std::string text = e[1].get<std::string>();
    if (text.empty() || text.size() > kMaxExemplarBytes) {
      return InvalidArgumentError(where + " has a text of " + std::to_string(text.size()) +
                                  " bytes (1 to " + std::to_string(kMaxExemplarBytes) + ")");
    }
    out.push_back({static_cast<int>(label), std::move(text)});
  }
  return out;
}

StatusOr<std::unique_ptr<ExemplarIndex>> ExemplarIndex::Build(std::vector<Exemplar> exemplars,
                                                              const HashingEncoder& encoder) {
  if (exemplars.size() > kMaxExemplars) {
    return InvalidArgumentError("evidence: too many exemplars (" +
                                std::to_string(exemplars.size()) + ")");
  }
  std::unique_ptr<ExemplarIndex> index(new ExemplarIndex());
  index->dims_ = encoder.dim();
  HashingEncoder::Workspace ws;
  SparseVector v;
  std::vector<uint32_t> terms;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // term, exemplar
  index->vector_offsets_.push_back(0);
  for (uint32_t e = 0; e < exemplars.size(); ++e) {
    encoder.Encode(exemplars[e].text, &ws, &v);
    index->indices_.insert(index->indices_.end(), v.indices.begin(), v.indices.end());
    index->values_.insert(index->values_.end(), v.values.begin(), v.values.end());
    index->vector_offsets_.push_back(static_cast<uint32_t>(index->indices_.size()));
    terms.clear();
    Familiarity::Terms(ws, &terms);
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    for (uint32_t t : terms) pairs.emplace_back(t, e);
  }
  std::sort(pairs.begin(), pairs.end());
  // Terms held by more than kMaxPostings exemplars ("for", "failed") say
  // little about which one is nearest and would make every lookup long: not
  // indexed. The others weigh their inverse document frequency, log(N / df)
  // + 1, and an exemplar's candidate score is the weight of the terms it
  // shares with the line over the norm of its own indexed terms' weights (a
  // tf-idf cosine over terms).
  std::vector<double> norm(exemplars.size(), 0.0);
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    while (j < pairs.size() && pairs[j].first == pairs[i].first) ++j;
    if (j - i <= kMaxPostings) {
      const double idf =
          std::log(static_cast<double>(exemplars.size()) / static_cast<double>(j - i)) + 1.0;
      index->terms_.push_back(pairs[i].first);
      index->idf_.push_back(static_cast<float>(idf));
      index->offsets_.push_back(static_cast<uint32_t>(index->postings_.size()));
      for (size_t p = i; p < j; ++p) {
        index->postings_.push_back(pairs[p].second);
        norm[pairs[p].second] += idf * idf;
      }
    }
    i = j;
  }
  index->offsets_.push_back(static_cast<uint32_t>(index->postings_.size()));
  index->term_table_ = TermTable(index->terms_);
  index->inv_norm_.resize(exemplars.size());
  for (size_t e = 0; e < exemplars.size(); ++e) {
    index->inv_norm_[e] = norm[e] > 0 ? static_cast<float>(1.0 / std::sqrt(norm[e])) : 0.0f;
  }
  index->exemplars_ = std::move(exemplars);
  return index;
}

float ExemplarIndex::DotRef(const SparseVector& x, size_t e) const {
  float dot = 0;
  size_t i = 0, j = vector_offsets_[e];
  const size_t end = vector_offsets_[e + 1];
  while (i < x.indices.size() && j < end) {
    if (x.indices[i] < indices_[j]) {
      ++i;
    } else if (x.indices[i] > indices_[j]) {
      ++j;
    } else {
      dot += x.values[i++] * values_[j++];
    }
  }
  return dot;
}

ExemplarIndex::Match ExemplarIndex::Nearest(const HashingEncoder::Workspace& ws,
                                            const SparseVector& x) const {
  thread_local std::vector<uint32_t> terms;
  thread_local std::vector<float> score;  // per exemplar; zero between calls
  thread_local std::vector<uint32_t> touched;
  terms.clear();
  Familiarity::Terms(ws, &terms);
  if (score.size() < exemplars_.size()) score.resize(exemplars_.size(), 0.0f);
  touched.clear();
  for (uint32_t t : terms) {  // a repeated term counts again: cheap, and rare
    const uint32_t at = term_table_.Find(t);
    if (at == TermTable::kAbsent) continue;
    const float idf = idf_[at];
    for (uint32_t p = offsets_[at]; p < offsets_[at + 1]; ++p) {
      const uint32_t e = postings_[p];
      if (score[e] == 0.0f) touched.push_back(e);
      score[e] += idf;
    }
  }
  // The kCandidates best term scores (ties: lower index), kept sorted.
  std::array<std::pair<float, uint32_t>, kCandidates> best{};
  size_t n = 0;
  for (uint32_t e : touched) {
    const std::pair<float, uint32_t> c{score[e] * inv_norm_[e], e};
    score[e] = 0.0f;
    auto better = [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    };
    if (n < kCandidates) {
      best[n++] = c;
    } else if (better(c, best[n - 1])) {
      best[n - 1] = c;
    } else {
      continue;
    }
    for (size_t k = n - 1; k > 0 && better(best[k], best[k - 1]); --k)
      std::swap(best[k], best[k - 1]);
  }
  if (n == 0) return {};
  // Exact cosine of the candidates: x scattered into a dense per-thread
  // array over the buckets (independent loads, no probing), cleared after.
  thread_local std::vector<float> dense;
  if (dense.size() < dims_) dense.assign(dims_, 0.0f);
  for (size_t i = 0; i < x.indices.size(); ++i) dense[x.indices[i]] = x.values[i];
  Match m;
  for (size_t c = 0; c < n; ++c) {
    const uint32_t e = best[c].second;
    float dot = 0;
    for (uint32_t j = vector_offsets_[e]; j < vector_offsets_[e + 1]; ++j) {
      dot += dense[indices_[j]] * values_[j];
    }
    if (m.exemplar < 0 || dot > m.similarity) m = {static_cast<int>(e), dot};
  }
  for (uint32_t b : x.indices) dense[b] = 0.0f;
  return m;
}

ExemplarIndex::Match ExemplarIndex::NearestRef(const SparseVector& x) const {
  Match best;
  for (size_t e = 0; e < exemplars_.size(); ++e) {
    const float sim = DotRef(x, e);
    if (best.exemplar < 0 || sim > best.similarity) best = {static_cast<int>(e), sim};
  }
  return best;
}

const ExemplarIndex* LazyExemplarIndex::Get() const {
  std::call_once(once_, [this] {
    if (!exemplars_.empty()) {
      // Cannot fail: the constructor's REQUIRES is Build's only refusal.
      StatusOr<std::unique_ptr<ExemplarIndex>> index =
          ExemplarIndex::Build(std::move(exemplars_), encoder_);
      if (index.ok()) index_ = std::move(index).value();
    }
    built_.store(true, std::memory_order_release);
  });
  return index_.get();
}

}  // namespace logsieve
