# LLM stage throughput against the loopback fake server (src/llm/testing/,
# built with the benchmarks). Run: build/bench/bench/llm_bench
add_executable(llm_bench ${CMAKE_CURRENT_LIST_DIR}/llm_bench.cc)
target_link_libraries(llm_bench PRIVATE logsieve_flags logsieve_llm logsieve_fake_llm_server)
