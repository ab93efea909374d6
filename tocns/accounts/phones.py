import re

_NON_DIGITS = re.compile(r"\D")


def normalize_phone(value: str) -> str:
    """ "+84 912 345 678", "0912.345.678" -> "0912345678". Returns "" when it cannot be a VN phone."""
    digits = _NON_DIGITS.sub("", value or "")
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if re.fullmatch(r"0\d{9,10}", digits) else ""
