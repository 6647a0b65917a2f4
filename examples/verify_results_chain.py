#!/usr/bin/env python3
"""Check downloaded Paritrana results on your own machine: each file's SHA-256 and the links between them.

    python3 verify_results_chain.py RESULT.json [RESULT.json ...] [--head DIGEST] [--complete]

Each file is a result's exact JSON, as published at /hasil/<year>/<id>.json (or downloaded by the committee
from a result's page). For each file the script prints its SHA-256 (compare it with the digest on the
results page or in the PDF annex) and the result it follows ("previous"). A result's content names the
digest of the result of the same edition frozen before it, so a later result vouches for every earlier one.

It fails (exit status 1) when a file is not the exact bytes that were hashed (re-saved or edited), when two
files follow the same result (a fork), when a file follows a result of another edition, when --head names
a digest no file has, or, with --complete (the files are the whole chain up to --head), when a file
follows a result that is not among the files. Python 3.8+ standard library only.
"""
import argparse
import hashlib
import json
import sys


def canonical(data):
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="result JSON files, exactly as downloaded")
    parser.add_argument("--head", help="the latest digest of the edition, as the results page shows it")
    parser.add_argument("--complete", action="store_true",
                        help="the files are every result of the chain up to --head: every link must resolve")
    args = parser.parse_args(argv)

    failures = []
    results = {}  # digest -> (file name, content)
    for name in args.files:
        with open(name, "rb") as handle:
            raw = handle.read()
        digest = hashlib.sha256(raw).hexdigest()
        data = json.loads(raw.decode("utf-8"))
        if canonical(data) != raw:
            failures.append(f"{name}: not the exact bytes that were hashed (was the file re-saved or edited?)")
        results[digest] = (name, data)
        label = " · ".join(str(part) for part in (
            data["edition"]["year"], data["category"]["code"], data["round"]["key"], data["stage"],
            "interim" if data.get("interim") else "final"))
        print(f"{name}: sha256 {digest} ({label})")

    followers = {}
    for name, data in results.values():
        previous = data.get("previous")
        if previous is None:
            print(f"  {name}: the first result of its edition")
        elif previous in results:
            other_name, other = results[previous]
            print(f"  {name}: follows {other_name}")
            if other["edition"]["year"] != data["edition"]["year"]:
                failures.append(f"{name}: follows {other_name}, a result of another edition")
        else:
            note = f"{name}: follows {previous}, which none of the files has"
            print(f"  {note}")
            if args.complete:
                failures.append(note)
        if previous is not None and previous in followers:
            failures.append(f"{name} and {followers[previous]} follow the same result {previous} (a fork)")
        followers.setdefault(previous, name)

    if args.head:
        if args.head not in results:
            failures.append(f"no file has the head digest {args.head}")
        else:
            chain, digest = [], args.head
            while digest in results:
                chain.append(results[digest][0])
                digest = results[digest][1].get("previous")
            print(f"from the head back: {' <- '.join(chain)}")
            unreached = [name for name, _data in results.values() if name not in chain]
            if unreached and args.complete:
                failures.append(f"not on the chain from the head: {', '.join(unreached)}")

    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    if not failures:
        print(f"OK: {len(results)} results, every digest recomputed and every link between them checked")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
