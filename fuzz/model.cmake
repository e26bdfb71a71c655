# The model-file parser (src/model/model_file.h): replayed under the
# sanitizers by ctest (fuzz_replay_model_file), libFuzzer with -DLOGSIEVE_FUZZ=ON.
logsieve_fuzz_target(model_file model_file_fuzz.cc DEPS logsieve_model)
