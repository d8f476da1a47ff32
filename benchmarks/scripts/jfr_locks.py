#!/usr/bin/env python3
"""JFR jdk.JavaMonitorEnter / jdk.ThreadPark events summed by site (first okhttp3/okio/flagrelay/
openfeature frame), monitor class and thread name: total duration and count.

Usage: jfr_locks.py FILE.jfr EVENT
"""
import json,sys,subprocess,collections,re
f=sys.argv[1]; ev=sys.argv[2]
out=subprocess.run(['jfr','print','--json','--stack-depth','20','--events',ev,f],capture_output=True,text=True).stdout
evs=json.loads(out)['recording']['events']
def dur(s):
    m=re.match(r'PT(?:(\d+)M)?([\d.]+)S',s); return (int(m.group(1) or 0)*60+float(m.group(2))) if m else 0
cnt=collections.Counter(); tot=collections.Counter()
for e in evs:
    v=e['values']; st=v.get('stackTrace')
    if not st: continue
    th=v.get('eventThread',{}).get('javaName','')
    site=None
    for x in st['frames']:
        n=x['method']['type']['name']
        if n.startswith(('okhttp3','okio','dev/flagrelay','dev/openfeature')):
            site=n.split('/')[-1]+'.'+x['method']['name']; break
    cls=v.get('monitorClass',{}) or {}
    key=(site, (cls.get('name') if isinstance(cls,dict) else '') , re.sub(r'\d+','N',th)[:30])
    cnt[key]+=1; tot[key]+=dur(v.get('duration','PT0S'))
for k,t in tot.most_common(15): print(f'{t*1000:9.1f} ms {cnt[k]:6d}  {k}')
