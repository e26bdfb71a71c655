# The learning loop over three rounds, and `learn` time with 100,000 stored
# templates (bench/learning_bench.cc). Run from the repository root:
# build/bench/bench/learning_bench rounds; build/bench/bench/learning_bench learn-time
add_executable(learning_bench ${CMAKE_CURRENT_LIST_DIR}/learning_bench.cc)
target_link_libraries(learning_bench PRIVATE logsieve_learn logsieve_store logsieve_fake_llm_server)
