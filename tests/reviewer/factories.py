"""Builders for reviewer-portal tests, on top of the scoring tests' factories (one place for the basics)."""
from datetime import timedelta

from django.utils import timezone

from awards.models import Assignment, Profile, Role
from tests.scoring import factories as f


def reviewer(username):
    user = f.reviewer(username)
    Profile.objects.create(user=user, role=Role.REVIEWER)
    return user


def scoring_setup(*, judged=2, status="open", hide_other_scores=True, hide_reviewer_names=False,
                  kind="regency_government", username="rina", year=2025):
    """One category with a metric criterion and `judged` judged criteria (scales alternating 0-100 and 1-10),
    two nominations with metrics, and an assignment of the first one to a new reviewer."""
    edition = f.edition(year)
    round_ = f.provincial_round(edition)
    category = f.category(edition, kind=kind)
    stage = f.stage(round_, "assessment", status=status, hide_other_scores=hide_other_scores,
                    hide_reviewer_names=hide_reviewer_names, deadline=timezone.now() + timedelta(days=7))
    if kind == "regency_government":
        f.metric_criterion(category, "cakupan", "target", "workers_protected", denominator="workers_total",
                           target_metric="coverage_target_pct", weight="2")
    else:
        f.metric_criterion(category, "terdaftar", "linear", "employees_registered", denominator="employees_total",
                           low=0, high=100)
    criteria = [
        f.judged_criterion(category, f"nilai-{i}", scale_min=1 if i % 2 else 0, scale_max=10 if i % 2 else 100,
                           guidance_en=f"Guidance {i}", guidance_id=f"Panduan {i}")
        for i in range(judged)
    ]
    first, second = f.nominee(kind=kind, name="Kota Contoh"), f.nominee(kind=kind, name="Kabupaten Lain")
    if kind == "regency_government":
        f.metrics(first, year, workers_total=1000, workers_protected=250, coverage_target_pct=30, has_regulation=1)
        f.metrics(second, year, workers_total=2000, workers_protected=1000)
    else:
        f.metrics(first, year, employees_total=200, employees_registered=150, programs_enrolled=4,
                  contributions_on_time_months=11, wages_reported_pct=95)
        f.metrics(second, year, employees_total=100, employees_registered=100)
    nomination = f.nomination(round_, category, first)
    other_nomination = f.nomination(round_, category, second)
    user = reviewer(username)
    assignment = Assignment.objects.create(nomination=nomination, stage=stage, reviewer=user)
    return {"stage": stage, "category": category, "criteria": criteria, "nomination": nomination,
            "other_nomination": other_nomination, "reviewer": user, "assignment": assignment, "round": round_}
