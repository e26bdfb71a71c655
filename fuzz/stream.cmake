# The worker's parsers of bytes from Redis and its configuration: stream
# entries (stream/stream_entry.h) and redis:// URLs (stream/redis.h).
logsieve_fuzz_target(stream_entry stream_entry_fuzz.cc DEPS logsieve_stream)
