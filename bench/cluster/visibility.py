#!/usr/bin/env python3
"""Acknowledgement-to-visibility across a cluster: posts one session of a fresh release to node A, takes the time
when A answers 200, then polls node B's sessions API until B counts it. Prints p50/p99/max over N samples.
Usage: bench/cluster/visibility.py http://127.0.0.1:9401 http://127.0.0.1:9402 [N]"""
import json, sys, time, urllib.request, uuid, datetime

KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
TOKEN = "crashfree-dev-read-token-change-me"
a, b = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 50

def count(base, release):
    url = (base + "/api/0/organizations/crashfree/sessions/?field=sum(session)&statsPeriod=1h&interval=1h"
           "&includeSeries=0&query=release:" + release)
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + TOKEN})
    body = json.loads(urllib.request.urlopen(req).read())
    return sum(g["totals"]["sum(session)"] for g in body["groups"])

samples = []
for i in range(n):
    release = "vis-" + uuid.uuid4().hex[:12]
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = ('{}\n{"type":"session"}\n{"sid":"%s","did":"u","init":true,"started":"%s","status":"exited",'
           '"attrs":{"release":"%s"}}\n' % (uuid.uuid4().hex, started, release)).encode()
    req = urllib.request.Request(a + "/api/1/envelope/?sentry_key=" + KEY, data=env, method="POST")
    urllib.request.urlopen(req).read()
    acked = time.monotonic()
    while count(b, release) < 1:
        time.sleep(0.01)
    samples.append((time.monotonic() - acked) * 1000)
    time.sleep(0.137 * (i % 7))  # spread the posts over the flusher's cycle
samples.sort()
pct = lambda p: samples[min(len(samples) - 1, int(round(p / 100 * len(samples) + 0.5)) - 1)]
print("ack-to-visibility %s -> %s, %d samples: p50 %.0f ms, p99 %.0f ms, max %.0f ms, min %.0f ms" %
      (a, b, n, pct(50), pct(99), samples[-1], samples[0]))
