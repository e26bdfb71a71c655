# Fuzz target of the model file parser (included from fuzz/CMakeLists.txt
# when -DLOGSIEVE_FUZZ=ON; needs clang for -fsanitize=fuzzer).
add_executable(model_file_fuzz ${CMAKE_CURRENT_LIST_DIR}/model_file_fuzz.cc)
target_compile_options(model_file_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(model_file_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(model_file_fuzz PRIVATE logsieve_model)
