"""The tools come from the catalogue; results are compact data; prices are honest."""

from __future__ import annotations

import json
import re

import pytest

from pxa.ai.compact import LIST_ITEMS, MAX_CHARS, tool_result
from pxa.ai.pricing import UNKNOWN_COST, Usage, cost, describe
from pxa.ai.tools import tool_definitions
from pxa.core.catalogue import load_all


def test_there_is_one_tool_per_operation_named_noun_verb() -> None:
    catalogue = load_all()
    tools = tool_definitions(catalogue)
    assert len(tools) == len(catalogue)
    assert [t["name"] for t in tools] == [op.name.replace(".", "_") for op in catalogue.values()]
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)+", t["name"]) for t in tools)


def test_each_tool_schema_is_the_input_model_schema_with_nothing_left_to_resolve() -> None:
    tools = {t["name"]: t for t in tool_definitions(load_all())}
    create = tools["vm_create"]["input_schema"]
    assert create["type"] == "object"
    assert "$ref" not in json.dumps(create) and "$defs" not in create
    assert "cpu_cores" in create["properties"]["configuration"]["properties"]
    assert tools["vm_list"]["input_schema"]["properties"]["status"]
    assert tools["cluster_summary"]["input_schema"]["properties"] == {}


def test_each_description_says_the_summary_and_how_the_call_is_confirmed() -> None:
    tools = {t["name"]: t for t in tool_definitions(load_all())}
    assert tools["vm_list"]["description"].startswith("List VMs")
    assert "runs at once" in tools["vm_list"]["description"]
    assert "confirms" in tools["vm_start"]["description"]
    assert "types the resource's name" in tools["vm_delete"]["description"]


def test_only_the_last_tool_marks_the_prompt_cache_breakpoint() -> None:
    tools = tool_definitions(load_all())
    assert tools[-1]["cache_control"] == {"type": "ephemeral"}
    assert not any("cache_control" in t for t in tools[:-1])


def test_a_long_list_is_cut_to_its_first_items_with_counts_and_a_note() -> None:
    vms = [
        {"name": f"vm-{i}", "status": "running" if i % 3 else "stopped", "node": f"pve{i % 2}"}
        for i in range(10_000)
    ]
    text = tool_result("vm.list", {"vms": vms, "pagination": {"total": 10_000}})
    assert len(text) < MAX_CHARS
    data = json.loads(text)["data"]["vms"]
    assert data["total"] == 10_000 and len(data["first"]) == LIST_ITEMS
    assert data["counts"]["by_status"] == {"running": 6666, "stopped": 3334}
    assert "narrow the query" in data["note"]


def test_a_long_log_keeps_its_last_lines_and_long_text_is_cut_with_a_note() -> None:
    logs = [{"message": f"line {i}"} for i in range(500)]
    text = tool_result("job.get", {"logs": logs, "error": "x" * 10_000})
    data = json.loads(text)["data"]
    assert data["logs"]["last"][-1]["message"] == "line 499"
    assert "characters cut" in data["error"] and len(data["error"]) < 2_100


def test_results_are_wrapped_as_data_of_an_operation() -> None:
    assert json.loads(tool_result("vm.get", {"name": "web"})) == {
        "operation": "vm.get",
        "data": {"name": "web"},
    }


def test_cost_counts_cache_writes_and_reads_at_their_own_prices() -> None:
    usage = Usage(
        input_tokens=1_000_000,
        output_tokens=1_000_000,
        cache_creation_input_tokens=1_000_000,
        cache_read_input_tokens=1_000_000,
    )
    assert cost(usage, "claude-sonnet-5-5") == pytest.approx(2.0 + 10.0 + 2.5 + 0.2)
    assert cost(usage, "claude-haiku-4-5-20251001") == pytest.approx(1.0 + 5.0 + 1.25 + 0.1)


def test_an_unknown_model_shows_no_cost_rather_than_a_guess() -> None:
    assert cost(Usage(input_tokens=10), "some-gateway-model") is None
    assert describe(Usage(input_tokens=10), "some-gateway-model").endswith(UNKNOWN_COST)


def test_the_default_model_is_not_one_the_sdk_calls_deprecated() -> None:
    from anthropic._data import DEPRECATED_MODELS

    from pxa.config.settings import AiSection

    model = AiSection().model
    assert model not in DEPRECATED_MODELS
    assert cost(Usage(input_tokens=1), model) is not None


def test_generated_code_is_kept_longer_and_not_sent_twice() -> None:
    code = 'resource "proxmox_virtual_environment_vm" "web" {}\n' * 100  # ~5,000 characters
    text = tool_result(
        "terraform.generate", {"generated_code": {"code": code, "files": {"main.tf": code}}}
    )
    sent = json.loads(text)["data"]["generated_code"]
    assert sent["code"] == code
    assert sent["files"] == {"main.tf": "(the same text as `code`)"}


def test_a_tool_call_shown_in_the_transcript_masks_its_secrets() -> None:
    from pxa.ai.events import ToolStarted

    shown = ToolStarted("t", "vm.create", {"name": "web", "cloud_init": {"password": "hunter2"}})
    assert shown.arguments == {"name": "web", "cloud_init": {"password": "***"}}
