"""Realistic demo data (``--demo``): one township, three villages, cases in every state.

Everything goes through the real services, so the demo is also a smoke test of them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.models import accounts, cases, office, outreach_content, rows
from app.models import registries as reg
from app.models.cases import (
    AgreementInput,
    CaseInput,
    CloseInput,
    ConfirmationInput,
    FollowUpInput,
    SessionInput,
)
from app.models.db import Database
from app.models.identity import resident_id_check_char
from app.models.parties import PartyInput

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "建国秀英桂兰志强海燕国华明亮春梅德胜玉珍永红文军丽华金凤小平淑芬振华建平红梅世昌"
# Real rare characters from CJK Extension B, as they occur in given names.
RARE = ["𠮷", "𡒄", "𪚥", "𤭢"]
VILLAGES = ["红旗村", "桃园村", "河东社区"]
OCCUPATIONS = ["农民", "个体户", "务工", "教师", "退休", "村干部", "司机"]

STORIES: list[tuple[str, str, str]] = [
    (
        "邻里",
        "双方系前后邻居。{b}家翻建房屋时排水沟改道，雨水流入{a}家院内，"
        "致{a}家院墙受潮开裂。双方多次争吵，{a}要求{b}恢复排水沟并赔偿修墙费用。",
        "请求{b}恢复原排水沟走向，并赔偿院墙修缮费用。",
    ),
    (
        "房屋宅基地",
        "{a}与{b}宅基地相邻，{b}在两家之间砌墙时越过原界址约半米，{a}认为侵占其宅基地，"
        "双方因此发生纠纷，险些动手。",
        "请求{b}拆除越界部分围墙，按原界址重新砌墙。",
    ),
    (
        "婚姻家庭",
        "{a}与{b}系夫妻，婚后育有一子。近年因家庭琐事经常争吵，{b}外出务工后很少往家里寄钱，"
        "{a}要求{b}承担孩子的抚养费用。",
        "请求{b}每月支付孩子抚养费，并按时回家照顾。",
    ),
    (
        "合同",
        "{b}向{a}借款用于购买农机，约定一年内归还，到期后{b}以收成不好为由拖欠未还，"
        "{a}多次催要未果。",
        "请求{b}归还借款本金并支付利息。",
    ),
    (
        "损害赔偿",
        "{b}家饲养的狗跑出院外，将路过的{a}咬伤，{a}到镇卫生院治疗花费医药费若干。"
        "双方对赔偿数额意见不一。",
        "请求{b}赔偿医药费、误工费等各项损失。",
    ),
    (
        "劳动争议",
        "{a}在{b}承包的工地务工三个月，工程完工后{b}以发包方未结款为由拖欠工资未付。",
        "请求{b}支付拖欠的劳务工资。",
    ),
    (
        "山林土地",
        "{a}与{b}因承包地边界发生争议，{b}在地头栽种的树木遮挡{a}家庄稼，双方多次发生口角。",
        "请求{b}移除遮挡庄稼的树木。",
    ),
    (
        "道路交通事故",
        "{b}驾驶三轮车在村道上与骑电动车的{a}相撞，{a}腿部受伤，电动车损坏。"
        "交警已认定{b}负主要责任，双方就赔偿问题协商不成。",
        "请求{b}赔偿医疗费、车辆维修费及误工费。",
    ),
]

TERMS: dict[str, list[str]] = {
    "邻里": [
        "{b}于{d}前自费将排水沟恢复原走向，保证雨水不再流入{a}家院内。",
        "{b}一次性补偿{a}院墙修缮费人民币{m}元，于签订本协议时当场付清。",
        "双方今后互谅互让，和睦相处，不再因此事发生纠纷。",
    ],
    "房屋宅基地": [
        "{b}于{d}前拆除越过原界址部分的围墙，按双方共同确认的界址重新砌墙。",
        "重新砌墙费用由{b}承担。",
        "双方对界址无其他争议，今后互不越界。",
    ],
    "婚姻家庭": [
        "{b}自本协议签订之月起，每月10日前支付孩子抚养费人民币{m}元。",
        "{b}每季度至少回家一次，看望孩子。",
        "双方互相尊重，共同维护家庭和睦。",
    ],
}
DEFAULT_TERMS = [
    "{b}于{d}前一次性支付{a}人民币{m}元。",
    "{a}收到上述款项后，双方就本纠纷再无其他争议。",
]


def _id_number(rng: random.Random, birth: date, male: bool) -> str:
    region = rng.choice(["330102", "330781", "330723"])
    order = rng.randrange(0, 50) * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{rng.randrange(0, 10)}{order:02d}"[:17]
    return body + resident_id_check_char(body)


def _person(rng: random.Random, role: str, *, rare: bool = False) -> PartyInput:
    male = rng.random() < 0.55
    birth = date(rng.randrange(1950, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
    given = rng.choice(RARE) if rare else ""
    given += "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]) - (1 if rare else 0)))
    return PartyInput(
        name=rng.choice(SURNAMES) + (given or rng.choice(GIVEN)),
        role=role,
        ethnicity="汉族",
        id_number=_id_number(rng, birth, male),
        occupation=rng.choice(OCCUPATIONS),
        phone=f"1{rng.choice('3578')}{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}",
        address=f"{rng.choice(VILLAGES)}{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号",
    )


def fill_demo(db: Database, *, today: date | None = None, seed: int = 7, count: int = 40) -> None:
    """Set up a demo office and ``count`` cases spread over every state of the life cycle."""
    rng = random.Random(seed)
    today = today or date.today()
    committee_id = office.setup_office(
        db,
        committee_name="青山镇人民调解委员会",
        abbr="青山",
        town_name="青山镇",
        villages=VILLAGES,
        user_name="李主任",
        password=DEMO_PASSWORD,
    )
    user = accounts.acting_as(db, office.current_user(db).id)
    mediator_ids = [
        office.add_mediator(
            db, by=user, name=n, committee_id=committee_id, phone=p, full_time=ft, specialities=s
        )
        for n, p, ft, s in [
            ("王建华", "13905710001", True, "婚姻家庭、邻里纠纷"),
            ("陈秀兰", "13905710002", True, "合同、劳动争议"),
            ("赵德胜", "13905710003", False, "宅基地、山林土地"),
            ("刘春梅", "13905710004", False, "婚姻家庭"),
        ]
    ]
    villages = office.villages(db)
    _fill_cases(db, rng, today, committee_id, user, mediator_ids, villages, count)
    fill_demo_registries(db, today=today, seed=seed)
    _link_demo_animations(db, by=user)
    _add_demo_users(db, by=user)


# Every demo user logs in with this password (the demo's login dialog says so).
DEMO_PASSWORD = "qingshan26"
DEMO_USERS = (("王建华", "mediator"), ("陈秀兰", "mediator"), ("孙统计", "viewer"))


def _add_demo_users(db: Database, *, by: accounts.Actor) -> None:
    """A mediator or two and a viewer beside the 主任, to try the roles (the demo is
    throw-away: they keep the demo password, not asked to change it)."""
    for name, role in DEMO_USERS:
        uid = accounts.add_user(db, by=by, name=name, role=role, password=DEMO_PASSWORD)
        with db.transaction() as conn:
            conn.execute("UPDATE users SET must_change_password = 0 WHERE id = ?", (uid,))


# Where the demo office's animations are published. A real office enters the links of its
# own videos (the shipped items come without links); these are example addresses.
DEMO_VIDEO_SITE = "https://www.example.com/qingshan/weidongman/"


def _link_demo_animations(db: Database, *, by: accounts.Actor) -> None:
    for n, item in enumerate(outreach_content.items(db, "animation"), start=1):
        extra = {**item.extra, "link": f"{DEMO_VIDEO_SITE}{n:02d}.html"}
        outreach_content.save_item(db, item.key, item.kind, item.title, item.body, extra, by=by)


def _fill_cases(
    db: Database,
    rng: random.Random,
    today: date,
    committee_id: str,
    user: accounts.Actor,
    mediator_ids: list[str],
    villages: list[office.Place],
    count: int,
) -> None:
    """``count`` cases, each taken along the life cycle as far as the plan says (every state
    has some). The random draws stay in one order, so a seed always gives the same office."""
    for i in range(count):
        target = STATE_PLAN[i % len(STATE_PLAN)]
        category, story, request = STORIES[i % len(STORIES)]
        a = _person(rng, "applicant", rare=(i % 9 == 4))
        b = _person(rng, "respondent")
        registered = _registered_on(rng, today, target, i)
        case_id = cases.register_case(
            db,
            CaseInput(
                committee_id=committee_id,
                category=category,
                source=rng.choice(
                    ["application"] * 4 + ["screening", "police", "court", "initiative"]
                ),
                registered_on=registered,
                parties=[a, b],
                facts=story.format(a=a.name, b=b.name),
                requests=request.format(a=a.name, b=b.name),
                village_id=rng.choice(villages).id,
            ),
            by=user,
            today=today,
        )
        if target in ("declined", "voided"):
            _refuse(db, case_id, target, registered, user, today)
        if target in ("registered", "declined", "voided"):
            continue
        accepted = registered + timedelta(days=rng.randrange(0, 2))
        cases.accept_case(db, case_id, by=user, accepted_on=accepted, today=today)
        if target == "accepted":
            continue
        cases.assign_mediators(
            db,
            case_id,
            by=user,
            mediator_ids=rng.sample(mediator_ids, k=rng.choice([1, 2])),
            how=rng.choice(["appointed", "chosen"]),
            assigned_on=accepted,
            today=today,
        )
        if target == "assigned":
            continue
        _record_sessions(db, case_id, category, (a, b), request, accepted, user, today)
        if target == "mediating":
            _keep_mediating(db, case_id, i, category, (a, b), story, accepted, user, today)
            continue
        close = _close_input(rng, i, today, accepted, category, (a, b), story)
        cases.close_case(db, case_id, close, by=user, today=today)
        _after_closing(db, case_id, i, target, close, a.name, user, today)


# How far each case goes along the life cycle, in turn.
STATE_PLAN = (
    ["registered"] * 3
    + ["declined"] * 2
    + ["accepted"] * 3
    + ["assigned"] * 4
    + ["mediating"] * 8
    + ["closed"] * 12
    + ["archived"] * 6
    + ["voided"] * 2
)


def _registered_on(rng: random.Random, today: date, target: str, i: int) -> date:
    """Open cases were registered lately (some overdue or nearly), finished ones earlier."""
    late = target in ("registered", "accepted", "assigned", "mediating")
    registered = today - timedelta(days=rng.randrange(5, 25) if late else rng.randrange(40, 330))
    if target == "mediating" and i % 4 == 0:
        registered = today - timedelta(days=rng.randrange(33, 45))  # overdue
    elif i == 20:  # a written agreement whose confirmation window is closing
        registered = today - timedelta(days=40)
    elif target == "mediating" and i % 4 == 1:
        registered = today - timedelta(days=28)  # due within three days
    return registered


def _refuse(
    db: Database, case_id: str, target: str, registered: date, user: accounts.Actor, today: date
) -> None:
    """不予受理 or 作废, on the day of registration."""
    if target == "declined":
        cases.decline_case(
            db,
            case_id,
            by=user,
            declined_on=registered,
            reason="被申请人明确表示拒绝调解，已告知申请人可向人民法院起诉。",
            today=today,
        )
    else:
        cases.void_case(db, case_id, by=user, reason="重复登记", voided_on=registered, today=today)


def _record_sessions(
    db: Database,
    case_id: str,
    category: str,
    parties: tuple[PartyInput, PartyInput],
    request: str,
    accepted: date,
    user: accounts.Actor,
    today: date,
) -> None:
    """An investigation the day after acceptance, then a mediation session."""
    a, b = parties
    held = datetime.combine(accepted + timedelta(days=1), time(9, 30))
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="investigation",
            held_at=held,
            place=f"{a.address}",
            record=f"到现场查看了争议情况，询问了{a.name}及邻居，情况属实。",
            participants="村调委会委员",
            subject=a.name,
            staff="王建华",
            recorder="陈秀兰",
        ),
        by=user,
        now=datetime.combine(today, time(18)),
    )
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="session",
            held_at=held + timedelta(days=2),
            place="村评理说事点",
            record=(
                "告知双方权利义务。"
                f"{a.name}陈述：{request.format(a=a.name, b=b.name)}"
                f"{b.name}陈述：同意协商解决，但认为对方要求过高。"
                "调解员释法明理，双方各退一步。"
            ),
            participants="村民小组长",
            subject=f"{a.name}与{b.name}{category}纠纷",
            staff="王建华",
            recorder="陈秀兰",
        ),
        by=user,
        now=datetime.combine(today, time(18)),
    )


def _keep_mediating(
    db: Database,
    case_id: str,
    i: int,
    category: str,
    parties: tuple[PartyInput, PartyInput],
    story: str,
    accepted: date,
    user: accounts.Actor,
    today: date,
) -> None:
    """A case still 调解中: one with its agreement drafted, some given more time."""
    a, b = parties
    if category in DRAFT_TERMS:  # an agreement being drafted, to read and sign
        _draft_agreement(db, case_id, category, parties, story, user, today)
    if i % 4 == 2:  # the parties asked for more time
        cases.extend_deadline(
            db,
            case_id,
            by=user,
            requested_by=f"{a.name}、{b.name}",
            reason="双方要求等外出务工的家属回来后再协商",
            new_due_on=accepted + timedelta(days=45),
            decided_on=today,
            today=today,
        )


def _close_input(
    rng: random.Random,
    i: int,
    today: date,
    accepted: date,
    category: str,
    parties: tuple[PartyInput, PartyInput],
    story: str,
) -> CloseInput:
    """How the case ends: mostly an agreement (written or oral), else failed or withdrawn."""
    a, b = parties
    closed = min(accepted + timedelta(days=rng.randrange(5, 25)), today)
    roll = rng.random()
    if i == 20:
        closed, roll = today - timedelta(days=25), 0.1
    money = rng.choice([800, 1500, 3000, 5000, 12300, 20000])
    deadline = closed + timedelta(days=15)
    d_text = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    if roll < 0.6:
        terms = [
            t.format(a=a.name, b=b.name, d=d_text, m=money)
            for t in TERMS.get(category, DEFAULT_TERMS)
        ]
        return CloseInput(
            closed_on=closed,
            outcome="agreement_written" if roll < 0.45 else "agreement_oral",
            performance="pending",
            prevented_criminal=(i % 7 == 0),
            prevented_petition=(i % 11 == 0),
            agreement=AgreementInput(
                terms=terms,
                facts=story.format(a=a.name, b=b.name),
                perform_manner="一次性现金支付" if money < 5000 else "银行转账",
                perform_place="青山镇人民调解委员会",
                perform_deadline=deadline,
                amount_fen=money * 100,
            ),
        )
    if roll < 0.85:
        return CloseInput(
            closed_on=closed,
            outcome="terminated",
            performance="na",
            note="双方分歧较大，经多次调解未能达成协议，已告知可通过诉讼等途径解决。",
        )
    return CloseInput(
        closed_on=closed, outcome="withdrawn", performance="na", note="申请人撤回调解申请。"
    )


def _after_closing(
    db: Database,
    case_id: str,
    i: int,
    target: str,
    close: CloseInput,
    applicant: str,
    user: accounts.Actor,
    today: date,
) -> None:
    """What follows a closing: a 回访 of some agreements, a 司法确认 of some written ones,
    the 归档 of the cases the plan archives."""
    closed = close.closed_on
    agreed = close.outcome in ("agreement_written", "agreement_oral")
    if agreed and (closed + timedelta(days=20)) <= today and i % 3:
        cases.record_follow_up(
            db,
            case_id,
            FollowUpInput(
                visited_on=closed + timedelta(days=20),
                visitor="王建华",
                person_visited=applicant,
                performed="performed",
                satisfaction="满意",
                findings="协议已按约履行，双方关系缓和。",
            ),
            by=user,
            today=today,
        )
    if close.outcome == "agreement_written" and i % 4 == 1:
        cases.record_judicial_confirmation(
            db,
            case_id,
            ConfirmationInput(
                applied_on=closed + timedelta(days=3),
                court="青山县人民法院",
                number=f"（{closed.year}）浙0781民特调确字第{10 + i}号",
                result="confirmed",
                decided_on=min(closed + timedelta(days=10), today),
            ),
            by=user,
            today=today,
        )
    if target == "archived":
        cases.archive_case(
            db,
            case_id,
            by=user,
            archived_on=min(closed + timedelta(days=30), today),
            today=today,
        )


# A case 调解中 whose agreement is drafted (协议草稿): the parties have agreed on the terms and
# the draft waits to be printed for them to read, then signed at 结案. Keyed by the story's
# category; the demo's plan makes exactly one 调解中 case of it.
DRAFT_TERMS: dict[str, list[str]] = {
    "道路交通事故": [
        "{b}赔偿{a}医疗费、车辆维修费及误工费共计人民币6800元（大写：陆仟捌佰元整），"
        "于本协议签订后15日内一次性付清。",
        "{a}收到上述款项后，不再就本次事故向{b}主张其他赔偿。",
        "双方就本纠纷再无其他争议。",
    ],
}


def _draft_agreement(
    db: Database,
    case_id: str,
    category: str,
    parties: tuple[PartyInput, PartyInput],
    story: str,
    user: accounts.Actor,
    today: date,
) -> None:
    a, b = parties
    cases.save_agreement_draft(
        db,
        case_id,
        AgreementInput(
            terms=[t.format(a=a.name, b=b.name) for t in DRAFT_TERMS[category]],
            facts=story.format(a=a.name, b=b.name),
            perform_manner="银行转账",
            perform_place="青山镇人民调解委员会",
            perform_within_days=15,
            amount_fen=680_000,
            recorder="陈秀兰",
        ),
        by=user,
        loaded=None,
        stamp=rows.ABSENT,  # the demo's first draft of the case
        today=today,
    )


# --------------------------------------------------------------------------- registries

GIVEN_NAMES = (
    "建国", "秀英", "桂兰", "志强", "海燕", "国华", "明亮", "春梅", "德胜", "玉珍", "永红", "文军",
    "丽华", "金凤", "海生", "淑芬", "振华", "建平", "红梅", "世昌", "桂芳", "玉兰", "建军", "丽娟",
    "卫东", "秀珍", "志刚", "凤英", "国庆", "美玲", "长林", "冬梅", "立新", "素琴",
)  # fmt: skip
SONS = ("小明", "浩然", "宇航", "俊杰", "子轩", "志远")
DAUGHTERS = ("子涵", "欣怡", "梓萱", "雨桐", "佳怡", "思琪")
FATHERS = ("德福", "福生", "长寿", "有才")
MOTHERS = ("桂英", "秀兰", "玉梅", "凤珍")
NOTES = ["", "", "", "", "", "独居老人，需常走访", "儿女在外务工", "新建房", "出租房屋"]
# (village, grids, 法律明白人 count, has 评理说事点): 桃园村 has only two 法律明白人 and
# 河东社区 no 评理说事点, so the demo shows both warnings; 红旗村's kit is complete.
REGISTRY_PLAN = {
    "红旗村": (("第一网格", "第二网格"), 4, True),
    "桃园村": (("第一网格", "第二网格"), 2, True),
    "河东社区": (("第一网格", "第二网格", "第三网格"), 3, False),
}
AREAS = ["一组、二组", "三组、四组", "五组、六组", "七组、八组"]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}"


def _adult(rng: random.Random, surname: str | None = None, taken: set[str] | None = None) -> str:
    """A grown-up's name; one not in ``taken`` (which it joins) when given."""
    while True:
        name = (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN_NAMES)
        if taken is None or name not in taken:
            break
    if taken is not None:
        taken.add(name)
    return name


