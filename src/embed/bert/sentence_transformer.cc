#include "embed/bert/sentence_transformer.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/file.h"
#include "common/json.h"
#include "embed/bert/kernels.h"
#include "embed/bert/safetensors.h"

namespace logsieve::bert {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The JSON and text files of a transformer folder (config, modules, vocab).
StatusOr<std::string> ReadText(const std::string& path) {
  return ReadFileBounded(path, 256u << 20, "transformer folder file", FileKinds::kRegular);
}

StatusOr<json> ReadJson(const std::string& path) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::string text, ReadText(path));
  return ParseJson(text, path);
}

struct Modules {
  std::string pooling_dir;  // relative; "" = none listed
  bool normalize = false;
};

// modules.json: Transformer, then Pooling, then optionally Normalize.
StatusOr<Modules> ReadModules(const std::string& dir) {
  Modules m;
  const std::string path = dir + "/modules.json";
  if (!fs::exists(path)) {  // a plain HF folder: sentence-transformers adds mean pooling
    m.pooling_dir = "";
    return m;
  }
  LOGSIEVE_ASSIGN_OR_RETURN(json j, ReadJson(path));
  try {
    if (!j.is_array()) return InvalidArgumentError(path + ": not a JSON array");
    int stage = 0;  // 0 expect Transformer, 1 expect Pooling, 2 Normalize, 3 done
    for (const json& mod : j) {
      const std::string type = mod.at("type").get<std::string>();
      const std::string short_type = type.substr(type.rfind('.') + 1);
      if (short_type == "Transformer" && stage == 0) {
        if (!mod.value("path", "").empty()) {
          return UnimplementedError(path + ": a Transformer module in a sub-folder ('" +
                                    mod.value("path", "") + "') is not supported");
        }
        stage = 1;
      } else if (short_type == "Pooling" && stage == 1) {
        m.pooling_dir = mod.value("path", "");
        stage = 2;
      } else if (short_type == "Normalize" && stage == 2) {
        m.normalize = true;
        stage = 3;
      } else {
        return UnimplementedError(
            path + ": module '" + type + "' (position " + std::to_string(mod.value("idx", -1)) +
            ") is not supported; supported: Transformer -> Pooling -> Normalize");
      }
    }
    if (stage < 2) return UnimplementedError(path + ": needs a Transformer and a Pooling module");
  } catch (const json::exception& e) {
    return InvalidArgumentError(path + ": " + e.what());
  }
  return m;
}

StatusOr<Pooling> ReadPooling(const std::string& dir, const std::string& pooling_dir,
                              size_t hidden) {
  if (pooling_dir.empty()) return Pooling::kMean;
  const std::string path = dir + "/" + pooling_dir + "/config.json";
  LOGSIEVE_ASSIGN_OR_RETURN(json j, ReadJson(path));
  try {
    if (j.contains("word_embedding_dimension") &&
        j.at("word_embedding_dimension").get<size_t>() != hidden) {
      return InvalidArgumentError(path + ": word_embedding_dimension " +
                                  j.at("word_embedding_dimension").dump() + " != hidden_size " +
                                  std::to_string(hidden));
    }
    if (j.contains("pooling_mode") && j.at("pooling_mode").is_string()) {
      const std::string mode = j.at("pooling_mode").get<std::string>();
      if (mode == "mean") return Pooling::kMean;
      if (mode == "cls") return Pooling::kCls;
      return UnimplementedError(path + ": pooling_mode '" + mode +
                                "' is not supported (mean, cls)");
    }
    int on = 0;
    Pooling p = Pooling::kMean;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key().rfind("pooling_mode_", 0) != 0 || !it.value().is_boolean() ||
          !it.value().get<bool>()) {
        continue;
      }
      if (it.key() == "pooling_mode_mean_tokens") {
        p = Pooling::kMean;
      } else if (it.key() == "pooling_mode_cls_token") {
        p = Pooling::kCls;
      } else {
        return UnimplementedError(path + ": " + it.key() +
                                  " is not supported (only pooling_mode_mean_tokens or "
                                  "pooling_mode_cls_token)");
      }
      ++on;
    }
    if (on != 1) {
      return UnimplementedError(path + ": exactly one pooling mode must be on (found " +
                                std::to_string(on) + ")");
    }
    return p;
  } catch (const json::exception& e) {
    return InvalidArgumentError(path + ": " + e.what());
  }
}

