# rules_bench: the rules stage alone, one thread (see bench/rules_vs_python.sh).
add_executable(rules_bench ${CMAKE_CURRENT_LIST_DIR}/rules_bench.cc)
target_link_libraries(rules_bench PRIVATE logsieve_flags logsieve_rules logsieve_io logsieve_common)
