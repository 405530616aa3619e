"""Two villages' kits built directly (no database): 红旗村 with everything, 桃园村 with
other people, and the shared content library."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.printing.outreach.data import (
    ANIMATION,
    BROADCAST,
    BROCHURE,
    CARD,
    BroadcastSlot,
    ChartOptions,
    Contact,
    ContentItem,
    Grid,
    Household,
    KitData,
    LegalAdviser,
    Member,
    TalkPoint,
)

LINK_1 = "https://v.example.cn/fazhi/tiaojie-01"
LINK_2 = "https://v.example.cn/fazhi/linli-02?from=qr"

CONTENT: tuple[ContentItem, ...] = (
    ContentItem(
        CARD,
        "人民调解明白卡",
        "人民调解委员会调解民间纠纷，不收取任何费用（《人民调解法》第四条）。\n"
        "调解遵循自愿、平等原则，当事人可以拒绝调解，也可以要求终止调解。\n"
        "经调解达成的调解协议具有法律约束力，当事人应当按照约定履行（第三十一条）。\n"
        "双方可自协议生效之日起三十日内共同向人民法院申请司法确认；确认后一方不履行的，"
        "对方可申请强制执行（第三十三条）。\n"
        "有了纠纷，先找{村名}的调解员或到{评理说事点}说一说。",
    ),
    ContentItem(
        CARD,
        "遇到矛盾纠纷 找我们",
        "调解不收费　就近又方便　说理讲法帮您解",
        extra={"side": "back"},
    ),
    ContentItem(
        BROADCAST,
        "有了纠纷找调解",
        "各位村民朋友：\n"
        "大家好！这里是{村名}大喇叭。今天和大家说一说人民调解。邻里之间、家庭内部难免磕磕碰碰，"
        "有了矛盾不要憋在心里，更不要动手动粗。村里有人民调解员，调解不收任何费用，"
        "双方自愿，平等协商。\n"
        "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。"
        "双方还可以在协议生效之日起三十日内，共同向人民法院申请司法确认。\n"
        "遇到纠纷，请联系村调解员{调解员}，电话{调解员电话}；也可以到{评理说事点}"
        "来说事评理。需要法律帮助，请拨打公共法律服务热线{法律援助电话}。",
    ),
    ContentItem(
        BROADCAST,
        "邻里和睦一家亲",
        "乡亲们，远亲不如近邻。《民法典》第二百八十八条规定，不动产的相邻权利人应当按照"
        "有利生产、方便生活、团结互助、公平合理的原则，正确处理相邻关系。\n"
        "修房盖屋、排水通行、种树栽竹，多替邻居想一想；真有争执，请找{村名}调解员坐下来"
        "好好商量。",
    ),
    ContentItem(BROCHURE, "学法用法　化解纠纷", "{村名}人民调解宣传册", extra={"panel": "cover"}),
    ContentItem(
        BROCHURE,
        "什么是人民调解",
        "人民调解是人民调解委员会通过说服、疏导等方法，促使当事人在平等协商基础上自愿达成"
        "调解协议，解决民间纠纷的活动（《人民调解法》第二条）。\n"
        "当事人可以向人民调解委员会申请调解；人民调解委员会也可以主动调解。当事人一方明确"
        "拒绝调解的，不得调解（第十七条）。",
    ),
    ContentItem(
        BROCHURE,
        "人民调解的好处",
        "不收费：人民调解委员会调解民间纠纷，不收取任何费用（第四条）。\n"
        "就近就便：村里有调解员，有评理说事点，家门口就能说事。\n"
        "保护隐私：当事人可以要求调解公开进行或者不公开进行（第二十三条）。",
    ),
    ContentItem(
        BROCHURE,
        "调解协议的效力",
        "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行"
        "（第三十一条）。\n"
        "双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法"
        "确认；人民法院依法确认调解协议有效，一方当事人拒绝履行或者未全部履行的，对方当事人"
        "可以向人民法院申请强制执行（第三十三条）。",
    ),
    ContentItem(
        BROCHURE,
        "婚姻家庭纠纷",
        "夫妻、父母子女之间有了矛盾，先冷静，多沟通。赡养老人是子女的法定义务；"
        "家庭暴力违法，受到家暴可以报警，也可以向人民法院申请人身安全保护令。",
    ),
    ContentItem(
        BROCHURE,
        "邻里纠纷",
        "《民法典》第二百八十八条：不动产的相邻权利人应当按照有利生产、方便生活、团结互助、"
        "公平合理的原则，正确处理相邻关系。排水、通行、采光，互相体谅，有事好商量。",
    ),
    ContentItem(
        BROCHURE,
        "宅基地和土地承包",
        "农村村民一户只能拥有一处宅基地（《土地管理法》第六十二条）。因土地承包经营发生"
        "纠纷的，可以协商，也可以请求村民委员会、乡（镇）人民政府等调解解决；不愿或调解不成的，"
        "可以申请仲裁或者向人民法院起诉（《农村土地承包法》第五十五条）。",
    ),
    ContentItem(
        BROCHURE,
        "经济债务纠纷",
        "借钱要写借条，写明金额、期限和利息。借款人应当按照约定的期限返还借款"
        "（《民法典》第六百七十五条）。向人民法院请求保护民事权利的诉讼时效期间为三年"
        "（第一百八十八条），讨债别拖太久。",
    ),
    ContentItem(
        ANIMATION,
        "调解协议有效力",
        "老张和老李因为借款闹上门，村调解员请来双方坐下来谈，签下调解协议。协议管不管用？"
        "一起来看。",
        extra={"link": LINK_1, "duration": "200"},
    ),
    ContentItem(
        ANIMATION,
        "一墙之隔",
        "两家因为一堵院墙吵了三年，评理说事点里，一杯茶的工夫把话说开了。",
        extra={"link": LINK_2, "duration": "3:05"},
    ),
)


def households(prefix: str, names: list[str], members: int = 3) -> tuple[Household, ...]:
    out = []
    relations = ["配偶", "长子", "长女", "次子", "母亲"]
    given = ["淑芳", "小军", "小燕", "小龙", "桂花"]
    for n, name in enumerate(names):
        family = tuple(
            Member(("钱" if k == 0 else name[0]) + given[k], relations[k])
            for k in range((n + members) % 5)
        )
        out.append(
            Household(
                house_number=f"{prefix}{n + 1}号",
                head=name,
                phone=f"1381234{n:04d}",
                members=family,
            )
        )
    return tuple(out)


HONGQI_HEADS = [
    "王大明", "李秀英", "张建国", "刘桂兰", "陈志强", "杨淑珍", "赵德胜", "黄玉兰",
    "周国强", "吴秀梅", "徐长春", "孙丽华", "马福贵", "朱美玲", "胡建平", "郭凤英",
    "何永庆", "高翠兰", "林国栋", "罗淑芬", "郑𪚥国", "梁春生",
]  # fmt: skip

HONGQI = KitData(
    village="红旗村",
    town="青山镇",
    committee="红旗村人民调解委员会",
    mediators=(Contact("王建华", "13805710001"), Contact("张𠀾", "13905710002")),
    legal_advisers=(
        LegalAdviser("陈秀兰", "13605710011", "一组、二组"),
        LegalAdviser("郑𪚥国", "13605710012", "三组、四组"),
        LegalAdviser("刘德明", "13605710013", "五组至七组"),
        LegalAdviser("孙丽华", "13605710014", "村东片（八组、九组）"),
    ),
    talk_point=TalkPoint(
        name="红旗村评理说事点",
        address="红旗村村民委员会一楼东侧（村文化广场旁）",
        hours="周一至周五 8:30—17:30，农忙时节周末有人值守",
        staff="王建华、张𠀾（村人民调解员）",
        phone="0571-88881234",
    ),
    grids=(
        Grid(
            "第一网格",
            workers=(Contact("林晓燕", "13705710021"),),
            households=households("", HONGQI_HEADS),
            options=ChartOptions(mask_phones=False),
        ),
        Grid(
            "第二网格",
            workers=(Contact("何志勇", "13705710022"), Contact("马春花", "13705710023")),
            households=households("二组", ["韩守义", "冯桂芝", "邓国富", "曹玉珍", "彭家旺"]),
            options=ChartOptions(mask_phones=True, hide_members=True),
        ),
    ),
    broadcast_schedule=(
        BroadcastSlot(date(2026, 12, 1), "07:30", "王建华"),
        BroadcastSlot(date(2026, 12, 1), "18:00", "张𠀾"),
        BroadcastSlot(date(2026, 12, 8), "07:30", "王建华"),
        BroadcastSlot(date(2026, 12, 15), "07:30", "林晓燕"),
    ),
    content=CONTENT,
    issued_on=date(2026, 11, 20),
)

TAOYUAN = KitData(
    village="桃园村",
    town="青山镇",
    committee="桃园村人民调解委员会",
    mediators=(Contact("沈玉梅", "13805720001"),),
    legal_advisers=(
        LegalAdviser("蒋立新", "13605720011", "桃园一组"),
        LegalAdviser("谢春兰", "13605720012", "桃园二组"),
        LegalAdviser("韦国华", "13605720013", "桃园三组"),
    ),
    talk_point=TalkPoint(
        name="桃园村评理说事点",
        address="桃园村党群服务中心二楼",
        hours="每周二、周四 9:00—16:00",
        staff="沈玉梅",
        phone="0571-88885678",
    ),
    grids=(
        Grid(
            "桃园网格",
            workers=(Contact("卫红梅", "13705720021"),),
            households=households("桃", ["潘志远", "葛秀珍", "范德才"]),
        ),
    ),
    broadcast_schedule=(BroadcastSlot(date(2026, 12, 2), "19:00", "沈玉梅"),),
    content=CONTENT,
    issued_on=date(2026, 11, 20),
)


def bare(data: KitData) -> KitData:
    """``data`` without 法律明白人 and without 评理说事点."""
    return replace(data, legal_advisers=(), talk_point=None)