def _members(rng: random.Random, surname: str) -> list[reg.Member]:
    members = []
    if rng.random() < 0.85:
        members.append(reg.Member(_adult(rng), "配偶"))
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        son = rng.random() < 0.5
        given = rng.choice(SONS if son else DAUGHTERS)
        members.append(reg.Member(surname + given, "子" if son else "女"))
    if rng.random() < 0.2:
        members.append(reg.Member(surname + rng.choice(FATHERS), "父"))
    if rng.random() < 0.2:
        members.append(reg.Member(rng.choice(SURNAMES) + rng.choice(MOTHERS), "母"))
    unique: list[reg.Member] = []
    for m in members:
        if all(m.name != u.name for u in unique):
            unique.append(m)
    return unique


def fill_demo_registries(db: Database, *, today: date, seed: int = 7) -> None:
    """Grids, grid workers, 法律明白人, 评理说事点, households and the 大喇叭 schedule of
    the demo villages (and 红旗村's own committee), through the registry services."""
    rng = random.Random(seed * 7919 + 13)
    user = accounts.acting_as(db, office.current_user(db).id)
    villages = {v.name: v for v in office.villages(db)}
    with db.transaction():  # one commit: the services nest as savepoints
        hongqi = villages["红旗村"]
        committee = reg.COMMITTEES.add(
            db, by=user, place_id=hongqi.id, name="红旗村人民调解委员会", abbr="红旗"
        )
        for name in ("周德福", "吴桂芳"):
            reg.MEDIATORS.add(
                db,
                by=user,
                name=name,
                committee_id=committee,
                phone=_phone(rng),
                specialities="邻里纠纷、婚姻家庭",
            )
        for village_name, (grids, n_advisers, talk_point) in REGISTRY_PLAN.items():
            village = villages[village_name]
            taken: set[str] = set()
            readers = [
                _fill_grid(db, rng, user, village, g, grid_name, taken)
                for g, grid_name in enumerate(grids)
            ]
            for i in range(n_advisers):
                name = _adult(rng, taken=taken)
                reg.LEGAL_ADVISERS.add(
                    db, by=user, village_id=village.id, name=name, phone=_phone(rng), area=AREAS[i]
                )
                readers.append(name)
            if talk_point:
                _add_talk_point(db, rng, user, village, staff=f"王建华、{readers[-1]}")
            _schedule_broadcasts(db, rng, user, village, readers, today)


