"""The command line stays fast: the Anthropic SDK is imported only when a request is made."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_and_the_ask_command_do_not_import_the_sdk() -> None:
    code = (
        "import sys, pxa.cli.main, pxa.cli.ask; pxa.cli.main.build_parser(); "
        "print('anthropic' in sys.modules, 'pxa.ai.agent' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
