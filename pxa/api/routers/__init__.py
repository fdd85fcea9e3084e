"""One router per domain; each is thin glue from HTTP to `Infra.call`."""