StatusOr<std::unique_ptr<WordPieceTokenizer>> ReadTokenizer(const std::string& dir) {
  if (fs::exists(dir + "/tokenizer.json"))
    return WordPieceTokenizer::FromTokenizerJson(dir + "/tokenizer.json");
  if (!fs::exists(dir + "/vocab.txt")) {
    return NotFoundError(dir + ": neither tokenizer.json nor vocab.txt");
  }
  TokenizerSettings s;
  const std::string cfg_path = dir + "/tokenizer_config.json";
  if (fs::exists(cfg_path)) {
    LOGSIEVE_ASSIGN_OR_RETURN(json j, ReadJson(cfg_path));
    try {
      const std::string cls = j.value("tokenizer_class", "BertTokenizer");
      if (cls != "BertTokenizer" && cls != "BertTokenizerFast") {
        return UnimplementedError(cfg_path + ": tokenizer_class '" + cls + "' is not supported");
      }
      auto flag = [&](const char* key, bool def) {
        return j.contains(key) && !j.at(key).is_null() ? j.at(key).get<bool>() : def;
      };
      s.lowercase = flag("do_lower_case", true);
      s.strip_accents = flag("strip_accents", s.lowercase);
      s.handle_chinese_chars = flag("tokenize_chinese_chars", true);
      auto tok = [&](const char* key, std::string* out) {
        if (j.contains(key) && j.at(key).is_string()) *out = j.at(key).get<std::string>();
      };
      tok("unk_token", &s.unk_token);
      tok("cls_token", &s.cls_token);
      tok("sep_token", &s.sep_token);
      tok("pad_token", &s.pad_token);
    } catch (const json::exception& e) {
      return InvalidArgumentError(cfg_path + ": " + e.what());
    }
  }
  return WordPieceTokenizer::FromVocabTxt(dir + "/vocab.txt", s);
}

// The model_max_length of tokenizer_config.json (0 when absent or "infinite").
size_t TokenizerMaxLength(const std::string& dir) {
  auto j = ReadJson(dir + "/tokenizer_config.json");
  if (!j.ok()) return 0;
  auto it = j->find("model_max_length");
  if (it == j->end() || !it->is_number()) return 0;
  const double v = it->get<double>();
  return v > 0 && v < 1e6 ? static_cast<size_t>(v) : 0;
}

void HashFile(XXH64_state_t* st, const std::string& path) {
  auto text = ReadText(path);
  if (text.ok()) XXH64_update(st, text->data(), text->size());
}

}  // namespace

