"""Commands that change award data name the member they act for (--by) and check their role; read-only ones don't."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from awards.models import AuditEvent

EDITION = "examples/edition-2026.json"
NO_BY = ("Name the committee member this command acts for with --by USERNAME: their role is checked and the audit "
         "trail records them.")
CHANGING = [
    ("load_edition", [EDITION]),
    ("import_scores", ["examples/scores-2025-lampung-interview.csv"]),
    ("import_metrics", ["examples/metrics-employers.csv", "--year", "2025", "--no-progress"]),
    ("import_nominations", ["examples/nominations-demo.csv", "--edition", "2025"]),
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("command, args", CHANGING)
def test_commands_that_change_award_data_need_by(demo, command, args):
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError) as error:
        call_command(command, *args)
    assert str(error.value) == NO_BY
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("username", ["penilai1", "pemantau"])
@pytest.mark.parametrize("command, args", CHANGING)
def test_commands_refuse_a_member_outside_the_committee(demo, command, args, username):
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=username):
        call_command(command, *args, "--by", username)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("command, args", CHANGING[:1] + CHANGING[2:3])
def test_rules_and_metrics_are_the_national_committees(demo, command, args):
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="panitia_lampung is not a member of the national committee"):
        call_command(command, *args, "--by", "panitia_lampung")
    assert AuditEvent.objects.count() == before


def test_unknown_member_is_refused(demo):
    with pytest.raises(CommandError, match="nobody"):
        call_command("load_edition", EDITION, "--by", "nobody")


def test_national_committee_member_is_recorded_in_the_audit_trail(demo):
    call_command("load_edition", EDITION, "--by", "panitia", stdout=StringIO())
    event = AuditEvent.objects.filter(actor__username="panitia", object_type="awards.edition").latest("id")
    assert event.action == "edition_create"


def test_read_only_commands_need_no_by(demo, tmp_path):
    before = AuditEvent.objects.count()
    call_command("export_edition", "2025", stdout=StringIO())
    call_command("export_metrics", str(tmp_path / "metrics.csv"), "--year", "2025")
    call_command("rank", "--edition", "2025", "--category", "pemkab", "--round", "18", stdout=StringIO())
    call_command("verify_results", stdout=StringIO())
    assert AuditEvent.objects.count() == before
