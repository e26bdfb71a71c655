# Model-stage benchmarks (included from bench/CMakeLists.txt when -DLOGSIEVE_BENCH=ON).
find_package(benchmark REQUIRED)
add_executable(model_bench ${CMAKE_CURRENT_LIST_DIR}/model_bench.cc)
target_link_libraries(model_bench PRIVATE logsieve_train logsieve_model benchmark::benchmark)
target_compile_definitions(model_bench PRIVATE LOGSIEVE_BENCH_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
