"""Static tables of the demo county (青山县): units, posts, names, and the ledger's texts.

Kept apart from the generators in ``seed_demo`` and ``records.demo_ledger`` so those read as logic.
"""

from datetime import date

from accounts.models import Role
from records.models import CadreCategory, LeadershipLevel, UnitKind

# Ages, "years in post" and probation are as of this day. A year end keeps ages whole (born in 1990 → 35).
REFERENCE_DATE = date(2025, 12, 31)
COUNTY_CODE = "QS"
COUNTY_NAME = "青山县"

L = LeadershipLevel
K = UnitKind
C = CadreCategory

# (username, full name, role, scope unit code, password). Passwords are fixed, not drawn from the seed,
# so the printed table stays right whatever seed built the county; each passes AUTH_PASSWORD_VALIDATORS.
DEMO_USERS = (
    ("demo_secadmin", "孙静", Role.SECADMIN, COUNTY_CODE, "Qingshan#Guard25"),
    ("demo_clerk", "李晓梅", Role.CLERK, "QS-T03", "Dongling#Roster25"),
    ("demo_clerk_county", "王建国", Role.CLERK, COUNTY_CODE, "Qingshan#Roster25"),
    ("demo_reviewer", "陈志强", Role.REVIEWER, COUNTY_CODE, "Qingshan#Review25"),
    ("demo_reviewer_town", "刘丽华", Role.REVIEWER, "QS-T03", "Dongling#Review25"),
    ("demo_assessor", "黄志勇", Role.REVIEWER, COUNTY_CODE, "Qingshan#Assess25"),
    ("demo_committee", "赵文军", Role.COMMITTEE, COUNTY_CODE, "Qingshan#Council25"),
    ("demo_sysadmin", "周海涛", Role.SYSADMIN, COUNTY_CODE, "Qingshan#System25"),
    ("demo_auditor", "吴敏", Role.AUDITOR, COUNTY_CODE, "Qingshan#Trail25"),
)

# The county's own leaders sit on the root unit; they are city-managed (市管).
COUNTY_POSTS = (
    ("县委书记", L.DIVISION_HEAD),
    ("县委副书记、县长", L.DIVISION_HEAD),
    ("县委副书记", L.DIVISION_DEPUTY),
    ("县委常委、常务副县长", L.DIVISION_DEPUTY),
    ("县委常委、组织部部长", L.DIVISION_DEPUTY),
    ("县委常委、宣传部部长", L.DIVISION_DEPUTY),
    ("县委常委、政法委书记", L.DIVISION_DEPUTY),
    ("县委常委、县纪委书记、县监委主任", L.DIVISION_DEPUTY),
    ("副县长", L.DIVISION_DEPUTY),
    ("副县长", L.DIVISION_DEPUTY),
    ("副县长", L.DIVISION_DEPUTY),
)

# (name, weight) — weight is the relative headcount. The third is the demo clerk's township.
TOWNSHIPS = (
    ("城关街道", 30), ("城东街道", 24), ("东岭镇", 20), ("西河镇", 18), ("南塘镇", 18),
    ("北山镇", 16), ("白石镇", 16), ("桃源镇", 18), ("清水镇", 15), ("大坪镇", 15),
    ("石门镇", 16), ("马田镇", 14), ("沙田镇", 14), ("莲塘镇", 14), ("竹园镇", 13),
    ("龙山乡", 11), ("黄竹乡", 10), ("梅溪乡", 10), ("花桥乡", 10), ("湘源瑶族乡", 12),
)  # fmt: skip

