"""The reviewer portal's pages: the work list, the scoring page, the conflict page, and every 404."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Assignment, AssignmentStatus, Conflict, Score, Stage
from awards.services.reviews import assignment_save_scores
from tests.scoring import factories as f

from .factories import reviewer, scoring_setup


def rows(response):
    """The assignment ids of the work list's rows, in order."""
    return [int(pk) for pk in re.findall(r'data-assignment="(\d+)"', response.content.decode())]


def input_value(response, name):
    """The value of the text input `name` as the page renders it ("" when empty, None when absent)."""
    match = re.search(rf'<input type="text" name="{name}"( value="([^"]*)")?', response.content.decode())
    return None if match is None else (match.group(2) or "")


@pytest.fixture
def setup(db):
    return scoring_setup(judged=2)


@pytest.fixture
def signed_in(english_client, setup):
    english_client.force_login(setup["reviewer"])
    return english_client


def assign(nomination, stage, user, status=AssignmentStatus.NOT_STARTED):
    return Assignment.objects.create(nomination=nomination, stage=stage, reviewer=user, status=status,
                                     submitted_at=timezone.now() if status == AssignmentStatus.SUBMITTED else None)


def url(assignment):
    return reverse("reviewer-assignment", args=[assignment.pk])


# The work list


def test_work_list_requires_sign_in(client, db):
    response = client.get(reverse("reviewer-assignments"))
    assert (response.status_code, response.url) == (302, reverse("login") + "?next=/penilaian/")


def test_reviewer_home_is_the_work_list(signed_in):
    response = signed_in.get(reverse("home"))
    assert (response.status_code, response.url) == (302, reverse("reviewer-assignments"))


def test_work_list_shows_only_my_assignments_and_my_progress(signed_in, setup):
    mine = setup["assignment"]
    submitted = assign(setup["other_nomination"], setup["stage"], setup["reviewer"], AssignmentStatus.SUBMITTED)
    assign(setup["nomination"], setup["stage"], reviewer("someone-else"))
    response = signed_in.get(reverse("reviewer-assignments"))
    assert response.status_code == 200
    assert sorted(rows(response)) == sorted([mine.pk, submitted.pk])
    assert re.search(r'<p id="progress-text">\s*1 of 2 submitted\s*</p>', response.content.decode())


def test_work_list_filters_by_status_nominee_and_stage(signed_in, setup):
    mine = setup["assignment"]
    submitted = assign(setup["other_nomination"], setup["stage"], setup["reviewer"], AssignmentStatus.SUBMITTED)
    base = reverse("reviewer-assignments")
    assert rows(signed_in.get(base, {"status": "submitted"})) == [submitted.pk]
    assert rows(signed_in.get(base, {"status": "not_started"})) == [mine.pk]
    assert rows(signed_in.get(base, {"nominee": "lain"})) == [submitted.pk]
    assert rows(signed_in.get(base, {"stage": "interview"})) == []
    assert sorted(rows(signed_in.get(base, {"category": setup["category"].pk}))) == sorted([mine.pk, submitted.pk])


def test_conflicted_assignments_leave_the_work_list_and_the_progress(signed_in, setup):
    other = assign(setup["other_nomination"], setup["stage"], setup["reviewer"])
    Conflict.objects.create(nomination=setup["nomination"], reviewer=setup["reviewer"], reason="family")
    response = signed_in.get(reverse("reviewer-assignments"))
    assert rows(response) == [other.pk]
    assert re.search(r'<p id="progress-text">\s*0 of 1 submitted\s*</p>', response.content.decode())
    conflicted = signed_in.get(reverse("reviewer-assignments"), {"status": "conflict"})
    assert rows(conflicted) == [setup["assignment"].pk]
    assert 'class="status status-conflict">Conflict of interest</span>' in conflicted.content.decode()


def test_work_list_sorts_in_the_database_and_paginates(signed_in, setup):
    stage, user, category, round_ = setup["stage"], setup["reviewer"], setup["category"], setup["round"]
    for i in range(30):
        assign(f.nomination(round_, category, f.nominee(name=f"Desa {i:02d}")), stage, user)
    base = reverse("reviewer-assignments")
    first_page = rows(signed_in.get(base, {"sort": "nominee"}))
    assert len(first_page) == 25
    second_page = rows(signed_in.get(base, {"sort": "nominee", "page": 2}))
    assert len(second_page) == 6  # 30 + the setup's own assignment
    ordered = list(Assignment.objects.filter(reviewer=user).order_by("nomination__nominee__name", "pk")
                   .values_list("pk", flat=True))
    assert first_page + second_page == ordered
    assert rows(signed_in.get(base, {"sort": "-nominee", "page": 2})) == list(reversed(ordered))[25:]


def work_list_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(reverse("reviewer-assignments"))
    assert response.status_code == 200
    return response


