# The template miner on arbitrary lines, and its saved state read back.
logsieve_fuzz_target(patterns patterns_fuzz.cc DEPS logsieve_patterns)
