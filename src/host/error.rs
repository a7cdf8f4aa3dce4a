//! TODO(host)
