"""Nominations from a file: the importer's row checks, all or nothing, the command, the upload and its scope."""
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from awards.imports.nominations import Problem, nominations_import
from awards.models import AuditEvent, Nomination
from tests.jobs import run_worker

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nominations-demo.csv"


def write(tmp_path, text, name="nominations.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def open_provincial_screening(award):
    award.stages["screening"].status = "open"
    award.stages["screening"].save()


def test_the_example_imports_cleanly_into_the_demo_and_only_once(award, capsys):
    before, last_event = Nomination.objects.count(), AuditEvent.objects.latest("id").id  # the demo audits its own
    call_command("import_nominations", str(EXAMPLE), "--edition", "2025", "--by", "panitia", "--language", "en")
    assert capsys.readouterr().out == "5 nominations added, pending screening (national: 5).\n"
    added = Nomination.objects.filter(round=award.national, category__code="pelayanan-publik").order_by("nominee__code")
    assert [(n.nominee.code, n.eligibility, n.created_by.username) for n in added] == [
        ("18.03", "pending", "panitia"), ("18.04", "pending", "panitia"), ("18.07", "pending", "panitia"),
        ("18.09", "pending", "panitia"), ("18.12", "pending", "panitia")]
    assert sorted(int(i) for i in AuditEvent.objects.filter(action="nomination_add", id__gt=last_event)
                  .values_list("object_id", flat=True)) == sorted(n.id for n in added)
    summary = AuditEvent.objects.get(action="nominations_import")
    assert (summary.object_id, summary.changes, summary.summary_text()) == (
        str(award.edition.id), {"nominations": [None, 5]}, "nominations-demo.csv: 5 nominations")
    with pytest.raises(CommandError, match="5 problems in nominations-demo.csv; nothing was imported."):
        call_command("import_nominations", str(EXAMPLE), "--edition", "2025", "--by", "panitia", "--language", "en")
    assert capsys.readouterr().err.splitlines()[0] == (
        "row 2, column nominee: Pemerintah Kabupaten Lampung Utara is already nominated in this category in this "
        "edition (round “national”).")
    assert Nomination.objects.count() == before + 5


def test_every_row_problem_is_reported_with_row_column_and_reason_and_nothing_is_written(award, tmp_path):
    path = write(tmp_path, "\n".join([
        "nominee,category,round,note",  # column order is free; extra columns are ignored
        "18.03,pelayanan-publik,national,fine on its own",
        "18.04,tidak-ada,national,",
        "18.04,pelayanan-publik,99,",
        "99.99,pelayanan-publik,national,",
        "DEMO-BU-001,pelayanan-publik,national,",
        "18.03,pelayanan-publik,national,",
        "18.72,pemkab,national,",
        "18.05,pemkab,18,",
        "18,pemprov,18,",
        ",,,",  # an empty row is skipped
        "18.06,,national,",
    ]))
    before = (Nomination.objects.count(), AuditEvent.objects.count())
    result = nominations_import(path=path, edition=award.edition, acting_user=award.committee)
    assert result.problems == [
        Problem(3, "category", "Edition 2025 has no category “tidak-ada”."),
        Problem(4, "round", "Edition 2025 has no round “99”; write national or the code of a province with a "
                            "provincial round."),
        Problem(5, "nominee", "No nominee has the code or employer number “99.99”."),
        Problem(6, "nominee", "PT Contoh Agro Lestari (data contoh) is a Business; the category takes "
                              "Regency/city government."),
        Problem(7, "nominee", "Row 2 already nominates 18.03 in this category."),
        Problem(8, "nominee", "Pemerintah Kota Metro is already nominated in this category in this edition "
                              "(round “18”)."),
        Problem(9, "round", "The screening stage of the round “18” is closed: it takes no more nominations."),
        Problem(10, "round", "The screening stage of the round “18” is closed: it takes no more nominations."),
        Problem(12, "category", "The category code is empty."),
    ]
    assert (result.ok, result.rows, result.created) == (False, 10, [])
    assert (Nomination.objects.count(), AuditEvent.objects.count()) == before


def test_a_provincial_committee_imports_only_into_its_own_provincial_round(award, tmp_path):
    open_provincial_screening(award)
    text = "category;round;nominee\npelayanan-publik;18;18.03\npemprov;18;18\npelayanan-publik;national;18.04\n"
    path = write(tmp_path, text)
    refused = nominations_import(path=path, edition=award.edition, acting_user=award.provincial_committee)
    assert refused.problems == [
        Problem(3, "round", "This category is judged in the national round only."),
        Problem(4, "round", "You may not add nominations to the round “national”: it is outside your province."),
    ]
    jakarta = nominations_import(path=write(tmp_path, "category,round,nominee\npelayanan-publik,18,18.03\n"),
                                 edition=award.edition, acting_user=award.other_province_committee)
    assert jakarta.problems == [
        Problem(2, "round", "You may not add nominations to the round “18”: it is outside your province.")]
    ok = nominations_import(path=write(tmp_path, "category;round;nominee\npelayanan-publik;18;18.03\n"),
                            edition=award.edition, acting_user=award.provincial_committee)
    assert [(n.round_id, n.category.code, n.nominee.code) for n in ok.created] == [
        (award.provincial.id, "pelayanan-publik", "18.03")]


def test_the_national_round_may_be_written_in_indonesian(award, tmp_path):
    result = nominations_import(path=write(tmp_path, "category,round,nominee\npelayanan-publik, Nasional ,18.03\n"),
                                edition=award.edition, acting_user=award.committee)
    assert result.problems == []
    assert [(n.round_id, n.nominee.code) for n in result.created] == [(award.national.id, "18.03")]


def test_xlsx_with_numeric_codes_and_employer_numbers(award, tmp_path):
    from openpyxl import Workbook

    open_provincial_screening(award)
    Nomination.objects.filter(category__code="bu-besar", nominee__code="DEMO-BU-006").delete()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Category", "Round", "Nominee"])
    sheet.append(["bu-besar", 18, "DEMO-BU-006"])  # the province code typed as a number
    sheet.append(["pelayanan-publik", 18.0, "18.09"])
    path = tmp_path / "nominations.xlsx"
    workbook.save(path)
    result = nominations_import(path=path, edition=award.edition, acting_user=award.committee)
    assert (result.problems, [(n.round_id, n.nominee.code) for n in result.created]) == (
        [], [(award.provincial.id, "DEMO-BU-006"), (award.provincial.id, "18.09")])


def test_a_file_without_the_columns_or_rows_is_refused(award, tmp_path):
    missing = nominations_import(path=write(tmp_path, "category,nominee\npemkab,18.01\n"), edition=award.edition,
                                 acting_user=award.committee)
    assert missing.problems == [Problem(1, "round", "The header lacks the column(s) round; it needs category, "
                                                    "round, nominee (in any order).")]
    empty = nominations_import(path=write(tmp_path, "category,round,nominee\n"), edition=award.edition,
                               acting_user=award.committee)
    assert empty.problems == [Problem(1, "", "The file has no nomination rows.")]
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02")
    assert nominations_import(path=binary, edition=award.edition, acting_user=award.committee).problems == [
        Problem(1, "", "The file is neither a CSV file nor an XLSX workbook; upload a CSV (UTF-8) or XLSX file.")]


def test_dry_run_checks_and_writes_nothing(award, capsys):
    before = (Nomination.objects.count(), AuditEvent.objects.count())
    call_command("import_nominations", str(EXAMPLE), "--edition", "2025", "--by", "panitia", "--dry-run",
                 "--language", "en")
    assert capsys.readouterr().out == ("5 nominations would be added (national: 5). Dry run: nothing was "
                                       "written.\n")
    assert (Nomination.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("args, message", [
    (["--edition", "2030", "--by", "panitia"], "There is no edition 2030."),
    (["--edition", "2025", "--by", "nobody"], "There is no user 'nobody'."),
    (["--edition", "2025", "--by", "pemantau"], "pemantau is not a committee member and may not add nominations."),
])
def test_the_command_refuses_an_unknown_edition_or_user_and_a_non_member(award, args, message):
    with pytest.raises(CommandError) as error:
        call_command("import_nominations", str(EXAMPLE), *args, "--language", "en")
    assert str(error.value) == message


def test_the_upload_imports_and_shows_problems_in_the_users_language(english, award):
    english.force_login(award.committee)
    url = reverse("committee-nomination-import", args=[award.national.id])
    page = english.get(reverse("committee-nominations", args=[award.national.id])).content.decode()
    assert 'id="import-nominations"' in page
    before = Nomination.objects.count()
    with open(EXAMPLE, "rb") as handle:
        started = english.post(url, {"file": handle})
    run_worker()
    preview = english.get(started["Location"]).content.decode()
    assert "nominations-demo.csv has no problems: confirming adds 5 nominations, pending screening." in preview
    assert Nomination.objects.count() == before  # the check changed nothing
    confirmed = english.post(reverse("job-confirm", args=[started["Location"].split("/")[-2]]))
    run_worker()
    done = english.get(confirmed["Location"]).content.decode()
    assert "5 nominations imported from nominations-demo.csv, pending screening." in done
    with open(EXAMPLE, "rb") as handle:
        started = english.post(url, {"file": handle})
    run_worker()
    refused = english.get(started["Location"])
    assert [p["row"] for p in refused.context["result"]["problems"]] == [2, 3, 4, 5, 6]
    text = refused.content.decode()
    assert "nominations-demo.csv has 5 problems; nothing was imported." in text
    assert "Pemerintah Kabupaten Lampung Utara is already nominated in this category in this edition" in text


def test_the_upload_speaks_indonesian_by_default(client, award, tmp_path):
    client.force_login(award.committee)
    path = write(tmp_path, "category,round,nominee\npemkab,national,tidak-ada\n")
    with open(path, "rb") as handle:
        started = client.post(reverse("committee-nomination-import", args=[award.national.id]), {"file": handle})
    run_worker()
    refused = client.get(started["Location"])
    assert refused.context["result"]["problems"][0]["row"] == 2
    assert (refused.context["LANGUAGE_CODE"], refused.context["job"].language) == ("id", "id")


@pytest.mark.parametrize("username, round_name", [
    ("pemantau", "provincial"), ("penilai1", "provincial"), ("panitia_lampung", "national"),
    ("panitia_jakarta", "provincial")])
def test_the_upload_is_refused_out_of_scope(client, award, username, round_name):
    client.force_login(award.users[username])
    round_ = getattr(award, round_name)
    before = Nomination.objects.count()
    with open(EXAMPLE, "rb") as handle:
        response = client.post(reverse("committee-nomination-import", args=[round_.id]), {"file": handle})
    assert (response.status_code, Nomination.objects.count()) == (403, before)
