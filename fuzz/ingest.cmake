# The worker's parser of syslog from the network: messages (RFC 5424, RFC
# 3164) and TCP framing (RFC 6587), ingest/syslog.h.
logsieve_fuzz_target(syslog syslog_fuzz.cc DEPS logsieve_syslog)
# The worker's OTLP/HTTP logs decoder (JSON and protobuf bodies, gzip),
# ingest/otlp.h.
logsieve_fuzz_target(otlp_json otlp_json_fuzz.cc DEPS logsieve_otlp)
logsieve_fuzz_target(otlp_proto otlp_proto_fuzz.cc DEPS logsieve_otlp)