# (name, kind, head title, deputy title, deputies, weight, category profile, internal offices)
DEPARTMENTS = (
    ("县纪委监委机关", K.PARTY, "县纪委副书记、县监委副主任", "县纪委常委", 2, 12, "party", ()),
    ("县委办公室", K.PARTY, "主任", "副主任", 3, 8, "party", ()),
    ("县委组织部", K.PARTY, "常务副部长", "副部长", 2, 8, "party", ("组织股", "干部股", "干部监督股", "公务员管理股")),
    ("县委宣传部", K.PARTY, "常务副部长", "副部长", 2, 6, "party", ()),
    ("县委统战部", K.PARTY, "常务副部长", "副部长", 2, 5, "party", ()),
    ("县委政法委员会", K.PARTY, "常务副书记", "副书记", 2, 5, "party", ()),
    ("县委机构编制委员会办公室", K.PARTY, "主任", "副主任", 1, 3, "party", ()),
    ("县直机关工作委员会", K.PARTY, "常务副书记", "副书记", 1, 3, "party", ()),
    ("县人民政府办公室", K.GOVERNMENT, "主任", "副主任", 3, 8, "gov", ()),
    ("县发展和改革局", K.GOVERNMENT, "局长", "副局长", 3, 8, "gov", ("综合股", "项目股")),
    ("县教育局", K.GOVERNMENT, "局长", "副局长", 3, 22, "gov", ()),
    ("县公安局", K.GOVERNMENT, "局长", "副局长", 4, 40, "police", ()),
    ("县民政局", K.GOVERNMENT, "局长", "副局长", 3, 7, "gov", ()),
    ("县财政局", K.GOVERNMENT, "局长", "副局长", 3, 12, "gov", ("预算股", "国库股")),
    ("县人力资源和社会保障局", K.GOVERNMENT, "局长", "副局长", 3, 10, "gov", ()),
    ("县自然资源局", K.GOVERNMENT, "局长", "副局长", 3, 12, "gov", ()),
    ("县住房和城乡建设局", K.GOVERNMENT, "局长", "副局长", 3, 10, "gov", ()),
    ("县交通运输局", K.GOVERNMENT, "局长", "副局长", 3, 8, "gov", ()),
    ("县水利局", K.GOVERNMENT, "局长", "副局长", 3, 8, "gov", ()),
    ("县农业农村局", K.GOVERNMENT, "局长", "副局长", 4, 16, "gov", ()),
    ("县文化旅游广电体育局", K.GOVERNMENT, "局长", "副局长", 3, 7, "gov", ()),
    ("县卫生健康局", K.GOVERNMENT, "局长", "副局长", 3, 18, "gov", ()),
    ("县应急管理局", K.GOVERNMENT, "局长", "副局长", 2, 6, "gov", ()),
    ("县审计局", K.GOVERNMENT, "局长", "副局长", 2, 5, "gov", ()),
    ("县市场监督管理局", K.GOVERNMENT, "局长", "副局长", 3, 14, "gov", ()),
    ("县委党校", K.INSTITUTION, "常务副校长", "副校长", 2, 5, "reference", ()),
    ("县档案馆", K.INSTITUTION, "馆长", "副馆长", 1, 3, "reference", ()),
    ("县融媒体中心", K.INSTITUTION, "主任", "副主任", 2, 8, "institution", ()),
    ("县疾病预防控制中心", K.INSTITUTION, "主任", "副主任", 2, 10, "institution", ()),
    ("县城市建设投资集团有限公司", K.STATE_ENTERPRISE, "董事长", "副总经理", 2, 8, "enterprise", ()),
)
TOWNSHIP_OFFICES = {"城关街道": ("党政综合办公室", "社会事务办公室"), "东岭镇": ("党政综合办公室", "经济发展办公室")}
OFFICE_WEIGHT = 3


