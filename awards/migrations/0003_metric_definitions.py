"""The initial metric definitions of DOMAIN.md, as rows: the committee may add more without code."""
from django.db import migrations

GOV = ["province_government", "regency_government", "village"]
EMP = ["business", "umkm"]

# code, Indonesian label, English label, unit, kinds, min, max, not_above
DEFINITIONS = [
    ("workers_total", "Jumlah pekerja", "Workers", "count", GOV, 0, None, None),
    ("workers_protected", "Pekerja terlindungi", "Workers protected", "count", GOV, 0, None, "workers_total"),
    ("wage_workers_protected", "Pekerja penerima upah (PU) terlindungi", "Wage workers protected (PU)",
     "count", GOV, 0, None, "workers_total"),
    ("nonwage_workers_protected", "Pekerja bukan penerima upah (BPU) terlindungi",
     "Non-wage workers protected (BPU)", "count", GOV, 0, None, "workers_total"),
    ("construction_workers_protected", "Pekerja jasa konstruksi terlindungi",
     "Construction workers protected", "count", GOV, 0, None, "workers_total"),
    ("employers_registered", "Pemberi kerja terdaftar", "Employers registered", "count", GOV, 0, None, None),
    ("non_asn_total", "Pegawai non-ASN", "Non-civil-servant staff", "count", GOV, 0, None, None),
    ("non_asn_protected", "Pegawai non-ASN terlindungi", "Non-civil-servant staff protected", "count", GOV,
     0, None, "non_asn_total"),
    ("rt_rw_total", "Ketua RT/RW", "RT/RW heads", "count", GOV, 0, None, None),
    ("rt_rw_protected", "Ketua RT/RW terlindungi", "RT/RW heads protected", "count", GOV, 0, None,
     "rt_rw_total"),
    ("village_officials_total", "Perangkat desa", "Village officials", "count", GOV, 0, None, None),
    ("village_officials_protected", "Perangkat desa terlindungi", "Village officials protected", "count",
     GOV, 0, None, "village_officials_total"),
    ("village_cadres_total", "Kader kemasyarakatan desa", "Village cadres", "count", GOV, 0, None, None),
    ("village_cadres_protected", "Kader kemasyarakatan desa terlindungi", "Village cadres protected",
     "count", GOV, 0, None, "village_cadres_total"),
    ("vulnerable_workers_total", "Pekerja miskin dan rentan", "Poor and vulnerable workers", "count", GOV,
     0, None, None),
    ("vulnerable_workers_protected", "Pekerja miskin dan rentan terlindungi",
     "Poor and vulnerable workers protected", "count", GOV, 0, None, "vulnerable_workers_total"),
    ("coverage_target_pct", "Target cakupan (%)", "Coverage target (%)", "percent", GOV, 0, 100, None),
    ("has_regulation", "Memiliki regulasi perlindungan pekerja (Perda/Pergub/Perbup/Perdes)",
     "Has a worker-protection regulation (Perda/Pergub/Perbup/Perdes)", "yes_no", GOV, 0, 1, None),
    ("protection_budget_idr", "Anggaran perlindungan pekerja rentan (Rp)",
     "Budget for protecting vulnerable workers (IDR)", "rupiah", GOV, 0, None, None),
    ("employees_total", "Jumlah karyawan", "Employees", "count", EMP, 0, None, None),
    ("employees_registered", "Karyawan terdaftar", "Employees registered", "count", EMP, 0, None,
     "employees_total"),
    ("programs_enrolled", "Program diikuti (JKK, JKM, JHT, JP, JKP)",
     "Programmes enrolled (JKK, JKM, JHT, JP, JKP)", "count", EMP, 0, 5, None),
    ("wages_reported_pct", "Upah dilaporkan (% dari upah sebenarnya)", "Wages reported (% of actual)",
     "percent", EMP, 0, 100, None),
    ("contributions_on_time_months", "Bulan iuran tepat waktu", "Months of contributions paid on time",
     "months", EMP, 0, 12, None),
    ("daily_workers_total", "Pekerja harian lepas", "Daily workers", "count", EMP, 0, None, None),
    ("daily_workers_registered", "Pekerja harian lepas terdaftar", "Daily workers registered", "count", EMP,
     0, None, "daily_workers_total"),
    ("vendors_total", "Mitra/vendor", "Vendors", "count", EMP, 0, None, None),
    ("vendors_registered", "Mitra/vendor terdaftar", "Vendors registered", "count", EMP, 0, None,
     "vendors_total"),
    ("csr_vulnerable_protected", "Pekerja rentan dilindungi lewat CSR",
     "Vulnerable workers protected through CSR", "count", EMP, 0, None, None),
]


def seed(apps, schema_editor):
    MetricDefinition = apps.get_model("awards", "MetricDefinition")
    by_code = {}
    for position, (code, label_id, label_en, unit, kinds, lo, hi, _above) in enumerate(DEFINITIONS):
        by_code[code], _created = MetricDefinition.objects.update_or_create(
            code=code,
            defaults=dict(label_id=label_id, label_en=label_en, unit=unit, kinds=kinds, min_value=lo,
                          max_value=hi, position=position),
        )
    for code, *_rest, above in DEFINITIONS:
        if above:
            MetricDefinition.objects.filter(code=code).update(not_above=by_code[above])


def unseed(apps, schema_editor):
    MetricDefinition = apps.get_model("awards", "MetricDefinition")
    codes = [d[0] for d in DEFINITIONS]
    MetricDefinition.objects.filter(code__in=codes).update(not_above=None)
    MetricDefinition.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_metricvalue_triggers")]
    operations = [migrations.RunPython(seed, unseed)]
