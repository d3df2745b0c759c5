"""Demo content for a first look: a campaign, an organizer and an open petition.

Loading it twice changes nothing: everything is looked up by its slug or email first.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, LetterCampaign, LetterCampaignState, Organizer, Petition
from campaign.services import organizers, petition_translations, petitions

DEMO_EMAIL = "demo@example.org"
DEMO_CAMPAIGN = "forced-labour"
DEMO_PETITION = "ban-forced-labour-products"
# Its templates are the files in letters/enforce-the-forced-labour-ban/.
DEMO_LETTER_CAMPAIGN = "enforce-the-forced-labour-ban"

DEMO_BODY = """\
Millions of people are made to work against their will, and the goods they make reach our shops.
The European Union has adopted a regulation that bans products made with forced labour from its
market. It only works if it is enforced.

We call on the European Commission and the Member States to:

- enforce the forced labour regulation from the first day it applies,
- publish the list of regions and sectors at high risk of state-imposed forced labour,
- give affected communities and civil society a real way to submit evidence.
"""

# The demo petition in the site's other languages: a first look shows a right-to-left petition
# (Uyghur) end to end.
DEMO_TRANSLATIONS = {
    "ug": {
        "title": "مەجبۇرىي ئەمگەك مەھسۇلاتلىرى ياۋروپاغا كىرمىسۇن",
        "summary": "ياۋروپا ئىتتىپاقىنىڭ مەجبۇرىي ئەمگەك مەھسۇلاتلىرىنى چەكلەش نىزامى "
                   "بىرىنچى كۈندىن باشلاپ تولۇق ئىجرا قىلىنسۇن.",
        "body_markdown": """\
مىليونلىغان كىشىلەر ئۆز ئىرادىسىگە خىلاپ ھالدا ئىشلەشكە مەجبۇرلانماقتا، ئۇلار ئىشلەپچىقارغان
مەھسۇلاتلار بىزنىڭ دۇكانلىرىمىزغىچە يېتىپ كەلمەكتە. ياۋروپا ئىتتىپاقى مەجبۇرىي ئەمگەك بىلەن
ئىشلەپچىقىرىلغان مەھسۇلاتلارنىڭ ئۆز بازىرىغا كىرىشىنى چەكلەيدىغان نىزام ماقۇللىدى. بۇ نىزام پەقەت
ئىجرا قىلىنغاندىلا ئۈنۈم بېرىدۇ.

بىز ياۋروپا كومىتېتى ۋە ئەزا دۆلەتلەردىن تۆۋەندىكىلەرنى تەلەپ قىلىمىز:

- مەجبۇرىي ئەمگەك نىزامىنى ئۇ كۈچكە ئىگە بولغان بىرىنچى كۈندىن باشلاپ ئىجرا قىلىش،
- دۆلەت تەرىپىدىن يولغا قويۇلغان مەجبۇرىي ئەمگەك خەۋىپى يۇقىرى بولغان رايون ۋە ساھەلەرنىڭ
  تىزىملىكىنى ئېلان قىلىش،
- زىيانكەشلىككە ئۇچرىغان جامائەتلەر ۋە پۇقرالار جەمئىيىتىگە دەلىل-ئىسپات تاپشۇرۇشنىڭ ھەقىقىي
  يولىنى ئېچىپ بېرىش.
""",
    },
    "tr": {
        "title": "Zorla çalıştırmayla üretilen ürünler Avrupa’ya girmesin",
        "summary": "AB’nin zorla çalıştırma ürünleri yasağı ilk günden itibaren eksiksiz "
                   "uygulansın.",
        "body_markdown": """\
Milyonlarca insan iradesi dışında çalışmaya zorlanıyor ve ürettikleri mallar mağazalarımıza kadar
ulaşıyor. Avrupa Birliği, zorla çalıştırmayla üretilen ürünleri kendi pazarından yasaklayan bir
tüzük kabul etti. Bu tüzük ancak uygulanırsa işe yarar.

Avrupa Komisyonu’na ve üye devletlere çağrıda bulunuyoruz:

- zorla çalıştırma tüzüğünü uygulanmaya başladığı ilk günden itibaren hayata geçirin,
- devlet eliyle zorla çalıştırma riskinin yüksek olduğu bölgelerin ve sektörlerin listesini
  yayımlayın,
- etkilenen topluluklara ve sivil topluma kanıt sunabilecekleri gerçek bir yol açın.
""",
    },
    "de": {
        "title": "Keine Produkte aus Zwangsarbeit in Europa",
        "summary": "Das EU-Verbot von Produkten aus Zwangsarbeit muss vom ersten Tag an "
                   "vollständig durchgesetzt werden.",
        "body_markdown": """\
