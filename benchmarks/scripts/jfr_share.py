#!/usr/bin/env python3
"""Inclusive share of a JFR file's samples (ExecutionSample: count; ObjectAllocationSample: weight) on
benchmark threads whose stack holds each of the given Class.method fragments.

Usage: jfr_share.py FILE.jfr EVENT FRAG1,FRAG2,...  (record with -jvmArgsAppend
  "-XX:StartFlightRecording=filename=F.jfr,settings=benchmarks/scripts/jfr-1ms.jfc,delay=6s,duration=8s")
"""
import json,sys,subprocess,collections
f=sys.argv[1]; ev=sys.argv[2]
out=subprocess.run(['jfr','print','--json','--stack-depth','64','--events',ev,f],capture_output=True,text=True).stdout
evs=json.loads(out)['recording']['events']
keys=sys.argv[3].split(',')
inc=collections.Counter(); tot=0
for e in evs:
    v=e['values']; w=v.get('weight',1) if 'Allocation' in ev else 1
    st=v.get('stackTrace')
    if not st: continue
    th=v.get('eventThread',v.get('sampledThread',{})).get('javaName','')
    if 'benchmarks.scena' not in th: continue
    tot+=w
    names=[x['method']['type']['name'].split('/')[-1]+'.'+x['method']['name'] for x in st['frames']]
    for k in keys:
        if any(k in n for n in names): inc[k]+=w
print('total',tot)
for k in keys: print(f'{100*inc[k]/max(tot,1):5.1f}% {k}')
