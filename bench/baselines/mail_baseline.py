#!/usr/bin/env python3
"""Baseline for bench/ingest_mail_bench: what a small Python ingester does.

Reads an mbox with mailbox.mbox and the email package (compat32 policy) and
extracts Message-ID, In-Reply-To, References, Subject, the patch prefix and
the trailers of the plain-text body. Prints the message and trailer counts.
"""
import mailbox
import re
import sys

PREFIX = re.compile(r'^\s*(?:(?:re|fwd?)\s*:\s*)*((?:\[[^\]]*\]\s*)+)', re.I)
VERSION = re.compile(r'\bv(\d+)\b', re.I)
COUNTER = re.compile(r'\b(\d+)/(\d+)\b')
TRAILER = re.compile(r'^([A-Za-z0-9-]+)\s*:\s*(.*)$')


def plain_body(message):
    for part in message.walk():
        if part.get_content_type() == 'text/plain':
            payload = part.get_payload(decode=True) or b''
            charset = part.get_content_charset() or 'utf-8'
            try:
                return payload.decode(charset, errors='replace')
            except LookupError:
                return payload.decode('latin-1')
    return ''


def trailers(body):
    text = body.split('\n---', 1)[0].rstrip()
    last = text.split('\n\n')[-1].splitlines()
    found = [TRAILER.match(line) for line in last]
    if last and all(found):
        return [(m.group(1).lower(), m.group(2)) for m in found]
    return []


def main(path):
    messages = 0
    trailer_count = 0
    patches = 0
    for message in mailbox.mbox(path):
        messages += 1
        message_id = message.get('Message-ID', '')
        in_reply_to = message.get('In-Reply-To', '')
        references = str(message.get('References', '')).split()
        subject = str(message.get('Subject', ''))
        prefix = PREFIX.match(subject)
        if prefix and 'PATCH' in prefix.group(1).upper():
            patches += 1
            VERSION.search(prefix.group(1))
            COUNTER.search(prefix.group(1))
        trailer_count += len(trailers(plain_body(message)))
        del message_id, in_reply_to, references
    print(f'messages={messages} patches={patches} trailers={trailer_count}')


if __name__ == '__main__':
    main(sys.argv[1])
