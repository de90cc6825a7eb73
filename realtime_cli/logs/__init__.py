"""Bytes to records: discovery, gzip and stdin, envelopes, JSON parsing, dialect signals."""
