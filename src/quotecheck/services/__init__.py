"""Read and write functions shared by the CLI and the API.

Each takes a `Session` first and never commits: the caller owns the transaction. Bad input raises a
`quotecheck.errors.ValidationError` (or `Conflict`, `NotFound`) whose message says what to do. The one
exception is `feeds.import_feed`, which takes an Engine and commits batch by batch (see its docstring).
"""
