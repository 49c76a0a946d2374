"""Characters of names: of given names, and surnames.

Given names: parents choose them for names far more often than they appear in running text (赟, 彧,
昇, 琍). A recognizer learns from running text, so where a name's glyph could be one of these or a common look-alike
(赞, 或, 异, 利) it leans to the common one: on a clean scan of 东方颖赟 it gives 赞 0.52 against 赟 0.43.
field_decode.name_reading uses the list to break such near-ties the way a name makes likely.

Written for this list, by radical; a character common outside names (伟, 明, 利) is left out on purpose, since a
listed character wins a near-tie against any unlisted one.

Surnames (SURNAMES, COMPOUND_SURNAMES) are a short closed list, so a first character off it is itself a sign of a
misreading.
"""

from __future__ import annotations

NAME_CHARACTERS = (
    # jade (王): the commonest source of name-only characters
    "玑玓玘玙玟玥玮珂珈珉珏珅珑珞珣珩珺珽琅琇琚琍琛琤琦琨琪琬琯琰琮瑀瑄瑗瑛瑜瑭瑶瑾璇璋璐璘璜璞璟璠璨璩"
    # sun (日)
    "旸旻昀昉昇昊昕昱昳昶晁晏晔晖晗晞晟晧暄暐暘暻曌曦"
    # fire (火)
    "炅炘炜炫烁烨焓焜焱煊煜熠燊燚"
    # metal (钅)
    "钊钧钰铎铖铠锟锴镕鋆鑫"
    # water (氵)
    "汐沄沅沣泓洺洵涵淇淏淼湉渝溱滢潇澍濛瀚瀛灏"
    # wood and grass (木, 艹)
    "杉栩桦梓棣楠榕樾芃芊芮芷苒苡茜茗荟莘萱蓁蓓蕙"
    # woman (女)
    "妍妤姝娅娆娉婕婧婳媛嫚嫣嬿"
    # horse (马) and the rest
    "驰骁骅骏骐骞佶偲堃垚圻喆赟犇翀翊翎羿彧頔甄祎祺禛睿皓颢奕弈彦彤宸岚崧嵘峥霖霏雯霁懿馨歆沁筱胤"
)

# Surnames: about 430 single-character ones, the commonest first, which between them name nearly every holder. A
# name's first character that is none of them is almost surely misread (白 as 日, 吕 as 品, 沈 as 洗), so
# field_decode.name_reading takes a listed surname there on weaker evidence than a given name's character. Written for
# this list from the common-surname rankings; surnames that are also everyday words (文, 明, 平, 成) are in, so a
# first character read as one of them is kept.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛"
    "樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉"
    "骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗"
    "瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原"
    "栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬"
    "来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干"
    "但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由萧"
    # rarer ones, some a stroke from a common one (仉 and 仇, 芈 and 华): listed, a clear reading of them stays
    "仉酆芈笪邴郦訾蹇滑矫暴钮怀逄糜蒯厍禚靖雎禄郗宦谯缑墨闪杞蓟虎帖淡"
)
# Where names transliterated from Tibetan, Uyghur or Mongolian start (扎西, 次仁, 热依拉, 买买提): no surname, but a
# first character as good as one.
TRANSLITERATED_STARTS = "扎次格旦拉尼达央益德多热买努吐帕迪依库克塔托图额宝布吾加其木"
# Two-character surnames: the name's given part starts after them.
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "司徒",
    "夏侯",
    "长孙",
    "宇文",
    "端木",
    "西门",
    "南宫",
    "独孤",
    "轩辕",
    "钟离",
    "澹台",
    "呼延",
    "万俟",
    "赫连",
    "闻人",
    "申屠",
    "太史",
)
# A name's first character stands as read when it is one of these: surnames, and where transliterated names start.
NAME_STARTS = SURNAMES + TRANSLITERATED_STARTS
# A transliterated name's parts are joined by a middle dot (热依拉·艾力): such a name has no surname to check.
NAME_PART_SEPARATOR = "·"


def starts_as_names_do(name: str) -> bool:
    """The name starts with a listed surname, two-character surname or transliterated name's start, or is a dotted
    transliterated name (which has no surname)."""
    return name[:1] in NAME_STARTS or name.startswith(COMPOUND_SURNAMES) or NAME_PART_SEPARATOR in name
