"""The demo edition's data: Lampung (province 18) on the real regions.

Only the province totals come from the news report (shared/seed-article.txt): about 2.8 million
workers, 687 thousand protected (24.5 %), non-ASN staff 78.3 % (49,594), RT/RW heads 22.1 %
(13,664), village officials 79.4 % (34 thousand), village cadres 0.37 %, poor and vulnerable
workers 1.33 % (11,908 of 897 thousand), 11,840 participating companies, the 2025 target 32.6 %,
and the order Kota Metro highest, Lampung Selatan second, Kota Bandar Lampung lowest. How those
totals split over the 15 regencies/cities is illustrative, and every business, UMKM and village
figure is invented and named as an example.
"""
from decimal import Decimal

from ..models import NomineeKind, Role

PROVINCE = "18"
YEAR = 2025
DEMO_PASSWORD = "paritrana-demo"
# The committee accounts' authenticator app, published like the password so anyone trying the demo can
# add it to an app (or print the current code with `manage.py demo_code USERNAME`). Base32, as apps take it.
DEMO_TOTP_SECRET = "PARITRANAAWARDDEMOPANITIALAMPUNG"
DEMO_TOTP_USERS = ("panitia", "panitia_lampung")

# Report figures for Lampung.
WORKERS_TOTAL = 2_800_000
WORKERS_PROTECTED = 687_000
NON_ASN_PROTECTED, NON_ASN_PCT = 49_594, Decimal("78.3")
RT_RW_PROTECTED, RT_RW_PCT = 13_664, Decimal("22.1")
OFFICIALS_PROTECTED, OFFICIALS_PCT = 34_000, Decimal("79.4")
CADRES_PCT = Decimal("0.37")
CADRES_TOTAL = 120_000  # illustrative: the report gives only the percentage
VULNERABLE_PROTECTED, VULNERABLE_TOTAL = 11_908, 897_000
COMPANIES = 11_840
TARGET_PCT = Decimal("32.6")

# Illustrative share of the province's workers (roughly by population) and coverage before scaling,
# chosen so that the report's order holds: Metro first, Lampung Selatan second, Bandar Lampung last.
REGENCIES = {
    "18.01": (108, Decimal("33.0")),  # Kabupaten Lampung Selatan
    "18.02": (150, Decimal("25.5")),  # Kabupaten Lampung Tengah
    "18.03": (64, Decimal("22.0")),   # Kabupaten Lampung Utara
    "18.04": (31, Decimal("27.0")),   # Kabupaten Lampung Barat
    "18.05": (44, Decimal("24.0")),   # Kabupaten Tulang Bawang
    "18.06": (62, Decimal("23.5")),   # Kabupaten Tanggamus
    "18.07": (113, Decimal("26.0")),  # Kabupaten Lampung Timur
    "18.08": (48, Decimal("21.5")),   # Kabupaten Way Kanan
    "18.09": (48, Decimal("28.0")),   # Kabupaten Pesawaran
    "18.10": (41, Decimal("29.0")),   # Kabupaten Pringsewu
    "18.11": (23, Decimal("20.5")),   # Kabupaten Mesuji
    "18.12": (29, Decimal("22.5")),   # Kabupaten Tulang Bawang Barat
    "18.13": (17, Decimal("19.5")),   # Kabupaten Pesisir Barat
    "18.71": (120, Decimal("18.0")),  # Kota Bandar Lampung
    "18.72": (17, Decimal("41.0")),   # Kota Metro
}


def split(total, weights):
    """Integers proportional to `weights` that add up to `total` exactly (largest remainder)."""
    keys = list(weights)
    whole = sum(weights.values())
    raw = {k: Decimal(total) * Decimal(weights[k]) / Decimal(whole) for k in keys}
    parts = {k: int(raw[k]) for k in keys}
    rest = total - sum(parts.values())
    for k in sorted(keys, key=lambda k: (raw[k] - parts[k], k), reverse=True)[:rest]:
        parts[k] += 1
    return parts