Millionen Menschen werden gegen ihren Willen zur Arbeit gezwungen, und die Waren, die sie
herstellen, landen in unseren Geschäften. Die Europäische Union hat eine Verordnung beschlossen,
die Produkte aus Zwangsarbeit von ihrem Markt verbannt. Sie wirkt nur, wenn sie durchgesetzt wird.

Wir fordern die Europäische Kommission und die Mitgliedstaaten auf,

- die Zwangsarbeitsverordnung vom ersten Tag ihrer Anwendung an durchzusetzen,
- die Liste der Regionen und Branchen mit hohem Risiko staatlich verordneter Zwangsarbeit zu
  veröffentlichen,
- betroffenen Gemeinschaften und der Zivilgesellschaft einen wirksamen Weg zu geben, Beweise
  einzureichen.
""",
    },
    "fr": {
        "title": "Pas de produits du travail forcé en Europe",
        "summary": "Appliquer pleinement l’interdiction européenne des produits du travail forcé, "
                   "dès le premier jour.",
        "body_markdown": """\
Des millions de personnes sont contraintes de travailler contre leur gré, et les biens qu’elles
fabriquent arrivent dans nos magasins. L’Union européenne a adopté un règlement qui interdit sur
son marché les produits issus du travail forcé. Il ne sera efficace que s’il est appliqué.

Nous demandons à la Commission européenne et aux États membres :

- d’appliquer le règlement sur le travail forcé dès le premier jour de son application,
- de publier la liste des régions et des secteurs à haut risque de travail forcé imposé par
  l’État,
- de donner aux communautés concernées et à la société civile un véritable moyen de soumettre
  des preuves.
""",
    },
}


def _demo_password(instance_path: str) -> str:
    path = Path(instance_path) / "demo-password"
    if path.exists():
        return path.read_text().strip()
    password = secrets.token_urlsafe(12)
    path.write_text(password)
    path.chmod(0o600)
    return password


def load(session: Session, instance_path: str) -> list[str]:
    """Create whatever part of the demo is missing; returns lines to show the user."""
    password = _demo_password(instance_path)
    organizer = session.scalar(select(Organizer).where(Organizer.email == DEMO_EMAIL))
    if organizer is None:
        organizer = organizers.create_organizer(session, DEMO_EMAIL, password, "Demo Organizer")
    campaign = session.scalar(select(Campaign).where(Campaign.slug == DEMO_CAMPAIGN))
    if campaign is None:
        campaign = organizers.create_campaign(session, organizer, "End Forced Labour",
                                              DEMO_CAMPAIGN)
    petition = session.scalar(select(Petition).where(Petition.slug == DEMO_PETITION))
    if petition is None:
        petition = petitions.create_petition(session, campaign, petitions.PetitionFields(
            title="Keep products of forced labour out of Europe",
            target="The European Commission and the Member States",
            goal=10_000, slug=DEMO_PETITION, milestones=[100, 1_000, 5_000],
            summary="Enforce the EU forced labour ban fully, from day one.",
            body_markdown=DEMO_BODY))
        petitions.change_state(petition, "open")
    if session.scalar(select(LetterCampaign).where(LetterCampaign.slug == DEMO_LETTER_CAMPAIGN)) is None:
        session.add(LetterCampaign(
            campaign=campaign, slug=DEMO_LETTER_CAMPAIGN, title="Enforce the forced labour ban",
            subject="Please enforce the EU forced labour ban from day one",
            description="Ask your Members of the European Parliament to make sure the ban works.",
            talking_points=[
                "Enforce the forced labour regulation fully from the first day it applies.",
                "Publish the list of regions and sectors at high risk of state-imposed forced "
                "labour.",
                "Give affected communities and civil society a real way to submit evidence.",
            ],
            default_language="en", state=LetterCampaignState.OPEN))
    translated = {t.language for t in petition_translations.translations_of(session, petition)}
    for language, text in DEMO_TRANSLATIONS.items():
        if language not in translated and language != petition.default_language:
            petition_translations.save_translation(session, petition, language, **text)
    return [
        f"demo petition: /petitions/{petition.slug}",
        f"demo letter campaign: /letters/{DEMO_LETTER_CAMPAIGN}",
        f"organizer login: {DEMO_EMAIL} / {password} (kept in {instance_path}/demo-password)",
    ]
