"""Block Kit helpers: the structures Slack expects, always inside its limits."""

from __future__ import annotations

import pytest

from bot.blocks.common import (
    ELLIPSIS,
    MAX_MESSAGE_BLOCKS,
    MAX_MODAL_BLOCKS,
    MAX_OPTIONS,
    MAX_PRIVATE_METADATA,
    MAX_SECTION_TEXT,
    actions,
    button,
    cap_blocks,
    confirm_dialog,
    context,
    divider,
    error_modal,
    header,
    modal,
    reply,
    section,
    static_select,
    truncate,
)


def test_truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("x" * 11, 10) == "x" * 9 + ELLIPSIS
    assert len(truncate("y" * 5000, MAX_SECTION_TEXT)) == MAX_SECTION_TEXT


def test_section_text_is_cut_to_3000_characters() -> None:
    block = section("z" * 4000, block_id="day-1")

    assert block["type"] == "section" and block["block_id"] == "day-1"
    assert block["text"]["type"] == "mrkdwn" and len(block["text"]["text"]) == 3000


def test_section_fields_are_limited_to_ten() -> None:
    block = section("Week", fields=[f"f{i}" for i in range(14)])

    assert [f["text"] for f in block["fields"]] == [f"f{i}" for i in range(10)]


def test_empty_text_becomes_a_space_slack_accepts() -> None:
    assert section("")["text"]["text"] == " "


def test_header_context_and_divider_shapes() -> None:
    assert header("h" * 200)["text"] == {"type": "plain_text", "text": "h" * 149 + ELLIPSIS, "emoji": True}
    assert context(*[f"c{i}" for i in range(12)])["elements"][-1]["text"] == "c9"
    assert divider() == {"type": "divider"}


def test_button_with_value_style_and_confirm() -> None:
    confirm = confirm_dialog("Approve all?", "Pushes 23 assignments to Crossmark.")
    element = button("Approve all", "run_approve", value="run:42", style="primary", confirm=confirm)

    assert element == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Approve all", "emoji": True},
        "action_id": "run_approve",
        "value": "run:42",
        "style": "primary",
        "confirm": confirm,
    }


def test_button_refuses_unknown_styles_and_oversized_values() -> None:
    with pytest.raises(ValueError):
        button("x", "a", style="green")
    with pytest.raises(ValueError):
        button("x", "a", value="v" * 2001)
    with pytest.raises(ValueError):
        button("x", "")


def test_actions_holds_at_most_25_elements() -> None:
    block = actions(*[button(str(i), f"a{i}") for i in range(30)], block_id="row")

    assert len(block["elements"]) == 25 and block["block_id"] == "row"
    with pytest.raises(ValueError):
        actions()


def test_static_select_caps_options_and_marks_the_initial_one() -> None:
    element = static_select("pick", [(f"Employee {i}", f"E{i}") for i in range(150)], initial="E7")

    assert len(element["options"]) == MAX_OPTIONS
    assert element["initial_option"]["value"] == "E7"
    with pytest.raises(ValueError):
        static_select("pick", [])


def test_cap_blocks_says_how_many_were_left_out() -> None:
    capped = cap_blocks([divider() for _ in range(60)], MAX_MESSAGE_BLOCKS)

    assert len(capped) == 50
    assert capped[-1]["type"] == "context" and "11 more" in capped[-1]["elements"][0]["text"]


def test_modal_title_is_cut_to_24_characters_and_blocks_to_100() -> None:
    view = modal("Review the proposed schedule", [divider()] * 130, callback_id="review", submit="Approve")

    assert len(view["title"]["text"]) == 24
    assert len(view["blocks"]) == MAX_MODAL_BLOCKS
    assert view["submit"]["text"] == "Approve" and view["callback_id"] == "review"


def test_modal_refuses_private_metadata_over_3000_characters() -> None:
    assert modal("t", [], private_metadata="m" * MAX_PRIVATE_METADATA)["private_metadata"] == "m" * 3000
    with pytest.raises(ValueError):
        modal("t", [], private_metadata="m" * (MAX_PRIVATE_METADATA + 1))


def test_error_modal_is_a_closable_view_with_the_message() -> None:
    view = error_modal("Already approved by @ana.")

    assert view["type"] == "modal" and "submit" not in view
    assert "Already approved by @ana." in view["blocks"][0]["text"]["text"]


def test_reply_is_ephemeral_unless_public() -> None:
    assert reply("hi")["response_type"] == "ephemeral"
    assert reply("hi", [divider()] * 70, public=True) == {
        "text": "hi",
        "response_type": "in_channel",
        "blocks": cap_blocks([divider()] * 70),
    }