def regency_metrics():
    """{region code: {metric code: value}} for the 15 regencies/cities; columns add up to the report."""
    share = {c: w for c, (w, _cov) in REGENCIES.items()}
    workers = split(WORKERS_TOTAL, share)
    protected = split(WORKERS_PROTECTED, {c: workers[c] * cov for c, (_w, cov) in REGENCIES.items()})
    non_asn_total_all = int((NON_ASN_PROTECTED * 100 / NON_ASN_PCT).to_integral_value())
    rt_rw_total_all = int((RT_RW_PROTECTED * 100 / RT_RW_PCT).to_integral_value())
    officials_total_all = int((OFFICIALS_PROTECTED * 100 / OFFICIALS_PCT).to_integral_value())
    cadres_protected_all = int((CADRES_TOTAL * CADRES_PCT / 100).to_integral_value())
    by_coverage = {c: share[c] * cov for c, (_w, cov) in REGENCIES.items()}
    columns = {"employers_registered": split(COMPANIES, share)}
    # Parts are split by coverage; each total is its part plus a share of the unprotected rest,
    # so both columns add up to the report and no part exceeds its total.
    for prefix, total_all, protected_all, weights in (
        ("non_asn", non_asn_total_all, NON_ASN_PROTECTED, by_coverage),
        ("rt_rw", rt_rw_total_all, RT_RW_PROTECTED, by_coverage),
        ("village_officials", officials_total_all, OFFICIALS_PROTECTED, share),
        ("village_cadres", CADRES_TOTAL, cadres_protected_all, share),
        ("vulnerable_workers", VULNERABLE_TOTAL, VULNERABLE_PROTECTED, by_coverage),
    ):
        part = split(protected_all, weights)
        rest = split(total_all - protected_all, share)
        columns[f"{prefix}_protected"] = part
        columns[f"{prefix}_total"] = {c: part[c] + rest[c] for c in REGENCIES}
    result = {}
    for index, code in enumerate(REGENCIES):
        values = {"workers_total": workers[code], "workers_protected": protected[code]}
        values["wage_workers_protected"] = protected[code] * 70 // 100
        values["nonwage_workers_protected"] = protected[code] * 25 // 100
        values["construction_workers_protected"] = protected[code] - values["wage_workers_protected"] - values["nonwage_workers_protected"]
        for metric, column in columns.items():
            values[metric] = column[code]
        values["coverage_target_pct"] = TARGET_PCT
        values["has_regulation"] = 1 if index % 3 != 2 else 0
        values["protection_budget_idr"] = 250_000_000 * (1 + index % 5)
        result[code] = values
    return result


DEMO_BUSINESSES = [
    # code (NPP), name, kind, size, sector, regency, employees, registered, programs, wages %, months, daily, daily reg., vendors, vendors reg., CSR
    ("DEMO-BU-001", "PT Contoh Agro Lestari (data contoh)", "business", "large", "agriculture_fisheries", "18.02", 2400, 2350, 5, 98, 12, 600, 420, 40, 31, 350),
    ("DEMO-BU-002", "PT Contoh Semen Andalas (data contoh)", "business", "large", "mining_manufacturing_construction", "18.01", 1800, 1790, 5, 100, 12, 300, 280, 25, 24, 500),
    ("DEMO-BU-003", "PT Contoh Dermaga Panjang (data contoh)", "business", "large", "trade_services", "18.71", 1500, 1320, 4, 92, 11, 200, 90, 30, 12, 120),
    ("DEMO-BU-004", "PT Contoh Bank Sai Bumi (data contoh)", "business", "large", "finance", "18.71", 900, 900, 5, 100, 12, 0, 0, 15, 15, 80),
    ("DEMO-BU-005", "PT Contoh Tambak Timur (data contoh)", "business", "large", "agriculture_fisheries", "18.07", 1200, 1010, 4, 88, 10, 450, 150, 20, 8, 60),
    ("DEMO-BU-006", "PT Contoh Sawit Way Kanan (data contoh)", "business", "large", "agriculture_fisheries", "18.08", 2100, 1890, 4, 90, 12, 800, 380, 35, 20, 150),
    ("DEMO-BM-001", "CV Contoh Kopi Liwa (data contoh)", "business", "medium", "trade_services", "18.04", 120, 118, 5, 97, 12, 40, 35, 6, 5, 10),
    ("DEMO-BM-002", "CV Contoh Tapis Metro (data contoh)", "business", "medium", "mining_manufacturing_construction", "18.72", 90, 84, 4, 95, 12, 30, 18, 4, 3, 5),
    ("DEMO-BM-003", "CV Contoh Klinik Sehat (data contoh)", "business", "medium", "health", "18.71", 75, 75, 5, 100, 12, 5, 5, 3, 3, 0),
    ("DEMO-BM-004", "CV Contoh Sekolah Cendekia (data contoh)", "business", "medium", "education", "18.10", 60, 48, 3, 85, 9, 10, 2, 2, 0, 0),
    ("DEMO-UM-001", "UD Contoh Keripik Pisang (data contoh)", "umkm", "small", "trade_services", "18.71", 12, 12, 4, 100, 12, 6, 6, 0, 0, 0),
    ("DEMO-UM-002", "UD Contoh Tenun Tapis (data contoh)", "umkm", "small", "mining_manufacturing_construction", "18.72", 9, 8, 3, 90, 12, 4, 2, 0, 0, 0),
    ("DEMO-UM-003", "UD Contoh Ikan Asin (data contoh)", "umkm", "micro", "agriculture_fisheries", "18.09", 5, 3, 2, 80, 8, 3, 0, 0, 0, 0),
    ("DEMO-UM-004", "UD Contoh Bengkel Motor (data contoh)", "umkm", "micro", "trade_services", "18.01", 4, 4, 3, 100, 11, 2, 1, 0, 0, 0),
    ("DEMO-UM-005", "UD Contoh Kopi Robusta (data contoh)", "umkm", "small", "agriculture_fisheries", "18.04", 15, 10, 2, 75, 6, 10, 3, 0, 0, 0),
    ("DEMO-UM-006", "UD Contoh Batik Pringsewu (data contoh)", "umkm", "micro", "mining_manufacturing_construction", "18.10", 6, 6, 5, 100, 12, 2, 2, 0, 0, 0),
]

