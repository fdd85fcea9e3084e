"""A Proxmox VE API simulator: `/api2/json` over HTTPS on loopback.

proxmoxer talks to it exactly as to a real cluster, so the adapter code that runs
against the sandbox is the production code. The package imports nothing from the
rest of pxa; start it with `pxa.sandbox.server.SandboxServer` or
`pxa.sandbox.launcher.ensure_running`.
"""
