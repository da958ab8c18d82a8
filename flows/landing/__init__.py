"""Landing: taking files into data/raw/. `ingest` (a file recognised by its content, read once on its own,
stored unchanged by sha256), `fetch` (the open APIs, each answer landed like an ingested file), the
`manifest` and load log that record every raw file, and the `lock` that keeps one writer at a time."""
