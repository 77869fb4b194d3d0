"""Parsing queries, searching the index, presenting results, and the command line."""