def township_posts(name):
    """Leader posts in the order they are filled: heads, then deputies, then the rest of the team."""
    if name.endswith("街道"):
        party, head, deputy, discipline, heads = "党工委", "办事处主任", "办事处副主任", "纪工委书记", "城市管理办主任"
        last = ()
    else:
        kind = "乡" if name.endswith("乡") else "镇"
        party, head, deputy, discipline, heads = "党委", f"{kind}长", f"副{kind}长", "纪委书记", "农业综合服务中心主任"
        last = (("人大主席", L.SECTION_HEAD),)
    leaders = (
        ((f"{party}书记", L.SECTION_HEAD), (head, L.SECTION_HEAD))
        + ((f"{party}副书记", L.SECTION_DEPUTY), (deputy, L.SECTION_DEPUTY), (discipline, L.SECTION_DEPUTY))
        + (("组织委员", L.SECTION_DEPUTY), (deputy, L.SECTION_DEPUTY), (deputy, L.SECTION_DEPUTY))
        + (("宣传委员", L.SECTION_DEPUTY), ("武装部部长", L.SECTION_DEPUTY))
        + last
    )
    return leaders, ("财政所所长", "综治中心主任", "便民服务中心主任", "社会事务办主任", heads)


# profile → (leaders' category, {category: weight} for everyone else)
PROFILES = {
    "party": (C.CIVIL_SERVANT, {C.CIVIL_SERVANT: 90, C.REFERENCE_CIVIL_SERVANT: 10}),
    "gov": (C.CIVIL_SERVANT, {C.CIVIL_SERVANT: 70, C.REFERENCE_CIVIL_SERVANT: 12, C.INSTITUTION_STAFF: 18}),
    "police": (C.CIVIL_SERVANT, {C.CIVIL_SERVANT: 92, C.INSTITUTION_STAFF: 8}),
    "township": (C.CIVIL_SERVANT, {C.CIVIL_SERVANT: 55, C.INSTITUTION_STAFF: 45}),
    "reference": (C.REFERENCE_CIVIL_SERVANT, {C.REFERENCE_CIVIL_SERVANT: 85, C.INSTITUTION_STAFF: 15}),
    "institution": (C.INSTITUTION_STAFF, {C.INSTITUTION_STAFF: 100}),
    "enterprise": (C.ENTERPRISE_STAFF, {C.ENTERPRISE_STAFF: 100}),
}

SURNAMES = (
    ("王", 71), ("李", 70), ("张", 69), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 20),
    ("吴", 20), ("周", 19), ("唐", 16), ("邓", 14), ("彭", 13), ("蒋", 13), ("徐", 13), ("孙", 12),
    ("胡", 12), ("谭", 12), ("曾", 12), ("朱", 11), ("马", 11), ("何", 11), ("罗", 11), ("郭", 10),
    ("高", 9), ("林", 9), ("郑", 8), ("廖", 8), ("肖", 8), ("梁", 7), ("谢", 7), ("宋", 5),
    ("许", 5), ("韩", 5), ("冯", 5), ("曹", 4), ("袁", 4), ("邹", 4), ("田", 4), ("雷", 3),
    ("龙", 3), ("段", 3), ("陶", 3), ("汤", 3), ("尹", 3), ("贺", 3), ("石", 3), ("伍", 3),
    ("毛", 3), ("盘", 2), ("奉", 2), ("欧阳", 2),
)  # fmt: skip
MALE_CHARS = (
    "伟强军磊勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林峰志建国文清海新亮晨阳东振锋成兵彬坤毅荣庆德湘江卫永"
)
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷慧莹雪琳洁倩颖琴云红梅兰萍丹佳蓉雯欣怡悦晶璐露月秀凤彤瑶思雨涵"
SHARED_FIRST = "晓小志建文海子新嘉春秋立"
ETHNICITIES = (("汉族", 86), ("瑶族", 9), ("苗族", 3), ("土家族", 2))
# Birthplace codes: 431131 is this fictional county (in 永州市, 4311); then its neighbours; then elsewhere.
ID_PREFIXES = (
    ("431131", 70), ("431129", 8), ("431126", 6), ("431127", 4), ("431124", 4),
    ("431102", 3), ("430521", 2), ("430104", 3),
)  # fmt: skip
MOBILE_PREFIXES = tuple(f"13{d}" for d in range(10)) + tuple(f"18{d}" for d in range(10)) + (
    "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "191", "198",
)  # fmt: skip

