import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

// `node dist/bench/profile-summary.js <file.cpuprofile>… [--top N]`: where a profiled server (BENCH_CPU_PROFILE)
// spent its CPU time, over one or more profiles (the slices of one load, say), as self time per package or project
// file and per function, and total (inclusive) time for the project's own functions.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const files = topAt >= 0 ? [...args.slice(0, topAt), ...args.slice(topAt + 2)] : args;
if (files.length === 0 || !Number.isInteger(top) || top < 1) {
  console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile>… [--top N]');
  process.exit(1);
}

/** `node_modules/<package>`, the project file, `node:internal`, or the V8 pseudo-frame (idle, GC, program). */
function owner(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`;
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return path.startsWith('node:') ? 'node internals' : relative(process.cwd(), path);
}

function frame(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${owner(url, functionName)}:${lineNumber + 1}`;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
const inclusiveProject = new Map<string, number>();
let total = 0;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Idle samples are left out: a server also idles while its load starts and ends.
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName === '(idle)') return;
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  for (const [id, time] of selfTime) {
    total += time;
    const node = byId.get(id)!;
    add(byOwner, owner(node.callFrame.url, node.callFrame.functionName), time);
    add(byFunction, frame(node), time);
    // Charge the sample to every distinct project function on its stack.
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const ancestor = byId.get(current)!;
      const { url } = ancestor.callFrame;
      if (!url.startsWith('file://') || url.includes('/node_modules/')) continue;
      const key = frame(ancestor);
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusiveProject, key, time);
    }
  }
}

function print(title: string, map: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [key, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * time) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
}

console.log(`${files.join(', ')}: ${(total / 1e6).toFixed(1)} s busy`);
print('Self time by package or file', byOwner);
print('Self time by function', byFunction);
print("Total time of the project's own functions", inclusiveProject);
