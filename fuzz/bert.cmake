# The transformer encoder's parsers of untrusted bytes: safetensors files and
# tokenizer input text.
logsieve_fuzz_target(bert_safetensors bert_safetensors_fuzz.cc DEPS logsieve_bert)
logsieve_fuzz_target(bert_tokenizer bert_tokenizer_fuzz.cc DEPS logsieve_bert)
