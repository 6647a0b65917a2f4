"""An edition's rules as a JSON file (docs/edition-format.md): export, and validate before loading through
services/editions.py, all-or-nothing."""
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..models import (
    Aggregation,
    Category,
    Criterion,
    CriterionKind,
    MetricDefinition,
    Region,
    Round,
    RoundLevel,
    Rule,
    Stage,
    StageKind,
)
from ..models.editions import STAGE_ORDER
from ..services.editions import EditionRulesError, edition_rules_load
from .choices import nominee_words, round_key, stage_words

FORMAT = "paritrana-edition"
VERSION = 1
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class EditionFileError(Exception):
    """The file cannot be loaded; `errors` lists every problem as "where: what to fix"."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


def number(value):
    """A Decimal as the file writes it: no exponent, no trailing zeros ("30", "12.5")."""
    text = format(value.normalize(), "f")
    return text


# ---------------------------------------------------------------- export

def edition_as_data(edition):
    """The edition's rules as a JSON-able dict (the inverse of `edition_load`)."""
    rounds = list(Round.objects.filter(edition=edition).select_related("province").order_by("-level", "province_id"))
    stages_by_round = {}
    for stage in Stage.objects.filter(round__edition=edition).order_by("position"):
        stages_by_round.setdefault(stage.round_id, []).append(_stage_data(stage))
    default_stages = stages_by_round.get(rounds[0].id, []) if rounds else []
    round_entries = []
    for round_ in rounds:
        stages = stages_by_round.get(round_.id, [])
        key = "national" if round_.level == RoundLevel.NATIONAL else round_.province_id
        round_entries.append(key if stages == default_stages else {"round": key, "stages": stages})
    criteria_by_category = {}
    for criterion in Criterion.objects.filter(category__edition=edition).select_related(
            "metric", "denominator", "target_metric").order_by("stage_kind", "position", "code"):
        criteria_by_category.setdefault(criterion.category_id, []).append(_criterion_data(criterion))
    return {
        "format": FORMAT,
        "version": VERSION,
        "year": edition.year,
        "name": edition.name,
        "stages": default_stages,
        "rounds": round_entries,
        "categories": [
            {
                "code": c.code, "name_id": c.name_id, "name_en": c.name_en, "nominee_kind": c.nominee_kind,
                "size": c.size, "sector": c.sector, "national_only": c.national_only,
                "awards_count": c.awards_count, "advance_count": c.advance_count, "position": c.position,
                "criteria": criteria_by_category.get(c.id, []),
            }
            for c in Category.objects.filter(edition=edition).order_by("position", "code")
        ],
    }


def _stage_data(stage):
    return {
        "kind": stage.kind, "position": stage.position, "weight": number(stage.weight),
        "calibrate": stage.calibrate, "aggregation": stage.aggregation,
        "disagreement_threshold": number(stage.disagreement_threshold),
        "hide_other_scores": stage.hide_other_scores, "hide_reviewer_names": stage.hide_reviewer_names,
        "reminder_days": stage.reminder_days,
    }


def _criterion_data(c):
    data = {
        "code": c.code, "stage": c.stage_kind, "kind": c.kind, "name_id": c.name_id, "name_en": c.name_en,
        "guidance_id": c.guidance_id, "guidance_en": c.guidance_en, "weight": number(c.weight),
        "position": c.position, "tie_break_rank": c.tie_break_rank,
    }
    if c.kind == CriterionKind.JUDGED:
        data.update(scale_min=number(c.scale_min), scale_max=number(c.scale_max))
        return data
    data.update(rule=c.rule, metric=c.metric.code, denominator=c.denominator.code if c.denominator_id else None)
    if c.rule == Rule.TARGET:
        if c.target_metric_id:
            data["target_metric"] = c.target_metric.code
        else:
            data["target_value"] = number(c.target_value)
    elif c.rule == Rule.LINEAR:
        data.update(low=number(c.low), high=number(c.high))
    elif c.rule == Rule.BANDS:
        data["bands"] = [[number(Decimal(str(t))), number(Decimal(str(s)))] for t, s in c.bands]
    return data


# ---------------------------------------------------------------- validation

