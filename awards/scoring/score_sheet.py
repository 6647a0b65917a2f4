"""Offline jury score sheets (docs/score-sheet-format.md): CSV rows validated, then saved all-or-nothing."""
import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Assignment,
    AssignmentStatus,
    Category,
    Conflict,
    Criterion,
    CriterionKind,
    Nomination,
    Round,
    Score,
    Stage,
    StageStatus,
)
from ..services.audit import audit_record
from .edition_file import number, parse_decimal

COLUMNS = ["edition", "category", "round", "stage", "reviewer", "nominee", "criterion", "value", "submitted"]
YES = {"yes", "ya", "y", "1", "true"}
NO = {"no", "tidak", "n", "0", "false", ""}


class ScoreSheetError(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    scores_created: int = 0
    scores_changed: int = 0
    scores_unchanged: int = 0
    assignments_created: int = 0
    assignments_submitted: int = 0
    overwritten: list = field(default_factory=list)  # assignments whose submitted scores were changed


def read_rows(text):
    """The sheet's rows as dicts (line number included); comma or semicolon separated, UTF-8 with or without BOM."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ScoreSheetError([_("header: missing column(s) %(columns)s; the header must be: %(header)s")
                               % {"columns": ", ".join(missing), "header": ",".join(COLUMNS)}])
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        rows.append((reader.line_num, {k: (row.get(k) or "").strip() for k in COLUMNS}))
    if not rows:
        raise ScoreSheetError([_("the file has no score rows")])
    return rows


def _value(text):
    # An Indonesian spreadsheet may write 7,5 for 7.5.
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return parse_decimal(text)


@transaction.atomic
def scores_import(*, text, overwrite_submitted=False, acting_user=None):
    """Validate every row, then save them all, or raise ScoreSheetError naming each bad row and field.

    A score of an assignment that is already submitted is never changed unless `overwrite_submitted`;
    then each such assignment gets an audit row with the old and new values.
    """
    rows = read_rows(text)
    errors = []
    users = {u.username: u for u in get_user_model().objects.filter(username__in={r["reviewer"] for _n, r in rows})}
    cache = {}

    def lookup(key, fetch):
        if key not in cache:
            cache[key] = fetch()
        return cache[key]

    planned = {}  # (nomination id, stage id, reviewer id) -> {"submit": bool, "values": {criterion: value}, ...}
    for line, row in rows:
        def fail(column, message, line=line):
            errors.append(_("row %(line)d, column %(column)s: %(message)s")
                          % {"line": line, "column": column, "message": message})

        year = row["edition"]
        category = lookup(("category", year, row["category"]), lambda row=row, year=year: Category.objects.filter(
            edition__year=year if year.isdigit() else -1, code=row["category"]).select_related("edition").first())
        if category is None:
            fail("category", _("no category %(category)r in edition %(edition)r")
                 % {"category": row["category"], "edition": year})
            continue
        round_ = lookup(("round", category.edition_id, row["round"]), lambda row=row, category=category: (
            Round.objects.filter(edition_id=category.edition_id, level="national").first()
            if row["round"] == "national"
            else Round.objects.filter(edition_id=category.edition_id, level="provincial",
                                      province_id=row["round"]).first()))
        if round_ is None:
            fail("round", _('no round %(round)r in edition %(edition)s; use "national" or a province code')
                 % {"round": row["round"], "edition": year})
            continue
        stage = lookup(("stage", round_.id, row["stage"]),
                       lambda row=row, round_=round_: Stage.objects.filter(round=round_, kind=row["stage"]).first())
        if stage is None:
            fail("stage", _("round %(round)s has no stage %(stage)r") % {"round": row["round"], "stage": row["stage"]})
            continue
        if stage.status == StageStatus.CLOSED:
            fail("stage", _("the %(stage)s stage is closed; reopen it before importing scores") % {"stage": stage.kind})
            continue
        user = users.get(row["reviewer"])
        if user is None:
            fail("reviewer", _("no user named %(username)r") % {"username": row["reviewer"]})
            continue
        nomination = lookup(("nomination", round_.id, category.id, row["nominee"]),
                            lambda row=row, round_=round_, category=category: Nomination.objects.filter(
                                round=round_, category=category, nominee__code=row["nominee"]).first())
        if nomination is None:
            fail("nominee", _("nominee %(code)r is not nominated in category %(category)s of round %(round)s")
                 % {"code": row["nominee"], "category": category.code, "round": row["round"]})
            continue
        criterion = lookup(("criterion", category.id, row["criterion"]), lambda row=row, category=category:
                           Criterion.objects.filter(category=category, code=row["criterion"]).first())
        if criterion is None or criterion.kind != CriterionKind.JUDGED or criterion.stage_kind != stage.kind:
            fail("criterion", _("%(code)r is not a judged criterion of category %(category)s at the %(stage)s stage")
                 % {"code": row["criterion"], "category": category.code, "stage": stage.kind})
            continue
        value = None
        if row["value"]:
            value = _value(row["value"])
            if value is None:
                fail("value", _("%(value)r is not a number") % {"value": row["value"]})
                continue
            if value.normalize().as_tuple().exponent < -4:
                fail("value", _("%(value)s has more than 4 decimals") % {"value": row["value"]})
                continue
            if not criterion.scale_min <= value <= criterion.scale_max:
                fail("value", _("%(value)s is outside the scale %(min)s-%(max)s of criterion %(code)s")
                     % {"value": row["value"], "min": number(criterion.scale_min),
                        "max": number(criterion.scale_max), "code": criterion.code})
                continue
        flag = row["submitted"].lower()
        if flag not in YES | NO:
            fail("submitted", _("%(value)r must be yes or no") % {"value": row["submitted"]})
            continue
        if lookup(("conflict", nomination.id, user.id),
                  lambda nomination=nomination, user=user: Conflict.objects.filter(
                      nomination=nomination, reviewer=user).exists()):
            fail("reviewer", _("%(username)s declared a conflict of interest on nominee %(code)s")
                 % {"username": user.username, "code": row["nominee"]})
            continue
        key = (nomination.id, stage.id, user.id)
        plan = planned.setdefault(key, {"submit": flag in YES, "values": {}, "lines": [], "stage": stage,
                                        "nomination": nomination, "reviewer": user})
        if plan["submit"] != (flag in YES):
            fail("submitted", _("the rows of one reviewer's sheet for one nominee must all say the same"))
            continue
        if criterion in plan["values"]:
            fail("criterion", _("%(code)s appears twice for this reviewer and nominee") % {"code": criterion.code})
            continue
        plan["values"][criterion] = value
        plan["lines"].append(line)

    result = ImportResult()
    if not errors:
        _save(planned, overwrite_submitted, acting_user, result, errors)
    if errors:
        transaction.set_rollback(True)
        raise ScoreSheetError(errors)
    return result


def _save(planned, overwrite_submitted, acting_user, result, errors):
    stage_criteria = {}
    for (_n, stage_id, _r), plan in planned.items():
        line = plan["lines"][0]
        stage = plan["stage"]
        if stage_id not in stage_criteria:
            stage_criteria[stage_id] = list(Criterion.objects.filter(
                category_id=plan["nomination"].category_id, kind=CriterionKind.JUDGED, stage_kind=stage.kind))
        assignment, created = Assignment.objects.select_for_update().get_or_create(
            nomination=plan["nomination"], stage=stage, reviewer=plan["reviewer"])
        result.assignments_created += created
        was_submitted = assignment.status == AssignmentStatus.SUBMITTED
        existing = {s.criterion_id: s for s in assignment.scores.all()}
        changes = {}
        for criterion, value in plan["values"].items():
            score = existing.get(criterion.id)
            old = score.value if score else None
            if score is not None and old == value:
                result.scores_unchanged += 1
                continue
            changes[criterion.code] = [None if old is None else number(old), None if value is None else number(value)]
        unsubmit = was_submitted and not plan["submit"]
        if was_submitted and (changes or unsubmit) and not overwrite_submitted:
            errors.append(_("row %(line)d: %(reviewer)s already submitted the %(stage)s scores of nominee %(code)s; "
                            "pass --overwrite-submitted to replace them (the change is audited)")
                          % {"line": line, "reviewer": plan["reviewer"].username, "stage": stage.kind,
                             "code": plan["nomination"].nominee.code})
            continue
        for criterion, value in plan["values"].items():
            if criterion.code not in changes:
                continue
            score = existing.get(criterion.id)
            if score is None:
                existing[criterion.id] = Score.objects.create(assignment=assignment, criterion=criterion, value=value)
                result.scores_created += 1
            else:
                score.value = value
                score.save(update_fields=["value", "updated_at"])
                result.scores_changed += 1
        if plan["submit"]:
            empty = [c.code for c in stage_criteria[stage_id]
                     if existing.get(c.id) is None or existing[c.id].value is None]
            if empty:
                errors.append(_("row %(line)d: cannot submit the sheet of %(reviewer)s for nominee %(code)s: "
                                "no value for %(criteria)s")
                              % {"line": line, "reviewer": plan["reviewer"].username,
                                 "code": plan["nomination"].nominee.code, "criteria": ", ".join(empty)})
                continue
            if not was_submitted:
                assignment.status, assignment.submitted_at = AssignmentStatus.SUBMITTED, timezone.now()
                assignment.save(update_fields=["status", "submitted_at"])
                result.assignments_submitted += 1
        elif assignment.status != AssignmentStatus.DRAFT and (changes or unsubmit):
            assignment.status, assignment.submitted_at = AssignmentStatus.DRAFT, None
            assignment.save(update_fields=["status", "submitted_at"])
        if was_submitted and (changes or unsubmit):
            result.overwritten.append(assignment)
            if unsubmit:
                changes["status"] = [AssignmentStatus.SUBMITTED, AssignmentStatus.DRAFT]
            audit_record(actor=acting_user, action="submitted_scores_overwritten", obj=assignment, changes=changes,
                         summary=f"score sheet import, row {line}")
        elif changes:
            audit_record(actor=acting_user, action="scores_imported", obj=assignment, changes=changes,
                         summary=f"score sheet import, row {line}")
