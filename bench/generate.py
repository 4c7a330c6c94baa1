"""Synthetic csp-report projects for the benchmark: deterministic, realistic, valid.

`generate_project(root, measures, seed)` writes `root/data/report.yaml` and one file per
measure under `root/data/measures/{monitoring,targets}/`, shaped like the example data:

- two packs, `monitoring` (layout `activity`, 6 priorities) and `targets` (layout `tracker`,
  7 themes); measures are split about 40/60 between them and dealt round the sections;
- four quarters each (2016-17-Q1..Q4);
- a mix of units: counts with `previous` (some with `ytd`/`ytd_previous` from Q3, some only a
  year to date, some `additive: false`), percentages with baselines and targets, rates, ranks
  with `out_of`, text-only updates, multi-series measures (SBC/Police counts; opiate/non-opiate
  percentages with per-quarter baselines), yearly targets and past results;
- some missing-data quarters (each missing state), a few quarters with no return at all and
  a few manual RAG overrides;
- commentary of 1-4 sentences.

Run on its own to write one project: `python bench/generate.py DIR [MEASURES] [SEED]`.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

YEAR = "2016-17"
QUARTERS = [f"{YEAR}-Q{n}" for n in range(1, 5)]

OWNERS = {
    "cleveland-police": "Cleveland Police",
    "cleveland-police-iom": "Cleveland Police IOM Unit",
    "dtv-crc": "DTV Community Rehabilitation Company",
    "sbc-yot": "SBC Youth Offending Team",
    "office-of-pcc": "Office of PCC",
    "sbc-community-safety": "SBC Community Safety & Strategy Team",
    "sbc-asb-team": "SBC Multi-Agency ASB Team",
    "sbc-public-health": "SBC Public Health",
    "cleveland-fire": "Cleveland Fire Brigade",
    "harbour": "Harbour",
    "probation": "National Probation Service",
    "housing-options": "SBC Housing Options",
}

PRIORITIES = [
    ("REDUCE REOFFENDING BY THE MOST PROLIFIC OFFENDERS",
     "Fewer people re-offending Reduction in reoffending rates"),
    ("PROTECTING VULNERABLE PEOPLE AND COMMUNITIES",
     "Ensure we have the right specialist services in place to meet the needs of the most "
     "vulnerable"),
    ("REDUCE CRIME LINKED TO ALCOHOL AND DRUG MISUSE",
     "Reduction in number of offences and increase in referrals to specialist services"),
    ("TACKLE ANTI-SOCIAL BEHAVIOUR AND ITS CAUSES",
     "Fewer incidents of anti-social behaviour and more victims supported"),
    ("REDUCE VIOLENT CRIME INCLUDING DOMESTIC ABUSE",
     "Fewer victims of violence and more perpetrators engaged in programmes"),
    ("Maintain an above average performance level for crime compared to other CSPs. Increase "
     "awareness of community safety issues", None),
]

THEMES = [
    ("asb", "Anti-social behaviour", "ANTI-SOCIAL BEHAVIOUR TARGETS"),
    ("violence", "Violent crime and robbery", "VIOLENT CRIME AND ROBBERY"),
    ("drugs", "Drug related offending", "DRUG RELATED OFFENDING"),
    ("criminal-damage", "Criminal damage", "CRIMINAL DAMAGE"),
    ("alcohol", "Alcohol related crime and ASB", "ALCOHOL RELATED CRIME AND ASB"),
    ("domestic-abuse", "Domestic abuse", "DOMESTIC ABUSE"),
    ("acquisitive", "Acquisitive crime", "ACQUISITIVE CRIME"),
]

# (title, noun, noun_singular) for counts
COUNT_SUBJECTS = [
    ("Reduce Anti-Social Behaviour in the borough", "incidents", "incident"),
    ("Reduce offences of violence with injury", "offences", "offence"),
    ("Reduce offences of Personal Robbery", "offences", "offence"),
    ("Reduce deliberate property fires", "fires", "fire"),
    ("Monitor the number of service requests to the MAASBT", "service requests",
     "service request"),
    ("Increase referrals to the Independent Domestic Violence Advisors", "referrals", "referral"),
    ("Reduce criminal damage to dwellings", "offences", "offence"),
    ("Monitor the number of repeat victims of criminal damage", "repeat victims",
     "repeat victim"),
    ("Increase Alcohol Treatment Requirement commencements", "commencements", "commencement"),
    ("Reduce shoplifting offences", "offences", "offence"),
    ("Monitor hate crime reports", "reports", "report"),
    ("Increase restorative justice referrals", "referrals", "referral"),
]
PERCENT_SUBJECTS = [
    ("Maintain a 90% level in client satisfaction in relation to ASB",
     "overall customer satisfaction", "higher"),
    ("% of positive completions of Community Orders and Suspended Sentence orders",
     "positive completions", "higher"),
    ("Reduce the repeat incident rate for domestic abuse", "repeat incident rate", "lower"),
    ("Increase the proportion of young people in suitable education, training or employment",
     "of young people in education, training or employment", "higher"),
    ("Increase the proportion of MARAC cases engaging with Harbour", "engagement rate",
     "higher"),
    ("Increase the proportion of offenders in settled accommodation",
     "of offenders in settled accommodation", "higher"),
]
RATE_SUBJECTS = [
    ("Monitor the average number of re-offences within the current cohort",
     "average re-offences per offender"),
    ("Monitor the rate of domestic abuse incidents per 1,000 population",
     "incidents per 1,000 population"),
]
TEXT_SUBJECTS = [
    "Increase organisational awareness and response to the anti-slavery commissioner to "
    "tackle modern day slavery and trafficking",
    "Deliver the Alcohol Strategy Group action plan",
    "Raise awareness of community safety issues through social media",
    "Deliver the Prevent programme training to frontline staff",
    "Review the partnership's information sharing agreement",
]
DETAILS = [
    "Achieve a reduction in the number of Police recorded incidents.",
    "Quarterly service request data.",
    "Monitor all repeat callers to identify those who may be vulnerable. Provide support to "
    "them via the ASB Victim/Witness Support Officer.",
    "Baseline: % for the entire treatment programme % of criminal justice clients",
    "",
    "",
]

SENTENCES = [
    "Performance is being monitored closely through the monthly tasking meeting.",
    "The increase is largely attributable to a small number of repeat locations in the town "
    "centre.",
    "A new referral pathway was introduced during the quarter and is bedding in.",
    "Partners have agreed a joint action plan which will be reported to the next board.",
    "Figures are provisional and may be revised once the quarter's data has been validated.",
    "Staffing capacity within the team has affected the volume of work this quarter.",
    "The reduction follows targeted patrols and work with local licensed premises.",
    "Caution must be taken as the data is not directly comparable with last year.",
    "All cases are reviewed at the Joint Action Group where interventions are agreed.",
    "A further update will be provided once the annual survey results are available.",
    "Training dates have been set for frontline staff across the partnership.",
    "The service continues to receive positive feedback from victims and partners.",
    "Demand has risen in line with the regional trend reported by neighbouring CSPs.",
    "Recording practice changed in the period, so the figures should be read with care.",
]

MISSING = [
    ("not-available", "Not available at the time of writing the report."),
    ("to-follow", "Data to follow once the quarter's returns have been validated."),
    ("not-collected", "Due to a change in recording practices the data could not be "
     "collated."),
    ("no-update", "No update was provided by the data owner for this quarter."),
]


class _NoAliasDumper(yaml.SafeDumper):
    """csp-report refuses anchors and aliases, so never write them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _commentary(rng: random.Random, lead: str | None = None) -> str:
    sentences = rng.sample(SENTENCES, rng.randint(1, 4))
    if lead:
        sentences[0] = lead
    return " ".join(sentences)


