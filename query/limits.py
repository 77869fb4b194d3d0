"""Caps on what one request may ask for, shared by the CLI, the search function and the server."""

MAX_LIMIT = 1000  # hits per page, from the command line and the Python API
SERVER_MAX_LIMIT = 100  # hits per page over HTTP
SERVER_MAX_PAGE = 100
MAX_QUERY_CHARS = 1000
MAX_QUERY_STRING = 4096  # bytes of an HTTP query string
CLI_SEARCH_SECONDS = 20.0  # matching stops after this and the result is marked partial
SERVER_SEARCH_SECONDS = 2.0
# Searches one server process answers at once. Its threads share one core's interpreter
# lock: with 4, each search took about 4 times its CPU time to answer and fewer were
# answered (bench/results/issue-13-measurements.md, "Search threads per worker").
SERVER_SEARCH_THREADS = 2
