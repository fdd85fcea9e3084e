"""The embedded /v1 HTTP API (FastAPI): thin routers over the core's catalogue."""
