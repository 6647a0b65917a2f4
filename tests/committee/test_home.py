"""The committee's home: what needs attention (open stages, deadlines, unsubmitted work, conflicts) and
the rounds, each linked onward; scoped like every other committee page."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from awards.models import Assignment, AssignmentStatus, Stage


def _attention_rows(page):
    start = page.index('id="attention"')
    return page[start:page.index("</section>", start)]


def test_the_home_shows_open_stages_with_deadline_and_what_is_left_to_submit(english, award):
    stage = award.stages["assessment"]
    Stage.objects.filter(pk=stage.pk).update(status="open", deadline=timezone.now() - timedelta(days=1))
    left = Assignment.objects.filter(stage=stage).exclude(status=AssignmentStatus.SUBMITTED).count()
    total = Assignment.objects.filter(stage=stage).count()
    english.force_login(award.provincial_committee)
    page = english.get(reverse("home")).content.decode()
    rows = _attention_rows(page)
    assert f'data-stage="{stage.id}" class="late"' in rows and f"{left} / {total}" in rows
    assert reverse("committee-progress", args=[award.provincial.id]) in rows
    assert reverse("committee-assignments", args=[award.provincial.id]) in rows
    assert reverse("committee-round", args=[award.provincial.id]) in page  # the rounds list
    assert reverse("metrics") in page  # every part of the workspace, metrics included


def test_the_home_of_another_province_shows_nothing_of_this_one(english, award):
    stage = award.stages["assessment"]
    Stage.objects.filter(pk=stage.pk).update(status="open")
    english.force_login(award.other_province_committee)
    page = english.get(reverse("home")).content.decode()
    assert f'data-stage="{stage.id}"' not in page
    assert reverse("committee-round", args=[award.provincial.id]) not in page
    english.force_login(award.committee)
    assert f'data-stage="{stage.id}"' in english.get(reverse("home")).content.decode()


def test_the_home_reads_in_a_fixed_number_of_queries(english, award, django_assert_max_num_queries):
    Stage.objects.filter(round=award.provincial).exclude(kind="screening").update(status="open")
    english.force_login(award.committee)
    english.get(reverse("home"))
    with django_assert_max_num_queries(12):
        english.get(reverse("home"))
