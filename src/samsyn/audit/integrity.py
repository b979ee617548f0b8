"""Checking the access log against its keys and checkpoints (ADR 009).

`verify_chain` walks every chain (each chain numbers its events 1, 2, 3...; each event
stores the HMAC of its content, which includes the previous event's hash) and compares
it with the chain heads and with every checkpoint in the checkpoint file.
`write_checkpoint` checks what was added since the latest checkpoint the same way and
only then appends a new signed checkpoint.

Each finding is named for what an attacker with write access to the database did:

- **changed row**: one event's content no longer matches its HMAC;
- **deleted row**: a sequence number is missing from a chain;
- **cut tail**: a chain ends before its head, or before an event a checkpoint recorded;
- **rewritten**: a run of events that link to one another although none matches its
  HMAC (an event was changed and every later hash recomputed without the key), or an
  event whose hash is not the one a checkpoint recorded;
- **wrong key**: a configured key verifies none of the events and checkpoints that name
  it — the key ring is not the one that signed them;
- **unknown key**, **changed head**, **bad checkpoint** for the rest.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from samsyn.audit import checkpoints
from samsyn.audit.chain import COLUMNS, GENESIS_HASH, event_hash
from samsyn.audit.checkpoints import BadLine, Checkpoint
from samsyn.audit.keys import Keyring, configured_keyring
from samsyn.audit.models import AccessEvent, ChainHead

CHANGED_ROW = "changed row"
DELETED_ROW = "deleted row"
CUT_TAIL = "cut tail"
REWRITTEN = "rewritten"
WRONG_KEY = "wrong key"
UNKNOWN_KEY = "unknown key"
CHANGED_HEAD = "changed head"
BAD_CHECKPOINT = "bad checkpoint"

# key id -> [events or checkpoints that verify, that do not]
Tally = defaultdict[str, list[int]]


def _tally() -> Tally:
    return defaultdict(lambda: [0, 0])


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    keys: frozenset[str] = frozenset()  # the keys whose MACs failed, for a MAC finding

    def __str__(self) -> str:
        return f"{self.kind.upper()}: {self.message}"


@dataclass
class VerifyResult:
    findings: list[Finding] = field(default_factory=list)
    count: int = 0
    chains: int = 0
    events_per_key: dict[str, int] = field(default_factory=dict)
    checkpoints: int = 0
    latest: Checkpoint | None = None
    since_latest: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass
class CheckpointResult:
    path: Path
    heads: dict[int, tuple[int, str]]
    count: int = 0
    findings: list[Finding] = field(default_factory=list)
    written: bool = False


def checkpoint_path() -> Path | None:
    """The checkpoint file from the settings, or None when checkpoints are switched off."""
    value = settings.SAMSYN_AUDIT_CHECKPOINT_FILE
    return Path(value) if value else None


def _events(n: int) -> str:
    return f"{n} event" if n == 1 else f"{n} events"


def _span(first: int, last: int) -> str:
    return f"event {first}" if first == last else f"events {first}–{last} ({last - first + 1})"


class _ChainWalk:
    """One chain in sequence order, from `start` (or its beginning) up to `until`.

    `expected` maps a sequence number to the hashes checkpoints recorded for it.
    """

    def __init__(self, chain, keyring, expected, tally, *, start=1, until=None):
        self.chain = chain
        self.keyring = keyring
        self.expected = expected
        self.tally = tally
        self.until = until
        self.from_start = start == 1
        self.findings: list[Finding] = []
        self.count = 0
        self.last_seq = start - 1
        # The stored hash of the last event walked; None: the first link is not checked.
        self.last_hash: str | None = GENESIS_HASH if self.from_start else None
        self._run: list[tuple[int, str]] = []  # events that fail their MAC yet link up
        self._disagree: list[tuple[int, Checkpoint]] = []

    def walk(self, batch_size: int) -> _ChainWalk:
        rows = AccessEvent.objects.filter(chain=self.chain).order_by("seq")
        if self.until is not None:
            rows = rows.filter(seq__lte=self.until)
        rows = rows.values(*COLUMNS, "hash")
        cursor = self.last_seq
        while True:
            batch = list(rows.filter(seq__gt=cursor)[:batch_size])
            if not batch:
                break
            for row in batch:
                self._step(row)
            cursor = batch[-1]["seq"]
        self._close_run()
        self._compare_checkpoints()
        return self

    def _add(self, kind: str, message: str, keys=frozenset()) -> None:
        self.findings.append(Finding(kind, message, frozenset(keys)))

    def _step(self, row: dict) -> None:
        seq = row["seq"]
        first_missing = self.last_seq + 1
        if seq != first_missing:
            self._close_run()
            after = f"follows event {self.last_seq}" if self.last_seq else "comes first"
            self._add(
                DELETED_ROW,
                f"chain {self.chain}, {_span(first_missing, seq - 1)} missing: event {seq} {after}",
            )
            linked = True  # the missing rows' hashes are unknown: no link to check
        else:
            linked = self.last_hash is None or row["prev_hash"] == self.last_hash
        mac = event_hash(self.keyring, row)
        ok = mac is not None and hmac.compare_digest(mac, row["hash"])
        self.tally[row["key_id"]][0 if ok else 1] += 1
        if ok:
            if self._run:
                self._close_run()  # a broken link here is the changed row's doing
            elif not linked:
                message = f"chain {self.chain}, event {seq}: does not link to the event before it"
                self._add(CHANGED_ROW, message)
        elif self._run and linked and seq == self._run[-1][0] + 1:
            self._run.append((seq, row["key_id"]))
        else:
            self._close_run()
            self._run = [(seq, row["key_id"])]
        for recorded, checkpoint in self.expected.get(seq, ()):
            if not hmac.compare_digest(recorded, row["hash"]):
                self._disagree.append((seq, checkpoint))
        self.count += 1
        self.last_seq, self.last_hash = seq, row["hash"]

    def _close_run(self) -> None:
        run, self._run = self._run, []
        if not run:
            return
        first, last = run[0][0], run[-1][0]
        where = f"chain {self.chain}, {_span(first, last)}"
        keys = frozenset(key for _, key in run)
        names = ", ".join(sorted(keys))
        unknown = sorted(key for key in keys if key not in self.keyring)
        if unknown:
            self._add(
                UNKNOWN_KEY,
                f"{where}: signed with key {', '.join(unknown)}, which is not in SAMSYN_AUDIT_KEYS",
            )
        elif first == last:
            self._add(
                CHANGED_ROW, f"{where}: its content does not match its HMAC (key {names})", keys
            )
        else:
            self._add(
                REWRITTEN,
                f"{where}: none matches its HMAC (key {names}), yet each links "
                "to the one before: changed, with every later hash recomputed without the key",
                keys,
            )

    def _compare_checkpoints(self) -> None:
        if self._disagree:
            seq, checkpoint = min(self._disagree, key=lambda pair: pair[1].line)
            others = len({cp.line for _, cp in self._disagree}) - 1
            more = f"; {others} later checkpoints disagree too" if others else ""
            self._add(
                REWRITTEN,
                f"chain {self.chain}, event {seq}: its hash is not the one the checkpoint of "
                f"{checkpoint.time} "
                f"recorded (line {checkpoint.line}): the chain was rewritten after it{more}",
            )
        beyond = [(seq, cp) for seq, pairs in self.expected.items() for _, cp in pairs]
        beyond = [(seq, cp) for seq, cp in beyond if seq > self.last_seq]
        if beyond:
            seq, checkpoint = max(beyond, key=lambda pair: (pair[0], -pair[1].line))
            end = f"ends at event {self.last_seq}" if self.from_start else "ends before it"
            self._add(
                CUT_TAIL,
                f"chain {self.chain} {end}, but the checkpoint of {checkpoint.time} (line "
                f"{checkpoint.line}) recorded event {seq}: events were removed from its end",
            )


def _read_checkpoints(path, keyring, tally) -> tuple[list[Checkpoint], list[Finding]]:
    """The checkpoints whose MACs hold, and findings for the lines that do not."""
    good: list[Checkpoint] = []
    findings: list[Finding] = []
    for entry in checkpoints.read(path):
        if isinstance(entry, BadLine):
            findings.append(Finding(BAD_CHECKPOINT, f"line {entry.line} of {path}: {entry.reason}"))
            continue
        verifies = entry.verifies(keyring)
        if verifies is None:
            findings.append(
                Finding(
                    UNKNOWN_KEY,
                    f"the checkpoint on line {entry.line} of {path} is signed with key "
                    f"{entry.key_id}, which is not in SAMSYN_AUDIT_KEYS",
                )
            )
            continue
        tally[entry.key_id][0 if verifies else 1] += 1
        if verifies:
            good.append(entry)
        else:
            findings.append(
                Finding(
                    BAD_CHECKPOINT,
                    f"line {entry.line} of {path} ({entry.time}) does not match its HMAC "
                    f"(key {entry.key_id}): the checkpoint file was altered",
                    frozenset({entry.key_id}),
                )
            )
    return good, findings


def _name_wrong_keys(findings, keyring: Keyring, tally: Tally, cp_tally: Tally) -> list[Finding]:
    """A key that verifies nothing it should have signed is the wrong key: say so once,
    in place of the changed and rewritten rows it would otherwise seem to show."""
    wrong: list[Finding] = []
    for key_id in keyring.keys:
        ok, failed = tally.get(key_id, (0, 0))
        cp_ok, cp_failed = cp_tally.get(key_id, (0, 0))
        if ok or cp_ok or not (failed or cp_failed):
            continue
        signed = " and ".join(
            part
            for part in (
                _events(failed) if failed else "",
                f"{cp_failed} checkpoint{'s' if cp_failed > 1 else ''}" if cp_failed else "",
            )
            if part
        )
        if cp_failed:
            why = "it is not the key that signed them"
        else:
            why = "no checkpoint signed with it tells a wrong key from a rewritten log"
        message = f"key {key_id} verifies none of the {signed} that name it: {why}"
        wrong.append(
            Finding(WRONG_KEY, f"{message} (check SAMSYN_AUDIT_KEYS)", frozenset({key_id}))
        )
    names = {key for finding in wrong for key in finding.keys}
    kept = [f for f in findings if not (f.keys and f.keys <= names)]
    return wrong + kept


def _event_chains():
    """The chain numbers that hold events, one index look-up per chain."""
    chain = 0
    rows = AccessEvent.objects.order_by("chain", "seq").values_list("chain", flat=True)
    while (chain := rows.filter(chain__gt=chain).first()) is not None:
        yield chain


def _head_findings(chain: int, walk: _ChainWalk, before: ChainHead | None) -> list[Finding]:
    """Compare a walked chain with its head, read before the walk and again after it
    (writers go on appending while the walk runs)."""
    end = walk.last_seq
    if before is not None and before.last_seq > end:
        return [
            Finding(
                CUT_TAIL,
                f"chain {chain} ends at event {end}, but its head says event "
                f"{before.last_seq}: events were removed from its end",
            )
        ]
    head = ChainHead.objects.filter(pk=chain).first()
    if head is None:
        problem = "has events but no head" if end else ""
    elif head.last_seq == end and head.last_hash != walk.last_hash:
        problem = f"its head names event {end} with another hash"
    elif head.last_seq < end:
        problem = f"its head says event {head.last_seq}, but the chain goes on to event {end}"
    else:
        problem = ""
    return [Finding(CHANGED_HEAD, f"chain {chain}: {problem}")] if problem else []


def verify_chain(*, batch_size: int = 5000) -> VerifyResult:
    """Walk every chain and check it against the keys, the heads and the checkpoints."""
    keyring = configured_keyring()
    result = VerifyResult()
    tally, cp_tally = _tally(), _tally()
    path = checkpoint_path()
    good, findings = _read_checkpoints(path, keyring, cp_tally) if path else ([], [])
    expected: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for checkpoint in good:
        for chain, (seq, hash_) in checkpoint.heads.items():
            expected[chain][seq].append((hash_, checkpoint))
    heads = {head.pk: head for head in ChainHead.objects.all()}
    chains = {pk for pk, head in heads.items() if head.last_seq} | set(_event_chains())
    ends: dict[int, int] = {}
    for chain in sorted(chains | set(expected)):
        walk = _ChainWalk(chain, keyring, expected.get(chain, {}), tally).walk(batch_size)
        findings += walk.findings
        findings += _head_findings(chain, walk, heads.get(chain))
        result.count += walk.count
        ends[chain] = walk.last_seq
    result.findings = _name_wrong_keys(findings, keyring, tally, cp_tally)
    result.chains = len([chain for chain, end in ends.items() if end])
    result.events_per_key = {key: ok + failed for key, (ok, failed) in sorted(tally.items())}
    result.checkpoints = len(good)
    result.latest = good[-1] if good else None
    if result.latest is not None:
        recorded = result.latest.heads
        result.since_latest = sum(
            max(0, end - recorded.get(chain, (0, ""))[0]) for chain, end in ends.items()
        )
    result.notes = _notes(path, result)
    return result


def _notes(path: Path | None, result: VerifyResult) -> list[str]:
    if path is None:
        return [
            "SAMSYN_AUDIT_CHECKPOINT_FILE is not set: without checkpoints a cut tail, or a "
            "log rewritten with the key, cannot be seen."
        ]
    if result.latest is None:
        return [
            f"no checkpoint in {path} yet: run `samsyn audit checkpoint`, and on a schedule "
            "(docs/adr/009-audit-chain-keys-checkpoints-chains.md)."
        ]
    if result.since_latest:
        return [
            f"{_events(result.since_latest)} written since the latest checkpoint "
            f"({result.latest.time}) are covered by their HMACs only: a cut among them shows "
            "only if it reaches back before that checkpoint."
        ]
    return []


def write_checkpoint(*, batch_size: int = 5000) -> CheckpointResult:
    """Check every chain from the latest checkpoint to its head; if all holds, append a
    checkpoint of the heads signed with the current key. Nothing is written otherwise.

    It also creates the chain heads that a larger SAMSYN_AUDIT_CHAINS asks for (writers
    only ever create them in a database that has none)."""
    path = checkpoint_path()
    if path is None:
        raise checkpoints.CheckpointFileError("SAMSYN_AUDIT_CHECKPOINT_FILE is not set.")
    keyring = configured_keyring()
    tally, cp_tally = _tally(), _tally()
    ChainHead.ensure(settings.SAMSYN_AUDIT_CHAINS)  # a larger setting takes effect here
    heads = {
        head.pk: (head.last_seq, head.last_hash)
        for head in ChainHead.objects.filter(last_seq__gt=0).order_by("pk")
    }
    result = CheckpointResult(path=path, heads=heads)
    entries = checkpoints.read(path)
    good, findings = _read_checkpoints(path, keyring, cp_tally)
    latest = None
    if entries:
        if entries[-1] not in good:
            result.findings = _name_wrong_keys(findings, keyring, tally, cp_tally)
            return result
        latest = entries[-1]
    for chain in sorted(set(heads) | set(latest.heads if latest else ())):
        seq, hash_ = heads.get(chain, (0, GENESIS_HASH))
        start, recorded = latest.heads.get(chain, (0, GENESIS_HASH)) if latest else (0, "")
        if seq < start:
            message = (
                f"chain {chain}: its head says event {seq}, but the checkpoint of "
                f"{latest.time} recorded event {start}: events were removed from its end"
            )
            findings.append(Finding(CUT_TAIL, message))
            continue
        expected = {start: [(recorded, latest)]} if start else {}
        walk = _ChainWalk(chain, keyring, expected, tally, start=max(start, 1), until=seq)
        walk.walk(batch_size)
        findings += walk.findings
        result.count += walk.count
        if not walk.findings and (walk.last_seq, walk.last_hash) != (seq, hash_):
            problem = f"its head says event {seq}, but the chain ends at event {walk.last_seq}"
            findings.append(Finding(CHANGED_HEAD, f"chain {chain}: {problem}"))
    result.findings = _name_wrong_keys(findings, keyring, tally, cp_tally)
    if result.findings:
        return result
    line = checkpoints.sign(keyring, time=timezone.now().isoformat(), heads=heads)
    checkpoints.append(path, line)
    result.written = True
    return result
