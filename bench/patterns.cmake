# patterns_bench: the template miner's grouping accuracy and speed (bench/patterns_bench.sh).
add_executable(patterns_bench ${CMAKE_CURRENT_LIST_DIR}/patterns_bench.cc)
target_link_libraries(patterns_bench PRIVATE logsieve_flags logsieve_patterns logsieve_io logsieve_common)
