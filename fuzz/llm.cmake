# The LLM stage's parsers of bytes from the network: chat completion bodies,
# model answers, Retry-After values, and the PII scanners over log text.
logsieve_fuzz_target(llm_answer llm_answer_fuzz.cc DEPS logsieve_llm)
