"""The chat agent: Claude tool use over the operations catalogue, and the offline intent router."""