class _Checker:
    """Reads fields of a JSON object, recording "path: message" for every problem."""

    def __init__(self):
        self.errors = []

    def error(self, path, message):
        self.errors.append(f"{path}: {message}")

    def get(self, obj, key, path, kind, *, required=True, default=None):
        if not isinstance(obj, dict):
            return default
        if key not in obj or obj[key] is None:
            if required:
                self.error(f"{path}.{key}", _("is required"))
            return default
        value = obj[key]
        if kind is bool and not isinstance(value, bool):
            self.error(f"{path}.{key}", _("must be true or false (got %(value)r)") % {"value": value})
            return default
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.error(f"{path}.{key}", _("must be a whole number (got %(value)r)") % {"value": value})
            return default
        if kind is str and not isinstance(value, str):
            self.error(f"{path}.{key}", _("must be text (got %(value)r)") % {"value": value})
            return default
        if kind is list and not isinstance(value, list):
            self.error(f"{path}.{key}", _("must be a list"))
            return default
        return value

    def decimal(self, obj, key, path, *, required=True, default=None, minimum=None, maximum=None,
                above=None, places=4, digits=20):
        raw = self.get(obj, key, path, object, required=required, default=None)
        if raw is None:
            return default
        where = f"{path}.{key}"
        value = parse_decimal(raw)
        if value is None:
            self.error(where, _("must be a number such as 12.5 (got %(value)r)") % {"value": raw})
            return default
        if -value.as_tuple().exponent > places:
            self.error(where, _("may have at most %(places)d decimals (got %(value)s)") % {"places": places, "value": raw})
        elif len(value.quantize(Decimal(1).scaleb(-places)).as_tuple().digits) > digits:
            self.error(where, _("is too large (got %(value)s)") % {"value": raw})
        if minimum is not None and value < minimum:
            self.error(where, _("must be at least %(minimum)s (got %(value)s)") % {"minimum": minimum, "value": raw})
        if maximum is not None and value > maximum:
            self.error(where, _("must be at most %(maximum)s (got %(value)s)") % {"maximum": maximum, "value": raw})
        if above is not None and value <= above:
            self.error(where, _("must be greater than %(above)s (got %(value)s)") % {"above": above, "value": raw})
        return value

    def choice(self, obj, key, path, choices, *, required=True, default=None):
        value = self.get(obj, key, path, str, required=required, default=default)
        if value is not None and value not in choices:
            self.error(f"{path}.{key}", _("must be one of %(choices)s (got %(value)r)")
                       % {"choices": ", ".join(c for c in choices if c), "value": value})
            return default
        return value

    def words(self, obj, key, path, reader, *, required=True, default=None):
        """A choice written as its code or as the name the pages show (imports/choices.py)."""
        value = self.get(obj, key, path, str, required=required, default=default)
        if value is None or value == default:
            return value
        code = reader.code(value)
        if code is None:
            self.error(f"{path}.{key}", reader.unknown(value))
            return default
        return code

    def slug(self, obj, key, path):
        value = self.get(obj, key, path, str)
        if value is not None and (not SLUG.match(value) or len(value) > 64):
            self.error(f"{path}.{key}", _("must be letters, digits, - or _ (at most 64) (got %(value)r)")
                       % {"value": value})
            return None
        return value


def parse_decimal(raw):
    """A number from a file cell or JSON value (text or number), or None when it is not one."""
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def validate(data):
    """The edition file as clean Python values; raises EditionFileError listing every problem."""
    check = _Checker()
    if not isinstance(data, dict):
        raise EditionFileError([_("the file must hold one JSON object (see docs/edition-format.md)")])
    if data.get("format") != FORMAT:
        check.error("format", _("must be %(format)r") % {"format": FORMAT})
    if data.get("version") != VERSION:
        check.error("version", _("must be %(version)d") % {"version": VERSION})
    clean = {
        "year": check.get(data, "year", "$", int),
        "name": check.get(data, "name", "$", str),
    }
    if clean["year"] is not None and not 2017 <= clean["year"] <= 2100:
        check.error("$.year", _("must be between 2017 and 2100 (got %(value)s)") % {"value": clean["year"]})
    default_stages = _validate_stages(check, data.get("stages", []), "$.stages")
    clean["rounds"] = _validate_rounds(check, data, default_stages)
    clean["categories"] = _validate_categories(check, check.get(data, "categories", "$", list, default=[]))
    if check.errors:
        raise EditionFileError([e.replace("$.", "", 1) if e.startswith("$.") else e for e in check.errors])
    return clean


