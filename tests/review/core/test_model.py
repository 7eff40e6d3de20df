"""Review.to_dict copies each finding's __dict__: the same keys in the fields' order as
field-by-field, however the finding was built."""

from __future__ import annotations

from dataclasses import fields, replace

from bot.review.core.model import Finding, Review, make_finding, make_review, make_rewrite

ARGS = ("r", "info", 1, 3, "abc", "why", "do", 4, "p", "T", None)


def test_to_dict_is_the_fields_in_order_however_a_finding_was_built():
    built = (Finding(*ARGS), make_finding(*ARGS), replace(Finding(*ARGS), penalty=2))
    rv = make_review(90, "Ready to post", built, (), make_rewrite("t"), "rules", "pb", "1")
    data = rv.to_dict()
    assert list(data) == [f.name for f in fields(Review)]
    for f, got in zip(built, data["findings"], strict=True):
        assert list(got.items()) == [(k.name, getattr(f, k.name)) for k in fields(Finding)]
    assert Review.from_dict(data) == rv
