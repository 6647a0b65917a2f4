"""The nominations importer (docs/nominations-format.md): one file of category, round and nominee codes for an
edition, checked row by row and written all or nothing through the nomination service.

The upload on a round's nominations page and `import_nominations` both call `nominations_import`. The
file is read whole (a nomination file has hundreds of rows, not millions); the codes it names are
looked up in a few queries, every row is checked, and only a file without problems is written, one
`nomination_add` per row inside one transaction, so each nomination is audited like one added by hand.
"""
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import Category, Nomination, Nominee, Round, RoundLevel, Stage, StageKind, StageStatus
from ..services import nominations as nomination_service
from ..services.audit import audit_record
from .choices import round_key
from .tabular import Problem, ProblemCount, UnreadableFile, open_table, unneutralise

COLUMNS = ("category", "round", "nominee")
PROBLEMS_KEPT = 1000
LOOKUP_CHUNK = 500  # codes per IN (...) lookup, well under SQLite's variable limit
MAX_ROWS = 20_000  # the file is held in memory whole; a nominations file has hundreds of rows


@dataclass
class NominationsImportResult(ProblemCount):
    rows: int = 0
    created: list = field(default_factory=list)  # the new Nominations, in file order
    problem_count: int = 0
    problems: list = field(default_factory=list)  # the first PROBLEMS_KEPT
    dry_run: bool = False

    def per_round(self):
        """[(round, count)] of the nominations made, in the order the rounds first appear."""
        counts = {}
        for nomination in self.created:
            counts.setdefault(nomination.round_id, [nomination.round, 0])[1] += 1
        return [tuple(pair) for pair in counts.values()]


@dataclass
class Row:
    number: int
    category: str
    round: str
    nominee: str


