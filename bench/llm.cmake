# LLM stage throughput against the loopback fake server (needs the test
# library, so LOGSIEVE_TESTS=ON). Run: build/bench/llm_bench
if(TARGET logsieve_fake_llm_server)
  add_executable(llm_bench ${CMAKE_CURRENT_LIST_DIR}/llm_bench.cc)
  target_link_libraries(llm_bench PRIVATE logsieve_flags logsieve_llm logsieve_fake_llm_server)
endif()
