#!/usr/bin/env python3
"""The independent engine for DateutilDifferentialTest: python-dateutil's rrule.

Reads JSON lines {"id", "rrule", "dtstart", "n"} on stdin (floating local times, no zones) and writes one JSON line per
rule: {"id", "occurrences": [first n, ISO local], "matches": bool} or {"id", "error": "..."}.

dateutil documents one deliberate deviation from RFC 5545 that is corrected here rather than excluded: "Unlike
documented in the RFC, the starting datetime (dtstart) is not the first recurrence instance, unless it does fit in the
specified rules." RFC 5545 3.8.5.3: "The "DTSTART" property value always counts as the first occurrence." So when
dateutil's first instance is not DTSTART, DTSTART is put first and COUNT counts it.

"matches" says whether the rule itself, without COUNT or UNTIL, ever gives an instance (the Java engine refuses a rule
that never does). A rule is given at most 0.03 s (dateutil walks a never-matching rule to year 9999): then
{"id", "slow": true}.
"""
import itertools
import json
import re
import signal
import sys
from datetime import datetime

try:
    from dateutil.rrule import rrulestr
except ImportError:
    sys.stderr.write("python-dateutil is missing: apt-get install python3-dateutil\n")
    sys.exit(3)


class Slow(Exception):
    pass


def on_alarm(signum, frame):
    raise Slow()


def without(rule, part):
    return ";".join(p for p in rule.split(";") if not p.upper().startswith(part + "="))


def evaluate(request):
    start = datetime.fromisoformat(request["dtstart"])
    n = request["n"]
    rule = request["rrule"]
    count = re.search(r"COUNT=(\d+)", rule, re.I)
    uncounted = rrulestr(without(rule, "COUNT"), dtstart=start)
    occurrences = list(itertools.islice(iter(uncounted), n + 1))
    matches = bool(occurrences)
    if not matches and "UNTIL=" in rule.upper():
        unbounded = rrulestr(without(without(rule, "COUNT"), "UNTIL"), dtstart=start)
        matches = next(iter(unbounded), None) is not None
    if not occurrences or occurrences[0] != start:
        occurrences.insert(0, start)
    if count:
        occurrences = occurrences[:int(count.group(1))]
    return {"occurrences": [o.isoformat() for o in occurrences[:n]], "matches": matches}


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        signal.setitimer(signal.ITIMER_REAL, 0.03)
        try:
            answer = evaluate(request)
        except Slow:
            answer = {"slow": True}
        except Exception as e:  # dateutil refuses the rule
            answer = {"error": type(e).__name__ + ": " + str(e)}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        answer["id"] = request["id"]
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
