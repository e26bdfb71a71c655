// Runs a fuzz target without libFuzzer (gcc builds, ctest): every file of the
// corpus directories given on the command line, then deterministic random
// mutations of them. Under the sanitizers this finds the shallow bugs on every
// test run; `make fuzz` (clang, libFuzzer) goes deep.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  int iterations = 2000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--iterations=", 0) == 0) {
      iterations = std::stoi(arg.substr(13));
      continue;
    }
    for (const auto& e : std::filesystem::recursive_directory_iterator(arg)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      inputs.push_back(ss.str());
    }
  }
  if (inputs.empty()) inputs.emplace_back();
  for (const std::string& s : inputs)
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::mt19937 rng(12345);
  const std::string specials = ",\"\r\n \t{}[]:\\\xff\xc3\xef\xbb\xbf#-";
  for (int it = 0; it < iterations; ++it) {
    std::string s = inputs[rng() % inputs.size()];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
      switch (rng() % 4) {
        case 0:
          s.insert(s.begin() + static_cast<long>(pos), specials[rng() % specials.size()]);
          break;
        case 1:
          if (!s.empty() && pos < s.size()) s.erase(pos, 1 + rng() % 4);
          break;
        case 2:
          if (pos < s.size()) s[pos] = static_cast<char>(rng() % 256);
          break;
        case 3:
          s.insert(pos, s.substr(pos, rng() % 16));
          break;
      }
    }
    if (std::getenv("LOGSIEVE_FUZZ_LAST")) {
      std::ofstream(std::getenv("LOGSIEVE_FUZZ_LAST"), std::ios::binary) << s;
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  std::printf("replayed %zu corpus inputs and %d mutations\n", inputs.size(), iterations);
  return 0;
}
