"""Offline jury score sheets (docs/score-sheet-format.md): CSV rows validated, then each reviewer's sheet
entered through the reviewer service (services/reviews.py), all-or-nothing."""
import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Assignment, Category, Criterion, CriterionKind, Eligibility, Nomination, Round, Stage
from ..services.assignments import AssignmentError, assignment_add
from ..services.reviews import ReviewError, assignment_enter_sheet, sheet_entry_refusal, validate_value
from .choices import round_key, stage_words
from .edition_file import parse_decimal

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


COLUMN_OF_FIELD = {"round": "round", "stage": "stage", "reviewer": "reviewer", "submitted": "submitted",
                   "overwrite": "submitted"}


def scores_import(*, text, acting_user, overwrite_reason="", source="score sheet"):
    """Validate every row, then enter each reviewer's sheet (reviewer × nominee × stage) through
    `assignment_enter_sheet`, or raise ScoreSheetError naming each bad row and column; on any error
    nothing is saved.

    `acting_user` is the committee member who enters the sheets: the round must be theirs to manage.
    Submitted scores are replaced only with an `overwrite_reason` by the national committee (audited).
    """
    permissions.require(permissions.is_committee_member(acting_user))
    rows = read_rows(text)
    errors = []  # (line, message)
    users = {u.username: u for u in get_user_model().objects.select_related("profile").filter(
        username__in={r["reviewer"] for _n, r in rows})}
    cache = {}

    def lookup(key, fetch):
        if key not in cache:
            cache[key] = fetch()
        return cache[key]

    stage_kinds = stage_words()  # a stage by its code or the name the pages show (imports/choices.py)
    planned = {}  # (nomination id, stage id, reviewer id) -> {"submit": bool, "values": {criterion id: value}, ...}
    for line, row in rows:
        def fail(column, message, line=line):
            errors.append((line, _("row %(line)d, column %(column)s: %(message)s")
                           % {"line": line, "column": column, "message": message}))

        year = row["edition"]
        category = lookup(("category", year, row["category"]), lambda row=row, year=year: Category.objects.filter(
            edition__year=year if year.isdigit() else -1, code=row["category"]).select_related("edition").first())
        if category is None:
            fail("category", _("no category %(category)r in edition %(edition)r")
                 % {"category": row["category"], "edition": year})
            continue
        round_ = lookup(("round", category.edition_id, row["round"]), lambda row=row, category=category: (
            Round.objects.filter(edition_id=category.edition_id, level="national").first()
            if round_key(row["round"]) == "national"
            else Round.objects.filter(edition_id=category.edition_id, level="provincial",
                                      province_id=row["round"]).first()))
        if round_ is None:
            fail("round", _('no round %(round)r in edition %(edition)s; use "national" or a province code')
                 % {"round": row["round"], "edition": year})
            continue
        kind = stage_kinds.code(row["stage"])
        if kind is None:
            fail("stage", stage_kinds.unknown(row["stage"]))
            continue
        stage = lookup(("stage", round_.id, kind), lambda kind=kind, round_=round_: Stage.objects.filter(
            round=round_, kind=kind).select_related("round__province", "round__edition").first())
        if stage is None:
            fail("stage", _("round %(round)s has no stage %(stage)r") % {"round": row["round"], "stage": row["stage"]})
            continue
        user = users.get(row["reviewer"])
        if user is None:
            fail("reviewer", _("no user named %(username)r") % {"username": row["reviewer"]})
            continue
        nomination = lookup(("nomination", round_.id, category.id, row["nominee"]),
                            lambda row=row, round_=round_, category=category: Nomination.objects.filter(
                                round=round_, category=category, nominee__code=row["nominee"])
                            .select_related("round", "nominee").first())
        if nomination is None:
            fail("nominee", _("nominee %(code)r is not nominated in category %(category)s of round %(round)s")
                 % {"code": row["nominee"], "category": category.code, "round": row["round"]})
            continue
        if nomination.eligibility != Eligibility.ELIGIBLE:
            fail("nominee", _("nominee %(code)r did not pass the screening; only eligible nominations are scored")
                 % {"code": row["nominee"]})
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
            try:
                value = validate_value(criterion, value)
            except ReviewError as error:
                fail("value", str(error))
                continue
        flag = row["submitted"].lower()
        if flag not in YES | NO:
            fail("submitted", _("%(value)r must be yes or no") % {"value": row["submitted"]})
            continue
        key = (nomination.id, stage.id, user.id)
        plan = planned.setdefault(key, {"submit": flag in YES, "values": {}, "line": line, "stage": stage,
                                        "nomination": nomination, "reviewer": user})
        if plan["submit"] != (flag in YES):
            fail("submitted", _("the rows of one reviewer's sheet for one nominee must all say the same"))
            continue
        if criterion.id in plan["values"]:
            fail("criterion", _("%(code)s appears twice for this reviewer and nominee") % {"code": criterion.code})
            continue
        plan["values"][criterion.id] = value

    result = ImportResult()
    with transaction.atomic():
        for plan in planned.values():
            _enter(plan, acting_user, overwrite_reason, source, result, errors)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ScoreSheetError([message for _line, message in sorted(errors, key=lambda e: e[0])])
    return result


def _enter(plan, acting_user, overwrite_reason, source, result, errors):
    """One reviewer's sheet for one nominee at one stage, through the reviewer service; a refusal is
    recorded against the sheet's first row (every sheet is tried, so that every refusal is reported)."""
    line = plan["line"]
    stage, nomination, reviewer = plan["stage"], plan["nomination"], plan["reviewer"]
    try:
        with transaction.atomic():
            assignment = Assignment.objects.filter(nomination=nomination, stage=stage, reviewer=reviewer).first()
            created = assignment is None
            if created:
                refusal = sheet_entry_refusal(acting_user=acting_user, stage=stage, nomination=nomination,
                                              reviewer=reviewer)
                if refusal:
                    raise ReviewError(refusal[1], field=refusal[0])
                assignment = assignment_add(nomination=nomination, stage=stage, reviewer=reviewer,
                                            acting_user=acting_user)
            outcome = assignment_enter_sheet(assignment=assignment, values=plan["values"], submit=plan["submit"],
                                             acting_user=acting_user, overwrite_reason=overwrite_reason,
                                             source=f"{source}, row {line}")
    except ReviewError as error:
        column = COLUMN_OF_FIELD.get(error.field)
        message = str(error)
        if error.field == "overwrite" and not overwrite_reason:
            message += " " + _("To replace them, a national committee member passes --overwrite-submitted with "
                               "--reason (the change is audited).")
        errors.append((line, _("row %(line)d, column %(column)s: %(message)s")
                       % {"line": line, "column": column, "message": message} if column else
                       _("row %(line)d: %(message)s") % {"line": line, "message": message}))
        return
    except (AssignmentError, PermissionDenied) as error:
        errors.append((line, _("row %(line)d: %(message)s") % {"line": line, "message": str(error) or _("refused")}))
        return
    result.assignments_created += created
    values = {k: v for k, v in outcome.changes.items() if k.endswith(".value")}
    result.scores_created += sum(1 for old, _new in values.values() if old is None)
    result.scores_changed += sum(1 for old, _new in values.values() if old is not None)
    result.scores_unchanged += len(plan["values"]) - len(values)
    if outcome.changes.get("status", [None, None])[1] == "submitted":
        result.assignments_submitted += 1
    if outcome.overwritten:
        result.overwritten.append(assignment)
