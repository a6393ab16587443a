"""The classes of fidelity error the third audit pass closed (issue 20), one test (or a few) per class.

Class 1 (citations that do not hold) is tests/test_audit_citations.py; class 5's no-regex rule over every field
rule of every model is tests/test_validation_messages.py. The rest are here.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from mockserver.domain.inputs import billed_input, format_list, has_chinese
from mockserver.domain.validation import RequestValidator
from mockserver.formats import png
from mockserver.spec.document import load_spec
from mockserver.spec.profiles import Registry
from mockserver.testing import DashScopeMock

from .test_inputs import image, outcome, uploaded
from .test_spec_constraints import set_path

SPEC = load_spec()
REGISTRY = Registry(SPEC)
VALIDATOR = RequestValidator(SPEC)


def first_error(model: str, changes: Mapping[str, Any]) -> str | None:
    body = copy.deepcopy(SPEC.example_body(model))
    for path, value in changes.items():
        set_path(body, path, value)
    return VALIDATOR.first_error(REGISTRY.models[model], body)


# ---- 2: a rule spread over two lines -------------------------------------------------------------------------


def test_vace_video_extension_needs_one_of_its_four_inputs() -> None:
    body: dict[str, Any] = {"model": "wan2.1-vace-plus", "input": {"function": "video_extension", "prompt": "p"}}
    message = VALIDATOR.first_error(REGISTRY.models["wan2.1-vace-plus"], body)
    assert message is not None and "first_clip_url" in message and "last_frame_url" in message
    body["input"]["last_frame_url"] = "https://e.com/last.png"
    assert VALIDATOR.first_error(REGISTRY.models["wan2.1-vace-plus"], body) is None


# ---- 3: item constraints on items ------------------------------------------------------------------------------


def _array_level_item_rules(node: Any, where: str) -> list[str]:
    found = []
    if isinstance(node, Mapping):
        if node.get("type") == "array" and ({"x-dashscope-media", "pattern", "maxLength", "minimum", "maximum"}
                                            & set(node)):
            found.append(where)
        for key, value in node.items():
            found += _array_level_item_rules(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _array_level_item_rules(value, f"{where}/{i}")
    return found


def test_no_array_schema_carries_a_limit_of_its_items() -> None:
    assert _array_level_item_rules(SPEC.doc["components"]["schemas"], "#") == []


def test_the_shoe_models_per_image_ratio_applies_to_each_image(mock: DashScopeMock) -> None:
    wide = uploaded(mock, "shoemodel-v1", "wide.png", png.image(900, 300, (1, 2, 3)))  # 3:1, over [2:3, 3:2]
    fine = uploaded(mock, "shoemodel-v1", "fine.png", png.image(400, 300, (1, 2, 3)))
    body = {"input": {"template_image_url": fine, "shoe_image_url": [fine, wide]}}
    assert outcome(mock, "shoemodel-v1", body)[:2] == (400, "InvalidFile.AspectRatio")
    body["input"]["shoe_image_url"] = [fine]
    assert outcome(mock, "shoemodel-v1", body)[:2] == (200, "SUCCEEDED")


# ---- 4: requirements on the content: alpha channel, URL characters -----------------------------------------------


def test_background_generation_wants_a_transparent_subject(mock: DashScopeMock) -> None:
    model = "wanx-background-generation-v2"
    opaque = uploaded(mock, model, "rgb.png", image("PNG", 640, 480, "RGB"))
    status, code, message = outcome(mock, model, {"input": {"base_image_url": opaque, "ref_prompt": "sea"}})
    assert (status, code) == (400, "InvalidFile.Format") and message.endswith("types: PNG, and WEBP.")
    rgba = uploaded(mock, model, "rgba.png", image("PNG", 640, 480, "RGBA"))
    assert outcome(mock, model, {"input": {"base_image_url": rgba, "ref_prompt": "sea"}})[:2] == (200, "SUCCEEDED")
    edges = {"base_image_url": rgba, "ref_prompt": "sea", "reference_edge": {"foreground_edge": [rgba, opaque]}}
    assert outcome(mock, model, {"input": edges})[:2] == (400, "InvalidFile.Format")  # each element too (L1665)


def test_urls_with_chinese_characters_are_refused_where_the_docs_say_so(mock: DashScopeMock) -> None:
    body = {"input": {"image_url": "https://e.com/图片.png", "style_index": 0}}
    assert outcome(mock, "wanx-style-repaint-v1", body)[:2] == (400, "InvalidURL")
    body["input"]["image_url"] = "https://e.com/%E5%9B%BE%E7%89%87.png"  # percent-encoded: plain ASCII
    assert outcome(mock, "wanx-style-repaint-v1", body)[:2] == (200, "SUCCEEDED")
    assert has_chinese("https://e.com/a，b.png") and not has_chinese("https://e.com/café.png")


# ---- 5: each model's own wording ---------------------------------------------------------------------------------


def test_a_format_refusal_lists_the_fields_formats_not_another_models(mock: DashScopeMock) -> None:
    gif = uploaded(mock, "wan2.5-i2i-preview", "a.gif", image("GIF", 800, 800))
    status, code, message = outcome(mock, "wan2.5-i2i-preview", {"input": {"prompt": "p", "images": [gif]}})
    assert (status, code) == (400, "InvalidFile.Format")
    assert message.endswith("types: JPEG, JPG, PNG, BMP, and WEBP.") and "GIF" not in message and "AVI" not in message
    assert format_list(["mp4", "mov"]) == "MP4, and MOV" and format_list(["png"]) == "PNG"


def test_media_refusals_use_the_models_own_error_table() -> None:
    table = SPEC.doc["x-dashscope-input-errors"]
    for model, checks in table["models"].items():
        assert model in REGISTRY.models
        for entry in checks.values():
            assert entry["message"] in SPEC.errors[entry["code"]]["messages"], entry
    assert table["models"]["videoretalk"]["resolution"]["code"] == "InvalidFile.ImageSize"


def test_a_size_refusal_gives_the_bounds_not_the_regular_expression() -> None:
    message = first_error("wan2.2-t2i-flash", {"parameters.size": "100*100"})
    assert message == "String should be width*height, each side between 512 and 1440: parameters.size"


# ---- 6: billing ------------------------------------------------------------------------------------------------


def test_r2v_bills_each_reference_video_capped_at_its_share_of_five_seconds() -> None:
    profile = REGISTRY.models["wan2.6-r2v"]
    three = {"input": {"reference_urls": ["a.mp4", "b.mp4", "c.png"]}}
    assert billed_input(profile, three, {"video": [4.0, 1.0]}) == 1.65 + 1.0
    assert billed_input(profile, {"input": {"reference_urls": ["a.mp4"]}}, {"video": [9.0]}) == 5.0
    flat = REGISTRY.models["wan2.2-s2v"]  # no cap in its spec: the first input's own length
    assert billed_input(flat, {}, {"audio": [12.5, 3.0]}) == 12.5


# ---- 7: strict bounds and number types -----------------------------------------------------------------------


def test_a_strict_limit_refuses_the_value_on_the_limit(mock: DashScopeMock) -> None:
    model = "wanx-x-painting"
    on_limit = uploaded(mock, model, "edge.png", png.image(256, 512, (1, 2, 3)))  # docs: greater than 256
    inside = uploaded(mock, model, "inside.png", png.image(257, 512, (1, 2, 3)))
    body = {"input": {"prompt": "p", "base_image_url": on_limit, "mask_image_url": inside}}
    assert outcome(mock, model, body)[:2] == (400, "InvalidFile.Resolution")
    body["input"]["base_image_url"] = inside
    assert outcome(mock, model, body)[:2] == (200, "SUCCEEDED")


def test_emo_boxes_take_pixel_numbers() -> None:
    assert first_error("emo-v1", {"input.face_bbox": [302.5, 286, 610, 593]}) is None


def test_the_posters_two_prompts_share_fifty_characters_and_words() -> None:
    from mockserver.domain.validation import text_units

    assert text_units("灯笼，小猫 a red-hot lantern's glow") == 4 + 4
    over = {"input.prompt_text_zh": "灯" * 30, "input.prompt_text_en": " ".join(["cat"] * 21)}
    assert first_error("wanx-poster-generation-v1", over) == (
        "Value error, prompt_text_zh and prompt_text_en together should have at most 50 Chinese characters and "
        "English words: input")
    assert first_error("wanx-poster-generation-v1", {**over, "input.prompt_text_en": " ".join(["cat"] * 20)}) is None
    assert first_error("wanx-poster-generation-v1", {"input.prompt_text_zh": "灯" * 51}) is not None


def test_emos_dynamic_region_is_one_to_one_or_three_to_four() -> None:
    assert first_error("emo-v1", {"input.ext_bbox": [0, 0, 1600, 900]}) == (
        "Value error, the box's width:height should be 1:1 or 3:4: input.ext_bbox")
    assert first_error("emo-v1", {"input.ext_bbox": [0, 0, 600, 801]}) is None  # whole-pixel rounding
    assert first_error("emo-v1", {"input.ext_bbox": [71, 9, 840, 778]}) is None


CHECKS = ("format", "decode", "size", "resolution", "video_resolution", "duration", "url", "alpha", "no_alpha",
          "aspect", "fps", "scheme", "chinese_url")


def test_every_models_input_refusals_come_from_its_own_family() -> None:
    """A code the catalogue ties to one family is used only for that family's models, and where a family has its
    own sentence for a code (`family_messages`), its models use that sentence (issue 20, class 5)."""
    from mockserver.domain.inputs import media_entry

    table = SPEC.doc["x-dashscope-input-errors"]
    wrong = []
    for model in sorted(REGISTRY.models):
        for check in CHECKS:
            entry = media_entry(table, model, check)
            code = SPEC.errors[entry["code"]]
            family = code.get("family")
            if family and family not in model:
                wrong.append(f"{model} {check}: {entry['code']} belongs to {family}")
            for fam, sentence in (code.get("family_messages") or {}).items():
                if fam in model and entry["message"] != sentence:
                    wrong.append(f"{model} {check}: {entry['message']!r}, its family says {sentence!r}")
    assert not wrong, "\n".join(wrong)


def test_liveportrait_refuses_a_format_with_its_own_code(mock: DashScopeMock) -> None:
    gif = uploaded(mock, "liveportrait-detect", "a.gif", image("GIF", 800, 800))
    assert outcome(mock, "liveportrait-detect", {"input": {"image_url": gif}}) == (
        400, "InvalidParameter.UnsupportedFileFormat", "Input files format not supported.")


def test_videoretalks_download_failure_is_its_own_connection_refused(mock: DashScopeMock) -> None:
    gone = "https://cdn.example.com/gone.mp4"
    assert mock.http.post("/__mock/undownloadable", json={"url": gone}).status_code == 200
    body = {"input": {"video_url": gone, "audio_url": "https://cdn.example.com/a.mp3"}}
    assert outcome(mock, "videoretalk", body) == (
        200, "InvalidURL.ConnectionRefused", f"Connection to {gone} refused, please provide avaiable URL")


def test_a_rule_that_cannot_be_checked_fails_at_load() -> None:
    import pytest

    from mockserver.spec.document import Spec
    from mockserver.spec.profiles import SpecError

    for rule, why in (({"rule": "box_ratio", "fields": ["input.ext_bbox"], "ratios": ["3:0"]}, "box_ratio"),
                      ({"rule": "combined_length", "fields": ["input.prompt_text_zh"]}, "combined_length")):
        doc = copy.deepcopy(SPEC.doc)
        doc["components"]["schemas"]["EmoV1Request"]["x-dashscope-model"]["rules"].append({**rule, "source": "x"})
        with pytest.raises(SpecError, match=why):
            Registry(Spec(doc))
