import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * node dist/bench/profile-shares.js <dir> <from µs> <to µs> [top]
 *
 * Sums the samples of every .cpuprofile in dir (bench:scale --profile) that fall in one window
 * (the bounds its `window` lines print) and prints the shares of self time by package (or the
 * relay's own folder) and the top functions. A whole-run profile mixes start-up, the sockets'
 * authentication and both traffic runs; the window keeps one of them (decision 0164).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, a folder of the relay, or what V8 itself names. */
function area(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`.replace(/^\(\((.*)\)\)$/, '($1)');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /sync-server\/dist\/(?:src\/)?([^/]+)\//.exec(url);
  if (own) return `relay:${own[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:/, 'node:');
  return url.replace(/^.*\/(packages\/[^/]+)\/.*$/, '$1');
}

const [dir, fromArg, toArg, topArg] = process.argv.slice(2);
const from = Number(fromArg);
const to = Number(toArg);
const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const file of readdirSync(dir!).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir!, file), 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i]!;
    at += delta;
    if (at < from || at > to) continue;
    const frame = nodes.get(profile.samples[i]!)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    const where = area(frame.url, frame.functionName);
    byArea.set(where, (byArea.get(where) ?? 0) + delta);
    const fn = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta);
    total += delta;
  }
}
const show = (map: Map<string, number>, top: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(`busy samples: ${(total / 1e6).toFixed(2)} s over all profiles`);
console.log(show(byArea, 30));
console.log('--');
console.log(show(byFunction, Number(topArg ?? 40)));