LEADER_LEVELS = (L.DIVISION_HEAD, L.DIVISION_DEPUTY, L.SECTION_HEAD, L.SECTION_DEPUTY)
# (youngest, oldest, most common) age per leadership level.
AGES = {
    L.DIVISION_HEAD: (46, 57, 52),
    L.DIVISION_DEPUTY: (40, 56, 49),
    L.SECTION_HEAD: (33, 57, 47),
    L.SECTION_DEPUTY: (28, 55, 41),
    L.UNIT_HEAD: (27, 57, 40),
    L.NONE: (23, 59, 33),
}
# An earlier posting is one step down the ladder; county leaders came up through section-head posts.
STEP_DOWN = {
    L.DIVISION_HEAD: L.SECTION_HEAD,
    L.DIVISION_DEPUTY: L.SECTION_HEAD,
    L.SECTION_HEAD: L.SECTION_DEPUTY,
    L.SECTION_DEPUTY: L.UNIT_HEAD,
    L.UNIT_HEAD: L.NONE,
    L.NONE: L.NONE,
}


# --- The demo ledger (月纪实) of LEDGER_YEAR ------------------------------------------------------

LEDGER_YEAR = REFERENCE_DATE.year
# Months closed for every township (the last two months stay open, some of them still in review).
CLOSED_MONTHS = range(1, 11)

# rule code → issuer of its documents (文号 "{issuer}〔2025〕{n}号") and documents issued per month.
DOCUMENTS = {
    "BZ01": ("人社部发", 1), "BZ02": ("湘人社发", 1), "BZ03": ("永发", 2), "BZ04": ("青发", 2),
    "BZ05": ("青组通", 4), "CX01": ("永办通", 2), "CX02": ("青改办", 2), "CX03": ("永办函", 1),
    "CX04": ("永办通", 1), "JN01": ("青疾控指", 3), "JN02": ("青防指", 6), "JN03": ("青信联", 6),
    "JN04": ("青重项办", 8), "JN05": ("青招商", 4), "ZD01": ("青督查", 10), "ZD02": ("青考评", 2),
    "SW01": ("青督查通", 3), "SW02": ("青督查通", 3), "TS01": ("青信访复", 4), "TB01": ("青办通", 2),
    "TB02": ("永办通", 1), "YT01": ("青纪谈", 2), "YT02": ("青纪函", 2),
}  # fmt: skip
# Rules whose facts are recorded without a document (monthly duty, no circular).
UNDOCUMENTED = {"JN06"}

# Once a year at most, with this probability (scaled by the cadre's performance), in one of these months.
ANNUAL_EVENTS = (
    ("BZ01", 0.001, (7,)), ("BZ02", 0.008, (1, 7)), ("BZ03", 0.04, (1, 7, 12)), ("BZ04", 0.12, (1, 2, 7)),
    ("CX01", 0.04, range(3, 12)), ("CX02", 0.03, range(3, 12)), ("CX03", 0.02, range(4, 12)),
    ("CX04", 0.01, (6, 12)), ("ZD02", 0.25, (12,)),
)  # fmt: skip
# The rest of a month: urgent and key tasks, (weight, most per month); flood season multiplies JN02.
MONTHLY_RULES = {"JN04": (35, 4), "JN03": (25, 3), "JN05": (8, 2), "JN02": (8, 4), "JN01": (5, 2)}
FLOOD_MONTHS = range(5, 9)
DEDUCTION_RATE = 0.03  # share of cadres with a deduction in a month
DEDUCTIONS = {"SW02": 30, "SW01": 20, "TS01": 20, "TB01": 12, "YT02": 8, "YT01": 6, "TB02": 2}
TOLERABLE = {"SW01", "SW02", "TS01", "TB01"}  # deductions a fault-tolerance application may concern