def _validate_stages(check, stages, path):
    if not isinstance(stages, list):
        check.error(path, _("must be a list"))
        return []
    clean, seen = [], set()
    for i, item in enumerate(stages):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            check.error(where, _("must be an object"))
            continue
        kind = check.words(item, "kind", where, stage_words())
        if kind in seen:
            check.error(f"{where}.kind", _("%(kind)s is listed twice") % {"kind": kind})
        seen.add(kind)
        weight = check.decimal(item, "weight", where, minimum=Decimal(0), maximum=Decimal("9999.9999"),
                               default=Decimal(0), required=False)
        if kind == StageKind.SCREENING and weight:
            check.error(f"{where}.weight", _("the screening stage has weight 0"))
        clean.append({
            "kind": kind,
            "position": check.get(item, "position", where, int, required=False, default=STAGE_ORDER.get(kind, i + 1)),
            "weight": weight,
            "calibrate": check.get(item, "calibrate", where, bool, required=False, default=False),
            "aggregation": check.choice(item, "aggregation", where, Aggregation.values, required=False,
                                        default=Aggregation.MEAN),
            "disagreement_threshold": check.decimal(item, "disagreement_threshold", where, required=False,
                                                    default=Decimal(30), minimum=Decimal(0), maximum=Decimal(100)),
            "hide_other_scores": check.get(item, "hide_other_scores", where, bool, required=False, default=True),
            "hide_reviewer_names": check.get(item, "hide_reviewer_names", where, bool, required=False, default=False),
            "reminder_days": check.get(item, "reminder_days", where, int, required=False, default=3),
        })
    positions = [s["position"] for s in clean]
    if len(set(positions)) != len(positions):
        check.error(path, _("two stages have the same position"))
    order = [STAGE_ORDER[s["kind"]] for s in sorted(clean, key=lambda s: s["position"]) if s["kind"]]
    if order != sorted(order):
        check.error(path, _("stages must run in the order screening, assessment, interview"))
    return clean


def _validate_rounds(check, data, default_stages):
    entries = check.get(data, "rounds", "$", list, default=[])
    provinces = set(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True))
    clean, seen = [], set()
    for i, entry in enumerate(entries):
        where = f"$.rounds[{i}]"
        stages = default_stages
        if isinstance(entry, dict):
            key = check.get(entry, "round", where, str)
            if "stages" in entry:
                stages = _validate_stages(check, entry["stages"], f"{where}.stages")
        elif isinstance(entry, str):
            key = entry
        else:
            check.error(where, _('must be "national", a province code, or an object with "round" and "stages"'))
            continue
        if key is None:
            continue
        key = round_key(key)
        if key != "national" and key not in provinces:
            check.error(where, _('%(key)r is neither "national" nor a known province code') % {"key": key})
        if key in seen:
            check.error(where, _("round %(key)s is listed twice") % {"key": key})
        seen.add(key)
        if not stages:
            check.error(where, _("has no stages: give top-level \"stages\" or this round's own"))
        clean.append({"round": key, "stages": stages})
    return clean


def _validate_categories(check, categories):
    metrics = {m.code: m for m in MetricDefinition.objects.all()}
    kinds, sizes, sectors = nominee_words()
    clean, codes = [], set()
    for i, item in enumerate(categories):
        where = f"$.categories[{i}]"
        if not isinstance(item, dict):
            check.error(where, _("must be an object"))
            continue
        code = check.slug(item, "code", where)
        if code in codes:
            check.error(f"{where}.code", _("%(code)s is used by another category") % {"code": code})
        codes.add(code)
        kind = check.words(item, "nominee_kind", where, kinds)
        category = {
            "code": code, "nominee_kind": kind,
            "name_id": check.get(item, "name_id", where, str),
            "name_en": check.get(item, "name_en", where, str),
            "size": check.words(item, "size", where, sizes, required=False, default=""),
            "sector": check.words(item, "sector", where, sectors, required=False, default=""),
            "national_only": check.get(item, "national_only", where, bool, required=False, default=False),
            "awards_count": check.get(item, "awards_count", where, int, required=False, default=3),
            "advance_count": check.get(item, "advance_count", where, int, required=False, default=1),
            "position": check.get(item, "position", where, int, required=False, default=i),
        }
        if category["awards_count"] is not None and category["awards_count"] < 1:
            check.error(f"{where}.awards_count", _("must be at least 1"))
        if category["advance_count"] is not None and category["advance_count"] < 0:
            check.error(f"{where}.advance_count", _("must be 0 or more"))
        category["criteria"] = _validate_criteria(check, item.get("criteria", []), where, kind, metrics)
        clean.append(category)
    return clean


