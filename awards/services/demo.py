"""The demo edition for Lampung (province 18), built through the same services as every other change.

The demo's committee member `panitia` does what a committee would do by hand — accounts, the edition's
rules, the metrics file, nominations and screening, stages, the panel, assignments — and the demo's
reviewers submit their scores through their own service; so the demo's audit trail reads like a real
edition's. The data itself (figures, nominees, criteria) is in demo_data.py.
"""
import csv
import tempfile
from base64 import b32decode
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from ..models import (
    Assignment,
    Category,
    Criterion,
    Edition,
    Eligibility,
    MetricDefinition,
    Nomination,
    Nominee,
    Panel,
    Profile,
    Region,
    Role,
    StageKind,
    StageStatus,
)
from .accounts import account_relations_set, account_save, profile_set, require_account_access
from .assignments import assignment_add
from .audit import audit_record
from .demo_data import (
    CATEGORIES,
    CRITERIA,
    DEMO_BUSINESSES,
    DEMO_JUDGED,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_TOTP_USERS,
    DEMO_USERS,
    DEMO_VILLAGES,
    JUDGED_INTERVIEW,
    NOMINATED,
    PROVINCE,
    TARGET_PCT,
    YEAR,
    _j,
    regency_metrics,
)
from .editions import round_ensure
from .nominations import nomination_add, nominations_screen
from .records import record_relations_set, record_save
from .regions import regions_load
from .reviews import assignment_save_scores
from .second_factor import second_factor_demo_ensure
from .stages import stage_close, stage_open, stage_update_options
from .standings import standings_refresh

__all__ = ["DEMO_PASSWORD", "DEMO_TOTP_SECRET", "DEMO_TOTP_USERS", "DEMO_USERS", "PROVINCE", "YEAR", "demo_seed",
           "demo_totp_key", "regency_metrics"]

COMMITTEE_GROUP = "Panitia Pusat"


def demo_totp_key():
    """The published demo secret as django-otp stores a key (hex)."""
    return b32decode(DEMO_TOTP_SECRET).hex()


def _committee_member():
    """The demo's national committee member: the first account, made the way `createsuperuser` makes
    one — by the operator on the server, before anyone can act — and recorded in the audit trail
    without an actor. Every other change of the demo is this member's, through the services."""
    User = get_user_model()
    username, first, last, role, _province, staff = DEMO_USERS[0]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, first_name=first, last_name=last,
                                        is_staff=staff)
        audit_record(actor=None, action="account_create", obj=user, summary=username,
                     changes={"username": [None, username], "is_staff": [None, str(staff)]})
    if not Profile.objects.filter(user=user, role=role).exists():
        Profile.objects.update_or_create(user=user, defaults={"role": role, "province": None})
        audit_record(actor=None, action="profile_set", obj=user.profile, summary=username,
                     changes={"role": [None, role]})
    return user


DEMO_MAIL_DOMAIN = "demo.paritrana.example"


def _users(committee):
    """The demo accounts, their roles and provinces; the committee's admin permissions through its group; the
    committee accounts' authenticator app with the published secret."""
    User = get_user_model()
    group = Group.objects.filter(name=COMMITTEE_GROUP).first()
    if group is None:
        group = Group(name=COMMITTEE_GROUP)
        record_save(instance=group, acting_user=committee)
    wanted = (Permission.objects.filter(content_type__app_label="awards")
              | Permission.objects.filter(content_type__app_label="auth", codename__in=["view_user", "view_group"]))
    if set(group.permissions.values_list("pk", flat=True)) != set(wanted.values_list("pk", flat=True)):
        record_relations_set(instance=group, field="permissions", values=list(wanted), acting_user=committee,
                             check=require_account_access)
    provinces = {PROVINCE: Region.objects.get(code=PROVINCE)}
    users = {}
    for username, first, last, role, province, staff in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.first_name, user.last_name, user.is_staff = first, last, staff
        user.email = user.email or f"{username}@{DEMO_MAIL_DOMAIN}"  # the demo's mail lands in the outbox
        account_save(user=user, acting_user=committee)
        profile_set(user=user, role=role, province=provinces.get(province), acting_user=committee)
        if role == Role.COMMITTEE and not user.groups.filter(pk=group.pk).exists():
            account_relations_set(user=user, field="groups", values=[*user.groups.all(), group],
                                  acting_user=committee)
        if username in DEMO_TOTP_USERS:
            second_factor_demo_ensure(user=user, key=demo_totp_key(), acting_user=committee)
        users[username] = user
    return users