def _missing(rng: random.Random) -> dict[str, str]:
    state, reason = rng.choice(MISSING)
    return {"state": state, "reason": reason}


def _count_quarters(rng: random.Random, noun: str, ytd_style: str) -> dict[str, Any]:
    """Counts with previous; ytd_style: 'none', 'ytd' (given from Q3) or 'ytd-only' (Q3)."""
    level = rng.choice([12, 40, 150, 600, 1200, 3200])
    quarters: dict[str, Any] = {}
    total = total_prev = 0
    for n, pid in enumerate(QUARTERS, start=1):
        value = max(0, int(level * rng.uniform(0.75, 1.25)))
        previous = max(0, int(level * rng.uniform(0.75, 1.25)))
        total += value
        total_prev += previous
        if rng.random() < 0.06 and n > 1:
            quarters[pid] = {"missing": _missing(rng)}
            continue
        entry: dict[str, Any] = {}
        if ytd_style == "ytd-only" and n == 3:
            entry = {"ytd": total, "ytd_previous": total_prev}
        else:
            entry = {"value": value, "previous": previous}
            if ytd_style != "none" and n >= 3:
                entry.update(ytd=total, ytd_previous=total_prev)
        lead = f"{value} {noun} compared to {previous} last year."
        entry["commentary"] = _commentary(rng, lead if rng.random() < 0.5 else None)
        quarters[pid] = entry
    return quarters


