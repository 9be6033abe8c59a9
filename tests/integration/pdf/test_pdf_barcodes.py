"""Barcodes of the daily item list: symbology choice, our UPC check digit, and real scans."""

from __future__ import annotations

import dataclasses

import pypdfium2 as pdfium
import pytest
import zxingcpp

from core.ports import PacketData
from integrations.pdf.barcodes import (
    BarcodeSpec,
    Symbology,
    barcode_spec,
    item_number_for_barcode,
    upc_check_digit,
    upca_modules,
)
from integrations.pdf.items_page import render_items_page, unique_items
from tests.integration.pdf.pdf_samples import DAY, PRINTED_AT, core, edr, item

SCAN_FORMATS = zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.UPCA, zxingcpp.BarcodeFormat.Code128])


def scan(pdf: bytes, page: int = 0) -> list[tuple[str, str]]:
    """(symbology, digits) of every barcode on the rasterised page, top to bottom."""
    image = pdfium.PdfDocument(pdf)[page].render(scale=300 / 72).to_pil()
    found = sorted(zxingcpp.read_barcodes(image, formats=SCAN_FORMATS),
                   key=lambda b: b.position.top_left.y)
    result = []
    for barcode in found:
        if barcode.format == zxingcpp.BarcodeFormat.UPCA:
            # zxing-cpp reports a UPC-A in its 13-digit EAN form (a leading zero).
            result.append(("UPC-A", barcode.text[-12:]))
        else:
            result.append(("Code128", barcode.text))
    return result


@pytest.mark.parametrize("upc", ["036000291452", "012345678905", "049000042566", "003338325074"])
def test_check_digit_matches_known_upcs(upc: str) -> None:
    assert upc_check_digit(upc[:11]) == int(upc[11])


@pytest.mark.parametrize("payload", ["", "1234567890", "123456789012", "1234567890a"])
def test_check_digit_refuses_anything_but_eleven_digits(payload: str) -> None:
    with pytest.raises(ValueError):
        upc_check_digit(payload)


def test_nine_digit_number_becomes_padded_upc_a_with_computed_check_digit() -> None:
    assert barcode_spec("333832507") == BarcodeSpec(Symbology.UPC_A, "00333832507" + "4")


def test_thirteen_digit_gtin_becomes_code128_of_the_same_digits() -> None:
    assert barcode_spec("0078742012345") == BarcodeSpec(Symbology.CODE128, "0078742012345")


def test_twelve_digit_upc_with_valid_check_digit_is_kept_as_upc_a() -> None:
    assert barcode_spec("036000291452") == BarcodeSpec(Symbology.UPC_A, "036000291452")


def test_twelve_digits_with_wrong_check_digit_fall_back_to_code128() -> None:
    assert barcode_spec("036000291453") == BarcodeSpec(Symbology.CODE128, "036000291453")


def test_number_without_digits_has_no_barcode() -> None:
    assert barcode_spec("N/A") is None


def test_gtin_is_preferred_over_item_number_and_reduced_to_digits() -> None:
    assert item_number_for_barcode(item("551234", "Swiss", gtin="00-78742-01234-5")) == "0078742012345"
    assert item_number_for_barcode(item("551234", "Swiss", gtin="")) == "551234"
    assert item_number_for_barcode(item("#551234", "Swiss")) == "551234"


def test_upc_a_modules_have_guards_and_95_modules() -> None:
    modules = upca_modules("036000291452")
    assert len(modules) == 95
    assert modules.startswith("101") and modules.endswith("101")
    assert modules[45:50] == "01010"


def test_item_list_barcodes_scan_as_the_listed_numbers() -> None:
    report = edr("606001", "Cheese", item("333832507", "Sharp Cheddar"),
                 item("551234", "Swiss Slices", gtin="0078742012345"),
                 item("700001", "Coffee"))
    packet = PacketData("8135", "Club", DAY, (core(10, 45, "606001", "Alice", report=report),),
                        generated_at=PRINTED_AT)
    pdf = render_items_page(packet)
    assert scan(pdf) == [("UPC-A", "003338325074"), ("Code128", "0078742012345"),
                         ("UPC-A", "000007000010")]


def test_scanned_upc_a_check_digit_is_valid() -> None:
    report = edr("606001", "Cheese", item("42", "Tiny", gtin="049000042566"))
    packet = PacketData("8135", "Club", DAY, (core(10, 45, "606001", "Alice", report=report),))
    [(symbology, digits)] = scan(render_items_page(packet))
    assert symbology == "UPC-A"
    assert upc_check_digit(digits[:11]) == int(digits[11])
    assert digits == "049000042566"


def test_unique_items_keep_first_seen_order_across_core_events() -> None:
    first = edr("606001", "A", item("1", "one"), item("2", "two"))
    second = edr("606002", "B", item("2", "two again"), item("3", "three"))
    entries = (core(11, 15, "606002", "Bob", report=second), core(10, 45, "606001", "Al", report=first))
    listed = unique_items(entries)
    assert [(line.item.item_number, line.item.description) for line in listed] == [
        ("1", "one"), ("2", "two"), ("3", "three")]


def test_unique_items_ignore_non_core_entries() -> None:
    report = edr("606001", "A", item("1", "one"))
    entry = dataclasses.replace(core(10, 45, "606001", "Al", report=report), event_type="Supervisor")
    assert unique_items((entry,)) == []
