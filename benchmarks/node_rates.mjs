// Drafts per CPU-second of write-good and alex (Node linters) on the drafts given as a JSON
// list on stdin; run by bench_rules.py from benchmarks/node (npm install --prefix benchmarks/node write-good alex).
import {createRequire} from 'node:module';
import {readFileSync} from 'node:fs';
const require = createRequire(process.cwd() + '/');
const drafts = JSON.parse(readFileSync(0, 'utf8'));
const seconds = Number(process.argv[2] || 2);
function rate(fn) {
  let best = 0;
  for (let w = 0; w < 3; w++) {
    let done = 0; const start = process.cpuUsage();
    for (;;) {
      for (const d of drafts) fn(d);
      done += drafts.length;
      const u = process.cpuUsage(start); const el = (u.user + u.system) / 1e6;
      if (el >= seconds / 3) { best = Math.max(best, done / el); break; }
    }
  }
  return best;
}
const out = {};
try { const wg = require('write-good'); out['write-good'] = rate(d => wg(d)); } catch (e) { out['write-good'] = String(e.message || e); }
try { const {text} = await import(require.resolve('alex')); out['alex'] = rate(d => text(d)); } catch (e) { out['alex'] = String(e.message || e); }
console.log(JSON.stringify(out));
