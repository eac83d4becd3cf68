"""Reviewer assignment end to end, at the size of an NSFC department, through the product's service.

    python bench/assignment_e2e.py [--applications 20000] [--reviewers 5000] [--k 5] [--mode optimal]

Seeds a synthetic stage (clearly not real data) on PostgreSQL in its own database
``shenbao_bench_assign`` (recreated): a closed call, 400 institutions, the applications with their
applicants and lead institutions, the expert pool with expertise texts and affiliations (so the
institution conflicts are real), and declared conflicts (one expert in ten declares one, half with an
application, half with an institution).  Then, in a fresh process so its peak memory is the run's own,
``reviews.services.assignment.run_assignment`` does everything staff trigger with one click: conflicts,
affinity, candidate lists, the flow solver and saving the assignments.  Prints JSON with the wall and
CPU time of each phase, the peak resident memory of that process and the outcome.

Goal (issue 18): 20,000 applications × 5,000 experts in at most 60 s and 2 GB.
Needs PostgreSQL at 127.0.0.1:5432 (trust auth).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DB = "shenbao_bench_assign"
DSN = f"postgres://postgres@127.0.0.1:5432/{DB}"
CALL_CODE = "scale-assign"

# Research terms the synthetic texts are made of: applications and experts share them, so the
# affinity has something to find, as in a real department.
TERMS = [
    "锂电池",
    "储能",
    "固态电解质",
    "钠离子",
    "氢能",
    "燃料电池",
    "光伏",
    "钙钛矿",
    "风电",
    "电网调度",
    "碳捕集",
    "核聚变",
    "大模型",
    "推理加速",
    "知识图谱",
    "联邦学习",
    "计算机视觉",
    "语音识别",
    "机器人",
    "自动驾驶",
    "芯片设计",
    "存算一体",
    "量子计算",
    "量子通信",
    "光刻",
    "半导体材料",
    "传感器",
    "物联网",
    "区块链",
    "隐私计算",
    "网络安全",
    "操作系统",
    "水稻",
    "育种",
    "基因编辑",
    "病虫害",
    "土壤修复",
    "水资源",
    "生态保护",
    "气候变化",
    "海洋观测",
    "深海探测",
    "肿瘤免疫",
    "新药筛选",
    "疫苗",
    "医学影像",
    "脑科学",
    "干细胞",
    "中医药",
    "公共卫生",
    "康复器械",
    "药物递送",
    "高温合金",
    "复合材料",
    "增材制造",
    "精密加工",
    "工业软件",
    "数控机床",
    "航空发动机",
    "卫星导航",
    "遥感",
    "低空经济",
]
METHODS = ("机理研究", "关键技术", "理论与方法", "系统集成与示范", "前沿探索", "应用基础研究")


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")


def setup_django() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ["DATABASE_URL"] = DSN
    os.environ["DJANGO_SETTINGS_MODULE"] = "shenbao.config.settings"
    import django

    django.setup()


def seed(applications: int, reviewers: int, k: int) -> dict[str, Any]:
    """Bulk-insert the stage (the product's services would take hours to create 25,000 accounts; what
    is measured is the assignment, not the seeding)."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from tests.applications.fixtures import close_submissions, open_call

    from shenbao.accounts.models import Membership, Organisation, Person, User
    from shenbao.applications.enums import ApplicationState
    from shenbao.applications.models import Application
    from shenbao.calls.models import Direction, ReviewStage
    from shenbao.reviews.enums import EntryStatus, PoolStatus
    from shenbao.reviews.models import DeclaredConflict, PoolMember, StageEntry

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call = open_call("000", code=CALL_CODE, days_left=30)
    close_submissions(call)
    stage = ReviewStage.objects.filter(call=call).order_by("position", "pk").first()
    assert stage is not None
    directions = list(Direction.objects.filter(call=call))
    rng = random.Random(20261203)  # noqa: S311 - synthetic data, not secrets
    organisations = Organisation.objects.bulk_create(
        [Organisation(name={"zh-hans": f"压测单位{i}", "en": f"Bench institution {i}"}, type="university") for i in range(400)]
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"applicant{i}@bench.example", password=password) for i in range(applications)]
        + [User(email=f"expert{i}@bench.example", password=password) for i in range(reviewers)],
        batch_size=2000,
    )
    applicants, experts = users[:applications], users[applications:]
    Person.objects.bulk_create(
        [
            Person(
                user=u,
                name=f"专家{i}",
                expertise_keywords=(keywords := rng.sample(TERMS, 3)),
                expertise_text="、".join(keywords) + "等方向的研究",
            )
            for i, u in enumerate(experts)
        ],
        batch_size=2000,
    )
    home = {u.pk: rng.choice(organisations) for u in users}
    Membership.objects.bulk_create([Membership(user=u, organisation=home[u.pk]) for u in users], batch_size=2000)
    apps = Application.objects.bulk_create(
        [
            Application(
                call=call,
                direction=directions[i % len(directions)] if directions else None,
                applicant=u,
                lead_organisation=home[u.pk],
                state=ApplicationState.SUBMITTED,
                receipt_number=f"BENCH-{i:06d}",
                title=f"{(a := rng.choice(TERMS))}与{(b := rng.choice(TERMS))}的{rng.choice(METHODS)}",
                fields=[a, b],
                values={"summary": f"本项目面向{a}，结合{b}，开展{rng.choice(METHODS)}。"},
            )
            for i, u in enumerate(applicants)
        ],
        batch_size=2000,
    )
    StageEntry.objects.bulk_create(
        [StageEntry(stage=stage, application=a, status=EntryStatus.IN_REVIEW) for a in apps], batch_size=2000
    )
    # Each expert may take half as many again as an even share, as a program office would set it.
    load = -(-3 * applications * k // (2 * reviewers))
    PoolMember.objects.bulk_create(
        [PoolMember(call=call, user=u, status=PoolStatus.ACCEPTED, token=f"bench-{u.pk}", load_limit=load) for u in experts],
        batch_size=2000,
    )
    declared = []
    for i, u in enumerate(experts[::10]):
        if i % 2:
            declared.append(DeclaredConflict(call=call, reviewer=u, application=rng.choice(apps), reason="合作关系"))
        else:
            declared.append(DeclaredConflict(call=call, reviewer=u, organisation=rng.choice(organisations), reason="兼职"))
    DeclaredConflict.objects.bulk_create(declared)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "applications": len(apps),
        "reviewers": len(experts),
        "institutions": len(organisations),
        "declared_conflicts": len(declared),
        "load_limit": load,
        "stage": stage.pk,
    }


