# The worker's parser of syslog from the network: messages (RFC 5424, RFC
# 3164) and TCP framing (RFC 6587), ingest/syslog.h.
logsieve_fuzz_target(syslog syslog_fuzz.cc DEPS logsieve_syslog)

# The worker's OTLP/HTTP logs decoder (JSON and protobuf bodies, gzip),
# ingest/otlp.h. otlp.cc is compiled into each target rather than linked from
# logsieve_otlp, so that libFuzzer's coverage instrumentation (given to the
# target's own sources only) sees the decoder's branches.
find_package(ZLIB REQUIRED)
foreach(name otlp_json otlp_proto)
  logsieve_fuzz_target(${name} ${name}_fuzz.cc
    DEPS logsieve_otlp_proto logsieve_io logsieve_common nlohmann_json::nlohmann_json ZLIB::ZLIB)
  foreach(target ${name}_replay ${name}_fuzz)
    if(TARGET ${target})
      target_sources(${target} PRIVATE ${CMAKE_SOURCE_DIR}/src/ingest/otlp.cc)
      target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/src)
    endif()
  endforeach()
endforeach()