def _count_measure(rng: random.Random, base: dict[str, Any]) -> dict[str, Any]:
    title, noun, singular = rng.choice(COUNT_SUBJECTS)
    good = rng.choice(["lower", "lower", "higher", "monitor"])
    level_target = rng.choice([60, 400, 1440, 4800, 13425])
    m = {**base, "title": title, "unit": "count", "noun": noun, "noun_singular": singular,
         "good": good}
    if rng.random() < 0.1:
        m["additive"] = False
    if rng.random() < 0.5:
        m["baseline"] = {"value": level_target, "description": "3 yr average (2012-2014)"}
    if good != "monitor":
        m["years"] = {
            year: {"target": level_target,
                   "result": int(level_target * rng.uniform(0.8, 1.2))}
            for year in ("2014-15", "2015-16")
        }
        m["years"][YEAR] = {"target": level_target}
    style = rng.choices(["none", "ytd", "ytd-only"], weights=[6, 3, 1])[0]
    if m.get("additive") is False:
        style = "none"  # a rolling count has no year to date
    m["quarters"] = _count_quarters(rng, noun, style)
    if rng.random() < 0.03:  # a RAG set by hand belongs to one quarter
        m["quarters"][f"{YEAR}-Q4"]["rag"] = {
            "status": rng.choice(["red", "amber", "green"]),
            "reason": "Set by the board: the figures are known to be incomplete."}
    return m


def _pct(rng: random.Random, centre: float) -> float:
    return round(min(100.0, max(0.0, centre + rng.uniform(-8, 8))), 1)


def _percentage_measure(rng: random.Random, base: dict[str, Any]) -> dict[str, Any]:
    title, noun, good = rng.choice(PERCENT_SUBJECTS)
    centre = rng.uniform(15, 85)
    m = {**base, "title": title, "unit": "percentage", "noun": noun, "good": good,
         "baseline": {"value": _pct(rng, centre), "description": "2014/15 baseline"},
         "years": {YEAR: {"target": round(centre)}}}
    quarters: dict[str, Any] = {}
    for pid in QUARTERS:
        if rng.random() < 0.08:
            quarters[pid] = {"missing": _missing(rng)}
            continue
        entry: dict[str, Any] = {"value": _pct(rng, centre)}
        if rng.random() < 0.6:
            entry["previous"] = _pct(rng, centre)
        entry["commentary"] = _commentary(rng)
        quarters[pid] = entry
    m["quarters"] = quarters
    return m


def _rate_measure(rng: random.Random, base: dict[str, Any]) -> dict[str, Any]:
    title, noun = rng.choice(RATE_SUBJECTS)
    centre = rng.uniform(1, 12)
    quarters = {pid: {"value": round(centre * rng.uniform(0.8, 1.2), 1),
                      "previous": round(centre * rng.uniform(0.8, 1.2), 1),
                      "commentary": _commentary(rng)} for pid in QUARTERS}
    return {**base, "title": title, "unit": "rate", "noun": noun, "good": "monitor",
            "quarters": quarters}


def _rank_measure(rng: random.Random, base: dict[str, Any]) -> dict[str, Any]:
    out_of = rng.choice([8, 15, 15, 21])
    quarters = {}
    for pid in QUARTERS:
        quarters[pid] = {"value": rng.randint(1, out_of), "previous": rng.randint(1, out_of),
                         "out_of": out_of, "commentary": _commentary(rng)}
    return {**base, "title": "Comparison of crime against other Community Safety Partnerships "
            "using IQUANTA", "unit": "rank", "good": "lower", "quarters": quarters}


def _text_measure(rng: random.Random, base: dict[str, Any]) -> dict[str, Any]:
    quarters: dict[str, Any] = {}
    for pid in QUARTERS:
        if rng.random() < 0.1:
            quarters[pid] = {"missing": _missing(rng)}
        else:
            quarters[pid] = {"commentary": _commentary(rng)}
    return {**base, "title": rng.choice(TEXT_SUBJECTS), "unit": "text", "good": "monitor",
            "quarters": quarters}


