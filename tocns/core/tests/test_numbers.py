from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation

from tocns.core.templatetags.numbers import so


def test_so_writes_numbers_as_intcomma_does_in_vietnamese():
    with translation.override("vi"):
        for value in (0, 7, 999, 1000, 1234, 98765, 1234567, -4321):
            assert so(value) == intcomma(value), value
    assert so(1234567) == "1.234.567"
    assert so(None) is None and so("—") == "—"
