"""Checking frozen results: the chain of each edition, every digest against its content and against the
audit trail's record of its freezing (verify_results), and recognising the database's refusal to change
a frozen result or an audit row (migration 0015)."""
import json
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import AuditEvent, Region, ResultSnapshot
from .results import FREEZING_ACTIONS, content_digest

GUARD_MARK = "paritrana-guard:"


def is_guard_refusal(error):
    """Whether a database error is the refusal to change or delete a frozen result or an audit row."""
    return GUARD_MARK in str(error)


@dataclass
class ResultProblem:
    """A result the chain check does not accept; edition, category and round name it for people."""
    snapshot_id: int
    edition: object
    category: str
    round: str
    message: str


def _round_label(level, province_name):
    if level == "national":
        return _("national round")
    return _("provincial round %(province)s") % {"province": province_name or ""}


def _removed_round_label(key):
    """The round of a result that is gone, from the key its freezing audit row recorded."""
    if key is None:
        return "?"
    if key == "national":
        return _round_label("national", None)
    return _round_label("provincial", Region.objects.filter(code=key).values_list("name", flat=True).first() or key)


def _read_content(text):
    """The facts the check needs from one result's content (the content itself is not kept)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {"chained": "previous" in data, "previous": data.get("previous"), "supersedes": data.get("supersedes"),
            "interim": bool(data.get("interim", False))}


def results_verify():
    """Walk each edition's chain of results; the list of problems (empty when every result verifies).

    A result is *changed* when its content no longer hashes to its digest, or its digest is not the one
    the audit trail recorded when it was frozen; *removed* when a result names a previous digest that no
    stored result has, or a freezing audit row names one; *inserted* when its previous is not the result
    frozen just before it in the edition, when two results name the same previous, or when no freezing
    audit row records it. Results of the first content format (before the chain) are checked on their
    digest and correction link only."""
    meta = {row["id"]: row for row in ResultSnapshot.objects.order_by("id").values(
        "id", "digest", "previous_id", "supersedes_id", "interim", "published_at", "round__edition_id",
        "round__edition__year", "round__level", "round__province__name", "category__code")}
    facts = {}
    hashes = {}
    for snapshot_id, text in ResultSnapshot.objects.order_by("id").values_list("id", "content").iterator(chunk_size=20):
        hashes[snapshot_id] = content_digest(text)
        facts[snapshot_id] = _read_content(text)
    by_digest = defaultdict(list)
    for row in meta.values():
        by_digest[row["digest"]].append(row["id"])
    recorded = defaultdict(set)  # snapshot id (text) -> digests its freezing audit rows record
    frozen_as = {}  # digest -> snapshot id (text) the audit trail recorded it for
    freezes = list(AuditEvent.objects.filter(action__in=FREEZING_ACTIONS, object_type="awards.resultsnapshot")
                   .order_by("id").values("object_id", "changes"))
    for event in freezes:
        digest = (event["changes"].get("digest") or [None, None])[1]
        recorded[event["object_id"]].add(digest)
        frozen_as[digest] = event["object_id"]

    problems = []

    def report(snapshot_id, message, row=None, names=None):
        if row is not None:
            names = (row["round__edition__year"], row["category__code"],
                     _round_label(row["round__level"], row["round__province__name"]))
        edition, category, round_label = names or (None, "?", "?")
        problems.append(ResultProblem(snapshot_id, edition, category, round_label, message))

    chains = defaultdict(list)
    for row in meta.values():
        chains[row["round__edition_id"]].append(row)
    for rows in chains.values():
        prior = None
        named_by = {}
        for row in rows:
            sid, fact = row["id"], facts[row["id"]]
            if hashes[sid] != row["digest"]:
                report(sid, _("changed: its content hashes to %(actual)s, not to its digest %(stored)s")
                       % {"actual": hashes[sid], "stored": row["digest"]}, row)
            if fact is None:
                report(sid, _("changed: its content is not valid JSON"), row)
                prior = row
                continue
            if fact["chained"]:
                named = fact["previous"]
                expected = prior["digest"] if prior is not None else None
                if named is not None and named not in by_digest and frozen_as.get(named, "").isdigit() \
                        and int(frozen_as[named]) in meta:
                    report(sid, _("the result it follows, %(id)s, was changed after this one was frozen")
                           % {"id": frozen_as[named]}, row)
                elif named is not None and named not in by_digest:
                    report(sid, _("removed before it: the result it follows (digest %(digest)s) is no longer "
                                  "stored") % {"digest": named}, row)
                elif named != expected:
                    report(sid, _("out of order: it follows %(named)s, but the result frozen before it in the "
                                  "edition is %(expected)s") % {"named": named or "-", "expected": expected or "-"},
                           row)
                if named is not None and named in named_by:
                    report(sid, _("inserted: result %(other)s follows the same previous result")
                           % {"other": named_by[named]}, row)
                named_by.setdefault(named, sid)
                linked = meta.get(row["previous_id"])
                if (linked["digest"] if linked else None) != named:
                    report(sid, _("changed: its stored link to the previous result differs from its content"), row)
                if fact["interim"] != row["interim"]:
                    report(sid, _("changed: its stored interim flag differs from its content"), row)
            elif row["previous_id"] is not None:
                report(sid, _("changed: a result of the first format names no previous result"), row)
            superseded = meta.get(row["supersedes_id"])
            if fact["supersedes"] != (superseded["digest"] if superseded else None):
                report(sid, _("changed: its content names the superseded digest %(named)s, the superseded "
                              "result has %(expected)s")
                       % {"named": fact["supersedes"], "expected": superseded["digest"] if superseded else None}, row)
            if row["interim"] and row["published_at"] is not None:
                report(sid, _("changed: an interim result is marked published"), row)
            digests = recorded.get(str(sid))
            if not digests:
                report(sid, _("inserted: no freeze or correction in the audit trail records it"), row)
            elif row["digest"] not in digests:
                report(sid, _("changed: its digest is not the one recorded in the audit trail when it was frozen"),
                       row)
            prior = row
    for event in freezes:
        digest = (event["changes"].get("digest") or [None, None])[1]
        if digest and digest not in by_digest and not (event["object_id"].isdigit()
                                                       and int(event["object_id"]) in meta):
            changes = event["changes"]
            edition, category, key = ((changes.get(name) or [None, None])[1] for name in ("edition", "category", "round"))
            try:
                snapshot_id = int(event["object_id"])
            except ValueError:
                snapshot_id = None
            report(snapshot_id, _("removed: the audit trail records it frozen with digest %(digest)s, no stored "
                                  "result has that digest") % {"digest": digest},
                   names=(edition, category or "?", _removed_round_label(key)))
    return problems
