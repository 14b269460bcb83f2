#!/usr/bin/env python3
"""Writes a synthetic mbox of N bounce emails for benchmarking `bounce` in batch mode.

Deterministic for a given N and seed. The messages imitate what real servers send: Postfix,
Sendmail and Gmail multipart/report DSNs (one to three recipients, folded Diagnostic-Code),
Microsoft 365 reports with a base64 delivery-status part and quoted-printable text, Exim and
qmail plain-text bounces, delay warnings and out-of-office replies, each with a returned copy
of the original message. Diagnostics are drawn from a pool of realistic server replies.

usage: generate-bounces.py N OUTPUT.mbox [--seed S]
"""
import argparse
import base64
import quopri
import random

DIAGNOSTICS = [
    "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table",
    "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table",
    "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. - gsmtp",
    "552 5.2.2 <{rcpt}>: Recipient address rejected: Mailbox full",
    "452-4.2.2 The recipient's inbox is out of storage space. - gsmtp",
    "554 5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org",
    "550 5.7.606 Access denied, banned sending IP [{ip}]. To request removal from this list please visit https://sender.office.com/",
    "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
    "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. - gsmtp",
    "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints",
    "554 delivery error: dd This user doesn't have a yahoo.com account ({rcpt}) [0] - mta1234.mail.gq1.yahoo.com",
    "550 5.7.1 [CS01] Message rejected due to local policy",
    "554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip={ip}",
    "550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550",
    "554 Service unavailable; Client host [{ip}] blocked using Barracuda Reputation",
    "450 4.7.1 Client host rejected: cannot find your hostname, [{ip}]",
    "554 5.7.1 <{rcpt}>: Relay access denied",
    "552 5.3.4 Message size exceeds fixed limit",
    "451 4.7.1 Greylisting in action, please come back later",
    "550 5.7.23 The message was rejected because of Sender Policy Framework violation",
    "553 5.1.8 <{sender}>... Domain of sender address {sender} does not exist",
    "550 5.2.1 The email account that you tried to reach is disabled. - gsmtp",
    "530 5.7.0 Must issue a STARTTLS command first",
    "421 4.7.0 Try again later, closing connection. (EHLO) - gsmtp",
    "550 5.4.14 Hop count exceeded - possible mail loop",
]

EXIM_REASONS = ["Unrouteable address", "retry timeout exceeded", "all relevant MX records point to non-existent hosts",
                "mailbox is full: retry timeout exceeded"]

FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy"]
DOMAINS = ["fabrikam.com", "contoso.org", "adatum.example", "litware.example", "proseware.example", "wingtip.example",
           "gmail.com", "yahoo.com", "outlook.com", "icloud.com"]


def address(rng):
    return f"{rng.choice(FIRST)}.{rng.randint(1, 9999)}@{rng.choice(DOMAINS)}"


def ip(rng):
    return f"203.0.113.{rng.randint(1, 254)}"


def diagnostic(rng, rcpt, sender):
    return rng.choice(DIAGNOSTICS).format(rcpt=rcpt, ip=ip(rng), sender=sender)


def fold(text, width=72):
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = "    " + word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def original(rng, sender, rcpt, n):
    body = "\n".join(f"Paragraph {i}: the quarterly report is attached for your review." for i in range(rng.randint(5, 30)))
    return (f"Return-Path: <{sender}>\nFrom: Sender <{sender}>\nTo: {rcpt}\nSubject: Quarterly report {n}\n"
            f"Message-ID: <{n}.{rng.randint(1, 10**9)}@litware.example>\nDate: Mon, 4 Mar 2024 10:15:30 +0000\n\n{body}\n")


def postfix(rng, n, sender):
    rcpts = [address(rng) for _ in range(rng.choice([1, 1, 2, 3]))]
    boundary = f"{n:08X}.1709547340/mail.litware.example"
    texts, blocks = [], []
    for r in rcpts:
        d = diagnostic(rng, r, sender)
        texts.append(fold(f"<{r}>: host mx.{r.split('@')[1]}[{ip(rng)}] said: {d} (in reply to RCPT TO command)"))
        blocks.append(f"Final-Recipient: rfc822; {r}\nOriginal-Recipient: rfc822;{r}\nAction: failed\nStatus: 5.0.0\n"
                      f"Remote-MTA: dns; mx.{r.split('@')[1]}\nDiagnostic-Code: smtp; {fold(d)}\n")
    return (f"From: MAILER-DAEMON@mail.litware.example (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n"
            f"To: {sender}\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
            f"Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"{boundary}\"\n\n"
            f"--{boundary}\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n"
            f"This is the mail system at host mail.litware.example.\n\n                   The mail system\n\n"
            + "\n\n".join(texts) + f"\n\n--{boundary}\nContent-Type: message/delivery-status\n\n"
            f"Reporting-MTA: dns; mail.litware.example\n\n" + "\n".join(blocks)
            + f"\n--{boundary}\nContent-Type: message/rfc822\n\n{original(rng, sender, rcpts[0], n)}\n--{boundary}--\n")


