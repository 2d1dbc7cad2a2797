#!/usr/bin/env python3
"""A Jepsen-style client of scripts/jepsen.sh: runs `dlctl write` or `dlctl tail -f` in a client
namespace of the netns cluster, again and again until its deadline, recording its history in the
layout `dlctl history check` reads.

writer: each incarnation ID.K (K from 1) is one `dlctl write LOG --acks` process given records
'ID.K:SEQ' at --rate a second; writers/ID.K.in gets each record before the process does,
writers/ID.K.acks what the process printed, writers/ID.K.times the wall-clock time of each
acknowledgement. When the process fails (a fault) the next incarnation starts; at the deadline
its input ends and it is given --drain seconds to finish.

reader: one `dlctl tail LOG -f` after another into readers/ID.out, each going on after the last
DLSN the previous one printed, until one ends by itself (the log was sealed and read to its end)
or --hard-deadline passes.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time

CLUSTER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "netns-cluster.sh")


def dlctl(host, *args):
    return [CLUSTER, "exec", host, "dlctl", *args]


def pump_acks(process, acks_path, times_path):
    """Copies the acknowledgements as they come, stamping each with the time it arrived."""
    with open(acks_path, "w") as acks, open(times_path, "w") as times:
        for line in process.stdout:
            if not line.endswith("\n"):
                break  # cut off by a kill: unknown
            now = time.time()
            acks.write(line)
            acks.flush()
            times.write(f"{now:.6f}\n")
            times.flush()


def writer(args):
    os.makedirs(os.path.join(args.dir, "writers"), exist_ok=True)
    pids = os.path.join(args.dir, "pids")
    os.makedirs(pids, exist_ok=True)
    incarnation = 0
    while time.time() < args.deadline:
        incarnation += 1
        ident = f"{args.id}.{incarnation}"
        base = os.path.join(args.dir, "writers", ident)
        command = dlctl(args.host, "write", args.log, "--acks", "--timeout", "10", "--lock-timeout", "60")
        if args.direct:
            command.append("--direct")
        with open(base + ".err", "w") as err:
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                       text=True, bufsize=1, start_new_session=True)
        with open(os.path.join(pids, ident), "w") as f:
            f.write(str(process.pid))
        pump = threading.Thread(target=pump_acks, args=(process, base + ".acks", base + ".times"))
        pump.start()
        seq = 0
        started = time.time()
        with open(base + ".in", "w") as invoked:
            try:
                while time.time() < args.deadline and process.poll() is None:
                    seq += 1
                    record = f"{ident}:{seq}\n"
                    invoked.write(record)
                    invoked.flush()
                    process.stdin.write(record)
                    process.stdin.flush()
                    # Paced from the start: a stall is not made up for by a burst larger than a second's.
                    behind = started + seq / args.rate - time.time()
                    if behind > 0:
                        time.sleep(behind)
                    elif behind < -1:
                        started = time.time() - seq / args.rate + 1
            except (BrokenPipeError, OSError):
                pass
        try:
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            status = process.wait(timeout=args.drain)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            status = process.wait()
        pump.join()
        os.remove(os.path.join(pids, ident))
        with open(base + ".status", "w") as f:
            f.write(f"{status}\n")
        if time.time() < args.deadline:
            time.sleep(0.2)  # a failed process is not restarted in a tight loop


def next_position(dlsn):
    seq, entry, slot = (int(x) for x in dlsn.split(","))
    return f"{seq},{entry},{slot + 1}"


def reader(args):
    os.makedirs(os.path.join(args.dir, "readers"), exist_ok=True)
    path = os.path.join(args.dir, "readers", args.id + ".out")
    last = None
    incarnation = 0
    with open(path, "w") as out, open(path[:-4] + ".err", "w") as err:
        while time.time() < args.hard_deadline:
            incarnation += 1
            start = "start" if last is None else next_position(last)
            process = subprocess.Popen(dlctl(args.host, "tail", args.log, "-f", "--from", start, "--timeout", "10",
                                             "--format", "{dlsn}\t{payload}"),
                                       stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
            timer = threading.Timer(max(args.hard_deadline - time.time(), 0), lambda: os.killpg(process.pid, signal.SIGKILL))
            timer.start()
            for line in process.stdout:
                if not line.endswith("\n"):
                    break
                out.write(line)
                out.flush()
                last = line.split("\t", 1)[0]
            status = process.wait()
            timer.cancel()
            err.write(f"# incarnation {incarnation} from {start} ended with status {status}\n")
            err.flush()
            if status == 0:
                return
            time.sleep(0.2)
    sys.exit(f"reader {args.id}: not at the end of {args.log} by the hard deadline")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["writer", "reader"])
    parser.add_argument("--id", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--dir", required=True, help="the log's history directory")
    parser.add_argument("--host", default="client1", help="the client namespace")
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--deadline", type=float, help="writer: epoch seconds to stop giving records")
    parser.add_argument("--drain", type=float, default=60, help="writer: seconds a process gets to finish")
    parser.add_argument("--direct", action="store_true")
    parser.add_argument("--hard-deadline", type=float, help="reader: epoch seconds to give up")
    args = parser.parse_args()
    writer(args) if args.role == "writer" else reader(args)


if __name__ == "__main__":
    main()
