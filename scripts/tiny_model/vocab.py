"""The tiny model's tokenizer: GPT-2 byte-level BPE whose merges build exactly the words of
words.txt, so that every vocabulary word (with its leading space, as GPT-2 spells it: "Ġthe") is
one token and any other text still tokenizes, into pieces down to single bytes.

Ids as GPT-2 numbers them: 0..255 the 256 bytes in GPT-2's order, then one id per merge in merge
order (a word's id is the id of the merge that made it), and <|endoftext|> last. The merges are
learnt the way BPE is trained, from the target spellings alone (each counted once): the most
frequent adjacent pair first, ties by the pair's text, until every target is one symbol. So the
same words.txt and counts always give the same files.
"""
import os
from collections import Counter

import verify_model  # GPT-2's byte map, and an independent byte-level BPE encoder

SPACE = "\u0120"  # GPT-2's stand-in for the space byte
EOT_TEXT = "<|endoftext|>"
WORDS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "words.txt")
# GPT-2's pre-tokenizer splits "don't" into " don" + "'t" and "I'm" into "I" + "'m".
CONTRACTION_STEMS = ["don", "didn", "doesn", "isn", "wasn", "haven", "hasn", "couldn", "wouldn",
                     "shouldn", "aren", "weren", "won", "can"]
CONTRACTION_ENDS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]
# Punctuation that GPT-2's pre-tokenizer keeps with the space before it, and "..."
SPACED_PUNCTUATION = ['"', "(", "-", "'"]
PUNCTUATION = [".", ",", "?", "!", ":", ";"]  # single bytes: tokens already


def read_words(path=WORDS_FILE):
    """[(word, count)] in the file's order (most frequent first)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            w, n = line.split()
            out.append((w, int(n)))
    return out


def byte_symbols():
    """The 256 byte symbols in GPT-2's id order (printable bytes first)."""
    b2u = verify_model.bytes_to_unicode()
    return list(b2u.values())


def target_spellings(words, n_caps):
    """The byte-level spellings that must each be one token."""
    t = [SPACE + w for w, _ in words]
    for w, _ in words[:n_caps]:
        t += [SPACE + w.capitalize(), w.capitalize()]
    t += [SPACE + "I", "I"]
    t += [SPACE + s for s in CONTRACTION_STEMS] + CONTRACTION_ENDS
    t += [SPACE + p for p in SPACED_PUNCTUATION] + ["..."]
    seen = set()
    return [x for x in t if not (x in seen or seen.add(x))]


def learn_merges(targets):
    segs = [list(t) for t in targets]
    merges = []
    while True:
        pairs = Counter()
        for s in segs:
            pairs.update(zip(s, s[1:]))
        if not pairs:
            return merges
        a, b = max(pairs, key=lambda p: (pairs[p], p))
        merges.append((a, b))
        for k, s in enumerate(segs):
            if len(s) < 2:
                continue
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            segs[k] = out


class Vocabulary:
    def __init__(self, n_words, n_caps, words_file=WORDS_FILE):
        words = read_words(words_file)
        assert len(words) >= n_words, "%s has %d words, fewer than %d" % (words_file, len(words), n_words)
        self.words = words[:n_words]
        self.n_caps = n_caps
        self.targets = target_spellings(self.words, n_caps)
        self.merges = learn_merges(self.targets)
        self.tokens = byte_symbols() + [a + b for a, b in self.merges]
        assert len(set(self.tokens)) == len(self.tokens), "a merge made a token twice"
        self.tokens.append(EOT_TEXT)
        self.vocab = {t: i for i, t in enumerate(self.tokens)}
        self.eot = self.vocab[EOT_TEXT]
        self.size = len(self.tokens)
        enc = verify_model.BpeEncoder(self.vocab, self.merges)
        for t in self.targets:  # what the merges were learnt for: one token each
            assert enc.bpe(t) == [self.vocab[t]], "%r tokenizes as %r" % (t, enc.bpe(t))

    def id(self, spelling):
        return self.vocab[spelling]

    def word_ids(self):
        """Ids of " word" for every word, and their counts."""
        return [self.vocab[SPACE + w] for w, _ in self.words], [n for _, n in self.words]

    def capital_ids(self):
        """{id of " word": (id of " Word", id of "Word")} for the words with capitalised forms."""
        return {self.vocab[SPACE + w]: (self.vocab[SPACE + w.capitalize()], self.vocab[w.capitalize()])
                for w, _ in self.words[:self.n_caps]}
