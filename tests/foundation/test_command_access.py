"""Commands that change award data check the role of the member they act for (--by)."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from awards.models import AuditEvent

EDITION = "examples/edition-2026.json"


@pytest.mark.parametrize("username", ["panitia_lampung", "penilai1", "pemantau"])
@pytest.mark.parametrize("command, args", [
    ("load_edition", [EDITION]),
    ("import_scores", ["examples/scores-2025-lampung-interview.csv"]),
    ("import_metrics", ["examples/metrics-employers.csv", "--year", "2025"]),
])
def test_commands_refuse_a_member_outside_the_national_committee(demo, command, args, username):
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=username):
        call_command(command, *args, "--by", username)
    assert AuditEvent.objects.count() == before


def test_unknown_member_is_refused(demo):
    with pytest.raises(CommandError, match="nobody"):
        call_command("load_edition", EDITION, "--by", "nobody")


def test_national_committee_member_is_recorded_in_the_audit_trail(demo):
    call_command("load_edition", EDITION, "--by", "panitia")
    event = AuditEvent.objects.filter(actor__username="panitia").latest("id")
    assert event.object_type == "awards.edition"
