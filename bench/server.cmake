# Server benchmark: bench/server_bench.sh drives `logsieve serve` with wrk and
# curl (no C++ target). `ninja server_bench` runs it against this build.
add_custom_target(server_bench
  COMMAND ${CMAKE_SOURCE_DIR}/bench/server_bench.sh $<TARGET_FILE:logsieve>
  DEPENDS logsieve
  USES_TERMINAL
  COMMENT "wrk on POST /classify-single/ and curl on POST /classify/ (see BENCHMARKS.md)")
