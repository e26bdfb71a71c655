# The server's parsers of bytes from clients: HTTP request heads and framing
# (the edge's Beast parser and CheckFraming), and multipart/form-data.
logsieve_fuzz_target(http_request http_request_fuzz.cc DEPS logsieve_server)
logsieve_fuzz_target(multipart multipart_fuzz.cc DEPS logsieve_server)
# The JSON endpoints' decoding of a body (issue 27): the line limit, depth,
# records and feedback, with large and deep bodies made by repetition.
logsieve_fuzz_target(request_body request_body_fuzz.cc DEPS logsieve_server)