# (village code, officials, officials protected, cadres, cadres protected, vulnerable, vulnerable protected, regulation)
DEMO_VILLAGES = [
    ("18.01.04.2001", 14, 14, 40, 6, 300, 45, 1),
    ("18.02.01.2001", 12, 10, 35, 2, 410, 12, 1),
    ("18.07.01.2001", 13, 13, 30, 0, 380, 20, 0),
    ("18.72.01.1001", 10, 9, 25, 5, 150, 30, 1),
    ("18.71.01.1003", 11, 6, 28, 1, 520, 8, 0),
    ("18.04.04.1001", 9, 9, 22, 3, 200, 18, 1),
    ("18.09.01.2001", 12, 11, 33, 0, 260, 5, 0),
    ("18.10.01.1002", 10, 10, 20, 4, 180, 26, 1),
]

CATEGORIES = [
    # code, Indonesian, English, kind, size, national only
    ("pemprov", "Pemerintah Provinsi", "Provincial Government", NomineeKind.PROVINCE_GOVERNMENT, "", True),
    ("pemkab", "Pemerintah Kabupaten/Kota", "Regency/City Government", NomineeKind.REGENCY_GOVERNMENT, "", False),
    ("bu-besar", "Badan Usaha Skala Besar", "Large Business", NomineeKind.BUSINESS, "large", False),
    ("bu-menengah", "Badan Usaha Skala Menengah", "Medium Business", NomineeKind.BUSINESS, "medium", False),
    ("umk", "Usaha Mikro dan Kecil", "Micro and Small Enterprise", NomineeKind.UMKM, "", False),
    ("pelayanan-publik", "Pelayanan Publik", "Public Service", NomineeKind.REGENCY_GOVERNMENT, "", False),
    ("desa", "Pemerintah Desa/Kelurahan", "Village Government", NomineeKind.VILLAGE, "", False),
]

JUDGED_INTERVIEW = [
    ("wawancara-komitmen", "Komitmen pimpinan (wawancara)", "Leadership commitment (interview)", 50, 0, 100,
     "Nilai 0–100: seberapa jelas pimpinan menjelaskan rencana perlindungan pekerja.",
     "Score 0–100: how clearly the leadership explains its plan to protect workers."),
    ("wawancara-keberlanjutan", "Keberlanjutan program", "Sustainability of the programme", 50, 0, 100,
     "Nilai 0–100: anggaran, regulasi dan rencana beberapa tahun ke depan.",
     "Score 0–100: budget, regulation and plans for the coming years."),
]


def _m(code, **kw):
    return dict(kind="metric", code=code, **kw)