def _save(model, lookup, fields, committee):
    """The record named by `lookup` with `fields`, created or changed through the configuration service."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    for name, value in fields.items():
        setattr(instance, name, value)
    record_save(instance=instance, acting_user=committee)
    return instance


def _rules(committee):
    """The edition, its categories and their criteria."""
    edition = _save(Edition, {"year": YEAR}, {"name": "Paritrana Award 2025 (demo)"}, committee)
    metrics = {d.code: d for d in MetricDefinition.objects.all()}
    categories = {}
    for position, (code, name_id, name_en, kind, size, national_only) in enumerate(CATEGORIES):
        category = _save(Category, {"edition": edition, "code": code},
                         {"name_id": name_id, "name_en": name_en, "nominee_kind": kind, "size": size,
                          "national_only": national_only, "position": position}, committee)
        specs = CRITERIA[code]() + [
            _j(c, name_id, name_en, weight, lo, hi, gid, gen, stage_kind="interview")
            for c, name_id, name_en, weight, lo, hi, gid, gen in JUDGED_INTERVIEW
        ]
        for criterion_position, spec in enumerate(specs):
            spec = dict(spec)
            spec.setdefault("stage_kind", "assessment")
            for field in ("metric", "denominator", "target_metric"):
                if field in spec:
                    spec[field] = metrics[spec[field]]
            if "bands" in spec:
                spec["bands"] = [[str(t), str(s)] for t, s in spec["bands"]]
            criterion_code = spec.pop("code")
            _save(Criterion, {"category": category, "code": criterion_code},
                  {**spec, "position": criterion_position}, committee)
        categories[code] = category
    return edition, categories


def metrics_rows():
    """The demo's nominees and their 2025 figures as rows of the metrics file (docs/metrics-format.md)."""
    metrics = regency_metrics()
    named = list(Region.objects.filter(code__in=[PROVINCE, *metrics, *(v[0] for v in DEMO_VILLAGES)])
                 .values_list("code", "name", "type"))
    regions = {code: name for code, name, _type in named}
    urban = {code for code, _name, kind in named if kind == Region.Type.URBAN_VILLAGE}
    rows = []

    def row(code, kind, name, region, values, size="", sector=""):
        rows.append({"nominee_code": code, "nominee_kind": kind, "nominee_name": name, "region_code": region,
                     "size": size, "sector": sector, **{k: str(v) for k, v in values.items()}})

    for code, values in metrics.items():
        row(code, "regency_government", f"Pemerintah {regions[code]}", code, values)
    totals = {m: sum(v[m] for v in metrics.values()) for m in next(iter(metrics.values()))
              if m not in ("coverage_target_pct", "has_regulation")}
    totals.update(coverage_target_pct=TARGET_PCT, has_regulation=1)
    row(PROVINCE, "province_government", f"Pemerintah Provinsi {regions[PROVINCE]}", PROVINCE, totals)
    for (npp, name, kind, size, sector, regency, employees, registered, programs, wages, months, daily,
         daily_reg, vendors, vendors_reg, csr) in DEMO_BUSINESSES:
        row(npp, kind, name, regency, {
            "employees_total": employees, "employees_registered": registered, "programs_enrolled": programs,
            "wages_reported_pct": wages, "contributions_on_time_months": months, "daily_workers_total": daily,
            "daily_workers_registered": daily_reg, "vendors_total": vendors, "vendors_registered": vendors_reg,
            "csr_vulnerable_protected": csr}, size=size, sector=sector)
    for code, officials, officials_p, cadres, cadres_p, vulnerable, vulnerable_p, regulation in DEMO_VILLAGES:
        prefix = "Kelurahan" if code in urban else "Desa"
        row(code, "village", f"{prefix} {regions[code]} (data contoh)", code, {
            "village_officials_total": officials, "village_officials_protected": officials_p,
            "village_cadres_total": cadres, "village_cadres_protected": cadres_p,
            "vulnerable_workers_total": vulnerable, "vulnerable_workers_protected": vulnerable_p,
            "has_regulation": regulation})
    return rows


