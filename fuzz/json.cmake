# ParseJson (common/json.h), the one parser of untrusted JSON, with a small
# depth limit so the fuzzer reaches it.
logsieve_fuzz_target(json json_fuzz.cc DEPS logsieve_common)