def _fill_grid(
    db: Database,
    rng: random.Random,
    user: accounts.Actor,
    village: office.Place,
    g: int,
    grid_name: str,
    taken: set[str],
) -> str:
    """A grid of ``village``, its 网格员 and its households (house numbers in order, now
    and then a divided plot: 5 and 5-1); returns the 网格员's name."""
    grid_id = reg.GRIDS.add(db, by=user, village_id=village.id, name=grid_name)
    worker = _adult(rng, taken=taken)
    reg.GRID_WORKERS.add(db, by=user, grid_id=grid_id, name=worker, phone=_phone(rng))
    number, split = 0, 0
    for _ in range(rng.randrange(8, 21)):
        if number and split != number and rng.random() < 0.1:
            split = number
            house = f"{number}-1"
        else:
            number += rng.choice([1, 1, 1, 2])
            house = str(number)
        surname = rng.choice(SURNAMES)
        reg.HOUSEHOLDS.add(
            db,
            by=user,
            grid_id=grid_id,
            house_number=house,
            head_name=_adult(rng, surname),
            phone=_phone(rng) if rng.random() < 0.9 else "",
            notes=rng.choice(NOTES),
            members=_members(rng, surname),
        )
    # Privacy choices of two grids (elsewhere the default: phones masked).
    if (village.name, g) == ("桃园村", 1):
        reg.save_chart_options(db, reg.ChartOptions(grid_id, heads_only=True), by=user)
    elif (village.name, g) == ("河东社区", 0):
        reg.save_chart_options(db, reg.ChartOptions(grid_id, hide_members=True), by=user)
    return worker


def _add_talk_point(
    db: Database, rng: random.Random, user: accounts.Actor, village: office.Place, *, staff: str
) -> None:
    office_room = {"village": "村委会一楼东侧", "community": "居委会二楼"}
    reg.TALK_POINTS.add(
        db,
        by=user,
        village_id=village.id,
        name=f"{village.name}评理说事点",
        address=f"{village.name}{office_room[village.kind]}",
        hours="每周一、三、五 上午8:30—11:30；其他时间电话预约",
        staff=staff,
        phone=f"0571-86{rng.randrange(100000, 1000000)}",
    )


def _schedule_broadcasts(
    db: Database,
    rng: random.Random,
    user: accounts.Actor,
    village: office.Place,
    readers: list[str],
    today: date,
) -> None:
    """The 大喇叭 on the next four Mondays, read in turn by the 网格员 and 法律明白人."""
    first = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday
    for week in range(4):
        reg.BROADCASTS.add(
            db,
            by=user,
            village_id=village.id,
            play_on=first + timedelta(days=7 * week),
            play_at=rng.choice(["07:30", "12:00", "18:30"]),
            reader=readers[week % len(readers)],
        )
