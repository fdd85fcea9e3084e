"""Anthropic SDK errors as sentences a person can act on, for the transcript.

The SDK retries 429, 529 and 5xx itself with backoff (and honours retry-after); what
reaches here has already been retried.
"""

from __future__ import annotations

from typing import Any

KEY_HELP = (
    "set a key with `pxa config set-secret anthropic.api_key` or the ANTHROPIC_API_KEY "
    "environment variable"
)


def describe(exc: BaseException, *, base_url: str | None = None, retries: int = 0) -> str:
    import anthropic

    where = base_url or "api.anthropic.com"
    retried = retries and getattr(exc, "status_code", 500) >= 400  # not a broken stream
    after = f" after {retries} retries" if retried else ""
    if isinstance(exc, anthropic.AuthenticationError):
        return f"The Anthropic API refused the key (401 invalid key): {KEY_HELP}."
    if isinstance(exc, anthropic.PermissionDeniedError):
        return f"The key may not use this model or feature (403): {_message(exc)}"
    if isinstance(exc, anthropic.RateLimitError):
        return f"Rate limited by the Anthropic API (429){after}: wait a minute and ask again."
    if isinstance(exc, anthropic.NotFoundError):
        return f"Not found (404): {_message(exc)}. Check ai.model in the configuration."
    kind = _error_type(exc)
    if isinstance(exc, anthropic.APIStatusError) and (
        exc.status_code == 529 or kind == "overloaded_error"
    ):
        return f"Anthropic's API is overloaded (529){after}: try again in a little while."
    if isinstance(exc, anthropic.APITimeoutError):
        return f"The Anthropic API at {where} did not answer in time{after}."
    if isinstance(exc, anthropic.APIConnectionError):
        return (
            f"Could not reach the Anthropic API at {where}{after}: is the network down? "
            "Everyday commands still work offline without a key."
        )
    if isinstance(exc, anthropic.BadRequestError):
        return f"The Anthropic API rejected the request (400): {_message(exc)}"
    if isinstance(exc, anthropic.APIStatusError) and exc.status_code < 400:
        return f"The answer broke off mid-stream ({kind or 'error'}): {_message(exc)}"
    if isinstance(exc, anthropic.APIStatusError):
        return f"Anthropic API error ({exc.status_code}){after}: {_message(exc)}"
    if isinstance(exc, anthropic.APIError):
        return f"Anthropic API error: {_message(exc)}"
    return f"The assistant failed: {type(exc).__name__}: {exc}"


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(getattr(exc, "message", exc))


def _error_type(exc: Any) -> str:
    body = getattr(exc, "body", None)
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("type", "")) if isinstance(error, dict) else ""
