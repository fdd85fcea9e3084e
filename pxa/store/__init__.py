"""SQLite persistence (sqlite-utils, WAL): jobs and their logs, the audit log."""
