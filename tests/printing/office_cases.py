"""Two cases as a township office enters them, through the real services on a SQLite file:
a neighbours' dispute between two people, and a land-contract dispute of eight villagers
against eight respondents (people with agents and two companies). Both go the whole way:
registered by application, accepted, assigned, investigated, mediated, closed with a
written agreement and archived; the forms are printed from the loaded CaseFile."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from app.models import casefile, cases, office
from app.models import db as dbmod
from app.models.accounts import Actor
from app.models.casefile import CaseFile
from app.models.cases import AgreementInput, CaseInput, CloseInput, SessionInput
from app.models.identity import resident_id_check_char
from app.models.parties import PartyInput
from tests.helpers import director

TODAY = date(2026, 11, 30)
REGISTERED = date(2026, 10, 8)


def resident_id(region: str, birth: date, order: int) -> str:
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + resident_id_check_char(body)


def villager(
    name: str,
    role: str,
    birth: date,
    order: int,
    address: str,
    phone: str,
    *,
    occupation: str = "农民",
    agent: str = "",
) -> PartyInput:
    return PartyInput(
        name=name,
        role=role,
        ethnicity="汉族",
        id_number=resident_id("330781", birth, order),
        occupation=occupation,
        phone=phone,
        address=address,
        agent_name=agent,
        agent_phone="13967120011" if agent else "",
        agent_powers="一般授权代理" if agent else "",
    )


TWO_TERMS = [
    "李德明于2026年12月15日前自行拆除其在两户之间通道上搭建的简易棚（约4平方米），"
    "恢复通道原宽1.8米，拆除费用由李德明自行承担。",
    "李德明于2026年12月20日前一次性赔偿张桂英围墙修复费用人民币3,600元，"
    "以现金方式当面交付，张桂英收到后出具收条。",
    "双方今后共同维护通道畅通，任何一方不得在通道上堆放杂物或搭建构筑物。",
    "本协议履行完毕后，双方就本次纠纷再无其他争议。",
]

MANY_TERMS = [
    "被申请人共同于2026年12月31日前向八位申请人返还承包地共计26.4亩，"
    "具体地块以红旗村村民委员会2026年11月20日现场核定的四至界线为准。",
    "青山绿源农业开发有限公司于2027年1月15日前将2026年度土地流转费共计人民币"
    "105,600元支付至红旗村股份经济合作社账户，由合作社按各户面积分配到户。",
    "被申请人在返还土地前清除地上附着物，恢复耕种条件；清理费用由被申请人承担。",
    "各方此后按照本村土地承包经营权证确定的面积和四至经营，不得越界耕种。",
    "本协议履行完毕后，各方就本次纠纷再无其他争议。",
]


def _setup(db: dbmod.Database) -> tuple[str, Actor, list[str]]:
    committee = office.setup_office(
        db,
        committee_name="青山镇人民调解委员会",
        abbr="青山",
        town_name="青山镇",
        villages=["红旗村", "东岙村", "溪口社区"],
        user_name="李主任",
        password="qingshan26",
    )
    user = director(db)
    mediators = [
        office.add_mediator(db, by=user, name=n, committee_id=committee, phone=p, full_time=True)
        for n, p in (
            ("王建华", "13905710001"),
            ("陈秀兰", "13905710002"),
            ("赵德胜", "13905710003"),
        )
    ]
    return committee, user, mediators


def _through_to_archive(
    db: dbmod.Database,
    data: CaseInput,
    user: Actor,
    mediators: list[str],
    agreement: AgreementInput,
    *,
    subject: str,
) -> str:
    now = datetime.combine(TODAY, time(18))
    case_id = cases.register_case(db, data, by=user, today=TODAY)
    cases.accept_case(db, case_id, by=user, accepted_on=date(2026, 10, 9), today=TODAY)
    cases.assign_mediators(
        db,
        case_id,
        by=user,
        mediator_ids=mediators,
        how="appointed",
        lead_id=mediators[0],
        assigned_on=date(2026, 10, 9),
        today=TODAY,
    )
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="investigation",
            held_at=datetime(2026, 10, 12, 9, 0),
            place="红旗村3组14号门前通道",
            record="到现场查看了争议地块和通道，丈量了宽度，询问了邻居和村民小组长，情况属实。",
            participants="红旗村村民小组长",
            subject="现场查看",
            staff="王建华",
            recorder="陈秀兰",
        ),
        by=user,
        now=now,
    )
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="session",
            held_at=datetime(2026, 10, 20, 14, 30),
            place="青山镇人民调解委员会调解室",
            record="告知当事人权利义务。双方陈述各自意见，调解员释法明理，双方各退一步。",
            participants="红旗村村民委员会主任",
            subject=subject,
            staff="王建华、陈秀兰",
            recorder="陈秀兰",
            result="达成协议",
        ),
        by=user,
        now=now,
    )
    cases.close_case(
        db,
        case_id,
        CloseInput(closed_on=date(2026, 11, 3), outcome="agreement_written", agreement=agreement),
        by=user,
        today=TODAY,
    )
    cases.archive_case(db, case_id, by=user, archived_on=date(2026, 11, 28), today=TODAY)
    return case_id


def two_party_case(path: Path) -> CaseFile:
    """张桂英 v 李德明: a shed on the shared passage and a damaged wall (邻里)."""
    db = dbmod.connect(path)
    try:
        committee, user, mediators = _setup(db)
        village = office.villages(db)[0].id
        data = CaseInput(
            committee_id=committee,
            category="邻里",
            source="application",
            registered_on=REGISTERED,
            village_id=village,
            parties=[
                villager(
                    "张桂英",
                    "applicant",
                    date(1963, 5, 14),
                    122,
                    "青山镇红旗村3组14号",
                    "13857123456",
                ),
                villager(
                    "李德明",
                    "respondent",
                    date(1971, 11, 2),
                    315,
                    "青山镇红旗村3组15号",
                    "13957165432",
                    occupation="个体工商户",
                ),
            ],
            facts=(
                "张桂英与李德明系前后邻居。2026年9月，李德明在两户之间的通道上搭建简易棚"
                "堆放农具，通道宽度由1.8米缩至0.9米；搭建时碰坏张桂英家东侧围墙约3米。"
                "张桂英多次要求拆除并赔偿，李德明认为通道系其宅基地范围，双方发生争吵。"
            ),
            requests="1、拆除通道上的简易棚，恢复通道原宽；2、赔偿围墙修复费用3,600元。",
        )
        agreement = AgreementInput(
            terms=list(TWO_TERMS),
            facts=(
                "经现场查看并核对双方宅基地使用证，两户之间的通道系公共通道。李德明在通道上"
                "搭建简易棚并碰坏张桂英家围墙，应承担拆除和赔偿责任。"
            ),
            perform_manner="现金当面交付",
            perform_place="青山镇人民调解委员会",
            perform_deadline=date(2026, 12, 20),
            amount_fen=360_000,
            recorder="陈秀兰",
        )
        case_id = _through_to_archive(
            db, data, user, mediators[:2], agreement, subject="张桂英与李德明邻里纠纷"
        )
        return casefile.load_case(db, case_id)
    finally:
        db.close()


APPLICANTS = ["张三", "李四", "周月娥", "吴国强", "郑小平", "冯桂花", "陈立新", "褚秋云"]
RESPONDENTS = ["王五", "青山绿源农业开发有限公司", "蒋大勇", "沈美玲", "韩春生",
               "杨光明", "青山县溪口农机专业合作社", "朱丽华"]  # fmt: skip


def many_party_case(path: Path) -> CaseFile:
    """张三、李四等8人 v 王五等8人 (two of them companies): returning contracted land."""
    db = dbmod.connect(path)
    try:
        committee, user, mediators = _setup(db)
        village = office.villages(db)[0].id
        parties: list[PartyInput] = []
        for i, name in enumerate(APPLICANTS):
            parties.append(
                villager(
                    name,
                    "applicant",
                    date(1958 + i * 3, 1 + i, 3 + i * 2),
                    100 + i * 2,
                    f"青山镇红旗村{1 + i % 4}组{10 + i}号",
                    f"1385712{3400 + i:04d}",
                    agent="郑律师" if i == 0 else "",
                )
            )
        for i, name in enumerate(RESPONDENTS):
            if name.endswith(("公司", "合作社")):
                parties.append(
                    PartyInput(
                        name=name,
                        role="respondent",
                        kind="org",
                        legal_rep="何建国" if i == 1 else "孔德胜",
                        phone=f"0571-8866{1200 + i:04d}",
                        address="青山镇工业功能区创业路88号" if i == 1 else "青山镇溪口社区12幢",
                        agent_name="施律师" if i == 1 else "",
                        agent_phone="13967120022" if i == 1 else "",
                        agent_powers="特别授权代理" if i == 1 else "",
                    )
                )
            else:
                parties.append(
                    villager(
                        name,
                        "respondent",
                        date(1960 + i * 2, 12 - i, 20 - i),
                        201 + i * 2,
                        f"青山镇东岙村{2 + i % 3}组{20 + i}号",
                        f"1395716{5400 + i:04d}",
                    )
                )
        data = CaseInput(
            committee_id=committee,
            category="山林土地",
            source="application",
            registered_on=REGISTERED,
            village_id=village,
            parties=parties,
            facts=(
                "张三、李四等8户村民的承包地共26.4亩于2019年经村股份经济合作社流转给青山绿源"
                "农业开发有限公司，流转期限至2025年12月31日。期满后，该公司及王五等实际耕种人"
                "未返还土地，也未支付2026年度流转费。申请人多次找被申请人协商未果。"
            ),
            requests="一、返还承包地26.4亩；二、支付2026年度土地流转费105,600元。",
        )
        agreement = AgreementInput(
            terms=list(MANY_TERMS),
            facts=(
                "土地流转合同已于2025年12月31日期满，被申请人继续占用承包地没有依据，应当返还"
                "并支付占用期间的流转费；申请人同意给予被申请人合理的清理期限。"
            ),
            perform_manner="银行转账",
            perform_place="红旗村股份经济合作社",
            perform_deadline=date(2027, 1, 15),
            amount_fen=10_560_000,
            recorder="陈秀兰",
        )
        case_id = _through_to_archive(
            db, data, user, mediators, agreement, subject="张三等8人与王五等8人土地承包纠纷"
        )
        return casefile.load_case(db, case_id)
    finally:
        db.close()
