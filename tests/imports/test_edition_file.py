"""The edition rules file: export → load round trip, validation messages, all-or-nothing, --update."""
import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from awards.imports.edition_file import EditionFileError, edition_as_data, edition_load
from awards.models import AuditEvent, Category, Criterion, Edition, Role, Stage
from tests.scoring import factories as f

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "edition-2026.json"


@pytest.fixture
def rules(committee):
    f.province("18")
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def committee(make_user):
    return make_user("ketua", Role.COMMITTEE)


def load(data, **options):
    return edition_load(data=data, acting_user=get_user_model().objects.get(username="ketua"), **options)


def test_example_edition_loads_and_exports_back_identically(rules):
    edition, notes = load(rules)
    assert notes == []
    assert edition_as_data(edition) == rules
    assert AuditEvent.objects.filter(action="edition_create", object_id=str(edition.pk)).count() == 1


def test_reusing_last_years_rules_for_a_new_year(rules):
    load(rules)
    next_year = edition_as_data(Edition.objects.get(year=2026))
    next_year.update(year=2027, name="Paritrana Award 2027")
    edition, _notes = load(next_year)
    exported = edition_as_data(edition)
    assert {k: v for k, v in exported.items() if k not in ("year", "name")} == \
        {k: v for k, v in rules.items() if k not in ("year", "name")}
    assert Criterion.objects.filter(category__edition=edition).count() == \
        Criterion.objects.filter(category__edition__year=2026).count()


def test_loading_an_existing_year_needs_update(rules):
    load(rules)
    with pytest.raises(EditionFileError) as error:
        load(rules)
    assert error.value.errors == ["year: edition 2026 already exists; pass --update to change its rules"]


def test_update_changes_weights_and_keeps_what_the_file_leaves_out(rules):
    load(rules)
    changed = copy.deepcopy(rules)
    changed["stages"][1]["weight"] = "70"
    changed["stages"][2]["weight"] = "30"
    category = changed["categories"][1]
    dropped = category["criteria"].pop()
    category["criteria"][0]["weight"] = "35"
    edition, notes = load(changed, update=True)
    assert sorted(set(Stage.objects.filter(round__edition=edition).values_list("weight", flat=True))) == [0, 30, 70]
    assert Criterion.objects.get(category__edition=edition, category__code=category["code"],
                                 code=category["criteria"][0]["code"]).weight == 35
    assert notes == [f"criterion {dropped['code']} of category {category['code']} is not in the file and was kept; "
                     "its tie-break order was cleared"]


def test_every_problem_is_reported_with_where_and_what(rules):
    bad = copy.deepcopy(rules)
    bad["year"] = 1999
    bad["stages"][0]["weight"] = "5"
    bad["rounds"].append("99")
    criterion = bad["categories"][1]["criteria"][0]
    criterion["weight"] = "abc"
    criterion["metric"] = "no_such_metric"
    bad["categories"][1]["criteria"][1]["rule"] = "sideways"
    bad["categories"][2]["criteria"].append({**bad["categories"][2]["criteria"][0]})  # karyawan-terdaftar again
    with pytest.raises(EditionFileError) as error:
        load(bad)
    assert error.value.errors == [
        "year: must be between 2017 and 2100 (got 1999)",
        "stages[0].weight: the screening stage has weight 0",
        "rounds[2]: '99' is neither \"national\" nor a known province code",
        "categories[1].criteria[0].weight: must be a number such as 12.5 (got 'abc')",
        "categories[1].criteria[0].metric: unknown metric 'no_such_metric'",
        "categories[1].criteria[1].rule: must be one of target, linear, relative, bands, boolean (got 'sideways')",
        "categories[2].criteria[9].code: karyawan-terdaftar is used by another criterion of this category",
        "categories[2].criteria[9].tie_break_rank: must be 1 or more and differ from the other criteria's",
    ]
    assert not Edition.objects.exists()


def test_kinds_sizes_sectors_and_stages_may_be_written_as_the_pages_name_them(rules):
    worded = copy.deepcopy(rules)
    worded["stages"][1]["kind"] = "Penilaian"
    business = next(c for c in worded["categories"] if c["nominee_kind"] == "business")
    business.update(nominee_kind="Badan Usaha", size="BESAR", sector="perdagangan & jasa")
    for criterion in business["criteria"]:
        criterion["stage"] = {"assessment": "penilaian", "interview": "Wawancara"}[criterion["stage"]]
    edition, _notes = load(worded)
    category = Category.objects.get(edition=edition, code=business["code"])
    assert (category.nominee_kind, category.size, category.sector) == ("business", "large", "trade_services")
    assert edition_as_data(edition)["stages"] == rules["stages"]  # exported back as codes


