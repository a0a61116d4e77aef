"""A seeded generator of realistic bulletin issues in the archive's raw-text format.

The output imitates `corpus/江苏精神文明建设简报-2022-第11期.txt`: a header
(工作资料 注意保存 / series / 第N期 / issuer / date), 【section】 markers, a table of
contents repeating the headings, 2–4 articles `<place>:<title>` of 3–6 paragraphs
(一是… 二是…), page-number lines such as `- 2 -` (sometimes splitting a
paragraph), and the footer (报：… / 发：… / (苏简字1004号 共印400份)).

Only a local `random.Random(seed)` is used: Whoosh names its segments from the
global `random`, which must stay untouched.

    python -m bench.generate --issues 10000 --seed 1 --out DIR
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# A person name planted in the corpus (issue N//2 always, elsewhere rarely):
# its surname is not in the random surname bank, so it stays rare.
RARE_NAME = "诸葛晓锋"
# The name planted in the extra issue used by the "add one issue" measurement.
ADD_NAME = "司徒砚秋"

YEARS = range(2010, 2026)

CITIES: dict[str, tuple[str, ...]] = {
    "南京市": ("玄武区", "秦淮区", "建邺区", "鼓楼区", "浦口区", "栖霞区", "雨花台区", "江宁区", "六合区", "溧水区", "高淳区"),
    "无锡市": ("锡山区", "惠山区", "滨湖区", "梁溪区", "新吴区", "江阴市", "宜兴市"),
    "徐州市": ("云龙区", "贾汪区", "泉山区", "铜山区", "丰县", "沛县", "睢宁县", "新沂市", "邳州市"),
    "常州市": ("天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市"),
    "苏州市": ("姑苏区", "虎丘区", "吴中区", "相城区", "吴江区", "常熟市", "张家港市", "昆山市", "太仓市"),
    "南通市": ("崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市"),
    "连云港市": ("连云区", "海州区", "赣榆区", "东海县", "灌云县", "灌南县"),
    "淮安市": ("淮安区", "淮阴区", "清江浦区", "洪泽区", "涟水县", "盱眙县", "金湖县"),
    "盐城市": ("亭湖区", "盐都区", "大丰区", "响水县", "滨海县", "阜宁县", "射阳县", "建湖县", "东台市"),
    "扬州市": ("广陵区", "邗江区", "江都区", "宝应县", "仪征市", "高邮市"),
    "镇江市": ("京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市"),
    "泰州市": ("海陵区", "高港区", "姜堰区", "兴化市", "靖江市", "泰兴市"),
    "宿迁市": ("宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县"),
}
CITY_NAMES = tuple(CITIES)


@dataclass(frozen=True)
class Series:
    title: str
    issuer: str
    serial: str  # serial-number prefix, e.g. 苏简字
    city: str | None  # None: province-wide
    total_style: bool  # "2023年第3期（总第58期）" instead of "第3期"
    weight: int
    report_to: tuple[str, ...]
    send_to: str


_PROV_REPORT = ("中央文明办", "省文明委主任、副主任、委员")
_PROV_SEND = "各设区市、县（市、区）文明委、文明办，省文明委成员单位"


def _city_series(city: str, title: str, prefix: str, total: bool, weight: int) -> Series:
    return Series(
        title, f"{city}文明办", prefix, city, total, weight,
        ("省文明办", f"市文明委主任、副主任、委员"),
        f"各县（市、区）文明委、文明办，市文明委成员单位",
    )


SERIES: tuple[Series, ...] = (
    Series("江苏精神文明建设简报", "江苏省文明办", "苏简字", None, False, 6, _PROV_REPORT, _PROV_SEND),
    Series("江苏志愿服务工作简报", "江苏省志愿服务工作领导小组办公室", "苏志简字", None, True, 3, _PROV_REPORT, _PROV_SEND),
    Series("新时代文明实践工作简报", "江苏省新时代文明实践中心建设工作领导小组办公室", "苏文实字", None, True, 2,
           _PROV_REPORT, _PROV_SEND),
    _city_series("南京市", "南京文明简报", "宁文简字", False, 3),
    _city_series("苏州市", "苏州文明创建动态", "苏文明字", True, 3),
    _city_series("淮安市", "淮安文明创建简报", "淮文简字", False, 2),
    _city_series("徐州市", "徐州精神文明建设", "徐文字", True, 2),
    _city_series("扬州市", "扬州文明城市创建工作简报", "扬创字", False, 2),
    _city_series("宿迁市", "宿迁文明简报", "宿文简字", False, 1),
)

SECTIONS = ("工作交流", "经验做法", "基层动态", "典型引路", "工作动态", "创建进展", "志愿服务", "文明实践")

# topic -> (first year, words used in titles and sentences)
TOPICS: dict[str, tuple[int, tuple[str, ...]]] = {
    "志愿服务": (2010, ("志愿服务", "志愿者", "志愿服务组织", "学雷锋志愿服务", "志愿服务队伍")),
    "新时代文明实践": (2018, ("新时代文明实践", "文明实践中心", "文明实践站", "文明实践阵地", "文明实践志愿服务")),
    "疫情防控": (2020, ("疫情防控", "防疫志愿服务", "核酸检测", "联防联控", "疫情防控一线")),
    "文明城市创建": (2010, ("文明城市创建", "全国文明城市", "创建工作", "城市文明程度", "文明创建")),
    "道德模范": (2010, ("道德模范", "身边好人", "先进典型", "最美人物", "道德讲堂")),
    "乡村振兴": (2017, ("乡村振兴", "文明乡风", "移风易俗", "美丽乡村", "文明村镇")),
    "未成年人": (2010, ("未成年人思想道德建设", "乡村学校少年宫", "家庭教育", "家风家教", "校外活动场所")),
    "诚信建设": (2012, ("诚信建设", "社会信用体系", "诚信示范", "守信激励", "诚信宣传")),
    "网络文明": (2015, ("网络文明", "网络正能量", "清朗网络空间", "网络文明志愿者", "网络素养")),
    "垃圾分类": (2019, ("垃圾分类", "文明交通", "光盘行动", "文明餐桌", "公共文明引导")),
}

TITLE_A = (
    "{w}齐聚力", "统筹{w}资源", "聚焦{w}", "深化{w}", "扎实推进{w}", "创新开展{w}",
    "多措并举抓{w}", "凝心聚力推进{w}", "以{w}为抓手", "高位推动{w}", "持续擦亮{w}品牌",
)
TITLE_B = (
    "志愿服务暖人心", "筑牢疫情防控防线", "助力社会文明程度提升", "打造城市文明新名片",
    "凝聚向上向善力量", "推动文明新风蔚然成风", "绘就美丽文明新画卷", "提升群众获得感幸福感",
    "激发基层治理新活力", "让文明之花处处绽放", "厚植城市文明底色", "营造崇德向善浓厚氛围",
)

LEAD_VERBS = ("广泛发动", "扎实开展", "积极组织", "大力倡导", "统筹推进", "持续深化", "着力健全", "创新探索",
              "精心打造", "全面加强", "切实强化", "不断完善")
LEAD_NOUNS = ("力量", "活动", "工作机制", "品牌项目", "阵地建设", "宣传引导", "专项行动", "队伍建设",
              "典型培育", "制度保障", "示范引领", "常态长效")

MECHANISMS = ("长效", "协调联动", "激励保障", "考核评价", "资源共享", "常态化运行", "供需对接")
ORGS = ("市文明办", "团市委", "市妇联", "市总工会", "市民政局", "市教育局", "市卫健委", "市文广旅局", "市文联",
        "市交通控股集团", "市邮政管理局", "消防支队", "市红十字会", "市关工委")
UNITS = ("名志愿者", "支志愿服务队伍", "个新时代文明实践中心（所、站、点）", "场志愿服务活动", "名党员干部",
         "名巾帼志愿者", "个志愿服务项目", "家文明单位", "名专兼职网格员", "人次")
PLACES_SMALL = ("社区", "村（居）", "街道", "小区", "乡镇", "学校", "医院", "企业", "广场", "公园")
SERVICES = ("宣传引导", "政策解读", "便民服务", "防疫消杀", "人员排查", "秩序维护", "心理疏导", "关爱帮扶",
            "环境整治", "文明劝导", "理论宣讲", "助老助残", "义务辅导", "健康义诊")
PROJECTS = ("“文明生活 同心抗疫”", "“红马甲”", "“邻里守望”", "“文明交通 你我同行”", "“最美家庭”",
            "“我们的节日”", "“志愿红”", "“文明餐桌”", "“书香社区”", "“银发先锋”", "“小手拉大手”")
TEAMS = ("宣传单车队", "红色轻骑队", "先锋小分队", "红袖章小分队", "雷锋车队", "巾帼志愿服务队", "青年突击队",
         "银发志愿服务队", "心理咨询志愿服务小分队", "火焰蓝志愿服务突击队")
HONORS = ("全国道德模范提名奖获得者", "省学雷锋优秀志愿者", "“中国好人”", "江苏省道德模范", "身边好人",
          "最美志愿者", "优秀志愿服务组织负责人", "全国优秀共产党员")
PERIODS = ("今年以来", "近年来", "本轮疫情发生后", "自活动开展以来", "“十四五”以来", "创建工作启动以来",
           "春节前后", "入夏以来")

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
            "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
            "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚",
            "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "戴", "贾", "韦", "夏", "邱", "方", "侯",
            "仉", "佘", "禚", "蒯", "笪", "阙", "琚", "晁", "訾", "逄", "钭", "亓", "厍", "扈", "欧阳", "上官", "东方")
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀",
         "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "鹏", "建", "文", "辉", "力", "海", "云", "峰", "春",
         "兰", "梅", "琳", "斌", "宇", "浩", "凯", "晨", "瑶", "婷", "雪", "慧", "鑫", "颖", "俊", "帆", "欣", "宁",
         "淑", "德", "善", "民", "国", "荣", "翠", "昊", "璐", "珂", "沁", "蕾", "骁", "晟", "祎", "钰", "彧", "昕")

# Sentence templates (full-width punctuation; converted per issue to the seed's half-width style).
SENTENCES = (
    "依托覆盖全市的{n1}个新时代文明实践中心（所、站、点），迅速集结{big}名志愿者、{n2}多支志愿队伍，协助做好{s1}、{s2}、{s3}等工作",
    "{org}发出{proj}倡议，动员广大{w}在做好个人防护的前提下，就近就便参与{w2}",
    "组织全市“{team}”“{team2}”等志愿服务队伍，穿街过巷、走村入户，帮助群众精准掌握{w}相关政策",
    "{honor}{person}组建志愿服务队，带领{n3}余名志愿者奋战在{s1}、{s2}一线",
    "{org}联合{org2}等部门开展{proj}主题活动，累计开展{w}活动{n2}余场次，惠及群众{big}人次",
    "{dist}持续推进{w}，建成以{small}为单位的志愿服务群{n1}个，实现{w2}全覆盖、无死角",
    "发动高校师生、文化志愿者等创作推出{w}新媒体产品{n3}余部，多部作品阅读量超过{n3}万人次",
    "针对群众反映强烈的突出问题，组织{n2}余名志愿者深入{small}开展{s1}、{s2}等服务",
    "积极发挥{honor}等先进典型的示范引领作用，{person}、{person2}等一批先进人物的事迹在全市广为传颂",
    "{org}将{w}纳入年度目标考核，建立健全{lead}机制，推动{w2}常态化、制度化、规范化",
    "全市近{n3}家市级以上文明单位踊跃参与，在{w}中贡献文明力量",
    "{dist}总工会志愿服务队将{n3}家职工“爱心驿站”变成“加油站”，为{s1}人员免费提供休息、饮水等服务",
    "通过有机统筹、部门联动，确保{w}力量投入更加精确，服务内容更加精准，群众满意度达{pct}%",
    "截至目前，全市注册志愿者达{big}人，占常住人口的{pct}%，志愿服务时长累计超过{n1}万小时",
    "{dist}创新推出“{w}+积分”模式，群众参与{s1}、{s2}可兑换生活用品，已有{n2}余户家庭参与",
    "利用“文明{city_short}”公众号等网络媒体平台开设线上{w}培训，累计培训{n2}余人次",
    "开通{n4}条热线，招募{n3}名心理咨询志愿者全天候开展“一对一”线上心理疏导",
    "{person}同志长期扎根基层，{n4}年如一日坚持{s1}，被群众亲切地称为“{nick}”",
    "开展{proj}系列活动{n2}余场，吸引{big}名群众参与，有力营造了崇德向善的浓厚氛围",
    "{dist}把{w}与{w2}结合起来，打造{n4}条文明实践特色线路、{n3}个示范点位",
)
NICKS = ("暖心大姐", "老娘舅", "热心肠", "好管家", "铁脚板", "知心人", "红马甲奶奶", "小马哥")
INTROS = (
    "{period}，{place}坚持以习近平新时代中国特色社会主义思想为指导，紧紧围绕{w}目标任务，积极组织广大志愿者和志愿服务组织有序参与，取得明显成效",
    "{period}，{place}深入贯彻落实中央和省委关于{w}的决策部署，统筹各方资源，广泛开展各项{w2}活动，助力{w3}工作再上新台阶",
    "面对新形势新任务，{place}迅速吹响{w}集结号，积极盘活用好各类资源，协力推动{w2}走深走实",
    "{period}，{place}把{w}作为提升城市文明程度的重要抓手，聚焦群众急难愁盼，推出一系列务实举措",
)
ORDINALS = ("一是", "二是", "三是", "四是", "五是", "六是")
CN_DIGITS = "〇一二三四五六七八九"
_ASCII_PUNCT = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "“": '"', "”": '"', "；": ";"})


def _cn_small(n: int) -> str:
    """1..31 in Chinese numerals (十五, 二十一)."""
    if n <= 10:
        return "十" if n == 10 else CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else CN_DIGITS[tens] + "十") + (CN_DIGITS[ones] if ones else "")


def format_date(year: int, month: int, day: int, chinese: bool) -> str:
    """`2022年4月2日` or `二〇二二年四月二日`."""
    if chinese:
        return "".join(CN_DIGITS[int(d)] for d in str(year)) + f"年{_cn_small(month)}月{_cn_small(day)}日"
    return f"{year}年{month}月{day}日"


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _day_to_month_day(year: int, doy: int) -> tuple[int, int]:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    for m, days in enumerate(_MONTH_DAYS, start=1):
        days += 1 if (m == 2 and leap) else 0
        if doy <= days:
            return m, doy
        doy -= days
    return 12, 31


class _Writer:
    """Builds the text of one issue with a shared local RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> str:
        r = self.rng
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return r.choice(SURNAMES) + given

    def number(self, spaced: bool) -> dict[str, str]:
        r = self.rng
        sp = " " if spaced else ""
        big = r.choice((f"{r.randint(2, 40)}万余", f"{r.randint(1000, 9900)}多", f"近{r.randint(2, 9)}000",
                        f"{r.randint(10, 99)}.{r.randint(1, 9)}万"))
        return {
            "n1": f"{sp}{r.randint(100, 6000)}{sp}", "n2": f"{sp}{r.randint(20, 4800)}{sp}",
            "n3": f"{sp}{r.randint(5, 200)}{sp}", "n4": f"{sp}{r.randint(2, 30)}{sp}",
            "big": f"{sp}{big}{sp}", "pct": f"{r.randint(10, 99)}.{r.randint(0, 9)}",
        }

    def topics(self, year: int) -> list[str]:
        r = self.rng
        avail = [t for t, (since, _) in TOPICS.items() if since <= year]
        return r.sample(avail, k=min(3, len(avail)))

    def sentence(self, tpl: str, ctx: dict[str, str], words: tuple[str, ...], spaced: bool) -> str:
        r = self.rng
        slots = dict(ctx)
        slots.update(self.number(spaced))
        slots.update(
            w=r.choice(words), w2=r.choice(words), w3=r.choice(words),
            org=r.choice(ORGS), org2=r.choice(ORGS), team=r.choice(TEAMS), team2=r.choice(TEAMS),
            proj=r.choice(PROJECTS), honor=r.choice(HONORS), person=self.person(), person2=self.person(),
            s1=r.choice(SERVICES), s2=r.choice(SERVICES), s3=r.choice(SERVICES), small=r.choice(PLACES_SMALL),
            lead=r.choice(MECHANISMS), nick=r.choice(NICKS), period=r.choice(PERIODS),
        )
        return tpl.format(**slots)

    def article(self, place: str, city: str, year: int, spaced: bool, plant: str | None) -> tuple[str, list[str]]:
        """Heading text and paragraphs of one article."""
        r = self.rng
        topics = self.topics(year)
        words = tuple(w for t in topics for w in TOPICS[t][1])
        main = TOPICS[topics[0]][1][0]
        title = r.choice(TITLE_A).format(w=main) + " " + r.choice(TITLE_B)
        dists = CITIES[city]
        ctx = {"place": place, "dist": r.choice(dists), "city_short": city[:-1]}
        intro = self.sentence(r.choice(INTROS), ctx, words, spaced) + "。"
        intro += "".join(self.sentence(r.choice(SENTENCES), ctx, words, spaced) + "。" for _ in range(r.randint(1, 2)))
        if plant:
            intro += f"{r.choice(HONORS)}{plant}带领志愿者积极投身{main}工作，事迹感人。"
        paras = [intro]
        for i in range(r.randint(2, 5)):
            ctx["dist"] = r.choice(dists)
            head = ORDINALS[i] + r.choice(LEAD_VERBS) + r.choice(words) + r.choice(LEAD_NOUNS) + "。"
            body = "；".join(self.sentence(r.choice(SENTENCES), ctx, words, spaced) for _ in range(r.randint(4, 7)))
            prefix = "- " if r.random() < 0.15 else ""
            paras.append(prefix + head + body + "。")
        return title, paras

    def place_for(self, series: Series) -> tuple[str, str]:
        """(place as written in the heading, its city)."""
        r = self.rng
        city = series.city or r.choice(CITY_NAMES)
        x = r.random()
        if series.city is not None:  # a city's own bulletin: mostly its districts
            return (r.choice(CITIES[city]), city) if x < 0.8 else (city, city)
        if x < 0.6:
            return city, city
        if x < 0.85:
            return r.choice(CITIES[city]), city
        return city + r.choice(CITIES[city]), city


