//! ZIP archives of dump files: parallel deflate, ZIP64, SHA-256 while reading, verification.
