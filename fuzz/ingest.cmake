# The worker's parser of syslog from the network: messages (RFC 5424, RFC
# 3164) and TCP framing (RFC 6587), ingest/syslog.h.
logsieve_fuzz_target(syslog syslog_fuzz.cc DEPS logsieve_syslog)