StatusOr<FolderTokenizer> LoadFolderTokenizer(const std::string& dir, size_t max_length) {
  const std::string config_path = dir + "/config.json";
  LOGSIEVE_ASSIGN_OR_RETURN(std::string config_text, ReadText(config_path));
  LOGSIEVE_ASSIGN_OR_RETURN(BertConfig config, BertConfig::FromJson(config_text, config_path));
  FolderTokenizer out;
  LOGSIEVE_ASSIGN_OR_RETURN(out.tokenizer, ReadTokenizer(dir));
  if (out.tokenizer->vocab_size() > config.vocab_size) {
    return InvalidArgumentError(
        dir + ": the tokenizer has " + std::to_string(out.tokenizer->vocab_size()) +
        " tokens, config.json vocab_size is " + std::to_string(config.vocab_size));
  }
  // Token limit: option, else sentence_bert_config max_seq_length, else
  // tokenizer_config model_max_length, else max_position_embeddings.
  size_t max_len = 0;
  if (fs::exists(dir + "/sentence_bert_config.json")) {
    LOGSIEVE_ASSIGN_OR_RETURN(json sb, ReadJson(dir + "/sentence_bert_config.json"));
    if (sb.contains("max_seq_length") && sb.at("max_seq_length").is_number_unsigned()) {
      max_len = sb.at("max_seq_length").get<size_t>();
    }
    if (sb.value("do_lower_case", false) && !out.tokenizer->settings().lowercase) {
      return UnimplementedError(dir +
                                "/sentence_bert_config.json: do_lower_case with a cased tokenizer "
                                "is not supported");
    }
  }
  if (max_len == 0) max_len = TokenizerMaxLength(dir);
  if (max_len == 0 || max_len > config.max_position_embeddings)
    max_len = config.max_position_embeddings;
  if (max_length != 0) {
    if (max_length < 2 || max_length > config.max_position_embeddings) {
      return InvalidArgumentError("max_length " + std::to_string(max_length) +
                                  " is outside [2, max_position_embeddings " +
                                  std::to_string(config.max_position_embeddings) + "]");
    }
    max_len = max_length;
  }
  out.max_length = max_len;
  return out;
}

StatusOr<std::unique_ptr<SentenceTransformer>> SentenceTransformer::Load(
    const std::string& dir_in, const TransformerOptions& options) {
  std::error_code ec;
  const std::string dir = fs::absolute(dir_in, ec).lexically_normal().string();
  if (!fs::is_directory(dir)) return NotFoundError(dir_in + ": not a model folder");
  BertModel::Precision precision;
  if (options.precision == "fp32") {
    precision = BertModel::Precision::kFp32;
  } else if (options.precision == "int8") {
    precision = BertModel::Precision::kInt8;
  } else {
    return UnimplementedError("precision '" + options.precision +
                              "' is not supported (fp32, int8)");
  }
  if (options.batch_size == 0) return InvalidArgumentError("batch_size must be >= 1");
  std::unique_ptr<SentenceTransformer> enc(new SentenceTransformer());

  LOGSIEVE_ASSIGN_OR_RETURN(Modules modules, ReadModules(dir));
  const std::string config_path = dir + "/config.json";
  LOGSIEVE_ASSIGN_OR_RETURN(std::string config_text, ReadText(config_path));
  LOGSIEVE_ASSIGN_OR_RETURN(BertConfig config, BertConfig::FromJson(config_text, config_path));
  LOGSIEVE_ASSIGN_OR_RETURN(enc->pooling_,
                            ReadPooling(dir, modules.pooling_dir, config.hidden_size));
  enc->normalize_ = modules.normalize;
  LOGSIEVE_ASSIGN_OR_RETURN(FolderTokenizer tok, LoadFolderTokenizer(dir, options.max_length));
  enc->tokenizer_ = std::move(tok.tokenizer);
  enc->max_length_ = tok.max_length;
  const size_t max_len = tok.max_length;
  enc->batch_size_ = options.batch_size;

  const std::string st_path = dir + "/model.safetensors";
  if (!fs::exists(st_path)) {
    if (fs::exists(dir + "/pytorch_model.bin")) {
      return UnimplementedError(dir +
                                ": only model.safetensors is read, not pytorch_model.bin "
                                "(convert it, or download the safetensors file)");
    }
    return NotFoundError(st_path + ": missing");
  }
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<SafeTensors> st, SafeTensors::Open(st_path));
  LOGSIEVE_ASSIGN_OR_RETURN(enc->model_, BertModel::Load(config, *st, precision));

  json spec = {{"kind", "transformer"},
               {"dir", dir},
               {"max_length", max_len},
               {"precision", options.precision},
               {"pooling", enc->pooling_ == Pooling::kMean ? "mean" : "cls"},
               {"normalize", enc->normalize_},
               {"dim", config.hidden_size},
               {"text", "raw"}};
  enc->spec_json_ = spec.dump();
  // Fingerprint: what changes the vectors, not where the folder is.
  XXH64_state_t* hs = XXH64_createState();
  XXH64_reset(hs, 0);
  json fp_spec = spec;
  fp_spec.erase("dir");
  const std::string fp_text = fp_spec.dump();
  XXH64_update(hs, fp_text.data(), fp_text.size());
  XXH64_update(hs, config_text.data(), config_text.size());
  HashFile(hs, dir + "/tokenizer.json");
  HashFile(hs, dir + "/vocab.txt");
  HashFile(hs, dir + "/tokenizer_config.json");
  XXH64_update(hs, st->bytes().data(), st->bytes().size());
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(XXH64_digest(hs)));
  XXH64_freeState(hs);
  enc->fingerprint_ = hex;
  return enc;
}

