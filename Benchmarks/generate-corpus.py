#!/usr/bin/env python3
"""Writes a synthetic BounceKB content tree of N entries for benchmarks.

Deterministic for a given N and seed. Entries follow the real content format: 8 categories,
front matter with real codes and reasons, related ids, and bodies of 150-300 words with lists,
links and inline code. The vocabulary grows with N (new made-up words appear as the corpus grows),
so the search index and phrase tables scale as they would with real, diverse content.

usage: generate-corpus.py N OUTPUT_DIR [--seed S]
"""
import argparse
import os
import random
import shutil

REASONS = [
    ("mailbox-not-found", 550, "5.1.1"), ("domain-not-found", 550, "5.1.2"),
    ("domain-rejects-mail", 556, "5.1.10"), ("mailbox-disabled", 550, "5.2.1"),
    ("mailbox-full", 452, "4.2.2"), ("message-too-large", 552, "5.3.4"),
    ("message-malformed", 550, "5.6.0"), ("content-filtered", 554, "5.7.1"),
    ("recipient-policy", 550, "5.7.1"), ("sender-blocked", 554, "5.7.1"),
    ("sender-address-rejected", 553, "5.1.8"), ("sender-auth-failed", 550, "5.7.26"),
    ("reverse-dns-required", 550, "5.7.25"), ("tls-required", 530, "5.7.0"),
    ("rate-limited", 421, "4.7.0"), ("relay-denied", 554, "5.7.1"),
    ("smtp-session-error", 503, "5.5.1"), ("remote-server-error", 451, "4.3.0"),
    ("delivery-expired", 451, "4.4.7"), ("unclassified", 550, None),
]
BASE_WORDS = (
    "mailbox recipient sender domain server message delivery policy account quota limit "
    "reputation address network relay header signature record lookup filter content attachment "
    "connection session retry queue timeout certificate encryption listing provider tenant gateway "
    "forwarding alias storage volume complaint verification authentication alignment selector"
).split()
SYLLABLES = "ka lo mi nu pe ra si to vu xe zo bri cla dro fen gor hul jin kep lum".split()


def made_up_word(index):
    word, n = "", index + 1
    while n:
        n, r = divmod(n, len(SYLLABLES))
        word += SYLLABLES[r]
    return word + "x"


def sentence(rng, vocab, words):
    chosen = [rng.choice(vocab) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def body(rng, vocab, entry_id, related):
    para = " ".join(sentence(rng, vocab, rng.randint(8, 16)) for _ in range(rng.randint(3, 5)))
    steps = "\n".join(
        f"{i}. {sentence(rng, vocab, rng.randint(6, 12))[:-1]} with `dig +short TXT {entry_id}.example`."
        for i in range(1, rng.randint(3, 6))
    )
    more = " ".join(sentence(rng, vocab, rng.randint(8, 14)) for _ in range(rng.randint(2, 4)))
    link = f"See [the related cause](https://example.org/{related}) and RFC 5321."
    return f"## Details\n\n{para}\n\n- {sentence(rng, vocab, 6)}\n- {sentence(rng, vocab, 7)}\n\n## Resolution\n\n{steps}\n\n{more} {link}\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if os.path.exists(args.output):
        shutil.rmtree(args.output)
    os.makedirs(args.output)
    categories = [f"group-{i}" for i in range(1, 9)]
    with open(os.path.join(args.output, "site.yml"), "w") as f:
        f.write('title: "Synthetic BounceKB"\ndescription: "Benchmark corpus"\nbase_url: "/"\nlanguage: en\n')
    for order, category in enumerate(categories, 1):
        os.makedirs(os.path.join(args.output, category))
        with open(os.path.join(args.output, category, "_index.md"), "w") as f:
            f.write(f"---\ntitle: \"Group {order}\"\norder: {order}\nsummary: \"Synthetic category number {order} for benchmarks.\"\n---\n\nEntries of group {order}.\n")
    vocabulary_size = 200 + args.count // 2  # grows with N
    vocab = BASE_WORDS + [made_up_word(i) for i in range(vocabulary_size)]
    ids = [f"cause-{i:06d}" for i in range(args.count)]
    for index, entry_id in enumerate(ids):
        reason, reply, status = REASONS[index % len(REASONS)]
        category = categories[index % len(categories)]
        related = sorted({ids[(index * 7 + k * 13 + 1) % len(ids)] for k in range(3)} - {entry_id})
        words = [rng.choice(vocab) for _ in range(4)]
        phrases = [f"{' '.join(words[:3])} {{email}}", f"{words[3]} {rng.choice(vocab)} {made_up_word(index)}"]
        front = [
            "---",
            f'title: "{words[0].capitalize()} {words[1]} {words[2]} problem {index}"',
            f"reply: {reply}",
            *( [f"status: {status}"] if status else [] ),
            f"reason: {reason}",
            f'summary: "{sentence(rng, vocab, 12)}"',
            "match:",
            *[f'  - "{p}"' for p in phrases],
            "providers: [Postfix]",
            f"related: [{', '.join(related)}]",
            "---",
            "",
        ]
        with open(os.path.join(args.output, category, entry_id + ".md"), "w") as f:
            f.write("\n".join(front) + body(rng, vocab, entry_id, related[0] if related else entry_id))


if __name__ == "__main__":
    main()
