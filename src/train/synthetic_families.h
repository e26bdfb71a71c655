// The data of the synthetic log generator (synthetic_logs.h): its labels,
// kinds of systems, template families, slots and line formats, as tables in
// synthetic_families.cc. Adding a family is adding a row there; a new slot
// or label is a row too. The generator's code (synthetic_logs.cc) knows no
// family, slot or vocabulary.
//
//   {"Security Alert", "auth", R"t((Failed|Invalid) password for {user} from {ip})t"}
//
// Templates and recipes share one small language:
//   (a|b|)       one branch, uniformly          (?0.6:a|b)  a with probability 0.6, else b
//   {slot}       a slot's recipe, expanded      {=1..20}    a number in [1, 20]
//   {=01..12}    zero-padded to LO's width      {=hex:8}    eight hex digits
//   \x           the character x (for a literal ( ) | { } or \)
// A family's template is expanded left to right; a slot's recipe and a line
// format draw their parts right to left (the last part first). The orders
// are those of the generator's first, hand-written version (GCC evaluates
// `a + b + c` right to left); they are part of the output, so the same seed
// gives the same corpus and models/default.lsm stays reproducible. Changing
// a row, its position, or an order changes both.
//
// A name in braces must be a slot (or, in a line format, one of the line's
// own values: msg, msg_json, source, level, level_lower, ts); the tables are
// checked when synthetic_families.cc compiles.
//
// Thread safety: constant data.
#ifndef LOGSIEVE_TRAIN_SYNTHETIC_FAMILIES_H_
#define LOGSIEVE_TRAIN_SYNTHETIC_FAMILIES_H_

#include <span>
#include <string_view>

namespace logsieve::synthetic {

// A label, with the levels its lines are logged at (a recipe).
struct LabelRow {
  std::string_view name;
  std::string_view levels;
};

// A kind of system, with its source names (a recipe).
struct SystemRow {
  std::string_view name;
  std::string_view sources;
};

// One way of saying one thing: a label, the kind of system that says it, and
// the template. Every fifth family of a label (in table order) is held out.
struct FamilyRow {
  std::string_view label;
  std::string_view system;
  std::string_view text;
};

// A named value: its recipe (for a vocabulary, one alternation of words).
struct SlotRow {
  std::string_view name;
  std::string_view recipe;
};

// In generation order: a row's label is Labels()[row % Labels().size()].
std::span<const LabelRow> Labels();
std::span<const SystemRow> Systems();
std::span<const FamilyRow> Families();
std::span<const SlotRow> Slots();
// One is picked uniformly per line (a format listed twice is twice as likely).
std::span<const std::string_view> LineFormats();
// The slot drawn for every line, before its format is picked, as {ts}.
inline constexpr std::string_view kLineTimestampSlot = "line_ts";

}  // namespace logsieve::synthetic

#endif  // LOGSIEVE_TRAIN_SYNTHETIC_FAMILIES_H_
