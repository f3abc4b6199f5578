"""Character n-grams of a sentence beside its m3e-small vector, for every act.

A mean-pooled sentence vector loses the few characters that carry sarcasm, swearing or a plan to
leave (呵呵, 真行啊, 弃号, 还敢买吗), or a handover's verb (反馈核实, 转交): cross-validated on the
utterance bank, a head that reads the sentence's character 1-3-grams (TF-IDF) together with its
vector separates the acts far better than the vector alone (F1, customer: anger 0.75 -> 0.86,
churn 0.74 -> 0.86, complaint 0.85 -> 0.94; agent: deflection 0.76 -> 0.89, handover 0.86 ->
0.93, apology 0.84 -> 0.93, further help 0.83 -> 0.91). Each role has its own n-gram table,
fitted on its own sentences. The n-grams cost no second encoding: they are counted from the
sentence text the encoder already read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.embeddings import cjk_punctuation

NGRAMS = (1, 3)
MIN_DF = 2  # an n-gram seen in one bank sentence only is a writer's quirk, not a cue
#: regularisation of the joint head (5-fold cross-validation on the bank: C=2 0.83, 8 0.85, 32 0.84)
C_JOINT = 8.0
_SIZES = tuple(range(NGRAMS[0], NGRAMS[1] + 1))
_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char analyzer folds them


def _vectorizer(vocabulary: Sequence[str] | None = None):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char",
        ngram_range=NGRAMS,
        min_df=1 if vocabulary is not None else MIN_DF,
        sublinear_tf=True,
        dtype=np.float32,
        vocabulary=list(vocabulary) if vocabulary is not None else None,
    )


@dataclass(frozen=True, eq=False)
class Ngrams:
    """A fitted TF-IDF table of character n-grams: its vocabulary and inverse document
    frequencies, as stored beside the intent heads."""

    vocabulary: tuple[str, ...]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str]) -> Ngrams:
        vec = _vectorizer().fit([cjk_punctuation(t) for t in texts])
        order = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        return cls(tuple(order), vec.idf_.astype(np.float32))

    def transform(self, texts: Sequence[str]):  # type: ignore[no-untyped-def]
        """(texts, vocabulary) sparse TF-IDF rows, L2-normalised (scikit-learn's, for training)."""
        vec = self._fitted()
        return vec.transform([cjk_punctuation(t) for t in texts])

    def hits(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The texts' TF-IDF rows as (row, n-gram, value) triples sorted by row, L2-normalised
        per row: computed from the n-gram counts, the same numbers as `transform` without
        building a sparse matrix. A call's sentences are read in one go: each character becomes
        its number in the table's alphabet (0 for one the table never saw, and between
        sentences), each n-gram a number made of its characters', looked up among the
        vocabulary's in a sorted array."""
        docs = [_WHITE_SPACES.sub(" ", cjk_punctuation(t).lower()) if t else "" for t in texts]
        joined = "\x00".join(docs)
        alphabet, base, keys, columns = self._keys()
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        chars = _numbered(points, alphabet, self._direct())
        row_of = np.repeat(np.arange(len(docs)), [len(d) + 1 for d in docs])[: len(chars)]
        rows, grams = [], []
        for n in _SIZES:
            starts = max(len(chars) - n + 1, 0)  # n-grams that fit
            key = chars[:starts].copy()
            seen = key > 0
            for k in range(1, n):
                nxt = chars[k : k + starts]
                seen &= nxt > 0
                key = key * base + nxt
            rows.append(row_of[:starts][seen])
            grams.append(key[seen])
        # each (sentence, n-gram) once with its count, sorted: then looked up in the vocabulary
        span = base ** max(_SIZES)
        if len(docs) * span >= 2**63:
            raise ValueError(f"{len(docs)} sentences: (sentence, n-gram) numbers overflow int64")
        pairs, tf = np.unique(
            np.concatenate(rows) * span + np.concatenate(grams), return_counts=True
        )
        row = pairs // span
        key = pairs - row * span
        at = np.minimum(keys.searchsorted(key), len(keys) - 1)
        known = keys[at] == key
        if not known.any():
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        # 1 + log(tf) times idf, L2-normalised per row
        r, c = row[known], columns[at[known]]
        values = (1.0 + np.log(tf[known].astype(np.float32))) * self.idf[c]
        norms = np.sqrt(np.bincount(r, weights=values * values))
        return r, c, (values / norms[r]).astype(np.float32)

    @staticmethod
    def apply(
        hits: tuple[np.ndarray, np.ndarray, np.ndarray], weights_t: np.ndarray, n: int
    ) -> np.ndarray:
        """(n, columns of `weights_t`): each row's TF-IDF values times the (vocabulary,
        columns) weights, summed per row."""
        r, c, values = hits
        out = np.zeros((n, weights_t.shape[1]), dtype=np.float32)
        if len(r):
            starts = np.flatnonzero(np.concatenate(([True], r[1:] != r[:-1])))
            out[r[starts]] = np.add.reduceat(weights_t[c] * values[:, None], starts, axis=0)
        return out

    def _keys(self) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
        """The vocabulary as numbers: the sorted code points of its characters (a character's
        number is its place there plus one), the base an n-gram's number is written in, the
        n-grams' numbers sorted, and each one's column in the vocabulary."""
        keys = self.__dict__.get("_key_table")
        if keys is None:
            alphabet = np.array(sorted({ord(ch) for g in self.vocabulary for ch in g}), np.uint32)
            number = {chr(p): k + 1 for k, p in enumerate(alphabet.tolist())}
            base = len(alphabet) + 1
            if base ** max(_SIZES) >= 2**63:
                raise ValueError(f"{len(alphabet)} characters: n-gram numbers overflow int64")
            codes = np.zeros(len(self.vocabulary), dtype=np.int64)
            for column, gram in enumerate(self.vocabulary):
                code = 0
                for ch in gram:
                    code = code * base + number[ch]
                codes[column] = code
            order = np.argsort(codes, kind="stable")
            keys = (alphabet, base, codes[order], order.astype(np.int64))
            object.__setattr__(self, "_key_table", keys)
        return keys

    def _direct(self) -> np.ndarray:
        """Each code point of the Basic Multilingual Plane's number in the alphabet (0 where
        it is not in it): a table lookup per character instead of a binary search."""
        direct = self.__dict__.get("_direct_table")
        if direct is None:
            alphabet = self._keys()[0]
            direct = np.zeros(_DIRECT, dtype=np.int64)
            inside = alphabet < _DIRECT
            direct[alphabet[inside]] = np.flatnonzero(inside) + 1
            object.__setattr__(self, "_direct_table", direct)
        return direct

    def _fitted(self):  # type: ignore[no-untyped-def]
        vec = self.__dict__.get("_vec")
        if vec is None:
            vec = _vectorizer(self.vocabulary)
            vec.idf_ = self.idf
            object.__setattr__(self, "_vec", vec)
        return vec


#: the code points a table of character numbers covers directly (the Basic Multilingual Plane)
_DIRECT = 0x10000


def _numbered(points: np.ndarray, alphabet: np.ndarray, direct: np.ndarray) -> np.ndarray:
    """Each code point's number in the sorted `alphabet` (its place plus one), 0 for one not
    in it: read from `direct` (the numbers of the Basic Multilingual Plane's code points), the
    others (emoji) looked up in the alphabet."""
    chars = direct[np.minimum(points, _DIRECT - 1)]
    far = np.flatnonzero(points >= _DIRECT)
    if len(far):
        at = np.minimum(alphabet.searchsorted(points[far]), len(alphabet) - 1)
        chars[far] = np.where(alphabet[at] == points[far], at + 1, 0)
    return chars


def joint_features(ngrams: Ngrams, texts: Sequence[str], vectors: np.ndarray):  # type: ignore[no-untyped-def]
    """[n-grams | vector] per sentence, the input of a joint head."""
    from scipy.sparse import csr_matrix, hstack

    return hstack([ngrams.transform(texts), csr_matrix(vectors)]).tocsr()