def _j(code, name_id, name_en, weight, lo=0, hi=100, guidance_id="", guidance_en="", **kw):
    return dict(kind="judged", code=code, name_id=name_id, name_en=name_en, weight=weight, scale_min=lo,
                scale_max=hi, guidance_id=guidance_id, guidance_en=guidance_en, **kw)


def _government_criteria():
    return [
        _m("cakupan", name_id="Cakupan pekerja terlindungi terhadap target", name_en="Worker coverage against target",
           weight=30, rule="target", metric="workers_protected", denominator="workers_total",
           target_metric="coverage_target_pct", tie_break_rank=1),
        _m("cakupan-non-asn", name_id="Cakupan pegawai non-ASN", name_en="Non-ASN staff coverage", weight=15,
           rule="linear", metric="non_asn_protected", denominator="non_asn_total", low=0, high=100),
        _m("cakupan-rt-rw", name_id="Cakupan ketua RT/RW", name_en="RT/RW heads coverage", weight=10,
           rule="linear", metric="rt_rw_protected", denominator="rt_rw_total", low=0, high=100),
        _m("cakupan-rentan", name_id="Cakupan pekerja miskin dan rentan", name_en="Vulnerable workers coverage",
           weight=10, rule="relative", metric="vulnerable_workers_protected", denominator="vulnerable_workers_total",
           tie_break_rank=2),
        _m("regulasi", name_id="Regulasi perlindungan pekerja", name_en="Worker-protection regulation", weight=10,
           rule="boolean", metric="has_regulation"),
        _m("anggaran", name_id="Anggaran perlindungan pekerja rentan", name_en="Budget for vulnerable workers",
           weight=5, rule="bands", metric="protection_budget_idr",
           bands=[["0", "0"], ["250000000", "40"], ["500000000", "70"], ["1000000000", "100"]]),
        _j("komitmen", "Komitmen dan kebijakan daerah", "Local commitment and policy", 10,
           guidance_id="Nilai 0–100 berdasarkan dokumen kebijakan dan program yang berjalan.",
           guidance_en="Score 0–100 from policy documents and running programmes."),
        _j("inovasi", "Inovasi perlindungan pekerja", "Innovation in worker protection", 10, 1, 10,
           guidance_id="Skala 1–10: 1 tidak ada inovasi, 10 inovasi yang sudah ditiru daerah lain.",
           guidance_en="Scale 1–10: 1 no innovation, 10 an innovation other regions already copy."),
    ]


def _business_criteria(small):
    criteria = [
        _m("karyawan-terdaftar", name_id="Karyawan terdaftar", name_en="Employees registered", weight=40 if small else 30,
           rule="linear", metric="employees_registered", denominator="employees_total", low=0, high=100, tie_break_rank=1),
        _m("program", name_id="Program yang diikuti", name_en="Programmes enrolled", weight=20 if small else 15,
           rule="bands", metric="programs_enrolled", bands=[["0", "0"], ["2", "40"], ["3", "60"], ["4", "80"], ["5", "100"]]),
        _m("iuran-tepat-waktu", name_id="Iuran tepat waktu", name_en="Contributions on time", weight=20 if small else 10,
           rule="linear", metric="contributions_on_time_months", low=0, high=12, tie_break_rank=2),
    ]
    if not small:
        criteria += [
            _m("upah-dilaporkan", name_id="Upah dilaporkan sesuai", name_en="Wages reported in full", weight=10,
               rule="linear", metric="wages_reported_pct", low=50, high=100),
            _m("pekerja-harian", name_id="Pekerja harian lepas terdaftar", name_en="Daily workers registered",
               weight=10, rule="linear", metric="daily_workers_registered", denominator="daily_workers_total", low=0, high=100),
            _m("vendor", name_id="Mitra/vendor terdaftar", name_en="Vendors registered", weight=5, rule="relative",
               metric="vendors_registered", denominator="vendors_total"),
        ]
    criteria.append(_j("praktik-baik", "Praktik baik perlindungan pekerja", "Good practice in worker protection", 20,
                       guidance_id="Nilai 0–100: kebijakan internal, CSR untuk pekerja rentan, kepatuhan.",
                       guidance_en="Score 0–100: internal policy, CSR for vulnerable workers, compliance."))
    return criteria


