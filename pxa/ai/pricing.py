"""Token usage and what it costs: a small price table per model family.

Prices are USD per million tokens from Anthropic's published price list (checked November
2026). A model the table does not know gets no cost, said plainly, rather than a guess.
Cache writes (5-minute) cost 1.25× the input price; cache reads are priced per family.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# (model id prefix, input, output, cache read); the first matching prefix wins.
PRICES: tuple[tuple[str, float, float, float], ...] = (
    ("claude-fable-5-1", 10.0, 50.0, 0.25),
    ("claude-mythos-5-1", 10.0, 50.0, 0.25),
    ("claude-fable-5", 10.0, 50.0, 1.0),
    ("claude-mythos-5", 10.0, 50.0, 1.0),
    ("claude-opus-5-5", 4.0, 20.0, 0.40),
    ("claude-opus-5", 5.0, 25.0, 0.50),
    ("claude-opus-4-8", 5.0, 25.0, 0.50),
    ("claude-opus-4-7", 5.0, 25.0, 0.50),
    ("claude-opus-4-6", 5.0, 25.0, 0.50),
    ("claude-opus-4-5", 5.0, 25.0, 0.50),
    ("claude-sonnet-5", 2.0, 10.0, 0.20),  # 5 and 5.5
    ("claude-sonnet-4", 3.0, 15.0, 0.30),
    ("claude-haiku-5-5", 0.10, 0.50, 0.01),
    ("claude-haiku-4-5", 1.0, 5.0, 0.10),
)

CACHE_WRITE_FACTOR = 1.25
UNKNOWN_COST = "cost not shown (unknown model)"


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @classmethod
    def of(cls, usage: Any) -> Usage:
        """From the SDK's `Usage` (fields may be None)."""
        return cls(
            input_tokens=getattr(usage, "input_tokens", 0) or 0,
            output_tokens=getattr(usage, "output_tokens", 0) or 0,
            cache_creation_input_tokens=getattr(usage, "cache_creation_input_tokens", 0) or 0,
            cache_read_input_tokens=getattr(usage, "cache_read_input_tokens", 0) or 0,
        )

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
        }


def price_of(model: str) -> tuple[float, float, float] | None:
    for prefix, inp, out, read in PRICES:
        if model.startswith(prefix):
            return inp, out, read
    return None


def cost(usage: Usage, model: str) -> float | None:
    """USD for this usage on `model`; None when the model is not in the table."""
    price = price_of(model)
    if price is None:
        return None
    inp, out, read = price
    return (
        usage.input_tokens * inp
        + usage.cache_creation_input_tokens * inp * CACHE_WRITE_FACTOR
        + usage.cache_read_input_tokens * read
        + usage.output_tokens * out
    ) / 1_000_000


def describe(usage: Usage, model: str) -> str:
    """ "1,234 in (900 cached) · 56 out · $0.0042"."""
    cached = usage.cache_read_input_tokens
    written = usage.cache_creation_input_tokens
    parts = [f"{usage.input_tokens + cached + written:,} in"]
    if cached or written:
        parts[0] += f" ({cached:,} cached, {written:,} cache write)"
    parts.append(f"{usage.output_tokens:,} out")
    dollars = cost(usage, model)
    parts.append(UNKNOWN_COST if dollars is None else f"${dollars:.4f}")
    return " · ".join(parts)
