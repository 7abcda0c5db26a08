//! Ingest of ACD exports (interval reports and call-by-call records).
