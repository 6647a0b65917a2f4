"""Setting up an edition: its national round, provincial rounds and the stages of each round; loading its
rules (categories, criteria, rounds, stages) from a validated edition file."""
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import (
    Category,
    Criterion,
    Edition,
    MetricDefinition,
    Region,
    Round,
    RoundLevel,
    Stage,
    StageKind,
    StageStatus,
)
from .audit import audit_record
from .stages import stage_change_refusal
from .standings import standings_changed

# Default stage plan (DOMAIN.md, "The process"): screening carries no weight.
DEFAULT_STAGES = [
    (StageKind.SCREENING, 1, Decimal("0")),
    (StageKind.ASSESSMENT, 2, Decimal("60")),
    (StageKind.INTERVIEW, 3, Decimal("40")),
]


def round_ensure(*, edition, province=None, acting_user=None):
    """The edition's national round (province None) or a province's provincial round, with its stages."""
    level = RoundLevel.PROVINCIAL if province is not None else RoundLevel.NATIONAL
    with transaction.atomic():
        round_, created = Round.objects.get_or_create(edition=edition, level=level, province=province)
        for kind, position, weight in DEFAULT_STAGES:
            Stage.objects.get_or_create(round=round_, kind=kind, defaults={"position": position, "weight": weight})
        if created:
            audit_record(actor=acting_user, action="round_create", obj=round_, summary=round_)
            standings_changed(editions=[edition])  # the new round's groups are created by the recompute
    return round_


def edition_setup_rounds(*, edition, province_codes=None, acting_user=None):
    """Create the national round and a provincial round per province (all 38 unless given)."""
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)
    if province_codes is not None:
        provinces = provinces.filter(code__in=province_codes)
    rounds = [round_ensure(edition=edition, acting_user=acting_user)]
    rounds += [round_ensure(edition=edition, province=p, acting_user=acting_user) for p in provinces]
    return rounds


# ---------------------------------------------------------------- an edition's rules from a file