def test_a_wrong_word_lists_the_accepted_names(rules):
    bad = copy.deepcopy(rules)
    bad["categories"][0]["sector"] = "perikanan laut"
    with pytest.raises(EditionFileError) as error:
        load(bad)
    assert error.value.errors == [
        "categories[0].sector: “perikanan laut” is not one of: Finance (finance), Trade and services "
        "(trade_services), Mining, manufacturing and construction (mining_manufacturing_construction), "
        "Agriculture and fisheries (agriculture_fisheries), Education (education), Health (health)."]


def test_metric_must_be_reported_by_the_categorys_nominees(rules):
    bad = copy.deepcopy(rules)
    village = next(c for c in bad["categories"] if c["nominee_kind"] == "village")
    index = next(i for i, c in enumerate(village["criteria"]) if c["kind"] == "metric")
    village["criteria"][index]["metric"] = "employees_total"
    position = bad["categories"].index(village)
    with pytest.raises(EditionFileError) as error:
        load(bad)
    assert error.value.errors == [f"categories[{position}].criteria[{index}].metric: metric employees_total is not "
                                  "reported by village nominees"]


def test_bands_and_targets_are_checked(rules):
    bad = copy.deepcopy(rules)
    criteria = bad["categories"][0]["criteria"]
    criteria[0].pop("target_metric", None)
    criteria[0].pop("target_value", None)
    criteria[0]["rule"] = "target"
    criteria[1].update(rule="bands", bands=[["10", "50"], ["10", "120"]])
    criteria[1].pop("low", None)
    criteria[1].pop("high", None)
    with pytest.raises(EditionFileError) as error:
        load(bad)
    assert error.value.errors == [
        "categories[0].criteria[0]: a target criterion needs exactly one of target_value and target_metric",
        "categories[0].criteria[1].bands[1]: the score must be between 0 and 100 (got 120)",
        "categories[0].criteria[1].bands: two bands have the same threshold",
    ]


