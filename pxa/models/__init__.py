"""Pydantic models: the contract shared by the core and every front door (and the SDK)."""