class EditionRulesError(Exception):
    """Rules the award's process does not let change now; `errors` lists each as "where: what"."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


STAGE_RULES = ("position", "weight", "calibrate", "aggregation", "disagreement_threshold", "hide_other_scores",
               "hide_reviewer_names", "reminder_days")
CATEGORY_FIELDS = ("name_id", "name_en", "nominee_kind", "size", "sector", "national_only", "awards_count",
                   "advance_count", "position")
# What a criterion's scores are computed from; names, guidance and display order may change at any time.
CRITERION_SCORING = ("stage_kind", "kind", "weight", "tie_break_rank", "rule", "metric", "denominator",
                     "target_value", "target_metric", "low", "high", "bands", "scale_min", "scale_max")
CRITERION_TEXT = ("name_id", "name_en", "guidance_id", "guidance_en", "position")
METRIC_KEYS = ("metric", "denominator", "target_metric")


def _plain(value):
    """A value as it is compared and audited: metrics by code, decimals normalised, bands as text pairs."""
    if isinstance(value, MetricDefinition):
        return value.code
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list):
        return [[_plain(Decimal(str(t))), _plain(Decimal(str(s)))] for t, s in value]
    return value


def _criterion_values(criterion):
    values = {key: getattr(criterion, key) for key in (*CRITERION_SCORING, *CRITERION_TEXT) if key not in METRIC_KEYS}
    for key in METRIC_KEYS:
        values[key] = getattr(criterion, key) if getattr(criterion, f"{key}_id") else None
    return {key: _plain(value) for key, value in values.items()}


def _changes(old, new, keys):
    return {key: [old.get(key), new.get(key)] for key in keys if old.get(key) != new.get(key)}


def _audit_value(value):
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def _audit_changes(changes):
    return {key: [_audit_value(old), _audit_value(new)] for key, (old, new) in changes.items()}


def opened_stage_kinds(edition):
    """{stage kind: [round keys where it is open or closed]} of the edition."""
    opened = {}
    for stage in Stage.objects.filter(round__edition=edition).exclude(status=StageStatus.DRAFT).select_related(
            "round").order_by("round__level", "round__province_id"):
        opened.setdefault(stage.kind, []).append(stage.round.key)
    return opened


def criterion_scoring_refusal(criterion, *, deleting=False):
    """Why `criterion` — changed, new, or (`deleting`) removed outside the edition file, as in the admin —
    may not be saved now, or "". The same rule as the edition file's: once its stage kind has opened in a
    round of the edition, how it scores is fixed, because the scores already given depend on it."""
    old = Criterion.objects.filter(pk=criterion.pk).first() if criterion.pk else None
    opened = opened_stage_kinds(criterion.category.edition_id)
    if deleting:
        rounds = _opened_rounds(opened, criterion.stage_kind, old.stage_kind if old else None)
        if not rounds:
            return ""
        return _("criterion %(code)s is scored at a stage that has opened in round(s) %(rounds)s: it can no longer "
                 "be removed") % {"code": criterion.code, "rounds": rounds}
    return _scoring_refusal(criterion.code, _criterion_values(old) if old else None, _criterion_values(criterion),
                            opened)


def _opened_rounds(opened, *kinds):
    """The round keys, as text, where any of the stage `kinds` has opened; "" when none has."""
    return ", ".join(sorted({key for kind in kinds if kind for key in opened.get(kind, [])}))


def _scoring_refusal(code, old, new, opened):
    """Why a criterion (`old`/`new`: its `_criterion_values`, `old` None when it is new) may not be saved
    given the `opened` stage kinds, or "": the one rule of the edition file and the admin."""
    rounds = _opened_rounds(opened, new["stage_kind"], old["stage_kind"] if old else None)
    if not rounds:
        return ""
    if old is None:
        return _("a new criterion cannot be added at the %(stage)s stage, which has opened in round(s) %(rounds)s: "
                 "it would change the scores already given") % {"stage": new["stage_kind"], "rounds": rounds}
    changed = _changes(old, new, CRITERION_SCORING)
    if changed:
        return _("criterion %(code)s is scored at a stage that has opened in round(s) %(rounds)s: how it scores "
                 "(%(fields)s) can no longer change; its names, guidance and order still can") % {
                     "code": code, "rounds": rounds, "fields": ", ".join(changed)}
    return ""


def edition_rules_load(*, rules, update=False, acting_user):
    """Create (or with `update`, update) the edition that `rules` describe — the validated content of an
    edition file (imports/edition_file.py) — as the national committee. Returns (edition, notes).

    Nothing is deleted: rows the rules leave out are kept and named in the notes. Every row created or
    changed is audited with old → new. Refused (EditionRulesError, nothing written): a stage that is no
    longer a draft changing its weight, order or options, or being left out; and, at a stage kind that
    has opened in any round of the edition, a criterion changing how it scores or a new criterion — both
    would silently change scores already given. Names, guidance and display order may always change.
    """
    permissions.require(permissions.is_committee(acting_user))
    with transaction.atomic():
        loader = _RulesLoader(acting_user)
        result = loader.load(rules, update)
        if loader.errors:
            raise EditionRulesError(loader.errors)
        standings_changed(editions=[result[0]])
    return result


class _RulesLoader:
    def __init__(self, acting_user):
        self.actor = acting_user
        self.errors = []
        self.notes = []

    def audit(self, action, obj, changes=None, summary=""):
        audit_record(actor=self.actor, action=action, obj=obj, changes=_audit_changes(changes or {}),
                     summary=summary or obj)

    def load(self, rules, update):
        edition = Edition.objects.select_for_update(of=("self",)).filter(year=rules["year"]).first()
        if edition and not update:
            raise EditionRulesError([_("year: edition %(year)s already exists; pass --update to change its rules")
                                     % {"year": rules["year"]}])
        if edition is None:
            edition = Edition.objects.create(year=rules["year"], name=rules["name"])
            self.audit("edition_create", edition, {"year": [None, edition.year], "name": [None, edition.name]})
        elif edition.name != rules["name"]:
            changes = {"name": [edition.name, rules["name"]]}
            edition.name = rules["name"]
            edition.save(update_fields=["name"])
            self.audit("edition_update", edition, changes)
        kept_rounds = set()
        for index, entry in enumerate(rules["rounds"]):
            round_ = self.round(edition, entry["round"])
            kept_rounds.add(round_.id)
            self.stages(round_, entry["stages"], f"rounds[{index}]")
        for round_ in Round.objects.filter(edition=edition).exclude(id__in=kept_rounds):
            self.notes.append(_("round %(round)s is not in the file and was kept") % {"round": round_.key})
        opened = opened_stage_kinds(edition)
        kept_categories = set()
        for index, item in enumerate(rules["categories"]):
            category = self.category(edition, item)
            kept_categories.add(category.id)
            self.criteria(category, item["criteria"], f"categories[{index}]", opened)
        for category in Category.objects.filter(edition=edition).exclude(id__in=kept_categories):
            self.notes.append(_("category %(code)s is not in the file and was kept") % {"code": category.code})
        return edition, self.notes

    def round(self, edition, key):
        if key == "national":
            round_, created = Round.objects.get_or_create(edition=edition, level=RoundLevel.NATIONAL)
        else:
            round_, created = Round.objects.get_or_create(edition=edition, level=RoundLevel.PROVINCIAL,
                                                          province_id=key)
        if created:
            self.audit("round_create", round_, {"round": [None, round_.key]})
        return round_

    def stages(self, round_, stages, where):
        existing = {s.kind: s for s in Stage.objects.select_for_update(of=("self",)).filter(round=round_).order_by("position")}
        before = {kind: {key: _plain(getattr(s, key)) for key in STAGE_RULES} for kind, s in existing.items()}
        left_out = [s for kind, s in existing.items() if kind not in {item["kind"] for item in stages}]
        for item in stages:
            stage = existing.get(item["kind"])
            if stage is None:
                continue
            changed = _changes(before[stage.kind], {key: _plain(item[key]) for key in STAGE_RULES}, STAGE_RULES)
            refusal = stage_change_refusal(stage, list(changed))
            if refusal:
                self.errors.append(_("%(where)s: the %(kind)s stage of round %(round)s: %(refusal)s") % {
                    "where": where, "kind": stage.kind, "round": round_.key, "refusal": refusal})
        for stage in left_out:
            if stage.status != StageStatus.DRAFT:
                self.errors.append(f"{where}: " + _(
                    "the %(kind)s stage of round %(round)s is already %(status)s and cannot be left out")
                    % {"kind": stage.kind, "round": round_.key, "status": stage.status})
        if self.errors:
            return
        # Park positions first so that reordering never trips the unique (round, position) constraint.
        for offset, stage in enumerate(existing.values()):
            Stage.objects.filter(id=stage.id).update(position=1000 + offset)
        for item in stages:
            stage = existing.get(item["kind"])
            created = stage is None
            if created:
                stage = Stage(round=round_, kind=item["kind"])
            for key in STAGE_RULES:
                setattr(stage, key, item[key])
            stage.save()
            new = {key: _plain(getattr(stage, key)) for key in STAGE_RULES}
            if created:
                self.audit("stage_create", stage, _changes({}, new, STAGE_RULES))
            elif changes := _changes(before[stage.kind], new, STAGE_RULES):
                self.audit("stage_update", stage, changes)
        for offset, stage in enumerate(left_out):
            Stage.objects.filter(id=stage.id).update(position=100 + offset)
            if before[stage.kind]["position"] != 100 + offset:
                self.audit("stage_update", stage, {"position": [before[stage.kind]["position"], 100 + offset]})
            self.notes.append(_("stage %(kind)s of round %(round)s is not in the file and was kept")
                              % {"kind": stage.kind, "round": round_.key})

    def category(self, edition, item):
        fields = {key: item[key] for key in CATEGORY_FIELDS}
        category = Category.objects.select_for_update(of=("self",)).filter(edition=edition, code=item["code"]).first()
        if category is None:
            category = Category.objects.create(edition=edition, code=item["code"], **fields)
            self.audit("category_create", category, _changes({}, fields, CATEGORY_FIELDS))
            return category
        old = {key: getattr(category, key) for key in CATEGORY_FIELDS}
        if changes := _changes(old, fields, CATEGORY_FIELDS):
            for key, value in fields.items():
                setattr(category, key, value)
            category.save(update_fields=list(changes))
            self.audit("category_update", category, changes)
        return category

    def criteria(self, category, criteria, where, opened):
        existing = {c.code: c for c in Criterion.objects.select_for_update(of=("self",)).filter(category=category)
                    .select_related("metric", "denominator", "target_metric")}
        before = {code: _criterion_values(c) for code, c in existing.items()}
        in_file = {item["code"] for item in criteria}
        errors = len(self.errors)
        for index, item in enumerate(criteria):
            new = {key: _plain(item[key]) for key in (*CRITERION_SCORING, *CRITERION_TEXT)}
            refusal = _scoring_refusal(item["code"], before.get(item["code"]), new, opened)
            if refusal:
                self.errors.append(f"{where}.criteria[{index}]: {refusal}")
        for code, old in before.items():
            if code not in in_file and old["tie_break_rank"] is not None and opened.get(old["stage_kind"]):
                self.errors.append(f"{where}.criteria: " + _(
                    "criterion %(code)s breaks ties at a stage that has opened in round(s) %(rounds)s: it cannot "
                    "be left out") % {"code": code, "rounds": ", ".join(sorted(opened[old["stage_kind"]]))})
        if len(self.errors) > errors:
            return
        Criterion.objects.filter(category=category).update(tie_break_rank=None)
        for item in criteria:
            criterion = existing.get(item["code"]) or Criterion(category=category, code=item["code"])
            for key, value in item.items():
                setattr(criterion, key, value)
            criterion.save()
            new = _criterion_values(criterion)
            old = before.get(item["code"])
            if old is None:
                self.audit("criterion_create", criterion, _changes({}, new, (*CRITERION_SCORING, *CRITERION_TEXT)),
                           summary=f"{category.code} · {criterion.code}")
            elif changes := _changes(old, new, (*CRITERION_SCORING, *CRITERION_TEXT)):
                self.audit("criterion_update", criterion, changes, summary=f"{category.code} · {criterion.code}")
        for code, criterion in existing.items():
            if code in in_file:
                continue
            if before[code]["tie_break_rank"] is not None:
                self.audit("criterion_update", criterion, {"tie_break_rank": [before[code]["tie_break_rank"], None]},
                           summary=f"{category.code} · {criterion.code}")
            self.notes.append(_("criterion %(code)s of category %(category)s is not in the file and was kept; "
                                "its tie-break order was cleared") % {"code": code, "category": category.code})
