"""Seeded, realistic sandbox data shared by the Crossmark and Retail Link sandboxes.

``sandbox_dataset(today)`` builds ~35 reps and mPlans of every type (Core + Supervisor pairs with the
same 6-digit event number, Juicer production and survey, Freeosk, Digital setup/refresh/teardown,
Other), windows of several days, a few already Scheduled, and the EDR events (items with GTINs,
some 9-digit UPCs, departments, vendors) for the same event numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from devtools.sandbox.catalog import (
    CORE_PRODUCTS,
    DEPARTMENTS,
    DIGITAL_CAMPAIGNS,
    FIRST_NAMES,
    FREEOSK_THEMES,
    JUICES,
    LAST_NAMES,
    PREP_TEXT,
    Product,
)

DEFAULT_SEED = 8135
STORE_NUMBER = "8135"
STORE_LOCATION_ID = "157384"
STORE_NAME = "Sam's Club 8135"
TIMEZONE = "America/Indiana/Indianapolis"
FIRST_REP_ID = 150001
FIRST_MPLAN_ID = 31785901
FIRST_SCHEDULED_EVENT_ID = 43898701
MIN_REPS = 10
BULK_DAYS_BACK, BULK_SPREAD_DAYS, BULK_SCHEDULE_EVERY = 7, 84, 5


@dataclass
class SandboxRep:
    rep_id: str
    employee_id: str
    first_name: str
    last_name: str
    job_title: str
    rep_mvid: str

    @property
    def title(self) -> str:
        """The display name MVRetail calls ``title``."""
        return f"{self.first_name} {self.last_name}"


@dataclass
class SandboxMplan:
    mplan_id: int
    name: str
    start_date: date
    end_date: date
    store_id: str = STORE_LOCATION_ID
    store_name: str = STORE_NAME
    condition: str = "Unstaffed"
    sales_tool_path: str | None = None
    schedule_start: datetime | None = None
    schedule_rep_id: str | None = None
    schedule_event_id: str | None = None
    staffed_reps: str = ""


@dataclass(frozen=True)
class SandboxItem:
    item_number: str
    gtin: str
    description: str
    vendor_number: str
    vendor_name: str
    billed_vendor_number: str
    dept_number: int
    featured: bool


@dataclass
class SandboxEdrEvent:
    event_number: str
    name: str
    event_date: date
    class_code: int
    status_code: int
    locked: bool
    prep_text: str
    portion_text: str
    items: list[SandboxItem] = field(default_factory=list)


@dataclass
class SandboxDataset:
    today: date
    reps: list[SandboxRep]
    mplans: list[SandboxMplan]
    edr_events: dict[str, SandboxEdrEvent]
    timezone: str = TIMEZONE
    store_number: str = STORE_NUMBER
    store_location_id: str = STORE_LOCATION_ID
    store_name: str = STORE_NAME
    next_scheduled_event_id: int = FIRST_SCHEDULED_EVENT_ID

    def rep(self, rep_id: str) -> SandboxRep | None:
        """The rep with this repId, if any."""
        return next((r for r in self.reps if r.rep_id == rep_id), None)

    def mplan(self, mplan_id: int) -> SandboxMplan | None:
        """The mPlan with this id, if any."""
        return next((m for m in self.mplans if m.mplan_id == mplan_id), None)


class _Builder:
    def __init__(self, today: date, rng: random.Random) -> None:
        self.today = today
        self.rng = rng
        self.number = 606000
        self.mplan_id = FIRST_MPLAN_ID
        self.mplans: list[SandboxMplan] = []
        self.edr: dict[str, SandboxEdrEvent] = {}
        self.vendors: dict[str, tuple[str, str]] = {}

    def next_number(self) -> str:
        self.number += self.rng.randint(1, 3)
        return str(self.number)

    def add(self, name: str, start: date, length_days: int, tool: bool = False) -> SandboxMplan:
        mplan = SandboxMplan(self.mplan_id, name, start, start + timedelta(days=length_days))
        if tool:
            mplan.sales_tool_path = f"/salestools/{self.mplan_id}.pdf"
        self.mplans.append(mplan)
        self.mplan_id += self.rng.randint(1, 9)
        return mplan

    def edr_event(self, number: str, name: str, day: date, class_code: int, product: Product | None,
                  portion: str) -> None:
        items = [self._item(desc, product, i) for i, desc in enumerate(product.items)] if product else []
        self.edr[number] = SandboxEdrEvent(number, name, day, class_code, 2, day <= self.today + timedelta(2),
                                           PREP_TEXT, portion, items)

    def _item(self, description: str, product: Product | None, index: int) -> SandboxItem:
        vendor = product.vendor if product else "CLUB SERVICES"
        if vendor not in self.vendors:
            numbers = self.rng.sample(range(100000, 999999), 2)
            self.vendors[vendor] = (str(numbers[0]), str(numbers[1]))
        vendor_number, billed = self.vendors[vendor]
        digits = 9 if self.rng.random() < 0.25 else self.rng.choice((12, 13, 14))
        gtin = str(self.rng.randint(1, 9)) + "".join(str(self.rng.randint(0, 9)) for _ in range(digits - 1))
        return SandboxItem(str(self.rng.randint(100000000, 989999999)), gtin, description, vendor_number,
                           vendor, billed, product.dept if product else 66, index == 0)


def _reps(rng: random.Random, count: int = 35) -> list[SandboxRep]:
    names = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    ids = rng.sample(range(100000, 999999), count)
    reps = []
    for i in range(count):
        title = ("Club Supervisor" if i == 0 else "Lead Event Specialist" if i < 4
                 else "Juicer Barista" if i < 7 else "Event Specialist")
        first, last = names[i]
        reps.append(SandboxRep(str(FIRST_REP_ID + i), f"US{ids[i]}", first, last, title, str(900000 + i * 7)))
    return reps


def sandbox_dataset(today: date, days: int = 14, seed: int = DEFAULT_SEED, *, reps: int = 35,
                    mplans: int | None = None) -> SandboxDataset:
    """A deterministic dataset for ``seed`` with windows around ``today .. today + days``.

    ``reps`` sets the team size (at least 8, so every job title is there); ``mplans``, when larger than
    the seeded set, pads it with :func:`filler_mplans` spread over the sync window, every fifth one
    Scheduled to a rep (bulk data for benchmarks).
    """
    if not MIN_REPS <= reps <= len(FIRST_NAMES) * len(LAST_NAMES):
        raise ValueError(f"reps must be between {MIN_REPS} and {len(FIRST_NAMES) * len(LAST_NAMES)}")
    rng = random.Random(seed)
    team = _reps(rng, reps)
    b = _Builder(today, rng)
    for i in range(days):
        product = CORE_PRODUCTS[i % len(CORE_PRODUCTS)]
        number, start, length = b.next_number(), today + timedelta(days=i - 1), rng.randint(3, 6)
        b.add(f"{number}-CORE-{product.name}", start, length, tool=True)
        b.add(f"{number}-Supervisor-{product.name}", start, length)
        b.edr_event(number, f"{product.name} Demo", min(start + timedelta(days=1), start + timedelta(length)),
                    7 if i % 3 else 3, product, product.portion)
    for i in range(0, days, 2):
        number, juice = b.next_number(), JUICES[(i // 2) % len(JUICES)]
        b.add(f"{number}-JUICER-PRODUCTION-{juice}", today + timedelta(days=i), rng.randint(1, 2), tool=True)
        juice_bar = Product(juice, "CLUB JUICE BAR", 58, (f"{juice.upper()} 52OZ",), "Pour 2 oz samples.")
        b.edr_event(number, f"Juicer Production {juice}", today + timedelta(days=i), 14, juice_bar,
                    juice_bar.portion)
    for i in range(2):
        b.add(f"{b.next_number()}-JUICER-SURVEY-{JUICES[i]}", today + timedelta(days=2 + 5 * i), 2)
    for i, theme in enumerate(FREEOSK_THEMES):
        number = b.next_number()
        b.add(f"{number}-FREEOSK-{theme}", today + timedelta(days=i * 4 - 1), rng.randint(5, 7))
        kiosk = CORE_PRODUCTS[(i * 5 + 2) % len(CORE_PRODUCTS)]
        b.edr_event(number, f"Freeosk {theme}", today + timedelta(days=i * 4), 21, kiosk,
                    "Keep the kiosk stocked; no portioning.")
    for i, campaign in enumerate(DIGITAL_CAMPAIGNS):
        base = today + timedelta(days=i * 6)
        for offset, phase in ((0, "SETUP"), (3, "REFRESH"), (7, "TEARDOWN")):
            b.add(f"{b.next_number()}-DIGITAL {phase}-{campaign}", base + timedelta(days=offset), 2)
    b.add(f"{b.next_number()}-Club Reset Support", today + timedelta(days=3), 4)
    audit = b.add("Instore Audit - Beverage Cooler", today + timedelta(days=1), 5)
    audit.condition = "Canceled"
    broken = next(m for m in reversed(b.mplans) if m.sales_tool_path and "-CORE-" in m.name)
    broken.sales_tool_path = f"/salestools/broken-{broken.mplan_id}.pdf"
    dataset = SandboxDataset(today, team, b.mplans, b.edr)
    _schedule_a_few(dataset)
    if mplans is not None and mplans > len(dataset.mplans):
        filler_mplans(dataset, mplans - len(dataset.mplans), first_day=-BULK_DAYS_BACK,
                      spread_days=BULK_SPREAD_DAYS, schedule_every=BULK_SCHEDULE_EVERY)
    return dataset


def _schedule_a_few(dataset: SandboxDataset) -> None:
    supervisor = dataset.reps[0]
    specialists = [r for r in dataset.reps if r.job_title == "Event Specialist"]
    cores = [m for m in dataset.mplans if "-CORE-" in m.name][:3]
    supervisor_slots: dict[date, int] = {}
    for index, (slot, core) in enumerate(zip((time(10, 45), time(11, 15), time(11, 45)), cores,
                                             strict=False)):
        day = max(core.start_date, dataset.today)
        assign(dataset, core, specialists[index], datetime.combine(day, slot))
        number = core.name.split("-", 1)[0]
        twin = next(m for m in dataset.mplans if m.name.startswith(f"{number}-Supervisor-"))
        staggered = supervisor_slots.get(day, 0)
        supervisor_slots[day] = staggered + 1
        noon = datetime.combine(day, time(12, 0))
        assign(dataset, twin, supervisor, noon + timedelta(minutes=5 * staggered))
    juicer = next(m for m in dataset.mplans if "JUICER-PRODUCTION" in m.name)
    barista = next(r for r in dataset.reps if r.job_title == "Juicer Barista")
    assign(dataset, juicer, barista, datetime.combine(juicer.start_date, time(9, 0)))
    submitted = next(m for m in dataset.mplans if "-FREEOSK-" in m.name)
    assign(dataset, submitted, dataset.reps[1], datetime.combine(submitted.start_date, time(10, 0)))
    submitted.condition = "Submitted"


def assign(dataset: SandboxDataset, mplan: SandboxMplan, rep: SandboxRep, start: datetime) -> str:
    """Mark ``mplan`` Scheduled to ``rep`` at ``start`` (store-local); returns the new scheduled-event id."""
    event_id = str(dataset.next_scheduled_event_id)
    dataset.next_scheduled_event_id += 1
    mplan.condition = "Scheduled"
    mplan.schedule_start = start
    mplan.schedule_rep_id = rep.rep_id
    mplan.schedule_event_id = event_id
    mplan.staffed_reps = rep.title
    return event_id


def filler_mplans(dataset: SandboxDataset, count: int, *, first_day: int = 0, spread_days: int = 10,
                  schedule_every: int = 0) -> list[SandboxMplan]:
    """Append ``count`` Unstaffed mPlans (bulk data for paging, soak tests and benchmarks).

    Their windows start on ``today + first_day`` … ``+ spread_days - 1``; with ``schedule_every`` = n,
    every n-th one is Scheduled to the next rep in turn (10:00 on its first day).
    """
    first = max(m.mplan_id for m in dataset.mplans) + 1
    start = dataset.today + timedelta(days=first_day)
    added: list[SandboxMplan] = []
    for k in range(count):
        opens = start + timedelta(days=k % spread_days)
        name = f"{700000 + k}-Shelf Audit {k:04d}"
        added.append(SandboxMplan(first + k, name, opens, opens + timedelta(days=3)))
    dataset.mplans.extend(added)
    if schedule_every > 0:
        for n, mplan in enumerate(added[::schedule_every]):
            rep = dataset.reps[n % len(dataset.reps)]
            assign(dataset, mplan, rep, datetime.combine(mplan.start_date, time(10, 0)))
    return added


def department_name(number: int) -> str:
    """The description of a department number used by the sandbox."""
    return DEPARTMENTS.get(number, "GENERAL MERCHANDISE")