class Phases:
    """Wall and CPU time spent inside the named functions of the assignment service."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - wall
                self.cpu[name] += time.process_time() - cpu

        return timed


def run(stage_id: int, k: int, mode: str) -> dict[str, Any]:
    """The measured part, in its own process: one click of "assign" on the stage."""
    from shenbao.accounts.models import User
    from shenbao.calls.models import ReviewStage
    from shenbao.reviews.models import Assignment
    from shenbao.reviews.services import assignment as service

    phases = Phases()
    for name in ("conflicts_for_call", "text_matrices", "top_k_candidates", "assign_reviewers", "log_action"):
        setattr(service, name, phases.wrap(name, getattr(service, name)))
    service.application_text = phases.wrap("application_text", service.application_text)
    manager = Assignment.objects
    manager.bulk_create = phases.wrap("save_assignments", manager.bulk_create)  # type: ignore[method-assign]
    stage = ReviewStage.objects.get(pk=stage_id)
    actor = User.objects.get(email="expert0@bench.example")
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = service.run_assignment(stage=stage, actor=actor, mode=mode, k=k, seed=7 if mode == "random" else None)
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    accounted = sum(phases.wall.values())
    return {
        "mode": mode,
        "k": k,
        "wall_s": round(total_wall, 2),
        "cpu_s": round(total_cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "phases_wall_s": {name: round(v, 2) for name, v in sorted(phases.wall.items(), key=lambda i: -i[1])}
        | {"other (loading rows, caps, kept assignments)": round(total_wall - accounted, 2)},
        "phases_cpu_s": {name: round(v, 2) for name, v in sorted(phases.cpu.items(), key=lambda i: -i[1])},
        "created": outcome.created,
        "short": outcome.short,
        "top_k": outcome.run.parameters["top_k"],
        "summary": outcome.run.summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=20000)
    parser.add_argument("--reviewers", type=int, default=5000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--mode", default="optimal", choices=("optimal", "random", "fair"))
    parser.add_argument("--run-stage", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.run_stage:
        setup_django()
        print(json.dumps(run(args.run_stage, args.k, args.mode)))
        return
    recreate_database()
    setup_django()
    seeded = seed(args.applications, args.reviewers, args.k)
    child = subprocess.run(
        [sys.executable, __file__, "--run-stage", str(seeded["stage"]), "--k", str(args.k), "--mode", args.mode],
        check=True,
        capture_output=True,
        text=True,
    )
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    result = {
        "configuration": "PostgreSQL 127.0.0.1, one process, Django ORM, the product's settings",
        "seed": seeded,
        "assignment": measured,
        "goal": {"wall_s": 60, "peak_rss_mb": 2048},
    }
    out = ROOT / "bench" / "results" / "assignment_e2e.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