def _series_measure(rng: random.Random, base: dict[str, Any]) -> dict[str, Any]:
    quarters: dict[str, Any] = {}
    if rng.random() < 0.5:  # SBC and Police counts, police sometimes not collated
        level = rng.choice([10, 30, 120])
        for pid in QUARTERS:
            police: dict[str, Any] = {"value": rng.randint(0, level),
                                      "previous": rng.randint(0, level)}
            if rng.random() < 0.15:
                police = {"missing": _missing(rng)}
            quarters[pid] = {
                "figures": {"sbc": {"value": rng.randint(0, level),
                                    "previous": rng.randint(0, level)},
                            "police": police},
                "commentary": _commentary(rng)}
        return {**base, "title": "Monitor repeat callers to the Police, MAASBT and RSLs",
                "unit": "count", "noun": "repeat callers", "noun_singular": "repeat caller",
                "good": "monitor",
                "series": {"sbc": {"label": "SBC"}, "police": {"label": "Police"}},
                "quarters": quarters}
    centres = {sid: rng.uniform(3, 60) for sid in ("opiate", "non-opiate")}
    for pid in QUARTERS:
        quarters[pid] = {
            "figures": {sid: {"value": _pct(rng, c), "baseline": _pct(rng, c)}
                        for sid, c in centres.items()},
            "commentary": _commentary(rng)}
    return {**base, "title": "Increase the proportion of people who leave treatment "
            "successfully both opiate and non-opiate", "unit": "percentage", "good": "higher",
            "series": {
                "opiate": {"label": "Opiate clients",
                           "noun": "of opiate clients successfully completed treatment",
                           "baseline": {"value": _pct(rng, centres["opiate"]),
                                        "description": "2014/15 baseline"}},
                "non-opiate": {"label": "Non-opiate clients",
                               "noun": "of non-opiate clients completed treatment"}},
            "quarters": quarters}


KINDS = [  # (builder, weight)
    (_count_measure, 50),
    (_percentage_measure, 20),
    (_rate_measure, 5),
    (_rank_measure, 4),
    (_text_measure, 11),
    (_series_measure, 10),
]


def report_yaml() -> dict[str, Any]:
    priorities: dict[str, Any] = {}
    for i, (title, outcome) in enumerate(PRIORITIES, start=1):
        section: dict[str, Any] = {"heading": f"Priority {i}", "title": title}
        if outcome:
            section["outcome"] = outcome
        if i == 1:
            section["period_label"] = "quarter-update"
        if i == len(PRIORITIES):
            section["group"] = "Community Safety & Protection"
        priorities[f"priority-{i}"] = section
    themes = {sid: {"heading": f"Theme {i}", "title": title, "label": label}
              for i, (sid, title, label) in enumerate(THEMES, start=1)}
    return {
        "partnership": "Safer Stockton Partnership",
        "plan": {"name": "Community Safety Plan", "start": 2014, "end": 2017},
        "language": "en-GB",
        "owners": OWNERS,
        "rag": {"rule": "tolerance", "tolerance": 5, "no_target": "last-year",
                "travel": "same-quarter-last-year"},
        "packs": {
            "monitoring": {"title": "Quarterly Monitoring", "layout": "activity",
                           "period_label": "short-range", "sections": priorities},
            "targets": {"title": "Targets from the Community Safety Plan 2014-2017",
                        "note": "*Revised April 2016", "layout": "tracker",
                        "sections": themes},
        },
    }


def _slug(title: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in title.lower()).split()
    return "-".join(words[:5])


def generate_project(root: Path, measures: int, seed: int = 2016) -> Path:
    """Write a project of `measures` measures under `root` (created); return `root`."""
    rng = random.Random(seed * 100_003 + measures)
    data = root / "data"
    (data / "measures").mkdir(parents=True, exist_ok=True)
    _write(data / "report.yaml", report_yaml())
    packs = {"monitoring": [f"priority-{i}" for i in range(1, len(PRIORITIES) + 1)],
             "targets": [sid for sid, _, _ in THEMES]}
    counters: dict[tuple[str, int], int] = {}
    builders, weights = zip(*KINDS, strict=True)
    for index in range(measures):
        pack = "monitoring" if index % 5 < 2 else "targets"
        sections = packs[pack]
        number = (index // 5) % len(sections) + 1
        section = sections[number - 1]
        counters[(pack, number)] = counters.get((pack, number), 0) + 1
        ref = f"{number}.{counters[(pack, number)]}"
        base: dict[str, Any] = {"ref": ref, "section": section,
                                "title": "", "detail": rng.choice(DETAILS),
                                "owner": rng.choice(list(OWNERS))}
        if not base["detail"]:
            del base["detail"]
        builder = rng.choices(builders, weights=weights)[0]
        measure = builder(rng, base)
        if pack == "monitoring" and rng.random() < 0.04:  # no return for the latest quarter
            measure["quarters"].pop(QUARTERS[-1], None)
        folder = data / "measures" / pack
        folder.mkdir(exist_ok=True)
        _write(folder / f"{ref}-{_slug(measure['title'])}.yaml", measure)
    return root


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True,
                              width=95), encoding="utf-8")


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    generate_project(target, count, int(sys.argv[3]) if len(sys.argv) > 3 else 2016)
    print(f"wrote {count} measures under {target}")
