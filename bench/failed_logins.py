#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Failed-login resilience: p95 of legitimate reads alone, then while 50
clients fail to log in in parallel, each retrying every second.

Start the platform first (./platform serve, or ./platform run), then:

    .venv/bin/python bench/failed_logins.py --url http://127.0.0.1:8000 \\
        --database kz --login admin --password "$KZ_ADMIN_PASSWORD"

The target is p95 under attack ≤ 2 × the baseline p95; the exit code is 1
when it is missed.  Traffic goes to 127.0.0.1 only and stops by itself.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc import (  # noqa: E402
    Client, RPCError, percentile, server_arguments)


def legit_latencies(client, seconds):
    latencies = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        client.call('model.kz.region.search_read', [], 0, 20, None,
            ['name', 'code'], {})
        latencies.append(time.perf_counter() - start)
    return latencies


def attacker(args, stop, counts, index):
    "Fail to log in, again every --interval seconds, like a retrying client"
    client = Client(args.url, args.database, timeout=120)
    while not stop.is_set():
        try:
            client.login(f'intruder{index}', 'wrong-password-123')
        except RPCError:
            counts['failed'] += 1
        except OSError:
            counts['errors'] += 1
        stop.wait(args.interval)


def main():
    parser = server_arguments(__doc__)
    parser.add_argument('--attackers', type=int, default=50)
    parser.add_argument('--interval', type=float, default=1.0,
        help="seconds between two attempts of one attacker")
    parser.add_argument('--seconds', type=float, default=15)
    args = parser.parse_args()

    # The legitimate user logs in before the attack: all clients here share
    # 127.0.0.1, which trytond's per-network flood limit then blocks.
    client = Client(args.url, args.database)
    client.login(args.login, args.password)
    baseline = legit_latencies(client, args.seconds)
    stop = threading.Event()
    counts = {'failed': 0, 'errors': 0}
    threads = [threading.Thread(target=attacker, args=(args, stop, counts, i),
            daemon=True) for i in range(args.attackers)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    try:
        attacked = legit_latencies(client, args.seconds)
    finally:
        stop.set()
    base_p95 = percentile(baseline, 0.95)
    attack_p95 = percentile(attacked, 0.95)
    print(f"baseline: {len(baseline)} reads, p50 "
        f"{percentile(baseline, 0.5) * 1000:.1f} ms, p95 {base_p95 * 1000:.1f} ms")
    print(f"under {args.attackers} failing logins: {len(attacked)} reads, p50 "
        f"{percentile(attacked, 0.5) * 1000:.1f} ms, p95 {attack_p95 * 1000:.1f} ms "
        f"({counts['failed']} refused logins, {counts['errors']} errors)")
    ratio = attack_p95 / base_p95
    print(f"p95 ratio: {ratio:.2f} (target ≤ 2.00)")
    return 0 if ratio <= 2 else 1


if __name__ == '__main__':
    sys.exit(main())