StatusOr<std::unique_ptr<Encoder>> LoadSentenceTransformer(const std::string& dir,
                                                           const TransformerOptions& options) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<SentenceTransformer> enc,
                            SentenceTransformer::Load(dir, options));
  return std::unique_ptr<Encoder>(std::move(enc));
}

StatusOr<TransformerSpec> ParseTransformerSpec(std::string_view spec_json) {
  TransformerSpec spec;
  LOGSIEVE_ASSIGN_OR_RETURN(json j, ParseJson(spec_json, "encoder spec"));
  try {
    if (j.value("kind", "") != "transformer") {
      return InvalidArgumentError("encoder spec: kind is '" + j.value("kind", "") +
                                  "', not 'transformer'");
    }
    spec.dir = j.at("dir").get<std::string>();
    spec.options.max_length = j.at("max_length").get<size_t>();
    spec.options.precision = j.at("precision").get<std::string>();
  } catch (const json::exception& e) {
    return InvalidArgumentError(std::string("encoder spec: ") + e.what());
  }
  return spec;
}

std::unique_ptr<SentenceTransformer::Workspace> SentenceTransformer::Acquire() const {
  MutexLock lock(&pool_mu_);
  if (pool_.empty()) return std::make_unique<Workspace>();
  std::unique_ptr<Workspace> ws = std::move(pool_.back());
  pool_.pop_back();
  return ws;
}

void SentenceTransformer::Release(std::unique_ptr<Workspace> ws) const {
  MutexLock lock(&pool_mu_);
  pool_.push_back(std::move(ws));
}

Status SentenceTransformer::EncodeDense(std::span<const std::string_view> texts, float* out) const {
  std::unique_ptr<Workspace> ws = Acquire();
  const size_t n = texts.size(), H = dim();
  if (ws->ids.size() < n) ws->ids.resize(n);
  ws->order.resize(n);
  for (size_t i = 0; i < n; ++i) {
    tokenizer_->Encode(texts[i], max_length_, &ws->ids[i]);
    ws->order[i] = i;
  }
  // Similar lengths together: attention cost per batch is then even.
  std::stable_sort(ws->order.begin(), ws->order.end(),
                   [&](size_t a, size_t b) { return ws->ids[a].size() < ws->ids[b].size(); });
  for (size_t b = 0; b < n; b += batch_size_) {
    const size_t e = std::min(n, b + batch_size_);
    ws->packed.clear();
    ws->lengths.clear();
    for (size_t k = b; k < e; ++k) {
      const std::vector<int32_t>& ids = ws->ids[ws->order[k]];
      ws->packed.insert(ws->packed.end(), ids.begin(), ids.end());
      ws->lengths.push_back(ids.size());
    }
    model_->Forward(ws->packed, ws->lengths, &ws->model);
    size_t start = 0;
    for (size_t k = b; k < e; ++k) {
      const size_t len = ws->lengths[k - b];
      float* row = out + ws->order[k] * H;
      const float* hidden = ws->model.hidden.data() + start * H;
      if (pooling_ == Pooling::kMean) {
        kernels::MeanRows(hidden, len, H, row);
      } else {
        std::copy(hidden, hidden + H, row);
      }
      if (normalize_) kernels::L2Normalize(row, H);
      start += len;
    }
  }
  Release(std::move(ws));
  return OkStatus();
}

}  // namespace logsieve::bert
