#include "model/model_file.h"

#include <sys/stat.h>
#include <xxhash.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/file.h"
#include "common/json.h"
#include "embed/encoder_factory.h"

namespace logsieve {
namespace {

static_assert(std::endian::native == std::endian::little, "model files are little-endian");

using json = nlohmann::json;

constexpr size_t kFixedHead = 16;  // magic + version + header length
constexpr size_t kAlign = 64;
// Far above any model logsieve trains (weights are dim x classes floats).
constexpr size_t kMaxModelFileBytes = size_t{1} << 30;

void PutU32(std::string* out, uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }

uint32_t GetU32(std::string_view b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

std::string Prefix(std::string_view origin) {
  return origin.empty() ? std::string("model") : std::string(origin);
}

}  // namespace

std::string SerializeModel(const Model& m) {
  const LinearModel& lin = m.linear;
  json header;
  header["format"] = "logsieve-model";
  header["labels"] = m.labels;
  header["encoder"] = {{"spec", json::parse(m.encoder_spec, nullptr, false)},
                       {"fingerprint", m.encoder_fingerprint}};
  header["normalizer"] =
      m.normalizer_spec.empty() ? json(nullptr) : json::parse(m.normalizer_spec, nullptr, false);
  header["training"] = json::parse(m.training_json, nullptr, false);
  header["weights"] = {{"dtype", "f32"},
                       {"layout", "feature_major"},
                       {"dim", lin.dim()},
                       {"classes", lin.num_classes()},
                       {"offset", 0}};
  const uint32_t version = !m.exemplars.empty()                                    ? 3
                           : (!m.familiarity.empty() || !m.calibration.identity()) ? 2
                                                                                   : 1;
  if (version >= 2) {
    header["confidence"] = {
        {"calibration", m.calibration.ToJson()},
        {"familiarity", {{"terms", m.familiarity.hashes().size()}, {"dtype", "u32"}}}};
  }
  if (version >= 3) header["evidence"] = {{"exemplars", ExemplarsToJson(m.exemplars)}};
  // The offset is written in the header whose length decides the offset:
  // iterate to the fixed point (two rounds in practice).
  std::string text;
  size_t offset = 0;
  for (int round = 0; round < 4; ++round) {
    header["weights"]["offset"] = offset;
    text = header.dump();
    const size_t want = (kFixedHead + text.size() + kAlign - 1) / kAlign * kAlign;
    if (want == offset) break;
    offset = want;
  }
  std::string out;
  const std::vector<uint32_t>& terms = m.familiarity.hashes();
  out.reserve(offset + (lin.weights().size() + lin.bias().size() + terms.size()) * 4 + 8);
  out.append(kModelMagic);
  PutU32(&out, version);
  PutU32(&out, static_cast<uint32_t>(text.size()));
  out.append(text);
  out.resize(offset, '\0');
  out.append(reinterpret_cast<const char*>(lin.weights().data()), lin.weights().size() * 4);
  out.append(reinterpret_cast<const char*>(lin.bias().data()), lin.bias().size() * 4);
  out.append(reinterpret_cast<const char*>(terms.data()), terms.size() * 4);
  const uint64_t sum = XXH3_64bits(out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&sum), 8);
  return out;
}

StatusOr<Model> ParseModel(std::string_view b, std::string_view origin,
                           std::shared_ptr<const void> owner) {
  const std::string where = Prefix(origin);
  if (b.size() < kModelMagic.size() || b.substr(0, kModelMagic.size()) != kModelMagic) {
    return InvalidArgumentError(where + ": not a logsieve model file (no \"LSVMODEL\" magic)");
  }
  if (b.size() < kFixedHead) {
    return DataLossError(where + ": truncated: " + std::to_string(b.size()) +
                         " bytes, shorter than the fixed head");
  }
  const uint32_t version = GetU32(b, 8);
  if (version < 1 || version > kModelFormatVersion) {
    return UnimplementedError(where + ": model format version " + std::to_string(version) +
                              " is not supported (this logsieve reads versions 1 to " +
                              std::to_string(kModelFormatVersion) +
                              "); retrain with `logsieve train`");
  }
  const size_t hlen = GetU32(b, 12);
  if (kFixedHead + hlen + 8 > b.size()) {
    return DataLossError(where + ": truncated: the header needs " +
                         std::to_string(kFixedHead + hlen) + " bytes, the file has " +
                         std::to_string(b.size()));
  }
  StatusOr<json> parsed = ParseJson(b.substr(kFixedHead, hlen), "header");
  if (!parsed.ok()) {
    return DataLossError(where + ": corrupt: the header is not valid JSON (" +
                         parsed.status().message() + ")");
  }
  json h = std::move(*parsed);
  if (!h.is_object()) return DataLossError(where + ": corrupt: the header is not a JSON object");
  Model m;
  size_t dim = 0, classes = 0, offset = 0, terms = 0;
  nlohmann::json calibration, exemplars;
  try {
    const json& w = h.at("weights");
    if (w.at("dtype") != "f32" || w.at("layout") != "feature_major") {
      return UnimplementedError(where + ": weights " + w.dump() + " are not f32 feature_major");
    }
    dim = w.at("dim").get<size_t>();
    classes = w.at("classes").get<size_t>();
    offset = w.at("offset").get<size_t>();
    m.labels = h.at("labels").get<std::vector<std::string>>();
    m.encoder_spec = h.at("encoder").at("spec").dump();
    m.encoder_fingerprint = h.at("encoder").at("fingerprint").get<std::string>();
    m.normalizer_spec = h.at("normalizer").is_null() ? std::string() : h.at("normalizer").dump();
    m.training_json = h.value("training", json::object()).dump();
    if (version >= 2) {
      const json& c = h.at("confidence");
      calibration = c.at("calibration");
      if (c.at("familiarity").at("dtype") != "u32") {
        return UnimplementedError(where + ": familiarity " + c.at("familiarity").dump() +
                                  " is not u32");
      }
      terms = c.at("familiarity").at("terms").get<size_t>();
    }
    if (version >= 3) exemplars = h.at("evidence").at("exemplars");
  } catch (const json::exception& e) {
    return DataLossError(where + ": corrupt: header field missing or of the wrong type (" +
                         e.what() + ")");
  }
  if (classes != m.labels.size() || classes < 2 || dim == 0 || dim > (size_t{1} << 28) ||
      classes > 4096 || offset < kFixedHead + hlen || offset % kAlign != 0 || offset > b.size()) {
    return DataLossError(where + ": corrupt: inconsistent header (dim " + std::to_string(dim) +
                         ", " + std::to_string(classes) + " classes, " +
                         std::to_string(m.labels.size()) + " labels, weights at " +
                         std::to_string(offset) + ")");
  }
  if (terms > (size_t{1} << 28)) {
    return DataLossError(where + ": corrupt: " + std::to_string(terms) + " familiarity terms");
  }
  const size_t floats = dim * classes + classes + terms;
  const size_t expected = offset + floats * 4 + 8;
  if (b.size() < expected) {
    return DataLossError(where + ": truncated: expected " + std::to_string(expected) +
                         " bytes, the file has " + std::to_string(b.size()));
  }
  if (b.size() > expected) {
    return DataLossError(where + ": corrupt: " + std::to_string(b.size() - expected) +
                         " unexpected bytes after the checksum");
  }
  uint64_t stored;
  std::memcpy(&stored, b.data() + expected - 8, 8);
  if (stored != XXH3_64bits(b.data(), expected - 8)) {
    return DataLossError(
        where + ": corrupt: checksum mismatch (the file was damaged after it was written)");
  }
  m.checksum = stored;
  const size_t weights_size = dim * classes;
  std::vector<float> bias(classes);
  std::memcpy(bias.data(), b.data() + offset + weights_size * 4, classes * 4);
  // In place when the bytes are kept alive and the weights float-aligned in
  // memory (offset is a multiple of 64; a mapping starts on a page).
  const char* at = b.data() + offset;
  if (owner != nullptr && reinterpret_cast<uintptr_t>(at) % alignof(float) == 0) {
    const float* w = reinterpret_cast<const float*>(at);
    for (size_t i = 0; i < weights_size; ++i) {
      if (!std::isfinite(w[i])) return DataLossError(where + ": corrupt: a weight is not finite");
    }
    m.linear = LinearModel(dim, classes, std::move(owner), w, std::move(bias));
  } else {
    std::vector<float> weights(weights_size);
    std::memcpy(weights.data(), at, weights_size * 4);
    for (float v : weights) {
      if (!std::isfinite(v)) return DataLossError(where + ": corrupt: a weight is not finite");
    }
    m.linear = LinearModel(dim, classes, std::move(weights), std::move(bias));
  }
  if (version >= 2) {
    StatusOr<Calibration> c = Calibration::FromJson(calibration);
    if (!c.ok()) return c.status().WithPrefix(where + ": corrupt");
    m.calibration = *c;
    std::vector<uint32_t> hashes(terms);
    if (terms > 0) {  // a transformer-encoder model keeps no familiarity terms
      std::memcpy(hashes.data(), b.data() + offset + (weights_size + classes) * 4, terms * 4);
    }
    StatusOr<Familiarity> f = Familiarity::FromHashes(std::move(hashes));
    if (!f.ok()) return f.status().WithPrefix(where + ": corrupt");
    m.familiarity = std::move(f).value();
  }
  if (version >= 3) {
    StatusOr<std::vector<Exemplar>> e = ExemplarsFromJson(exemplars, classes);
    if (!e.ok()) return DataLossError(where + ": corrupt: " + std::string(e.status().message()));
    m.exemplars = std::move(e).value();
  }
  return m;
}

Status SaveModel(const Model& model, const std::string& path) {
  // Written beside and renamed into place; never over a device or FIFO.
  if (struct stat st{}; stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return InvalidArgumentError(path + ": not a regular file; a model is written to a file path");
  }
  return WriteFileAtomically(path, SerializeModel(model));  // Unavailable: exit 1
}

StatusOr<Model> ReadModelFile(const std::string& path) {
  StatusOr<std::shared_ptr<const FileBytes>> mapped =
      FileBytes::Read(path, kMaxModelFileBytes, "model file");
  if (mapped.ok()) {
    std::shared_ptr<const FileBytes> file = std::move(mapped).value();
    const std::string_view bytes = file->bytes();
    return ParseModel(bytes, path, std::move(file));
  }
  if (mapped.status().code() != StatusCode::kUnavailable) return mapped.status();
  // A file system that cannot map: read it whole.
  LOGSIEVE_ASSIGN_OR_RETURN(std::string bytes, ReadFileBounded(path, kMaxModelFileBytes,
                                                               "model file", FileKinds::kRegular));
  return ParseModel(bytes, path);
}

Status CheckEncoder(const Model& model, const Encoder& encoder, std::string_view origin) {
  if (encoder.fingerprint() != model.encoder_fingerprint) {
    return FailedPreconditionError(Prefix(origin) +
                                   ": encoder mismatch: the model was trained with encoder " +
                                   model.encoder_fingerprint + " (" + model.encoder_spec +
                                   ") but the encoder has fingerprint " + encoder.fingerprint() +
                                   " (" + encoder.spec_json() + ")");
  }
  if (encoder.dim() != model.linear.dim()) {
    return FailedPreconditionError(
        Prefix(origin) + ": encoder mismatch: the encoder gives " + std::to_string(encoder.dim()) +
        " features, the weights expect " + std::to_string(model.linear.dim()));
  }
  return OkStatus();
}

StatusOr<LoadedModel> LoadModel(const std::string& path) {
  LOGSIEVE_ASSIGN_OR_RETURN(Model m, ReadModelFile(path));
  StatusOr<std::unique_ptr<Encoder>> enc = MakeEncoderFromSpec(m.encoder_spec);
  if (!enc.ok()) return enc.status().WithPrefix(path + ": cannot build the model's encoder");
  LOGSIEVE_RETURN_IF_ERROR(CheckEncoder(m, **enc, path));
  return LoadedModel{std::move(m), std::move(enc).value()};
}

}  // namespace logsieve