def test_work_list_query_count_does_not_grow_with_rows(signed_in, setup, django_assert_num_queries):
    # session, user, 2 filter choices (categories, rounds), count, page rows, progress, the profile (menu)
    assert len(rows(work_list_queries(signed_in, django_assert_num_queries, 8))) == 1
    for _i in range(20):
        assign(f.nomination(setup["round"], setup["category"], f.nominee()), setup["stage"], setup["reviewer"])
    assert len(rows(work_list_queries(signed_in, django_assert_num_queries, 8))) == 21


# The scoring page


def test_scoring_page_shows_dossier_metric_criteria_and_a_field_per_judged_criterion(signed_in, setup):
    response = signed_in.get(url(setup["assignment"]))
    assert response.status_code == 200
    html = response.content.decode()
    # Coverage 250 of 1,000 = 25 %, the group's median of 25 % and 50 % is 37.5 %, the nominee's target 30 %.
    assert re.search(r'<tr data-metric="workers_protected">.*?250 / 1,000.*?25\.0 %.*?37\.5 %.*?30 %', html, re.S)
    assert html.count('class="chart-bar"') == 1
    # The metric criterion, read-only, with the engine's score: 100 · 25 ÷ 30 = 83.33.
    assert re.search(r'<tr data-criterion="cakupan">.*?83\.33</td>', html, re.S)
    assert 'name="score-cakupan"' not in html
    assert [input_value(response, f"score-nilai-{i}") for i in range(2)] == ["", ""]
    assert 'id="id_score-nilai-1-scale">Scale 1–10</span>' in html
    assert 'id="id_score-nilai-0-guidance">Guidance 0</p>' in html
    assert 'id="id_note-nilai-1"' in html


def test_business_dossier_shows_programme_enrolment_and_compliance(english_client, db):
    setup = scoring_setup(kind="business")
    english_client.force_login(setup["reviewer"])
    html = english_client.get(url(setup["assignment"])).content.decode()
    assert re.search(r"<dt>Programmes enrolled \(JKK, JKM, JHT, JP, JKP\)</dt>\s*<dd>4 / 5</dd>", html)
    assert re.search(r"<dt>Months of contributions paid on time</dt>\s*<dd>11 / 12</dd>", html)
    assert re.search(r'<tr data-metric="employees_registered">.*?150 / 200.*?75\.0 %.*?87\.5 %', html, re.S)


