# The sender of bench/otlp_bench.sh: OTLP/HTTP requests (JSON or protobuf),
# built before the clock, answered 200 once written.
add_executable(otlp_send ${CMAKE_CURRENT_LIST_DIR}/otlp_send.cc)
target_link_libraries(otlp_send PRIVATE logsieve_flags logsieve_otlp_proto Threads::Threads)
