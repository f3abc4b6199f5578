"""Every default item on wordings that were not used to train its head (nor written into the
rules): whole calls scored with the real sentence encoder and the packaged heads."""

from __future__ import annotations

import dataclasses

import pytest

from scoring import evaluate, load_scorecard
from scoring.intents import GUARD_DIR, load_bank
from scoring.matching import normalize
from scoring.metrics import measure
from scoring.scorecard import AnyOf, Op, Scorecard
from scoring.sentiment import shared_model
from tests.scoring.factories import make_transcript

CARD = load_scorecard("telecom_hotline")


def _patterns_only(card: Scorecard, flag: str) -> Scorecard:
    """The scorecard with `flag` raised by its patterns alone (its regex branches)."""
    rules = []
    for rule in card.flags:
        if rule.id == flag:
            kept = tuple(c for c in rule.when.children if isinstance(c, Op) and c.name == "regex")
            rule = dataclasses.replace(rule, when=AnyOf(kept))
        rules.append(rule)
    return dataclasses.replace(card, flags=tuple(rules))


PATTERNS_ONLY = _patterns_only(CARD, "churn_risk")


def _doubting(card: Scorecard) -> Scorecard:
    """The scorecard with a taken-back threat raised and doubted (basis taken_back, for a
    reviewer) rather than dropped: what the take-back reading found shows on the flag."""
    rules = tuple(dataclasses.replace(r, taken_back_drop=False) for r in card.flags)
    return dataclasses.replace(card, flags=rules)


DOUBTING = _doubting(CARD)
OPEN = "您好，欢迎致电中国电信，我是工号三二一五，请问今天需要办理什么？"
ASK = "我想问一下我这个月的宽带账单。"


def _call(*lines: tuple[str, str], gaps: dict[int, float] | None = None, card=CARD):  # type: ignore[no-untyped-def]
    """A call from (role, text) lines at 4.5 characters a second; gaps[i] = silence before i."""
    turns, t = [], 0.5
    for i, (role, text) in enumerate(lines):
        t += (gaps or {}).get(i, 0.6)
        end = t + len(text) / 4.5
        turns.append((t, end, role, text))
        t = end
    transcript = shared_model().annotate(make_transcript(*turns))
    return evaluate(transcript, measure(transcript, t + 1.0), card, {"call_id": "t"})


def _status(result, item: str) -> str:  # type: ignore[no-untyped-def]
    return next(str(i.status) for i in result.items if i.id == item)