def scoring_page_queries(client, assignment, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(url(assignment))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("hide_other_scores", [True, False])
def test_scoring_page_query_count_is_the_same_for_3_and_12_criteria(english_client, db, django_assert_num_queries,
                                                                    hide_other_scores):
    # session, user, assignment, judged criteria, my scores, [others' scores], the engine's criteria and
    # metric statement, metric definitions, the nominee's figures, the group's figures, my next assignment,
    # the profile (the menu)
    expected = 12 if hide_other_scores else 13
    for count, username, year in ((3, "tiga", 2024), (12, "dua-belas", 2025)):
        setup = scoring_setup(judged=count, hide_other_scores=hide_other_scores, username=username, year=year)
        others = reviewer(f"{username}-2")
        other = assign(setup["nomination"], setup["stage"], others)
        assignment_save_scores(assignment=other, values={c.id: c.scale_max for c in setup["criteria"]}, notes={},
                               submit=True, acting_user=others)
        assignment_save_scores(assignment=setup["assignment"], values={c.id: c.scale_min for c in setup["criteria"]},
                               notes={}, submit=False, acting_user=setup["reviewer"])
        english_client.force_login(setup["reviewer"])
        response = scoring_page_queries(english_client, setup["assignment"], django_assert_num_queries, expected)
        assert response.content.decode().count('class="score-input"') == count
        assert response.content.decode().count("<ul class=\"others\"") == (0 if hide_other_scores else count)


def test_a_draft_is_saved_and_shown_again(signed_in, setup):
    response = signed_in.post(url(setup["assignment"]), {
        "action": "save", "score-nilai-0": "72.5", "score-nilai-1": "", "note-nilai-0": "Strong policy"})
    assert (response.status_code, response.url) == (302, url(setup["assignment"]))
    assert dict(Score.objects.values_list("criterion__code", "value")) == {"nilai-0": Decimal("72.5000")}
    page = signed_in.get(url(setup["assignment"]))
    assert input_value(page, "score-nilai-0") == "72.5"
    assert '<li class="message success" role="status">Draft saved.</li>' in page.content.decode()
    assert '<span class="status status-draft" id="assignment-status">Draft</span>' in page.content.decode()


def test_indonesian_decimal_comma_is_accepted(client, setup):
    client.force_login(setup["reviewer"])
    response = client.post(url(setup["assignment"]), {"action": "save", "score-nilai-0": "72,5"})
    assert response.status_code == 302
    assert Score.objects.get().value == Decimal("72.5000")
    assert input_value(client.get(url(setup["assignment"])), "score-nilai-0") == "72,5"


def test_a_value_outside_the_scale_returns_the_form_as_typed_with_the_reason(signed_in, setup):
    response = signed_in.post(url(setup["assignment"]), {
        "action": "save", "score-nilai-0": "80", "score-nilai-1": "12", "note-nilai-1": "my note"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (input_value(response, "score-nilai-0"), input_value(response, "score-nilai-1")) == ("80", "12")
    assert ">\nmy note</textarea>" in html
    assert '<ul class="errorlist" id="id_score-nilai-1_error"><li>Enter a value from 1 to 10.</li></ul>' in html
    assert Score.objects.count() == 0


def test_text_instead_of_a_number_is_refused(signed_in, setup):
    response = signed_in.post(url(setup["assignment"]), {"action": "save", "score-nilai-0": "tinggi"})
    assert response.status_code == 400
    assert input_value(response, "score-nilai-0") == "tinggi"
    assert Score.objects.count() == 0


def test_submit_asks_for_confirmation_then_submits(signed_in, setup):
    data = {"score-nilai-0": "90", "score-nilai-1": "8"}
    response = signed_in.post(url(setup["assignment"]), {"action": "submit", **data})
    assert response.status_code == 200
    assert 'id="confirm-panel"' in response.content.decode()
    assert Score.objects.count() == 0
    response = signed_in.post(url(setup["assignment"]), {"action": "confirm", **data})
    assert response.status_code == 302
    setup["assignment"].refresh_from_db()
    assert setup["assignment"].status == AssignmentStatus.SUBMITTED
    page = signed_in.get(url(setup["assignment"])).content.decode()
    assert '<span class="status status-submitted" id="assignment-status">Submitted</span>' in page
    assert 'id="save-draft"' not in page
    assert '>Save changes</button>' in page


def test_keep_editing_returns_the_form_without_saving(signed_in, setup):
    response = signed_in.post(url(setup["assignment"]), {"action": "edit", "score-nilai-0": "90"})
    assert response.status_code == 200
    assert 'id="confirm-panel"' not in response.content.decode()
    assert input_value(response, "score-nilai-0") == "90"
    assert Score.objects.count() == 0


def test_submit_without_every_value_is_refused(signed_in, setup):
    response = signed_in.post(url(setup["assignment"]), {"action": "confirm", "score-nilai-0": "90"})
    assert response.status_code == 400
    assert '<li>Enter a value: submitting needs every criterion scored.</li>' in response.content.decode()
    assert Score.objects.count() == 0


def test_a_closed_stage_changes_nothing_and_keeps_what_was_typed(signed_in, setup):
    Stage.objects.filter(pk=setup["stage"].pk).update(status="closed")
    page = signed_in.get(url(setup["assignment"])).content.decode()
    assert '<fieldset disabled>' in page
    assert 'id="submit-scores"' not in page
    response = signed_in.post(url(setup["assignment"]), {"action": "save", "score-nilai-0": "55"})
    assert response.status_code == 409
    assert input_value(response, "score-nilai-0") == "55"
    assert "The stage is closed: scores can no longer change." in response.content.decode()
    assert Score.objects.count() == 0


def test_a_stage_closing_between_page_and_save_is_refused_by_the_service(signed_in, setup, monkeypatch):
    from awards.views import reviewer as views

    real = views.scoring_page

    def page_then_close(assignment):
        page = real(assignment)
        Stage.objects.filter(pk=setup["stage"].pk).update(status="closed")
        return page

    monkeypatch.setattr(views, "scoring_page", page_then_close)
    response = signed_in.post(url(setup["assignment"]), {"action": "save", "score-nilai-0": "55"})
    assert response.status_code == 409
    assert input_value(response, "score-nilai-0") == "55"
    assert "The stage is closed: scores can no longer change." in response.content.decode()
    assert Score.objects.count() == 0


# Blind options


def others_setup(setup, **stage_fields):
    Stage.objects.filter(pk=setup["stage"].pk).update(**stage_fields)
    colleague = reviewer("budi")
    colleague.first_name, colleague.last_name = "Budi", "Santoso"
    colleague.save()
    other = assign(setup["nomination"], setup["stage"], colleague)
    assignment_save_scores(assignment=other, values={c.id: Decimal(7) for c in setup["criteria"]}, notes={},
                           submit=True, acting_user=colleague)
    if stage_fields.get("status") == "closed":
        return
    Stage.objects.filter(pk=setup["stage"].pk).update(**stage_fields)


def test_other_scores_are_hidden_while_the_stage_is_open_by_default(signed_in, setup):
    others_setup(setup)
    html = signed_in.get(url(setup["assignment"])).content.decode()
    assert "Budi" not in html
    assert 'id="others-hidden"' in html


def test_other_scores_show_when_the_stage_allows_it(signed_in, setup):
    others_setup(setup, hide_other_scores=False)
    html = signed_in.get(url(setup["assignment"])).content.decode()
    assert html.count("<li>Budi Santoso: 7</li>") == 2


def test_reviewer_names_can_be_hidden(signed_in, setup):
    others_setup(setup, hide_other_scores=False, hide_reviewer_names=True)
    html = signed_in.get(url(setup["assignment"])).content.decode()
    assert "Budi" not in html
    assert html.count("<li>Reviewer 1: 7</li>") == 2


def test_other_scores_show_once_the_stage_closes(signed_in, setup):
    others_setup(setup)
    Stage.objects.filter(pk=setup["stage"].pk).update(status="closed")
    html = signed_in.get(url(setup["assignment"])).content.decode()
    assert html.count("<li>Budi Santoso: 7</li>") == 2


# Conflict of interest


def test_conflict_is_declared_with_a_reason(signed_in, setup):
    conflict_url = reverse("reviewer-conflict", args=[setup["assignment"].pk])
    assert signed_in.get(conflict_url).status_code == 200
    response = signed_in.post(conflict_url, {"reason": ""})
    assert response.status_code == 400
    assert Conflict.objects.count() == 0
    response = signed_in.post(conflict_url, {"reason": "My brother leads this regency."})
    assert (response.status_code, response.url) == (302, reverse("reviewer-assignments"))
    conflict = Conflict.objects.get()
    assert (conflict.nomination_id, conflict.reviewer_id, conflict.reason) == (
        setup["nomination"].pk, setup["reviewer"].pk, "My brother leads this regency.")
    page = signed_in.get(url(setup["assignment"])).content.decode()
    assert '<span class="status status-conflict" id="assignment-status">Conflict of interest</span>' in page
    assert "My brother leads this regency." in page
    assert "<fieldset disabled>" in page
    response = signed_in.post(conflict_url, {"reason": "again"})
    assert response.status_code == 409
    assert Conflict.objects.count() == 1


# Access: anything that is not mine is 404


@pytest.mark.parametrize("name", ["reviewer-assignment", "reviewer-conflict"])
def test_another_reviewers_assignment_is_404_for_every_method(english_client, setup, name):
    intruder = reviewer("intruder")
    own = assign(setup["other_nomination"], setup["stage"], intruder)
    english_client.force_login(intruder)
    assert english_client.get(reverse(name, args=[own.pk])).status_code == 200
    target = reverse(name, args=[setup["assignment"].pk])
    assert english_client.get(target).status_code == 404
    assert english_client.post(target, {"action": "confirm", "score-nilai-0": "1", "score-nilai-1": "1",
                                        "reason": "x"}).status_code == 404
    assert english_client.get(reverse(name, args=[999999])).status_code == 404
    assert Score.objects.count() == 0
    assert Conflict.objects.count() == 0


def test_committee_sees_no_assignment_of_a_reviewer_through_the_portal(english_client, setup, make_user):
    from awards.models import Role

    committee = make_user("ketua", Role.COMMITTEE, is_staff=True)
    english_client.force_login(committee)
    assert english_client.get(url(setup["assignment"])).status_code == 404
    assert rows(english_client.get(reverse("reviewer-assignments"))) == []


def test_scoring_page_requires_sign_in(client, setup):
    response = client.get(url(setup["assignment"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_work_list_shows_each_stage_and_whether_it_is_open(signed_in, setup):
    page = signed_in.get(reverse("reviewer-assignments")).content.decode()
    assert '<span class="stage stage-open">Open</span>' in page
    assert ">Kind<" not in page  # the category says it already


def test_save_and_go_to_the_next_nomination(signed_in, setup):
    first = setup["assignment"]
    second = assign(setup["other_nomination"], setup["stage"], setup["reviewer"])
    page = signed_in.get(url(first)).content.decode()
    assert f'href="{url(second)}" id="next-assignment"' in page and 'id="save-next"' in page
    response = signed_in.post(url(first), {"score-nilai-0": "70", "then": "next"})
    assert (response.status_code, response.url) == (302, url(second))
    first.refresh_from_db()
    assert first.status == AssignmentStatus.DRAFT
    # The last one to score leads back to the first unsubmitted one; once all are submitted, nowhere.
    assert f'href="{url(first)}" id="next-assignment"' in signed_in.get(url(second)).content.decode()
    Assignment.objects.filter(pk__in=[first.pk, second.pk]).update(status=AssignmentStatus.SUBMITTED,
                                                                   submitted_at=timezone.now())
    assert 'id="next-assignment"' not in signed_in.get(url(first)).content.decode()
