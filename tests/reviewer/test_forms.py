"""The scoring form: localized decimals, the criterion's own scale, submit needs every value."""
from decimal import Decimal

import pytest
from django.utils import translation

from awards.forms import ConflictForm, ScoreForm
from awards.models import Score

from .factories import scoring_setup


@pytest.fixture
def criteria(db):
    return scoring_setup(judged=2)["criteria"]  # nilai-0 on 0-100, nilai-1 on 1-10


def form(criteria, **data):
    return ScoreForm({key.replace("_", "-"): value for key, value in data.items()}, criteria=criteria)


def test_a_draft_may_leave_values_empty(criteria):
    f = form(criteria, action="save", score_nilai_0="55.25", note_nilai_0="ok")
    assert f.is_valid(), f.errors
    assert f.values() == {criteria[0].id: Decimal("55.25"), criteria[1].id: None}
    assert f.notes() == {criteria[0].id: "ok", criteria[1].id: ""}
    assert (f.wants_submit, f.confirmed, f.editing) == (False, False, False)


def test_no_button_means_save_draft(criteria):
    f = form(criteria, score_nilai_0="10")
    assert f.is_valid(), f.errors
    assert f.wants_submit is False


@pytest.mark.parametrize(("action", "wants_submit", "confirmed"), [("submit", True, False), ("confirm", True, True)])
def test_submit_and_confirm_need_every_value(criteria, action, wants_submit, confirmed):
    f = form(criteria, action=action, score_nilai_0="55")
    assert not f.is_valid()
    assert f.errors == {"score-nilai-1": ["Enter a value: submitting needs every criterion scored."]}
    f = form(criteria, action=action, score_nilai_0="55", score_nilai_1="3")
    assert f.is_valid(), f.errors
    assert (f.wants_submit, f.confirmed) == (wants_submit, confirmed)


def test_values_are_checked_against_each_criterion_scale(criteria):
    f = form(criteria, action="save", score_nilai_0="100.5", score_nilai_1="0")
    assert not f.is_valid()
    assert f.errors == {"score-nilai-0": ["Enter a value from 0 to 100."],
                        "score-nilai-1": ["Enter a value from 1 to 10."]}


def test_more_than_four_decimals_and_text_are_refused(criteria):
    f = form(criteria, action="save", score_nilai_0="1.23456", score_nilai_1="banyak")
    assert not f.is_valid()
    assert f.errors == {"score-nilai-0": ["Ensure that there are no more than 4 decimal places."],
                        "score-nilai-1": ["Enter a number."]}


def test_indonesian_numbers_use_the_decimal_comma(criteria):
    with translation.override("id"):
        f = form(criteria, action="save", score_nilai_0="72,5", score_nilai_1="7.5")
        assert f.is_valid(), f.errors
    # "7.5" is read as seven and a half, not 75 (a lone dot followed by other than 3 digits is a decimal point).
    assert f.values() == {criteria[0].id: Decimal("72.5"), criteria[1].id: Decimal("7.5")}


def test_stored_scores_come_back_as_typed(criteria):
    scores = {criteria[0].id: Score(criterion=criteria[0], value=Decimal("75.0000"), note="n"),
              criteria[1].id: Score(criterion=criteria[1], value=Decimal("7.2500"), note="")}
    f = ScoreForm(criteria=criteria, scores=scores)
    assert (f["score-nilai-0"].value(), f["score-nilai-1"].value(), f["note-nilai-0"].value()) == (
        Decimal("75"), Decimal("7.25"), "n")
    with translation.override("id"):
        html = str(f["score-nilai-1"])
    assert 'value="7,25"' in html
    assert 'inputmode="decimal"' in html


def test_scale_bounds_are_shown_without_trailing_zeros(criteria):
    f = ScoreForm(criteria=criteria)
    assert [f.fields[f"score-{c.code}"].help_text for c in criteria] == ["Scale 0–100", "Scale 1–10"]


def test_conflict_needs_a_reason():
    assert ConflictForm({"reason": ""}).errors == {"reason": ["This field is required."]}
    assert ConflictForm({"reason": "My cousin is the regent."}).is_valid()