CASES = [
    # (item, expected status, lines)
    ("greeting", "passed", [("agent", OPEN), ("customer", ASK)]),
    ("greeting", "failed", [("agent", "工号三二一五。"), ("customer", ASK)]),
    # a greeting that only names the line or the agent offers no service (session 44)
    ("greeting", "failed", [("agent", "你好，这里是电信热线。"), ("customer", ASK)]),
    ("greeting", "failed", [("agent", "您好，我是幺零八六号。"), ("customer", ASK)]),
    ("greeting", "passed", [("agent", "您好，电信客服，您请讲。"), ("customer", ASK)]),
    # an offer as what the caller ran into (session 46, dev_ac)
    (
        "greeting",
        "passed",
        [("agent", "您好，让您等了一会儿，您是碰上什么麻烦了？"), ("customer", ASK)],
    ),
    ("greeting", "failed", [("agent", "您好，您这个月的话费已经欠了三十块。"), ("customer", ASK)]),
    (
        "further_help",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "除了这个，您还有别的想了解的吗？")],
    ),
    (
        "further_help",
        "failed",
        [("agent", OPEN), ("customer", ASK), ("agent", "账单已经发到您邮箱了。")],
    ),
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "一会儿挂机后有条短信，麻烦您回复数字给这次服务打个分。"),
        ],
    ),
    # session 41 (blind writers' calls): a questionnaire, a message told as a fact
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "结束后您会收到一份小问卷，您根据情况填就好。"),
        ],
    ),
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "挂了以后手机上可能会收到一条短信问您满不满意，可以放心回复。"),
        ],
    ),
    # session 42 (blind writers' calls): satisfaction asked before the message is named, a
    # yes-or-no survey, stars or a written review
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我们想知道您对这次处理满不满意，过一会儿系统会给您发条短信。"),
        ],
    ),
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "稍后的短信会问您是否满意，您按自己的想法回就行。"),
        ],
    ),
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我哪里讲得不好您就在评价里提出来，星星打几颗都由您。"),
        ],
    ),
    # session 43 (a blind writer's closings): a survey by phone announced without the word 回
    # 访, good wishes of the caller's health, the further-help question ending a long sentence
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "之后会有调查公司的人打给您，问问您对这次处理的看法，您照直说。"),
        ],
    ),
    (
        "further_help",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "副卡已经取消了。别的还办不办？")],
    ),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "好的，天气冷了，您多保重身体。")],
    ),
    # session 46 (a blind writer's closing sentences): thanks for calling the line or for the
    # caller's patience at the end; further help asked with 啥 or as what else to learn; the call
    # put through to the rating
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "好的，非常感谢您拨打我们的服务热线。")],
    ),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "那就先给您登记上了，感谢您这么久的耐心。")],
    ),
    (
        "further_help",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "退订已经生效了，还有啥要问的您讲。")],
    ),
    (
        "further_help",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "流量包就是这样算的，您还要咨询些别的吗？")],
    ),
    (
        "further_help",
        "failed",
        [("agent", OPEN), ("customer", ASK), ("agent", "好的，那您还有别的联系电话吗？")],
    ),
    (
        "survey_invitation",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "那我现在就给您转去评分那边了啊。")],
    ),
    # thanks that end the turn, care wished; whether the problem is solved (session 46, close8)
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "后面有条短信，麻烦您回一下，谢谢哈。")],
    ),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "好，天凉了，您出门多穿点。")],
    ),
    (
        "further_help",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "请问您反映的这个情况是否已经处理好了？")],
    ),
    # session 51 (dev_ae): the carrier's own hotline and its voice menu is no other number;
    # another number, or the hotline rung again for another desk (dev_af), still is a push
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我想问问我还剩多少话费。"),
            ("agent", "这个您可以拨打幺零零幺零，听到提示音以后按二查询。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我想问问我还剩多少话费。"),
            ("agent", "这个我们处理不了，您拨打九五五八八问问银行吧。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我家宽带上不了网。"),
            ("agent", "宽带的事您得挂了重新打一零零一零转宽带那边，我这里管不着。"),
        ],
    ),
    # session 51 (dev_ae, long calls): the survey's text message is no way to hear back
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我家宽带断了两天了。"),
            ("agent", "我给您提交一个报修工单，四十八小时内安排师傅处理。"),
            ("customer", "好吧。"),
            ("agent", "好的，稍后会发一条短信请您对本次服务评价，感谢来电，再见。"),
        ],
    ),
    # session 47 (hand1, a blind writer's handovers, read): work passed up in a region's words,
    # a time said as 明儿个, the way to hear back as a message on WeChat; not where the caller is
    # sent to report it
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "这事儿我给你往上递了，明儿个下午之前有人给你打电话。"),
        ],
    ),
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您那个退费呢，三个工作日内到账，到时候微信上会收到提醒。"),
        ],
    ),
    (
        "commitment",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "宽带报修是装维负责的，您去附近营业厅报修就行。"),
        ],
    ),
    # session 48 (close10 read): whether the fault is gone now, as further help; thanks for
    # calling in, as the closing; not whether the caller has written something down
    (
        "further_help",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "您那边网络现在恢复了没有？")],
    ),
    (
        "further_help",
        "failed",
        [("agent", OPEN), ("customer", ASK), ("agent", "账号是八位数，您现在记好了吗？")],
    ),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "行，那谢谢您打电话来告诉我们。")],
    ),
    # session 48 (hand2 read): a day of the month or an hour as the time, the call that will
    # come or a mail as the way to hear back; not a vague "as soon as we can"
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我把您这个问题转给账务组了，最迟这个月十五号前，他们会打您家里的座机。"),
        ],
    ),
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我帮您申请了退费，下午四点以前处理完，结果发到您登记的邮箱。"),
        ],
    ),
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我把您这个问题转给账务组了，他们会第一时间处理的。"),
        ],
    ),
    # session 47 (close9 read): further help asked with 不, a callback to learn how the service
    # was, 您先忙 with a hang-up, thanks for this patience
    (
        "further_help",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "那个账单就是这么回事，别的业务还要办不？")],
    ),
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "稍后会有回访专员给您打电话，了解一下这次的服务情况。"),
        ],
    ),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "那您先忙，我先挂了哈。")],
    ),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "嗯，都弄好了，谢谢您这份耐心。")],
    ),
    # thanks for the caller's help in a short call's middle close nothing (session 46: an
    # audio fixture call that ends abruptly)
    (
        "closing",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "谢谢您的配合，身份核对好了。"),
            ("agent", "流量包已经退掉了，下个月不扣。"),
            ("customer", "好，那就这样。"),
            ("agent", "嗯，就这样吧。"),
        ],
    ),
    (
        "closing",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "麻烦报一下机主身份证的后四位。"),
            ("customer", "三三零九。"),
            ("agent", "嗯好的，多谢。"),
            ("agent", "套餐已经改好了，下个月一号生效。"),
            ("customer", "行。"),
            ("agent", "嗯，好。"),
        ],
    ),
    # a wish without 祝 (session 46, dev_ad)
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "行，卡已经寄出去了，国庆快乐啊。")],
    ),
    ("closing", "passed", [("agent", OPEN), ("customer", ASK), ("agent", "好嘞，那您旅途平安。")]),
    (
        "closing",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "行，挂机以后有短信邀请您评价，谢谢您打进来。"),
        ],
    ),
    (
        "further_help",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            (
                "agent",
                "行，已经给您登记好了，师傅明天上午九点到十二点之间上门，来之前会先打电话，还有别的要问的吗？",
            ),
        ],
    ),
    # session 44 (a blind writer's closings): the survey call asking how the call was handled
    # or about the service's quality, the view on the service sent back by text
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "回头会有个回访，问下这次问题解决得如何，您照实讲就好。"),
        ],
    ),
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "可能会有调查的同事来电，了解一下这次的服务质量，辛苦您接听。"),
        ],
    ),
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您对这次通话的意见，稍后回复我们发过去的短信就可以。"),
        ],
    ),
    # session 43 (a blind writer's closings): the survey call announced, a key to press once
    # the call ends; a callback about the fault is no survey
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "明天可能有个回访电话，您对我们哪里有意见尽管提。"),
        ],
    ),
    (
        "survey_invitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "电话挂了之后请您按个一到五的键，给这次服务打打分。"),
        ],
    ),
    (
        "survey_invitation",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "师傅修好以后我们会回访您，确认网络恢复没有。"),
        ],
    ),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "那就不打扰您了，祝您周末愉快，回见。")],
    ),
    # a bare 那就这样 cuts the call short; it closes nothing (session 44)
    ("closing", "failed", [("agent", OPEN), ("customer", ASK), ("agent", "嗯，那就先这样。")]),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "好嘞，有事再打过来，拜拜。")],
    ),
    (
        "closing",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "那行，祝您新手机用得顺心。")],
    ),
    (
        "empathy",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "上回那次乱扣费我投诉过，最后你们都退给我了，今天是想问问宽带续约。"),
            ("agent", "好的，我帮您看一下。"),
        ],
    ),
    # the trouble acknowledged or the fault owned in the agent's own words (session 46, dev_ac)
    (
        "empathy",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "师傅都上门三回了还没修好，我这个月的假全搭进去了，真是受够了。"),
            ("agent", "上门三回都没弄好，确实太折腾人了，这回我请班长亲自跟。"),
        ],
    ),
    (
        "empathy",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "你们发的短信说送五十块话费，到现在一分都没见着，这算怎么回事。"),
            ("agent", "活动说好的返还没到，是我们这边没做好，我先帮您查是哪一步卡住了。"),
        ],
    ),
    # a neighbour's or a classmate's grievance told by a calm caller is theirs; the caller's
    # own beside it is not (session 44)
    (
        "empathy",
        "not_applicable",
        [
            ("agent", OPEN),
            (
                "customer",
                "我邻居前两天因为押金的事跟你们吵了一架，最后转到联通去了，我倒觉得你们挺方便。",
            ),
            ("agent", "好的，我帮您看一下。"),
        ],
    ),
    (
        "empathy",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "你们这网三天两头断，我邻居都跟我说了好几次，我自己也受够了。"),
            ("agent", "好的，我帮您看一下。"),
        ],
    ),
    # the caller's feeling named as anyone's soothes (session 44: 换谁都想不通)
    (
        "empathy",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "你们这个月莫名其妙扣了我两百块，太过分了！"),
            ("agent", "平白无故多出两百块，搁谁身上都会来气，我马上给您查。"),
        ],
    ),
    # session 44 (a blind writer's call): a grievance settled years ago, told in passing (the
    # context heads read it as an aside), is no dissatisfaction now
    (
        "empathy",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "前几年你们乱收费我还找过工信部，后来退了，这事早过去了。"),
            ("agent", "好的，我帮您看一下。"),
        ],
    ),
    # session 43 (blind writers' calls): frustration said in so many words is dissatisfaction
    # the agent must answer, not a relative's told by the caller
    (
        "empathy",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我手机刚在公交上被偷了，真倒霉，烦死了。"),
            ("agent", "请报一下机主姓名和证件后四位。"),
        ],
    ),
    (
        "empathy",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "家里网速晚上就慢下来了，挺烦的。"),
            ("agent", "请报一下机主姓名和证件后四位。"),
        ],
    ),
    (
        "empathy",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "我妈急死了，让我帮她问问这个月话费。"),
            ("agent", "请报一下机主姓名和证件后四位。"),
        ],
    ),
    # session 43 (blind writers' calls): a refund the agent applies for is handed to billing,
    # one the customer is told to apply for is not the agent's
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "上个月多扣了我三十块。"),
            (
                "agent",
                "我这边马上给您提交退还，三十块二十四小时内退回您的话费账户，退好了有短信提醒。",
            ),
        ],
    ),
    (
        "commitment",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "上个月多扣了我三十块。"),
            ("agent", "这笔是第三方收的，需要您自己联系他们申请退款，电话我发到您手机上。"),
        ],
    ),
    # a plan change submitted to take effect later is done on the spot, not handed on; a
    # visit booked beside it is
    (
        "commitment",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "我想换个便宜点的套餐。"),
            ("agent", "好的，已经帮您提交了，五十八的套餐下个月一号生效，生效后有短信提醒您。"),
        ],
    ),
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我想把宽带提个速。"),
            ("agent", "好的，升级从下个月起生效，换光猫的师傅三天内会打电话约您上门。"),
        ],
    ),
    # session 43 (blind writers' calls): a grievance sent back to a shop or a third party is
    # deflection (工单 in 施工单位 is no ticket); a step the rules require in person is not
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我这个月话费怎么多了五十？"),
            ("agent", "账单我这边看没问题，您要是觉得不对，就去营业厅打个详单自己对一下吧。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我家门口的线被挖断了。"),
            ("agent", "这个是小区施工挖断的线，你去找施工单位。"),
        ],
    ),
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我想把这个号销了。"),
            ("agent", "销户需要机主本人带身份证去营业厅办理，我先帮您预约好时间。"),
        ],
    ),
    # session 50 (dev_h): ownership said to be unavailable answers no push; ownership offered
    # after a push still does
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我的积分怎么清零了？给我恢复。"),
            ("agent", "恢复不了。您觉得不合理就去营业厅反映吧。"),
            ("customer", "那你给我转过去问问啊。"),
            ("agent", "我们这儿转接不了的，您还是去营业厅说吧。"),
        ],
    ),
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我的积分怎么清零了？给我恢复。"),
            ("agent", "恢复不了。您觉得不合理就去营业厅反映吧。"),
            ("customer", "那你给我转过去问问啊。"),
            ("agent", "好的，我这就给您转接积分专席，请稍等。"),
        ],
    ),
    # a colleague's push quoted and disowned is none, whichever condition reads it (the
    # deflection head reads this one at 0.96: its sentence is left out)
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "上次打电话，你们的人让我自己去找卖家。"),
            (
                "agent",
                "上回营业员跟您说“这个我们没办法，您找别人去吧”，这种说法就是不对的，我先跟您道歉。",
            ),
        ],
    ),
    # session 50 (dev_aa): help with a second matter the caller raises after a push does not
    # answer the push; help with the matter pushed away does
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我在网上买的充值卡一直没到账。"),
            ("agent", "网上买的卡您找卖家去，那是他们的单子，我们这边管不了。"),
            ("customer", "还有个事，我家的路由器灯一直红着。"),
            ("agent", "路由器的问题我给您报个修，今天下午师傅会打您电话。"),
        ],
    ),
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我在网上买的充值卡一直没到账。"),
            ("agent", "网上买的卡您找卖家去，那是他们的单子，我们这边管不了。"),
            ("customer", "你们就不能帮我查一下吗？"),
            ("agent", "好的，我给您提交一个工单，今天下午给您回电话。"),
        ],
    ),
    # the caller told to ring a number is sent away, not called back (the callback head reads
    # the last line at 0.63, the deflection head at 0.2)
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我装宽带时交的押金到现在还没退。"),
            ("agent", "押金是代理点收的，不归我们管，您得去找代理点退。"),
            ("customer", "我哪知道代理点在哪儿？"),
            ("agent", "押金条上应该写着代理点的电话，您打那个电话联系。"),
        ],
    ),
    # session 50: a dare to complain or to leave pushes the matter away; an offer to log the
    # complaint owns it
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "这个月又多扣了我二十块，你们到底怎么回事？"),
            ("agent", "扣费都是按系统来的，你非要投诉那就投诉去，结果也一样。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "信号这么差，我看我还是换运营商算了。"),
            ("agent", "您想携号转网的话就转吧，我这边没什么能做的。"),
        ],
    ),
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "这个月又多扣了我二十块，我要投诉。"),
            ("agent", "您要投诉的话，我现在就帮您登记，二十四小时内专人给您回电话。"),
        ],
    ),
    # session 44 (blind writers' calls): a check offered on a condition, nothing of the account
    # read, is no check (the caller may decline it)
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "五G在我们小区能用吗？"),
            ("agent", "能用的。要不要我帮您看看您现在的套餐？看的话得先核对一下机主身份。"),
            ("customer", "不用了，我就问问。"),
        ],
    ),
    # session 43: prices told to anyone (新装宽带有三档) are no account data; the customer's
    # own charges are
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "我想问问你们宽带现在什么价格。"),
            ("agent", "目前新装宽带有三档，三百兆的一年九百六，五百兆的一年一千二，都送光猫。"),
        ],
    ),
    (
        "identity_verification",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我想问问我这个月扣了多少。"),
            ("agent", "您这个号码本月已经扣了六十八元月租，余额还有十二块。"),
        ],
    ),
    # session 44 (dev_aa): a promotion told to anyone is no account data either; the caller's
    # own orders of yesterday are
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "宽带续费有优惠吗？"),
            ("agent", "现在包年续费打九折，月底前续还多送一个月。"),
        ],
    ),
    (
        "identity_verification",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我好像多订了一个流量包。"),
            ("agent", "看到了，您昨天晚上各订了一个五块钱的日包，一共十块。"),
        ],
    ),
    # a number asked for alone names the line, not who is calling: no check (session 44)
    (
        "identity_verification",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我想问下我这个月用了多少流量。"),
            ("agent", "请您先报一下手机号码。"),
            ("customer", "一三九一二三四五六七八。"),
            ("agent", "您这个号本月已经用了二十八个G，还剩两个G。"),
        ],
    ),
    # session 44 (a blind writer's call): a technician who will call or come is a handover, with
    # its time frame and how the customer hears or without
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "家里电视一直没信号。"),
            ("agent", "线路那边在修，明天中午前应该能好，好了以后系统发短信告诉您。"),
            ("agent", "要是到时候还不行，维修人员会先给您打电话再过去看看。"),
        ],
    ),
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "家里电视一直没信号。"),
            ("agent", "好的，回头工程师会上门帮您看看。"),
        ],
    ),
    # session 44 (a blind writer's calls): a report filed again, work left to the back office,
    # a visit booked for a weekday; a weekday and time, a call to the customer's number, a mail
    # to their address are how and when they hear
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "上周报的故障又被结单了。"),
            ("agent", "行，我重新帮您报上去，让他们再查查，您等着吧。"),
        ],
    ),
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我想把宽带合约续一年。"),
            ("agent", "这个得后台审核一下，三天以内就好，好了会打您登记的这个号码告诉您。"),
        ],
    ),
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我要开上个月的发票。"),
            ("agent", "我交给后台处理，下周一之前发票会发到您预留的邮箱。"),
        ],
    ),
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "那什么时候来装？"),
            ("agent", "约好了，星期五上午九点到十一点师傅上门，来之前会先打您电话。"),
        ],
    ),
    # a repair under way that the customer will hear of is handed on (session 44); a refund
    # the customer is told to apply for is not
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "家里网断了。"),
            ("agent", "光缆在抢修，预计今晚十点前修好，修好后会短信通知到您这个号。"),
        ],
    ),
    (
        "commitment",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "这笔游戏充值不是我扣的。"),
            ("agent", "这种代扣费要您自己去找那家公司的客服申请退款。"),
        ],
    ),
    # a change made on the spot, its confirmation to come by text, leaves nothing pending
    # (session 44); a refund still is
    (
        "commitment",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "那就改成八十八的吧。"),
            ("agent", "好的，已经给您提交了，变更成功会发短信告诉您。"),
        ],
    ),
    # session 44 (the helpdesk dialogues): a written reply's handover (staff sent, a check or a
    # report promised) with no time frame or word of how the customer hears
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "小区那台机器又坏了。"),
            ("agent", "收到，我们会尽快安排人员过去看看。"),
        ],
    ),
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "这个功能太难用了。"),
            ("agent", "明白，我们会把您的意见进行上报。"),
        ],
    ),
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "信号一直不好。"),
            ("agent", "您好，已经通知了相关技术人员，请您耐心等候。"),
        ],
    ),
    # session 43 (a blind writer's call): the message that comes once it is done (到账会有短信)
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "上个月多扣了我二十块钱。"),
            ("agent", "已经帮您申请退费了，三个工作日内退回，到账有短信提醒。"),
        ],
    ),
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我家的网三天没好了。"),
            ("agent", "这个情况我已经反馈给后台专员，四十八小时内会有专人给您回电话。"),
        ],
    ),
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我家的网三天没好了。"),
            ("agent", "这个情况我反馈给后台专员跟进一下。"),
        ],
    ),
    # a message promised for when it is done is how the customer hears back; the survey's
    # SMS is not
    (
        "commitment",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "多扣的三十块能退吗？"),
            (
                "agent",
                "退款我这就给您提交了。审核需要两个工作日左右，钱会退回到您的话费账户，"
                "退好以后系统将向您发送短信。",
            ),
        ],
    ),
    (
        "commitment",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "多扣的三十块能退吗？"),
            (
                "agent",
                "我给您提交退款申请，三个工作日内退回话费账户。挂机后会给您发送一条短信，"
                "请对本次服务评价。",
            ),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我想补办一张副卡。"),
            ("agent", "这个您得自己去当地营业厅问，我们热线这边办不了。"),
        ],
    ),
    # a transaction the rules require in person, stated as policy, is no deflection; sending
    # the customer to a shop to ask is one, ID or not
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我想把这个号码注销掉。"),
            ("agent", "注销号码按规定得机主带上身份证原件去营业厅柜台办理，电话里这边操作不了。"),
        ],
    ),
    # session 44 (the helpdesk dialogues): advice to take it elsewhere is one, unless the agent
    # does it
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "手机摄像头老是对不上焦。"),
            ("agent", "那建议您把资料备份好，带上发票前往就近的售后服务中心检测一下。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "游戏里输入法的框一直乱跳。"),
            ("agent", "这个是那款应用本身的毛病，您得向应用官方反映一下。"),
        ],
    ),
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "手机摄像头老是对不上焦。"),
            ("agent", "我帮您预约了售后检测，建议您去之前把资料备份好，明天上午师傅会联系您。"),
        ],
    ),
    # nothing to be done but the caller's own, the seller to ask (session 44, dev_aa)
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我话费充到别人号上了。"),
            ("agent", "这种充错号码的我们是没办法退的，钱已经到对方账上了。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "手机赠的话费怎么还没到？"),
            ("agent", "赠费是分月返的，细节您问一下商城那边的在线客服。"),
        ],
    ),
    # session 44 (dev_aa): a second matter pushed away after the first was owned still fails;
    # a push the agent owns a turn or two later does not
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "宽带老掉线，还有我想问问家里老人能不能办个亲情卡。"),
            ("agent", "掉线的问题我给您提交一个故障工单，明天上午师傅联系您。"),
            ("customer", "那亲情卡呢？"),
            ("agent", "亲情卡那个您去营业厅问吧，我们这边不清楚。"),
        ],
    ),
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我想把号码销了。"),
            ("agent", "销户这个电话里办不了，得去营业厅办理。"),
            ("customer", "我人在外地啊。"),
            ("agent", "那我给您转接到异地业务专席，他们帮您预约当地的营业厅。"),
        ],
    ),
    # session 44 (a blind writer's calls): a number read out to call, the bank to ask, a ticket
    # or a channel refused
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我家宽带断了。"),
            ("agent", "报修不归话费台，您拨一下维修中心的电话，号码是八三二二六七九零。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "自动扣费怎么没扣上？"),
            ("agent", "那是银行的事，您还是联系一下您的银行客服吧。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "那你帮我登记一下。"),
            ("agent", "这个我们这边受理不了，系统里没有这个选项。"),
        ],
    ),
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "那你帮我登记一下。"),
            ("agent", "我这边受理不了，我给您转接到维修专席，您稍等。"),
        ],
    ),
    # session 44 (a blind writer's call): a new card is one of them
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我想给我爸再办一张卡。"),
            ("agent", "办新卡得您父亲本人拿着身份证去营业厅办理，电话里开不了。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我想把这个号码注销掉。"),
            ("agent", "这个你带着身份证自己去营业厅问问吧。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "上个月多扣的话费怎么算？"),
            ("agent", "这个话费争议电话里处理不了，您带上身份证到营业厅去办理吧。"),
        ],
    ),
    (
        "deflection",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "上个月多扣的话费能退吗？"),
            ("agent", "退费我们这边办理不了，您带着身份证件到营业厅去处理。"),
        ],
    ),
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我想补办一张副卡。"),
            ("agent", "副卡要营业厅办理，我先帮您登记预约，营业厅的同事明天会给您打电话。"),
        ],
    ),
    (
        "empathy",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "你们这服务可真行啊，一个问题拖了半个月，耍我玩呢？"),
            ("agent", "真是给您添麻烦了，您先消消气，我马上帮您处理。"),
        ],
    ),
    (
        "empathy",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "你们这服务可真行啊，一个问题拖了半个月，耍我玩呢？"),
            ("agent", "您报一下号码。"),
            ("customer", "一三八零零零零五六七八。"),
            ("agent", "系统显示已经处理完了。"),
            ("customer", "处理完了？网还是断的！"),
            ("agent", "那您重启一下光猫。"),
        ],
    ),
    # a calm report of a charge is no grievance, though the model reads it as one now and
    # then; a likely grievance said twice is
    (
        "empathy",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "话费单上多了一项增值业务，我没印象办过。"),
            ("agent", "好的，我帮您看一下，这个业务已经给您退订了，费用会退回。"),
        ],
    ),
    (
        "empathy",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "装机师傅说今天来，到现在也没人联系我。"),
            ("agent", "您的装机单号是多少？"),
            ("customer", "每次打电话都说在处理，处理了一个礼拜了。"),
            ("agent", "我这边催一下装维。"),
        ],
    ),
    (
        "identity_verification",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我先核对一下您的信息，麻烦报一下机主的名字和证件最后四位。"),
            ("customer", "王建国，三三零八。"),
            ("agent", "好的，您这个月宽带费用是八十六元，没有其他扣费。"),
        ],
    ),
    (
        "identity_verification",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "好的，您这个月宽带费用是八十六元，没有其他扣费。"),
        ],
    ),
    # solved on the spot, or a look-up of the agent's own, is no handover, whatever its words
    (
        "commitment",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "家里的网突然断了。"),
            ("agent", "这个不用报修，您把光猫重启一下就好了。"),
        ],
    ),
    (
        "commitment",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "我想把套餐换成五十八的。"),
            ("agent", "好的，我来核查一下您的套餐，马上就好。"),
        ],
    ),
    # account words said of policy in general disclose nothing of this customer's account
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "我想问问怎么自己查话费。"),
            ("agent", "您可以发短信到一零零零一查询余额，欠费的话会提前短信提醒您。"),
        ],
    ),
    (
        "score_solicitation",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "稍后会有满意度调查，如果您满意的话请回复数字一哦。"),
        ],
    ),
    (
        "score_solicitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "稍后请您根据这次通话的感受如实评价。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我帮您调一下记录，请稍候片刻。"),
            ("agent", "不好意思让您等了这么久，记录调出来了。"),
        ],
    ),
    # session 43 (blind writers' calls): thanks for the wait in the agent's own words
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我把您这半年的账单调出来，您稍等一下。"),
            ("agent", "抱歉耽误您一会儿。明细出来了，开了两个增值业务。"),
        ],
    ),
    # session 46 (dev_ac): a wait announced as "don't hang up" or as taking a little time
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我到后台给您核一下这几笔扣费，您先别挂啊。"),
            ("agent", "谢谢您等我，三笔都核对完了。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我把您的套餐变更记录调出来看看，需要一点时间。"),
            ("agent", "久等了，变更是上个月十号办的。"),
        ],
    ),
    # the forms of a second blind writer's announcements (session 47, hold8), not a device
    # online or a wait after the call
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我把您那个停机记录调出来，电话您先拿着哈。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "嗯，给我一分钟，我看看宽带账号绑在哪张卡上。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您先别着急挂，我去问问我们班长这个能不能退。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我在线上等着您，您去把机顶盒背面的编号念一下。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您的光猫一直在线，说明线路是通的。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "好的，您等下个月出账了再看看。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    # the forms of a third blind writer's announcements (session 48, hold9): a wait asked in
    # plain spoken words (请您耐心等候, 给我两分钟, 等一哈, 您等下我…), not a wait of weeks
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "请您耐心等候片刻，我把您的合约条款调出来。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "给我两分钟哈，后台还在加载您的账单。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您等下我啊，我翻一下上个月的缴费单。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "你莫急，等一哈，我去问下装机的师傅。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您等下周一营业厅开门了，带上身份证过去就行。"),
            ("agent", "谢谢您等我，查到了。"),
        ],
    ),
    # the forms of a blind writer's announcements (session 46, hold7)
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "我去后台翻一下您的缴费记录，您拿着电话别走开。"),
            ("agent", "谢谢您等我，记录翻到了。"),
        ],
    ),
    (
        "hold_etiquette",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "你等阵先，我帮你查下张单。"),
            ("agent", "唔好意思，久等了，查到了。"),
        ],
    ),
    # taking the caller's side is no blame (session 46: the blame head, taught quiet rudeness,
    # read such sentences at 0.86-0.98)
    (
        "forbidden_phrase",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "明明是营业员办错了，这个责任不该您来背。"),
        ],
    ),
    (
        "forbidden_phrase",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您说得在理，是我们这边的系统把活动漏掉了。"),
        ],
    ),
    # "I told you already" and daring the customer to complain, in ordinary forms
    (
        "forbidden_phrase",
        "failed",
        [("agent", OPEN), ("customer", ASK), ("agent", "我都跟你说过三遍了，账单就是这个数。")],
    ),
    (
        "forbidden_phrase",
        "failed",
        [("agent", OPEN), ("customer", ASK), ("agent", "您要投诉就投诉吧，我这边就这么处理。")],
    ),
    (
        "forbidden_phrase",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "您刚才说的是宽带账单对吧？我帮您查。")],
    ),
    # session 41 (a blind writer's calls on the fatal items): the rating's scale told is no
    # request; a mobile number inside a waybill, or a technician's, is no customer's data
    (
        "score_solicitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "挂机后会有一到十分的评价，您按真实感受打分就好。"),
        ],
    ),
    (
        "privacy_disclosure",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您的号码是幺三九零二七六八五四一二，对吧？"),
        ],
    ),
    (
        "privacy_disclosure",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "您的快递单号是SF幺三零二八四七六五九幺二，请留意查收。"),
        ],
    ),
    (
        "privacy_disclosure",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "师傅的工作电话是幺五八零二六三七四九幺零，他明天上午联系您。"),
        ],
    ),
    # session 43: a short answer the agent goes on to explain is not a curt one
    (
        "forbidden_phrase",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我按你说的把飞行模式关了。"),
            ("agent", "这就行了。您重启一下手机，网络马上就恢复了。"),
        ],
    ),
    (
        "forbidden_phrase",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "这个功能要收钱吗？"),
            ("agent", "不要钱的。这个功能是套餐里自带的，您直接用就行。"),
        ],
    ),
    # (a blind writer's calls on rating steered against neutral invitations)
    (
        "score_solicitation",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "待会儿在APP里弹出评价，麻烦给我点个五星哦。"),
        ],
    ),
    (
        "score_solicitation",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "挂机后会有短信，一到五分，您直接回个五就行。"),
        ],
    ),
    # session 45 (a blind writer's calls): a colleague's words quoted and disowned push no one
    # away; hurt by the agent's words or a wasted trip, unsoothed, fails empathy, soothed passes
    (
        "deflection",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "上回你们那个客服说补发票不归你们管。"),
            ("agent", "他跟您说不归我们管，这个说法是错的，实在抱歉，发票我现在给您补开。"),
        ],
    ),
    (
        "empathy",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "我想问下积分怎么兑换。"),
            ("agent", "积分在APP里自己兑换，说明都写着呢。"),
            ("customer", "你这样说我心里怪不好受的，我就是看不懂才打电话。"),
            ("agent", "APP首页往下拉有个积分商城。"),
            ("customer", "嗯，找找看吧。"),
            ("agent", "还有别的事吗？"),
        ],
    ),
    (
        "empathy",
        "failed",
        [
            ("agent", OPEN),
            ("customer", "营业厅说缺材料，我白跑了一趟了。"),
            ("agent", "销户需要带户口本。"),
            ("customer", "行吧，那我再去一回。"),
            ("agent", "还有别的事吗？"),
        ],
    ),
    (
        "empathy",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我多问几句你就不耐烦，你们就不能耐心点吗？"),
            ("agent", "真对不起，是我语气不好，我慢慢给您说。"),
        ],
    ),
    (
        "empathy",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "我怕白跑一趟，先问问营业厅几点关门。"),
            ("agent", "营业厅晚上七点关门。"),
        ],
    ),
    # an app explained (what the screen will show), a plan on sale described, the documents to
    # bring: no account data, no check; a name asked beside the order's number is the check
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "在支付宝上怎么交话费？"),
            ("agent", "打开充值页面，顶上就会显示您的手机号，下面选金额付款就行。"),
        ],
    ),
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "一百二十九的套餐都有什么？"),
            ("agent", "一百二十九的包括四十个G流量和六百分钟通话，送一张副卡。"),
        ],
    ),
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "改实名需要什么？"),
            ("agent", "您和新机主都带着身份证原件去营业厅改就可以。"),
        ],
    ),
    # the check's policy words asked for a ticket, or said in advice, with nothing of the
    # account read after them (session 52: the words alone made the item apply)
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "楼道里的光缆被人剪断了，整栋楼都上不了网。"),
            ("agent", "这边给您报障，麻烦提供一下机主姓名和具体地址，我帮您记下来。"),
            ("customer", "李建国，和平路十八号三单元。"),
            ("agent", "好的已经记好了，抢修人员会尽快过去。"),
        ],
    ),
    (
        "identity_verification",
        "not_applicable",
        [
            ("agent", OPEN),
            ("customer", "有人打电话说我中奖了，让我报验证码，是真的吗？"),
            ("agent", "那是诈骗，验证码千万别告诉别人，担心的话您可以发短信把服务密码重置一下。"),
        ],
    ),
    (
        "identity_verification",
        "passed",
        [
            ("agent", OPEN),
            ("customer", "我网上订的路由器还没到。"),
            ("agent", "麻烦说一下下单的手机号和收货人叫什么名字。"),
            ("customer", "幺五八零零二二三三四四，收货人王芳。"),
            ("agent", "查到了，您的订单昨天已经发货，物流在路上。"),
        ],
    ),
    (
        "score_solicitation",
        "passed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "稍后短信请您评价，回复一表示满意，二表示一般，三表示不满意，您照实回就行。"),
        ],
    ),
    (
        "score_solicitation",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "这个包每个月能打一百分钟的国内通话。")],
    ),
    (
        "score_solicitation",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "这个包每月可以打十分钟国际长途。")],
    ),
    # 一下 after 回 / 按 is "briefly", not the key one: a neutral invitation to reply
    (
        "score_solicitation",
        "passed",
        [("agent", OPEN), ("customer", ASK), ("agent", "稍后会发满意度短信，辛苦回复一下。")],
    ),
    (
        "score_solicitation",
        "failed",
        [
            ("agent", OPEN),
            ("customer", ASK),
            ("agent", "等会儿您要是满意就按个一，谢谢您。"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("item", "expected", "lines"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_default_items_on_unseen_wordings(item: str, expected: str, lines: list) -> None:
    gaps = {3: 12.0} if item == "hold_etiquette" else None
    assert _status(_call(*lines, gaps=gaps), item) == expected


def test_none_of_these_wordings_is_in_the_bank() -> None:
    bank = {normalize(u.text) for u in load_bank() + load_bank(GUARD_DIR)}
    for _, _, lines in CASES:
        for _, text in lines:
            assert normalize(text) not in bank, text


def test_rude_wording_off_the_list_fails_but_waits_for_a_reviewer() -> None:
    result = _call(
        ("agent", OPEN),
        ("customer", ASK),
        ("agent", "这个我刚才不是讲过好几遍了吗？您自己不看短信怪谁。"),
    )
    item = next(i for i in result.items if i.id == "forbidden_phrase")
    assert str(item.status) == "failed" and item.route == "review"
    assert not result.fatal and result.score > 0 and "intent" in item.basis


@pytest.mark.parametrize(
    ("flag", "line", "raised"),
    [
        ("complaint_risk", "再不给我解决我就去工信部反映，再发到网上让大家看看。", True),
        ("complaint_risk", "我不是要投诉，就是想问问账单。", False),
        ("churn_risk", "这号我不想用了，下个月就转到别家去。", True),
        ("customer_anger", "你们这服务可真行啊，一个问题拖了半个月，耍我玩呢？", True),
        ("customer_anger", "好的，那我等你们消息。", False),
        # written posts: leaving as a plan, swearing at the company, and their look-alikes
        ("churn_risk", "@某地电信客服 这宽带谁爱用谁用吧，月底合约一到我就弃号了", True),
        ("churn_risk", "钱是不是被转走了？帮我查一下这笔扣费。", False),
        ("churn_risk", "你们服务真牛逼啊，联通的师傅两天就修好了。", False),
        ("churn_risk", "我不是要注销，就是想把这个号停机保号半年。", False),
        ("churn_risk", "信号这么烂，合同到期了就换，谁还跟你们耗。", True),
        ("churn_risk", "我不打算用你们的宽带了，明天去营业厅注销。", True),
        ("churn_risk", "我不是要注销，你们别误会，就是问问流程。", False),
        ("churn_risk", "受够了，连续三天掉线，你们到底修不修？", False),
        ("customer_anger", "修了三回还是断，你们这帮狗日的到底会不会修？", True),
        ("customer_anger", "投诉有个毛用，你们客服就是个摆设。", True),
        ("customer_anger", "我妈的手机收不到短信了，帮忙看下。", False),
        # 他妈 as someone's mother (session 35, a blind writer's turn)
        ("customer_anger", "帮我查查我对象他妈那个号欠不欠费，老人家自己不会弄。", False),
        ("customer_anger", "断了三天还收钱，你们他妈的讲不讲理？", True),
        ("customer_anger", "cnm，宽带修了一个礼拜还没好", True),
        ("customer_anger", "我TM都打了六个电话了！！！", True),
        ("customer_anger", "什么破网，滚！", True),
        # a segment that is only the outburst, raised for a reviewer (session 36: the pattern,
        # written with the punctuation its text is read without, had never matched)
        ("customer_anger", "滚。", True),
        ("customer_anger", "你给我滚！", True),
        ("customer_anger", "垃圾！", True),
        ("customer_anger", "垃圾短信。", False),
        ("customer_anger", "滚动条拉不动。", False),
        # 两 reads 二 in the text a pattern reads, so 两个 is a count as 一个 is (session 36)
        ("customer_anger", "我买了两个锤子。", False),
        ("customer_anger", "路由器背面有个USB口，能接移动硬盘吗？", False),
        ("customer_anger", "垃圾短信太多了，能帮我拦截吗？", False),
        ("customer_anger", "我的USB网卡插上没反应，怎么设置？", False),
        # leaving said as a boycott, a rhetorical "who would still buy", a warning of lost
        # customers; and a look-alike
        ("churn_risk", "#抵制某某宽带# 大家装宽带前先看看评论吧", True),
        ("churn_risk", "出了这种事，以后谁还敢用你们家的网盘？", True),
        ("churn_risk", "再这么拖下去，你们迟早失去我们这些老用户。", True),
        ("churn_risk", "手机丢了，怕跟家里失去联系，能先补张卡吗？", False),
        # outrage spread over a long post's rhetorical questions, and a calm grievance
        (
            "customer_anger",
            "宽带断了三天没人管，打了五次电话都说在处理，你们到底有没有人在干活？",
            True,
        ),
        ("customer_anger", "上个月的账单多扣了二十块，麻烦帮我查一下是什么费用。", False),
        # calling in the media, a regulator or the courts by name, a bad review, and look-alikes
        ("complaint_risk", "半年了还在乱扣费 @某某晚报 @某市电视台 大家来评评理", True),
        ("complaint_risk", "再不退钱我就去法院起诉你们，证据我都留着。", True),
        ("complaint_risk", "下单前问清楚了又变卦，回头一定给你们打个差评。", True),
        ("complaint_risk", "我的号码是幺三八幺二三四五六七八，帮我查下话费。", False),
        ("complaint_risk", "我这个人从来不给差评，就想知道宽带什么时候能修好。", False),
        # a complaint declined, meant once, withdrawn; and a real one beside a declined one
        ("complaint_risk", "算了算了，投诉就算了，你们赶紧派人来修就行。", False),
        ("complaint_risk", "上周那个投诉帮我撤销投诉吧，师傅已经来修好了。", False),
        ("complaint_risk", "我原本想投诉那个营业员的，后来想想也就这样吧。", False),
        ("complaint_risk", "这事你们不给个说法，我明天就去市消协反映。", True),
        ("complaint_risk", "之前那个投诉你帮我给撤了吧，问题都解决了。", False),
        ("complaint_risk", "我本来都想打电话投诉了，结果师傅第二天就上门了。", False),
        # porting in, an account closed long ago; a real one still counts
        ("churn_risk", "我妈那个移动的号想携号转网转到你们这边来，要带什么？", False),
        ("churn_risk", "我当年销户的时候都结清了，怎么现在还催我交费？", False),
        ("churn_risk", "再这样乱收费，我就把号转出去，转到电信。", True),
        # saying one will not leave, a joke, being passed from agent to agent, another's number
        ("churn_risk", "我儿子天天劝我换联通，我是不会换的，号码用了二十年了。", False),
        ("churn_risk", "开玩笑的啊，真要转网我早转了，你们信号还行。", False),
        ("churn_risk", "我爱人的号码已经转到移动去了，他那个副卡怎么处理？", False),
        ("churn_risk", "再这么扣我钱，我下礼拜就去营业厅把号转到电信。", True),
        # Whisper base writes 销户 as 小户 / 消户; a flat is no account (小户型)
        # anger quoted from someone else by a calm caller is not the caller's
        # someone else's advice or plan to complain is no threat of the caller's
        ("complaint_risk", "我邻居说这种乱收费就该打一二三一五投诉，我觉得先问问你们吧。", False),
        ("complaint_risk", "单位同事都劝我直接找工信部，我还是想先跟你们把话说清楚。", False),
        ("complaint_risk", "我朋友说得对，你们这就是乱收费，我现在就打一二三一五投诉你们。", True),
        ("complaint_risk", "我老婆说你们不靠谱，我要投诉你们，马上给我处理。", True),
        ("complaint_risk", "前几天三一五晚会还曝光了骚扰电话，你们能帮我拦截一下吗？", False),
        ("complaint_risk", "我上周打电话投诉过一次，想问下当时那个工单号是多少。", False),
        ("complaint_risk", "我上周投诉过一次了，到现在没人管，这次我直接找工信部。", True),
        ("churn_risk", "那个号早就不用了，我记得销户的时候余额都退了，怎么又来催费短信？", False),
        ("churn_risk", "把那个流量包退了就行，号码我还要接着用的。", False),
        ("churn_risk", "行吧，合约一到期我自己看着办，外面又不是只有你们一家。", True),
        # ... but a relative's own threat, relayed for them, is the account holder's
        ("complaint_risk", "我帮我婆婆打的，她在家一直念叨，说要去工信部告你们。", True),
        ("complaint_risk", "她说你们那个师傅态度很差，我听了也来气，我要投诉那个师傅。", True),
        ("complaint_risk", "去年我就因为这个彩铃投诉过一次，这回又冒出来了，能帮我关掉吗？", False),
        ("churn_risk", "以前那个号两三年前就销户了，不用管它，开这个号的发票就行。", False),
        ("customer_anger", "我妈看到账单气坏了，她原话是你们这什么破公司，偷偷扣钱。", False),
        ("customer_anger", "我们单位群里都在吐槽，有人说什么烂网络，天天断。", False),
        ("customer_anger", "我老公说你们就是抢钱的，我倒觉得可能是哪里弄错了，帮我查查吧。", False),
        ("customer_anger", "我儿子说你们是骗子，我看没错！扣三回了还扣，你们到底讲不讲理！", True),
        # a review's cases: the caller's own threat or anger beside someone else's words
        ("complaint_risk", "我要上三一五晚会曝光你们！", True),
        ("complaint_risk", "宽带断了三天了，你们客服她说让我等着，我必须投诉你们！", True),
        ("complaint_risk", "他们说明天到，我觉得必须投诉你们。", True),
        ("complaint_risk", "大哥你说得对，这事必须投诉。", True),
        ("churn_risk", "号码我还要用，宽带我要退掉，到期就不续了。", True),
        ("churn_risk", "我现在就要销户，销户的时候都要带什么？", True),
        ("churn_risk", "网速慢的又不是只有你们一家有，我就问问怎么提速。", False),
        ("customer_anger", "你他妈说什么呢，什么破公司，骗子公司！", True),
        ("customer_anger", "我跟你们客服说了八遍了，他就说等着，你们什么玩意！垃圾公司！", True),
        ("churn_risk", "我要小户，准备换秘龙上了。", True),
        ("churn_risk", "家里信号一直不好，我想消互。", True),
        ("churn_risk", "我们想要小户型的那种套餐宣传单。", False),
        # ... and those words beside a real threat in the same turn do not hide it
        ("churn_risk", "我被转了三次还没人管，我要携号转网。", True),
        ("churn_risk", "我不换套餐，我直接销户，换电信去。", True),
        ("churn_risk", "你们开玩笑吧，扣这么多钱，我要换电信。", True),
        ("complaint_risk", "没必要跟你废话了，我直接打一二三一五投诉你们。", True),
        ("complaint_risk", "投诉有什么用，我直接去法院起诉你们。", True),
        ("complaint_risk", "投诉也没用，我直接找记者曝光你们。", True),
        ("complaint_risk", "我本来想算了，现在我要投诉你们。", True),
        ("complaint_risk", "我不给差评，我直接找记者曝光。", True),
        ("complaint_risk", "我是不会撤回投诉的，你们看着办。", True),
        # the complaint line asked for: by an aggrieved customer a threat, for praise or a form
        # no threat; a threat beside the question still counts
        # Whisper base hears 后四位 as 投诉为: an ID's digits, no complaint
        ("complaint_risk", "机主叫王建平，投诉为三七二八。", False),
        ("complaint_risk", "我要投诉，为一个宽带的事我打了五次电话了。", True),
        ("complaint_risk", "投诉没用的话，我就去告你们。", True),
        ("complaint_risk", "我这不是投诉一次两次了，每次都没人管。", True),
        ("complaint_risk", "你们投诉电话是多少？我想表扬一个装维师傅。", False),
        ("complaint_risk", "请问一下你们的投诉渠道有哪些，我填个表要用。", False),
        ("complaint_risk", "你们这服务太差了，一天断三回，投诉电话多少？", True),
        ("complaint_risk", "我要投诉，你们投诉热线是哪个？", True),
        # a negation masks its own words only: a threat beside it in the same turn counts;
        # complaining given up on is no threat
        ("complaint_risk", "我不是要投诉你，但这事我得去消协问个明白。", True),
        ("complaint_risk", "我不投诉你个人，我要去工信部反映你们公司。", True),
        ("complaint_risk", "投诉也没用，我自己去网上营业厅查吧。", False),
        ("complaint_risk", "我前两天投诉过一回，现在修好了，那个投诉帮我撤了吧。", False),
        ("churn_risk", "我被你们转过来转过去，我要携号转网。", True),
        ("churn_risk", "你把我转到你们主管那，不然我就销户。", True),
        ("churn_risk", "我下个月就去销户，销户的时候余额怎么退？", True),
        ("churn_risk", "这个号我月底前就销了，别再扣了。", True),
        ("churn_risk", "你们再不转给主管，我就去营业厅销户。", True),
        ("churn_risk", "我不转网，就是问问携号转网要多久。", False),
        # asking for someone else, an add-on cancelled
        ("churn_risk", "不是我要转啊，我替我邻居问问携号转网要带啥。", False),
        ("churn_risk", "那个音乐会员给我退掉吧，以后都不想要了。", False),
        ("churn_risk", "这破网我不想要了，宽带给我退掉，我装移动的去。", True),
        # ... and those words beside a real threat in the same turn do not hide it
        ("churn_risk", "流量包给我取消，我要携号转网。", True),
        ("churn_risk", "不是我要换，是你们逼我换，我下个月就携号转网到移动。", True),
        ("churn_risk", "我帮我爸问一下，他说你们再乱扣费他就销户。", True),
        # a number ported in to this carrier is no move away: its words are masked, so a move
        # away in the same turn still counts
        ("churn_risk", "我上个月刚把号从联通转网到你们移动，现在信号老是不好。", False),
        ("churn_risk", "我去年从联通转网过来的，这个合约还有几个月？", False),
        ("churn_risk", "我刚转网到你们这边三天，验证码一直收不到。", False),
        ("churn_risk", "我刚从联通转网过来没几天，你们再这样我就转回去，销户！", True),
        ("churn_risk", "号码是转网到你们这边的，不行我就换联通。", True),
        # others around the customer leaving, the customer staying
        ("churn_risk", "我闺女老劝我换移动，我说不换，这号用惯了。", False),
        ("churn_risk", "警察叫我们去找运营商打通话清单，在哪能打？", False),
        # someone else's advice on where one could complain, told on, is no threat of the
        # caller's; the caller's own beside it still counts
        ("complaint_risk", "我表哥说这种事可以直接找消协，我想还是先问问你们吧。", False),
        ("complaint_risk", "我邻居说可以打一二三零零，让我先给你们打个电话问问。", False),
        ("complaint_risk", "我表哥说这种事可以找消协，我看我也得去消协。", True),
        # a relayed threat the caller apologises for
        ("complaint_risk", "我婆婆昨天打来吵着要投诉，我替她跟你们道个歉，她年纪大了。", False),
        ("churn_risk", "我不是嘴上说说而已，月底就去营业厅销户。", True),
        # ... and none of those readings hides the caller's own threat or a relayed one
        ("churn_risk", "你们每次都说会解决，也就说说而已，这次我真要销户了。", True),
        ("churn_risk", "我要携号转网到联通，号码不换。", True),
        ("churn_risk", "邻居都换成联通了，我也换。", True),
        ("churn_risk", "我们公司大家都商量好了，下个月统一换到电信去了。", True),
        ("complaint_risk", "我妈说了，你们要是再不退钱，她可以去工信部投诉。", True),
        ("complaint_risk", "朋友说可以打一二三零零，说真的，再不解决明天就打一二三零零。", True),
        ("complaint_risk", "他说处理不了，可以，那就投诉。", True),
        ("complaint_risk", "那个师傅态度太差了，我说要投诉他，你替他道歉有什么用。", True),
        ("complaint_risk", "师傅他说可以上门，约了三次没来，投诉！", True),
        ("complaint_risk", "我爸说可以去工信部投诉，他明天就去。", True),
        ("complaint_risk", "楼下营业厅说让我找你们，又推回来，投诉！", True),
        ("complaint_risk", "我妈说要投诉你们，我替她道歉？凭什么！", True),
        ("churn_risk", "我也打算换了，邻居都换成联通了，比你们便宜一半。", True),
        ("churn_risk", "帮我亲戚问问，他决定转到移动去了，要怎么办手续？", True),
        # a turn that says the caller stays is left out, unless it goes on to a condition with
        # a move as its outcome (再这样…就销户), or the caller follows someone who has moved
        ("churn_risk", "邻居已经转到移动了，我也要销户。", True),
        ("churn_risk", "我不想换号，但是你们再这样我就销户。", True),
        ("churn_risk", "我本来不想转网的，你们要是再乱扣费，我就携号转网。", True),
        ("churn_risk", "我不想转网，就是问问携号转网要什么手续。", False),
        ("churn_risk", "我不想转网，不过我想问问你们再这样扣费我该找谁。", False),
        ("churn_risk", "我不想换，可你们再不修好我就只能天天打电话催了。", False),
        ("churn_risk", "我女儿已经转到移动去了，我也想问问转网要多久。", False),
        ("churn_risk", "号码已经转到你们这边了，我也要办个宽带。", False),
        ("churn_risk", "我不打算转网，要是再扣费就帮我退掉那个流量包。", False),
        # the first review's counter-examples: the move must be the caller's own (我…就), a real
        # one (not 换套餐, 走投诉, 转告, 转话费, the system's 自动销户), and not a question
        ("churn_risk", "我不想转网，你们再这样乱扣费就给我换个便宜点的套餐吧", False),
        ("churn_risk", "我不想销户，客服上次说如果再欠费就会自动销户，是真的吗？", False),
        ("churn_risk", "我是不打算转网的，但你们还是这样的话我就只能走投诉了", False),
        ("churn_risk", "我说不换，我邻居说你们再这样他就携号转网", False),
        ("churn_risk", "我不想转网你们要是再这样收费我朋友就转走了", False),
        ("churn_risk", "好多人已经转去移动了，我也只能走投诉这条路了", False),
        ("churn_risk", "我儿子那个号已经转到联通了，我也得转告他一声欠费的事", False),
        ("churn_risk", "我老婆那张副卡已经转到移动了，我也要销户吗？", False),
        ("churn_risk", "我不会携号转网的，放心", False),
        ("churn_risk", "我不想转网，可你们要是一直这样我就只能转了", True),
        ("churn_risk", "我不想销户但是再扣我钱我肯定销户", True),
        ("churn_risk", "我家里人都已经转去电信了，我看我也转了算了", True),
        # the second review's: a question, quoted or remembered words, another switch (套餐,
        # 路由器, 话费, 手机), a move long ago
        ("churn_risk", "我不会销户的，我就想问问要是再欠费三个月我就直接销户了吗", False),
        (
            "churn_risk",
            "我不想转网，你们营业厅那个小伙子说要是再不交钱我就只能销户，这不是吓唬人吗",
            False,
        ),
        ("churn_risk", "我不想销户，但你们再这样乱扣我就直接换了套餐拉倒", False),
        ("churn_risk", "我不会转网的，要是还这样卡我就只能换了路由器试试", False),
        ("churn_risk", "我同学已经转到移动了，我也转了他一百块话费", False),
        ("churn_risk", "前年我表哥已经转到移动了，我也转网了，后来又转回来了", False),
        ("churn_risk", "我不打算换，你们再断一次网，我直接转联通", True),
        # dev_j's (a tenth blind writer) near misses were masked in session 16 and the masks
        # withdrawn after a review showed them hiding real threats beside them; these keep
        # their flag whatever the next attempt masks
        ("complaint_risk", "我前年就投诉过你们一回，这次还这样，我马上打工信部。", True),
        ("complaint_risk", "犯不着跟你废话，我直接去工信部投诉。", True),
        ("complaint_risk", "我要投诉你们！你们这个服务太差了，必须给我个说法。", True),
        ("complaint_risk", "你们没必要跟我解释了，我现在就投诉。", True),
        ("complaint_risk", "算了不投诉了，投诉也没用，我直接找记者曝光你们。", True),
        ("churn_risk", "要是你们下周还修不好，我就携号转网，违约金多少我都认了。", True),
        ("churn_risk", "去年我差点就转到联通了，这次你们再这样我马上就转。", True),
        ("churn_risk", "如果我现在要携号转网，违约金要多少？反正这个月我是一定要转走的。", True),
        # a story about an agent or a swear word before the caller's own threat is no advice
        ("complaint_risk", "他说让我等通知，等了一个礼拜，投诉！", True),
        ("complaint_risk", "他们说好三天上门，直接放鸽子，必须投诉！", True),
        ("complaint_risk", "他妈的说好今天修好又没修，直接投诉！", True),
        ("complaint_risk", "同事说得对，直接投诉！", True),
        ("complaint_risk", "大家说的没错，直接曝光你们。", True),
        ("complaint_risk", "我爸说他明天直接去工信部投诉。", True),
        ("complaint_risk", "我朋友跟我说直接打工信部，我觉得没必要，先问问你们。", False),
        # suing in resolute words (非告你们不可, 告死, 告到底), also after a friend's advice that
        # the mask hides; a bare 告你们 is no threat of itself: passing a message on (转告你们),
        # the colloquial "tell you" (我告你们说, 告你们一声, 就告你们了, 告你们个事儿),
        # 广告/公告/报告到底, a suit long ago, words taken back, a denial, others' threat (the
        # two reviews' counter-examples)
        ("complaint_risk", "朋友都劝我直接投诉，这回我非告你们不可。", True),
        ("complaint_risk", "这事没完，我告到底。", True),
        ("complaint_risk", "你们等着，我一定告死你们。", True),
        ("complaint_risk", "哎我得告你们个事儿，我家那个宽带地址换了。", False),
        ("complaint_risk", "小区好多人都要告你们，我就想问问我家这个怎么处理。", False),
        ("complaint_risk", "我才不会去告你们呢，就想把网修好。", False),
        ("complaint_risk", "我本来是要告你们的，看你这态度还挺好，这次就算了。", False),
        ("complaint_risk", "麻烦你转告你们领导，我家的网又断了。", False),
        ("complaint_risk", "我告你们说，这网从昨天就断了，一直没人来修。", False),
        ("complaint_risk", "我就想报告你们一下，我家楼道的光纤箱门开着。", False),
        ("complaint_risk", "你们那个广告到底算不算数啊", False),
        ("complaint_risk", "我先告你们一声啊下个礼拜我出差宽带别给我停了", False),
        ("complaint_risk", "上回我就告你们了这个路由器有毛病你们不听", False),
        ("complaint_risk", "刚才说要告你们那是气话你别往心里去", False),
        ("complaint_risk", "我们群里有人说要告你们我是没那个打算", False),
        ("complaint_risk", "前年我告你们那回最后也是调解了的", False),
        # a calm threat to escalate is no anger; an outraged one is both
        ("customer_anger", "押金退了两个月还没到账，这周再不到我就请律师按合同办。", False),
        ("complaint_risk", "押金退了两个月还没到账，这周再不到我就请律师按合同办。", True),
        ("customer_anger", "你们到底还讲不讲理？月底前不退钱，我就去法院告你们。", True),
        # a caller who cannot hear is loud, not angry; short and angry still counts
        ("customer_anger", "啥？喂！你说啥？", False),
        ("customer_anger", "你们这帮人！耍我呢？", True),
        # real threats beside look-alike words (a past complaint, a denial of something else,
        # a relative's advice taken up, a relayed threat of the account holder): the context
        # heads tried in session 17 cut these with the look-alike in the same comma-joined
        # sentence (two reviews); whatever a next guard cuts, they keep their flag
        ("complaint_risk", "我之前投诉过你们，这次要是还不处理，我就去消协。", True),
        ("complaint_risk", "上次投诉了也没用，这回我直接找记者。", True),
        ("complaint_risk", "我大前年投诉过一次，这次再不退钱我还投诉。", True),
        ("complaint_risk", "我小舅子让我去法院告你们，我看也只能这样了，我去起诉。", True),
        ("complaint_risk", "我表哥说得对，我明天就去消协。", True),
        (
            "complaint_risk",
            "我儿子早就劝我去告你们，我以前没听，这回我听他的，律师已经找好了。",
            True,
        ),
        ("churn_risk", "我没打算投诉，我只是要把号码销了，以后不用你们的了。", True),
        ("churn_risk", "去年投诉过一次没用，今年我不投诉了，直接换运营商。", True),
        (
            "complaint_risk",
            "以前投诉过你们被安抚下来了，这次我不会再被你们糊弄，直接找消协。",
            True,
        ),
        pytest.param(
            "complaint_risk",
            "我同事说可以去工信部投诉，我本来觉得没必要，现在觉得很有必要。",
            True,
            marks=pytest.mark.xfail(
                strict=True,
                reason="since session 53 the flag's words are not read in a sentence the context"
                " head reads as an aside at 0.9 or more (this one 0.997) unless the threat head"
                " reads a threat at 0.95 (0.57 here): before, raised and doubted",
            ),
        ),
        ("complaint_risk", "同事说可以去工信部投诉，我原来懒得去，现在非去不可。", True),
        ("complaint_risk", "我闺女老说要去消协告你们，她是户主，她说今天就去。", True),
        ("complaint_risk", "我妈说当年投诉过你们，这回她还要去工信部。", True),
        ("complaint_risk", "我妈说要去消协告你们，她是真的会去，你们最好赶紧处理。", True),
        ("churn_risk", "我不想换号，但你们要再断网，我就销户。", True),
        ("churn_risk", "隔壁老王都转到电信了，你们再这样我也转。", True),
        # others who have left are no threat of the caller's (unless the caller follows them)
        ("churn_risk", "我们办公室好几个同事已经换到电信了，就我还在用你们的。", False),
        ("churn_risk", "邻居家上个月早就销户了，说你们这儿信号太差。", False),
        ("churn_risk", "好多人都转网了，你们再这样我也转。", True),
        ("churn_risk", "我同事都换运营商了，我也准备换。", True),
        ("churn_risk", "我们寝室六个人有四个已经换到电信了，我还在用你们的。", False),
        ("churn_risk", "隔壁邻居上周把宽带拆了，我家也不想要了，帮我把宽带销户吧。", True),
        # a number closed years ago is no threat now; a new threat beside it still is
        ("churn_risk", "我2015年就在营业厅把那张卡销户了，单子还留着，今天却收到欠费短信。", False),
        ("churn_risk", "老家的有线电视前年搬走时就销户了，今天收到通知说欠三年收视费。", False),
        ("churn_risk", "去年销过一张卡了，这张你们再乱扣费，我打算也销了。", True),
        ("churn_risk", "三年前拆过一回宽带，这次再断网我就彻底退网。", True),
        # denials: nothing to complain about, no intention to, not worth it; a threat in the
        # same turn still counts
        ("complaint_risk", "我用得挺顺心的，没啥要投诉的，就是问问账单。", False),
        ("complaint_risk", "这么点小事不至于投诉，你帮我改过来就行。", False),
        ("complaint_risk", "我没有要投诉的意思，就想弄明白这笔钱去哪了。", False),
        ("complaint_risk", "为二十块钱我犯不上去打官司，你们把钱退回来就行。", False),
        ("complaint_risk", "这点事不值当起诉，但再扣一次我就去法院告你们。", True),
        # any channel said not to be worth it or not to be sought, before or after the denial
        ("complaint_risk", "消协那边我就不找了，你们把这个月多扣的钱退回来。", False),
        ("complaint_risk", "律师那些用不着，你们把账单解释清楚就行。", False),
        ("complaint_risk", "我也懒得去工信部折腾，你就告诉我这个包怎么退。", False),
        ("complaint_risk", "打官司不值得，可你们再这样乱扣，我就去工信部。", True),
        ("complaint_risk", "原来觉得没什么好投诉的，现在不一样了，我这就打一二三零零。", True),
        # asking on someone else's behalf (问, 打听, 咨询) is no threat of the caller's; the
        # account holder's threat in a sentence of its own still counts
        ("churn_risk", "我帮我爸打听一下携号转网，要准备什么材料？", False),
        ("churn_risk", "替我妈咨询一下销户要带什么证件。", False),
        ("churn_risk", "我帮我爸打听一下携号转网。他说了，你们再乱扣费他就转走。", True),
        # session 42: someone else's move already made, told in anger (气得她…转去), is no
        # threat of the caller's; the caller's own beside it still counts
        ("churn_risk", "我表姐被乱扣了好几个月，气得她干脆转去联通了。", False),
        ("churn_risk", "我同事气坏了，他已经换到移动了，你们再这样我也换。", True),
        ("churn_risk", "我爸说了，你们再乱扣费他就转到电信了。", True),
        # session 53: a sentence the context heads read as an aside (someone else's move, advice
        # or complaint) is cut out before the flag's words and named carriers are looked for:
        # before, each of these was raised and doubted (a reviewer's 0.5)
        ("churn_risk", "我同学老让我换到联通去，说他们那边流量便宜，我还没想好。", False),
        ("churn_risk", "我哥前阵子把号转到移动了，他让我问问你们这边老用户有什么优惠。", False),
        ("complaint_risk", "我朋友被乱扣费以后投诉到消协了，我想问问我这个怎么办。", False),
        (
            "complaint_risk",
            "我邻居前两天因为宽带的事投诉了你们，我就想问问我家这网能不能也看看。",
            False,
        ),
        # the caller's own threat in the next sentence of the same turn still counts
        (
            "churn_risk",
            "我同学老让我换到联通去，说他们那边流量便宜。这个月再乱扣，我真就换联通了。",
            True,
        ),
        ("complaint_risk", "我朋友被乱扣费以后投诉到消协了。我这个你们再不退，我也去消协。", True),
    ],
)
def test_flags_on_unseen_wordings(flag: str, line: str, raised: bool) -> None:
    result = _call(("agent", OPEN), ("customer", line), ("agent", "好的，我帮您看一下。"))
    assert (flag in {f.id for f in result.flags}) is raised


@pytest.mark.parametrize("reply", ["不用了。", "换吧。", "不要了。"])
def test_a_reply_of_three_characters_is_no_churn_threat(reply: str) -> None:
    # session 42 (blind writers' calls): the churn head alone read 不用了 (an offer declined)
    # at 0.94; a sentence that short names nothing to leave
    result = _call(
        ("agent", OPEN),
        ("customer", ASK),
        ("agent", "账单我发您短信了。要不要顺便给您加个流量包？"),
        ("customer", reply),
        ("agent", "好的，那就不加了。"),
    )
    assert "churn_risk" not in {f.id for f in result.flags}


@pytest.mark.parametrize(
    "line",
    [
        "您刚刚都说过了，我已经记录了。",
        "您跟我们说了好几次这个问题，确实是我们的责任，非常抱歉。",
        "您说了好几遍密码都不对，那我帮您重置一下。",
        "尽管投诉处理需要三个工作日，我还是给您加急。",
        "尽管您投诉过这个问题，我们还是会尽快给您处理。",
        "这个价格不是跟你说了算的，要看您的合约。",
        "这个我已经给您讲过的套餐，您考虑好了吗？",
        "随便您挑，这三个套餐都可以。",
        # session 41: an explanation offered again, a port-out asked about, a matter owned
        "这个我刚才解释过的地方您还有哪里不清楚，我再给您讲一遍。",
        "您要是想转网的话，我可以帮您查一下转网条件。",
        "这个不是我们能管的范围，但我可以帮您转给网络部，他们明天给您回电。",
        "这事不是我们这边能管的，我帮您记一下反馈给网络部。",
        "这个确实不太好懂，我再跟您解释一下。",
        "您可以自己去找他们，也可以我帮您转过去。",
        # session 42: a denial of disowning, a matter disowned then owned
        "这个不是不归我们管，线路本来就是我们负责的。",
        "这事不归我们客服管，不过我可以帮您登记，让网络部明天回您电话。",
        # session 45: the rhetorical classes' look-alikes: anyone would worry, a question asked
        # of a colleague, a queue told as news, a name asked, a colleague's words disowned
        "这种情况搁谁都会着急的，我马上给您查。",
        "这个谁都会遇到，您别往心里去。",
        "您问的这个我问一下后台同事，马上回复您。",
        "请问您是机主的什么人啊？",
        "今天后面排队的用户比较多，我先把您的单子提上去。",
        "您不用再打过来了，结果出来我们主动给您回电话。",
        "同事之前跟您讲这事不归我们管，这样的话本身就不对，真的很抱歉。",
        # session 49: a colleague's curt words quoted and called wrong are no one's rudeness,
        # for the heads as for the nets (a writer's look-alike, read at 0.75-0.9)
        "上一位客服跟您说别老往这儿打了，这确实不合适，我替她跟您道个歉。",
        "营业厅的人说您这事没法办，这种说法不对，我来帮您办。",
        # brief, businesslike sentences are no rudeness (session 45: the heads read such
        # sentences as curt once they learnt the quiet forms alone)
        "已经给您关掉了，明天起不扣。",
        "号码再报一遍？",
        "这个月办不了，下月一号可以改。",
        "嗯，查到了，欠十二块。",
        "稍等，我看一下记录。",
        "卡是哪天丢的？",
        "不用跑营业厅，线上就能办。",
        "是副卡的流量，不是主卡的。",
        "这个确实退不了，合约里写了的，不过可以给您换个便宜档。",
        "您别急，慢慢说，我听着呢。",
    ],
)
def test_polite_lines_like_the_forbidden_classes_pass(line: str) -> None:
    result = _call(("agent", OPEN), ("customer", ASK), ("agent", line))
    assert _status(result, "forbidden_phrase") == "passed" and not result.fatal


@pytest.mark.parametrize(
    ("line", "status", "route"),
    [
        # steering in unusual words (session 41, a blind writer): a wider net, for a reviewer
        ("一会儿评价的时候，您可千万别点不满意啊。", "failed", "review"),
        ("挂了以后弹个窗，您点那个笑脸就行。", "failed", "review"),
        ("回访电话问起来，您就说非常满意就行。", "failed", "review"),
        ("评价是百分制的，您给个九十往上就好。", "failed", "review"),
        # session 42 (blind writers' calls): the key named as the best or as all it takes, the
        # words to say, the top grade pointed at, a top score wished for
        ("等会儿让您打分，您按一就好，一是最高的。", "failed", "review"),
        ("回访短信到了您给回个一就行哈。", "failed", "review"),
        ("挂机以后有个评价，您按五对我帮助最大。", "failed", "review"),
        ("回访的人问起来，您就说非常满意哈。", "failed", "review"),
        ("评价那里有个最高档，您点那个就完事了。", "failed", "review"),
        ("打分是一到五分，当然您能给五分那就最好了。", "failed", "review"),
        # session 43 (a blind writer's closings): a key asked for as support for the agent, the
        # top key asked for if the caller found the service fine
        ("一会儿有条短信，您回个五鼓励一下我们的工作呗。", "failed", "review"),
        ("您如果认为今天处理得不错，待会儿语音里就按一。", "failed", "review"),
        ("您觉得满意的话回一，觉得一般回二，不满意回三。", "passed", "final"),
        # a key asked for outright after the scale is read out
        ("等下短信请您打分，满意回一，一般回二，不满意回三，拜托就回个一哦。", "failed", "review"),
        # session 44 (a blind writer's closings): the top box to tick, the words to say with
        # 十分 (a survey that asks 满不满意 names no low end)
        ("问卷里最高分那一栏您帮忙勾一下，辛苦了。", "failed", "review"),
        ("回访的会问您满不满意，您直接说特别满意就好。", "failed", "review"),
        ("问卷里有满分那一栏，您按实际情况选就行。", "passed", "final"),
        # the faces and the scale told neutrally steer nothing
        ("挂了以后会弹出笑脸和哭脸，您按真实感受选。", "passed", "final"),
        ("等下短信让您打分，一到十分，分数越大表示越满意，您照实打。", "passed", "final"),
        ("打分是一到五分，最高五分最低一分，您看着给。", "passed", "final"),
        # 回复一下就好 is a near miss since session 49 (read at 0.45: a reviewer looks; the
        # heads taught steer5 and steer6 sent 2 of 160 blind neutral invitations to a reviewer,
        # 6 before), its other wordings are not
        ("回访短信来了麻烦您回复一下就好，谢谢。", "passed", "review"),
        ("等下有条满意度短信，麻烦您抽空回复一下。", "passed", "final"),
        ("挂机后会有评价短信，您回复一下就可以了。", "passed", "final"),
        # session 47 (read calls of three writers): the top key asked for if the caller found
        # the service fine, said at length; the survey maxed out; the biggest number asked for
        ("稍后短信评价，您要是觉得我这次给您解决得还算可以，就回个一。", "failed", "review"),
        ("等下评价您在那块直接拉满呀。", "failed", "review"),
        ("一会儿有个评价，您回那个最大的数就行。", "failed", "review"),
        ("稍后的评价您按实际感受来打，往高往低都行。", "passed", "final"),
        # the key told as all it takes after the scale was read out
        (
            "稍后评价满意回一，一般回二，不满意回三，您回个一就行啦，谢谢您，再见。",
            "failed",
            "review",
        ),
        # session 48 (steer4, read): the happiest face, the agent's appraisal tied to a good
        # rating, the words for the survey caller, the rating kept clean of a grievance, the
        # top key as all to press; the appraisal named beside an honest rating steers nothing
        ("待会儿弹出几个表情，您就挑最高兴的那个表情点。", "failed", "review"),
        ("这次的评价结果直接关系到我这个月的考核，希望是个五星。", "failed", "review"),
        ("有不满意您跟我讲，到了评价里头就不要写了哈。", "failed", "review"),
        ("挂断后听完提示直接按一，其他的都不用按了。", "failed", "review"),
        ("评价结果会计入我们的考核，所以不满意的地方请您如实反映。", "passed", "final"),
        # "just say yes" to a change of plan is no word put in the survey's mouth
        ("您要是同意改套餐，您就说好，我这边马上提交。", "passed", "final"),
    ],
)
def test_unusual_steering_fails_and_waits_for_a_reviewer(
    line: str, status: str, route: str
) -> None:
    result = _call(("agent", OPEN), ("customer", ASK), ("agent", line))
    item = next(i for i in result.items if i.id == "score_solicitation")
    assert (str(item.status), item.route) == (status, route)
    assert not result.fatal


@pytest.mark.parametrize(
    "line",
    [
        "一会儿有个评价的语音，您听完按一下键就行。",
        "稍后系统会发满意度评价，您按提示点一下就可以。",
    ],
)
def test_a_key_pressed_briefly_is_no_key_named(line: str) -> None:
    """按一下 / 点一下 is "press / tap once", not the key one: the rating head, taught neutral
    invitations worded so (session 47, one_act/rating_steer/agent_invitations2.tsv), is sure of
    it (it read them at 0.2-0.24 before)."""
    result = _call(("agent", OPEN), ("customer", ASK), ("agent", line))
    item = next(i for i in result.items if i.id == "score_solicitation")
    assert str(item.status) == "passed" and item.confidence >= 0.9


@pytest.mark.parametrize(
    "line",
    [
        "我刚才不是跟您说了吗，系统有订购记录。",
        "您尽管投诉吧，我这边就这么处理。",
        "我说了八百遍了，这个办不了。",
        # session 41 (a blind writer's calls): impatience, a dare to leave, shouting belittled,
        # the matter disowned
        "这个我刚才已经给您解释过了，就是这样。",
        "您要转网就去转吧，我也没办法。",
        "您喊也没用，这个真不是我们客服能管得了的。",
        "信号覆盖不是我们客服能管的，您去营业厅问吧。",
        "这么简单的事都不懂吗？",
        "这是第三方收的，不关我们的事。",
        "阿姨您快点，后面还有人排队呢。",
        "还有事吗？没事我挂了。",
        # session 42 (a blind writer's calls): the matter disowned in other words
        "宽带线路这个不归我们管，您打别的电话吧。",
        # session 43 (a blind writer's call): sent to look it up themselves
        "这种问题百度上都有，您自己查一下不就知道了。",
        # session 45 (a blind writer's quiet rudeness): the question thrown back, a task anyone
        # can do, told to stop asking or calling, the queue behind, cut short, told they would
        # not follow, sent to look with a sneer, a muttered remark
        "套餐为什么这么定您问我，我问谁去？",
        "开个流量开关而已，这谁都会啊。",
        "说了办不了就是办不了，您别再问了。",
        "您别老往这儿打了，打几遍都没用。",
        "我这后面还排着好多人呢，您长话短说。",
        "行了行了，就按系统里的来。",
        "这个规则挺复杂的，说了您也不懂，您就照着办吧。",
        "短信里写得清清楚楚，您自己翻一下不就看见了吗。",
        "哎呀真是的，什么人呐。",
        # session 45: rudeness in quiet forms, no swear word, read by the blame and curt heads
        # (taught by a blind writer's 300 sentences; these are our own, none of them trained on)
        "这么大岁数了连个短信都不会看啊。",
        "说您多少回了，您就是不往心里去。",
        "合同上白纸黑字的，您签字的时候眼睛干嘛去了？",
        "您那边吵得要命，听不清，挂了重打吧。",
        "密码都能忘，您这记性也是绝了。",
        "不行就是不行，您打一百遍也不行。",
        "您这智商，跟您解释也是白搭。",
        "别磨叽了，办不办一句话。",
        "人家都会弄，就您弄不明白。",
        "催也没用，等着吧。",
        "您这种用户我见多了，就想占便宜。",
        "就这样了，您挂吧。",
        "烦死了，您到底要问啥？",
        # session 49: a colleague's words backed, not disowned, are the agent's own blame
        "他说的没错，这就是您自己操作的问题，别再打了。",
    ],
)
def test_the_forbidden_classes_fail_and_wait_for_a_reviewer(line: str) -> None:
    # a wider net than the policy list: the verdict waits for a reviewer, the call is not zeroed
    result = _call(("agent", OPEN), ("customer", ASK), ("agent", line))
    item = next(i for i in result.items if i.id == "forbidden_phrase")
    assert str(item.status) == "failed" and item.route == "review"
    assert not result.fatal and result.score > 0


@pytest.mark.parametrize(
    ("line", "status", "route"),
    [
        # the customer's own number, account or choice named (session 43: 您自己名下的, 您自己
        # 决定就好, read as blame at 0.95-0.98) blames nobody: final, no reviewer needed
        ("查到了，这个号码是您自己名下的，开户三年了。", "passed", "final"),
        ("退的钱会回到您自己的支付账户里，您留意一下。", "passed", "final"),
        # nor does telling them what they need not do (session 44: 您不用再从头说了)
        ("之前的记录我都能看到，您不必再重复一遍了。", "passed", "final"),
        # nor what was done for them (已经给您…办了挂失)
        ("已经帮您把卡挂失了，现在打不出去也打不进来，不会再产生话费。", "passed", "final"),
        # the customer blamed stays for a reviewer
        ("这都是因为您自己乱点链接造成的。", "failed", "review"),
        # session 48: the blame and curt heads taught two blind writers' rude sentences (rude6,
        # rude7) beside plain statements of policy, neutral diagnoses of the caller's side and
        # what the caller need not do (one_act/*/agent_policy.tsv, agent_diagnoses.tsv,
        # agent_needless.tsv); these are our own, none trained on.
        # A dare to complain said as a shrug (read at 0.39 before: passed)
        ("随便您，您爱投哪投哪。", "failed", "review"),
        ("没办法就是没办法，您再说也是白说。", "failed", "review"),
        # a rule told plainly, a fault placed on the caller's side without reproach, the
        # agent's own handling: no brush-off, no blame, final
        ("按规定这个费用确实退不了，很抱歉。", "passed", "final"),
        ("目前的政策就是这样的，合约期内不能降档。", "passed", "final"),
        ("看这个提示，应该是您手机的网络设置被关掉了，我教您打开。", "passed", "final"),
        ("这次我不走普通流程了，直接给您加急处理。", "passed", "final"),
    ],
)
def test_the_customers_own_things_named_blame_nobody(line: str, status: str, route: str) -> None:
    result = _call(("agent", OPEN), ("customer", "这个号码到底是谁的？"), ("agent", line))
    item = next(i for i in result.items if i.id == "forbidden_phrase")
    assert (str(item.status), item.route) == (status, route)
    assert not result.fatal


@pytest.mark.parametrize(
    ("opening", "status", "route"),
    [
        # a bare 喂 opening is policy wording: final
        ("喂，你说。", "failed", "final"),
        # as speech recognition writes it (喂 heard as 为 or 位): a homophone waits for a reviewer
        ("为，你说。", "failed", "review"),
        ("位，哪位？", "failed", "review"),
        # 喂您好 is no bare 喂, and 为您 opens many a polite sentence
        ("喂，您好，中国移动，请问有什么可以帮您？", "passed", "final"),
        ("为您服务的是工号幺零零八，请问有什么可以帮您？", "passed", "final"),
    ],
)
def test_a_bare_wei_opening_heard_as_its_homophones(opening: str, status: str, route: str) -> None:
    result = _call(("agent", opening), ("customer", ASK), ("agent", "好的，我帮您看一下。"))
    item = next(i for i in result.items if i.id == "forbidden_phrase")
    assert (str(item.status), item.route) == (status, route)
    assert not result.fatal or route == "final"


@pytest.mark.parametrize(
    ("line", "raised"),
    [
        # delight, praise or amusement the anger model reads as anger (0.93-1.0, three of them
        # final before session 26) and the contrast head as a look-alike of it: no flag
        ("救命！！！你们的师傅也太好了吧！！！", False),
        ("我的天，你们客服居然凌晨还在线！！！", False),
        ("太绝了吧！！！半小时就给我修好了！！！", False),
        ("我真是服了你们了，这么快就办好了，厉害！", False),
        ("笑死我了，你们的等待音乐我都会唱了哈哈哈！！！", False),
        # anger in the same surface (！！！, ？？？, [微笑], "一个字") stays anger
        ("网又断了！！！第三回了！！！你们到底修不修？？？", True),
        ("呵呵，真是谢谢你们了，白交半年宽带费[微笑]", True),
        ("一个字：坑！两个字：骗钱！", True),
        ("什么？！又扣了五十？？？谁让你们扣的？？？", True),
        pytest.param(
            "疯了疯了，你们居然送我一个月会员！！！",
            False,
            marks=pytest.mark.xfail(strict=True, reason="delight the contrast head misses"),
        ),
    ],
)
def test_a_look_alike_of_anger_is_no_anger(line: str, raised: bool) -> None:
    lines = [("agent", OPEN), ("customer", line), ("agent", "好的，我帮您看一下。")]
    flag = next((f for f in _call(*lines).flags if f.id == "customer_anger"), None)
    assert (flag is not None) is raised


@pytest.mark.parametrize(
    ("customer", "raised"),
    [
        # one likely angry sentence alone is often annoyance: a reviewer decides (never final)
        pytest.param(
            ["家里宽带又断了。", "合着是我的错了？"],
            "review",
            marks=pytest.mark.xfail(
                strict=True,
                reason="since session 36 (anger32-33) the anger head reads the sarcasm at 0.796,"
                " under the 0.8 it is raised from",
            ),
        ),
        (["家里宽带又断了。", "合着是我的错了？", "你们就是这么办事的？"], True),
        # a caller on a loud line ends every sentence with ！: register, not anger
        (
            [
                "喂，我在菜市场呢！",
                "我要查一下宽带到期没有！",
                "你再讲一遍！",
                "对对对就是这个号！",
            ],
            False,
        ),
        # ... and so does one who exclaims every turn, ！！ and ？！ as well
        (
            ["喂？！", "我在工地上，机器太吵了！！", "听得见我说话吗？！", "是五十八块是吧？！"],
            False,
        ),
        # what an angry caller says is anger however it is punctuated
        (
            ["你们这网三天两头断！！", "你们就是这么办事的？！", "我交钱是让你们这么糊弄我的？！"],
            True,
        ),
        # a post's run of ！！ is emphasis
        (["宽带又断了，你们就是这么办事的？！我交钱是让你们这么糊弄我的！！"], True),
    ],
)
def test_anger_is_certain_or_waits_for_a_reviewer(customer: list[str], raised: bool | str) -> None:
    lines = [("agent", OPEN)]
    for text in customer:
        lines += [("customer", text), ("agent", "好的，我帮您看一下。")]
    flag = next((f for f in _call(*lines).flags if f.id == "customer_anger"), None)
    if raised == "review":
        assert flag is not None and flag.route == "review" and flag.confidence < 0.995
    else:
        assert (flag is not None) is raised


def test_a_flag_quotes_each_sentence_once_in_call_order() -> None:
    # the keyword, the intent and the regulator pattern all quote the first turn
    result = _call(
        ("agent", OPEN),
        ("customer", "我要去工信部投诉你们，再不处理我就找记者曝光。"),
        ("agent", "好的，我帮您看一下。"),
        ("customer", "投诉！"),
    )
    flag = next(f for f in result.flags if f.id == "complaint_risk")
    assert [e.text for e in flag.evidence] == [
        "我要去工信部投诉你们，再不处理我就找记者曝光。",
        "投诉！",
    ]


@pytest.mark.parametrize(
    ("flag", "line", "route"),
    [
        # the words of a threat said of the past, of someone else, or denied: raised only to
        # wait for a reviewer (the context head doubts every sentence the flag quotes) ...
        ("complaint_risk", "前年我为宽带的事投诉过一次，后来处理得挺好。", "review"),
        ("complaint_risk", "我邻居说他去工信部投诉过，我倒没这个打算。", "review"),
        # a what-if about other people: the context head reads it under its doubt (P(aside) <
        # 0.6), but the complaint head reads no threat in it either (doubt_unread, session 32)
        ("complaint_risk", "要是换了别人可能早就投诉了，我就是想把费用弄清楚。", "review"),
        ("churn_risk", "我表弟前几年携号转网去了移动，我一直没动过。", "review"),
        # others who moved, told by a caller who stays (the session 19 rows taught the head)
        ("churn_risk", "我大舅年初就把号转到电信去了，我今天打来是想改一下我的流量包。", "review"),
        ("churn_risk", "听我们科室的小王讲他去年就携号转网去移动了，我这号还是想留着。", "review"),
        ("churn_risk", "隔壁宿舍几个都换广电了，你们学生套餐还有没有？", "review"),
        # ... while a threat made now stands alone, also beside an aside in the same turn
        (
            "complaint_risk",
            "上次我已经投诉到工信部了，结果不了了之。这次我还要找上级部门反映，你们等着！",
            "final",
        ),
        ("complaint_risk", "你们今天不给我退钱，我马上打一二三零零投诉。", "final"),
        ("complaint_risk", "再这样下去我就去消协告你们。", "final"),
        ("churn_risk", "这个月再断网我就携号转网。", "final"),
        ("churn_risk", "同事都换成电信了，我明天也去办携号转网。", "final"),
        ("churn_risk", "好多老乡都换了电信，那我也不跟你们耗了，明天就去销户。", "final"),
    ],
)
def test_a_doubted_flag_waits_for_a_reviewer(flag: str, line: str, route: str) -> None:
    result = _call(("agent", OPEN), ("customer", line), ("agent", "好的，我帮您看一下。"))
    found = next((f for f in result.flags if f.id == flag), None)
    if route == "review":  # never final: not raised, or raised and doubted
        assert found is None or (found.route == "review" and "context" in found.basis)
    else:
        assert found is not None and found.route == "final" and "context" not in found.basis


@pytest.mark.parametrize(
    ("line", "route"),
    [
        # a plan to leave the model alone reads, fairly but not all but surely: a reviewer decides
        ("要是价格再不降，我可能会考虑别的选择。", "review"),
        # (这个宽带我不打算续费，到期就算了 was the example until session 35, whose head reads it
        # at 0.78: raised by the words 不…续费 alone, still for a reviewer)
        # (these two waited until session 34; its churn head reads them at 0.95 or more)
        ("合同到期我肯定不续约了，你们看着办吧。", "final"),
        ("你们这服务，我算是死心了，下个月就去别家。", "final"),
        # a move's words heard only as a homophone (Whisper's 运赢商) waited too, until session
        # 34's head read the threat in it at 0.95 or more
        ("你们再乱扣费，我就换运赢商。", "final"),
        # the words of a move stand alone
        ("再这么搞下去，我们全家都不打算用你们家的卡了。", "final"),
        ("这个月再断网我就携号转网。", "final"),
    ],
)
def test_churn_on_the_model_alone_waits_for_a_reviewer_under_0_95(line: str, route: str) -> None:
    result = _call(("agent", OPEN), ("customer", line), ("agent", "好的，我帮您看一下。"))
    flag = next(f for f in result.flags if f.id == "churn_risk")
    assert flag.route == route
    if route == "review":
        assert set(flag.basis) <= {"intent", "pinyin"} and flag.confidence < 0.95


@pytest.mark.parametrize(
    "line",
    [
        # a vague close: the head read them at 0.86-0.92 (session 51, long calls)
        "那就这样吧，周日可别再出岔子了。",
        "那就这样吧，下周三别再出岔子了。",
        # the model alone, sure, but the sentence names nothing that can be left (a number, a
        # line, the carrier, a contract): an add-on given up (session 41 until session 52: for
        # a reviewer), a plan changed, a line stopped for an old parent (session 52: read at
        # 0.92 or more, for a reviewer until then)
        "退了吧退了吧，我要那东西干嘛。",
        "换吧换吧，这个套餐太贵了。",
        "那就停掉吧，反正老人家也用不上。",
    ],
)
def test_the_churn_head_alone_with_no_word_of_leaving_is_no_threat(line: str) -> None:
    assert _route_of("churn_risk", line) is None


def test_a_veiled_threat_of_other_options_waits_for_a_reviewer() -> None:
    # "other options" names the alternative to the carrier as 别家 does (session 52: raised
    # by the model alone until then, now by the model with this word)
    assert _route_of("churn_risk", "要是价格再不降，我可能会考虑其他的出路了。") == "review"


@pytest.mark.parametrize(
    ("line", "route"),
    [
        # leaving said in other words is raised, on the words, and waits for a reviewer (a wider
        # net than 销户): lines moved to a rival, to cable TV or to another one, not paying on,
        # the broadband closed, the card given up
        ("我们单位那几十条专线，明年准备全部迁到移动去。", "review"),
        # (the churn head is sure of this one: it stands)
        ("这破宽带到期我就换有线电视了，反正电视也要装。", "final"),
        # (and of these two since session 34's flag turns)
        ("再这样我就换一家，又不是离了你们不行。", "final"),
        ("订单我取消了，我去装别家的宽带。", "final"),
        ("明年我不续费了，你们自己看着办。", "review"),
        ("这个宽带我不打算续费，到期就算了。", "review"),
        ("下个月合约一到我就直接拆机。", "final"),  # (review until session 34)
        ("我要拆宽带，你们派人来拿光猫吧。", "review"),
        ("宽带拆机要带什么证件？我下周就去办。", "review"),
        ("这张卡我不要了，你们爱怎么扣怎么扣。", "review"),
        # ... and not their look-alikes: a phone opened for repair, a closure refused, asked for
        # long ago or suggested by someone else, a question or a premise, an add-on, an old or
        # a bank card, another shop or firm, a wired connection, a building, a caller who says
        # they stay, a contract ended for a cheaper plan
        ("手机要拆机检测的话，保修还有效吗？", None),
        ("我不想拆机，你们派个师傅来修一下就行。", None),
        ("宽带前年就拆机了，怎么还有账单？", None),
        ("要是不续费会不会停机？", None),
        ("那个视频会员下个月我不续了，号码照常用。", None),
        ("补了新卡以后，原来那张卡不要了吧？", None),
        ("工资卡是别的银行的，那张银行卡我不要了。", None),
        pytest.param(
            "营业厅排队太长，我换一家营业厅去办。",
            None,
            marks=pytest.mark.xfail(
                strict=True,
                reason="since session 34 the churn head reads it at 0.90: raised, waiting for a"
                " reviewer",
            ),
        ),
        ("我儿子换一家公司上班了，宽带地址要改。", None),
        ("电脑我已经换有线了，网速还是只有二十兆。", None),
        ("我们公司下个月迁到电信大厦对面，宽带能移过去吗？", None),
        ("我才不转网呢，就是想问问信号的事。", None),
        # 销户 as Whisper writes it (消户), in a denial and in a threat after one
        ("嗯我没想消户就是问问这个月怎么扣了两次月租", None),
        ("我原来不想消户的可是你们再乱扣费我就消户", "final"),
        ("合约还有半年，我想解约换个便宜点的套餐。", None),
        # a caller refusing a pushed service, then leaving in the same sentence (a mask on the
        # refusal, tried in session 23, lost these)
        ("以后别再给我办了，这号我也不想用了。", "final"),
        ("别再给我开这种了，我受够了，这个电信我是不想再用了。", "final"),
        # 我才不… keeps a move said after it in the same turn
        ("这种套餐我才不换，我直接携号转网。", "final"),
        # an offer declined and nothing more (the head alone read these at 0.87-0.94: session
        # 43), or relief at a trip spared, is no leaving; a decline with the number given up is
        ("嗯，不用了。", None),
        ("那就不用了吧。", None),
        ("不用了，就这些。", None),
        ("那这样我就不用再跑一趟营业厅了吧？", None),
        ("不需要了，这个号我不要了，给我销了吧。", "final"),
    ],
)
def test_leaving_in_other_words(line: str, route: str | None) -> None:
    assert _route_of("churn_risk", line) == route


@pytest.mark.parametrize(
    ("line", "route"),
    [
        # the churn head less sure (under 0.95; 0.6-0.86 with the words of leaving in the same
        # sentence): lines moved out, the number given up; waits for a reviewer
        # (until session 35, whose head learnt business callers' leaving, 0.95 or more now)
        ("说实话，我们公司明年合同到了，那几条线就转出去了。", "final"),
        # (read at 0.64 until the head learnt threats in an add-on's words, session 29: 1.00)
        ("反正我也不靠这个号，不交了，停就停吧。", "final"),
        # a post's emoji codes close the sentence before them: the threat after them is read
        # alone, and the head is sure of it
        ("@某地移动客服 信号又没了[怒][怒]这号我不养了，以后一分钱也不充", "final"),
        # the words without the head: one bill withheld, a number kept suspended, a question,
        # arrears, someone else's number long ago
        ("我这个月的话费先不交，等你们把多扣的钱退了我再交。", None),
        ("我出差三个月，想办个停机保号，回来再开。", None),
        ("要是欠费了会不会直接停机啊？我这个号还要用的。", None),
        ("我号都快欠费停机了，你们还不给我把钱退回来？", None),
        # (read at 0.91 from session 29 to 33, raised to a reviewer; 0.37 since session 34)
        ("我姑父那个号去年就不交费了，早停了，跟我这个没关系。", None),
    ],
)
def test_leaving_corroborated_by_its_words(line: str, route: str | None) -> None:
    assert _route_of("churn_risk", line) == route


@pytest.mark.parametrize(
    ("line", "route"),
    [
        # the caller's own closure or port-out already done, the call about what followed it
        ("我上个月已经把宽带销户了，怎么这个月还扣了我五十块？", None),
        ("号码昨天在营业厅销户了，里面还有三十块余额，怎么退给我？", None),
        ("上周我去营业厅办了销户，当时说余额七个工作日退回，到现在都没到账。", None),
        ("销户都办完半个月了，还一直给我发催费短信，什么意思？", None),
        ("我已经携号转网到电信了，你们怎么还扣我的钱？", None),
        ("那张卡注销快一年了，现在征信上说我欠费，谁给我解释一下？", None),
        # ... but a move of another line now, beside it, stands
        ("宽带我已经销户了，手机号下个月也要销掉。", "final"),
        ("副卡已经注销了，主卡再这样乱扣我也注销。", "final"),
        ("我上个月刚销了一个号，你们再这么搞，这个号我也不要了。", "final"),
        ("之前已经携号转网走了一个，这次另一个号也得走。", "review"),
        # a review's threats the first version of the rule hid: resignation (算了, 了吧), a
        # closure that failed, a resolve, another line now, a closure to come
        ("昨天又断网一整天，销户算了。", "final"),
        ("宽带已经拆了，固话也拆了吧。", "final"),
        ("之前销户没办成，今天必须给我销掉。", "final"),
        ("已经下定决心销户了。", "final"),
        pytest.param(
            "主卡上个月已经销了，副卡现在一起销掉。",
            "review",
            marks=pytest.mark.xfail(
                strict=True,
                reason="since session 36 (probe30, probe34) the churn head reads it at 0.57",
            ),
        ),
        ("销户以后你们别想再扣我一分钱。", "final"),
    ],
)
def test_a_closure_already_done_is_no_threat(line: str, route: str | None) -> None:
    assert _route_of("churn_risk", line) == route


@pytest.mark.parametrize(
    ("flag", "line", "route"),
    [
        # a denial that speech recognition misspelt (住销, 不事要, 携号专网, 鞋号, 工信不) is read
        # by its sound, as the threat it denies is: no threat
        ("churn_risk", "我不是要住销号码，就是问问停机保号怎么办。", None),
        ("churn_risk", "我不事要注销，你帮我查一下余额。", None),
        ("churn_risk", "我没打算携号专网，就是问问流程。", None),
        ("churn_risk", "我不想鞋号转网，你们把网速弄好就行。", None),
        ("complaint_risk", "我不事要投诉，就想问问这笔钱。", None),
        ("complaint_risk", "我不是要去找工信不，就想把钱退回来。", None),
        # a channel said not to be sought, spelt right or not
        ("complaint_risk", "我没说要去消协，你们把账单解释清楚就行。", None),
        ("complaint_risk", "我不会去一二三零零，只要把这个月的钱退给我。", None),
        # the many ways of ruling it out: 也不是想, 不至于, 谁说, …是不可能的, 还不到, 没那么闲,
        # 就不必了, 谈不上, …那边我不去, 哪有说
        ("churn_risk", "我也不是想注销，就是问问能不能暂停。", None),
        ("churn_risk", "不至于为了两块钱就销户吧，你给我查查。", None),
        ("churn_risk", "谁说我要携号转网了？我就问问流量包。", None),
        ("churn_risk", "销户是不可能的，这号用了十几年了。", None),
        ("churn_risk", "还不到要转网的份上，你们先把信号修好。", None),
        ("churn_risk", "犯不上为这点事销户，你把流量包退了就行。", None),
        ("churn_risk", "用不着转电信，你们有便宜点的套餐吗？", None),
        ("complaint_risk", "我没那么闲去告你们，把钱退了就行。", None),
        ("complaint_risk", "投诉就不必了，下回注意。", None),
        ("complaint_risk", "要说投诉倒也谈不上，就是提个建议。", None),
        ("complaint_risk", "工信部那边我不打算去，你们把账弄清楚。", None),
        ("complaint_risk", "我哪有说要去找记者，我说的是找经理。", None),
        ("complaint_risk", "还没到要打一二三零零的地步，你们先查。", None),
        ("complaint_risk", "我不找工信部，也不找什么消协，你们给我解决就行。", None),
        ("complaint_risk", "曝光什么的我不搞，我就想要个说法。", None),
        ("complaint_risk", "为这点事打三一五不至于，你帮我退订广告短信就行。", None),
        ("complaint_risk", "你们也别怕我投诉，我就是问问。", None),
        # ... but a threat beside the denial, or a slip-spelt threat alone, stands
        # (final since session 37: the churn head is all but certain of it, 0.999)
        ("churn_risk", "谁说我要转网了，我是要直接把这个号注销。", "final"),
        # ... and so does a mind changed after it
        ("churn_risk", "我本来没打算销户，但今天这事让我改主意了，你帮我办销户。", "final"),
        ("churn_risk", "一开始我没想转网的，现在我决定了，转网怎么弄？", "final"),
        ("churn_risk", "我没说要销户，我是说你们再乱扣我就只能销户了。", "final"),
        ("complaint_risk", "我可不会去消协，但你们再乱扣我就去。", "final"),
        ("complaint_risk", "说投诉也不是一次两次了，你们就是不改。", "final"),
        ("churn_risk", "我不是要携号转往，我是要直接销户。", "final"),
        ("churn_risk", "我要携号转往，今天就办。", "final"),
        ("complaint_risk", "我不是要投诉，不过再这样我就打一二三零零。", "final"),
        # (doubted by the context head until session 34's flag turns)
        ("complaint_risk", "我不是要去工信部，你们先把钱退了，要是再扣我就去。", "final"),
    ],
)
def test_a_denial_heard_through_a_slip_is_no_threat(
    flag: str, line: str, route: str | None
) -> None:
    assert _route_of(flag, line) == route


@pytest.mark.parametrize(
    ("flag", "line", "route"),
    [
        # a channel's name in another sense: a workplace, news, an institution asked about, a
        # place, an impostor, a date
        ("complaint_risk", "我妹妹在电视台上班，她说你们这个月有流量活动，我想问问。", None),
        ("complaint_risk", "网上都说你们要涨月租了，是不是真的？", None),
        ("complaint_risk", "一二三零零是管什么的？我就好奇问一下。", None),
        ("complaint_risk", "我收到一条工信部的通知短信，说要核实身份，是你们发的吗？", None),
        ("complaint_risk", "我们小区在法院后面那栋，这两天宽带老断。", None),
        ("complaint_risk", "有人冒充记者给我打电话要我转账，我想查一下这个号码。", None),
        ("complaint_risk", "三一五当天你们营业厅是不是有优惠？", None),
        # a 315 that is an address (三幺五 normalises to 三一五), a complaint about a neighbour or
        # the property manager (session 37); the carrier threatened beside it stands
        ("complaint_risk", "我住三幺五幢二单元，装宽带的师傅说找不到门。", None),
        ("complaint_risk", "我们单位在三一五室，座机一直没有拨号音。", None),
        ("complaint_risk", "我准备投诉我家楼下，他们老把你们的光纤箱锁着。", None),
        ("complaint_risk", "我投诉咱们隔壁那家装修太吵，顺带问问能不能改个宽带时间。", None),
        ("complaint_risk", "我先投诉物业，再不来修我就连你们一起投诉。", "final"),
        # someone else's threat, a past complaint's progress
        ("complaint_risk", "我邻居天天嚷嚷说要投诉你们，我倒觉得还行。", None),
        ("complaint_risk", "同事说他要去消协投诉你们的宽带，我想问下我们那片是不是有故障。", None),
        ("complaint_risk", "上次投诉的那个事处理好了，谢谢，今天想改个套餐。", None),
        ("complaint_risk", "我那个一二三零零的申诉有结果了吗？", None),
        (
            "complaint_risk",
            "我上周打过一二三零零了，他们说转给你们了，想问问处理到哪一步了。",
            None,
        ),
        ("complaint_risk", "去法院告你们划不来，我就想要个说法。", None),
        ("complaint_risk", "曝光这种事我不会干的，你把彩铃关了就行。", None),
        ("complaint_risk", "我打过一二三零零了，你们再不处理我就去工信部。", "final"),
        ("complaint_risk", "我邻居说要投诉你们，我也要投诉。", "final"),
        ("complaint_risk", "上次投诉的事还没处理，我要再投诉一次。", "final"),
        # news the caller read, and a threat to post it
        ("complaint_risk", "我在新闻上看到你们被曝光了，想问问我的号有没有事。", None),
        ("complaint_risk", "我要在抖音上曝光你们。", "final"),
        # another account closed, a relative's line or move
        ("churn_risk", "我想把微信账号注销了，它说要先解绑这个手机号。", None),
        ("churn_risk", "我妈的手机号不用了，想注销，她腿脚不方便能代办吗？", None),
        ("churn_risk", "我儿子非要换联通，你帮我看看他的合约什么时候到期。", None),
        # ... but the caller's own threat beside them stands
        ("complaint_risk", "电视上都报道了你们乱收费，我也要去工信部投诉。", "final"),
        ("complaint_risk", "我表姐是律师，回头我就让她帮我起诉你们。", "final"),
        ("churn_risk", "我老公要换移动，我这个号也跟着一起转。", "final"),
        ("churn_risk", "十几年的老会员了，今天就去销户。", "final"),
    ],
)
def test_a_flag_word_in_another_sense_is_no_threat(flag: str, line: str, route: str | None) -> None:
    assert _route_of(flag, line) == route


@pytest.mark.parametrize(
    ("flag", "line", "route"),
    [
        # praise in a threat's shape
        ("complaint_risk", "你们这师傅太负责了，我要给你们送一面锦旗！", None),
        ("complaint_risk", "回头我发条微博好好表扬一下你们的客服。", None),
        # a complaint thought of and dropped, or dismissed, or not what the call is for
        ("complaint_risk", "我本来昨天都想打一二三零零了，今天网又好了。", None),
        ("complaint_risk", "我也不是来找茬的，就想问问这个月为什么多了十块。", None),
        ("complaint_risk", "我也懒得跟你们扯什么投诉了，把这个包退了就行。", None),
        ("complaint_risk", "消协我也不找了，你们以后别再给我乱开业务就行。", None),
        # ... unless the caller takes it up again
        ("complaint_risk", "本来昨天都想打一二三零零了，现在看来必须打。", "final"),
        ("complaint_risk", "消协我也不找了，但你们再乱扣一次我就去法院起诉。", "final"),
        # a past complaint or appeal as background, or one withdrawn
        ("complaint_risk", "我前年在工信部申诉过一回，后来解决了，今天是问套餐的。", None),
        ("complaint_risk", "二零二一年我投诉过一次，现在就想问问话费。", None),
        ("complaint_risk", "消协那边我昨天已经撤了，钱也退了，就确认一下。", None),
        # ... years ago, or "at the time" of a matter told (session 51, dev_ae's long calls)
        ("complaint_risk", "我记得三年前因为流量超了扣了好多钱投诉过一次，后来就换了套餐。", None),
        ("complaint_risk", "好多年前我为装电话的事投诉过你们，今天就想问问宽带续费。", None),
        ("complaint_risk", "以前有个彩铃乱扣费，我当时还投诉过一次，这次就问问能不能退。", None),
        ("complaint_risk", "三年前投诉过一次没用，这回我直接去工信部告你们。", "final"),
        # (review in session 36: the look-alike head, fitted to its optimum, reads the past
        # complaint beside the threat at 0.73, over the doubt's 0.7; final again since session
        # 37, the complaint head all but certain of the threat, 0.999)
        ("complaint_risk", "去年投诉过一次，这次我还要去工信部投诉。", "final"),
        # others' complaints and crowds online, hearsay, a homework question
        ("complaint_risk", "听说有人为这个事投诉到工信部才给解决，我还是想先问问你们。", None),
        ("complaint_risk", "隔壁老王去消协投诉了才有人来修，你们能不能先来看看我家？", None),
        ("complaint_risk", "抖音上好多人在曝光你们乱扣费，我想查查自己有没有被扣。", None),
        ("complaint_risk", "孩子写作业，老师让了解一下向工信部申诉要多久。", None),
        # (the caller joining the crowd stands; the context head doubts it, but since session 37
        # the complaint head, all but certain of the threat, outweighs it)
        ("complaint_risk", "群里好多人都打一二三零零投诉了，我也准备去。", "final"),
        # (final until session 35; its look-alike head doubts it as it does the crowd above)
        ("complaint_risk", "听说邻居都投诉了，我也要去投诉。", "review"),
        # leaving: crowds online, a closure already done, staying put, a homework question
        ("churn_risk", "网上那么多人喊着要携号转网，你们也不管管，我就问下宽带啥时候修。", None),
        ("churn_risk", "我那个副号上个月销户了，怎么这个月还在扣月租？", None),
        ("churn_risk", "办销户的时候营业厅的人说余额会退，到现在也没退。", None),
        ("churn_risk", "我都用了十五年了，不会走的，就是想问问有没有老用户优惠。", None),
        ("churn_risk", "老师让孩子调查一下携号转网要几天，你能说一下吗？", None),
        ("churn_risk", "网上好多人都转网了，我也准备转。", "final"),
        ("churn_risk", "等我销户的时候你们就知道了，明天就去销户。", "final"),
        # another person asked for is no other carrier
        ("churn_risk", "你们这样干不了就换个人来处理吧，我等了一上午了。", None),
        ("churn_risk", "换个人跟我说，你说不明白。", None),
        ("churn_risk", "你们换人吧，我直接换电信。", "final"),
        # Whisper's spelling of 销户 is a keyword of its own (a model need not read it), and
        # its denial is read as the written one's
        ("churn_risk", "这个号给我消户，然后我还要投诉你们营业厅。", "final"),
        ("churn_risk", "我不是要消户，就问问话费。", None),
        # a channel in a past anecdote neither head reads as a threat: read as an aside (0.91),
        # its words are not looked for (session 53; before, doubt_unread sent it to a reviewer)
        # ...
        (
            "complaint_risk",
            "前两年有记者到我们村里采访过信号的事，现在挺好的，想问问套餐。",
            None,
        ),
        # ... a threat beside the same words stands
        ("complaint_risk", "记者我都联系好了，明天就来采访你们。", "final"),
        ("complaint_risk", "工信部的电话我已经打了，你们等着吧。", "final"),
        # the caller's own job, what a channel or a term is, a what-if asked about how it would
        # go, "not that kind of person", an essay: no threat; the same words beside a threat are
        ("complaint_risk", "我自己就是当律师的，合同条款我看得懂，就想问问月费怎么算。", None),
        ("complaint_risk", "我是电视台的记者，这次是私人的事，家里网断了。", None),
        ("complaint_risk", "我是记者，你们再这样乱扣费我就曝光你们。", "final"),
        ("complaint_risk", "一二三零零是哪个部门的电话？我想问问它管不管快递。", None),
        ("complaint_risk", "投诉升级是什么意思？短信里写的我看不懂。", None),
        ("complaint_risk", "万一我要投诉的话，一般多长时间能处理完？我就随便问问。", None),
        ("complaint_risk", "如果你们再不处理，我就投诉到工信部。", "final"),
        ("complaint_risk", "您放心，我不是那种动不动就打官司的人，把钱退了就行。", None),
        ("complaint_risk", "我不是那种爱投诉的人，但今天这事我必须投诉。", "final"),
        ("complaint_risk", "孩子写作文要写消费者权益，问问你们平时怎么处理投诉的。", None),
        # escalation by petition or a video posted online is a threat
        ("complaint_risk", "我回头去上访，把你们这些事都说出来。", "final"),
        ("complaint_risk", "不行我就发抖音上曝光你们。", "final"),
        ("complaint_risk", "你再不管，我就拍段视频发到小红书上，让大家评评理。", "final"),
        # leaving said as walking away on a condition, a line given up in dialect, a company's
        # lines moved to a named carrier, a threat after a conditional denial
        (
            "churn_risk",
            "你们要是再这么涨价，我下个月就走人。",
            "final",
        ),  # (review until session 34)
        ("churn_risk", "再这样断网，我真就走了。", "final"),  # (review until session 34)
        ("churn_risk", "要不你给我减点月租，我就不转网，否则我就销户。", "review"),
        ("churn_risk", "这破宽带我们家勿要了，太慢了。", "review"),
        ("churn_risk", "我们单位这几十条线路下个月全部转给电信。", "final"),
        ("churn_risk", "明天就走了，出国那个漫游怎么开？", None),
        # a gone holder's line closed, another account closed: routine; a relative's move out
        # of a grievance is the account holder's threat relayed (docs/verdict-items.md)
        ("churn_risk", "我爷爷去年去世了，他名下那个固话想注销一下，要带什么？", None),
        ("churn_risk", "我想注销一个信用卡，银行说要先解绑手机号。", None),
        ("churn_risk", "我妈让我问，她那个号能不能转到移动，她说你们乱扣费受够了。", "final"),
        ("churn_risk", "我妈的手机号不用了，想注销，她腿脚不方便能代办吗？", None),
        # "I got too worked up" takes a threat back (not where it is denied); a dialect denial
        # (不得 for 不会); an institution as the customer; the media's own past exposure; a crowd
        # online seen, unless the caller joins it; progress asked of a complaint made, not of
        # one about to be made; legal proceedings announced
        ("complaint_risk", "刚才说要去工信部告你们，不好意思，我太激动了。不用登记了。", None),
        ("complaint_risk", "别以为我是一时激动，我太激动了才怪，明天就去工信部。", "final"),
        ("churn_risk", "刚才说要销号，对不起啊，我太激动了，号不销了。", None),
        ("complaint_risk", "我不得去投诉你们哦，就问一哈话费咋个算的。", None),
        ("complaint_risk", "我们单位就是市里的消费者协会，想给会议室装个宽带。", None),
        ("complaint_risk", "我们这是区法院，想问一下专线续费的事。", None),
        ("complaint_risk", "去年电视台曝光的那个乱收费，你们现在还有吗？我帮我妈查查。", None),
        ("complaint_risk", "我在网上刷到好多人投诉你们乱扣费，你帮我看看我这张卡。", None),
        ("complaint_risk", "我在网上刷到好多人投诉你们乱扣费，我也准备去投诉。", "final"),
        ("complaint_risk", "我已经准备去消协申诉了，你们看着办吧。", "final"),
        ("complaint_risk", "我工信部申诉的那个单子，现在处理到哪一步了？", None),
        ("complaint_risk", "钱不退的话，我们就走法律程序。", "final"),
        ("complaint_risk", "我是做新媒体的，想问问上行带宽。", None),
        # a mask's branches each hide their words, also where one starts inside another's
        ("complaint_risk", "我在写毕业论文，想问下你们对客户投诉一般怎么处理？", None),
        # the caller's own legal matter with someone else, who the caller is (a newspaper, a
        # law firm and its lines), being sued in a scam, 315 as a sale, a regulator's number
        # calling, a complaint given up, an agent's advice: no threat
        ("complaint_risk", "法院让我去调一下我这个号去年的通话记录，在哪里打？", None),
        ("complaint_risk", "我要起诉我前妻，律师让我找你们开个通话证明。", None),
        ("complaint_risk", "我们是日报社的，想给编辑部办几条专线。", None),
        ("complaint_risk", "我是晚报的记者，家里宽带坏了，来报个修。", None),
        ("complaint_risk", "我们律所对外的座机停了，钱已经交了，麻烦开一下。", None),
        ("complaint_risk", "有人打电话说我欠费要被起诉，是你们打的吗？", None),
        ("complaint_risk", "三一五那天有什么优惠活动吗？", None),
        ("complaint_risk", "昨天有个12300的号码打给我，问我满不满意，是真的吗？", None),
        ("complaint_risk", "算了，投诉也不投了，你们看着办吧。", None),
        ("complaint_risk", "刚才你们客服说我可以打12300投诉，我不想闹大，你先帮我查查。", None),
        # the news, a video posted, the whole country told, 告恁: threats
        ("complaint_risk", "你们就等着上新闻吧。", "final"),
        ("complaint_risk", "我这就去抖音上发视频，让大家看看你们怎么对客户的。", "final"),
        ("complaint_risk", "这事我肯定发网上，让全国人民都知道。", "final"),
        ("complaint_risk", "俺去告恁。", "final"),
        # a transfer asked about, a handset changed, a suspension, porting back in, an app
        # account, a gone holder named after: no threat; leaving anyway, walking away: threats
        ("churn_risk", "我想把号过户给我儿子，这算不算销户？", None),
        ("churn_risk", "我只是换了个手机，不是换运营商，网络怎么设置？", None),
        ("churn_risk", "先帮我挂失停机，不是销号，我过两天补卡。", None),
        ("churn_risk", "之前公司的号转到移动了，现在想转回你们这边，怎么办？", None),
        ("churn_risk", "我要注销的是那个APP的账号，不是手机号。", None),
        ("churn_risk", "销户以后话费余额能退吗？我是替我去世的奶奶来办的。", None),
        ("churn_risk", "我宁愿赔违约金也要走！", "final"),
        ("churn_risk", "没有优惠我就走人。", "final"),
        ("churn_risk", "我爸说他那个号不要了，你们这么收费他不干了，让我给他销掉。", "final"),
        # the gala seen on television, spam reported to 12321, a contract's complaint clause,
        # customers' talk at a shop, a regulator's new service, a summons, "I thought a
        # complaint was needed", a journalist at work: no threat
        ("complaint_risk", "我看电视上三一五晚会说有些软件偷偷扣费，你帮我查查我这个号。", None),
        ("complaint_risk", "能不能帮我把骚扰电话拦一下，我不想老去12321举报了。", None),
        ("complaint_risk", "我们公司新装专线，想问问合同里的投诉条款怎么写的。", None),
        ("complaint_risk", "店里好多顾客说要去投诉你们的合约政策，总部政策是不是变了？", None),
        ("complaint_risk", "工信部不是出了个新规，可以查名下有几个号码吗，在哪查？", None),
        ("complaint_risk", "法院给我寄了张传票，说我欠网贷，上面留的是这个号。", None),
        ("complaint_risk", "我还以为要先投诉才能退钱呢，原来直接申请就行。", None),
        ("complaint_risk", "我是日报社的记者，在做一篇关于携号转网的报道，想问问要几天。", None),
        # a complaint years ago told as background waits for a reviewer at most
        ("complaint_risk", "好几年前我打过12300告过你们一回，早过去了，今天就是交个费。", "review"),
        # the gala, a story in the paper, a government message board, the authority above,
        # the regulator's line asked for in anger: threats
        ("complaint_risk", "你们等着在三一五晚会上看到自己吧。", "final"),
        ("complaint_risk", "这事你们不给说法，我就写成稿子见报。", "final"),
        ("complaint_risk", "我已经在人民网留言板留言了，看谁先回我。", "final"),
        ("complaint_risk", "今天再修不好，所长说了就报到你们上级主管部门去。", "final"),
        ("complaint_risk", "你们这个结果我真不满意，通信管理局的电话是多少？", "final"),
        # a relative's closure done for them; the holder's threat told in a question for them
        ("churn_risk", "我帮我爱人办一下销号，她调到外地了，这个号用不上了。", None),
        ("churn_risk", "我帮我妈问的，她说你们再乱扣她就不用这个号了。", "final"),
        ("churn_risk", "帮我查下合约哪天到期，到期那天我就走。", "final"),
        ("churn_risk", "老板说漫游费不减免，他就把全公司的卡都换掉。", "final"),
        ("churn_risk", "你说我凭什么还留在你们这儿？", "final"),
        # a complaint closed and rated, a scammer sued, a neighbour's complaint, a workplace
        # or a job long ago, a programme's advice, a contract's dispute clause, a paper (a
        # mask word must not be heard in 写一篇): no threat
        ("complaint_risk", "短信说我那个投诉已经办结了，让我评价，我打过来说一声，满意。", None),
        ("complaint_risk", "派出所让我来调一下被骗那天的通话记录，我要起诉那个骗子。", None),
        ("complaint_risk", "隔壁阿姨为这事去消协告了你们，我不想折腾，给我退了就行。", None),
        ("complaint_risk", "我以前在消费者协会上班，现在退休了，想办个亲情号。", None),
        ("complaint_risk", "我以前也是干记者的，知道你们不容易，帮我查查为啥停机。", None),
        ("complaint_risk", "我爸看电视节目说老人被骗可以找律师，你们有没有防诈骗提醒？", None),
        ("complaint_risk", "你们的服务协议上写着争议可以去法院，这是所有合约都有的吗？", None),
        ("complaint_risk", "我在写一篇关于消费者权益的课程论文，想了解投诉流程。", None),
        # a contract invoked in a threat, the carrier sued by name: threats
        ("complaint_risk", "我按合同来，法院见。", "final"),
        ("complaint_risk", "这事我们全家商量好了，要告你们运营商。", "final"),
        # voting with one's feet, lines cut over to another's, why keep the number
        ("churn_risk", "你们再这样，我只能用脚投票了。", "final"),
        ("churn_risk", "不降价的话，下个季度我们就全部切到别家的专线上。", "final"),
        ("churn_risk", "十几年老用户一点优惠没有，那我还留着这个号干嘛。", "final"),
        # what a number is, a relative's workplace beside a plan of the caller's own, the
        # caller's shop exposed by a customer, a firm sued by its client, a regulator's
        # inspection, a friend who is a journalist, "anyone else would have": no threat
        ("complaint_risk", "12300是个啥电话？孙子让我记下来，我就问问。", None),
        ("complaint_risk", "我女儿在市法院上班，她让我问问停机保号咋办，我要去外地半年。", None),
        ("complaint_risk", "有个顾客在网上曝光我们店，还天天打骚扰电话，能帮我拦截吗？", None),
        ("complaint_risk", "我们公司被一个客户起诉了，需要开个通话记录证明。", None),
        ("complaint_risk", "你们公告说要配合工信部检查，这几天会停网吗？", None),
        ("complaint_risk", "我朋友是晚报的记者，他说你们在搞5G下乡，我们村能排上吗？", None),
        ("complaint_risk", "要是换了别人，早投诉你们八百回了，你快帮我看看网怎么又断了。", None),
        # ... nor a complaint the caller would have made by now, if (session 37); the caller's
        # own threat after it stands
        ("complaint_risk", "要不是看在用了十年的份上，我早就去投诉你们了，你先帮我查。", None),
        ("complaint_risk", "搁以前我脾气那么冲，早就打一二三零零告你们了。", None),
        ("complaint_risk", "要不是看在老用户份上，我早就投诉了，今天再不修我就去工信部。", "final"),
        # the relative's workplace beside a threat of the caller's own: raised (doubted by the
        # context head until session 34's flag turns)
        ("complaint_risk", "我女儿在市法院上班，我要告你们，她会帮我。", "final"),
        # a wife's closure out of a grievance, relayed
        (
            "churn_risk",
            "我老婆说她那个号不要了，上回你们营业员那个态度，她再也不想用。",
            "review",
        ),  # (review until session 34; since session 36 the churn head reads it at 0.950, a
        # hair under the 0.95 it stands final from)
        # a look-alike named by its context (an aside) leaves its words out of the keywords and
        # patterns, and its sentence out of the model's reading only where no threat is said
        # beside it: the same sentence with a threat after it still raises the flag
        ("complaint_risk", "我们这是区法院，想问一下专线续费的事。", None),
        ("complaint_risk", "我们这是区法院，你们再不处理，我就去告你们，说到做到。", "final"),
        ("complaint_risk", "我是律师，我要告你们。", "final"),
        ("complaint_risk", "我是做自媒体的，你们这么处理，我也不介意专门做一期视频讲讲。", "final"),
        ("complaint_risk", "法院让我去调一下通话记录，你们再不给，我就去告你们。", "final"),
        ("churn_risk", "我帮我爱人办一下销号，她调到外地了，你们再这样我就不用你们家了。", "final"),
        # threat words inside the look-alike's own words are no threat beside it
        ("complaint_risk", "万一我要投诉的话，一般多长时间能处理完？我就随便问问。", None),
        ("complaint_risk", "我要起诉我前妻，律师让我找你们开个通话证明。", None),
    ],
)
def test_look_alikes_by_class_and_the_threats_beside_them(
    flag: str, line: str, route: str | None
) -> None:
    assert _route_of(flag, line) == route


@pytest.mark.parametrize(
    ("line", "quote", "basis"),
    [
        # the evidence is the words, not the turn up to them (the pattern reads its guard from
        # the turn's start) ...
        ("宽带下个月到期，到期后不打算续了。", "不打算续了", ("regex",)),
        ("私信了三天没人回，明天直接拆机。", "直接拆机", ("regex",)),
        # ... so a take-back said before them in the same turn is read as before them: the
        # threat stands (it waits for a reviewer by the pattern's belief, not as taken back)
        ("算了我冷静下来了，刚才是气话，这卡我不要了。", "这卡我不要了", ("regex",)),
        # said after them, it takes them back
        ("这卡我不要了。唉，刚才是气话，您别当真。", "这卡我不要了", ("regex", "taken_back")),
        # the same words said again after the take-back, where the pattern does not match
        # them, are no new threat
        (
            "网速太慢，另找一家。刚才是气话，您别当真，不用另找一家。",
            "另找一家",
            ("regex", "taken_back"),
        ),
        ("网速太慢，直接拆机。刚才是气话，我是问直接拆机的流程。", None, ("regex", "taken_back")),
    ],
)
def test_leaving_in_other_words_quotes_the_words(
    line: str, quote: str | None, basis: tuple
) -> None:
    # the flag on its patterns alone: the churn head reads some of these threats too, and then
    # quotes the whole sentence first; a threat taken back is raised, doubted, so its quote shows
    card = _patterns_only(DOUBTING, "churn_risk")
    result = _call(
        ("agent", OPEN), ("customer", line), ("agent", "好的，我帮您看一下。"), card=card
    )
    (flag,) = [f for f in result.flags if f.id == "churn_risk"]
    assert quote is None or [e.match for e in flag.evidence] == [quote]
    assert flag.basis == basis and flag.route == "review"


def _route_of(flag: str, line: str) -> str | None:
    """The route of `flag` on a call of one customer line (None: not raised)."""
    result = _call(("agent", OPEN), ("customer", line), ("agent", "好的，我帮您看一下。"))
    found = next((f for f in result.flags if f.id == flag), None)
    return found and found.route


@pytest.mark.parametrize(
    ("flag", "line", "route"),
    [
        # a threat beside an aside, which the threat head is all but certain of (0.999 or
        # more): it stands, however the context head reads the aside beside it (session 37)
        ("complaint_risk", "投诉这种事我一般犯不上，但这回我非去工信部不可。", "final"),
        ("churn_risk", "宽带早就拆了，现在再扣手机费我就携号转网。", "final"),
        # the asides alone are still doubted, or (session 53) not read at all where the context
        # head is surer of the aside (0.8 for churn, 0.9 for a complaint)
        ("churn_risk", "我表姐前年就携号转网走了，我还在用你们的。", "review"),
        ("churn_risk", "以前我说过要销户，那会儿是气话，现在用得挺好。", None),
    ],
)
def test_a_threat_the_head_is_sure_of_is_not_doubted_by_the_aside_beside_it(
    flag: str, line: str, route: str
) -> None:
    assert _route_of(flag, line) == route


@pytest.mark.parametrize(
    ("line", "route"),
    [
        # a hostile retort stands alone, on the words
        ("还让我等？等个屁，我都等了一礼拜了。", "final"),
        ("建议个锤子，你们的建议我试了八遍了。", "final"),
        ("懂个P，收钱的时候倒是挺懂。", "final"),
        ("WTF，这个月又扣我五十？", "final"),
        # ... not a phone brand, a part of the body or one of something
        ("我用的是个锤子手机，能设置来电转接吗？", None),
        ("我家孩子坐的那个屁股垫是你们积分换的。", None),
    ],
)
def test_a_hostile_retort_is_anger(line: str, route: str | None) -> None:
    assert _route_of("customer_anger", line) == route


#: a rhetorical question the model reads as likely anger, not sure anger (0.8-0.95)
ASKED = "你们到底怎么搞的？"
CALM = ["我想问一下这个月的账单。", "好的，尾号是四五六七。", "嗯，那就按这个办吧。", "行，谢谢。"]


@pytest.mark.parametrize(
    ("customer", "route"),
    [
        # one likely angry question waits for a reviewer, in a post or a long call alike (the
        # model reads annoyance and a real outburst alike there: a reviewer tells them apart)
        ([ASKED], "review"),
        ([CALM[0], ASKED, *CALM[1:]], "review"),
        # a sentence the model is sure of stands in any call, as a retort does on the words
        ([CALM[0], "你们是不是存心坑人？这都第几回了！", *CALM[1:]], "final"),
        ([CALM[0], "闭嘴，听我说完！", *CALM[1:]], "final"),
        ([CALM[0], "你们的承诺就是放屁。", *CALM[1:]], "final"),
        # a calm call raises nothing
        (CALM, None),
    ],
)
def test_anger_said_once_in_a_post_or_a_long_call(customer: list[str], route: str | None) -> None:
    lines = [("agent", OPEN)]
    for text in customer:
        lines += [("customer", text), ("agent", "好的，我帮您看一下。")]
    found = next((f for f in _call(*lines).flags if f.id == "customer_anger"), None)
    assert (found and found.route) == route


@pytest.mark.parametrize(
    ("customer", "route"),
    [
        # a calm caller's short follow-up questions (什么, 呢, 为什么, ？) are no anger
        (
            ["验证码发到哪个号码呢？", "那要填什么呢？", "那我按几呢？", "为什么要重新插卡呢？"],
            None,
        ),
        (["您刚才说什么？", "选哪一个？", "然后呢？", "这个套餐包含什么呢？"], None),
        # likely anger (0.6-0.8) in a turn whose next sentence is plainly a grievance: raised
        # (the question was 你们怎么回事？ until session 35, whose head reads it at 0.84: raised
        # alone now, for a reviewer)
        (["这叫什么事啊？我交的钱到现在还没到账，太离谱了！"], "review"),
        # ... not the same question with the grievance in a turn of its own, nor alone
        (["这叫什么事啊？", "我交的钱到现在还没到账，太离谱了！"], None),
        (["这叫什么事啊？"], None),
        # ... nor a grievance the caller quotes from someone else
        (["这叫什么事啊？我妈说你们太过分了，乱扣费！"], None),
        # a caller angry about the line, or shouting that the agent will not hear them, is angry
        # (a rule that left out every sentence about hearing lost these: session 23)
        (["你们那个线路烂成这样，打个客服电话都听不清，还好意思收我一百多月租！"], "final"),
        (["每次一说到退钱你们就听不见，真会装！"], "final"),
    ],
)
def test_anger_in_a_question_and_the_grievance_beside_it(
    customer: list[str], route: str | None
) -> None:
    lines = [("agent", OPEN)]
    for text in customer:
        lines += [("customer", text), ("agent", "好的，我帮您看一下。")]
    found = next((f for f in _call(*lines).flags if f.id == "customer_anger"), None)
    assert (found and found.route) == route


def test_a_speaker_turn_is_all_the_caller_says_until_the_agent_speaks() -> None:
    # ASR cuts a turn at a pause into two segments: the grievance in the second still
    # corroborates the question in the first
    lines = [
        ("agent", OPEN),
        ("customer", "你们怎么回事？"),
        ("customer", "我交的钱到现在还没到账，太离谱了！"),
        ("agent", "好的，我帮您看一下。"),
    ]
    found = next((f for f in _call(*lines).flags if f.id == "customer_anger"), None)
    assert found is not None and found.route == "review"
    assert [e.text for e in found.evidence] == ["你们怎么回事？"]


@pytest.mark.parametrize(
    ("flag", "turns", "route"),
    [
        # a threat the caller takes back later (a later turn, or later in the same one): "review"
        # (doubted, basis taken_back) where the scorecard doubts it, not raised by the default
        (
            "complaint_risk",
            ["我要打一二三零零投诉你们！", "哎，刚才是气话，您别往心里去，帮我查下账单吧。"],
            "review",
        ),
        ("complaint_risk", ["你们再拖我就去消协！唉，我也不是真要投诉，赶紧修吧。"], "review"),
        (
            "churn_risk",
            ["这样下去我肯定携号转网。", "刚刚说转网就是随口一说，号我还是接着用。"],
            "review",
        ),
        # ... or in words no list holds, which the context head reads as a take-back
        (
            "complaint_risk",
            [
                "你们再这么拖，我就打一二三零零投诉。",
                "我刚才脑子一热说过头了，你别给我登记，麻烦帮我看看网络。",
            ],
            "review",
        ),
        (
            "churn_risk",
            ["这破宽带我不续了，下个月就拆。", "我刚才那是急的，拆机的事你别记。"],
            "review",
        ),
        # the take-back first and a threat after it, a denial that it is a take-back (不是开玩笑
        # once left the whole turn out of churn_risk), a might-as-well: they stand
        ("complaint_risk", ["刚才说的是气话。", "但今天修不好，我就去消协告你们。"], "final"),
        ("complaint_risk", ["三天内不退钱我就找记者曝光，我可不是说气话。"], "final"),
        ("complaint_risk", ["你们这样，我去工信部投诉你们算了！"], "final"),
        ("churn_risk", ["我不是跟你开玩笑的，下个月就销户。", "谢谢你啊，你态度挺好的。"], "final"),
        # the take-back in the next sentence of the threat's turn (a sentence the model quotes
        # whole ends where the next begins)
        ("complaint_risk", ["我要去工信部投诉你们。刚才那话你就当没听见。"], "review"),
        # a threat said again in the turn, after the take-back, in a sentence the model reads
        (
            "complaint_risk",
            ["你们这样我要投诉！刚才是气话。但你们再拖，我就把这事发到网上让大家评评理。"],
            "final",
        ),
        # a denial the flag does not count (我没想投诉) said after the take-back
        (
            "complaint_risk",
            ["你们再拖我就投诉！", "刚才是气话，我没想投诉，你帮我查查。"],
            "review",
        ),
        # denials and what-you-think are no take-back; nor is a condition
        ("complaint_risk", ["我要去工信部投诉你们！", "这可不是什么气话。"], "final"),
        ("complaint_risk", ["我要去工信部投诉你们！", "别以为我只是说说而已。"], "final"),
        ("complaint_risk", ["我要去工信部投诉你们！", "你们今天修好我就不投诉了。"], "final"),
        ("complaint_risk", ["我要去工信部投诉你们！", "只要今天把钱退了，投诉就算了。"], "final"),
        ("complaint_risk", ["我要去工信部投诉你们！", "行吧，那我不投诉了。"], "review"),
        ("churn_risk", ["再不修我就携号转网！", "那行，号我还是接着用吧。"], "review"),
        ("churn_risk", ["再不修我就携号转网！", "你们就继续用这套说辞糊弄人吧。"], "final"),
        (
            "churn_risk",
            ["再不修我就携号转网！", "我刚刚冲了一百块话费怎么又没了？"],
            "final",
        ),  # 冲 for 充
        ("complaint_risk", ["我要去工信部投诉你们！", "我可不是随便说说的。"], "final"),
        # a question whether it was a joke (session 37: its ？ is not in the normalised text the
        # words read, and 开玩笑 at the sentence's end stood as one)
        ("churn_risk", ["下个月我就去营业厅把号销了。", "怎么，你觉得我开玩笑？"], "final"),
        ("complaint_risk", ["这事我肯定要去工信部投诉。你以为我开玩笑？"], "final"),
        ("complaint_risk", ["这事我肯定要去工信部投诉。", "哈哈，开个玩笑，查下流量。"], "review"),
        ("complaint_risk", ["我要去工信部投诉你们！", "你以为我不会真去投诉？"], "final"),
        # an angry sentence after the take-back renews no threat (the anger that corroborates
        # a complaint-line question is not a threat of its own)
        (
            "complaint_risk",
            ["我要投诉你们。刚才是气话，你别当真。你们这服务真是太差劲了，气死我了！"],
            "review",
        ),
        # a sentence the model read whole with the take-back words in it: what follows them
        # is no threat unless 但是/不过 turns it
        ("complaint_risk", ["你们再拖我就投诉你们，我也不是真要投诉，只是想快点修好。"], "review"),
        # a take-back of other words, with the threat said again in the same sentence
        (
            "complaint_risk",
            ["你们再这么拖，我就打一二三零零投诉。", "刚才骂人那句是我不对，不过投诉我照样要投。"],
            "final",
        ),
        ("churn_risk", ["我明天就去销户！", "刚刚是我乱说的，号我还要用。"], "review"),
        ("churn_risk", ["我明天就去销户！", "你就当我刚才瞎说吧。"], "review"),
        # said in jest (session 41), not where the caller says it is no jest
        (
            "churn_risk",
            ["我干脆把宽带退了换电信算了。", "哎，说着玩的，用了这么多年懒得换。"],
            "review",
        ),
        ("churn_risk", ["我明天就去销户！", "我可不是说着玩的。"], "final"),
        ("churn_risk", ["我明天就去销户！", "他们说的那些你别信，我刚才也是乱说的。"], "review"),
        ("churn_risk", ["我明天就去销户！", "我刚才可不是瞎说的，明天就去营业厅。"], "final"),
        # 瞎说 said of someone else, or asked, is no take-back
        ("churn_risk", ["我明天就去销户！", "你刚才瞎说什么呢，我的套餐根本不是这个。"], "final"),
        (
            "complaint_risk",
            ["我要打一二三零零投诉！", "你们客服刚才说的都是瞎说，根本没有这个优惠。"],
            "final",
        ),
        # talk, a scare, a moment's temper, the escalation or the move named and dropped
        # (session 54); said as a denial, told of the past or of another plan, they stand
        (
            "complaint_risk",
            ["我要去消协告你们！", "哦，原来是系统延迟，那消协那边我就不去了。"],
            "review",
        ),
        (
            "complaint_risk",
            ["再不退钱我就找记者！", "唉，我也就是想吓唬一下，你们赶紧处理吧。"],
            "review",
        ),
        ("complaint_risk", ["这事我要找律师起诉！", "行，既然给减免了，起诉就不必了。"], "review"),
        (
            "churn_risk",
            ["这破网我明天就去销户！", "算了，我这人就是嘴上厉害，你帮我报个修吧。"],
            "review",
        ),
        (
            "churn_risk",
            ["你们再这样我就携号转网。", "既然能减免，转网的事我就先不提了。"],
            "review",
        ),
        ("churn_risk", ["我这就去把号销了！", "唉，说过头了，号码绑着银行卡呢。"], "review"),
        ("complaint_risk", ["我要去消协告你们！", "我可不是吓唬你们，明天一早就去。"], "final"),
        ("churn_risk", ["下个月我就转网，说到做到。", "你别以为我只是一时冲动。"], "final"),
        ("churn_risk", ["这网再断我就换电信！", "那个套餐就不换了，我还用原来的。"], "final"),
        # (session 54, from a blind development set's misses) talk, a request not to log it, a
        # bad review dropped, a flat 那行，不转了; a threat kept after 别以为我们只是说说 stands
        ("churn_risk", ["这破宽带我明天就去销户！", "嗨，我就是说说，宽带还得用。"], "review"),
        ("complaint_risk", ["我要投诉你们！", "哦到账了，那投诉你别给我登记了。"], "review"),
        ("complaint_risk", ["我回头就去网上写差评。", "算了，差评我就不写了。"], "review"),
        ("churn_risk", ["再扣钱我就转到联通去。", "退了是吧，那行，不转了。"], "review"),
        ("complaint_risk", ["我们已经找律师了，别以为我们只是说说。"], "final"),
    ],
)
def test_a_taken_back_threat_is_not_raised(flag: str, turns: list[str], route: str) -> None:
    # "review": taken back. The default scorecard drops such a flag (session 54); doubting
    # instead shows that the take-back reading, not something else, is what decided it
    lines: list[tuple[str, str]] = [("agent", OPEN)]
    for text in turns:
        lines += [("customer", text), ("agent", "好的，我明白。")]
    doubted = next((f for f in _call(*lines, card=DOUBTING).flags if f.id == flag), None)
    assert doubted is not None
    assert doubted.route == route
    assert ("taken_back" in doubted.basis) is (route == "review")
    found = next((f for f in _call(*lines).flags if f.id == flag), None)
    assert (found and found.route) == (None if route == "review" else route)


@pytest.mark.parametrize(
    ("flag", "line", "raised"),
    [
        # cold anger in words, no swear word (session 38): the caller's patience spent, orders
        # in a row, the script refused, contempt. The anger head reads many such turns low; the
        # words raise the flag for a reviewer
        ("customer_anger", "这都第三回了，我再说最后一遍，这个包月不是我开的。", True),
        ("customer_anger", "别跟我打官腔了，就说什么时候能修好。", True),
        ("customer_anger", "行，你们拖吧，我倒要看看能拖到哪天。", True),
        ("customer_anger", "我都讲了几遍了，地址是幸福路十八号，你们到底记没记？", True),
        ("customer_anger", "给我把这个业务退掉，马上立刻，今天就退。", True),
        # the same situations said calmly
        ("customer_anger", "我再说一遍我的身份证后四位，幺二三四。", False),
        ("customer_anger", "我一会儿要出门，麻烦您快一点帮我查一下。", False),
        # a legal letter the caller received, a complaint about a courier, a lawsuit with
        # someone else: no threat of the caller's (session 38)
        ("complaint_risk", "我今天收到一封律师函，说我欠费没交，你们帮我查查是不是真的。", False),
        ("complaint_risk", "我要投诉那个快递员，他把你们寄的卡弄丢了，能补一张吗？", False),
        ("complaint_risk", "我在和房东打官司，需要这个号的缴费记录，怎么打印？", False),
        # ... and threats in the words the patterns did not know
        ("complaint_risk", "你们再拖，我就让我那个做记者的同学来采访你们。", True),
        ("complaint_risk", "我会一直往上反映，直到找到能管你们的部门。", True),
        # a number ported in is no threat to leave; a rival's card already got, a firm's lines
        # moved away, jumping to a rival are (session 38)
        ("churn_risk", "携号转网转入以后，原来的积分还在吗？", False),
        ("churn_risk", "上礼拜我在电信办好了新卡，这边的事你们看着办。", True),
        ("churn_risk", "再这么涨价，我就跳槽去移动。", True),
        ("churn_risk", "合同一到期，我们厂里这几十条专线就全部迁走。", True),
        ("churn_risk", "我搬家了，宽带迁走要怎么弄？", False),
        # more of the same classes, found on a later blind writer (session 38): a denial said
        # with 我就, a complaint already resolved, a law named, a notice passed on, an add-on
        # named after a filler
        ("complaint_risk", "投诉我就不投了，没意思，你把钱退了就行。", False),
        ("complaint_risk", "上回那个投诉你们已经处理好了，今天想换个套餐。", False),
        ("complaint_risk", "合同里写的消费者权益保护法第几条是什么意思？", False),
        ("complaint_risk", "我在群里转一下，让大家知道新套餐的价格。", False),
        ("churn_risk", "我要注销那个，嗯，那个视频彩铃，不想要了。", False),
        # a relative's closure relayed with a grievance is their threat; without one, a request
        ("churn_risk", "我奶奶说你们这是坑老人，她那个号不要了，帮她注销。", True),
        ("churn_risk", "我老公说就这破信号，那个号他不要了，让我替他注销。", True),
        ("churn_risk", "我奶奶说她那个号不用了，帮她注销。", False),
        # a retort (满意个鬼, 千兆个鬼), 滚 opening a turn, 一帮强盗; not 这个鬼天气
        ("customer_anger", "满意个鬼，问题还没解决就来回访。", True),
        ("customer_anger", "测速才几十兆，千兆个鬼。", True),
        ("customer_anger", "滚，少给我发这种短信。", True),
        ("customer_anger", "你们这帮人就是一帮强盗。", True),
        ("customer_anger", "这个鬼天气热得很，我家光猫是不是热坏了？", False),
        # a number said to be closed or ported by someone else (a scam's notice, a fraud) is
        # no threat to leave
        ("churn_risk", "有个电话说我的卡马上要被停机，这是真的还是骗子？", False),
        ("churn_risk", "我的号码怎么被转网了？我自己根本没办过。", False),
        # yes or no demanded, patience said to be spent, the chat's 亲 refused
        ("customer_anger", "你就告诉我，能还是不能？", True),
        ("customer_anger", "我的耐心已经耗尽了，别再让我等。", True),
        ("customer_anger", "别叫我亲，问题什么时候解决？", True),
    ],
)
def test_cold_anger_threats_and_look_alikes_by_their_words(
    flag: str, line: str, raised: bool
) -> None:
    assert (_route_of(flag, line) is not None) == raised


@pytest.mark.parametrize(
    ("flag", "line", "route"),
    [
        # a threat taken back with 是我不对 (session 39): not raised since session 54 (before,
        # doubted for a reviewer)
        ("complaint_risk", "之前我嚷着要打给电视台，是我不对，你们已经修好了，谢谢。", None),
        # "you think I won't go to ...?" is a threat; a plain "I won't" is none
        ("complaint_risk", "你们是不是以为我不会去消协？那就走着瞧。", "final"),
        ("complaint_risk", "我不会去消协的，你把钱退回来就行。", None),
        # an acquaintance asked to report it is a threat; the acquaintance's job alone is none
        ("complaint_risk", "我表哥在电视台上班，这件事我准备让他曝光一下。", "final"),
        ("complaint_risk", "我表哥在电视台上班，他说你们最近在升级基站。", None),
        # others in the news, a courier complained of: no threat against the carrier
        ("complaint_risk", "昨天看新闻说有人被扣了冤枉钱上了三一五，我来查查我的账单。", None),
        ("complaint_risk", "那个外卖小哥把我的新卡弄丢了，我要投诉他，你们能补卡吗？", None),
        # leaving after others, the caller's own line given up in plain words
        ("churn_risk", "我们楼里一半人都走了，这信号再不好我也准备换了。", "final"),
        ("churn_risk", "算了，我干脆把你们的宽带拆了，天天掉线。", "final"),
        ("churn_risk", "我也换了个新手机，卡要怎么装？", None),
        # a relative's closure relayed with a grievance waits for a reviewer; without one, none
        ("churn_risk", "我老爸那个号他说不要了，你们老乱收费，把他气坏了，帮他销了吧。", "review"),
        ("churn_risk", "嗯 我妈那个号 她说不要了 就你们那个乱扣费 她气得不行 帮她销了", "review"),
        ("churn_risk", "我外婆去世了，那个号不用了，帮她销掉。", None),
        # a courier complained of, someone else's "if it were me", a third party complained of
        # to someone else; a threat taken back as haste (session 39, a later blind writer)
        ("complaint_risk", "我想投诉一下那个快递，不是你们，是快递员把我的新卡弄丢了。", None),
        ("complaint_risk", "我表姐说要是她就去找消协，我嫌麻烦，你帮我把钱退了就行。", None),
        ("complaint_risk", "我准备去找物业投诉他们乱收停车费，你们的宽带能先装上吗？", None),
        ("complaint_risk", "刚才我说要去工信部，是我太着急了，你接着帮我查吧。", None),
        # a move said to be talk only is taken back (not raised); a rival named with 个, a rival's
        # line put in after the old one is taken out, a relative's port-out with a grievance
        ("churn_risk", "我说要携号转网也只是说说，你们看看能不能给我便宜点。", None),
        ("churn_risk", "你们这么搞，我转个电信总行了吧？", "final"),
        ("churn_risk", "这网再这么断，我就拆了装个广电的。", "final"),
        ("churn_risk", "我帮我妈问的，她说你们老乱扣钱，想把号转到移动去，怎么弄？", "final"),
        ("churn_risk", "我帮我妈问的，她想把号转到移动去，需要带什么？", None),
        # irony: praise in a grievance waits for a reviewer as anger; sincere praise is none
        ("customer_anger", "退款说好七个工作日，今天都第十五天了，你们的效率可真高。", "review"),
        ("customer_anger", "停电那天你们照样扣了我一天的网费，算账倒是挺及时的。", "review"),
        ("customer_anger", "上个月线路老化，这个月又是线路老化，你们这线路可真够忙的。", "review"),
        ("customer_anger", "上周网断了两天挺着急，不过今天师傅来得真及时，谢谢你们。", None),
        ("customer_anger", "你们线上办理真方便，我在家就把套餐改好了。", None),
        # a gone holder's line closed: 走了 said of a relative, 消户 as a recogniser writes it
        # (session 40); a rival's card opened on someone else's advice, an add-on ended
        ("churn_risk", "我奶奶上礼拜走了，她名下那个号想注销掉，要带什么？", None),
        ("churn_risk", "我外公去年过世了，那张卡一直没人用，想消户。", None),
        ("churn_risk", "公司决定合同到期后终止与你们公司的全部业务合作。", "final"),
        ("churn_risk", "网再不修好我明天就去联通办张新卡。", "final"),
        ("churn_risk", "我朋友让我去电信办张新卡，我没去。", None),
        ("churn_risk", "我要终止这个会员业务。", None),
        # pride and proverbs with no word of leaving or complaining are no threat (session 40,
        # probe46); said beside such words they stand. A complaint once made and settled, or
        # made long ago, is none; a line handed back when a project ends is a routine closure
        ("churn_risk", "莫欺少年穷，你们这网费贵得离谱，信号还差。", None),
        ("complaint_risk", "有朝一日我们厂做大了，你们就知道今天怠慢的是谁了。", None),
        ("complaint_risk", "有朝一日我要让工信部好好查查你们。", "final"),
        ("complaint_risk", "去年我向工信部申诉过一回，早已处理好了，今天就想换个套餐。", None),
        ("churn_risk", "工地项目已经完工了，那几条临时宽带麻烦帮我退网。", None),
        ("churn_risk", "咱们商场的改造项目做完了，那条专线到月底退网。", None),
        # advice to leave refused, a denial before a reason, a closure done on a date, a formal
        # "no intention" (session 40, probe47); advice taken up and "no intention to" said of
        # something else stand
        ("churn_risk", "我女儿让我换联通，我嫌麻烦，你们给我便宜点就行。", None),
        ("churn_risk", "我儿子叫我换运营商，我看也是，明天就去转网。", "final"),
        ("churn_risk", "转网要什么手续？我不转，只是替我们公司的员工手册查一下。", None),
        ("churn_risk", "我那个副号已于上周办理销户，余额什么时候退？", None),
        ("complaint_risk", "本人无意就此事向管理局申诉，只求贵司把多扣的钱退回。", None),
        ("complaint_risk", "本人无意为难你，但这事我一定会向工信部投诉。", "final"),
        # probe48 (read): hearsay of someone's complaint, a remark not to be logged as one
        ("complaint_risk", "听说有人把你们告到报社了，是真的吗？我就随口一问。", None),
        ("complaint_risk", "我就提个小意见，不用当投诉处理，你们记一下就行。", None),
        ("churn_risk", "再这么乱扣，我们家三张卡一起走。", "final"),
        # probe49 (read): a closure done whose refund 要走流程, 没要转 as a denial, a shop closing
        # whose line is not renewed
        (
            "churn_risk",
            "我那张副卡上礼拜已经办完销户了，营业员说退费要走流程，现在到哪一步了？",
            None,
        ),
        ("churn_risk", "你们发短信说我转网要交违约金，我也没要转啊，怎么回事？", None),
        # probe50 (read): 打死我也不换 is no threat, unless a condition follows
        ("churn_risk", "这个号我用了十几年，打死我也不换，给点老用户优惠吧。", None),
        ("churn_risk", "打死我也不换号，但你们再乱扣我就销户。", "final"),
        # probe51 (read): a move asked about for a company's report, a shop handed over whose
        # line goes; a friend's advice waved off is no complaint, taken up it is one
        ("churn_risk", "携号转网现在还需要回开户的营业厅吗？我在给公司做一份行业对比表。", None),
        ("churn_risk", "店面转让了，那条宽带退掉吧，设备明天送回。", None),
        (
            "complaint_risk",
            "做律师的朋友说能走法律程序，我笑了，这点钱犯不上，你们查查就行。",
            None,
        ),
        ("complaint_risk", "我朋友说可以去工信部，我觉得有道理，明天就去投诉。", "final"),
        # a grievance of a year ago told as settled (session 44, blind writers' calls: 去年…
        # 后来你们处理得挺好) is none now; one unsettled still is
        (
            "complaint_risk",
            "以前我为乱扣费打过一二三零零，后来你们很快就退了，这次就问个流量。",
            None,
        ),
        ("complaint_risk", "去年我投诉过一回，到现在都没处理，这次我直接找工信部。", "final"),
        # (session 44, a blind writer's call: told to the caller, 跟我说, and waved off)
        (
            "complaint_risk",
            "我同事还跟我说可以打一二三零零，我是真懒得弄，你们给解决下就行。",
            None,
        ),
        ("churn_risk", "我们的小饭馆月底不开了，那条宽带合约到期就不续了，设备怎么还？", None),
        # words of leaving in sentences the churn head reads under 0.1 wait for a reviewer,
        # whatever the aside head reads (session 40: doubt_unread's aside bar 0.2 -> 0.001)
        (
            "churn_risk",
            "嗯，那次手续我早办完了，单子还在。你们能不能出个销户证明，我拿去给银行看。",
            "review",
        ),
        # cold sarcasm in words (session 40, anger45): the agent told to go on making it up,
        # money eaten by a dog, a technician on a snail, a lone 呵; irony: a lesson learnt, a
        # feat admired, in a grievance. A reviewer confirms them. A show that goes on, 呵呵 as
        # a laugh and praise with no grievance are none
        ("customer_anger", "行行行，你接着编，我听着。", "review"),
        ("customer_anger", "我充的五十块话费被狗吃了？", "review"),
        ("customer_anger", "装机师傅是骑蜗牛过来的吧，等了一整天。", "review"),
        ("customer_anger", "呵，又让我等。", "review"),
        ("customer_anger", "三十九的套餐这个月扣了九十，我真是长见识了。", "review"),
        ("customer_anger", "宽带断了五天没人来修，这也是个本事。", "review"),
        # stock sarcasm (anger46, read): 骗鬼, 有完没完, 好意思吗, 你们的两小时是火星时间吧
        ("customer_anger", "说信号全覆盖？骗鬼呢。", "review"),
        ("customer_anger", "短信一天十条，还有完没完。", "review"),
        ("customer_anger", "不好意思，我刚才没听清，您再说一下？", None),
        # anger48 (read): 装继续装, 算是见识了, a technician lost; the same absurd guess said
        # as a joke (开玩笑的) is none
        ("customer_anger", "装，继续装。", "review"),
        ("customer_anger", "改个套餐要跑三趟营业厅，我算是见识到了。", "review"),
        ("customer_anger", "报修五天了，你们师傅是不是迷路了？", "review"),
        ("customer_anger", "这流量是长腿跑了吗？哈哈，开玩笑的，我看看明细。", None),
        # anger49 (read): 省省吧, 好骗 said of the caller by "you" (not 不是我好骗)
        ("customer_anger", "省省吧你，别念了。", "review"),
        ("customer_anger", "不是我好骗，是我确实没看懂，你再讲讲这个套餐。", None),
        # anger50 (read): 装什么糊涂, 哪来的脸, 抢钱都没这么快
        ("customer_anger", "多扣的钱不退，装什么糊涂。", "review"),
        ("customer_anger", "一个月扣我三次，抢钱都没这么快。", "review"),
        # anger51 (read): 合着还怪我, 又怪我咯; 就这么简单 said in relief is none
        ("customer_anger", "合着还怪我？", "review"),
        ("customer_anger", "又怪我咯？", "review"),
        ("customer_anger", "就这？就这么简单？太方便了。", None),
        ("customer_anger", "那个剧我追完了，还接着演第二季吗？", None),
        ("customer_anger", "呵呵，好的，谢谢你啊。", None),
        ("customer_anger", "师傅修得又快又好，真是专业。", None),
    ],
)
def test_threats_said_round_about_and_their_look_alikes(
    flag: str, line: str, route: str | None
) -> None:
    assert _route_of(flag, line) == route


@pytest.mark.parametrize(
    ("line", "route"),
    [
        # leaving veiled (session 52, dev_ag): another operator named only as one, the line no
        # longer worth keeping; the churn head reads such sentences at 0.3 or less, so the words
        # raise the flag, for a reviewer
        ("哼，那我换个不掉线的运营商总没问题吧？", "review"),
        ("行，这个宽带我看也没必要再留着了。", "review"),
        # their look-alikes: no move, someone else's line, a premise, an add-on, another agent
        ("我不想换个运营商，就想把网修好。", None),
        ("麻烦给我换个师傅来修。", None),
        ("我想换个套餐，便宜点的。", None),
        ("如果到期不续的话，光猫要还吗？", None),
        ("那个视频会员到期就不续了。", None),
        ("我爸说那个号码他也没必要留着了。", None),
    ],
)
def test_leaving_veiled_is_raised_for_a_reviewer(line: str, route: str | None) -> None:
    assert _route_of("churn_risk", line) == route
