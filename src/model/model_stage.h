// The model stage: encoder + logistic regression; decides a line when the
// top probability reaches the threshold.
//
//   StatusOr<std::unique_ptr<Stage>> stage = MakeModelStage(config);
//   // *stage == nullptr when model.file is "none" (no model stage).
//   (*stage)->Decide(batch, pending);
//
// Config: model.file ("" = the bundled models/default.lsm, "none" = no
// stage), pipeline.threshold, labels (each model label must be in the set or
// mapped by a `from`; with `from` in use a bundled label may stay unmapped:
// LabelSet::Accepts), normalizer.masks.
//
// Per pending line i:
//   - the encoder's text is batch.templates[i] when the encoder wants
//     template text and the pipeline's normalizer is the one the model was
//     trained with; with a different normalizer config the stage normalizes
//     batch.records[i].message itself with the model's own normalizer (so a
//     model never sees templates unlike its training data); encoders that
//     want raw text get the message.
//   - p is the model's confidence in its top label: the softmax probability
//     passed through the model file's calibration with the line's
//     familiarity (model/confidence.h; the probability itself for a model
//     without them). With a familiarity the detail says it: `familiar 0.62`.
//   - p >= threshold: batch.decisions[i] = {label, ML, p, detail}; for the
//     hashing encoder the detail names the strongest features for the label,
//     e.g. `p=0.93; familiar 1.00; top: "failed password" +1.20, "<ip>" +0.80`
//     (each value is the feature's share of the label's logit minus the mean
//     logit); for other encoders just `p=0.93`.
//   - p < threshold: the line stays undecided and batch.tentative[i] =
//     {label, ML, p, "p=0.61 below threshold 0.75"}, a documented fallback for
//     the LLM stage and the pipeline.
//   - batch.want_detail false: every detail above is left empty, and neither
//     the features nor the nearest exemplar are computed (the exemplar index
//     is built when a detail first asks for it: LazyExemplarIndex).
//   - Under a label set with labels[].from (label_set.h) the model's labels
//     are answered through LabelSet::Map: the probabilities of the model
//     labels mapping to the same label of the set are added before the top is
//     taken (P(Failure) = P(Error) + P(Critical Error) + P(Workflow Error);
//     doc/labels.md has the measurement), and the detail starts with the
//     mapping: "Error 0.62 + Workflow Error 0.30 -> Failure; p=0.92; ...".
//     A top model label the set leaves unmapped is unsure: the line stays
//     undecided whatever p is, with batch.tentative[i] = {Unclassified, ML, p,
//     "the model's top label HTTP Status (p=0.97) is unmapped in config
//     `labels`"}, so no fallback answers it with a label outside the set.
//
// Thread safety: frozen after creation; Decide is safe from many threads
// (thread_local scratch; no allocation per line once warm, hashing encoder).
#ifndef LOGSIEVE_MODEL_MODEL_STAGE_H_
#define LOGSIEVE_MODEL_MODEL_STAGE_H_

#include <memory>
#include <string>

#include "common/config.h"
#include "common/stage.h"
#include "common/status.h"

namespace logsieve {

// Errors name the file and the problem: unreadable/corrupt model, encoder
// mismatch, a model label missing from config `labels`, a threshold outside
// [0, 1].
StatusOr<std::unique_ptr<Stage>> MakeModelStage(const Config& config);

}  // namespace logsieve

#endif  // LOGSIEVE_MODEL_MODEL_STAGE_H_
