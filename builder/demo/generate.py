"""The whole demonstration programme: staff, executors and their people, structure, measures, evaluations."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..compute import id_sort_key
from ..errors import ConfigError
from ..i18n import _
from ..quarters import quarter_bounds
from .amendments import amend, draw, hand_over, successor_ids
from .measures import _measure
from .plan import START_YEAR, Options, Plan, _day, _sentences, quarters
from .words import (
    ACTIONS,
    BODIES,
    BODIES_EN,
    DATA_SOURCES,
    DIRECTIONS,
    DIRECTIONS_EN,
    EVALUATION_SENTENCES,
    FIRST_NAMES,
    INDICATOR_TITLES,
    OBJECTS,
    OBLASTS,
    PROBLEM_OBJECTS,
    PROBLEMS,
    PURPOSES,
    QUALIFIERS,
    REPORT_SENTENCES,
    RESULT_OPENINGS,
    SURNAMES,
    _words,
    translit,
)

# Everything comes from one `random.Random(seed)` drawn in a fixed order, so one seed always gives
# byte-identical files. Texts are composed from Ukrainian word and phrase lists; every address is
# on example.gov.ua; the programme is marked `demo: true`. The result passes `dap validate`
# without errors or warnings.


def _person(rng: random.Random, used: set[str], prefix: str) -> tuple[str, str, str]:
    """(id, name, github) of a new person, unique across the programme."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    base = f"{prefix}.{translit(first)[0]}.{translit(last)}"
    pid, n = base, 1
    while pid in used:
        n += 1
        pid = f"{base}{n}"
    used.add(pid)
    github = pid.replace(".", "-")[:39].strip("-")
    return pid, f"{first} {last}", github


def _executors(rng: random.Random, count: int) -> list[tuple[str, str, str, bool]]:
    """(id, name, short name, «за згодою») of `count` executor bodies."""
    # Bodies «за згодою» and bodies of the Cabinet alternate, so that a small demo has both.
    agreed = [b for b in BODIES if b[3]]
    cabinet = [b for b in BODIES if not b[3]]
    bodies = [b for pair in zip(agreed, cabinet, strict=False) for b in pair]
    bodies += cabinet[len(agreed) :]
    bodies += [
        (f"oda-{slug}", f"{name} обласна державна адміністрація", f"{name} ОДА", False)
        for slug, name in OBLASTS
    ]
    n = 2
    while len(bodies) < count:
        bodies += [
            (f"{bid}-to{n}", f"{name} (територіальний орган № {n})", f"{short} ТО {n}", agr)
            for bid, name, short, agr in BODIES[7:]
        ]
        n += 1
    return bodies[:count]


@dataclass
class Roster:
    """An executor's people as the generator needs them when writing reports."""

    implementers: list[tuple[str, dt.date, dt.date | None]]  # (id, since, until)
    managers: list[str]

    def implementer_on(self, rng: random.Random, day: dt.date) -> str:
        """An implementer with access on `day`."""
        active = [
            pid
            for pid, since, until in self.implementers
            if since <= day and (until is None or day <= until)
        ]
        return rng.choice(active)