def _village_criteria():
    return [
        _m("cakupan-perangkat", name_id="Cakupan perangkat desa", name_en="Village officials coverage", weight=30,
           rule="linear", metric="village_officials_protected", denominator="village_officials_total", low=0, high=100,
           tie_break_rank=1),
        _m("cakupan-kader", name_id="Cakupan kader desa", name_en="Village cadres coverage", weight=20, rule="relative",
           metric="village_cadres_protected", denominator="village_cadres_total"),
        _m("cakupan-rentan", name_id="Cakupan pekerja rentan", name_en="Vulnerable workers coverage", weight=20,
           rule="linear", metric="vulnerable_workers_protected", denominator="vulnerable_workers_total", low=0, high=25),
        _m("perdes", name_id="Peraturan desa perlindungan pekerja", name_en="Village regulation on worker protection",
           weight=10, rule="boolean", metric="has_regulation"),
        _j("komitmen", "Komitmen pemerintah desa", "Village government commitment", 20,
           guidance_id="Nilai 0–100: dana desa untuk perlindungan pekerja rentan dan pendataan.",
           guidance_en="Score 0–100: village funds for protecting vulnerable workers and their registration."),
    ]


def _public_service_criteria():
    return [
        _m("pemberi-kerja", name_id="Pemberi kerja terdaftar", name_en="Employers registered", weight=30,
           rule="relative", metric="employers_registered", tie_break_rank=1),
        _j("integrasi-layanan", "Integrasi syarat kepesertaan dalam layanan publik",
           "Social-security membership built into public services", 70,
           guidance_id="Nilai 0–100: izin usaha, pengadaan dan layanan lain mensyaratkan kepesertaan.",
           guidance_en="Score 0–100: permits, procurement and other services require membership."),
    ]


CRITERIA = {
    "pemprov": _government_criteria,
    "pemkab": _government_criteria,
    "bu-besar": lambda: _business_criteria(small=False),
    "bu-menengah": lambda: _business_criteria(small=False),
    "umk": lambda: _business_criteria(small=True),
    "pelayanan-publik": _public_service_criteria,
    "desa": _village_criteria,
}

DEMO_USERS = [
    # username, first name, last name, role, province, staff
    ("panitia", "Panitia", "Pusat (demo)", Role.COMMITTEE, None, True),
    ("panitia_lampung", "Panitia", "Provinsi Lampung (demo)", Role.PROVINCIAL_COMMITTEE, PROVINCE, False),
    ("penilai1", "Penilai", "Satu (demo)", Role.REVIEWER, PROVINCE, False),
    ("penilai2", "Penilai", "Dua (demo)", Role.REVIEWER, PROVINCE, False),
    ("penilai3", "Penilai", "Tiga (demo)", Role.REVIEWER, PROVINCE, False),
    ("pemantau", "Pemantau", "(demo)", Role.OBSERVER, None, False),
]


NOMINATED = {
    "pemkab": list(REGENCIES),
    "pelayanan-publik": ["18.71", "18.72", "18.01", "18.02", "18.10"],
    "bu-besar": [b[0] for b in DEMO_BUSINESSES if b[0].startswith("DEMO-BU")],
    "bu-menengah": [b[0] for b in DEMO_BUSINESSES if b[0].startswith("DEMO-BM")],
    "umk": [b[0] for b in DEMO_BUSINESSES if b[0].startswith("DEMO-UM")],
    "desa": [v[0] for v in DEMO_VILLAGES],
}


# Illustrative submitted scores of penilai2 and penilai3 on the regencies/cities (komitmen 0–100, inovasi 1–10).
DEMO_JUDGED = {
    "penilai2": {"18.72": (88, 9), "18.01": (82, 8), "18.10": (75, 7), "18.09": (70, 7), "18.04": (68, 6),
                 "18.07": (72, 6), "18.02": (65, 6), "18.05": (60, 5), "18.06": (62, 5), "18.12": (58, 5),
                 "18.03": (55, 4), "18.08": (52, 4), "18.11": (50, 4), "18.13": (48, 3), "18.71": (60, 6)},
    "penilai3": {"18.72": (84, 8), "18.01": (85, 9), "18.10": (70, 6), "18.09": (74, 7), "18.04": (64, 6),
                 "18.07": (70, 7), "18.02": (68, 5), "18.05": (58, 5), "18.06": (60, 6), "18.12": (55, 4),
                 "18.03": (57, 5), "18.08": (50, 3), "18.11": (52, 4), "18.13": (45, 3), "18.71": (62, 5)},
}