def _split_blocks(rng: random.Random, paras: list[str], page: list[int]) -> list[str]:
    """Blank-line separated blocks with page numbers (`- 2 -`) and split paragraphs."""
    out: list[str] = []
    for p in paras:
        page[1] += len(p)
        if page[1] > 1100:  # a page boundary falls inside or after this paragraph
            page[0] += 1
            page[1] = 0
            marker = f"- {page[0]} -"
            cut = p.find("，", len(p) // 2)
            if cut > 0 and rng.random() < 0.5:
                out += [p[: cut + 1], marker, p[cut + 1:]]
            else:
                out += [p, marker]
        elif rng.random() < 0.08 and len(p) > 80:  # a stray line break from the print layout
            cut = rng.randint(20, len(p) - 20)
            out += [p[:cut], p[cut:]]
        else:
            out.append(p)
    return out


def render_issue(
    rng: random.Random,
    series: Series,
    year: int,
    issue: int,
    total: int,
    month: int,
    day: int,
    serial: int,
    plant: str | None = None,
) -> tuple[str, int]:
    """The text of one issue and its number of articles."""
    w = _Writer(rng)
    spaced = rng.random() < 0.3  # "5057 个" as the seed's PDF extraction writes numbers
    ascii_punct = rng.random() < 0.7  # the seed's half-width ",:()" style
    n_articles = rng.choices((2, 3, 4), weights=(50, 40, 10))[0]
    articles = []
    for i in range(n_articles):
        place, city = w.place_for(series)
        title, paras = w.article(place, city, year, spaced, plant if i == 0 else None)
        if plant is None and rng.random() < 1 / 4000:
            paras[-1] += f"{RARE_NAME}同志的事迹在群众中广为流传。"
        sep = rng.choice((":", ":", ":", ": ", "："))
        articles.append((f"{place}{sep}{title}", paras))

    number = f"{year}年第{issue}期（总第{total}期）" if series.total_style else f"第{issue}期"
    sections = rng.sample(SECTIONS, k=2 if (n_articles > 2 and rng.random() < 0.25) else 1)
    blocks = ["工作资料 注意保存", series.title, number, series.issuer,
              format_date(year, month, day, chinese=rng.random() < 0.3), f"【{sections[0]}】"]
    blocks += [h for h, _ in articles]
    page = [1, 300]
    second_at = n_articles - 1 if len(sections) == 2 else -1
    for i, (heading, paras) in enumerate(articles):
        if i == second_at:
            blocks.append(f"【{sections[1]}】")
        blocks.append(heading)
        blocks += _split_blocks(rng, paras, page)
    blocks.append("报：" + series.report_to[0])
    blocks += list(series.report_to[1:])
    blocks.append("发：" + series.send_to)
    blocks.append(f"（{series.serial}{serial}号 共印{rng.choice((200, 300, 400, 500, 600))}份）")
    text = "\n\n".join(blocks)
    if ascii_punct:
        text = text.translate(_ASCII_PUNCT)
    return text + "\n", n_articles


def issue_filename(series: Series, year: int, issue: int) -> str:
    return f"{series.title}-{year}-第{issue}期.txt"


def iter_issues(n_issues: int, seed: int) -> Iterator[tuple[str, str, int]]:
    """(file name, text, articles) for `n_issues` issues, deterministic in `seed`."""
    rng = random.Random(seed)
    weights = [s.weight for s in SERIES]
    counts: dict[tuple[int, int], int] = {}
    for _ in range(n_issues):
        key = (rng.choices(range(len(SERIES)), weights=weights)[0], rng.choice(YEARS))
        counts[key] = counts.get(key, 0) + 1
    totals = [rng.randint(1, 60) for _ in SERIES]  # 总第 numbering starts before 2010
    serials = [rng.randint(800, 1200) for _ in SERIES]
    produced = 0
    for (si, year), k in sorted(counts.items()):
        series = SERIES[si]
        days = sorted(rng.sample(range(1, 366), k=k) if k <= 365 else [rng.randint(1, 365) for _ in range(k)])
        for issue, doy in enumerate(days, start=1):
            totals[si] += 1
            serials[si] += 1
            month, day = _day_to_month_day(year, doy)
            plant = RARE_NAME if produced == n_issues // 2 else None
            text, n_art = render_issue(rng, series, year, issue, totals[si], month, day, serials[si], plant)
            produced += 1
            yield issue_filename(series, year, issue), text, n_art


def extra_issue(seed: int = 0) -> tuple[str, str]:
    """One issue outside the generated years (2026), with ADD_NAME planted: for `bulletins add`."""
    rng = random.Random(f"extra-{seed}")
    series = SERIES[0]
    text, _ = render_issue(rng, series, 2026, 1, 999, 1, 15, 9999, plant=ADD_NAME)
    return issue_filename(series, 2026, 1), text


@dataclass(frozen=True)
class GenStats:
    issues: int
    articles: int
    bytes: int
    seconds: float


def generate_corpus(n_issues: int, seed: int, out_dir: Path) -> GenStats:
    """Write `n_issues` UTF-8 .txt issues into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    articles = size = 0
    for name, text, n_art in iter_issues(n_issues, seed):
        data = text.encode("utf-8")
        (out_dir / name).write_bytes(data)
        articles += n_art
        size += len(data)
    return GenStats(n_issues, articles, size, time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    ap.add_argument("--issues", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    st = generate_corpus(a.issues, a.seed, a.out)
    print(f"{st.issues} issues, {st.articles} articles, {st.bytes / 1e6:.1f} MB "
          f"({st.bytes / max(st.articles, 1):.0f} B/article) in {st.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