def cell_text(value):
    """A cell as text: spreadsheets hand back 18 for "18" (a province code typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unneutralise(str(value).strip())


def nominations_import(*, path, edition, acting_user, dry_run=False, filename="", progress=None):
    """Check the nominations file at `path` for `edition` and, unless `dry_run` or a row has a problem,
    nominate every row as `acting_user`. Nothing is written when `result.ok` is false.
    `progress(read, total, checked=…, written=…)` is called as the rows are read, checked and written."""
    report = progress or (lambda *args, **kwargs: None)
    permissions.require(permissions.is_committee_member(acting_user))
    result = NominationsImportResult(dry_run=dry_run)
    importer = _Import(edition=edition, acting_user=acting_user, result=result)
    try:
        rows = importer.read(Path(path))
    except UnreadableFile as error:
        importer.problem(1, "", error.message)
        return result
    if not result.ok:
        return result
    report(len(rows), len(rows))
    checked = importer.check(rows)
    report(len(rows), len(rows), checked=len(rows))
    if not result.ok:
        return result
    with transaction.atomic():
        for written, (row, (category, round_, nominee)) in enumerate(checked, start=1):
            if written % 50 == 0:
                report(len(rows), len(rows), checked=len(rows), written=written)
            try:
                result.created.append(nomination_service.nomination_add(
                    round_=round_, category=category, nominee=nominee, acting_user=acting_user))
            except nomination_service.NominationError as error:  # the data changed since the check
                importer.problem(row.number, "nominee", str(error))
        if result.ok and result.created and not dry_run:
            audit_record(actor=acting_user, action="nominations_import", obj=edition,
                         changes={"nominations": [None, len(result.created)]},
                         summary=gettext_lazy("%(file)s: %(count)s nominations"),
                         summary_params={"file": filename or Path(path).name, "count": len(result.created)})
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    return result


class _Import:
    def __init__(self, *, edition, acting_user, result):
        self.edition = edition
        self.user = acting_user
        self.result = result

    def problem(self, row, column, message):
        self.result.problem_count += 1
        if len(self.result.problems) < PROBLEMS_KEPT:
            self.result.problems.append(Problem(row, column, str(message)))

    def read(self, path):
        """The file's non-empty rows; a missing column is a problem of the header (row 1)."""
        with open_table(path) as table:
            header = [cell_text(h).lower() for h in table.header]
            missing = [name for name in COLUMNS if name not in header]
            if missing:
                self.problem(1, ", ".join(missing), _(
                    "The header lacks the column(s) %(missing)s; it needs %(columns)s (in any order).")
                    % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)})
                return []
            index = {name: header.index(name) for name in COLUMNS}
            rows = []
            for number, cells in table.rows:
                values = {name: cell_text(cells[i]) if i < len(cells) else "" for name, i in index.items()}
                if any(values.values()):
                    if len(rows) == MAX_ROWS:
                        self.problem(1, "", _("The file has more than %(limit)s nomination rows; split it into "
                                              "smaller files and import each.") % {"limit": MAX_ROWS})
                        return []
                    rows.append(Row(number=number, **values))
        self.result.rows = len(rows)
        if not rows:
            self.problem(1, "", _("The file has no nomination rows."))
        return rows

    def check(self, rows):
        """[(row, (category, round, nominee))] for the rows without problems; problems for the others."""
        categories = {c.code: c for c in Category.objects.filter(edition=self.edition).select_related("edition")}
        rounds = {r.key: r for r in Round.objects.filter(edition=self.edition).select_related("edition", "province")}
        closed = set(Stage.objects.filter(round__edition=self.edition, kind=StageKind.SCREENING,
                                          status=StageStatus.CLOSED).values_list("round_id", flat=True))
        nominees = self.nominees({row.nominee for row in rows if row.nominee})
        already = self.already_nominated(nominees)
        first_row = {}
        checked = []
        for row in rows:
            before = self.result.problem_count
            category = categories.get(row.category)
            if not row.category:
                self.problem(row.number, "category", _("The category code is empty."))
            elif category is None:
                self.problem(row.number, "category", _("Edition %(year)s has no category “%(code)s”.")
                             % {"year": self.edition.year, "code": row.category})
            round_ = rounds.get(round_key(row.round))
            if not row.round:
                self.problem(row.number, "round", _("The round is empty; write national or a province code."))
            elif round_ is None:
                self.problem(row.number, "round", _(
                    "Edition %(year)s has no round “%(round)s”; write national or the code of a province "
                    "with a provincial round.") % {"year": self.edition.year, "round": row.round})
            elif not permissions.can_manage_round(self.user, round_):
                self.problem(row.number, "round", _("You may not add nominations to the round “%(round)s”: "
                                                    "it is outside your province.") % {"round": row.round})
            elif round_.id in closed:
                self.problem(row.number, "round", _("The screening stage of the round “%(round)s” is closed: "
                                                    "it takes no more nominations.") % {"round": row.round})
            nominee = nominees.get(row.nominee)
            if not row.nominee:
                self.problem(row.number, "nominee", _("The nominee code is empty."))
            elif nominee is None:
                self.problem(row.number, "nominee", _("No nominee has the code or employer number “%(code)s”.")
                             % {"code": row.nominee})
            if self.result.problem_count > before:
                continue
            reason = nomination_service.nominee_fits(nominee=nominee, category=category, round_=round_)
            if reason:
                national_only = category.national_only and round_.level == RoundLevel.PROVINCIAL
                self.problem(row.number, "round" if national_only else "nominee", reason)
                continue
            key = (category.id, nominee.id)
            if key in first_row:
                self.problem(row.number, "nominee", _("Row %(row)s already nominates %(nominee)s in this category.")
                             % {"row": first_row[key], "nominee": nominee.code})
                continue
            first_row[key] = row.number
            if key in already:
                self.problem(row.number, "nominee", _(
                    "%(nominee)s is already nominated in this category in this edition (round “%(round)s”).")
                    % {"nominee": nominee.name, "round": already[key]})
                continue
            checked.append((row, (category, round_, nominee)))
        return checked

    def nominees(self, codes):
        """{code as written: Nominee} for codes that are a nominee code or an employer number (NPP)."""
        found = {}
        codes = sorted(codes)
        for start in range(0, len(codes), LOOKUP_CHUNK):
            chunk = codes[start:start + LOOKUP_CHUNK]
            for nominee in Nominee.objects.filter(Q(code__in=chunk) | Q(employer_number__in=chunk)):
                found.setdefault(nominee.employer_number, nominee)
                found[nominee.code] = nominee  # a nominee code wins over another nominee's NPP
        found.pop("", None)
        return found

    def already_nominated(self, nominees):
        """{(category id, nominee id): round key} of the edition's nominations of the file's nominees."""
        ids = sorted({n.id for n in nominees.values()})
        already = {}
        for start in range(0, len(ids), LOOKUP_CHUNK):
            rows = (Nomination.objects.filter(category__edition=self.edition, nominee_id__in=ids[start:start + LOOKUP_CHUNK])
                    .values_list("category_id", "nominee_id", "round__level", "round__province_id"))
            for category_id, nominee_id, level, province_id in rows:
                already[(category_id, nominee_id)] = "national" if level == RoundLevel.NATIONAL else province_id
        return already
