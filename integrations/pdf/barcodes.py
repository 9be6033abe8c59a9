"""Item barcodes for the daily item list (legacy-domain.md §5.2).

The number is the item's GTIN when it has one, else its item number, digits only. Up to 12 digits
become a UPC-A (left-padded to 11 digits, check digit computed here); longer numbers become Code128.
UPC-A bars are drawn from our own module patterns so the printed check digit is the one computed by
:func:`upc_check_digit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from core.ports import EdrItem

UPC_PAYLOAD_DIGITS = 11
UPC_MAX_INPUT_DIGITS = 12
QUIET_MODULES = 9
CODE128_QUIET_MODULES = 10

_L_CODES = ("0001101", "0011001", "0010011", "0111101", "0100011",
            "0110001", "0101111", "0111011", "0110111", "0001011")
_R_CODES = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _L_CODES)
_GUARD = "101"
_CENTRE = "01010"


class Symbology(StrEnum):
    UPC_A = "UPC-A"
    CODE128 = "Code128"


@dataclass(frozen=True)
class BarcodeSpec:
    """What to draw: the symbology and the exact digits the bars encode."""

    symbology: Symbology
    value: str


def digits_only(text: str | None) -> str:
    """The decimal digits of ``text`` in order (empty for ``None``)."""
    return "".join(ch for ch in (text or "") if ch.isascii() and ch.isdigit())


def item_number_for_barcode(item: EdrItem) -> str:
    """The digits to encode for an item: its GTIN if it has any digits, else its item number."""
    return digits_only(item.gtin) or digits_only(item.item_number)


def upc_check_digit(payload: str) -> int:
    """The UPC-A check digit of an 11-digit payload.

    Digits in odd positions (1st, 3rd, ...) weigh 3, the others 1; the check digit brings the
    weighted sum up to a multiple of ten.
    """
    if len(payload) != UPC_PAYLOAD_DIGITS or not payload.isdigit():
        raise ValueError(f"a UPC-A payload is 11 digits, got {payload!r}")
    odd = sum(int(d) for d in payload[0::2])
    even = sum(int(d) for d in payload[1::2])
    return (10 - (3 * odd + even) % 10) % 10


def barcode_spec(number: str) -> BarcodeSpec | None:
    """Choose the symbology for a digit string; ``None`` when there is nothing to encode.

    A 12-digit number whose last digit is not a valid UPC check digit is encoded as Code128 so the
    bars always scan as the number printed beside them.
    """
    digits = digits_only(number)
    if not digits:
        return None
    if len(digits) <= UPC_PAYLOAD_DIGITS:
        payload = digits.rjust(UPC_PAYLOAD_DIGITS, "0")
        return BarcodeSpec(Symbology.UPC_A, payload + str(upc_check_digit(payload)))
    if len(digits) == UPC_MAX_INPUT_DIGITS and int(digits[-1]) == upc_check_digit(digits[:-1]):
        return BarcodeSpec(Symbology.UPC_A, digits)
    return BarcodeSpec(Symbology.CODE128, digits)


def upca_modules(upc: str) -> str:
    """The 95 bar modules ('1' dark, '0' light) of a complete 12-digit UPC-A code."""
    if len(upc) != UPC_MAX_INPUT_DIGITS or not upc.isdigit():
        raise ValueError(f"a UPC-A code is 12 digits, got {upc!r}")
    left = "".join(_L_CODES[int(d)] for d in upc[:6])
    right = "".join(_R_CODES[int(d)] for d in upc[6:])
    return _GUARD + left + _CENTRE + right + _GUARD


def _upca_drawing(upc: str, width: float, height: float, font_size: float) -> Drawing:
    modules = "0" * QUIET_MODULES + upca_modules(upc) + "0" * QUIET_MODULES
    module = width / len(modules)
    text_band = font_size * 1.3
    drawing = Drawing(width, height)
    x = 0.0
    run_start: float | None = None
    for bit in modules + "0":
        if bit == "1" and run_start is None:
            run_start = x
        elif bit == "0" and run_start is not None:
            drawing.add(Rect(run_start, text_band, x - run_start, height - text_band,
                             fillColor=colors.black, strokeColor=None, strokeWidth=0))
            run_start = None
        x += module
    drawing.add(String(width / 2, 1, upc, fontName="Helvetica", fontSize=font_size,
                       textAnchor="middle"))
    return drawing


def _code128_drawing(value: str, width: float, height: float, font_size: float) -> Drawing:
    text_band = font_size * 1.3
    probe = createBarcodeDrawing("Code128", value=value, barWidth=1, quiet=False, humanReadable=False)
    module = width / (float(probe.width) + 2 * CODE128_QUIET_MODULES)
    quiet = CODE128_QUIET_MODULES * module
    symbol = createBarcodeDrawing("Code128", value=value, barWidth=module, lquiet=quiet, rquiet=quiet,
                                  barHeight=height - text_band, humanReadable=False)
    drawing = Drawing(width, height)
    symbol.translate(0, text_band)
    drawing.add(symbol)
    drawing.add(String(width / 2, 1, value, fontName="Helvetica", fontSize=font_size,
                       textAnchor="middle"))
    return drawing


def barcode_drawing(spec: BarcodeSpec, width: float, height: float, font_size: float = 7) -> Drawing:
    """A ReportLab drawing of the barcode, digits printed under the bars, quiet zones included."""
    if spec.symbology is Symbology.UPC_A:
        return _upca_drawing(spec.value, width, height, font_size)
    return _code128_drawing(spec.value, width, height, font_size)