# (kind, measure, weight, rule code, points, document issuer)
SANCTIONS = (
    ("诫勉", "诫勉", 45, "WZ01", "-5", "青纪诫"),
    ("政务处分", "警告", 15, "JL01", "-10", "青监处"),
    ("党纪处分", "警告", 20, "JL01", "-10", "青纪处"),
    ("政务处分", "记过", 12, "JL01", "-15", "青监处"),
    ("党纪处分", "严重警告", 8, "JL01", "-15", "青纪处"),
)
SANCTION_REASONS = ("违规发放津补贴", "违规收受礼品礼金", "公车私用", "工作严重失职造成损失", "违规插手工程项目")

TASKS = (
    "农村人居环境整治季度任务", "高标准农田建设任务", "城乡居民医保征缴任务", "森林防火责任区巡查任务",
    "耕地保护“田长制”巡查任务", "河长制巡河任务", "安全生产隐患排查整治任务", "防返贫动态监测排查任务",
    "优化营商环境重点任务", "基层治理示范点建设任务", "“一网通办”事项办理任务", "村级集体经济发展任务",
    "自建房安全专项整治任务", "秸秆禁烧巡查任务", "义务教育控辍保学任务", "粮食生产目标任务",
)  # fmt: skip
VILLAGES = (
    "石桥村", "柏树村", "杨柳村", "新塘村", "龙泉村", "桂花村", "茶园村", "枫林村",
    "大井村", "清溪村", "黄泥村", "竹山村", "上洞村", "沙坪村", "福田村", "长乐村",
)  # fmt: skip
PROJECTS = (
    "G207国道青山段改扩建工程", "县城污水处理厂提质改造工程", "潇水青山段防洪堤工程", "工业园标准厂房三期",
    "白石水库除险加固工程", "高铁站站前广场", "城东棚户区改造项目", "县人民医院新院区", "农产品冷链物流园",
)  # fmt: skip
INDUSTRIES = ("电子信息", "新材料", "农产品精深加工", "现代物流", "新能源电池配件", "文旅康养", "智能制造")
DISPUTES = ("土地征收补偿", "宅基地纠纷", "林权纠纷", "拖欠农民工工资", "山林界址纠纷", "移民后期扶持")
WORKS = (
    "安全生产", "环保督察整改", "森林防火", "防汛值守", "征地拆迁", "信访维稳",
    "乡村振兴", "民生实事", "项目建设", "财务管理", "招商引资", "基层党建",
)  # fmt: skip
COMPLAINTS = (
    "办事推诿、态度生硬",
    "低保评审程序不规范",
    "惠农补贴发放不及时",
    "窗口服务超时办结",
    "信访事项答复不及时",
)
BRANDS = ("屋场夜话", "网格+调解", "一码通办", "村级小微权力清单", "红色代办")
TARGETS = ("招商引资", "财政税收", "固定资产投资", "粮食生产", "城乡居民医保征缴", "项目资金争取")
HONORS = {
    "BZ01": ("全国乡村振兴先进个人", "全国信访工作先进个人", "全国民族团结进步模范个人"),
    "BZ02": ("湖南省优秀共产党员", "湖南省防汛抗旱先进个人", "湖南省乡村振兴先进个人"),
    "BZ03": ("永州市优秀共产党员", "永州市优秀驻村第一书记", "永州市招商引资先进个人"),
    "BZ04": ("青山县优秀共产党员", "青山县优秀公务员", "青山县平安建设先进个人", "青山县招商引资先进个人"),
}

