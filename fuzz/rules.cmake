# The rule-file parser (and, for small files, the compile and a scan).
logsieve_fuzz_target(rules rules_fuzz.cc DEPS logsieve_rules)

# A compiled-rules cache entry read back from disk.
logsieve_fuzz_target(rule_cache rule_cache_fuzz.cc DEPS logsieve_rules)
