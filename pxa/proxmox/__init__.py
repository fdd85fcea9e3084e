"""The Proxmox VE adapter: the only package that knows the PVE API (through proxmoxer)."""
