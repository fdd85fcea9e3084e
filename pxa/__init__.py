"""pxa: the Proxmox AI infrastructure assistant."""

__version__ = "0.1.0"
