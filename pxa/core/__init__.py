"""The headless core: one catalogue of operations that every front door calls."""
