# ParseJson against a nested-JSON bomb: peak memory (see the file's header).
add_executable(json_depth_bench ${CMAKE_CURRENT_LIST_DIR}/json_depth_bench.cc)
target_link_libraries(json_depth_bench PRIVATE logsieve_flags logsieve_common)