def _nominees(committee):
    """Nominees and figures loaded the way the committee loads BPJS's file: through the metrics import."""
    from ..imports.metrics_import import metrics_import

    rows = metrics_rows()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        handle.flush()
        result = metrics_import(path=handle.name, year=YEAR, acting_user=committee, number_format="plain")
    if not result.ok:
        raise RuntimeError(f"the demo's metrics file was refused: {result.problems[:5]}")
    return Nominee.objects.in_bulk([row["nominee_code"] for row in rows], field_name="code")


def _panel(provincial, users, committee):
    panel = _save(Panel, {"round": provincial, "name": "Tim Sembilan Provinsi Lampung"}, {}, committee)
    members = [users["penilai1"], users["penilai2"], users["penilai3"]]
    if set(panel.members.values_list("pk", flat=True)) != {u.pk for u in members}:
        record_relations_set(instance=panel, field="members", values=members, acting_user=committee)
    return panel


def _nominate(round_, wanted, categories, nominees, committee):
    """Nominate and screen eligible, as the committee would by hand."""
    existing = set(Nomination.objects.filter(round=round_).values_list("category__code", "nominee__code"))
    for category_code, codes in wanted.items():
        for code in codes:
            if (category_code, code) not in existing:
                nomination_add(round_=round_, category=categories[category_code], nominee=nominees[code],
                               acting_user=committee)
    pending = list(Nomination.objects.filter(round=round_, eligibility=Eligibility.PENDING))
    if pending:
        nominations_screen(nominations=pending, eligibility=Eligibility.ELIGIBLE, reason="", acting_user=committee)


def _run_provincial_round(provincial, categories, nominees, committee):
    """Screening done (nominations screened, stage closed) and the assessment stage open for 30 days."""
    stages = {stage.kind: stage for stage in provincial.stages.all()}
    screening, assessment = stages[StageKind.SCREENING], stages[StageKind.ASSESSMENT]
    if screening.status == StageStatus.DRAFT:
        screening = stage_open(stage=screening, acting_user=committee)
    if screening.status == StageStatus.OPEN:
        _nominate(provincial, NOMINATED, categories, nominees, committee)
        stage_close(stage=screening, acting_user=committee)
    if assessment.status == StageStatus.DRAFT:
        stage_update_options(stage=assessment, changes={"deadline": timezone.now() + timedelta(days=30)},
                             acting_user=committee)
        assessment = stage_open(stage=assessment, acting_user=committee)
    return assessment


def _assignments(provincial, assessment, users, categories):
    """The Tim Sembilan on every regency/city, and penilai2's and penilai3's scores submitted through the
    reviewer's own service; penilai1's work is left for the person trying the demo."""
    committee = users["panitia"]
    judged = {c.code: c for c in categories["pemkab"].criteria.filter(kind="judged", stage_kind="assessment")}
    nominations = Nomination.objects.filter(round=provincial, category=categories["pemkab"]).select_related(
        "nominee", "round", "category")
    assigned = set(Assignment.objects.filter(stage=assessment).values_list("nomination_id", "reviewer__username"))
    for nomination in nominations:
        for username in ("penilai1", "penilai2", "penilai3"):
            if (nomination.id, username) in assigned:
                continue
            assignment = assignment_add(nomination=nomination, stage=assessment, reviewer=users[username],
                                        acting_user=committee)
            scores = DEMO_JUDGED.get(username, {}).get(nomination.nominee.code)
            if scores:
                values = {judged[code].id: Decimal(value)
                          for code, value in zip(("komitmen", "inovasi"), scores, strict=True)}
                assignment_save_scores(assignment=assignment, values=values, notes={}, submit=True,
                                       acting_user=users[username])


@transaction.atomic
def demo_seed():
    """Create or refresh the demo; running it again changes nothing, duplicates nothing and audits nothing."""
    if not Region.objects.filter(code=PROVINCE).exists() or not Region.objects.filter(province_id=PROVINCE, level=4).exists():
        regions_load(province_code=PROVINCE)
    committee = _committee_member()
    users = _users(committee)
    edition, categories = _rules(committee)
    provincial = round_ensure(edition=edition, province=Region.objects.get(code=PROVINCE), acting_user=committee)
    national = round_ensure(edition=edition, acting_user=committee)
    _panel(provincial, users, committee)
    nominees = _nominees(committee)
    assessment = _run_provincial_round(provincial, categories, nominees, committee)
    _nominate(national, {"pemprov": [PROVINCE]}, categories, nominees, committee)
    _assignments(provincial, assessment, users, categories)
    # The demo's standings computed now, as a worker would right after: its pages show them at once.
    standings_refresh()
    return edition
