#!/usr/bin/env python3
"""Writes the Outlook .msg test files under testdata/containers/msg/ and broken/.

The messages are written by a real MSG writer, aspose-email-foss (MIT, pure Python; its
MapiMessage.from_email_message is an .eml -> .msg converter), from the mails that
`cargo run --example gen_containers` writes, so both formats carry the same codes:

    pip install aspose-email-foss==26.3 compressed-rtf==1.0.7
    cargo run --example gen_containers      # the .eml sources (and their README)
    python3 examples/gen_msg.py

compressed-rtf (MIT) writes the compressed RTF body (MS-OXRTFCP) of rtf-body.msg, as Outlook
stores formatted mail. The converter leaves out the inline images of multipart/related
bodies, so this script adds them as Outlook does: an attachment with a Content-ID and a name.
The broken file is damaged here, on purpose, in one place (described below).
"""

import struct
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path

try:
    import compressed_rtf
    from aspose.email_foss import msg
except ImportError as err:  # pragma: no cover - a setup message, not a code path
    sys.exit(f"{err}: pip install aspose-email-foss==26.3 compressed-rtf==1.0.7")

ROOT = Path(__file__).resolve().parent.parent / "testdata" / "containers"

# The RTF body's link; the plain-text body only says to click it (as a formatted mail does).
RTF_LINK = "hclsametime://rtf.example.com/?action=AddCommunity&communityName=RTF%20Link"

# PidTagRtfCompressed and PidTagRtfInSync (MS-OXPROPS).
RTF_COMPRESSED = 0x1009
RTF_IN_SYNC = 0x0E1F


def parse(name):
    with open(ROOT / "mail" / name, "rb") as source:
        return BytesParser(policy=policy.default).parse(source)


def add_inline_images(message, mail):
    """Adds the multipart/related images (those with a Content-ID) the converter skips."""
    number = 1
    for part in parts_of_this_message(mail):
        content_id = part.get("Content-ID")
        if part.get_content_maintype() != "image" or not content_id:
            continue
        if part.get_filename():
            continue  # an ordinary attachment: the converter has it already
        name = f"image{number:03d}.{part.get_content_subtype()}"
        number += 1
        message.add_attachment(
            name,
            part.get_payload(decode=True),
            mime_type=part.get_content_type(),
            content_id=content_id.strip("<>"),
        )


def parts_of_this_message(part):
    """The MIME parts of a message, without descending into attached messages (which are
    converted as embedded messages with their own attachments)."""
    yield part
    if part.get_content_maintype() == "multipart":
        for sub in part.iter_parts():
            yield from parts_of_this_message(sub)


def convert(eml):
    mail = parse(eml)
    message = msg.MapiMessage.from_email_message(mail)
    add_inline_images(message, mail)
    for attachment in message.attachments:
        if attachment.embedded_message is not None:
            inner = parse_attached_mail(mail)
            if inner is not None:
                add_inline_images(attachment.embedded_message, inner)
    return message


def parse_attached_mail(mail):
    for part in mail.walk():
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            return payload[0] if isinstance(payload, list) else payload
    return None


def rtf_message():
    message = msg.MapiMessage.create(
        "Join the community",
        "Tap the link in this mail (formatted version) to set up Sametime.\r\n",
    )
    rtf = (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}\r\n"
        "\\pard Tap {\\field{\\*\\fldinst{HYPERLINK \"" + RTF_LINK + "\"}}"
        "{\\fldrslt{\\ul this link}}} to set up Sametime.\\par\r\n}"
    )
    message.set_property(RTF_COMPRESSED, msg.PropertyTypeCode.PTYP_BINARY,
                         compressed_rtf.compress(rtf.encode("ascii"), compressed=True))
    message.set_property(RTF_IN_SYNC, msg.PropertyTypeCode.PTYP_BOOLEAN, True)
    return message


def damage_stream(data, stream_name, occurrence=0):
    """Points the start sector of the named stream (the occurrence-th one in directory order)
    past the end of the file: its sector chain is broken, everything else is intact."""
    sector_shift = struct.unpack_from("<H", data, 0x1E)[0]
    sector_size = 1 << sector_shift
    first_directory_sector = struct.unpack_from("<I", data, 0x30)[0]
    # Follow the directory's chain in the FAT (the header's first 109 FAT sectors suffice).
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < 0xFFFFFFFA]
    fat = []
    for sector in fat_sectors:
        offset = (sector + 1) * sector_size
        fat.extend(struct.unpack_from(f"<{sector_size // 4}I", data, offset))
    sector = first_directory_sector
    seen = 0
    while sector < 0xFFFFFFFA:
        offset = (sector + 1) * sector_size
        for entry in range(sector_size // 128):
            at = offset + entry * 128
            name_length = struct.unpack_from("<H", data, at + 64)[0]
            name = data[at:at + max(name_length - 2, 0)].decode("utf-16-le")
            if name == stream_name:
                if seen == occurrence:
                    struct.pack_into("<I", data, at + 116, 0x00FFFFF0)
                    return
                seen += 1
        sector = fat[sector]
    raise SystemExit(f"no stream {stream_name} to damage")


def write(relative, payload):
    path = ROOT / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    print(f"testdata/containers/{relative} ({len(payload)} bytes)")


def main():
    write("msg/helpdesk.msg", convert("helpdesk.eml").to_bytes())
    write("msg/forwarded.msg", convert("forwarded.eml").to_bytes())
    write("msg/newsletter.msg", convert("newsletter-qp.eml").to_bytes())
    write("msg/rtf-body.msg", rtf_message().to_bytes())
    damaged = bytearray(convert("helpdesk.eml").to_bytes())
    # The first attachment's data (poster.png): its stream can no longer be read.
    damage_stream(damaged, "__substg1.0_37010102", occurrence=0)
    write("broken/damaged-attachment.msg", bytes(damaged))
    whole = convert("helpdesk.eml").to_bytes()
    write("broken/truncated.msg", whole[: len(whole) // 3])
    write("msg/msg-in-mail.eml", mail_with_msg_attached(whole))


def mail_with_msg_attached(msg_bytes):
    """A mail (written by Python's email package) carrying helpdesk.msg as an attachment, the
    way a user forwards a message saved from Outlook."""
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"] = "user@example.com"
    mail["To"] = "helpdesk@example.com"
    mail["Subject"] = "Is this code safe?"
    mail["Date"] = "Thu, 01 Jan 2026 09:00:00 +0000"
    mail["Message-ID"] = "<msg-in-mail@example.com>"
    mail.set_content("The mail I got is attached.\n")
    mail.add_attachment(msg_bytes, maintype="application", subtype="vnd.ms-outlook",
                        filename="helpdesk.msg")
    mail.set_boundary("qraudit-msg-in-mail")
    return mail.as_bytes(policy=policy.SMTP)


if __name__ == "__main__":
    main()
