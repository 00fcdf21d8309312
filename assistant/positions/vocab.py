"""The tracker's vocabulary: parties, issues and stance cues, from data files.

Parties are ``aliases.json`` (shared with the verifier) plus the ``parties``
of ``positions.json``; issues and stance cues are in ``positions.json``. A
user file of the same shape (setting ``positions.vocabulary``) adds to both.
Matching is whole-word; party names are case-sensitive (so "US" is not "us"),
issue and cue phrases are not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
STANCES = ("red line", "threat", "rejection", "offer", "demand", "agreement")


class VocabularyError(ValueError):
    """A vocabulary file cannot be used (names the file and the field)."""


@dataclass(frozen=True)
class Mention:
    name: str  # canonical party or issue
    start: int
    end: int
    text: str


def _phrase_regex(phrases: list[str], plural: bool, flags: int) -> re.Pattern:
    alts = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not alts:
        return re.compile(r"(?!)")  # matches nothing
    body = "|".join(r"\s+".join(map(re.escape, a.split())) + ("s?" if plural and a[-1:].isalpha() else "") for a in alts)
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w])", flags)


def _merge(into: dict, extra: dict, path: Path) -> None:
    for section in ("parties", "issues", "stances"):
        value = extra.get(section, {})
        if not isinstance(value, dict) or not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values()):
            raise VocabularyError(f"{path}: field {section!r} must map names to lists of strings")
        for name, phrases in value.items():
            if section == "stances" and name not in STANCES:
                raise VocabularyError(f"{path}: stances.{name}: unknown stance (one of {', '.join(STANCES)})")
            into[section].setdefault(name, [])
            into[section][name] = into[section][name] + [p for p in phrases if p not in into[section][name]]
    for key in ("speech_verbs", "negations", "not_issues"):
        into[key] = into.get(key, []) + [w for w in extra.get(key, []) if isinstance(w, str)]
    gates = extra.get("gates", {})
    if not isinstance(gates, dict):
        raise VocabularyError(f"{path}: field 'gates' must map gate word lists (and 'confidence') to values")
    into.setdefault("gates", {})
    for name, value in gates.items():
        if name.startswith("_"):
            continue
        if name == "confidence":
            if not isinstance(value, dict) or not all(isinstance(v, int | float) for v in value.values()):
                raise VocabularyError(f"{path}: gates.confidence must map names to numbers")
            into["gates"]["confidence"] = {**into["gates"].get("confidence", {}), **value}
        elif isinstance(value, list) and all(isinstance(w, str) for w in value):
            into["gates"][name] = into["gates"].get(name, []) + [w for w in value if w not in into["gates"].get(name, [])]
        else:
            raise VocabularyError(f"{path}: gates.{name} must be a list of words")


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise VocabularyError(f"{path}: cannot read the vocabulary ({e})") from None
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: must be a JSON object")
    return data


class Vocabulary:
    def __init__(self, data: dict):
        self.data = data
        self.parties: dict[str, list[str]] = data["parties"]
        self.issues: dict[str, list[str]] = data["issues"]
        self.stances: dict[str, list[str]] = {s: data["stances"].get(s, []) for s in STANCES}

    @classmethod
    def load(cls, extra: Path | None = None) -> Vocabulary:
        data = {"parties": {}, "issues": {}, "stances": {}}
        aliases = _read(DATA / "aliases.json")
        _merge(data, {"parties": aliases.get("parties", {})}, DATA / "aliases.json")
        _merge(data, _read(DATA / "positions.json"), DATA / "positions.json")
        if extra:
            _merge(data, _read(Path(extra).expanduser()), Path(extra))
        for party in data["parties"]:
            data["parties"][party] = [party, *data["parties"][party]]
        return cls(data)

    @cached_property
    def gates(self):
        from .gates import Gates

        return Gates(self.data.get("gates", {}))

    @cached_property
    def _party_res(self) -> list[tuple[str, re.Pattern]]:
        return [(p, _phrase_regex(names, plural=False, flags=0)) for p, names in self.parties.items()]

    @cached_property
    def _party_res_loose(self) -> list[tuple[str, re.Pattern]]:
        """For questions typed in lower case: names longer than 3 letters match in any case."""
        out = []
        for p, names in self.parties.items():
            long = [n for n in names if len(n) > 3]
            short = [n for n in names if len(n) <= 3]
            out.append((p, _phrase_regex(long, plural=False, flags=re.I)))
            if short:
                out.append((p, _phrase_regex(short, plural=False, flags=0)))
        return out

    @cached_property
    def _issue_res(self) -> list[tuple[str, re.Pattern]]:
        return [(i, _phrase_regex(names, plural=True, flags=re.I)) for i, names in self.issues.items()]

    @cached_property
    def _stance_res(self) -> list[tuple[str, re.Pattern]]:
        return [(s, _phrase_regex(cues, plural=False, flags=re.I)) for s, cues in self.stances.items() if cues]

    @cached_property
    def speech_re(self) -> re.Pattern:
        return _phrase_regex(self.data.get("speech_verbs", []), plural=False, flags=re.I)

    @cached_property
    def negation_re(self) -> re.Pattern:
        return re.compile(r"(?:\b(?:%s)\b|n't)\W+(?:\w+\W+){0,2}$" % "|".join(
            re.escape(w) for w in self.data.get("negations", []) if w != "n't"), re.I)

    @staticmethod
    def _find(res: list[tuple[str, re.Pattern]], text: str) -> list[Mention]:
        found = [Mention(name, m.start(), m.end(), m.group(0)) for name, rx in res for m in rx.finditer(text)]
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        out: list[Mention] = []
        for m in found:  # longest match wins where phrases overlap ("auto parts" over "auto")
            if out and m.start < out[-1].end:
                continue
            out.append(m)
        return out

    def parties_in(self, text: str, loose: bool = False) -> list[Mention]:
        return self._find(self._party_res_loose if loose else self._party_res, text)

    @cached_property
    def _not_issue_re(self) -> re.Pattern:
        return _phrase_regex(self.data.get("not_issues", []), plural=True, flags=re.I)

    def issues_in(self, text: str) -> list[Mention]:
        masked = [(m.start(), m.end()) for m in self._not_issue_re.finditer(text)]
        return [m for m in self._find(self._issue_res, text) if not any(a < m.end and m.start < b for a, b in masked)]

    def cues_in(self, text: str) -> list[Mention]:
        return self._find(self._stance_res, text)

    def party(self, name: str) -> str | None:
        """Canonical party for a name ("Tokyo" -> "Japan"), case-insensitive."""
        low = name.strip().lower()
        for party, names in self.parties.items():
            if low in (n.lower() for n in names):
                return party
        return None

    def issue(self, name: str) -> str | None:
        low = name.strip().lower()
        for issue, phrases in self.issues.items():
            if low in (p.lower() for p in phrases) or low.rstrip("s") in (p.lower() for p in phrases):
                return issue
        return None