def test_export_and_load_commands(rules, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    out = StringIO()
    call_command("load_edition", str(path), "--by", "ketua", stdout=out)
    assert out.getvalue() == "Loaded edition 2026: 7 categories, 2 rounds.\n"
    out = StringIO()
    call_command("export_edition", "2026", stdout=out)
    assert json.loads(out.getvalue()) == rules


def test_load_command_reports_bad_json_with_line_and_column(committee, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "paritrana-edition",\n "year": 2026,,}', encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_edition", str(path), "--by", "ketua")
    assert str(error.value) == f"{path} is not valid JSON: line 2, column 15: Expecting property name enclosed in double quotes"


def test_load_command_lists_problems_and_loads_nothing(rules, tmp_path):
    rules["categories"][0]["awards_count"] = 0
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_edition", str(path), "--by", "ketua")
    assert str(error.value) == (f"Nothing was loaded. Fix these problems in {path}:\n"
                                "  - categories[0].awards_count: must be at least 1")
    assert not Category.objects.exists()


def test_export_of_an_unknown_year_is_refused(db):
    with pytest.raises(CommandError) as error:
        call_command("export_edition", "2031")
    assert str(error.value) == "There is no edition 2031."


def test_round_with_its_own_stages_round_trips(rules):
    f.province("31", "DKI Jakarta")
    rules["rounds"].append({"round": "31", "stages": [
        {"kind": "screening", "position": 1, "weight": "0", "calibrate": False, "aggregation": "mean",
         "disagreement_threshold": "30", "hide_other_scores": True, "hide_reviewer_names": False,
         "reminder_days": 3},
        {"kind": "assessment", "position": 2, "weight": "100", "calibrate": True, "aggregation": "median",
         "disagreement_threshold": "25", "hide_other_scores": True, "hide_reviewer_names": True,
         "reminder_days": 3},
    ]})
    edition, _notes = load(rules)
    # The national round's stages are the file's default; round 31 differs, so it carries its own.
    assert edition_as_data(edition)["rounds"] == ["18", {"round": "31", "stages": rules["rounds"][-1]["stages"]},
                                                  "national"]


def snapshot():
    return (list(Stage.objects.order_by("id").values()), list(Criterion.objects.order_by("id").values()),
            list(Category.objects.order_by("id").values()), AuditEvent.objects.count())


def test_every_row_a_load_creates_or_changes_is_audited(rules):
    edition, _notes = load(rules)
    created = list(AuditEvent.objects.values_list("action", flat=True))
    assert {action: created.count(action) for action in set(created)} == {
        "edition_create": 1, "round_create": 2, "stage_create": 6, "category_create": 7,
        "criterion_create": Criterion.objects.filter(category__edition=edition).count()}
    assert set(AuditEvent.objects.values_list("actor__username", flat=True)) == {"ketua"}
    changed = copy.deepcopy(rules)
    changed["name"] = "Paritrana 2026"
    changed["stages"][1]["weight"] = "70"
    changed["categories"][1]["criteria"][0]["weight"] = "35"
    before = AuditEvent.objects.latest("id").id
    load(changed, update=True)
    criterion = changed["categories"][1]["criteria"][0]
    assert sorted(AuditEvent.objects.filter(id__gt=before).values_list("action", "changes"),
                  key=lambda event: (event[0], json.dumps(event[1]))) == [
        ("criterion_update", {"weight": [rules["categories"][1]["criteria"][0]["weight"], "35"]}),
        ("edition_update", {"name": ["Paritrana Award 2026", "Paritrana 2026"]}),
        ("stage_update", {"weight": [rules["stages"][1]["weight"], "70"]}),
        ("stage_update", {"weight": [rules["stages"][1]["weight"], "70"]}),
    ]
    assert criterion["code"] in AuditEvent.objects.get(action="criterion_update").summary
    before = AuditEvent.objects.count()
    load(changed, update=True)  # the same rules again: nothing changes, nothing is audited
    assert AuditEvent.objects.count() == before


def test_a_stage_that_has_opened_keeps_its_weight_order_and_options(rules):
    load(rules)
    Stage.objects.filter(round__province_id="18", kind="assessment").update(status="open")
    changed = copy.deepcopy(rules)
    changed["stages"][1].update(weight="70", calibrate=True)
    before = snapshot()
    with pytest.raises(EditionFileError) as error:
        load(changed, update=True)
    assert error.value.errors == [
        "rounds[0]: the assessment stage of round 18: The stage has opened: how it scores (weight, calibrate) no "
        "longer changes; its deadline and what reviewers see still can until it closes."]
    assert snapshot() == before
    Stage.objects.filter(round__province_id="18", kind="assessment").update(status="draft")
    load(changed, update=True)  # a draft stage still may


def test_criteria_of_an_opened_stage_keep_how_they_score(rules):
    load(rules)
    Stage.objects.filter(round__province_id="18", kind="assessment").update(status="closed")
    category = rules["categories"][1]
    index = next(i for i, c in enumerate(category["criteria"]) if c["stage"] == "assessment")
    changed = copy.deepcopy(rules)
    changed["categories"][1]["criteria"][index]["weight"] = "99"
    changed["categories"][1]["criteria"].append({**category["criteria"][index], "code": "baru", "tie_break_rank": None})
    before = snapshot()
    with pytest.raises(EditionFileError) as error:
        load(changed, update=True)
    assert error.value.errors == [
        f"categories[1].criteria[{index}]: criterion {category['criteria'][index]['code']} is scored at a stage that "
        "has opened in round(s) 18: how it scores (weight) can no longer change; its names, guidance and order "
        "still can",
        f"categories[1].criteria[{len(category['criteria'])}]: a new criterion cannot be added at the assessment "
        "stage, which has opened in round(s) 18: it would change the scores already given"]
    assert snapshot() == before
    renamed = copy.deepcopy(rules)
    renamed["categories"][1]["criteria"][index]["name_en"] = "Clearer name"
    load(renamed, update=True)
    assert AuditEvent.objects.filter(action="criterion_update").get().changes == {
        "name_en": [category["criteria"][index]["name_en"], "Clearer name"]}


def test_only_the_national_committee_loads_rules(rules, make_user):
    with pytest.raises(PermissionDenied):
        edition_load(data=rules, acting_user=make_user("pc", Role.PROVINCIAL_COMMITTEE, f.province("18")))
    with pytest.raises(PermissionDenied):
        edition_load(data=rules, acting_user=None)
    assert not Edition.objects.exists() and not AuditEvent.objects.exists()


def test_load_command_needs_by(rules, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_edition", str(path))
    assert str(error.value) == ("Name the committee member this command acts for with --by USERNAME: their role is "
                                "checked and the audit trail records them.")
    assert not Edition.objects.exists()