def _validate_criteria(check, criteria, path, nominee_kind, metrics):
    path = f"{path}.criteria"
    stages = stage_words()
    if not isinstance(criteria, list):
        check.error(path, _("must be a list"))
        return []
    clean, codes, ranks = [], set(), set()

    def metric(item, key, where, required):
        code = check.get(item, key, where, str, required=required)
        if code is None:
            return None
        found = metrics.get(code)
        if found is None:
            check.error(f"{where}.{key}", _("unknown metric %(code)r") % {"code": code})
        elif nominee_kind and nominee_kind not in found.kinds:
            check.error(f"{where}.{key}", _("metric %(code)s is not reported by %(kind)s nominees")
                        % {"code": code, "kind": nominee_kind})
        return found

    for i, item in enumerate(criteria):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            check.error(where, _("must be an object"))
            continue
        code = check.slug(item, "code", where)
        if code in codes:
            check.error(f"{where}.code", _("%(code)s is used by another criterion of this category") % {"code": code})
        codes.add(code)
        rank = check.get(item, "tie_break_rank", where, int, required=False)
        if rank is not None and (rank < 1 or rank in ranks):
            check.error(f"{where}.tie_break_rank", _("must be 1 or more and differ from the other criteria's"))
        ranks.add(rank)
        kind = check.choice(item, "kind", where, CriterionKind.values)
        if stages.code(str(item.get("stage", ""))) == StageKind.SCREENING:
            check.error(f"{where}.stage", _("criteria are scored at the assessment or the interview, not the screening"))
        criterion = {
            "code": code, "kind": kind, "tie_break_rank": rank,
            "stage_kind": check.words(item, "stage", where, stages),
            "name_id": check.get(item, "name_id", where, str),
            "name_en": check.get(item, "name_en", where, str),
            "guidance_id": check.get(item, "guidance_id", where, str, required=False, default=""),
            "guidance_en": check.get(item, "guidance_en", where, str, required=False, default=""),
            "weight": check.decimal(item, "weight", where, above=Decimal(0), maximum=Decimal("9999.9999")),
            "position": check.get(item, "position", where, int, required=False, default=i),
            "rule": "", "metric": None, "denominator": None, "target_value": None, "target_metric": None,
            "low": None, "high": None, "bands": None, "scale_min": Decimal(0), "scale_max": Decimal(100),
        }
        if kind == CriterionKind.JUDGED:
            for key in ("rule", "metric", "denominator", "target_value", "target_metric", "low", "high", "bands"):
                if item.get(key) not in (None, ""):
                    check.error(f"{where}.{key}", _("only metric criteria have %(key)s") % {"key": key})
            criterion["scale_min"] = check.decimal(item, "scale_min", where, required=False, default=Decimal(0),
                                                   digits=9)
            criterion["scale_max"] = check.decimal(item, "scale_max", where, required=False, default=Decimal(100),
                                                   digits=9)
            if None not in (criterion["scale_min"], criterion["scale_max"]) and \
                    criterion["scale_min"] >= criterion["scale_max"]:
                check.error(f"{where}.scale_max", _("must be greater than scale_min"))
        elif kind == CriterionKind.METRIC:
            rule = criterion["rule"] = check.choice(item, "rule", where, Rule.values)
            criterion["metric"] = metric(item, "metric", where, True)
            criterion["denominator"] = metric(item, "denominator", where, False)
            if rule == Rule.TARGET:
                criterion["target_metric"] = metric(item, "target_metric", where, False)
                criterion["target_value"] = check.decimal(item, "target_value", where, required=False,
                                                          above=Decimal(0))
                if (criterion["target_value"] is None) == (item.get("target_metric") is None):
                    check.error(where, _("a target criterion needs exactly one of target_value and target_metric"))
            elif rule == Rule.LINEAR:
                low = criterion["low"] = check.decimal(item, "low", where)
                high = criterion["high"] = check.decimal(item, "high", where)
                if low is not None and high is not None and low >= high:
                    check.error(f"{where}.high", _("must be greater than low"))
            elif rule == Rule.BANDS:
                criterion["bands"] = _validate_bands(check, item.get("bands"), f"{where}.bands")
        clean.append(criterion)
    return clean


def _validate_bands(check, bands, where):
    if not isinstance(bands, list) or not bands:
        check.error(where, _("must be a list of [threshold, score] pairs, such as [[50, 60], [80, 100]]"))
        return None
    clean = []
    for j, pair in enumerate(bands):
        if not isinstance(pair, list) or len(pair) != 2:
            check.error(f"{where}[{j}]", _("must be a pair [threshold, score]"))
            continue
        threshold, score = parse_decimal(pair[0]), parse_decimal(pair[1])
        if threshold is None or score is None:
            check.error(f"{where}[{j}]", _("threshold and score must be numbers (got %(pair)r)") % {"pair": pair})
            continue
        if not 0 <= score <= 100:
            check.error(f"{where}[{j}]", _("the score must be between 0 and 100 (got %(score)s)") % {"score": pair[1]})
        clean.append([number(threshold), number(score)])
    thresholds = [t for t, _s in clean]
    if len(set(thresholds)) != len(thresholds):
        check.error(where, _("two bands have the same threshold"))
    return sorted(clean, key=lambda pair: Decimal(pair[0]))


# ---------------------------------------------------------------- load

def edition_load(*, data, update=False, acting_user):
    """Check the file, then create (or with update=True, update) the edition it describes through
    `services.editions.edition_rules_load`, as `acting_user` (the national committee). Returns (edition,
    notes); raises EditionFileError listing every problem, and then nothing is written.
    """
    clean = validate(data)
    try:
        return edition_rules_load(rules=clean, update=update, acting_user=acting_user)
    except EditionRulesError as error:
        raise EditionFileError(error.errors) from error
