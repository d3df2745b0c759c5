"""Email to supporters: every message carries a one-click unsubscribe link, in its footer and
in the List-Unsubscribe header."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from campaign.context import this_app
from campaign.rendered import RenderedCache
from campaign.services import consents
from campaign.services.mail import add_to_outbox, outbox_row

# Stands for a per-recipient value in a rendered skeleton. U+FDD0 is a Unicode noncharacter:
# no template writes it, and unlike NUL every database stores it.
_SLOT = "\ufdd0slot:{}\ufdd0"
_SLOTS = re.compile("\ufdd0slot:([a-z_]+)\ufdd0")


def queue(session: Session, *, signatory_id: int | None, to: str, subject: str, template: str,
          language: str, kind: str, campaign_id: int | None = None,
          personal: Mapping[str, str] | None = None, **context: Any) -> int:
    """Render `templates/emails/<template>` with the unsubscribe footer and queue it; its id.

    With `personal` (per-recipient text: a name, a link), the rest of the message is
    rendered once per language and `context` and reused: the sign path sends the same
    confirmation to every signer of a petition but for those few values. `context` must then
    hold hashable values only.
    """
    return add_to_outbox(session.connection(), message(
        signatory_id=signatory_id, to=to, subject=subject, template=template,
        language=language, kind=kind, campaign_id=campaign_id, personal=personal, **context))


def message(*, signatory_id: int | None, to: str, subject: str, template: str, language: str,
            kind: str, campaign_id: int | None = None,
            personal: Mapping[str, str] | None = None, **context: Any) -> dict[str, Any]:
    """The outbox row `queue` writes, for a caller that writes it itself."""
    link = ""
    if signatory_id is not None:
        config = this_app().config
        link = consents.unsubscribe_url(config["BASE_URL"], config["SECRET_KEY"], signatory_id)
    if personal is None:
        with force_locale(language):
            body = render_template(f"emails/{template}", unsubscribe_link=link, **context)
    else:
        body = _fill(_skeleton(template, language, bool(link), tuple(personal), context),
                     {**personal, "unsubscribe_link": link})
    return outbox_row(to=to, subject=" ".join(subject.split()), body=body, kind=kind,
                      unsubscribe_url=link, campaign_id=campaign_id)


def _skeleton(template: str, language: str, with_footer: bool, slots: tuple[str, ...],
              context: Mapping[str, Any]) -> str:
    cache: RenderedCache = this_app().extensions.setdefault("campaign_mail_skeletons",
                                                            RenderedCache(size=256))

    def render() -> str:
        values = {name: _SLOT.format(name) for name in slots}
        footer = _SLOT.format("unsubscribe_link") if with_footer else ""
        with force_locale(language):
            return render_template(f"emails/{template}", unsubscribe_link=footer,
                                   **context, **values)

    key = (template, language, with_footer, slots, tuple(sorted(context.items())))
    # Templates do not change while the app runs: every skeleton has the same version.
    skeleton: str = cache.get_or_render(key, None, render)
    return skeleton


def _fill(skeleton: str, values: Mapping[str, str]) -> str:
    # One pass: a value that happens to contain a slot's text is never filled in again.
    return _SLOTS.sub(lambda found: values[found.group(1)], skeleton)
