# The transformer encoder's benchmark (included from bench/CMakeLists.txt).
add_executable(bert_bench ${CMAKE_CURRENT_LIST_DIR}/bert_bench.cc)
target_link_libraries(bert_bench PRIVATE logsieve_bert nlohmann_json::nlohmann_json)