def office365(rng, n, sender):
    r = address(rng)
    d = diagnostic(rng, r, sender)
    text = (f"Your message to {r} couldn't be delivered.\n\nDiagnostic information for administrators:\n\n"
            f"Generating server: BN8PR12MB3587.namprd12.prod.outlook.com\n\n{r}\nRemote Server returned '{d}'\n\n"
            "Original message headers:\n")
    dsn = f"Reporting-MTA: dns;BN8PR12MB3587.namprd12.prod.outlook.com\n\nFinal-Recipient: rfc822;{r}\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp;{d}\n"
    b = f"b{n:06d}-5a1f-4d25"
    encoded = base64.b64encode(dsn.encode()).decode()
    encoded = "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))
    return (f"From: Microsoft Outlook <postmaster@contoso.onmicrosoft.com>\nTo: <{sender}>\nSubject: Undeliverable: Quarterly report\n"
            f"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"{b}\"\n\n"
            f"--{b}\nContent-Type: text/plain; charset=\"us-ascii\"\nContent-Transfer-Encoding: quoted-printable\n\n"
            + quopri.encodestring(text.encode()).decode() + f"\n--{b}\nContent-Type: message/delivery-status\n"
            f"Content-Transfer-Encoding: base64\n\n{encoded}\n\n--{b}\nContent-Type: message/rfc822\n\n"
            f"{original(rng, sender, r, n)}\n--{b}--\n")


def exim(rng, n, sender):
    rcpts = [address(rng) for _ in range(rng.choice([1, 2]))]
    parts = []
    for r in rcpts:
        if rng.random() < 0.5:
            parts.append(f"  {r}\n    {rng.choice(EXIM_REASONS)}")
        else:
            parts.append(f"  {r}\n    host mx.{r.split('@')[1]} [{ip(rng)}]\n    SMTP error from remote mail server after RCPT TO:<{r}>:\n    {diagnostic(rng, r, sender)}")
    return (f"From: Mail Delivery System <Mailer-Daemon@mail.adatum.example>\nTo: {sender}\n"
            f"Subject: Mail delivery failed: returning message to sender\nX-Failed-Recipients: {', '.join(rcpts)}\n\n"
            "This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its\n"
            "recipients. This is a permanent error. The following address(es) failed:\n\n"
            + "\n".join(parts) + "\n\n------ This is a copy of the message, including all the headers. ------\n\n"
            + original(rng, sender, rcpts[0], n))


def qmail(rng, n, sender):
    r = address(rng)
    return (f"From: MAILER-DAEMON@mail.proseware.example\nTo: {sender}\nSubject: failure notice\n\n"
            "Hi. This is the qmail-send program at mail.proseware.example.\n"
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
            "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
            f"<{r}>:\n{ip(rng)} does not like recipient.\nRemote host said: {diagnostic(rng, r, sender)}\n"
            f"Giving up on {ip(rng)}.\n\n--- Below this line is a copy of the message.\n\n" + original(rng, sender, r, n))


def delayed(rng, n, sender):
    r = address(rng)
    b = f"D{n:08X}.1709550000/mail.litware.example"
    return (f"From: MAILER-DAEMON@mail.litware.example (Mail Delivery System)\nSubject: Delayed Mail (still being retried)\n"
            f"To: {sender}\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"{b}\"\n\n"
            f"--{b}\nContent-Type: text/plain\n\n<{r}>: connect to mx.{r.split('@')[1]}[{ip(rng)}]:25: Connection timed out\n\n"
            f"--{b}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.litware.example\n\n"
            f"Final-Recipient: rfc822; {r}\nAction: delayed\nStatus: 4.4.1\n"
            f"Diagnostic-Code: X-Postfix; connect to mx.{r.split('@')[1]}[{ip(rng)}]:25: Connection timed out\n\n--{b}--\n")


def auto_reply(rng, n, sender):
    r = address(rng)
    return (f"From: {r}\nTo: {sender}\nSubject: Automatic reply: Quarterly report {n}\nAuto-Submitted: auto-replied\n\n"
            "I am out of the office until next Monday with limited access to email.\n")


KINDS = [(postfix, 40), (office365, 20), (exim, 15), (qmail, 10), (delayed, 10), (auto_reply, 5)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    makers = [maker for maker, weight in KINDS for _ in range(weight)]
    with open(args.output, "w") as out:
        for n in range(args.count):
            sender = f"newsletter{n % 7}@litware.example"
            message = rng.choice(makers)(rng, n, sender)
            # mboxo: a body line starting with "From " is written as ">From ".
            message = "\n".join(">" + line if line.startswith("From ") else line for line in message.split("\n"))
            out.write(f"From MAILER-DAEMON Mon Mar  4 10:15:40 2024\n{message}\n")


if __name__ == "__main__":
    main()