# Facts (事由) per rule; {placeholders} are drawn by the generator.
FACTS = {
    "BZ01": ("获评{honor}",),
    "BZ02": ("获评{honor}",),
    "BZ03": ("获评{honor}",),
    "BZ04": ("获评{honor}", "年度考核被评为{honor}"),
    "BZ05": ("{work}工作做法受到县委县政府书面通报表扬", "{work}工作受到市委办书面通报表扬"),
    "CX01": ("{work}工作经验在全市推广", "“{brand}”工作法被市委组织部推广"),
    "CX02": ("提出的{work}改革创新举措被县委县政府采纳",),
    "CX03": ("承办全市{work}现场推进会",),
    "CX04": ("{work}工作在全市考核中排名第一",),
    "JN01": ("参加{village}登革热疫情防控入户排查{n}天", "参加非洲猪瘟疫情防控卡点值守{n}天"),
    "JN02": ("参加{month}月强降雨防汛抢险，在{village}转移群众{n}人", "参加{village}山体滑坡灾后抢险救灾",
             "连续{n}天在{village}水库大坝防汛值守"),
    "JN03": ("化解{village}村民{dispute}信访积案一件，案结事了", "参与{dispute}信访事项化解，当事人息诉罢访"),
    "JN04": ("牵头推进{project}征地拆迁攻坚，按期交地", "参与{project}攻坚，解决{n}户房屋征收遗留问题",
             "驻点{project}协调解决施工环境问题{n}个"),
    "JN05": ("引进{industry}项目签约落地，协议投资{amount}亿元",),
    "JN06": ("在{village}驻村帮扶，完成当月防返贫监测走访和帮扶任务", "驻{village}开展产业帮扶，协调帮扶资金{n}万元"),
    "ZD01": ("按期完成{task}，经县委督查室验收合格", "{task}按节点完成，督查评价为优"),
    "ZD02": ("超额完成年度{target}目标任务，完成率{pct}%",),
    "SW01": ("在{work}工作中审核把关不严，造成不良影响",),
    "SW02": ("未按期完成{task}，被县委督查室督办",),
    "TS01": ("群众反映{complaint}问题，经查属实",),
    "TB01": ("{work}工作推进滞后，受到县委办、县政府办通报批评",),
    "TB02": ("{work}工作考核排名靠后，受到市级通报批评",),
    "YT01": ("因{work}工作落实不力被县纪委监委约谈",),
    "YT02": ("被函询反映的{complaint}问题，经核属实",),
}  # fmt: skip

RETURN_REASONS = (
    "文号与事由不符，请核对后重新提交",
    "分值超出积分标准，请按标准录入",
    "事由过于笼统，请写明具体任务和成效",
    "发生日期与文件日期不一致",
    "佐证文件尚未下发，请补充文号",
)
# (reason, whether a corrected entry follows)
REVERSAL_REASONS = (("分值标准适用错误，予以更正", True), ("事项不符合加分条件，予以冲销", False))

APPLICATIONS = {
    "trial": "在{work}先行先试中因缺乏经验出现失误，未谋取私利，申请按“三个区分开来”予以容错。",
    "exploration": "在上级尚无明确规定的{work}探索中出现偏差，已及时纠正，申请容错。",
    "development": "为推动{work}加快进度，程序上存在瑕疵，出于公心，未造成重大损失，申请容错。",
}
VERIFICATION = "经核实，当事人系出于公心推动工作，失误已及时整改，未造成重大损失。"
DETERMINATIONS = {
    "waived": "经县容错纠错工作领导小组研究，认定符合容错情形，予以免责。",
    "reduced": "经县容错纠错工作领导小组研究，认定部分符合容错情形，减轻扣分。",
    "rejected": "经县容错纠错工作领导小组研究，不符合容错情形，不予容错。",
}

TALKS = {
    "提醒谈话": ("针对{work}工作中存在的问题进行提醒谈话，指出问题并提出整改要求", "本人认识到问题，表示限期整改"),
    "函询": ("就群众反映的{complaint}问题进行函询", "本人已书面说明情况，问题属实，已责令整改"),
    "谈心谈话": (
        "了解思想和工作情况，交流工作思路和困难，提出廉洁履职要求",
        "思想稳定，工作积极，提出的困难已协调解决",
    ),
}

# Draws for the {placeholders} of FACTS beyond honor, n, pct and month.
FACT_SLOTS = {
    "work": WORKS,
    "task": TASKS,
    "village": VILLAGES,
    "project": PROJECTS,
    "industry": INDUSTRIES,
    "dispute": DISPUTES,
    "complaint": COMPLAINTS,
    "brand": BRANDS,
    "target": TARGETS,
    "amount": ("0.5", "0.8", "1.2", "1.5", "2", "3", "5", "8"),
}
