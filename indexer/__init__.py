"""Reading documents, the analysis chain and its tables, and building the index."""
