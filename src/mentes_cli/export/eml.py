"""A letter as an e-mail draft: an `.eml` file (RFC 5322, UTF-8) that mail programs open to send.

- `X-Unsent: 1` makes Outlook open the file as a draft (Thunderbird: "Edit as new").
- A plain-text body with an HTML alternative, and the traject's calendar as an attachment.
- No header injection: names and subjects come from records, so every control character
  (a line break above all) is turned into a space before it reaches a header, and an e-mail
  address that does not parse is left out of `To:` (the draft is then made without it).
- The same letter and the same moment (SOURCE_DATE_EPOCH, see `clock`) give the same bytes:
  the MIME boundaries and the Message-ID are derived from the content, not drawn at random.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from mentes_cli.letters.compose import Letter

# CRLF line ends as RFC 5322 writes them; long headers folded by the standard library.
POLICY = policy.default.clone(linesep="\r\n", max_line_length=78)
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(text: str) -> str:
    """Give record text safe for a header: control characters and line breaks become a space."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def address(name: str, email: str | None) -> Address | None:
    """Give a mail address with its display name, or None when `email` is not an address."""
    if not email:
        return None
    try:
        found = Address(display_name=header_text(name), addr_spec=header_text(email))
    except (ValueError, IndexError):
        return None
    if not found.username or not found.domain or " " in found.addr_spec:
        return None
    return found


def draft_bytes(letter: Letter, sender_name: str, sender_email: str, when: datetime) -> bytes:
    """Give the `.eml` draft of `letter`, sent by the centre, dated `when` (UTC)."""
    message = EmailMessage(policy=POLICY)
    message["From"] = address(sender_name, sender_email) or header_text(sender_email)
    recipient = address(letter.to_name, letter.to_email)
    if recipient is not None:
        message["To"] = recipient
    message["Subject"] = header_text(letter.subject)
    message["Date"] = format_datetime(when)
    digest = hashlib.sha256(
        "\x00".join([letter.traject, letter.kind, letter.subject, letter.text]).encode()
    ).hexdigest()
    domain = sender_email.rpartition("@")[2] or "mentes.invalid"
    message["Message-ID"] = f"<{int(when.timestamp())}.{digest[:16]}@{header_text(domain)}>"
    message["X-Unsent"] = "1"
    message["X-Mentes-Traject"] = header_text(letter.traject)
    message.set_content(letter.text, charset="utf-8")
    message.add_alternative(letter.html, subtype="html", charset="utf-8")
    for attachment in letter.attachments:
        maintype, subtype = attachment.content_type.split("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=header_text(attachment.filename),
            params={"method": "PUBLISH"} if subtype == "calendar" else {},
        )
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"mentes-{digest[:24]}-{number}")
    return message.as_bytes(policy=POLICY)