def _roster(
    rng: random.Random,
    exid: str,
    used: set[str],
    start: dt.date,
    end: dt.date,
    contacts: dict[str, dict[str, str]],
) -> tuple[list[dict[str, Any]], Roster]:
    """People of one executor satisfying III.15: one керівник, one координатор, managers, implementers."""
    since = start - dt.timedelta(days=rng.randint(20, 60))
    people: list[dict[str, Any]] = []

    def person(roles: list[str], p_since: dt.date, until: dt.date | None = None) -> str:
        pid, name, github = _person(rng, used, exid)
        rec: dict[str, Any] = {"id": pid, "name": name, "roles": roles}
        contacts[pid] = {
            "email": f"{pid}@example.gov.ua",
            "phone": f"+380 44 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        }
        if rng.random() < 0.8:
            rec["github"] = github
        rec["since"] = p_since
        if until:
            rec["until"] = until
            rec["until_reason"] = m.LeaveReason.TRANSFER.value
        people.append(rec)
        return pid

    person([m.ExecutorRole.HEAD.value], since)
    managers = [person([m.ExecutorRole.MANAGER.value], since) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.5:  # the координатор may also be a менеджер (III.15)
        managers.append(
            person([m.ExecutorRole.COORDINATOR.value, m.ExecutorRole.MANAGER.value], since)
        )
    else:
        person([m.ExecutorRole.COORDINATOR.value], since)
    implementers: list[tuple[str, dt.date, dt.date | None]] = [
        (person([m.ExecutorRole.IMPLEMENTER.value], since), since, None)
    ]
    for _extra in range(rng.randint(0, 2)):
        implementers.append((person([m.ExecutorRole.IMPLEMENTER.value], since), since, None))
    if rng.random() < 0.4:  # one left mid-programme and was replaced (III.14)
        left = _day(rng, start + (end - start) / 4, start + (end - start) * 3 / 4)
        old = person([m.ExecutorRole.IMPLEMENTER.value], since, left)
        new = person([m.ExecutorRole.IMPLEMENTER.value], left + dt.timedelta(days=1))
        implementers += [(old, since, left), (new, left + dt.timedelta(days=1), None)]
    return people, Roster(implementers, managers)


def write_measure(
    plan: Plan,
    rng: random.Random,
    measure: dict[str, Any],
    reports: list[tuple[str, dict[str, Any]]],
    assessments: list[tuple[str, dict[str, Any]]],
    rosters: dict[str, Roster],
    analysts: list[str],
) -> None:
    """A measure's file and its reports and assessments, each by the right people: a report by
    the roster of its executor (the main executor in force in its quarter)."""
    mid = measure["id"]
    plan.add(f"measures/{mid}.yaml", measure)
    manager: dict[str, str] = {}  # one менеджер approves an executor's reports of the measure
    for period, rec in reports:
        roster = rosters[rec["executor"]]
        rec["prepared_by"] = roster.implementer_on(rng, rec["approved_on"])
        if rec["executor"] not in manager:
            manager[rec["executor"]] = rng.choice(roster.managers)
        rec["approved_by"] = manager[rec["executor"]]
        order = ["measure", "period", "kind", "executor", "prepared_by", "approved_by"]
        plan.add(
            f"reports/{period}/{mid}.yaml",
            {k: rec[k] for k in order} | {k: v for k, v in rec.items() if k not in order},
        )
    for period, rec in assessments:
        rec["analyst"] = rng.choice(analysts)
        order = ["measure", "period", "date", "analyst"]
        plan.add(
            f"assessments/{period}/{mid}.yaml",
            {k: rec[k] for k in order} | {k: v for k, v in rec.items() if k not in order},
        )


def _assign(
    plan: Plan, rosters: dict[str, Roster], analysts: list[str], results: list[str]
) -> None:
    """Assignments as the керівник, менеджери and редактор would make them (no randomness: the
    rest of the data stays as the seed made it): each executor's measures (main, then co-)
    in turn to its менеджери — a main measure to the one who approved its reports — and to its
    current впроваджувачі, each of whom gets at least one; measures and ОСР in turn to the
    analysts, a measure to the author of its latest assessment."""
    measures = {k[9:-5]: r for k, r in plan.files.items() if k.startswith("measures/")}
    approver: dict[str, str] = {}
    latest: dict[str, tuple[str, str]] = {}
    for key, rec in plan.files.items():
        if key.startswith("reports/"):
            approver[rec["measure"]] = rec["approved_by"]
        elif key.startswith("assessments/"):
            latest[rec["measure"]] = max(
                latest.get(rec["measure"], ("", "")), (rec["period"], rec["analyst"])
            )
    for exid, roster in rosters.items():
        own = [mid for mid, r in measures.items() if r["main_executor"]["executor"] == exid]
        own += [
            mid
            for mid, r in measures.items()
            if exid in (c["executor"] for c in r["co_executors"]) and mid not in own
        ]
        own.sort(key=id_sort_key)
        current = [pid for pid, _since, until in roster.implementers if until is None]
        block: dict[str, dict[str, Any]] = {}
        for n, mid in enumerate(own):
            manager = (
                approver.get(mid) if measures[mid]["main_executor"]["executor"] == exid else None
            )
            if manager not in roster.managers:  # reports by another executor (reassigned)
                manager = None
            block[mid] = {
                "manager": manager or roster.managers[n % len(roster.managers)],
                "implementers": [current[n % len(current)]],
            }
        for n, pid in enumerate(current[len(own) :] if own else []):
            block[own[n % len(own)]]["implementers"].append(pid)
        record = plan.files[f"executors/{exid}.yaml"]
        people = record.pop("people")
        record["assignments"] = block
        record["people"] = people
    staff = plan.files["staff.yaml"]
    staff["assignments"] = {
        "measures": {
            mid: latest[mid][1] if mid in latest else analysts[n % len(analysts)]
            for n, mid in enumerate(sorted(measures))
        },
        "results": {rid: analysts[n % len(analysts)] for n, rid in enumerate(sorted(results))},
    }
    staff["people"] = staff.pop("people")


def generate(opts: Options) -> Plan:
    """Every file of a demonstration programme of the given size (no I/O)."""
    if opts.measures < 1 or opts.executors < 2 or opts.years < 1:
        raise ConfigError(_("a demonstration needs at least 1 measure, 2 executors and 1 year"))
    rng = random.Random(opts.seed)
    plan = Plan()
    start = dt.date(START_YEAR, 1, 1)
    end = dt.date(START_YEAR + opts.years, 1, 1) - dt.timedelta(days=1)
    qs = quarters(opts.years)
    amended_on = _day(rng, start + (end - start) * 11 // 20, start + (end - start) * 13 // 20)
    act = "Постанова Кабінету Міністрів України"
    amend_act = f"{act} від {_words(amended_on)} № {rng.randint(900, 1400)}"
    plan.add(
        "programme.yaml",
        {
            "id": f"dap-demo-{start.year}-{end.year}",
            "title": f"Державна антикорупційна програма на {start.year}–{end.year} роки "
            f"(синтетичні демонстраційні дані, {opts.measures} заходів)",
            "short_title": f"ДАП {start.year}–{end.year} (демо)",
            "act": {
                "title": f"{act} «Про затвердження Державної антикорупційної програми на "
                f"{start.year}—{end.year} роки»",
                "number": str(rng.randint(100, 400)),
                "date": start - dt.timedelta(days=rng.randint(20, 60)),
                "url": "https://example.gov.ua/laws/dap-demo",
            },
            "amendments": [
                {
                    "title": f"{act} про внесення змін до Державної антикорупційної програми",
                    "number": amend_act.rsplit("№ ", 1)[1],
                    "date": amended_on,
                }
            ],
            "period": {"start": start, "end": end},
            "demo": True,
            "reporting": {
                "window_start_day": 1,
                "window_end_day": 15,
                "submission_dates": "recorded",
            },
            "levels": {"medium_from": 40, "high_from": 75},
            # A placeholder repository (a GitHub Enterprise address on the demo's fake domain):
            # the forms' «Надіслати» shows where a file would go. People are not listed in the
            # forms unless a programme says so, as they are not named on the site.
            "forge": {
                "kind": "github",
                "repository": "https://example.gov.ua/nazk/dap-demo-data",
                "branch": "main",
                "data_folder": "data",
                "list_people": False,
            },
            "feedback_email": "feedback@example.gov.ua",
        },
    )

    # NACP staff: administrators, editors and analysts (an analyst holds no other role).
    used: set[str] = set()
    staff: list[dict[str, Any]] = []
    analysts: list[str] = []
    roles = [
        m.StaffRole.TECH_ADMIN,
        m.StaffRole.USERS_ADMIN,
        m.StaffRole.EDITOR,
        m.StaffRole.EDITOR,
    ]
    roles += [m.StaffRole.ANALYST] * max(2, opts.measures // 60)
    for role in roles:
        pid, name, github = _person(rng, used, "nazk")
        staff.append(
            {
                "id": pid,
                "name": name,
                "roles": [role.value],
                "github": github,
                "since": start - dt.timedelta(days=30),
            }
        )
        plan.contacts[pid] = {"email": f"{pid}@example.gov.ua"}
        if role == m.StaffRole.ANALYST:
            analysts.append(pid)
    plan.add("staff.yaml", {"people": staff})

    # Executors with their rosters.
    bodies = _executors(rng, opts.executors)
    rosters: dict[str, Roster] = {}
    agreement: dict[str, bool] = {}
    for exid, name, short, by_agreement in bodies:
        people, roster = _roster(rng, exid, used, start, end, plan.contacts)
        rosters[exid] = roster
        agreement[exid] = by_agreement
        rec: dict[str, Any] = {"id": exid, "name": name, "short_name": short}
        rec["aliases"] = [short]
        rec["by_agreement"] = by_agreement
        rec["people"] = people
        plan.add(f"executors/{exid}.yaml", rec)

    # Structure: напрями → проблеми → ОСР (about 3 ОСР per problem, 7 problems per direction).
    n_results = max(1, opts.measures * 3 // 20)
    n_problems = max(1, -(-n_results // 3))
    n_directions = max(1, min(len(DIRECTIONS) * 3, -(-n_problems // 7)))
    directions: list[str] = []
    per_top: dict[int, int] = {}
    for i in range(n_directions):
        top = 1 + i * 3 // n_directions
        per_top[top] = per_top.get(top, 0) + 1
        did = f"{top}.{per_top[top]}"
        directions.append(did)
        plan.add(
            f"sections/{did}.yaml",
            {
                "id": did,
                "level": "напрям",
                "title": DIRECTIONS[i % len(DIRECTIONS)],
                "order": i + 1,
            },
        )
    problems: list[str] = []
    for i in range(n_problems):
        did = directions[i % n_directions]
        pid = f"{did}.{i // n_directions + 1}"
        problems.append(pid)
        plan.add(
            f"sections/{pid}.yaml",
            {
                "id": pid,
                "level": "проблема",
                "title": f"{rng.choice(PROBLEMS)} {rng.choice(PROBLEM_OBJECTS)} "
                f"{rng.choice(QUALIFIERS)}",
                "parent": did,
                "order": i + 1,
            },
        )
    results: list[tuple[str, str]] = []  # (ОСР id, problem id)
    indicators_of: dict[str, list[dict[str, Any]]] = {}
    for i in range(n_results):
        prob = problems[i % n_problems]
        rid = f"{prob}.{i // n_problems + 1}"
        results.append((rid, prob))
        indicators = _indicators(rng)
        indicators_of[rid] = indicators
        plan.add(
            f"results/{rid}.yaml",
            {
                "id": rid,
                "number": rid,
                "title": f"{rng.choice(RESULT_OPENINGS)} {rng.choice(OBJECTS)} "
                f"{rng.choice(QUALIFIERS)}, {rng.choice(PURPOSES)}",
                "problem": prob,
                "indicators": indicators,
            },
        )

    # Measures, each with its reports and assessments quarter by quarter.
    executor_ids = [b[0] for b in bodies]
    count_in: dict[str, int] = {}
    total, i = 0, -1
    while total < opts.measures:  # measures that take a removed one's place count too
        i += 1
        rid, prob = results[i % n_results]
        count_in[rid] = count_in.get(rid, 0) + 1
        mid = f"{rid}.{count_in[rid]}"
        number = mid
        if rng.random() < 0.03:  # the same measure repeated for another executor: «1.1.1.5.4 (6)»
            suffix = rng.randint(1, 9)
            mid, number = f"{mid}.({suffix})", f"{mid} ({suffix})"
        serves = [rid]
        siblings = [r for r, p in results if p == prob and r != rid]
        if siblings and rng.random() < 0.15:
            serves.append(rng.choice(siblings))
        main = executor_ids[rng.randrange(len(executor_ids))]
        measure, reports, assessments = _measure(
            rng, opts, mid, number, prob, serves, main, executor_ids, agreement, qs, start, end
        )
        made = [(measure, reports, assessments)]
        kind = draw(rng) if start < amended_on < end else None
        if kind is not None:
            reports, assessments, kind = amend(
                rng, kind, measure, reports, assessments, amend_act, amended_on,
                executor_ids, agreement,
            )  # fmt: skip
            made = [(measure, reports, assessments)]
        later = [q for q in qs if quarter_bounds(q)[0] > amended_on]
        ids = successor_ids(kind or "", mid)[: opts.measures - total - 1]
        if kind in ("split", "renumbered") and len(later) > 1 and ids:
            # The measures that take its place enter the programme on the day of the act.
            hand_over(measure, kind, ids)
            for k, sid in enumerate(ids, 1):
                s_start = quarter_bounds(later[0])[0]
                successor, s_reports, s_assessments = _measure(
                    rng, opts, sid, f"{number}.{k}", prob, serves, main, executor_ids,
                    agreement, later, s_start, end,
                )  # fmt: skip
                if kind == "renumbered":
                    successor["title"] = measure["title"]
                successor["amendments"] = [{"date": amended_on, "act": amend_act, "added": True}]
                made.append((successor, s_reports, s_assessments))
        for record, reps, marks in made:
            write_measure(plan, rng, record, reps, marks, rosters, analysts)
        total += len(made)

    _assign(plan, rosters, analysts, [r for r, _p in results])

    # Annual evaluations of every ОСР.
    for year in range(start.year, end.year + 1):
        for rid, _title in results:
            plan.add(
                f"evaluations/{year}/{rid}.yaml",
                _evaluation(rng, rid, year, indicators_of[rid], rng.choice(analysts)),
            )

    # Stakeholder feedback and site notices.
    measure_ids = sorted(k[9:-5] for k in plan.files if k.startswith("measures/"))
    for i in range(max(1, opts.measures // 100)):
        day = _day(rng, start + dt.timedelta(days=60), end)
        rec = {
            "id": f"{day.year}-{i + 1:04d}",
            "date": day,
            "measure": rng.choice(measure_ids),
            "author": rng.choice(
                [
                    "Громадська організація «Прозорі закупівлі» (демо)",
                    "Антикорупційна ініціатива (демо)",
                ]
            ),
            "text": _sentences(rng, REPORT_SENTENCES, 2)
            + " Просимо оприлюднювати ці відомості також у форматі CSV.",
        }
        if rng.random() < 0.7:
            rec["answer"] = "Дякуємо за пропозицію. Відомості буде оприлюднено у форматі CSV."
            rec["answered_on"] = day + dt.timedelta(days=rng.randint(3, 25))
        plan.add(f"feedback/{rec['id']}.yaml", rec)
    for year in range(start.year, end.year):
        nid = f"{year + 1}-national-report"
        plan.add(
            f"notices/{nid}.yaml",
            {
                "id": nid,
                "kind": m.NoticeKind.NATIONAL_REPORT.value,
                "title": f"Національна доповідь щодо реалізації засад антикорупційної політики у {year} році (демо)",
                "text": f"НАЗК підготувало національну доповідь за {year} рік.",
                "date": dt.date(year + 1, 6, 28),
                "links": [
                    {
                        "title": "Текст доповіді",
                        "url": f"https://example.gov.ua/nazk/dopovid-{year}",
                    }
                ],
            },
        )
    not_after(plan, opts.today or dt.date.today())
    if opts.english:
        _english(plan, opts)
    return plan


def _beside(record: dict[str, Any], field: str, english: str) -> dict[str, Any]:
    """`record` with `<field>_en` right after `field`, as a person would write it."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        out[key] = value
        if key == field:
            out[field + "_en"] = english
    return out


def _english(plan: Plan, opts: Options) -> None:
    """English texts where the fixed lists have them: the programme, the directions, the
    central bodies and their territorial offices (`dap demo --english`). Problems, ОСР,
    measures, indicators and the oblast administrations stay without, so an English edition
    shows both kinds of text. No random draw: the rest of the files stay the same bytes."""
    files = plan.files
    period = files["programme.yaml"]["period"]
    years = f"{period['start'].year}–{period['end'].year}"
    programme = _beside(
        files["programme.yaml"],
        "title",
        f"State Anti-Corruption Program for {years} (synthetic demonstration data, "
        f"{opts.measures} measures)",
    )
    files["programme.yaml"] = _beside(programme, "short_title", f"SACP {years} (demo)")
    directions = dict(zip(DIRECTIONS, DIRECTIONS_EN, strict=True))
    for rel, record in files.items():
        if rel.startswith("sections/") and record["title"] in directions:
            files[rel] = _beside(record, "title", directions[record["title"]])
        elif rel.startswith("executors/"):
            body, _sep, office = record["id"].partition("-to")
            if body not in BODIES_EN:
                continue
            name, short = BODIES_EN[body]
            if office:
                name, short = f"{name} (territorial office No. {office})", f"{short} TO {office}"
            files[rel] = _beside(_beside(record, "name", name), "short_name", short)


def _indicators(rng: random.Random) -> list[dict[str, Any]]:
    """1–3 indicators with weights summing to 100: cumulative parts, graded tiers or free scores."""
    count = rng.choice([1, 2, 2, 3])
    cuts = sorted(rng.sample(range(1, 20), count - 1))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 20], strict=True)]
    out: list[dict[str, Any]] = []
    for n, w in enumerate(weights, start=1):
        weight = w * 5
        ind: dict[str, Any] = {
            "id": str(n),
            "title": f"{rng.choice(INDICATOR_TITLES)} {rng.choice(OBJECTS)}",
            "weight": weight,
        }
        kind = rng.choice(["сумарні", "ступені", None])
        if kind == "сумарні" and weight >= 10:
            parts = rng.randint(2, min(4, weight // 5))
            cut = sorted(rng.sample(range(1, weight // 5), parts - 1))
            shares = [(b - a) * 5 for a, b in zip([0, *cut], [*cut, weight // 5], strict=True)]
            ind["kind"] = kind
            ind["subindicators"] = [
                {
                    "id": "абвгд"[j],
                    "title": f"{rng.choice(ACTIONS).lower()} {rng.choice(OBJECTS)}",
                    "share": s,
                }
                for j, s in enumerate(shares)
            ]
        elif kind == "ступені" and weight >= 15:
            tiers = [weight, weight * 3 // 5, weight // 4]
            limits = [60, 45, 30]
            ind["kind"] = kind
            ind["subindicators"] = [
                {"id": "абв"[j], "title": f"понад {limits[j]}% органів", "share": s}
                for j, s in enumerate(tiers)
            ]
        ind["data_source"] = rng.choice(DATA_SOURCES)
        out.append(ind)
    return out


def _evaluation(
    rng: random.Random,
    rid: str,
    year: int,
    indicators: list[dict[str, Any]],
    analyst: str,
) -> dict[str, Any]:
    """An annual evaluation: achieved parts, the tier reached, or a free score per indicator."""
    scores: list[dict[str, Any]] = []
    progress = min(1.0, 0.25 + 0.25 * (year - START_YEAR) + rng.uniform(-0.2, 0.2))
    for ind in indicators:
        subs = ind.get("subindicators", [])
        src = ind.get("data_source", "НАЗК")
        rationale = _sentences(rng, EVALUATION_SENTENCES, rng.randint(1, 3), src=src)
        entry: dict[str, Any] = {"indicator": ind["id"]}
        if subs and ind["kind"] == "сумарні":
            entry["achieved"] = [s["id"] for s in subs if rng.random() < progress]
        elif subs:
            reached = [s["id"] for s in subs if rng.random() < progress]
            entry["achieved"] = reached[:1]
        else:
            entry["score"] = round(ind["weight"] * progress * rng.uniform(0.6, 1.0), 1)
        entry["value"] = f"{rng.randint(5, 95)}%"
        entry["rationale"] = rationale
        if rng.random() < 0.3:
            entry["data_source"] = src
        scores.append(entry)
    return {
        "result": rid,
        "year": year,
        "date": dt.date(year + 1, rng.randint(2, 3), rng.randint(1, 28)),
        "analyst": analyst,
        "indicators": scores,
        "summary": f"Оцінку ОСР {rid} за {year} рік здійснено на підставі даних виконавців та "
        "результатів моніторингу.",
    }


DONE_ON = ("approved_on", "submitted", "date", "completed", "answered_on")  # what validate checks


def not_after(plan: Plan, today: dt.date) -> None:
    """A programme still running on `today`: what would be done after it is not in the data
    yet (its reports, assessments, evaluations, answers and amendments), as validate requires.
    The draws are made all the same, so a programme that ended before `today` is unchanged."""

    def later(record: dict[str, Any], names: tuple[str, ...] = DONE_ON) -> bool:
        return any(isinstance(record.get(n), dt.date) and record[n] > today for n in names)

    for rel in list(plan.files):
        record = plan.files[rel]
        kind = rel.split("/", 1)[0]
        if kind in ("reports", "assessments", "evaluations", "feedback") and later(record):
            del plan.files[rel]
        elif kind == "measures":
            if later(record, ("completed",)):
                del record["completed"]
            kept = [a for a in record.get("amendments", []) if not later(a)]
            if kept:
                record["amendments"] = kept
            else:
                record.pop("amendments", None)
