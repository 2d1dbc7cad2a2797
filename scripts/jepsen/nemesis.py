#!/usr/bin/env python3
"""The nemesis of scripts/jepsen.sh: faults chosen and timed from a seed (the same seed gives the
same schedule), one at a time, each healed after a few seconds, applied to the netns cluster
through scripts/netns-cluster.sh. Writes each fault as a JSON line (kind, targets, start, end).

  --plan      prints the schedule the seed gives and exits (nothing is touched)

Faults: isolate a host; split the servers in two; one-way loss (a host sends nothing); random
loss on a host's link; a slow link; kill -9 and restart of a bookie, a proxy or a ZooKeeper
node; SIGSTOP for longer than the metadata session timeout (10 s), then SIGCONT; kill -9 of a
writer process (its client starts another); a bookie's disk filled (it turns read-only); a
bookie's power cut (its data directory keeps only what it synced: the bookies run with
--power-loss-recorder), then restarted. A power cut replaces half of the bookie kills, decided
by a draw of its own, so a seed's times and targets are those it gave before power cuts existed.
"""
import argparse
import glob
import json
import os
import random
import signal
import subprocess
import sys
import time

CLUSTER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "netns-cluster.sh")
BOOKIES = ["bookie1", "bookie2", "bookie3", "bookie4"]
PROXIES = ["proxy1", "proxy2"]
ZOOKEEPERS = ["zk1", "zk2", "zk3"]
SERVERS = ZOOKEEPERS + BOOKIES + PROXIES
KINDS = ["isolate", "split", "drop-out", "lossy", "slow", "kill", "pause", "kill-writer", "fill-disk"]
# Chosen only when asked for with --kinds (the default draw keeps older seeds' schedules).
EXTRA_KINDS = ["power-cut"]


def plan(seed, seconds, kinds=None):
    """The schedule: (start offset, duration, kind, targets), from the seed (and kinds) alone."""
    rng = random.Random(seed)
    faults = []
    t = rng.uniform(2, 4)
    while t < seconds - 3:
        kind = rng.choice(kinds or KINDS)
        duration = rng.uniform(3, 8)
        if kind == "split":
            shuffled = rng.sample(SERVERS, len(SERVERS))
            cut = rng.randint(1, len(SERVERS) - 1)
            targets = [" ".join(sorted(shuffled[:cut])), " ".join(sorted(shuffled[cut:]))]
        elif kind == "kill":
            targets = [rng.choice(BOOKIES + PROXIES + ZOOKEEPERS)]
            if targets[0] in BOOKIES and random.Random(f"{seed}/{len(faults)}").random() < 0.5:
                kind = "power-cut"
        elif kind == "pause":
            targets = [rng.choice(BOOKIES + PROXIES)]
            duration = rng.uniform(11, 14)
        elif kind in ("fill-disk", "power-cut"):
            targets = [rng.choice(BOOKIES)]
        elif kind == "kill-writer":
            targets = [str(rng.randint(0, 1000))]  # which of the running writer processes
            duration = 0.5
        else:
            targets = [rng.choice(SERVERS)]
        duration = min(duration, max(seconds - t, 0.5))
        faults.append((round(t, 3), round(duration, 3), kind, targets))
        t += duration + rng.uniform(1, 3)
    return faults


def cluster(*args):
    return subprocess.run([CLUSTER, *args], capture_output=True, text=True)


def apply(kind, targets, history):
    if kind in ("isolate", "drop-out", "slow"):
        cluster(kind, targets[0])
    elif kind == "lossy":
        cluster("lossy", targets[0], "30")
    elif kind == "split":
        cluster("split", targets[0], targets[1])
    elif kind == "fill-disk":
        cluster("fill", targets[0])
    elif kind == "kill":
        cluster("stop", targets[0])
    elif kind == "power-cut":
        cluster("power-cut", targets[0])
    elif kind == "pause":
        cluster("pause", targets[0])
    elif kind == "kill-writer":
        pids = sorted(glob.glob(os.path.join(history, "*", "pids", "*")))
        if pids:
            path = pids[int(targets[0]) % len(pids)]
            try:
                os.killpg(int(open(path).read()), signal.SIGKILL)
                return os.path.basename(path)
            except (OSError, ValueError):
                return None
    return None


def heal(kind, targets):
    if kind in ("kill", "power-cut"):
        cluster("start", targets[0])
    else:
        cluster("heal")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--history", help="the round's directory (writer pid files under */pids)")
    parser.add_argument("--out", help="where the faults applied are written (JSON lines)")
    parser.add_argument("--plan", action="store_true")
    parser.add_argument("--kinds", help="comma-separated faults to draw from (default: all but power-cut, which "
                                         "replaces half of the bookie kills)")
    args = parser.parse_args()
    kinds = args.kinds.split(",") if args.kinds else None
    unknown = [k for k in kinds or [] if k not in KINDS + EXTRA_KINDS]
    if unknown:
        parser.error(f"unknown fault kinds {unknown}; known: {', '.join(KINDS + EXTRA_KINDS)}")
    schedule = plan(args.seed, args.seconds, kinds)
    if args.plan:
        for fault in schedule:
            print(json.dumps({"at": fault[0], "for": fault[1], "kind": fault[2], "targets": fault[3]}))
        return
    began = time.time()
    with open(args.out, "w") as out:
        for at, duration, kind, targets in schedule:
            time.sleep(max(began + at - time.time(), 0))
            start = time.time()
            hit = apply(kind, targets, args.history)
            time.sleep(max(start + duration - time.time(), 0))
            heal(kind, targets)
            record = {"kind": kind, "targets": targets, "start": start, "end": time.time()}
            if hit:
                record["writer"] = hit
            out.write(json.dumps(record) + "\n")
            out.flush()


if __name__ == "__main__":
    sys.exit(main())
