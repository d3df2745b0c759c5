"""Word lists the call extractor reads: action verbs, adverbs, and the nouns that name actors.

These are general English and general advocacy vocabulary, not phrases from any document.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

# Base forms of verbs that open a demand ("release ...", "impose ...", "stop ...").
ACTION_VERBS = frozenset(
    """
    abandon abide abolish accelerate accept acknowledge act adopt address adhere advance advocate
    afford agree align allocate allow amend amplify annul apologise apologize apply appoint approve
    arrange arrest ask assess assist assure attend audit avoid ban bar block boost boycott bring
    build buy call campaign cancel cap care cease challenge change check clarify close collect
    combat commemorate commit compensate complete comply condemn conduct confirm consider consult
    contact contribute convene cooperate co-operate coordinate co-ordinate correct create
    criminalise
    criminalize cut decide declare decline decriminalise decriminalize deliver demand demilitarise
    deny deploy designate destroy develop disclose do discontinue disengage dismantle dismiss divest
    document donate drop ease educate eliminate embargo empower enable enact encourage end endorse
    enforce engage enhance ensure enter establish evacuate examine exclude exempt expand expedite
    expel exert extend facilitate finance fix follow forbid form go freeze fulfil fulfill fund
    gather give
    grant guarantee halt handle help hold honour honor host identify impose implement improve
    include incorporate increase inform initiate insist install institute integrate introduce
    invest investigate invite invoke involve issue join keep label launch lead legislate lend let
    lift limit list lobby locate lower maintain make map march mark meet mobilise mobilize modify
    monitor move name negotiate nominate notify observe offer open oppose organise organize outlaw
    overturn pardon pass pay permit persuade petition phase place plan pledge point post prepare
    present preserve press pressure prevent prioritise prioritize proceed produce prohibit promote
    propose prosecute protect protest provide publish punish pursue push put quash raise ratify
    reach reaffirm rebuild recall receive recognise recognize recommend reconsider record redirect
    reduce refer refrain refuse register reinstate reject release relocate remain remedy remove
    renew reopen repair repatriate repeal replace report request require rescind rescue reserve
    resettle resign resolve respect respond restore restrict resume retract return reverse review
    revise revoke safeguard sanction save scale scrap screen secure seek seize send set settle share
    shut sign speak spend stand start step stop strike rally demonstrate strengthen submit
    suspend support sustain take
    target tell terminate testify thank tighten track train transfer treat uphold urge use
    verify visit vote waive warn welcome withdraw withhold work write
    """.split()
)

# Verbs that start navigation or housekeeping text rather than a demand ("Please refer to ...").
NAVIGATION_VERBS = frozenset(
    """refer read see click download view subscribe unsubscribe log skip follow contact learn find
    watch listen update leave visit go browse print email scroll return explore discover continue
    sign donate share join let thank check""".split()
)
# Of those, the ones that still make a campaign imperative when a real object follows them.
CAMPAIGN_NAVIGATION_VERBS = frozenset({"sign", "donate", "share", "join", "check", "visit"})

# Verbs that follow "must"/"should" without asking anyone to act ("the world must know ...").
STATIVE_VERBS = frozenset(
    """be have know understand remember realise realize seem feel note bear hear see believe
    expect wonder recall appear look sound happen""".split()
)

# Adverbs that may sit between "to" and the verb, or open a demand.
ADVERBS = frozenset(
    """also immediately urgently fully publicly unconditionally swiftly promptly further then not
    never independently effectively strongly actively seriously finally jointly formally officially
    clearly directly quickly properly genuinely meaningfully permanently always
    thoroughly transparently openly collectively rapidly urgently again likewise similarly
    explicitly firmly expeditiously""".split()
)

# Head nouns that name someone who can be called on to act.
AGENT_NOUNS = frozenset(
    """government governments authorities authority state states country countries nation nations
    council commission parliament parliaments congress senate assembly legislature legislatures
    ministry ministries minister ministers secretary secretaries president presidents premier
    chancellor leader leaders official officials administration administrations agency agencies
    union eu un nato asean court courts tribunal prosecutor company companies corporation
    corporations firm firms brand brands bank banks business businesses manufacturer manufacturers
    retailer retailers investor investors shareholder shareholders donor donors fund funds
    community communities citizen citizens people public members member mps meps lawmakers
    legislators parliamentarians representatives politicians candidates diplomats embassy embassies
    organisation organisations organization organizations ngos ngo world europe international
    employer employers buyers institutions institution delegation delegations mayor governor
    city board committee police military army junta regime party parties platforms platform
    universities university schools school supporters readers everyone anyone all""".split()
)

# Pronouns that can stand for a target named elsewhere.
TARGET_PRONOUNS = frozenset({"you", "they", "he", "she"})

DETERMINERS = frozenset(
    """the a an all any every each its their his her our your this that these those some no
    other another both either neither such""".split()
)

PREPOSITIONS = frozenset(
    """of in on at by for with from to into onto upon about against among amongst between through
    during within without under over after before across toward towards beyond until via
    per""".split()
)

# Lower-case "small" words allowed inside a Title Case heading or a proper name.
TITLE_SMALL_WORDS = frozenset(
    """a an the of in on at by for with from to and or but as vs via""".split()
)

# Nominalised demands after "calls for": the noun, the verb that states it as an action.
NOMINAL_DEMANDS = {
    "release": "release",
    "end": "end",
    "investigation": "investigate",
    "inquiry": "investigate",
    "reinstatement": "reinstate",
    "withdrawal": "withdraw",
    "abolition": "abolish",
    "suspension": "suspend",
    "repeal": "repeal",
    "closure": "close",
    "ban": "ban",
    "boycott": "boycott",
    "removal": "remove",
    "return": "return",
    "cessation": "cease",
    "halt": "halt",
    "adoption": "adopt",
    "introduction": "introduce",
    "imposition": "impose",
    "establishment": "establish",
    "creation": "create",
    "protection": "protect",
    "recognition": "recognise",
    "ratification": "ratify",
    "implementation": "implement",
    "review": "review",
    "prosecution": "prosecute",
    "resignation": "resign",
    "cancellation": "cancel",
    "restoration": "restore",
    "reversal": "reverse",
    "revocation": "revoke",
    "freeze": "freeze",
    "moratorium": "impose a moratorium",
    "dismissal": "dismiss",
    "expulsion": "expel",
    "extension": "extend",
    "payment": "pay",
    "compensation": "compensate",
    "referral": "refer",
    "designation": "designate",
    "demilitarisation": "demilitarise",
}


@lru_cache(maxsize=4096)
def is_country(name: str) -> bool:
    """Whether a name is a country or territory in ISO 3166 ("China", "Hong Kong")."""
    try:
        pycountry.countries.lookup(name)
    except LookupError:
        return False
    return True
