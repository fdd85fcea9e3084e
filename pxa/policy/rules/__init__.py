"""The rules, one module per theme; `pxa.policy.catalogue` gathers them into `RULES`."""
