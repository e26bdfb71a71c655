# The rule-file parser (and, for small files, the compile and a scan).
logsieve_fuzz_target(rules rules_fuzz.cc DEPS logsieve_rules)
